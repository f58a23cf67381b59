import { describe, expect, it } from 'vitest';
import { Socket } from 'node:net';
import * as ldapts from 'ldapts';
import { Client } from 'ldapts';
import { LdapConnection } from '../src/connection.js';
import { MessageTable, useMessageTable } from '../src/message-table.js';

/** A small deterministic generator (xorshift), so a failing sequence can be replayed. */
function generator(seed: number): () => number {
  let x = seed;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 0x1_0000_0000;
  };
}

/** Every entry of the table, as a sorted list. */
function contents<V>(table: MessageTable<V>): [string, V][] {
  return [...table.entries()].sort(([a], [b]) => a.localeCompare(b));
}

describe('MessageTable (an ldapts client requests in flight)', () => {
  it('sets, gets, replaces and deletes by message id', () => {
    const table = new MessageTable<string>();
    expect(table.get('1')).toBeUndefined();
    table.set('1', 'one').set('2', 'two');
    expect(table.get('1')).toBe('one');
    expect(table.get('2')).toBe('two');
    expect(table.size).toBe(2);
    table.set('1', 'uno');
    expect(table.get('1')).toBe('uno');
    expect(table.size).toBe(2);
    expect(table.delete('1')).toBe(true);
    expect(table.delete('1')).toBe(false);
    expect(table.get('1')).toBeUndefined();
    expect(table.get('2')).toBe('two');
    expect(table.size).toBe(1);
  });

  it('agrees with a Map over a long run of consecutive ids answered out of order, with stale entries and growth', () => {
    const random = generator(0x2545f491);
    const table = new MessageTable<number>();
    const reference = new Map<string, number>();
    const inFlight: string[] = [];
    // Near the top of the id range and across it: the client's ids wrap back to 1 after 2^31 - 1.
    let id = 0x7fffffff - 5000;
    for (let step = 0; step < 40_000; step++) {
      const key = String(id);
      id = id === 0x7fffffff ? 1 : id + 1;
      table.set(key, step);
      reference.set(key, step);
      inFlight.push(key);
      // Up to ~40 in flight, answered in random order; one request in 500 is never answered.
      while (inFlight.length > 1 + Math.floor(random() * 40)) {
        const at = Math.floor(random() * inFlight.length);
        const done = inFlight[at]!;
        inFlight[at] = inFlight[inFlight.length - 1]!;
        inFlight.pop();
        if (random() < 0.002) continue;
        if (table.get(done) !== reference.get(done)) expect.fail(`step ${step}: ${done} read wrong`);
        if (table.delete(done) !== reference.delete(done)) expect.fail(`step ${step}: ${done} deleted wrong`);
      }
      if (step % 997 === 0) {
        expect(table.size).toBe(reference.size);
        for (const [k, v] of reference) if (table.get(k) !== v) expect.fail(`step ${step}: ${k} lost`);
      }
    }
    expect(table.size).toBe(reference.size);
    expect(contents(table)).toEqual([...reference].sort(([a], [b]) => a.localeCompare(b)));
    for (const key of [...reference.keys()]) expect(table.delete(key)).toBe(true);
    expect(table.size).toBe(0);
    expect([...table.entries()]).toEqual([]);
  });

  it('keeps keys that are not canonical ids apart, without confusing them with ids', () => {
    const table = new MessageTable<string>();
    table.set('7', 'seven');
    for (const key of ['007', '', 'abc', '-7', '7.0', ' 7', '2147483648', '99999999999']) {
      expect(table.get(key), key).toBeUndefined();
      table.set(key, `other ${key}`);
      expect(table.get(key), key).toBe(`other ${key}`);
    }
    expect(table.get('7')).toBe('seven');
    expect(table.get('2147483647')).toBeUndefined();
    expect(table.size).toBe(9);
    expect(table.delete('007')).toBe(true);
    expect(table.get('7')).toBe('seven');
    expect(table.size).toBe(8);
  });

  it('lets the client delete entries while it iterates (as when its socket closes)', () => {
    const table = new MessageTable<string>();
    for (let i = 1; i <= 50; i++) table.set(String(i), `m${i}`);
    table.set('x', 'other');
    const seen: string[] = [];
    for (const [key, value] of table.entries()) {
      seen.push(value);
      table.delete(key);
      // Deleting an entry not reached yet: it is skipped.
      if (key === '10') table.delete('11');
    }
    expect(seen).toHaveLength(50);
    expect(seen).not.toContain('m11');
    expect(seen).toContain('other');
    expect(table.size).toBe(0);
  });

  it('is installed on a fresh ldapts client, and leaves any other table alone', () => {
    const client = new Client({ url: 'ldap://127.0.0.1:1' });
    useMessageTable(client);
    const installed = (client as unknown as { messageDetailsByMessageId: unknown }).messageDetailsByMessageId;
    expect(installed).toBeInstanceOf(MessageTable);

    const busy = new Client({ url: 'ldap://127.0.0.1:1' });
    const map = (busy as unknown as { messageDetailsByMessageId: Map<string, unknown> }).messageDetailsByMessageId;
    map.set('1', {});
    useMessageTable(busy);
    expect((busy as unknown as { messageDetailsByMessageId: unknown }).messageDetailsByMessageId).toBe(map);

    const other = { messageDetailsByMessageId: 'not a map' };
    useMessageTable(other);
    expect(other.messageDetailsByMessageId).toBe('not a map');
  });

  it("is what a pooled connection's ldapts client keeps its requests in", async () => {
    const socket = new Socket();
    const connection = new LdapConnection(ldapts, socket, '127.0.0.1', '127.0.0.1:389', { dn: '', password: '' });
    let table: unknown;
    await connection.run({ onAbort: () => undefined }, 'inspect', async (client) => {
      table = (client as unknown as { messageDetailsByMessageId: unknown }).messageDetailsByMessageId;
    });
    connection.destroy();
    expect(table).toBeInstanceOf(MessageTable);
  });
});
