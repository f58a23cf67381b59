/**
 * The setup every driver's schema tests repeat: check TOML with a registry of one driver, build a
 * pool section, read back the error paths and the resolved connection; and stub contexts to call a
 * driver's `connect`, `ping` and `client` directly, without the engine.
 * @module
 */
import { expect } from 'vitest';
import { checkConfig, DriverRegistry, type AnyPoolDriver, type CheckResult } from '@outpools/core';
import {
  type CallContext,
  type ConnectContext,
  type PoolHandle,
  type PoolKey,
  callContext,
  runCallbackOver,
} from '@outpools/core/driver';

/** What {@link schemaChecker} returns. */
export interface SchemaChecker<O> {
  /** The pool's TOML path, `outgoing_pools.<type>.<tag>`. */
  readonly pool: string;
  /** The connection table's TOML path, `outgoing_pools.<type>.<tag>.connection`. */
  readonly connectionPath: string;
  /** `checkConfig(text)` with a registry holding only the driver. */
  check(text: string): CheckResult;
  /** A TOML document with the pool section and a connection section holding `lines`. */
  withConnection(lines: string): string;
  /** {@link withConnection}, followed by the connection's `tls` table holding `tlsLines`. */
  withTls(lines: string, tlsLines: string): string;
  /** `check(text)`, expected (a vitest assertion) to have no error: the resolved connection options. */
  valid(text: string): O | undefined;
  /** The TOML paths of the result's errors, in order. */
  errorPaths(result: CheckResult): string[];
  /** The resolved connection options of the first pool, when the config was valid. */
  connectionOf(result: CheckResult): O | undefined;
}

/**
 * Check TOML against one driver's schema, for the pool `outgoing_pools.<type>.<tag>`.
 * `O` is the type the resolved connection options are read as (usually the driver's options type).
 * @example
 * ```ts
 * const { check, withConnection, errorPaths, connectionPath } = schemaChecker(redisDriver);
 * expect(errorPaths(check(withConnection('port = "6379"')))).toEqual([`${connectionPath}.port`]);
 * ```
 */
export function schemaChecker<O = Readonly<Record<string, unknown>>>(
  driver: AnyPoolDriver,
  tag = 'default',
): SchemaChecker<O> {
  const registry = new DriverRegistry([driver]);
  const pool = `outgoing_pools.${driver.type}.${tag}`;
  const connectionPath = `${pool}.connection`;
  const check = (text: string): CheckResult => checkConfig(text, { registry });
  const withConnection = (lines: string): string => `[${pool}]\n[${connectionPath}]\n${lines}\n`;
  const connectionOf = (result: CheckResult): O | undefined => result.config?.pools[0]?.connection as O | undefined;
  return {
    pool,
    connectionPath,
    check,
    withConnection,
    withTls: (lines, tlsLines) => `${withConnection(lines)}[${connectionPath}.tls]\n${tlsLines}\n`,
    valid(text) {
      const result = check(text);
      expect(result.errors).toEqual([]);
      return connectionOf(result);
    },
    errorPaths: (result) => result.errors.map((e) => e.path),
    connectionOf,
  };
}

/** What {@link stubContexts} returns: contexts to call a driver's functions without the engine. */
export interface StubContexts {
  /** The pool key, `<type>.<tag>@global`. */
  readonly key: PoolKey;
  /** A signal that never aborts. */
  readonly signal: AbortSignal;
  /** A call context (for `ping`). */
  readonly call: CallContext;
  /** A connect context for worker 0, without TLS; `verifyTls` and `lost` do nothing. */
  readonly connect: ConnectContext;
  /** A pool handle whose `run` calls the function at once with no connection (for `client`). */
  readonly handle: PoolHandle<never>;
}

/**
 * Contexts for calling a driver's `connect`, `ping` and `client` directly in a unit test.
 * @example
 * ```ts
 * const stub = stubContexts('ldap');
 * await expect(ldapDriver.connect(options, stub.connect)).rejects.toThrow();
 * ```
 */
export function stubContexts(type: string, tag = 'default'): StubContexts {
  const key: PoolKey = { type, host: 'global', tag };
  const signal = new AbortController().signal;
  const call: CallContext = callContext({ key, signal });
  const run: PoolHandle<never>['run'] = (fn) => Promise.resolve().then(() => fn(undefined as never, call));
  return {
    key,
    signal,
    call,
    connect: {
      key,
      signal,
      workerIndex: 0,
      timeLeftMs: () => Number.POSITIVE_INFINITY,
      tls: undefined,
      verifyTls() {},
      tlsFor: () => undefined,
      lost() {},
      blocked() {},
      unblocked() {},
    },
    handle: { key, run, runCallback: runCallbackOver(run) },
  };
}
