/**
 * `@outpools/testing`: what every pool type's tests share — fake drivers, the conformance suite
 * every driver (ours and a third party's) runs, and a test PKI generator.
 * @module
 */

// --- fake drivers (engine area)
export { noopDriver } from './fakes/noop-driver.js';
export type { NoopClient, NoopConnection } from './fakes/noop-driver.js';
export { createFakeDriver } from './fakes/fake-driver.js';
export type {
  FakeDriver,
  FakeDriverOptions,
  FakeBehavior,
  FakeConnection,
  FakeCallOptions,
  FakeCallResult,
  FakeClient,
} from './fakes/fake-driver.js';

// --- conformance suite (tools area)
export {
  describeConformance,
  toToml,
  closedPort,
  activeResources,
  extraResources,
  settledResources,
  waitFor,
} from './conformance/index.js';
export type { BreakConnection, ConformanceOptions, TomlValue } from './conformance/index.js';

// --- test certificates (tls area)
export { createTestPki, TEST_SERVER_NAMES, TEST_WRONG_HOST, TEST_KEY_PASSPHRASE } from './certs.js';
export type { TestPki, TestCertificate, TestEncryptedCertificate } from './certs.js';

// --- test helpers: pools from TOML, unhandled errors, polling (cleanup area)
export { startPoolsFromToml, poolToml, withReconnect } from './helpers/pools.js';
export type { StartedPools, TomlTable } from './helpers/pools.js';
export { recordUnhandled } from './helpers/unhandled.js';
export type { UnhandledRecorder } from './helpers/unhandled.js';
export { waitUntil, until } from './helpers/wait.js';
export type { PollOptions } from './helpers/wait.js';
export { schemaChecker, stubContexts } from './helpers/schema.js';
export type { SchemaChecker, StubContexts } from './helpers/schema.js';
export { startLoad, errorKind, failureKinds } from './helpers/load.js';
export type { CallOutcome, Load, LoadOptions, ErrorClasses } from './helpers/load.js';
export { closeAfterEach } from './helpers/close-after-each.js';
export { startTcpProxy } from './helpers/tcp-proxy.js';
export type { TcpProxy, ProxyTarget } from './helpers/tcp-proxy.js';
