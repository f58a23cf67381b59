// The elastic benchmark's child: 100 concurrent callers running term searches against the test
// node (https://127.0.0.1:19200, scripts/services/slow/elastic.sh), through a 10-worker outpools
// pool or through one @elastic/elasticsearch client whose own undici pool has 10 connections.
// One variant per process: `node scenario.mjs <outpools|client> [concurrency]`.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { closedLoop, durationMs, scenarioMain } from '../lib/load.mjs';

const HOST = '127.0.0.1';
const PORT = Number(process.env.BENCH_ELASTIC_PORT ?? 19200);
const USER = 'outpools';
const PASSWORD = 'outpools-es-pw';
const CA_FILE = '/tmp/outpools-services/elastic/ca.crt';
const WORKERS = 10;
const INDEX = 'outpools-bench';
const DOCS = 1000;
const USERS = 100;
// Five seconds per run by default: the node shares the machine's two cores, shorter runs are noisy.
const DURATION_MS = durationMs(5000);

// @elastic/elasticsearch is a dependency of the driver package: resolve it from there.
const requireFromDriver = createRequire(new URL('../../packages/driver-elastic/package.json', import.meta.url));
const { Client } = await import(pathToFileURL(requireFromDriver.resolve('@elastic/elasticsearch')).href);

/** A term query on one of USERS keyword values, cycling. */
function termSearches(search) {
  let n = 0;
  return () => {
    n += 1;
    return search({ index: INDEX, query: { term: { user: `u${n % USERS}` } }, size: 5 });
  };
}

/** Create and fill the bench index once (later children find it complete). */
async function seed(client) {
  const exists = await client.indices.exists({ index: INDEX });
  if (exists && (await client.count({ index: INDEX })).count === DOCS) return;
  if (exists) await client.indices.delete({ index: INDEX });
  await client.indices.create({
    index: INDEX,
    settings: { number_of_shards: 1, number_of_replicas: 0 },
    mappings: { properties: { user: { type: 'keyword' }, body: { type: 'text' }, n: { type: 'integer' } } },
  });
  const operations = [];
  for (let i = 0; i < DOCS; i += 1) {
    operations.push(
      { index: { _index: INDEX, _id: `d${i}` } },
      { user: `u${i % USERS}`, body: `message number ${i}`, n: i },
    );
  }
  await client.bulk({ operations, refresh: true });
}

function baselineClient(connections) {
  return new Client({
    node: `https://${HOST}:${PORT}`,
    auth: { username: USER, password: PASSWORD },
    tls: { ca: readFileSync(CA_FILE) },
    agent: { connections, pipelining: 1 },
    maxRetries: 0,
    compression: false,
  });
}

await scenarioMain({
  async outpools(concurrency) {
    const { createPools, DriverRegistry, parseConfig } = await import('@outpools/core');
    const { elasticDriver } = await import('@outpools/driver-elastic');
    const admin = baselineClient(1);
    await seed(admin);
    await admin.close();
    const registry = new DriverRegistry([elasticDriver]);
    const config = parseConfig(
      `[outgoing_pools.elastic.default]\nworkers = ${WORKERS}\n` +
        `[outgoing_pools.elastic.default.connection]\nhost = "${HOST}"\nport = ${PORT}\n` +
        `username = "${USER}"\npassword = "${PASSWORD}"\n` +
        `[outgoing_pools.elastic.default.connection.tls]\ncacertfile = "${CA_FILE}"\n`,
      { registry },
    );
    const pools = createPools(config, { registry });
    await pools.start({ requireLive: true });
    const es = pools.get(elasticDriver, 'global', 'default');
    const result = await closedLoop({
      call: termSearches((params) => es.search(params)),
      concurrency: Number(concurrency),
      durationMs: DURATION_MS,
      latency: true,
    });
    await pools.stop();
    return result;
  },

  async client(concurrency) {
    const client = baselineClient(WORKERS);
    await seed(client);
    const result = await closedLoop({
      call: termSearches((params) => client.search(params)),
      concurrency: Number(concurrency),
      durationMs: DURATION_MS,
      latency: true,
    });
    await client.close();
    return result;
  },
});
