// The http benchmark's child: `concurrency` callers doing GET / against one local node:http
// server, through a 10-worker outpools http pool or through an undici Pool with 10 connections
// used directly. One variant per process: `node scenario.mjs <outpools|undici> [concurrency]`.
// The server is the one bench.mjs started (BENCH_HTTP_PORT), or a fresh one when run alone.
import { Pool } from 'undici';
import { closedLoop, scenarioMain } from '../lib/load.mjs';
import { startBenchServer } from './start-server.mjs';

const WORKERS = 10;
/** Both variants warm up for 1 s (JIT, connections) before the measured run. */
const WARMUP_MS = 1000;

async function serverPort() {
  if (process.env.BENCH_HTTP_PORT) return { port: Number(process.env.BENCH_HTTP_PORT), stop() {} };
  return startBenchServer();
}

await scenarioMain({
  async outpools(concurrency) {
    const server = await serverPort();
    const { createPools, DriverRegistry, parseConfig } = await import('@outpools/core');
    const { httpDriver } = await import('@outpools/driver-http');
    const registry = new DriverRegistry([httpDriver]);
    const config = parseConfig(
      `[outgoing_pools.http.default]\nworkers = ${WORKERS}\n` +
        `[outgoing_pools.http.default.connection]\nhost = "http://127.0.0.1:${server.port}"\n`,
      { registry },
    );
    const pools = createPools(config, { registry });
    await pools.start({ requireLive: true });
    const http = pools.get(httpDriver, 'global', 'default');
    const result = await closedLoop({
      call: async () => {
        const res = await http.get('/');
        if (res.statusCode !== 200 || res.body !== 'ok') throw new Error(`unexpected response ${res.statusCode}`);
      },
      concurrency: Number(concurrency),
      warmupMs: WARMUP_MS,
      latency: true,
    });
    await pools.stop();
    server.stop();
    return result;
  },

  async undici(concurrency) {
    const server = await serverPort();
    const pool = new Pool(`http://127.0.0.1:${server.port}`, { connections: WORKERS, pipelining: 1 });
    const result = await closedLoop({
      call: async () => {
        const res = await pool.request({ method: 'GET', path: '/' });
        const body = await res.body.text();
        if (res.statusCode !== 200 || body !== 'ok') throw new Error(`unexpected response ${res.statusCode}`);
      },
      concurrency: Number(concurrency),
      warmupMs: WARMUP_MS,
      latency: true,
    });
    await pool.close();
    server.stop();
    return result;
  },
});
