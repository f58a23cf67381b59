// The public names of each entry point, values and types alike, read from the entry files:
// adding or removing an export must be a decision, made here in the same change.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));

/** The names an entry file exports. Entries use explicit `export { ... }` lists only (no `export *`). */
function exportedNames(entry: string): string[] {
  const text = readFileSync(`${root}${entry}`, 'utf8');
  const source = ts.createSourceFile(entry, text, ts.ScriptTarget.ES2022);
  const names: string[] = [];
  for (const statement of source.statements) {
    if (!ts.isExportDeclaration(statement)) continue;
    const clause = statement.exportClause;
    if (clause === undefined || !ts.isNamedExports(clause))
      throw new Error(`${entry}: export * is not allowed in an entry`);
    for (const element of clause.elements) names.push(element.name.text);
  }
  return names.sort();
}

describe('entry points', () => {
  it('@outpools/core exports what applications use, and nothing else', () => {
    expect(exportedNames('packages/core/src/index.ts')).toEqual(
      [
        'AnyPoolDriver',
        'BlockedEvent',
        'CallContext',
        'CallStage',
        'CallTimeoutError',
        'CallTimeoutEvent',
        'CheckResult',
        'ClientOf',
        'CloseErrorEvent',
        'ConfigError',
        'ConfigIssue',
        'ConfigOptions',
        'ConnectEvent',
        'ConnectionLostError',
        'DisconnectEvent',
        'DriverLoadFailure',
        'DriverRegistrationError',
        'DriverRegistry',
        'DropEvent',
        'DuplicatePoolError',
        'ErrorCode',
        'ErrorCodes',
        'GLOBAL_HOST',
        'HealthReport',
        'InstanceReport',
        'LatencySummary',
        'LoadDriversOptions',
        'LoadDriversResult',
        'LoadedConfig',
        'NoAvailableWorkersError',
        'NoWorkersError',
        'OptionsOf',
        'OutpoolsError',
        'OutpoolsErrorOptions',
        'POOL_EVENTS',
        'Picker',
        'Pool',
        'PoolCounters',
        'PoolDriver',
        'PoolEventMap',
        'PoolEventName',
        'PoolEvents',
        'PoolHandle',
        'PoolInstanceSpec',
        'PoolKey',
        'PoolNotFoundError',
        'PoolNotStartedError',
        'PoolOptions',
        'PoolSpec',
        'PoolStartError',
        'PoolStats',
        'PoolStoppedError',
        'PoolTypeNotRegisteredError',
        'Pools',
        'PoolsOptions',
        'ReconnectAttemptEvent',
        'RequestDroppedError',
        'RoutingStrategy',
        'RunOptions',
        'SCOPES',
        'STRATEGIES',
        'Scope',
        'ScopeInput',
        'StartOptions',
        'StartReport',
        'Strategy',
        'TlsConfig',
        'TlsConfigError',
        'TlsPeerError',
        'UnblockedEvent',
        'VerifyMode',
        'WorkerView',
        'checkConfig',
        'configJsonSchema',
        'createPools',
        'formatPoolKey',
        'loadConfigFile',
        'loadDrivers',
        'parseConfig',
      ].sort(),
    );
  });

  it('@outpools/core/driver exports what pool-type authors build on, and nothing else', () => {
    expect(exportedNames('packages/core/src/driver/index.ts')).toEqual(
      [
        'CallContext',
        'CallTimeoutError',
        'ClientOf',
        'ConnectContext',
        'ConnectTlsOptions',
        'ConnectionLostError',
        'DEFAULT_RECONNECT',
        'DriverCheckContext',
        'DriverDefinition',
        'ErrorCode',
        'ErrorCodes',
        'NoAvailableWorkersError',
        'NoWorkersError',
        'OptionsOf',
        'OptionsTableOptions',
        'OutpoolsError',
        'OutpoolsErrorOptions',
        'Picker',
        'PoolDefaults',
        'PoolDriver',
        'PoolHandle',
        'PoolKey',
        'PoolOptions',
        'PoolStoppedError',
        'REDACTED',
        'RandomSource',
        'ReconnectPolicy',
        'RequestDroppedError',
        'RoutingStrategy',
        'RunOptions',
        'StandaloneContextOptions',
        'Static',
        'Strategy',
        'StrategyFactory',
        'TLS_VERSIONS',
        'TObject',
        'TProperties',
        'TSchema',
        'TlsConfig',
        'TlsConfigError',
        'TlsForHost',
        'TlsPeerError',
        'TlsSchema',
        'TlsTarget',
        'TlsVersionName',
        'Type',
        'VERIFY_MODES',
        'VerifyMode',
        'WorkerView',
        'callContext',
        'connectTls',
        'defineDriver',
        'formatPoolKey',
        'messageOf',
        'optionsTable',
        'raceAbort',
        'redactSecrets',
        'tlsCheckedName',
        'tlsSchemaWith',
        'toNodeTlsOptions',
        'verifyTlsPeer',
      ].sort(),
    );
  });
});
