/**
 * `describeFaults`: one vitest test per fault for one backend, asserting every check of
 * {@link problems} (the figures line is printed whether it passes or not).
 * @module
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Fault, type OwnedBackend, problems, runScenario } from './harness.js';

/** Every fault the suite knows, in the order scenarios run. */
export const ALL_FAULTS: readonly Fault[] = ['blackhole', 'refuse', 'reset', 'slow', 'partition', 'restart'];

/** Describe the scenarios `faults` against the backend `setup` builds (once per file). */
export function describeFaults<C>(name: string, setup: () => Promise<OwnedBackend<C>>, faults: readonly Fault[]): void {
  describe(`faults: ${name}`, () => {
    let backend: OwnedBackend<C> | undefined;
    beforeAll(async () => {
      backend = await setup();
    }, 600_000);
    afterAll(async () => {
      await backend?.dispose?.();
    }, 60_000);
    for (const fault of faults) {
      it(`${fault}: every call settles in time with a coded error, no write lost or doubled, no leak, live again within the bound`, async () => {
        if (backend === undefined) throw new Error(`${name}: setup failed`);
        const figures = await runScenario(backend, fault);
        expect(problems(figures)).toEqual([]);
      }, 120_000);
    }
  });
}

// The scenarios enabled per backend. Each one left out is listed, with its figures, in
// tests/faults/README.md ("Scenarios left out").
// OUTPOOLS_FAULTS_ALL=1 enables every scenario (to reproduce the figures of the ones left out).
const except = (...left: Fault[]): readonly Fault[] =>
  process.env['OUTPOOLS_FAULTS_ALL'] === '1' ? ALL_FAULTS : ALL_FAULTS.filter((f) => !left.includes(f));
/** The proxy faults only: for a server the suite may not kill (shared, or too slow to restart). */
const proxied = (...left: Fault[]): readonly Fault[] => except(...left).filter((f) => f !== 'restart');
export const REDIS_FAULTS = except();
export const PGSQL_FAULTS = except();
// Over TLS the faults that pgsql.test.ts also covers are not repeated (the suite's time budget).
export const PGSQL_TLS_FAULTS = proxied('blackhole', 'refuse', 'slow');
export const MYSQL_FAULTS = except();
export const HTTP_FAULTS = except();
export const HTTPS_FAULTS = except();
export const LDAP_FAULTS = except();
export const RABBIT_FAULTS = proxied();
export const CASSANDRA_FAULTS = proxied();
export const ELASTIC_FAULTS = proxied();
