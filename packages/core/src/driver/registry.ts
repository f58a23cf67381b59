/**
 * The set of pool types a host knows. A {@link DriverRegistry} is an object the host creates and
 * passes around, never a module singleton.
 * @module
 */
import type { PoolDriver } from './contract.js';
import { DriverRegistrationError, PoolTypeNotRegisteredError } from '../errors.js';

/** A driver as the registry holds it: its option, connection and client types erased. */
export type AnyPoolDriver = PoolDriver;

/** The package that provides a built-in pool type: `@outpools/driver-<type>`. */
export function driverPackageName(type: string): string {
  return `@outpools/driver-${type}`;
}

/** `acme`, `@acme` or `@acme/` as the npm scope `@acme`. */
export function normalizeScope(scope: string): string {
  const bare = scope.trim().replace(/^@/, '').replace(/\/+$/, '');
  return `@${bare}`;
}

/**
 * The packages that may provide a pool type, in the order they are looked up:
 * `@outpools/driver-<type>` (ours), `outpools-driver-<type>` (a third party's), then
 * `@<scope>/outpools-driver-<type>` for each scope given (`--driver-scope`).
 * @example
 * ```ts
 * driverPackageNames('echo', ['@acme']);
 * // ['@outpools/driver-echo', 'outpools-driver-echo', '@acme/outpools-driver-echo']
 * ```
 */
export function driverPackageNames(type: string, scopes: readonly string[] = []): string[] {
  return [
    driverPackageName(type),
    `outpools-driver-${type}`,
    ...scopes.map((scope) => `${normalizeScope(scope)}/outpools-driver-${type}`),
  ];
}

/**
 * What to do about a pool type no driver provides: the packages to install (only ours for a
 * built-in type) and the `--plugin` escape hatch.
 */
export function installHint(type: string, options: { builtIn?: boolean; scopes?: readonly string[] } = {}): string {
  const names = options.builtIn ? [driverPackageName(type)] : driverPackageNames(type, options.scopes);
  const list = names.length <= 2 ? names.join(' or ') : `${names.slice(0, -1).join(', ')} or ${names.at(-1)}`;
  return `install ${list}, or load a module that provides it (outpools --plugin <module>)`;
}

/** Whether a value looks like a {@link PoolDriver}: string `type`, `connectionSchema`, `connect`. */
export function isPoolDriver(value: unknown): value is AnyPoolDriver {
  if (typeof value !== 'object' || value === null) return false;
  const candidate = value as Record<string, unknown>;
  return (
    typeof candidate.type === 'string' &&
    candidate.type !== '' &&
    typeof candidate.connectionSchema === 'object' &&
    candidate.connectionSchema !== null &&
    typeof candidate.connect === 'function'
  );
}

/**
 * The pool types a host can configure, one driver per type.
 * @example
 * ```ts
 * import { DriverRegistry } from '@outpools/core';
 * import { redisDriver } from '@outpools/driver-redis';
 *
 * const registry = new DriverRegistry([redisDriver]);
 * registry.get('redis'); // redisDriver
 * ```
 */
export class DriverRegistry {
  readonly #drivers = new Map<string, AnyPoolDriver>();

  constructor(drivers: Iterable<AnyPoolDriver> = []) {
    for (const driver of drivers) this.register(driver);
  }

  /** Add a driver; a second driver for the same type is an error. */
  register(driver: AnyPoolDriver): this {
    if (!isPoolDriver(driver)) {
      throw new DriverRegistrationError(
        'not a pool driver: expected an object with type, connectionSchema and connect',
      );
    }
    if (this.#drivers.has(driver.type)) {
      throw new DriverRegistrationError(`a driver for pool type "${driver.type}" is already registered`);
    }
    this.#drivers.set(driver.type, driver);
    return this;
  }

  /** The driver of a type; throws {@link PoolTypeNotRegisteredError} naming the package to install. */
  get(type: string): AnyPoolDriver {
    const driver = this.#drivers.get(type);
    if (driver === undefined) throw new PoolTypeNotRegisteredError(type);
    return driver;
  }

  /** Whether a driver for the type is registered. */
  has(type: string): boolean {
    return this.#drivers.has(type);
  }

  /** The registered types, in registration order. */
  types(): string[] {
    return [...this.#drivers.keys()];
  }
}
