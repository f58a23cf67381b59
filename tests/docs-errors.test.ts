import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as core from '@outpools/core';
import { ErrorCodes, OutpoolsError } from '@outpools/core';

const doc = readFileSync(new URL('../docs/errors.md', import.meta.url), 'utf8');

/** `class -> code` from the table rows of docs/errors.md. */
function documentedRows(): Map<string, string> {
  const rows = new Map<string, string>();
  for (const match of doc.matchAll(/^\| `(\w+)` \| `(OUTPOOLS_\w+)` \|/gm)) rows.set(match[1]!, match[2]!);
  return rows;
}

describe('docs/errors.md', () => {
  it('documents every error class with its code', () => {
    const rows = documentedRows();
    const missing = Object.entries(ErrorCodes)
      .filter(([name, code]) => rows.get(name) !== code)
      .map(([name, code]) => `${name} ${code}`);
    expect(missing).toEqual([]);
  });

  it('documents no code that the core does not have', () => {
    const known = new Set<string>(Object.values(ErrorCodes));
    const stale = [...doc.matchAll(/`(OUTPOOLS_\w+)`/g)].map((m) => m[1]!).filter((code) => !known.has(code));
    expect(stale).toEqual([]);
  });

  it('lists only classes that @outpools/core exports as OutpoolsError subclasses', () => {
    const exported = core as unknown as Record<string, unknown>;
    for (const name of documentedRows().keys()) {
      const cls = exported[name];
      expect(typeof cls, name).toBe('function');
      expect((cls as { prototype: unknown }).prototype instanceof Error, name).toBe(true);
    }
  });

  it('has a code for every exported error class', () => {
    const exported = core as unknown as Record<string, unknown>;
    const classes = Object.keys(exported).filter(
      (name) =>
        name.endsWith('Error') &&
        name !== 'OutpoolsError' &&
        typeof exported[name] === 'function' &&
        (exported[name] as { prototype: unknown }).prototype instanceof Error,
    );
    expect(classes.length).toBeGreaterThan(5);
    expect(classes.filter((name) => !(name in ErrorCodes))).toEqual([]);
  });

  it('knows every error code constant the core exports (e.g. TLS_PEER_ERROR_CODE)', () => {
    const exported = core as unknown as Record<string, unknown>;
    const known = new Set<string>(Object.values(ErrorCodes));
    const constants = Object.keys(exported).filter((name) => name.endsWith('_ERROR_CODE'));
    expect(constants.filter((name) => !known.has(exported[name] as string))).toEqual([]);
  });

  it('describes the base class that every error is an instance of', () => {
    expect(doc).toMatch(/^\| `OutpoolsError` \|/m);
    expect(new core.PoolStoppedError()).toBeInstanceOf(OutpoolsError);
  });
});
