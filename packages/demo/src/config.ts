/**
 * The demo's configuration: `examples/demo.toml` (the pools served in this process) and, with
 * `--with-local`, `examples/demo-local.toml` (pools for the usual local servers). Loaded and
 * checked by the core like any configuration; then the served pools are pointed at the demo's
 * own servers, which listen on free ports.
 * @module
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkConfig, type DriverRegistry, type LoadedConfig, type PoolSpec } from '@outpools/core';

/** A configuration the demo cannot run, with every reason (`path: message` lines). */
export class DemoConfigError extends Error {
  constructor(
    readonly file: string,
    readonly lines: readonly string[],
  ) {
    super(`${file}: ${lines.join('; ')}`);
    this.name = 'DemoConfigError';
  }
}

/**
 * Where a bundled configuration file is: `examples/<name>` of the repository when the demo runs
 * from it (so that an edit shows at the next run), else the copy in the package's `dist/`.
 */
export function bundledFile(name: string): string {
  const packageDir = fileURLToPath(new URL('..', import.meta.url));
  const candidates = [join(packageDir, '..', '..', 'examples', name), join(packageDir, 'dist', name)];
  return candidates.find((file) => existsSync(file)) ?? candidates[0]!;
}

/** Read and check one configuration file; a {@link DemoConfigError} lists its errors. */
export async function loadConfig(file: string, cwd: string, registry: DriverRegistry): Promise<LoadedConfig> {
  let text: string;
  try {
    text = await readFile(resolve(cwd, file), 'utf8');
  } catch (error) {
    throw new DemoConfigError(file, [`cannot read it (${(error as NodeJS.ErrnoException).code ?? 'error'})`]);
  }
  const result = checkConfig(text, { registry, source: file });
  if (!result.ok || result.config === undefined) {
    throw new DemoConfigError(
      file,
      result.errors.map((e) => `${e.path}: ${e.message}`),
    );
  }
  return result.config;
}

/** Where the demo's own servers listen. */
export interface ServedPorts {
  readonly http: number;
  readonly pg: number;
}

/** What serves a pool of demo.toml: the HTTP server, the embedded PostgreSQL, or nothing the demo has. */
export function servedBy(spec: PoolSpec): 'http' | 'pg' | undefined {
  if (spec.type === 'http') return 'http';
  if (spec.type === 'rdbms' && spec.connection.driver === 'pgsql') return 'pg';
  return undefined;
}

/**
 * Refuse what the demo cannot serve, before anything starts: only http pools and rdbms pools
 * with `driver = "pgsql"`, without TLS.
 */
export function assertServable(config: LoadedConfig, file: string): void {
  const problems: string[] = [];
  for (const spec of config.pools) {
    const server = servedBy(spec);
    if (server === undefined) {
      problems.push(
        `${spec.path}: the demo serves only http pools and rdbms pools with driver = "pgsql" (try \`outpools status\` for the others)`,
      );
    } else if (spec.connection.tls !== undefined) {
      problems.push(
        `${spec.path}.connection.tls: the demo's ${server === 'http' ? 'HTTP server' : 'PostgreSQL'} has no TLS`,
      );
    }
  }
  if (problems.length > 0) throw new DemoConfigError(file, problems);
}

/**
 * Point every pool of demo.toml at the demo's servers (the host and port written in the file are
 * placeholders). Call {@link assertServable} first.
 */
export function pointAtServers(config: LoadedConfig, ports: ServedPorts): LoadedConfig {
  const pools = config.pools.map((spec): PoolSpec => {
    const server = servedBy(spec);
    if (server === 'http')
      return { ...spec, connection: { ...spec.connection, host: `http://127.0.0.1:${ports.http}` } };
    if (server === 'pg') return { ...spec, connection: { ...spec.connection, host: '127.0.0.1', port: ports.pg } };
    return spec;
  });
  return { ...config, pools };
}

/** The workers of every pool served by the embedded PostgreSQL (its connection limit). */
export function pgWorkers(config: LoadedConfig): number {
  return config.pools.filter((p) => servedBy(p) === 'pg').reduce((sum, p) => sum + p.options.workers, 0);
}
