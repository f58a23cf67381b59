// The rabbit benchmark's child: 100 concurrent callers publishing with publisher confirms to a
// queue of the base broker (127.0.0.1:5672, guest/guest), through a 10-worker outpools pool or
// through 10 bare amqplib confirm channels (one connection each) used round-robin.
// One variant per process: `node scenario.mjs <outpools|amqplib> [concurrency]`.
import { createRequire } from 'node:module';
import { closedLoop, durationMs, scenarioMain } from '../lib/load.mjs';

const HOST = '127.0.0.1';
const PORT = Number(process.env.BENCH_RABBIT_PORT ?? 5672);
const WORKERS = 10;
// Two seconds per run by default: the broker shares the machine's two cores.
const DURATION_MS = durationMs(2000);
const BODY = Buffer.from(JSON.stringify({ event: 'presence', user: 'alice@localhost', status: 'online' }));
// A per-process queue, bounded so that the broker's memory stays flat (the oldest are dropped).
const QUEUE = `outpools-bench.${process.pid}`;
const QUEUE_ARGS = { 'x-max-length': 20000 };

// amqplib is a dependency of the driver package, not of the workspace root: load it from there.
const amqplib = createRequire(import.meta.resolve('@outpools/driver-rabbit'))('amqplib');

/** Run one variant with its queue, adding the client's CPU time per publish (µs, user + system). */
async function withQueue(run) {
  const admin = await amqplib.connect({
    protocol: 'amqp',
    hostname: HOST,
    port: PORT,
    username: 'guest',
    password: 'guest',
  });
  const channel = await admin.createChannel();
  await channel.assertQueue(QUEUE, { durable: false, arguments: QUEUE_ARGS });
  try {
    const result = await run();
    return { ...result, cpuUsPerOp: result.cpuUs / result.ops, cpuUs: undefined };
  } finally {
    await channel.deleteQueue(QUEUE);
    await admin.close();
  }
}

/** A 300 ms warm-up, then the measured closed loop and the CPU time it took. */
async function measured(call, concurrency) {
  await closedLoop({ call, concurrency, durationMs: 300, warmupMs: 0 });
  const before = process.cpuUsage();
  const result = await closedLoop({ call, concurrency, durationMs: DURATION_MS, warmupMs: 0, latency: true });
  const used = process.cpuUsage(before);
  return { ...result, cpuUs: used.user + used.system };
}

await scenarioMain({
  outpools: (concurrency) =>
    withQueue(async () => {
      const { createPools, DriverRegistry, parseConfig } = await import('@outpools/core');
      const { rabbitDriver } = await import('@outpools/driver-rabbit');
      const registry = new DriverRegistry([rabbitDriver]);
      const config = parseConfig(
        `[outgoing_pools.rabbit.default]\nworkers = ${WORKERS}\n` +
          `[outgoing_pools.rabbit.default.connection]\nhost = "${HOST}"\nport = ${PORT}\nconfirms_enabled = true\n`,
        { registry },
      );
      const pools = createPools(config, { registry });
      await pools.start({ requireLive: true });
      const rabbit = pools.get(rabbitDriver, 'global', 'default');
      const result = await measured(() => rabbit.publish('', QUEUE, BODY), concurrency);
      await pools.stop();
      return result;
    }),

  amqplib: (concurrency) =>
    withQueue(async () => {
      const models = await Promise.all(
        Array.from({ length: WORKERS }, () =>
          amqplib.connect(
            { protocol: 'amqp', hostname: HOST, port: PORT, username: 'guest', password: 'guest' },
            { noDelay: true },
          ),
        ),
      );
      const channels = await Promise.all(models.map((m) => m.createConfirmChannel()));
      let next = 0;
      const publish = () =>
        new Promise((resolve, reject) => {
          channels[next++ % WORKERS].publish('', QUEUE, BODY, {}, (error) => (error ? reject(error) : resolve()));
        });
      const result = await measured(publish, concurrency);
      await Promise.all(models.map((m) => m.close()));
      return result;
    }),
});
