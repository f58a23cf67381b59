/**
 * Fake pool types for tests and benchmarks.
 * @module
 */
export { noopDriver } from './noop-driver.js';
export type { NoopClient, NoopConnection } from './noop-driver.js';
export { createFakeDriver } from './fake-driver.js';
export type {
  FakeDriver,
  FakeDriverOptions,
  FakeBehavior,
  FakeConnection,
  FakeCallOptions,
  FakeCallResult,
  FakeClient,
} from './fake-driver.js';
