// Starting outpools from TOML with the no-op pool type, through the built @outpools/core.
import { createPools, DriverRegistry, parseConfig } from '@outpools/core';
import { noopDriver } from './noop.mjs';

/** The TOML of one no-op pool. */
export function noopToml({
  workers = 10,
  scope = 'global',
  hosts = [],
  strategy = 'best_worker',
  callTimeout = 5000,
} = {}) {
  const general = hosts.length > 0 ? `[general]\nhosts = [${hosts.map((h) => JSON.stringify(h)).join(', ')}]\n\n` : '';
  return `${general}[outgoing_pools.noop.default]\nscope = "${scope}"\nworkers = ${workers}\nstrategy = "${strategy}"\ncall_timeout = ${callTimeout}\n\n[outgoing_pools.noop.default.connection]\n`;
}

/** Parse the TOML and create (not start) the pools. */
export function createNoopPools(options) {
  const registry = new DriverRegistry([noopDriver]);
  const config = parseConfig(noopToml(options), { registry });
  return createPools(config, { registry });
}

/** Start a pool set and check that every instance has all its workers live. */
export async function startAll(pools) {
  const report = await pools.start();
  const notLive = report.instances.filter((i) => i.live !== i.workers);
  if (!report.ok || notLive.length > 0) throw new Error(`start: ${notLive.length} instance(s) not fully live`);
  return report;
}
