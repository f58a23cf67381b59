import { afterEach, describe, expect, it } from 'vitest';
import { NoWorkersError } from '@outpools/core';
import type { ConnectContext } from '@outpools/core/driver';
import { stubContexts } from '@outpools/testing';
import {
  RabbitAccessRefusedError,
  RabbitConnectError,
  rabbitDriver,
  type RabbitConnectionOptions,
} from '@outpools/driver-rabbit';
import { clientOf, DEFAULTS, rabbitToml, startPools, type Pools } from './helpers/pools.js';
import { rabbitInfo } from './helpers/servers.js';

const WRONG = 'not-the-Pa55word-7';
const OPTIONS: RabbitConnectionOptions = { ...DEFAULTS, host: '127.0.0.1' };
const started: Pools[] = [];
afterEach(async () => {
  await Promise.all(started.splice(0).map((p) => p.stop()));
});

function everything(error: unknown): string {
  const seen: string[] = [];
  for (let e: unknown = error; e !== undefined && e !== null; e = (e as { cause?: unknown }).cause) {
    seen.push(String(e), JSON.stringify(e), (e as Error).stack ?? '');
  }
  return seen.join('\n');
}

describe('rabbit login', () => {
  it('refuses a wrong password with RabbitAccessRefusedError that names user and server but never the password', async () => {
    const stub = stubContexts('rabbit', 'login');
    const error = await rabbitDriver.connect({ ...OPTIONS, password: WRONG }, stub.connect).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(RabbitAccessRefusedError);
    expect(error).toMatchObject({ code: 'OUTPOOLS_RABBIT_ACCESS_REFUSED' });
    expect((error as Error).message).toContain('amqp://guest@127.0.0.1:5672/');
    expect((error as Error).message).toMatch(/403/);
    expect(everything(error)).not.toContain(WRONG);
  });

  it('refuses a virtual host the user may not open (530) with the same error', async () => {
    const info = await rabbitInfo();
    const stub = stubContexts('rabbit', 'login');
    const options = { ...OPTIONS, username: info.vhostUser, password: info.vhostPassword, virtual_host: '/' };
    const error = await rabbitDriver.connect(options, stub.connect).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(RabbitAccessRefusedError);
    expect((error as Error).message).toMatch(/530/);
    expect(everything(error)).not.toContain(info.vhostPassword);
  });

  it('opens the vhost with its own user', async () => {
    const info = await rabbitInfo();
    const stub = stubContexts('rabbit', 'login');
    const options = { ...OPTIONS, username: info.vhostUser, password: info.vhostPassword, virtual_host: info.vhost };
    const connection = await rabbitDriver.connect(options, stub.connect);
    try {
      await expect(rabbitDriver.ping(connection, stub.call)).resolves.toBeDefined();
    } finally {
      await rabbitDriver.close(connection);
    }
  });

  it('reports a pool with a wrong password not live, and no report, health or stats holds the password', async () => {
    const { pools, report } = await startPools(
      rabbitToml('wrongpw', { workers: 2, call_timeout: 2000 }, { host: '127.0.0.1', port: 5672, password: WRONG }),
    );
    started.push(pools);
    expect(report.ok).toBe(false);
    expect(report.instances[0]).toMatchObject({ live: 0, workers: 2 });
    expect(report.instances[0]?.error).toMatch(/refused/);
    const health = await pools.health();
    expect(health[0]?.ok).toBe(false);
    await expect(clientOf(pools, 'wrongpw').publish('', 'q', 'x')).rejects.toBeInstanceOf(NoWorkersError);
    expect(JSON.stringify({ report, health, stats: pools.stats() })).not.toContain(WRONG);
  });

  it('reports a closed port as RabbitConnectError', async () => {
    const stub = stubContexts('rabbit', 'login');
    const error = await rabbitDriver.connect({ ...OPTIONS, port: 1 }, stub.connect).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(RabbitConnectError);
    expect((error as Error).message).toMatch(/amqp:\/\/guest@127\.0\.0\.1:1\/ failed: .*ECONNREFUSED/);
  });

  it('gives up a connect when the pool stops (the signal aborts)', async () => {
    const stub = stubContexts('rabbit', 'login');
    const abort = new AbortController();
    const ctx: ConnectContext = { ...stub.connect, signal: abort.signal };
    const connecting = rabbitDriver.connect(OPTIONS, ctx);
    abort.abort(new Error('pool stopping'));
    await expect(connecting).rejects.toThrow();
  });
});
