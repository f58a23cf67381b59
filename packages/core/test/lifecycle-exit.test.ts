import { describe, it, expect } from 'vitest';
import { startBundledChild } from '../../../tests/helpers/child-bundle.js';

const script = `
import { createPools, DriverRegistry } from '@outpools/core';
import { createFakeDriver } from '@outpools/testing';

process.on('unhandledRejection', (e) => { console.log('UNHANDLED', String(e)); process.exitCode = 3; });
const fake = createFakeDriver({ keepaliveMs: 1000, connectFailures: 1, closeMode: 'reject' });
const registry = new DriverRegistry([fake.driver]);
const spec = {
  type: 'fake', tag: 'default', path: 'outgoing_pools.fake.default',
  options: { scope: 'global', strategy: 'best_worker', workers: 3, call_timeout: 60000 },
  connection: { label: 'fake' },
};
const pools = createPools({ pools: [spec], hosts: [], hostTypes: [], warnings: [] }, { registry, drainTimeoutMs: 200 });
const report = await pools.start();
const client = pools.get(fake.driver, 'global', 'default');
await client.call('quick');
const hanging = client.call('hang', { hang: true }).then(() => 'resolved', (e) => e.code);
const slow = client.call('slow', { latencyMs: 50 }).then((r) => r.value);
await pools.stop();
await pools.stop();
console.log(JSON.stringify({ live: report.instances[0].live, hanging: await hanging, slow: await slow, closes: fake.counts.closes, connects: fake.counts.connects }));
`;

describe('process lifecycle', () => {
  it('lets the process exit by itself after stop, with calls running, a worker in backoff and keepalive on', async () => {
    const child = await startBundledChild(script);
    try {
      const started = Date.now();
      const code = await child.exited(10_000);
      const ms = Date.now() - started;
      expect(child.stderr()).toBe('');
      expect(code).toBe(0);
      const result = JSON.parse(child.lines.join('\n').trim()) as Record<string, unknown>;
      expect(result).toMatchObject({ live: 2, hanging: 'OUTPOOLS_POOL_STOPPED', slow: 'slow' });
      expect(result['closes']).toBe(result['connects']); // every connection made was closed
      expect(ms).toBeLessThan(5000);
    } finally {
      child.dispose();
    }
  });
});
