// The redis benchmark's child: concurrent callers alternating GET and SET against the base Redis
// (127.0.0.1:6379). One variant per process: `node scenario.mjs <variant> [concurrency]`, variants:
// - outpools: the recommended settings (RECOMMENDED_WORKERS workers, `auto_pipelining` at its default, on);
// - outpools-w<N>: N auto-pipelined workers (the sweep behind the recommendation);
// - outpools-noauto: 10 workers, `auto_pipelining = false` (one write per command);
// - ioredis-autopipeline-1conn: ONE ioredis client with `enableAutoPipelining`;
// - ioredis-rr: 10 bare ioredis clients used round-robin.
import { Redis } from 'ioredis';
import { closedLoop, durationMs, scenarioMain } from '../lib/load.mjs';

const HOST = '127.0.0.1';
const PORT = Number(process.env.BENCH_REDIS_PORT ?? 6379);
const KEYS = 1000;
/** The worker count packages/driver-redis/README.md recommends (see bench/redis/README.md). */
export const RECOMMENDED_WORKERS = 2;
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

async function outpools(concurrency, workers, autoPipelining) {
  const { createPools, DriverRegistry, parseConfig } = await import('@outpools/core');
  const { redisDriver } = await import('@outpools/driver-redis');
  const registry = new DriverRegistry([redisDriver]);
  const config = parseConfig(
    `[outgoing_pools.redis.default]\nworkers = ${workers}\n` +
      `[outgoing_pools.redis.default.connection]\nhost = "${HOST}"\nport = ${PORT}\n` +
      (autoPipelining === undefined ? '' : `auto_pipelining = ${autoPipelining}\n`),
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
}

async function ioredis(concurrency, count, enableAutoPipelining) {
  const clients = Array.from(
    { length: count },
    () =>
      new Redis({
        host: HOST,
        port: PORT,
        lazyConnect: true,
        enableOfflineQueue: false,
        maxRetriesPerRequest: 0,
        enableAutoPipelining,
      }),
  );
  await Promise.all(clients.map((c) => c.connect()));
  let next = 0;
  const pick = () => clients[next++ % count];
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
}

const sweep = Object.fromEntries(
  [1, 2, 4, 10].map((w) => [`outpools-w${w}`, (concurrency) => outpools(concurrency, w, undefined)]),
);

await scenarioMain({
  outpools: (concurrency) => outpools(concurrency, RECOMMENDED_WORKERS, undefined),
  ...sweep,
  'outpools-noauto': (concurrency) => outpools(concurrency, 10, false),
  'ioredis-autopipeline-1conn': (concurrency) => ioredis(concurrency, 1, true),
  'ioredis-rr': (concurrency) => ioredis(concurrency, 10, false),
});
