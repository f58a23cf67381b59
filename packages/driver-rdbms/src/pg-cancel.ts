/**
 * PostgreSQL's out-of-band CancelRequest: a fresh TCP connection that carries the backend's
 * process id and secret key, asking the server to cancel whatever that backend runs.
 * @module
 */

const CANCEL_REQUEST_CODE = 80877102;

/** A CancelRequest in flight. */
export interface PgCancel {
  /** Give up on it (the statement it cancels has ended, or the connection is going). */
  destroy(): void;
}

/**
 * Ask the server to cancel the statement running on backend `processId`. Best effort: never
 * throws; `ended` runs when its socket closed. It has no timer of its own: the caller destroys
 * it when the statement it cancels ends (or its deadline fires).
 */
export function sendPgCancel(
  host: string,
  port: number,
  processId: number,
  secretKey: number,
  ended: () => void,
): PgCancel {
  const packet = Buffer.alloc(16);
  packet.writeInt32BE(16, 0);
  packet.writeInt32BE(CANCEL_REQUEST_CODE, 4);
  packet.writeInt32BE(processId, 8);
  packet.writeInt32BE(secretKey, 12);
  const socket = process.getBuiltinModule('node:net').connect({ host, port });
  socket.on('error', () => undefined);
  socket.on('close', ended);
  socket.on('connect', () => socket.end(packet));
  return { destroy: () => socket.destroy() };
}
