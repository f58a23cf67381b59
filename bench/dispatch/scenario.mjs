// One measurement of the dispatch benchmark: `node scenario.mjs <variant> <concurrency>`.
// Variants: outpools, outpools-run, floor, one-promise, two-promise, minimal-pool, generic-pool, tarn
// (throughput of no-op calls over 10 workers),
// memory (bytes per idle worker; needs --expose-gc), startstop (1,000 host instances x 10 workers).
import { createRequire } from 'node:module';
import { performance } from 'node:perf_hooks';
import { closedLoop, scenarioMain } from '../lib/load.mjs';
import { MinimalPool } from './minimal-pool.mjs';
import { NoopConnection, noopDriver, sendOnce } from './noop.mjs';
import { createNoopPools, startAll } from './outpools.mjs';

const require = createRequire(import.meta.url);
const WORKERS = 10;

/** The closed loop over a started no-op pool, calling its client's `method`. */
async function outpoolsLoop(method, concurrency) {
  const pools = createNoopPools({ workers: WORKERS, strategy: 'best_worker', callTimeout: 5000 });
  await startAll(pools);
  const client = pools.get(noopDriver, 'global', 'default');
  const result = await closedLoop({ call: client[method], concurrency });
  await pools.stop();
  return result;
}

/** A closed loop whose call makes the caller's own promise and has `settle(connection, resolve, reject)` settle it. */
function ownPromiseLoop(concurrency, settle) {
  const workers = Array.from({ length: WORKERS }, () => new NoopConnection());
  let i = 0;
  let settlers;
  const capture = (resolve, reject) => {
    settlers = { resolve, reject };
  };
  const call = () => {
    const promise = new Promise(capture);
    settle(workers[i++ % WORKERS], settlers.resolve, settlers.reject);
    return promise;
  };
  return closedLoop({ call, concurrency });
}

const gc = () => {
  if (typeof globalThis.gc !== 'function') throw new Error('run node with --expose-gc');
  for (let i = 0; i < 4; i += 1) globalThis.gc();
};

await scenarioMain({
  // The cheapest call path: pool.runCallback() over the connection's callback API.
  async outpools(concurrency) {
    return outpoolsLoop('send', concurrency);
  },

  // pool.run() over the connection's promise API (the path of a driver whose library only has promises).
  async 'outpools-run'(concurrency) {
    return outpoolsLoop('call', concurrency);
  },

  async floor(concurrency) {
    const workers = Array.from({ length: WORKERS }, () => new NoopConnection());
    let i = 0;
    return closedLoop({ call: () => workers[i++ % WORKERS].call(), concurrency });
  },

  // The least a pool can do while it keeps each caller's promise apart from the connection's (so
  // that a deadline or an abort can settle it first): make the caller's own promise and settle it
  // from the connection. No routing, deadline, stats or bookkeeping: the ceilings of vs_floor.
  // Over the callback API (the ceiling for runCallback()):
  async 'one-promise'(concurrency) {
    return ownPromiseLoop(concurrency, (connection, resolve, reject) =>
      connection.send((error, value) => (error ? reject(error) : resolve(value))),
    );
  },

  // Over the promise API (the ceiling for run()):
  async 'two-promise'(concurrency) {
    return ownPromiseLoop(concurrency, (connection, resolve, reject) => connection.call().then(resolve, reject));
  },

  // A complete but minimal pool (minimal-pool.mjs) over the same callback API as `outpools`: the
  // realistic ceiling of vs_floor (the one-promise ceiling plus the bookkeeping no pool can skip).
  async 'minimal-pool'(concurrency) {
    const connections = Array.from({ length: WORKERS }, () => new NoopConnection());
    const pool = new MinimalPool(connections, 5000);
    const result = await closedLoop({ call: () => pool.runCallback(sendOnce), concurrency });
    pool.close();
    return result;
  },

  async 'generic-pool'(concurrency) {
    const genericPool = require('generic-pool');
    const pool = genericPool.createPool(
      { create: async () => new NoopConnection(), destroy: async () => {} },
      { min: WORKERS, max: WORKERS },
    );
    await pool.ready();
    const call = async () => {
      const connection = await pool.acquire();
      try {
        await connection.call();
      } finally {
        pool.release(connection);
      }
    };
    const result = await closedLoop({ call, concurrency });
    await pool.drain();
    await pool.clear();
    return result;
  },

  async tarn(concurrency) {
    const { Pool } = require('tarn');
    const pool = new Pool({ create: () => new NoopConnection(), destroy: () => {}, min: WORKERS, max: WORKERS });
    const call = async () => {
      const connection = await pool.acquire().promise;
      try {
        await connection.call();
      } finally {
        pool.release(connection);
      }
    };
    const result = await closedLoop({ call, concurrency });
    await pool.destroy();
    return result;
  },

  // Heap growth per idle worker: 100 host instances x 100 workers, all live and idle.
  async memory() {
    const hosts = Array.from({ length: 100 }, (_, i) => `h${i}.example`);
    const workers = 100;
    gc();
    const before = process.memoryUsage().heapUsed;
    const pools = createNoopPools({ scope: 'host', hosts, workers });
    await startAll(pools);
    gc();
    const after = process.memoryUsage().heapUsed;
    await pools.stop();
    const total = hosts.length * workers;
    return { bytesPerIdleWorker: (after - before) / total, workers: total };
  },

  // Time to start and to stop 1,000 host-scoped instances of 10 no-op workers each.
  async startstop() {
    const hosts = Array.from({ length: 1000 }, (_, i) => `h${i}.example`);
    const pools = createNoopPools({ scope: 'host', hosts, workers: 10 });
    const t0 = performance.now();
    await startAll(pools);
    const t1 = performance.now();
    await pools.stop();
    const t2 = performance.now();
    return { startMs: t1 - t0, stopMs: t2 - t1, instances: hosts.length };
  },
});
