/**
 * What a worker does with its sockets when TLS handshakes are slow: a connect costs a handshake,
 * so a worker must not throw a connected socket away (a request given up while it waited for its
 * socket, a health ping). Otherwise, on a slow link or a loaded machine, the next request waits
 * for another handshake that can outlast its own request_timeout, and the worker never serves a
 * call again (the https `slow` and `partition` fault scenarios, tests/faults/README.md).
 */
import { describe, expect, it } from 'vitest';
import { connect, createServer, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { createTestPki, recordUnhandled, until } from '@outpools/testing';
import { httpToml, startPools } from './helpers/pools.js';
import { serversPerTest } from './helpers/servers.js';

/** A TCP relay that holds each new connection `holdMs` before it reaches the server: a slow TLS handshake. */
async function startSlowConnects(target: number, holdMs: number) {
  const sockets = new Set<Socket>();
  let accepted = 0;
  const track = (socket: Socket): void => {
    sockets.add(socket);
    socket.on('error', () => undefined);
    socket.on('close', () => sockets.delete(socket));
  };
  const server = createServer((client) => {
    accepted++;
    track(client);
    client.pause();
    setTimeout(() => {
      if (client.destroyed) return;
      const upstream = connect({ host: '127.0.0.1', port: target });
      track(upstream);
      client.pipe(upstream);
      upstream.pipe(client);
      client.resume();
      client.on('close', () => upstream.destroy());
      upstream.on('close', () => client.destroy());
    }, holdMs);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return {
    port: (server.address() as AddressInfo).port,
    get accepted() {
      return accepted;
    },
    async close(): Promise<void> {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

describe('http worker sockets', () => {
  const { cleanup, server } = serversPerTest();

  /** A one-worker https pool (peer verified) whose every connect to its TLS server waits `holdMs` in a relay. */
  async function slowTlsPool(
    tag: string,
    holdMs: number,
    timeouts: { readonly call_timeout: number; readonly request_timeout: number },
  ) {
    const pki = await createTestPki();
    const s = await server({ tls: { key: pki.server.key, cert: pki.server.cert } });
    const relay = await startSlowConnects(s.port, holdMs);
    cleanup.push(() => relay.close());
    const started = await startPools(
      httpToml(
        tag,
        { workers: 1, call_timeout: timeouts.call_timeout },
        { host: `https://127.0.0.1:${relay.port}`, request_timeout: timeouts.request_timeout },
        { verify_mode: 'peer', cacertfile: pki.ca.certFile },
      ),
    );
    cleanup.push(() => started.pools.stop());
    return { s, relay, ...started };
  }

  it('keeps its connection across health pings (HEAD): one connection for pings and calls', async () => {
    const s = await server();
    const { pools, client } = await startPools(httpToml('ping', { workers: 1 }, { host: s.origin }));
    cleanup.push(() => pools.stop());
    for (let i = 0; i < 3; i++) expect((await pools.health())[0]?.ok).toBe(true);
    expect((await client('ping').get('/after')).statusCode).toBe(200);
    const pings = s.seen.filter((r) => r.method === 'HEAD');
    expect(pings.length).toBe(3);
    expect(pings.every((r) => r.headers.connection === 'keep-alive')).toBe(true);
    // undici closes the socket after a HEAD unless told otherwise: one new connection per ping.
    expect(s.accepted).toBe(1);
  });

  it('answers health pings one after another when a TLS handshake takes longer than request_timeout', async () => {
    const { relay, pools } = await slowTlsPool('slowping', 500, { call_timeout: 2000, request_timeout: 300 });
    // Each ping used to close the socket, and the next one waited for a new handshake (500 ms
    // here) and failed with "http request timed out after 300 ms (request_timeout)".
    for (let i = 0; i < 3; i++) {
      const health = (await pools.health())[0];
      expect(health?.error).toBeUndefined();
      expect(health?.ok).toBe(true);
    }
    expect(relay.accepted).toBe(1);
  });

  it('keeps a socket whose request was given up while it connected: the next request is served on it', async () => {
    const unhandled = recordUnhandled();
    const { s, relay, pools, client } = await slowTlsPool('slowtls', 300, {
      call_timeout: 5000,
      request_timeout: 4000,
    });
    try {
      const http = client('slowtls');
      expect((await http.get('/first')).statusCode).toBe(200);
      expect(relay.accepted).toBe(1);
      s.dropConnections(); // the worker opens a new socket at once: 300 ms + a handshake
      await until(() => relay.accepted === 2, 2000, 'the worker to open a new socket');
      // This request waits for that socket and is given up before it is connected.
      const given = await http.get('/given-up', { signal: AbortSignal.timeout(50) }).catch((e: unknown) => e);
      expect(given).toBeInstanceOf(Error);
      // The next request is served on that same socket, once connected: no third connection.
      expect((await http.get('/next')).statusCode).toBe(200);
      expect(s.seen.map((r) => r.url)).toEqual(['/first', '/next']);
      expect(relay.accepted).toBe(2);
      expect(pools.pool('http', 'global', 'slowtls').stats().counters.reconnects).toBe(0);
    } finally {
      unhandled.uninstall();
    }
    expect(unhandled.errors).toEqual([]);
  });
});
