import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STRATEGIES } from '@outpools/core';
import { recordUnhandled } from '@outpools/testing';
import { FAST_BACKOFF, httpDriverWith, httpToml, startPools } from './helpers/pools.js';
import { startServer, type TestServer } from './helpers/servers.js';

describe('http requests through a pool against a real node:http server', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer();
    server.route('/json', (_req, res) => {
      res.setHeader('content-type', 'application/json; charset=utf-8');
      res.setHeader('set-cookie', ['a=1', 'b=2']);
      res.end(JSON.stringify({ hello: 'world' }));
    });
    server.route('/bytes', (_req, res) => {
      res.setHeader('content-type', 'application/octet-stream');
      res.end(Buffer.from([0, 1, 2, 255]));
    });
    server.route('/echo', (req, res, body) => {
      res.statusCode = 201;
      res.setHeader('content-type', 'text/plain');
      res.end(`${req.method} ${req.headers['content-type'] ?? '-'} ${req.headers['x-test'] ?? '-'} ${body.toString()}`);
    });
    server.route('/missing', (_req, res) => {
      res.statusCode = 404;
      res.setHeader('content-type', 'text/plain');
      res.end('nope');
    });
  });
  afterAll(async () => {
    await server.dispose();
  });

  it('joins path_prefix and the request path with exactly one slash', async () => {
    const { pools, client } = await startPools(
      httpToml('p', { workers: 1 }, { host: server.origin, path_prefix: '/api/v1/' }),
    );
    try {
      const http = client('p');
      for (const [path, expected] of [
        ['/users', '/api/v1/users'],
        ['users?x=1', '/api/v1/users?x=1'],
        ['', '/api/v1/'],
      ] as const) {
        const res = await http.get(path);
        expect(res.statusCode).toBe(200);
        expect(res.body).toBe(`ok GET ${expected}`);
      }
    } finally {
      await pools.stop();
    }
  });

  it('returns status, lower-case headers, text bodies as strings, other bodies as Buffers, and parses JSON', async () => {
    const { pools, client } = await startPools(httpToml('r', { workers: 2 }, { host: server.origin }));
    try {
      const http = client('r');
      const json = await http.get('/json');
      expect(json.statusCode).toBe(200);
      expect(json.headers['content-type']).toBe('application/json; charset=utf-8');
      expect(json.headers['set-cookie']).toEqual(['a=1', 'b=2']);
      expect(typeof json.body).toBe('string');
      expect(json.json()).toEqual({ hello: 'world' });
      const bytes = await http.get('/bytes');
      expect(Buffer.isBuffer(bytes.body)).toBe(true);
      expect([...(bytes.body as Buffer)]).toEqual([0, 1, 2, 255]);
      expect(typeof (await http.get('/bytes', { as: 'text' })).body).toBe('string');
      expect(Buffer.isBuffer((await http.get('/json', { as: 'buffer' })).body)).toBe(true);
      const missing = await http.get('/missing');
      expect(missing.statusCode).toBe(404);
      expect(missing.body).toBe('nope');
    } finally {
      await pools.stop();
    }
  });

  it('sends methods, headers, string and JSON bodies', async () => {
    const { pools, client } = await startPools(httpToml('m', { workers: 1 }, { host: server.origin }));
    try {
      const http = client('m');
      const posted = await http.post('/echo', 'raw body', {
        headers: { 'content-type': 'text/plain', 'x-test': 'yes' },
      });
      expect(posted.statusCode).toBe(201);
      expect(posted.body).toBe('POST text/plain yes raw body');
      const put = await http.request({ method: 'put', path: '/echo', json: { a: 1 } });
      expect(put.body).toBe('PUT application/json - {"a":1}');
      const head = await http.request({ method: 'HEAD', path: '/json' });
      expect(head.statusCode).toBe(200);
      expect(head.body.length).toBe(0);
    } finally {
      await pools.stop();
    }
  });

  it('reports live workers at start and a healthy pool (HEAD of the prefix)', async () => {
    const { pools, report, client } = await startPools(
      httpToml('h', { workers: 3 }, { host: server.origin, path_prefix: '/base' }),
    );
    try {
      expect(report.ok).toBe(true);
      expect(report.instances[0]).toMatchObject({ live: 3, workers: 3 });
      const before = server.seen.length;
      const health = await pools.health();
      expect(health[0]).toMatchObject({ ok: true });
      const pings = server.seen.slice(before);
      expect(pings.length).toBe(3);
      expect(pings.every((s) => s.method === 'HEAD' && s.url === '/base')).toBe(true);
      const own = await client('h').health('/ready');
      expect(own.statusCode).toBe(200);
      expect(server.seen.at(-1)).toMatchObject({ method: 'HEAD', url: '/base/ready' });
    } finally {
      await pools.stop();
    }
  });

  it('sends the health request chosen in code (createHttpDriver) and counts any status as alive', async () => {
    server.route('/healthz', (_req, res) => {
      res.statusCode = 503;
      res.end();
    });
    const { pools, client } = await startPools(
      httpToml('hz', { workers: 2 }, { host: server.origin, path_prefix: '/svc/' }),
      httpDriverWith(FAST_BACKOFF, { healthPath: '/healthz', healthMethod: 'GET' }),
    );
    try {
      const before = server.seen.length;
      const health = await pools.health();
      expect(health[0]).toMatchObject({ ok: true });
      expect(server.seen.slice(before).map((s) => `${s.method} ${s.url}`)).toEqual([
        'GET /svc/healthz',
        'GET /svc/healthz',
      ]);
      expect((await client('hz').health()).statusCode).toBe(200); // /svc/ itself is unrouted: 200
      expect(server.seen.at(-1)).toMatchObject({ method: 'GET', url: '/svc/healthz' });
    } finally {
      await pools.stop();
    }
  });

  it('reaches an origin given as a bracketed IPv6 literal', async () => {
    const v6 = await startServer({ host: '::1' });
    const { pools, report, client } = await startPools(httpToml('v6', { workers: 1 }, { host: v6.origin }));
    try {
      expect(v6.origin).toMatch(/^http:\/\/\[::1\]:\d+$/);
      expect(report.ok).toBe(true);
      expect((await client('v6').get('/six')).body).toBe('ok GET /six');
    } finally {
      await pools.stop();
      await v6.dispose();
    }
  });

  for (const strategy of STRATEGIES) {
    it(`serves 40 concurrent calls with strategy ${strategy}, one request per connection at a time`, async () => {
      const unhandled = recordUnhandled();
      const slow = `/slow-${strategy}`;
      let running = 0;
      let most = 0;
      server.route(slow, (_req, res) => {
        running++;
        most = Math.max(most, running);
        setTimeout(() => {
          running--;
          res.setHeader('content-type', 'text/plain');
          res.end('done');
        }, 5);
      });
      const workers = 4;
      const acceptedBefore = server.accepted;
      const { pools, client } = await startPools(
        httpToml('s', { workers, strategy, call_timeout: 4000 }, { host: server.origin, request_timeout: 3000 }),
      );
      try {
        const http = client('s');
        const calls = Array.from({ length: 40 }, () =>
          http.get(slow).then(
            (r) => r.body,
            (e: unknown) => e,
          ),
        );
        const results = await Promise.all(calls);
        if (strategy === 'next_available_worker') {
          // No queueing: calls beyond the idle workers fail at once with NoAvailableWorkersError.
          expect(results.filter((r) => r === 'done').length).toBeGreaterThanOrEqual(workers);
          expect(
            results
              .filter((r) => r !== 'done')
              .every((e) => (e as { code?: string }).code === 'OUTPOOLS_NO_AVAILABLE_WORKERS'),
          ).toBe(true);
        } else {
          expect(results).toEqual(Array.from({ length: 40 }, () => 'done'));
        }
        expect(most).toBeLessThanOrEqual(workers);
        // The connections opened at start (one per worker) serve every call.
        expect(server.accepted - acceptedBefore).toBe(workers);
      } finally {
        await pools.stop();
        unhandled.uninstall();
      }
      expect(unhandled.errors).toEqual([]);
    });
  }
});
