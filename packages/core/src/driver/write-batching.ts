/**
 * One write per turn of the event loop, for drivers that pipeline commands on one connection
 * (the redis driver's `auto_pipelining`, pgsql's pipelined connections).
 *
 * A socket corked at the first write of a turn and uncorked once the turn's microtasks have run
 * (`process.nextTick`) hands everything written in between to the kernel in one system call, in
 * the order written. A driver whose client library writes each command (or each protocol
 * message) on its own saves a system call per command, which on loopback is most of a small
 * command's client cost. Nothing else changes: replies, errors and timeouts stay per command.
 * @module
 */

/** The part of a `net.Socket` (or any `Writable`) that corking needs. */
export interface CorkableStream {
  /** How many `uncork()` calls it takes to flush (`Writable.writableCorked`). */
  readonly writableCorked: number;
  cork(): void;
  uncork(): void;
}

/** A corkable stream whose `write` can be wrapped (a `net.Socket` or `tls.TLSSocket`). */
export interface BatchableStream extends CorkableStream {
  write(chunk: unknown, encoding?: unknown, callback?: unknown): boolean;
}

/**
 * Cork `stream` until the end of this turn of the event loop, unless it is corked already:
 * what is written until then leaves in one system call.
 *
 * @example
 * ```ts
 * import { createConnection } from 'node:net';
 * import { corkForTurn } from '@outpools/core/driver';
 *
 * const socket = createConnection({ host: '127.0.0.1', port: 6379 });
 * corkForTurn(socket);
 * socket.write('PING\r\n');
 * socket.write('PING\r\n'); // both leave together when this turn's microtasks are done
 * ```
 */
export function corkForTurn(stream: CorkableStream): void {
  if (stream.writableCorked === 0) {
    stream.cork();
    process.nextTick(uncork, stream);
  }
}

/**
 * Make every write of `stream` cork it for the rest of the turn ({@link corkForTurn}), for a
 * client library that writes to the socket itself. Data written before an `end()` still goes out
 * (`end()` uncorks); a `destroy()` drops it, as it drops anything not yet written.
 *
 * @example
 * ```ts
 * import { createConnection } from 'node:net';
 * import { batchWritesPerTurn } from '@outpools/core/driver';
 *
 * const socket = createConnection({ host: '127.0.0.1', port: 6379 });
 * batchWritesPerTurn(socket); // before handing the socket to the client library
 * ```
 */
export function batchWritesPerTurn(stream: BatchableStream): void {
  const write = stream.write;
  stream.write = function batchedWrite(this: BatchableStream, chunk: unknown, encoding?: unknown, callback?: unknown) {
    corkForTurn(this);
    return write.call(this, chunk, encoding, callback);
  };
}

function uncork(stream: CorkableStream): void {
  stream.uncork();
}
