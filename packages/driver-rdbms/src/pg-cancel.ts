/**
 * PostgreSQL's out-of-band CancelRequest: a fresh TCP connection that carries the backend's
 * process id and secret key, asking the server to cancel whatever that backend runs.
 * @module
 */
import { connect } from 'node:net';

const CANCEL_REQUEST_CODE = 80877102;

/**
 * Ask the server to cancel the statement running on backend `processId`. Best effort: never
 * throws, gives up after `timeoutMs`.
 */
export function sendPgCancel(host: string, port: number, processId: number, secretKey: number, timeoutMs = 2000): Promise<void> {
  return new Promise((resolve) => {
    const packet = Buffer.alloc(16);
    packet.writeInt32BE(16, 0);
    packet.writeInt32BE(CANCEL_REQUEST_CODE, 4);
    packet.writeInt32BE(processId, 8);
    packet.writeInt32BE(secretKey, 12);
    const socket = connect({ host, port });
    const timer = setTimeout(() => socket.destroy(), timeoutMs);
    timer.unref();
    socket.on('error', () => undefined);
    socket.on('close', () => {
      clearTimeout(timer);
      resolve();
    });
    socket.on('connect', () => socket.end(packet));
  });
}
