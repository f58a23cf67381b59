// Start bench/http/server.mjs in its own process (so that the server does not share the
// measured process' event loop) and resolve with its port; the server exits with its parent.
import { fork } from 'node:child_process';

/** Start the benchmark server; resolves `{ port, stop() }`. */
export function startBenchServer() {
  return new Promise((resolve, reject) => {
    const child = fork(new URL('./server.mjs', import.meta.url), [], { stdio: ['ignore', 'pipe', 'inherit', 'ipc'] });
    let out = '';
    child.stdout.on('data', (chunk) => {
      out += chunk;
      const match = /PORT (\d+)/.exec(out);
      if (match) resolve({ port: Number(match[1]), stop: () => child.kill('SIGTERM') });
    });
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`bench server exited (${code})`)));
    process.once('exit', () => child.kill('SIGTERM'));
  });
}
