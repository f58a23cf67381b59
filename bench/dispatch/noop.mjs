// The in-process no-op pool type of the dispatch benchmark, and the connection object every
// variant (outpools, floor, generic-pool, tarn) calls, so all of them do exactly the same work.
import { defineDriver, Type } from '@outpools/core/driver';

/** One idle "connection": `call()` resolves at once. */
export class NoopConnection {
  async call() {
    return undefined;
  }
}

const callOnce = (connection) => connection.call();

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
  client: (pool) => ({ call: () => pool.run(callOnce) }),
});
