import { createServer, type Server, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { redisDriver } from '@outpools/driver-redis';
import { connectionOptions, directContext } from './helpers/direct.js';
import { until } from '@outpools/testing';

// A server that accepts connections and never answers: the handshake (INFO ready check) hangs.
let server: Server;
let port = 0;
const sockets: Socket[] = [];
beforeAll(async () => {
  server = createServer((socket) => {
    sockets.push(socket);
    socket.on('error', () => undefined);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  port = typeof address === 'object' && address ? address.port : 0;
});
afterAll(async () => {
  for (const s of sockets) s.destroy();
  await new Promise((resolve) => server.close(resolve));
});

describe('a connect attempt to a server that never answers', () => {
  it("has no timer of its own: it waits for the core's connect bound (ctx.signal), then gives up with its reason", async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval'] });
    try {
      const ctx = directContext();
      const before = sockets.length;
      let settled = false;
      const attempt = redisDriver.connect(connectionOptions({ port }), ctx).then(
        () => undefined,
        (e: unknown) => e as Error,
      );
      void attempt.then(() => (settled = true));
      await vi.waitUntil(() => sockets.length > before, { timeout: 2000 });
      vi.advanceTimersByTime(120_000);
      await new Promise((resolve) => setImmediate(resolve));
      expect(settled).toBe(false);
      ctx.abort.abort(new Error('connect timed out after 5000 ms'));
      const error = await attempt;
      expect(error?.message).toMatch(/redis connect to 127\.0\.0\.1:\d+ failed: connect timed out after 5000 ms/);
    } finally {
      vi.useRealTimers();
    }
  });

  it('stops at once when the pool aborts it', async () => {
    const ctx = directContext();
    const before = sockets.length;
    const attempt = redisDriver.connect(connectionOptions({ port }), ctx).then(
      () => undefined,
      (e: unknown) => e as Error,
    );
    await until(() => sockets.length > before, 2000, 'the server to see the connection');
    const t0 = Date.now();
    ctx.abort.abort();
    const error = await attempt;
    expect(error?.message).toMatch(/aborted/);
    expect(Date.now() - t0).toBeLessThan(500);
  });

  it('refuses to start when the signal is already aborted', async () => {
    const ctx = directContext();
    ctx.abort.abort(new Error('stopping'));
    await expect(redisDriver.connect(connectionOptions({ port }), ctx)).rejects.toThrow(/stopping/);
  });
});
