/**
 * `@outpools/testing`: what every pool type's tests share — fake drivers, the conformance suite
 * every driver (ours and a third party's) runs, and a test PKI generator.
 * @module
 */

// --- fake drivers (engine area)
export { noopDriver, createFakeDriver } from './fakes/index.js';
export type {
  NoopClient,
  NoopConnection,
  FakeDriver,
  FakeDriverOptions,
  FakeBehavior,
  FakeConnection,
  FakeCallOptions,
  FakeCallResult,
  FakeClient,
} from './fakes/index.js';

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
export type { ConformanceOptions, TomlValue } from './conformance/index.js';

// --- test certificates (tls area)
export { createTestPki, TEST_SERVER_NAMES, TEST_WRONG_HOST, TEST_KEY_PASSPHRASE } from './certs.js';
export type { TestPki, TestCertificate, TestEncryptedCertificate } from './certs.js';
