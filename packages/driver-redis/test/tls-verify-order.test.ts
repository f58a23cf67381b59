import { readFileSync } from 'node:fs';
import { createServer, type Server, type TLSSocket } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { redisDriver } from '@outpools/driver-redis';
import { connectionOptions, directContext } from './helpers/direct.js';
import { until } from '@outpools/testing';
import { redisExtra, type RedisExtraInfo } from './helpers/servers.js';

// A fake TLS "Redis" that records every byte a client sends after the handshake: the only way to
// prove that the driver checks the peer (ctx.verifyTls) before AUTH leaves the process.
let extra: RedisExtraInfo;
let server: Server;
let port = 0;
const received: Buffer[] = [];
let closedConnections = 0;

beforeAll(async () => {
  extra = await redisExtra();
  server = createServer({ cert: readFileSync(extra.certFile), key: readFileSync(extra.keyFile) }, (socket) => {
    socket.on('data', (chunk: Buffer) => {
      received.push(chunk);
      // Answer like a Redis that wants no more: an error for each command of the chunk (a
      // client sends its handshake commands in one write), so a client that did send AUTH fails.
      const commands = chunk
        .toString()
        .split('\r\n')
        .filter((line) => line.startsWith('*')).length;
      socket.write('-ERR fake server\r\n'.repeat(Math.max(1, commands)));
    });
    socket.on('error', () => undefined);
  });
  // The raw TCP side: its close is seen even when the client hangs up right after the handshake.
  server.on('connection', (tcp) => {
    tcp.on('close', () => {
      closedConnections += 1;
    });
  });
  server.on('tlsClientError', () => undefined);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  port = typeof address === 'object' && address ? address.port : 0;
});
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});

describe('TLS peer verification happens before AUTH', () => {
  it('sends nothing, not even AUTH, to a peer that verifyTls refuses', async () => {
    received.length = 0;
    const closedBefore = closedConnections;
    const seen: TLSSocket[] = [];
    const ctx = directContext({
      tls: { ca: readFileSync(extra.caFile), rejectUnauthorized: false },
      verifyTls: (socket) => {
        seen.push(socket);
        throw new Error('peer refused by test');
      },
    });
    const secret = 'never-sent-secret-91';
    const error = await redisDriver.connect(connectionOptions({ port, password: secret }), ctx).then(
      () => undefined,
      (e: unknown) => e as Error,
    );
    expect(error?.message).toContain('peer refused by test');
    expect(seen).toHaveLength(1);
    expect(seen[0]?.encrypted).toBe(true);
    // Once the server saw the connection close, everything the client wrote has arrived.
    await until(() => closedConnections > closedBefore, 2000, 'the server side to close');
    expect(Buffer.concat(received).toString()).toBe('');
    expect(ctx.lostErrors).toEqual([]);
  });

  it('sends AUTH only after verifyTls accepted the peer', async () => {
    received.length = 0;
    const order: string[] = [];
    const ctx = directContext({
      tls: { ca: readFileSync(extra.caFile), rejectUnauthorized: true },
      verifyTls: () => {
        order.push(`verify with ${received.length} chunks received`);
      },
    });
    await expect(redisDriver.connect(connectionOptions({ port, password: 'pw-abc' }), ctx)).rejects.toThrow(
      /fake server/,
    );
    expect(order).toEqual(['verify with 0 chunks received']);
    expect(Buffer.concat(received).toString()).toContain('AUTH');
  });
});
