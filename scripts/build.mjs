#!/usr/bin/env node
// Incremental, quiet build of the workspace packages (`pnpm run build`).
//
// A package is rebuilt only when its fingerprint changed: a hash of its sources (src/), its
// package.json, tsconfig.json and tsup.config.ts, the shared tsup.base.ts and tsconfig.base.json,
// the files its package.json lists under "buildInputs", the versions of tsup, TypeScript and esbuild, and the fingerprints of the workspace packages it
// depends on (their types feed its declarations). The fingerprint is stored in
// dist/.build-fingerprint after a successful build; a package whose dist lost any file its
// package.json points at is rebuilt too. Content hashes, not times: a checkout, a branch switch
// or a touch does not trigger a rebuild; an edit does.
//
// Output: one summary line; a package's build log only when it failed (exit status 1). No colour
// escapes unless stdout is a terminal. On a terminal a single progress line is redrawn.
//
// Usage: node scripts/build.mjs [--force] [--no-dts] [--verbose] [package...]
//   package   a directory under packages/ or a package name: build it and what it depends on
//   --force   rebuild even when the fingerprint is unchanged
//   --no-dts  JavaScript only, no type declarations (most of a cold build's time: `pnpm run main`
//             uses it, since running the demo needs none). A package already built with its
//             declarations counts as up to date; one built without them is rebuilt by the next
//             build without --no-dts (its declarations are missing from dist/).
//   --verbose print every build log
// Environment: OUTPOOLS_BUILD_JOBS (parallel builds, default 2 or the CPU count if lower).
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const FINGERPRINT_FILE = '.build-fingerprint';
// Bump when the way packages are built changes in a way the inputs below do not capture.
const RECIPE = '1';

const args = process.argv.slice(2);
const force = args.includes('--force');
const verbose = args.includes('--verbose');
const noDts = args.includes('--no-dts');
const wanted = args.filter((a) => !a.startsWith('--'));
const tty = process.stdout.isTTY === true && !process.env.NO_COLOR;
const jobs = Math.max(1, Number(process.env.OUTPOOLS_BUILD_JOBS) || Math.min(2, availableParallelism()));

const readJson = (file) => JSON.parse(readFileSync(file, 'utf8'));

/** The workspace folders (pnpm-workspace.yaml): the packages and the example packages. */
const WORKSPACE_DIRS = ['packages', 'examples'];

/** Every workspace package with a build script, by name. */
function workspacePackages() {
  const found = new Map();
  for (const parent of WORKSPACE_DIRS) {
    if (!existsSync(join(root, parent))) continue;
    for (const dir of readdirSync(join(root, parent)).sort()) {
      const file = join(root, parent, dir, 'package.json');
      if (!existsSync(file)) continue;
      const pkg = readJson(file);
      if (!pkg.scripts?.build) continue;
      found.set(pkg.name, { name: pkg.name, dir: join(root, parent, dir), short: dir, pkg });
    }
  }
  for (const entry of found.values()) {
    const { dependencies, devDependencies, peerDependencies } = entry.pkg;
    entry.deps = Object.keys({ ...dependencies, ...devDependencies, ...peerDependencies }).filter((n) => found.has(n));
  }
  return found;
}

/** Files under `dir`, recursively, as sorted relative paths. */
function filesUnder(dir) {
  if (!existsSync(dir)) return [];
  const out = [];
  const walk = (d) => {
    for (const name of readdirSync(d).sort()) {
      const path = join(d, name);
      if (statSync(path).isDirectory()) walk(path);
      else out.push(path);
    }
  };
  walk(dir);
  return out;
}

const toolVersions = ['tsup', 'typescript', 'esbuild']
  .map((name) => {
    const file = join(root, 'node_modules', name, 'package.json');
    return `${name}@${existsSync(file) ? readJson(file).version : '?'}`;
  })
  .join(' ');

const sharedInputs = ['tsup.base.ts', 'tsconfig.base.json'].map((f) => join(root, f));

function fingerprintOf(entry, fingerprints) {
  const hash = createHash('sha256');
  hash.update(`recipe ${RECIPE}\n${toolVersions}\n`);
  const inputs = [
    ...sharedInputs,
    ...['package.json', 'tsconfig.json', 'tsup.config.ts'].map((f) => join(entry.dir, f)),
    ...filesUnder(join(entry.dir, 'src')),
    // Files outside the package that its build reads (package.json "buildInputs").
    ...(entry.pkg.buildInputs ?? []).map((f) => join(entry.dir, f)),
  ];
  for (const file of inputs) {
    if (!existsSync(file)) continue;
    hash.update(`${relative(root, file)}\n`);
    hash.update(readFileSync(file));
  }
  for (const dep of [...entry.deps].sort()) hash.update(`dep ${dep} ${fingerprints.get(dep)}\n`);
  return hash.digest('hex');
}

/** Files the package's manifest points at (exports, main, module, types) under dist/. */
function declaredOutputs(pkg) {
  const out = new Set();
  const visit = (value) => {
    if (typeof value === 'string') {
      if (value.startsWith('./dist/') || value.startsWith('dist/')) out.add(value.replace(/^\.\//, ''));
    } else if (value && typeof value === 'object') for (const v of Object.values(value)) visit(v);
  };
  visit(pkg.exports);
  visit([pkg.main, pkg.module, pkg.types]);
  return [...out];
}

const isDeclaration = (file) => /\.d\.[cm]?ts$/.test(file);

function upToDate(entry, fingerprint) {
  const stamp = join(entry.dir, 'dist', FINGERPRINT_FILE);
  if (!existsSync(stamp) || readFileSync(stamp, 'utf8').trim() !== fingerprint) return false;
  return declaredOutputs(entry.pkg)
    .filter((f) => !(noDts && isDeclaration(f)))
    .every((f) => existsSync(join(entry.dir, f)));
}

// The packages to consider: the ones asked for and everything they depend on.
const all = workspacePackages();
const byShort = new Map([...all.values()].map((e) => [e.short, e]));
const selected = new Set();
const select = (name) => {
  const entry = all.get(name) ?? byShort.get(name);
  if (!entry) {
    console.error(`build: no package ${JSON.stringify(name)} (have: ${[...byShort.keys()].join(', ')})`);
    process.exit(2);
  }
  if (selected.has(entry.name)) return;
  selected.add(entry.name);
  for (const dep of entry.deps) select(dep);
};
for (const name of wanted.length > 0 ? wanted : [...all.keys()]) select(name);

// Dependency order; fingerprints are computed in that order (a package's includes its deps').
const order = [];
const visiting = new Set();
const place = (name) => {
  if (order.includes(name)) return;
  if (visiting.has(name)) throw new Error(`build: dependency cycle through ${name}`);
  visiting.add(name);
  for (const dep of all.get(name).deps) if (selected.has(dep)) place(dep);
  order.push(name);
};
for (const name of [...selected].sort()) place(name);
const fingerprints = new Map();
for (const name of order) fingerprints.set(name, fingerprintOf(all.get(name), fingerprints));
const stale = order.filter((name) => force || !upToDate(all.get(name), fingerprints.get(name)));

const started = performance.now();
const seconds = () => ((performance.now() - started) / 1000).toFixed(1);
const shortNames = (names) => names.map((n) => all.get(n).short).join(', ');
if (stale.length === 0) {
  console.log(`build: ${order.length} package(s) up to date`);
  process.exit(0);
}

const tsupCli = join(root, 'node_modules', 'tsup', 'dist', 'cli-default.js');
const ANSI = new RegExp(`${String.fromCharCode(27)}\\[[0-9;?]*[A-Za-z]`, 'g');
const stripAnsi = (text) => text.replace(ANSI, '');

/** Build one package; resolves to { ok, log }. */
function buildOne(entry) {
  const script = entry.pkg.scripts.build.trim();
  const [cmd, cmdArgs] = /^tsup(\s|$)/.test(script)
    ? [process.execPath, [tsupCli, ...script.split(/\s+/).slice(1), ...(noDts ? ['--no-dts'] : [])]]
    : ['pnpm', ['run', '--silent', 'build']];
  const env = { ...process.env };
  if (tty) env.FORCE_COLOR = '1';
  else {
    env.NO_COLOR = '1';
    delete env.FORCE_COLOR;
  }
  return new Promise((resolvePromise) => {
    const child = spawn(cmd, cmdArgs, { cwd: entry.dir, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let log = '';
    child.stdout.on('data', (d) => {
      log += d;
    });
    child.stderr.on('data', (d) => {
      log += d;
    });
    child.on('error', (error) => resolvePromise({ ok: false, log: `${log}${error.message}\n` }));
    child.on('close', (code) => resolvePromise({ ok: code === 0, log: tty ? log : stripAnsi(log) }));
  });
}

const done = new Set(order.filter((n) => !stale.includes(n)));
const running = new Map();
const built = [];
let failed;
const progress = () => {
  if (!tty) return;
  const now = [...running.keys()].map((n) => all.get(n).short).join(', ');
  process.stdout.write(`\r\u001b[Kbuild: ${built.length}/${stale.length} built, now ${now} (${seconds()} s)`);
};
const ticker = tty ? setInterval(progress, 500) : undefined;

await new Promise((finish) => {
  const next = () => {
    if (failed && running.size === 0) return finish();
    if (built.length === stale.length) return finish();
    if (failed) return;
    for (const name of stale) {
      if (running.size >= jobs) break;
      if (done.has(name) || running.has(name)) continue;
      if (!all.get(name).deps.every((d) => !selected.has(d) || done.has(d))) continue;
      const entry = all.get(name);
      running.set(
        name,
        buildOne(entry).then(({ ok, log }) => {
          running.delete(name);
          if (verbose || !ok) {
            if (tty) process.stdout.write('\r\u001b[K');
            process.stdout.write(`--- ${entry.name}\n${log}`);
          }
          if (ok) {
            writeFileSync(join(entry.dir, 'dist', FINGERPRINT_FILE), `${fingerprints.get(name)}\n`);
            done.add(name);
            built.push(name);
          } else failed ??= name;
          progress();
          next();
        }),
      );
    }
    progress();
  };
  next();
});
if (ticker) clearInterval(ticker);
if (tty) process.stdout.write('\r\u001b[K');
if (failed) {
  console.error(`build: ${all.get(failed).name} failed (its log is above); built ${shortNames(built) || 'nothing'}`);
  process.exit(1);
}
const fresh = order.length - stale.length;
console.log(
  `build: built ${shortNames(built)} in ${seconds()} s${fresh > 0 ? `; ${fresh} package(s) up to date` : ''}`,
);
