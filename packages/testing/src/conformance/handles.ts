/**
 * Process-level checks of the live groups: a port where nothing listens, and active handles
 * (sockets, timers) left behind after a pool stopped.
 * @module
 */
import { createServer } from 'node:net';

/** A loopback TCP port where nothing listens (bound to port 0, then closed). */
export async function closedPort(host = '127.0.0.1'): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, host, resolve);
  });
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

/** Counts of `process.getActiveResourcesInfo()` by resource type. */
export function activeResources(): Map<string, number> {
  const counts = new Map<string, number>();
  for (const name of process.getActiveResourcesInfo()) counts.set(name, (counts.get(name) ?? 0) + 1);
  return counts;
}

/** Resource types with more active resources now than in `baseline`, as `type +n`. */
export function extraResources(baseline: ReadonlyMap<string, number>): string[] {
  const extra: string[] = [];
  for (const [name, count] of activeResources()) {
    const before = baseline.get(name) ?? 0;
    if (count > before) extra.push(`${name} +${count - before}`);
  }
  return extra;
}

/**
 * Poll until `condition()` is true, every `intervalMs`, for at most `timeoutMs`; returns whether
 * it became true. The timer is unref'd and gone when this returns.
 */
export async function waitFor(condition: () => boolean, timeoutMs: number, intervalMs = 20): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() >= deadline) return false;
    await new Promise<void>((resolve) => setTimeout(resolve, intervalMs).unref());
  }
  return true;
}

/** Wait until no resource type has more active resources than in `baseline`; returns the extras left. */
export async function settledResources(baseline: ReadonlyMap<string, number>, timeoutMs: number): Promise<string[]> {
  await waitFor(() => extraResources(baseline).length === 0, timeoutMs);
  return extraResources(baseline);
}
