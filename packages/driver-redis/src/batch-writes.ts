/**
 * One write per turn of the event loop: the `auto_pipelining` of a redis worker.
 *
 * ioredis writes each command to its socket as it is sent. With {@link batchWritesPerTurn} the
 * socket is corked at the first write of a turn and uncorked when the turn's microtasks are done
 * (`process.nextTick`), so every command a worker sends in that turn reaches Redis in one system
 * call, in the order sent. Each command keeps its own reply, promise, error and timeout: only
 * the writes are grouped. It costs the client far less per command than ioredis' own
 * `enableAutoPipelining`, which builds a `Pipeline` per batch and a second promise per command
 * (see bench/redis/README.md).
 * @module
 */
import type { Socket } from 'node:net';

/**
 * Group the writes of `socket` by turn of the event loop (see the module comment). Data written
 * before an `end()` still goes out (`end()` uncorks); a `destroy()` drops it, as it drops
 * anything not yet written, and ioredis fails the commands it was waiting on.
 *
 * @example
 * ```ts
 * import { createConnection } from 'node:net';
 * import { batchWritesPerTurn } from './batch-writes.js';
 *
 * const socket = createConnection({ host: '127.0.0.1', port: 6379 });
 * batchWritesPerTurn(socket);
 * socket.write('PING\r\n');
 * socket.write('PING\r\n'); // both leave in one write, at the end of this turn
 * ```
 */
export function batchWritesPerTurn(socket: Socket): void {
  const write = socket.write;
  socket.write = function batchedWrite(this: Socket, chunk: unknown, encoding?: unknown, callback?: unknown): boolean {
    if (this.writableCorked === 0) {
      this.cork();
      process.nextTick(uncork, this);
    }
    return (write as (chunk: unknown, encoding?: unknown, callback?: unknown) => boolean).call(
      this,
      chunk,
      encoding,
      callback,
    );
  } as Socket['write'];
}

function uncork(socket: Socket): void {
  socket.uncork();
}
