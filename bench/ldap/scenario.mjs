// The ldap benchmark's child: concurrent callers making base-scope searches of one entry of
// ou=people against the service slapd (127.0.0.1:13389, `scripts/services/40-ldap.sh`), bound as
// the root DN, through a 10-worker outpools pool or through 10 bare ldapts clients used
// round-robin. One variant per process: `node scenario.mjs <outpools|ldapts> [concurrency]`.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { closedLoop, durationMs, scenarioMain } from '../lib/load.mjs';

const info = JSON.parse(readFileSync('/tmp/outpools-services/ldap/info.json', 'utf8'));
const HOST = '127.0.0.1';
const PORT = Number(process.env.BENCH_LDAP_PORT ?? info.port);
const WORKERS = 10;
const ENTRIES = 250;
// Two seconds per run by default: slapd shares the machine's two cores, one second is noisy.
const DURATION_MS = durationMs(2000);
const dnOf = (n) => `uid=user${String(n % ENTRIES).padStart(3, '0')},ou=people,${info.suffix}`;
const OPTIONS = { scope: 'base', filter: '(objectClass=*)', attributes: ['cn', 'sn'] };

/** The load of one caller: a base-scope search of the next entry. */
function searches(search) {
  let n = 0;
  return () => search(dnOf(n++));
}

/**
 * `closedLoop` plus this process's CPU time per call (µs): the client's cost, apart from the
 * server's. The warm-up runs first, on its own, so that the CPU time is that of the measured calls
 * only (a warm-up without latency samples reads the clock every 64 calls per caller: with 100
 * callers it lasts about a second, not 300 ms, and its JIT compilation is no per-call cost).
 */
async function measured(options) {
  await closedLoop({ ...options, durationMs: 300, warmupMs: 0, latency: false });
  const before = process.cpuUsage();
  const result = await closedLoop({ ...options, warmupMs: 0 });
  const cpu = process.cpuUsage(before);
  return { ...result, cpuUsPerCall: (cpu.user + cpu.system) / result.ops, sysUsPerCall: cpu.system / result.ops };
}

/** ldapts as the driver loads it (its ESM build), resolved from the driver package. */
async function importLdapts() {
  const require = createRequire(new URL('../../packages/driver-ldap/package.json', import.meta.url));
  const cjs = require.resolve('ldapts');
  return import(pathToFileURL(cjs.replace(/index\.cjs$/, 'index.mjs')).href);
}

await scenarioMain({
  async outpools(concurrency) {
    const { createPools, DriverRegistry, parseConfig } = await import('@outpools/core');
    const { ldapDriver } = await import('@outpools/driver-ldap');
    const registry = new DriverRegistry([ldapDriver]);
    const config = parseConfig(
      `[outgoing_pools.ldap.default]\nworkers = ${WORKERS}\n` +
        `[outgoing_pools.ldap.default.connection]\nservers = ["${HOST}"]\nport = ${PORT}\n` +
        `root_dn = "${info.rootDn}"\npassword = "${info.rootPassword}"\n`,
      { registry },
    );
    const pools = createPools(config, { registry });
    await pools.start({ requireLive: true });
    const ldap = pools.get(ldapDriver, 'global', 'default');
    const result = await measured({
      call: searches((dn) => ldap.search(dn, OPTIONS)),
      concurrency: Number(concurrency),
      durationMs: DURATION_MS,
      latency: true,
    });
    await pools.stop();
    return result;
  },

  async ldapts(concurrency) {
    const { Client } = await importLdapts();
    const clients = Array.from({ length: WORKERS }, () => new Client({ url: `ldap://${HOST}:${PORT}` }));
    await Promise.all(clients.map((c) => c.bind(info.rootDn, info.rootPassword)));
    let next = 0;
    const pick = () => clients[next++ % WORKERS];
    const result = await measured({
      call: searches((dn) => pick().search(dn, OPTIONS)),
      concurrency: Number(concurrency),
      durationMs: DURATION_MS,
      latency: true,
    });
    await Promise.all(clients.map((c) => c.unbind()));
    return result;
  },
});
