// Config fuzzing: random and mutated TOML (from examples/*.toml and the TOML blocks of the docs and
// driver READMEs, plus documents generated from the registered schemas) through the config loader
// with every driver registered, then through createPools and the `check` printer when it loads.
// Each case must end in a valid configuration or a coded OutpoolsError, never another exception,
// and no message may show a planted secret. A failing case prints its seed:
//   OUTPOOLS_FUZZ_SEED=<seed> pnpm exec vitest run tests/config-fuzz.test.ts
// More cases: OUTPOOLS_FUZZ_CASES=20000 (default 300, a few seconds); another run seed:
// OUTPOOLS_FUZZ_RUN=<n> (default 1, so CI runs the same cases every time).
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  checkConfig,
  ConfigError,
  createPools,
  DriverRegistry,
  ErrorCodes,
  OutpoolsError,
  parseConfig,
  type LoadedConfig,
} from '@outpools/core';
import { cassandraDriver } from '@outpools/driver-cassandra';
import { elasticDriver } from '@outpools/driver-elastic';
import { httpDriver } from '@outpools/driver-http';
import { ldapDriver } from '@outpools/driver-ldap';
import { rabbitDriver } from '@outpools/driver-rabbit';
import { rdbmsDriver } from '@outpools/driver-rdbms';
import { redisDriver } from '@outpools/driver-redis';
import { defineDriver } from '@outpools/core/driver';
import { createTestPki } from '@outpools/testing';
import { parse } from 'smol-toml';
import { PoolOptionsSchema } from '../packages/core/src/config/pool-schema.js';
import { formatPool } from '../packages/core/src/cli/format.js';
import { redactSecrets } from '../packages/core/src/config/issues.js';
import { type CaseContext, type FuzzCase, makeCase, SECRET_MARK } from './fuzz/cases.js';
import { caseSeed, Prng } from './fuzz/prng.js';
import { loadSeeds } from './fuzz/seeds.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const drivers = [rdbmsDriver, redisDriver, cassandraDriver, elasticDriver, rabbitDriver, ldapDriver, httpDriver];
const allDrivers = new DriverRegistry(drivers);
const CODES = new Set<string>(Object.values(ErrorCodes));

const envInt = (name: string, fallback: number): number => {
  const value = Number(process.env[name]);
  return Number.isInteger(value) && value >= 0 ? value : fallback;
};

const isTable = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Date);

/**
 * The planted secrets a message must never show: every token of the case, except one that the
 * (mutated) document also holds in plain view (a key, or a string not under `password`, outside
 * a URL's user info and an ODBC `PWD=`), since a mutation may have moved it out of a secret place.
 */
function protectedSecrets(c: FuzzCase): string[] {
  let doc: unknown;
  try {
    doc = parse(c.text, { integersAsBigInt: true }); // as the loader reads it
  } catch {
    return [...c.secrets];
  }
  const exposed: string[] = [];
  const visit = (value: unknown, secret: boolean): void => {
    if (typeof value === 'string') {
      if (!secret)
        exposed.push(value.replace(/^[A-Za-z][A-Za-z0-9+.-]*:\/\/[^/?#]*@/u, '').replace(/PWD\s*=[^;]*/giu, ''));
    } else if (Array.isArray(value)) {
      for (const v of value) visit(v, secret);
    } else if (isTable(value)) {
      for (const [k, v] of Object.entries(value)) {
        exposed.push(k);
        visit(v, secret || k === 'password');
      }
    }
  };
  visit(doc, false);
  const plain = exposed.join('\n');
  return c.secrets.filter((s) => !plain.includes(s));
}

/** Run one case; returns what is wrong with it (empty when it behaves). */
function runCase(c: FuzzCase, registry: DriverRegistry = allDrivers): string[] {
  const problems: string[] = [];
  const secrets = protectedSecrets(c);
  const texts: string[] = [];
  let config: LoadedConfig | undefined;
  try {
    const checked = checkConfig(c.text, { registry, source: 'fuzz.toml' });
    for (const issue of [...checked.errors, ...checked.warnings]) texts.push(`${issue.path}: ${issue.message}`);
    if (checked.ok !== (checked.errors.length === 0)) problems.push('checkConfig: ok disagrees with its errors');
    config = parseConfig(c.text, { registry, source: 'fuzz.toml' });
    if (!checked.ok) problems.push('parseConfig accepted what checkConfig refused');
  } catch (error) {
    if (!(error instanceof ConfigError)) {
      problems.push(`the loader threw ${explain(error)}`);
    } else {
      texts.push(error.message);
      if (error.issues.length === 0) problems.push('ConfigError without issues');
      for (const issue of error.issues) {
        if (typeof issue.path !== 'string' || typeof issue.message !== 'string' || issue.message === '')
          problems.push(`malformed issue ${JSON.stringify(issue)}`);
      }
    }
  }
  if (config !== undefined) {
    try {
      for (const pool of config.pools)
        texts.push(formatPool(pool, config), JSON.stringify(redactSecrets(pool.connection)));
      const pools = createPools(config, { registry });
      void pools.stop();
    } catch (error) {
      if (error instanceof OutpoolsError && CODES.has(error.code)) texts.push(error.message);
      else problems.push(`createPools threw ${explain(error)}`);
    }
  }
  const all = texts.join('\n');
  for (const secret of secrets) if (all.includes(secret)) problems.push(`a message shows the secret ${secret}`);
  return problems;
}

function explain(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}\n${error.stack ?? ''}`;
  return String(error);
}

let ctx: CaseContext;

beforeAll(async () => {
  process.chdir(root); // the examples' certificate paths are relative to the repository root
  const pki = await createTestPki();
  ctx = {
    seeds: loadSeeds(root),
    types: drivers.map((d) => ({ type: d.type, connectionSchema: d.connectionSchema })),
    poolSchema: PoolOptionsSchema,
    files: [
      'examples/certs/ca.pem',
      pki.ca.certFile,
      pki.client.certFile,
      pki.client.keyFile,
      pki.clientEncrypted.keyFile,
    ],
  };
});

const only = process.env.OUTPOOLS_FUZZ_SEED;

describe('config fuzzing', () => {
  it('has seeds from the examples, the docs and the driver READMEs', () => {
    const sources = ctx.seeds.map((s) => s.source);
    expect(sources.some((s) => s.startsWith('examples/'))).toBe(true);
    expect(sources.some((s) => s.startsWith('docs/'))).toBe(true);
    expect(sources.some((s) => s.startsWith('packages/driver-'))).toBe(true);
  });

  it('catches what it looks for: a thrown TypeError and a leaked secret are reported', () => {
    const secret = `${SECRET_MARK}t0n0`;
    const text = `[outgoing_pools.redis.default.connection]\npassword = "${secret}"\n`;
    const c: FuzzCase = { text, secrets: [secret], steps: [] };
    expect(protectedSecrets(c)).toEqual([secret]);
    expect(runCase(c)).toEqual([]);
    const leaky = new DriverRegistry([
      defineDriver({ ...redisDriver, check: (x) => x.error('connection.password', `bad ${x.connection.password}`) }),
    ]);
    expect(runCase(c, leaky)).toEqual([`a message shows the secret ${secret}`]);
    const throwing = new DriverRegistry([
      defineDriver({
        ...redisDriver,
        check: () => {
          throw new TypeError('boom');
        },
      }),
    ]);
    expect(runCase(c, throwing).join('\n')).toContain('the loader threw TypeError: boom');
    // A token moved out of a secret place (here: renamed key) is not protected any more.
    expect(protectedSecrets({ ...c, text: `x = "${secret}"\n` })).toEqual([]);
  });

  const runSeed = envInt('OUTPOOLS_FUZZ_RUN', 1);
  const count = envInt('OUTPOOLS_FUZZ_CASES', 300);
  it(only
    ? `case seed ${only}`
    : `${count} cases (run seed ${runSeed}) end valid or in a coded error, showing no secret`, {
    timeout: Math.max(30_000, count * 25),
  }, () => {
    const seeds = only ? [Number(only) >>> 0] : Array.from({ length: count }, (_, i) => caseSeed(runSeed, i));
    const failures: string[] = [];
    let valid = 0;
    for (const seed of seeds) {
      const c = makeCase(new Prng(seed), ctx, seed.toString(36));
      const problems = runCase(c);
      if (problems.length === 0) {
        if (checkConfig(c.text, { registry: allDrivers }).ok) valid++;
        continue;
      }
      failures.push(
        [
          `case seed ${seed}: reproduce with OUTPOOLS_FUZZ_SEED=${seed} pnpm exec vitest run tests/config-fuzz.test.ts`,
          `  steps: ${c.steps.join('; ')}`,
          ...problems.map((p) => `  ${p}`),
          '  --- document ---',
          c.text,
        ].join('\n'),
      );
      if (failures.length >= 5) break;
    }
    if (!only)
      console.log(`config fuzzing: ${seeds.length} cases (run seed ${runSeed}), ${valid} valid configurations`);
    if (failures.length > 0) console.error(failures.join('\n\n'));
    expect(failures, failures.join('\n\n')).toEqual([]);
    if (!only) expect(valid, 'some cases are valid configurations').toBeGreaterThan(0);
  });
});
