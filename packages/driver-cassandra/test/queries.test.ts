import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Pools } from '@outpools/core';
import { CassandraQueryError, type CassandraClient } from '@outpools/driver-cassandra';
import { cassandraToml, clientOf, startPools } from './helpers/pools.js';
import { CONNECTION, KEYSPACE, useCassandra } from './helpers/server.js';

useCassandra();

describe('cassandra statements through a pool (live)', () => {
  let pools: Pools;
  let db: CassandraClient;

  beforeAll(async () => {
    ({ pools } = await startPools(cassandraToml('queries', { workers: 3 })));
    db = clientOf(pools, 'queries');
    await db.execute('DROP TABLE IF EXISTS users', [], { prepare: false });
    await db.execute('CREATE TABLE users (id int PRIMARY KEY, name text, tags set<text>)', [], { prepare: false });
    await db.execute('DROP TABLE IF EXISTS events', [], { prepare: false });
    await db.execute('CREATE TABLE events (day text, seq int, what text, PRIMARY KEY (day, seq))', [], {
      prepare: false,
    });
    await db.execute('DROP TABLE IF EXISTS hits', [], { prepare: false });
    await db.execute('CREATE TABLE hits (page text PRIMARY KEY, n counter)', [], { prepare: false });
  }, 240_000);
  afterAll(async () => {
    await pools?.stop();
  });

  it('starts 3 workers, each a client with one connection to the node, in the configured keyspace', async () => {
    expect(pools.stats()[0]?.workers).toMatchObject({ live: 3, total: 3 });
    const pool = pools.pool('cassandra', 'global', 'queries');
    const seen = new Set<unknown>();
    for (let i = 0; i < 12; i += 1) {
      const c = await pool.run((connection) => connection);
      seen.add(c);
      const hosts = (
        c as { client: { hosts: { values(): Array<{ pool: { connections: unknown[] } }> } } }
      ).client.hosts.values();
      expect(hosts.map((h) => h.pool.connections.length)).toEqual([1]);
      expect((c as { client: { keyspace: string } }).client.keyspace).toBe(KEYSPACE);
    }
    // Three calls held at once: the least-loaded pick spreads them over the three workers (sequential calls
    // find every worker idle, and best_worker breaks that tie at random).
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const entered: unknown[] = [];
    const held = Array.from({ length: 3 }, () =>
      pool.run(async (connection) => {
        entered.push(connection);
        if (entered.length === 3) release();
        await gate;
        return connection;
      }),
    );
    for (const c of await Promise.all(held)) seen.add(c);
    expect(new Set(entered).size).toBe(3);
    expect(seen.size).toBe(3);
  });

  it('creates a keyspace and a table, and a pool works in the new keyspace', async () => {
    const ks = 'outpools_created';
    await db.execute(`DROP KEYSPACE IF EXISTS ${ks}`, [], { prepare: false });
    await db.execute(
      `CREATE KEYSPACE ${ks} WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}`,
      [],
      { prepare: false },
    );
    await db.execute(`CREATE TABLE ${ks}.kv (k text PRIMARY KEY, v text)`, [], { prepare: false });
    const { pools: other, report } = await startPools(
      cassandraToml('created', { workers: 1 }, { ...CONNECTION, keyspace: ks }),
    );
    try {
      expect(report.ok).toBe(true);
      const kv = clientOf(other, 'created');
      await kv.execute('INSERT INTO kv (k, v) VALUES (?, ?)', ['a', 'b']);
      expect((await kv.execute<{ v: string }>('SELECT v FROM kv WHERE k = ?', ['a'])).first()?.v).toBe('b');
    } finally {
      await other.stop();
      await db.execute(`DROP KEYSPACE ${ks}`, [], { prepare: false });
    }
  });

  it('runs prepared statements with positional and named values, collections included', async () => {
    await db.execute('INSERT INTO users (id, name, tags) VALUES (?, ?, ?)', [1, 'ada', ['math', 'engines']]);
    await db.execute('INSERT INTO users (id, name) VALUES (:id, :name)', { id: 2, name: 'grace' });
    const ada = await db.execute<{ name: string; tags: string[] }>('SELECT name, tags FROM users WHERE id = ?', [1]);
    expect(ada.rowLength).toBe(1);
    expect(ada.first()?.name).toBe('ada');
    expect([...(ada.first()?.tags ?? [])].sort()).toEqual(['engines', 'math']);
    expect(ada.columns?.map((c) => c.name)).toEqual(['name', 'tags']);
    // The same statement again from many callers: every worker prepares it once and reuses it.
    const names = await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        db.execute<{ name: string }>('SELECT name FROM users WHERE id = ?', [1 + (i % 2)]),
      ),
    );
    expect(names.map((r) => r.first()?.name)).toEqual(
      Array.from({ length: 30 }, (_, i) => (i % 2 === 0 ? 'ada' : 'grace')),
    );
  });

  it('applies the consistency level of each call', async () => {
    const one = await db.execute('SELECT name FROM users WHERE id = ?', [1], { consistency: 'one' });
    expect(one.info.achievedConsistency).toBe(1);
    const all = await db.execute('SELECT name FROM users WHERE id = ?', [1], { consistency: 'all' });
    expect(all.info.achievedConsistency).toBe(5);
    // A single node cannot serve TWO replicas: the server says "unavailable" (0x1000).
    const error = await db
      .execute('SELECT name FROM users WHERE id = ?', [1], { consistency: 'two' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CassandraQueryError);
    expect(error).toMatchObject({ code: 'OUTPOOLS_CASSANDRA_QUERY', serverCode: 0x1000 });
  });

  it('rejects a bad statement with a coded error carrying the server code, and keeps the worker live', async () => {
    const error = await db.execute('SELEC nonsense').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CassandraQueryError);
    expect(error).toMatchObject({ serverCode: 0x2000 });
    expect((error as Error).cause).toBeDefined();
    const missing = await db.execute('SELECT * FROM no_such_table').catch((e: unknown) => e);
    expect(missing).toMatchObject({ code: 'OUTPOOLS_CASSANDRA_QUERY', serverCode: 0x2200 });
    expect(pools.stats()[0]?.workers.live).toBe(3);
  });

  it('runs logged, unlogged and counter batches', async () => {
    await db.batch(
      [
        { query: 'INSERT INTO users (id, name) VALUES (?, ?)', params: [10, 'ten'] },
        { query: 'INSERT INTO users (id, name) VALUES (?, ?)', params: [11, 'eleven'] },
        "UPDATE users SET name = 'twelve' WHERE id = 12",
      ],
      { consistency: 'quorum' },
    );
    await db.batch([{ query: 'DELETE FROM users WHERE id = ?', params: [11] }], { logged: false });
    const rows = await Promise.all(
      [10, 11, 12].map((id) => db.execute<{ name: string }>('SELECT name FROM users WHERE id = ?', [id])),
    );
    expect(rows.map((r) => r.first()?.name ?? null)).toEqual(['ten', null, 'twelve']);
    await db.batch(
      [
        { query: 'UPDATE hits SET n = n + ? WHERE page = ?', params: [2, '/'] },
        { query: 'UPDATE hits SET n = n + ? WHERE page = ?', params: [3, '/'] },
      ],
      { counter: true },
    );
    const hits = await db.execute<{ n: { toNumber(): number } }>('SELECT n FROM hits WHERE page = ?', ['/']);
    expect(hits.first()?.n.toNumber()).toBe(5);
    // A counter update in a logged batch is refused by the server: the batch kind is really sent.
    await expect(
      db.batch([{ query: 'UPDATE hits SET n = n + ? WHERE page = ?', params: [1, '/'] }]),
    ).rejects.toBeInstanceOf(CassandraQueryError);
  });

  it('pages with fetchSize and pageState, and with the pages() and rows() async iterators', async () => {
    const day = '2026-11-30';
    await Promise.all(
      Array.from({ length: 25 }, (_, seq) =>
        db.execute('INSERT INTO events (day, seq, what) VALUES (?, ?, ?)', [day, seq, `e${seq}`]),
      ),
    );
    const cql = 'SELECT seq FROM events WHERE day = ?';
    const first = await db.execute<{ seq: number }>(cql, [day], { fetchSize: 10 });
    expect(first.rows.map((r) => r.seq)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(typeof first.pageState).toBe('string');
    const second = await db.execute<{ seq: number }>(cql, [day], { fetchSize: 10, pageState: first.pageState! });
    expect(second.rows.map((r) => r.seq)).toEqual([10, 11, 12, 13, 14, 15, 16, 17, 18, 19]);

    const sizes: number[] = [];
    for await (const page of db.pages<{ seq: number }>(cql, [day], { fetchSize: 10 })) sizes.push(page.rowLength);
    expect(sizes).toEqual([10, 10, 5]);

    const seqs: number[] = [];
    for await (const row of db.rows<{ seq: number }>(cql, [day], { fetchSize: 7, consistency: 'one' }))
      seqs.push(row.seq);
    expect(seqs).toEqual(Array.from({ length: 25 }, (_, i) => i));

    // Leaving a loop early stops fetching.
    let read = 0;
    for await (const _row of db.rows(cql, [day], { fetchSize: 5 })) if (++read === 3) break;
    expect(read).toBe(3);
  });

  it('answers the health check with the node version', async () => {
    const health = await pools.health();
    expect(health[0]).toMatchObject({ ok: true });
    const pool = pools.pool('cassandra', 'global', 'queries');
    const { cassandraDriver } = await import('@outpools/driver-cassandra');
    const version = await pool.run((c, ctx) => cassandraDriver.ping(c as never, ctx));
    expect(version).toMatch(/^5\.0\./);
  });

  it('routes calls with the same hashKey to the same worker', async () => {
    const pool = pools.pool('cassandra', 'global', 'queries');
    const seen = new Set<unknown>();
    for (let i = 0; i < 6; i += 1) seen.add(await pool.run((c) => c, { hashKey: 'user:1' }));
    expect(seen.size).toBe(1);
    await expect(db.execute('SELECT name FROM users WHERE id = ?', [1], { hashKey: 'user:1' })).resolves.toBeDefined();
  });
});
