#!/usr/bin/env node
// The servers the tests talk to: what they are, which are up, starting and stopping them.
//
//   node scripts/services.mjs plan              what would be started (or is up already)
//   node scripts/services.mjs start             run every scripts/services/NN-name.sh in order
//   node scripts/services.mjs stop [--dry-run]  stop the PRIVATE servers those scripts and the
//                                               slow ones started (pnpm services:stop)
//
// A service script is a file named NN-name.sh (two digits, a dash): helpers such as lib.sh are
// sourced by them, never run. Each is idempotent (it checks its port first) and takes `stop`.
// The shared servers (PostgreSQL 5432, MariaDB 3306, Redis 6379, RabbitMQ 5672) are never
// stopped: other work on the machine uses them. The slow servers (scripts/services/slow/*.sh:
// Cassandra, Elasticsearch) take start | wait | stop | status.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
export const servicesDir = join(root, 'scripts', 'services');
export const slowDir = join(servicesDir, 'slow');

/** What a service script says about itself: its `# service:` and `# ports:` header lines. */
function describe(dir, name) {
  const text = readFileSync(join(dir, name), 'utf8');
  const comments = text
    .split('\n')
    .filter((l) => l.startsWith('# '))
    .map((l) => l.slice(2));
  const portsLine = comments.find((l) => l.startsWith('ports:'));
  const serviceLine = comments.find((l) => l.startsWith('service:'));
  return {
    name,
    path: join(dir, name),
    summary: serviceLine ? serviceLine.slice('service:'.length).trim() : (comments[0] ?? name),
    ports: portsLine ? portsLine.slice('ports:'.length).trim().split(/\s+/).map(Number) : [],
  };
}

/** The service scripts, in the order they run: NN-name.sh only (lib.sh and the like are not services). */
export function serviceScripts() {
  return readdirSync(servicesDir)
    .filter((f) => /^\d\d-[\w.-]+\.sh$/.test(f))
    .sort()
    .map((f) => describe(servicesDir, f));
}

/** The slow servers' scripts (start | wait | stop | status). */
export function slowScripts() {
  return existsSync(slowDir)
    ? readdirSync(slowDir)
        .filter((f) => /^[\w-]+\.sh$/.test(f))
        .sort()
        .map((f) => describe(slowDir, f))
    : [];
}

/** Whether something accepts a connection on 127.0.0.1:port within 300 ms. */
export function portOpen(port) {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    const done = (ok) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(300, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

// The Debian packages the service scripts install when they are missing.
const DEBIAN_PACKAGES = [
  'postgresql',
  'mariadb-server',
  'redis-server',
  'rabbitmq-server',
  'slapd',
  'ldap-utils',
  'unixodbc',
  'unixodbc-dev',
  'odbc-postgresql',
  'odbc-mariadb',
  'openssl',
];

/** The packages of {@link DEBIAN_PACKAGES} that are not installed (all of them without dpkg). */
export function missingDebianPackages() {
  // biome-ignore lint/suspicious/noTemplateCurlyInString: dpkg-query's own format syntax
  const format = '-f=${Package} ${Status}\\n';
  const query = spawnSync('dpkg-query', ['-W', format, ...DEBIAN_PACKAGES], { encoding: 'utf8' });
  const installed = new Set(
    (query.stdout ?? '')
      .split('\n')
      .filter((l) => l.endsWith(' installed'))
      .map((l) => l.split(' ')[0]),
  );
  return DEBIAN_PACKAGES.filter((p) => !installed.has(p));
}

/** Lines saying what `start` would do and how long it roughly takes. */
export async function planLines() {
  const missing = missingDebianPackages();
  const lines = [
    missing.length === 0
      ? 'Debian packages: all there, nothing to install'
      : `Debian packages to install (apt-get, about 1 min): ${missing.join(' ')}`,
  ];
  let toStart = 0;
  for (const s of serviceScripts()) {
    const open = await Promise.all(s.ports.map(portOpen));
    const up = s.ports.length > 0 && open.every(Boolean);
    if (!up) toStart += 1;
    lines.push(`  ${s.name.padEnd(18)} ${up ? 'up      ' : 'to start'}  ${s.summary}`);
  }
  for (const s of slowScripts()) {
    const open = await Promise.all(s.ports.map(portOpen));
    const up = s.ports.length > 0 && open.every(Boolean);
    lines.push(`  slow/${s.name.padEnd(13)} ${up ? 'up      ' : 'to start'}  ${s.summary}`);
  }
  const head =
    toStart === 0
      ? 'services: every one is up (a few seconds of checks)'
      : `services: ${toStart} to start (seconds each; a few minutes when Debian packages must be installed first)`;
  return [head, ...lines];
}

function runScript(path, args, env = {}) {
  return spawnSync('bash', [path, ...args], { cwd: root, stdio: 'inherit', env: { ...process.env, ...env } }).status;
}

async function main() {
  const [action, ...rest] = process.argv.slice(2);
  const dryRun = rest.includes('--dry-run');
  if (action === 'plan') {
    console.log((await planLines()).join('\n'));
    return 0;
  }
  if (action === 'start') {
    for (const s of serviceScripts()) {
      console.log(`[services] ${s.name}`);
      if (runScript(s.path, []) !== 0) {
        console.error(`[services] ${s.name} failed`);
        return 1;
      }
    }
    return 0;
  }
  if (action === 'stop') {
    console.log(
      `[services] ${dryRun ? 'would stop' : 'stopping'} the private test servers; the shared PostgreSQL, MariaDB, Redis and RabbitMQ keep running`,
    );
    let failed = 0;
    for (const s of [...serviceScripts()].reverse()) {
      if (runScript(s.path, ['stop'], dryRun ? { DRY_RUN: '1' } : {}) !== 0) failed += 1;
    }
    for (const s of slowScripts()) {
      if (dryRun) {
        const status = spawnSync('bash', [s.path, 'status'], { cwd: root, encoding: 'utf8' });
        const state = (status.stdout || '').trim().split('\n').pop() || 'stopped';
        console.log(`slow/${s.name}: ${state === 'stopped' ? 'not running' : `would stop it (${state})`}`);
      } else if (runScript(s.path, ['stop']) !== 0) failed += 1;
    }
    return failed === 0 ? 0 : 1;
  }
  console.error('usage: node scripts/services.mjs plan | start | stop [--dry-run]');
  return 2;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) process.exitCode = await main();
