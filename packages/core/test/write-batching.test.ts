import { createServer, connect, type Server, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { batchWritesPerTurn, corkForTurn } from '@outpools/core/driver';

const cleanup: (() => void)[] = [];
afterEach(() => {
  for (const close of cleanup.splice(0)) close();
});

/** A connected client socket and everything its server side receives. */
async function socketPair(): Promise<{ client: Socket; received: () => string; closed: Promise<void> }> {
  const chunks: Buffer[] = [];
  let closed!: () => void;
  const whenClosed = new Promise<void>((resolve) => {
    closed = resolve;
  });
  const server: Server = createServer((peer) => {
    peer.on('data', (chunk: Buffer) => chunks.push(chunk));
    peer.on('end', () => closed());
    peer.on('error', () => undefined);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  const client = connect({ host: '127.0.0.1', port });
  await new Promise<void>((resolve) => client.once('connect', resolve));
  cleanup.push(() => {
    client.destroy();
    server.close();
  });
  return { client, received: () => Buffer.concat(chunks).toString(), closed: whenClosed };
}

/** Count the writes the socket hands to the kernel (`_write` for one chunk, `_writev` for several). */
function countSystemWrites(socket: Socket): () => number {
  const internals = socket as unknown as Record<'_write' | '_writev', (...args: unknown[]) => void>;
  let writes = 0;
  for (const name of ['_write', '_writev'] as const) {
    const original = internals[name];
    internals[name] = function (this: Socket, ...args: unknown[]) {
      writes += 1;
      return original.apply(this, args);
    };
  }
  return () => writes;
}

/** Resolves after the current turn's nextTick queue ran. */
const afterTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('write batching per turn of the event loop', () => {
  it('batchWritesPerTurn: the writes of one turn reach the socket in one system write, in order', async () => {
    const { client, received } = await socketPair();
    const writes = countSystemWrites(client);
    batchWritesPerTurn(client);
    for (let i = 0; i < 20; i++) client.write(`${i};`);
    expect(writes()).toBe(0); // held until the turn ends
    await afterTurn();
    expect(writes()).toBe(1);
    client.write('next;');
    await afterTurn();
    expect(writes()).toBe(2);
    const expected = `${Array.from({ length: 20 }, (_, i) => `${i};`).join('')}next;`;
    await expect.poll(received, { timeout: 2000 }).toBe(expected);
  });

  it('without it, each write is its own system write', async () => {
    const { client } = await socketPair();
    const writes = countSystemWrites(client);
    for (let i = 0; i < 20; i++) client.write(`${i};`);
    await afterTurn();
    expect(writes()).toBeGreaterThanOrEqual(19);
  });

  it('corkForTurn leaves a stream corked by someone else alone, and end() still sends what was written', async () => {
    const { client, received, closed } = await socketPair();
    client.cork(); // someone else's cork: corkForTurn must not add its own uncork
    corkForTurn(client);
    expect(client.writableCorked).toBe(1);
    client.uncork();
    corkForTurn(client);
    expect(client.writableCorked).toBe(1);
    client.write('a;');
    client.end('b;'); // end() uncorks
    await closed;
    expect(received()).toBe('a;b;');
    await afterTurn(); // the pending uncork on an ended stream is harmless
    expect(client.writableCorked).toBe(0);
  });
});
