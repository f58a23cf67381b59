// The in-process no-op pool type of the dispatch benchmark, and the connection object every
// variant (outpools, floor, generic-pool, tarn) calls, so all of them do exactly the same work.
// Like many client libraries, the connection has a promise API (`call()`) and a Node-style
// callback API (`send(callback)`); both answer at once.
import { defineDriver, Type } from '@outpools/core/driver';

/** One idle "connection": `call()` resolves at once. */
export class NoopConnection {
  async call() {
    return undefined;
  }

  /** The same call with a Node-style callback, answered at once (like `call()`'s promise). */
  send(callback) {
    callback(null, undefined);
  }
}

const callOnce = (connection) => connection.call();
/** One call over the callback API, ended through the pool's completion context (`done`/`fail`). */
export const sendOnce = (connection, ctx) =>
  connection.send((error, value) => (error ? ctx.fail(error) : ctx.done(value)));

/** A pool type whose connect, close, ping and calls cost nothing: it measures the engine. */
export const noopDriver = defineDriver({
  type: 'noop',
  connectionSchema: Type.Object({}, { additionalProperties: false }),
  async connect() {
    return new NoopConnection();
  },
  async close() {},
  async ping() {
    return true;
  },
  // call: through pool.run() and the promise API; send: through pool.runCallback() and the callback API.
  client: (pool) => ({ call: () => pool.run(callOnce), send: () => pool.runCallback(sendOnce) }),
});
