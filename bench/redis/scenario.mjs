// The redis benchmark's child: 100 concurrent callers alternating GET and SET against the base
// Redis (127.0.0.1:6379), through a 10-worker outpools pool or through 10 bare ioredis clients
// used round-robin. One variant per process: `node scenario.mjs <outpools|ioredis> [concurrency]`.
import { Redis } from 'ioredis';
import { closedLoop, durationMs, scenarioMain } from '../lib/load.mjs';

const HOST = '127.0.0.1';
const PORT = Number(process.env.BENCH_REDIS_PORT ?? 6379);
const WORKERS = 10;
const KEYS = 1000;
// Two seconds per run by default: Redis shares the machine's two cores, one second is noisy.
const DURATION_MS = durationMs(2000);
const key = (i) => `outpools:bench:${i % KEYS}`;

/** The load of one caller: GET and SET alternate, over a small key space. */
function alternating(get, set) {
  let n = 0;
  return () => {
    n += 1;
    return (n & 1) === 0 ? get(key(n)) : set(key(n), 'v');
  };
}

await scenarioMain({
  async outpools(concurrency) {
    const { createPools, DriverRegistry, parseConfig } = await import('@outpools/core');
    const { redisDriver } = await import('@outpools/driver-redis');
    const registry = new DriverRegistry([redisDriver]);
    const config = parseConfig(
      `[outgoing_pools.redis.default]\nworkers = ${WORKERS}\n` +
        `[outgoing_pools.redis.default.connection]\nhost = "${HOST}"\nport = ${PORT}\n`,
      { registry },
    );
    const pools = createPools(config, { registry });
    await pools.start({ requireLive: true });
    const redis = pools.get(redisDriver, 'global', 'default');
    const result = await closedLoop({
      call: alternating(
        (k) => redis.get(k),
        (k, v) => redis.set(k, v),
      ),
      concurrency: Number(concurrency),
      durationMs: DURATION_MS,
      latency: true,
    });
    await pools.stop();
    return result;
  },

  async ioredis(concurrency) {
    const clients = Array.from(
      { length: WORKERS },
      () =>
        new Redis({ host: HOST, port: PORT, lazyConnect: true, enableOfflineQueue: false, maxRetriesPerRequest: 0 }),
    );
    await Promise.all(clients.map((c) => c.connect()));
    let next = 0;
    const pick = () => clients[next++ % WORKERS];
    const result = await closedLoop({
      call: alternating(
        (k) => pick().get(k),
        (k, v) => pick().set(k, v),
      ),
      concurrency: Number(concurrency),
      durationMs: DURATION_MS,
      latency: true,
    });
    for (const c of clients) c.disconnect();
    return result;
  },
});
