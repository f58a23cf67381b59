// The soak: one pool type under a steady bounded load for minutes, its connections reset from
// the server side every few seconds, with the process's heap (after a full GC), open
// descriptors and active handles sampled all along. `node scenario.mjs <redis|http> [callers]`.
// Servers are private: a redis-server child on a free port, an HTTP server in this process.
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer as createHttpServer } from 'node:http';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createPools, DriverRegistry, OutpoolsError, parseConfig } from '@outpools/core';
import { httpDriver } from '@outpools/driver-http';
import { redisDriver } from '@outpools/driver-redis';
import { Redis } from 'ioredis';
import { durationMs, scenarioMain } from '../lib/load.mjs';

const WORKERS = 5;
const CALL_TIMEOUT_MS = 500;
const CALLER_PERIOD_MS = 20; // each caller at most 50 calls/s
const FAULT_EVERY_MS = 5000;
const SAMPLE_EVERY_MS = 2000;

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const fdCount = () => readdirSync('/proc/self/fd').length;
const handleCount = () => process.getActiveResourcesInfo().filter((r) => r !== 'Timeout').length;
const heapMb = () => {
  globalThis.gc?.();
  globalThis.gc?.();
  return process.memoryUsage().heapUsed / 1048576;
};

function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

function portOpen(port) {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** A private redis-server; `fault()` kills every client connection but its own (CLIENT KILL). */
async function redisTarget() {
  const dir = mkdtempSync(join(tmpdir(), 'outpools-soak-redis-'));
  const port = await freePort();
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--dir', dir], {
    stdio: 'ignore',
  });
  for (let i = 0; i < 500 && !(await portOpen(port)); i += 1) await sleep(20);
  const admin = new Redis({ host: '127.0.0.1', port, lazyConnect: true });
  await admin.connect();
  return {
    toml: `[outgoing_pools.redis.soak]\nworkers = ${WORKERS}\ncall_timeout = ${CALL_TIMEOUT_MS}\n[outgoing_pools.redis.soak.connection]\nhost = "127.0.0.1"\nport = ${port}\n`,
    driver: redisDriver,
    call: (pools, id) => pools.get(redisDriver, 'global', 'soak').incr(`soak:${id % 1000}`),
    fault: () => admin.client('KILL', 'TYPE', 'normal', 'SKIPME', 'yes'),
    async dispose() {
      admin.disconnect();
      child.kill('SIGKILL');
      await new Promise((resolve) => child.once('exit', resolve));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** An HTTP server in this process; `fault()` destroys every socket it holds. */
async function httpTarget() {
  const server = createHttpServer((req, res) => {
    req.resume();
    req.on('end', () => res.end('ok'));
  });
  server.keepAliveTimeout = 60_000;
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  return {
    toml: `[outgoing_pools.http.soak]\nworkers = ${WORKERS}\ncall_timeout = ${CALL_TIMEOUT_MS}\n[outgoing_pools.http.soak.connection]\nhost = "http://127.0.0.1:${port}"\nrequest_timeout = 400\n`,
    driver: httpDriver,
    call: (pools, id) => pools.get(httpDriver, 'global', 'soak').post(`w/${id}`, 'x'),
    fault: () => server.closeAllConnections(),
    async dispose() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

async function soak(makeTarget, callers) {
  const duration = durationMs(120_000);
  const target = await makeTarget();
  const fds0 = fdCount();
  const handles0 = handleCount();
  const registry = new DriverRegistry([target.driver]);
  const pools = createPools(parseConfig(target.toml, { registry }), { registry, startTimeoutMs: 2000 });
  // The first connect imports the client library (seconds on a busy machine): wait for every worker.
  await pools.start();
  for (let i = 0; i < 1500 && pools.stats()[0]?.workers.live !== WORKERS; i += 1) await sleep(20);
  if (pools.stats()[0]?.workers.live !== WORKERS) throw new Error('the pool did not come up');
  let running = true;
  let calls = 0;
  let errors = 0;
  let uncoded = 0;
  let worstMs = 0;
  const loop = async (caller) => {
    await sleep(Math.random() * CALLER_PERIOD_MS);
    for (let n = 0; running; n += 1) {
      const t0 = performance.now();
      try {
        await target.call(pools, caller * 1_000_000 + n);
      } catch (error) {
        errors += 1;
        if (!(error instanceof OutpoolsError)) uncoded += 1;
      }
      const ms = performance.now() - t0;
      calls += 1;
      if (ms > worstMs) worstMs = ms;
      if (ms < CALLER_PERIOD_MS && running) await sleep(CALLER_PERIOD_MS - ms);
    }
  };
  const loops = Array.from({ length: callers }, (_, i) => loop(i));
  const samples = [];
  const started = performance.now();
  let nextFault = started + FAULT_EVERY_MS;
  let faults = 0;
  while (performance.now() - started < duration) {
    await sleep(SAMPLE_EVERY_MS);
    samples.push({ t: performance.now() - started, heapMb: heapMb(), fds: fdCount(), handles: handleCount() });
    if (performance.now() >= nextFault) {
      await target.fault();
      faults += 1;
      nextFault += FAULT_EVERY_MS;
    }
  }
  running = false;
  await Promise.all(loops);
  await pools.stop();
  for (let i = 0; i < 100 && (fdCount() > fds0 || handleCount() > handles0); i += 1) await sleep(20);
  const fdsAfter = fdCount();
  const handlesAfter = handleCount();
  await target.dispose();
  // Heap growth: the mean of the last quarter of the samples minus the mean of the second quarter
  // (the first quarter is warm-up: JIT, pools, buffers).
  const quarter = Math.max(1, Math.floor(samples.length / 4));
  const mean = (list) => list.reduce((a, s) => a + s.heapMb, 0) / Math.max(1, list.length);
  const heapGrowthMb = mean(samples.slice(-quarter)) - mean(samples.slice(quarter, 2 * quarter));
  const fdsMax = Math.max(...samples.map((s) => s.fds));
  return {
    calls,
    errors,
    uncoded,
    faults,
    worstMs,
    heapGrowthMb,
    heapMb: samples.at(-1)?.heapMb ?? 0,
    fdsDuring: fdsMax - fds0,
    fdDelta: fdsAfter - fds0,
    handleDelta: handlesAfter - handles0,
    minutes: duration / 60_000,
  };
}

await scenarioMain({
  redis: (callers) => soak(redisTarget, callers),
  http: (callers) => soak(httpTarget, callers),
});
