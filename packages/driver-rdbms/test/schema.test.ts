import { describe, expect, it } from 'vitest';
import { rdbmsDriver } from '@outpools/driver-rdbms';
import { schemaChecker } from '@outpools/testing';

const { check, errorPaths, connectionOf, pool: POOL, connectionPath: CONN } = schemaChecker(rdbmsDriver);
const section = (lines: string, pool = ''): string => `[${POOL}]\n${pool}\n[${CONN}]\n${lines}\n`;
const PG =
  'driver = "pgsql"\nhost = "localhost"\ndatabase = "mim-db"\nusername = "mim-user"\npassword = "mim-password"';
const MY = PG.replace('"pgsql"', '"mysql"');
const ODBC = 'driver = "odbc"\nsettings = "DSN=mydb"';

describe('rdbms connection schema', () => {
  it('accepts the documented example pool and fills in the rdbms defaults', () => {
    const result = check(section(PG, 'scope = "global"\nworkers = 5'));
    expect(result.errors).toEqual([]);
    expect(result.config?.pools[0]?.options).toMatchObject({
      workers: 5,
      call_timeout: 60000,
      strategy: 'best_worker',
    });
    expect(connectionOf(result)).toEqual({
      driver: 'pgsql',
      host: 'localhost',
      port: 5432,
      database: 'mim-db',
      username: 'mim-user',
      password: 'mim-password',
      query_timeout: 5000,
      max_start_interval: 30,
      pipeline: 32,
    });
  });

  it('takes pipeline from 1 to 1000 for pgsql, and only 1 (or nothing) for mysql and odbc', () => {
    expect(connectionOf(check(section(`${PG}\npipeline = 1`)))).toMatchObject({ pipeline: 1 });
    expect(connectionOf(check(section(`${PG}\npipeline = 1000`)))).toMatchObject({ pipeline: 1000 });
    for (const bad of ['0', '1001', '"8"', 'true']) {
      expect(errorPaths(check(section(`${PG}\npipeline = ${bad}`))), bad).toEqual([`${CONN}.pipeline`]);
    }
    expect(connectionOf(check(section(ODBC)))).not.toHaveProperty('pipeline');
    expect(check(section(`${ODBC}\npipeline = 1`)).errors).toEqual([]);
    const refused = check(section(`${ODBC}\npipeline = 4`));
    expect(errorPaths(refused)).toEqual([`${CONN}.pipeline`]);
    expect(refused.errors[0]?.message).toMatch(/only allowed with driver = "pgsql"/);
  });

  it('takes prepare for pgsql and cockroachdb only', () => {
    expect(connectionOf(check(section(`${PG}\nprepare = false`)))).toMatchObject({ prepare: false });
    expect(errorPaths(check(section(`${PG}\nprepare = "no"`)))).toEqual([`${CONN}.prepare`]);
    for (const other of [MY, ODBC]) {
      const refused = check(section(`${other}\nprepare = true`));
      expect(errorPaths(refused)).toEqual([`${CONN}.prepare`]);
      expect(refused.errors[0]?.message).toMatch(/only allowed with driver = "pgsql" or "cockroachdb"/);
    }
  });

  it('takes the documented examples of every rdbms option', () => {
    const result = check(
      section(`${PG}\nport = 5343\nkeepalive_interval = 30\nquery_timeout = 5000\nmax_start_interval = 30`),
    );
    expect(result.errors).toEqual([]);
    expect(connectionOf(result)).toMatchObject({
      port: 5343,
      keepalive_interval: 30,
      query_timeout: 5000,
      max_start_interval: 30,
    });
    expect(check(section(ODBC)).ok).toBe(true);
  });

  it('rejects the misspelt driver "psgql" and suggests "pgsql"', () => {
    const result = check(section(PG.replace('"pgsql"', '"psgql"')));
    expect(errorPaths(result)).toEqual([`${CONN}.driver`]);
    expect(result.errors[0]?.message).toContain('did you mean "pgsql"?');
  });

  it('requires a driver', () => {
    const result = check(section('host = "localhost"'));
    expect(errorPaths(result)).toContain(`${CONN}.driver`);
    expect(check(`[${POOL}]\n`).errors.map((e) => e.path)).toContain(`${CONN}.driver`);
  });

  it('defaults the port by driver: 5432 for pgsql, 3306 for mysql, none for odbc', () => {
    expect(connectionOf(check(section(PG)))?.['port']).toBe(5432);
    expect(connectionOf(check(section(MY)))?.['port']).toBe(3306);
    expect(connectionOf(check(section(ODBC)))?.['port']).toBeUndefined();
    expect(connectionOf(check(section(`${MY}\nport = 3307`)))?.['port']).toBe(3307);
  });

  it('takes driver = "cockroachdb" with the pgsql options, default port 26257', () => {
    const cockroach = check(section(PG.replace('"pgsql"', '"cockroachdb"')));
    expect(cockroach.errors).toEqual([]);
    expect(connectionOf(cockroach)).toMatchObject({ driver: 'cockroachdb', host: 'localhost', port: 26257 });
    const given = check(section(`${PG.replace('"pgsql"', '"cockroachdb"')}\nport = 5432`));
    expect(connectionOf(given)?.['port']).toBe(5432);
    const missing = check(section('driver = "cockroachdb"\nhost = "db"'));
    expect(errorPaths(missing).sort()).toEqual([`${CONN}.database`, `${CONN}.password`, `${CONN}.username`]);
    expect(errorPaths(check(section('driver = "cockroachdb"\nsettings = "DSN=x"')))).toContain(`${CONN}.settings`);
  });

  it('takes tls.required with cockroachdb, as with pgsql', () => {
    const cockroach = PG.replace('"pgsql"', '"cockroachdb"');
    const result = check(section(cockroach) + `[${CONN}.tls]\nverify_mode = "none"\nrequired = true\n`);
    expect(result.errors).toEqual([]);
    expect(connectionOf(result)?.['tls']).toMatchObject({ required: true });
  });

  it('takes port as an integer from 1 to 65535', () => {
    expect(check(section(`${PG}\nport = 65535`)).ok).toBe(true);
    for (const bad of ['0', '65536', '"5432"', '5432.0']) {
      expect(errorPaths(check(section(`${PG}\nport = ${bad}`))), bad).toEqual([`${CONN}.port`]);
    }
  });

  for (const key of ['host', 'database', 'username', 'password'] as const) {
    it(`requires ${key} for pgsql and mysql`, () => {
      const without = (base: string): string =>
        base
          .split('\n')
          .filter((l) => !l.startsWith(`${key} =`))
          .join('\n');
      expect(errorPaths(check(section(without(PG))))).toEqual([`${CONN}.${key}`]);
      expect(errorPaths(check(section(without(MY))))).toEqual([`${CONN}.${key}`]);
    });
  }

  it('requires a non-empty password and never prints it', () => {
    const result = check(section(PG.replace('"mim-password"', '""')));
    expect(errorPaths(result)).toEqual([`${CONN}.password`]);
    const typed = check(section(PG.replace('"mim-password"', '1234567')));
    expect(errorPaths(typed)).toEqual([`${CONN}.password`]);
    expect(JSON.stringify(typed.errors)).not.toContain('1234567');
  });

  it('requires settings for odbc', () => {
    expect(errorPaths(check(section('driver = "odbc"')))).toEqual([`${CONN}.settings`]);
    expect(errorPaths(check(section('driver = "odbc"\nsettings = ""')))).toEqual([`${CONN}.settings`]);
  });

  for (const [key, value] of [
    ['host', '"db"'],
    ['port', '5432'],
    ['database', '"d"'],
    ['username', '"u"'],
    ['password', '"p"'],
  ] as const) {
    it(`refuses ${key} with odbc`, () => {
      expect(errorPaths(check(section(`${ODBC}\n${key} = ${value}`)))).toEqual([`${CONN}.${key}`]);
    });
  }

  it('refuses settings with pgsql and mysql', () => {
    expect(errorPaths(check(section(`${PG}\nsettings = "DSN=x"`)))).toEqual([`${CONN}.settings`]);
    expect(errorPaths(check(section(`${MY}\nsettings = "DSN=x"`)))).toEqual([`${CONN}.settings`]);
  });

  it('takes query_timeout as a positive integer in ms', () => {
    expect(connectionOf(check(section(`${PG}\nquery_timeout = 1`)))?.['query_timeout']).toBe(1);
    for (const bad of ['0', '-5', '"5000"', '1.5']) {
      expect(errorPaths(check(section(`${PG}\nquery_timeout = ${bad}`))), bad).toEqual([`${CONN}.query_timeout`]);
    }
  });

  it('leaves keepalive_interval unset by default and takes a positive integer', () => {
    expect(connectionOf(check(section(PG)))?.['keepalive_interval']).toBeUndefined();
    expect(connectionOf(check(section(`${PG}\nkeepalive_interval = 1`)))?.['keepalive_interval']).toBe(1);
    expect(errorPaths(check(section(`${PG}\nkeepalive_interval = 0`)))).toEqual([`${CONN}.keepalive_interval`]);
  });

  it('takes max_start_interval as a positive integer, default 30', () => {
    expect(connectionOf(check(section(`${PG}\nmax_start_interval = 2`)))?.['max_start_interval']).toBe(2);
    expect(errorPaths(check(section(`${PG}\nmax_start_interval = 0`)))).toEqual([`${CONN}.max_start_interval`]);
  });

  it('takes a tls section with required, default false, for pgsql', () => {
    const prefer = check(section(PG) + `[${CONN}.tls]\nverify_mode = "none"\n`);
    expect(prefer.errors).toEqual([]);
    expect(connectionOf(prefer)?.['tls']).toMatchObject({ verify_mode: 'none', required: false });
    const required = check(section(PG) + `[${CONN}.tls]\nverify_mode = "none"\nrequired = true\n`);
    expect(connectionOf(required)?.['tls']).toMatchObject({ required: true });
    const bad = check(section(PG) + `[${CONN}.tls]\nrequired = "yes"\n`);
    expect(errorPaths(bad)).toEqual([`${CONN}.tls.required`]);
  });

  it('refuses tls.required with mysql, which always uses TLS when the section is present', () => {
    expect(check(section(MY) + `[${CONN}.tls]\nverify_mode = "none"\n`).ok).toBe(true);
    const result = check(section(MY) + `[${CONN}.tls]\nverify_mode = "none"\nrequired = true\n`);
    expect(errorPaths(result)).toEqual([`${CONN}.tls.required`]);
  });

  it('refuses a tls section with odbc (TLS comes from the data source)', () => {
    const result = check(section(ODBC) + `[${CONN}.tls]\nverify_mode = "none"\n`);
    expect(errorPaths(result)).toEqual([`${CONN}.tls`]);
  });

  it('reports an unknown connection key at its own path with a suggestion', () => {
    const result = check(section(`${PG}\nquery_timout = 10`));
    expect(errorPaths(result)).toEqual([`${CONN}.query_timout`]);
    expect(result.errors[0]?.message).toContain('did you mean "query_timeout"?');
  });

  it('keeps call_timeout overridable and defaulting to 60000 ms', () => {
    expect(check(section(PG)).config?.pools[0]?.options.call_timeout).toBe(60000);
    expect(check(section(PG, 'call_timeout = 3000')).config?.pools[0]?.options.call_timeout).toBe(3000);
  });
});

describe('rdbms driver policy', () => {
  const options = { driver: 'pgsql', query_timeout: 5000, max_start_interval: 7 } as const;

  it('reconnects with exponential backoff from 1 s capped at max_start_interval', () => {
    expect(rdbmsDriver.reconnect?.(options)).toEqual({ kind: 'exponential', baseMs: 1000, capMs: 7000 });
  });

  it('pings at keepalive_interval seconds, or never when it is unset', () => {
    expect(rdbmsDriver.keepaliveMs?.(options)).toBeUndefined();
    expect(rdbmsDriver.keepaliveMs?.({ ...options, keepalive_interval: 3 })).toBe(3000);
  });

  it('runs `pipeline` statements at once per pgsql connection (32 when unset), one at a time for mysql and odbc', () => {
    expect(rdbmsDriver.concurrency?.({ ...options, driver: 'pgsql' })).toBe(32);
    expect(rdbmsDriver.concurrency?.({ ...options, driver: 'pgsql', pipeline: 1 })).toBe(1);
    expect(rdbmsDriver.concurrency?.({ ...options, driver: 'pgsql', pipeline: 100 })).toBe(100);
    expect(rdbmsDriver.concurrency?.({ ...options, driver: 'mysql' })).toBe(1);
    expect(rdbmsDriver.concurrency?.({ ...options, driver: 'odbc' })).toBe(1);
  });
});
