import cassandra from 'cassandra-driver';
const mk = (user, pw) => new cassandra.Client({
  contactPoints: ['127.0.0.1:19042'], keyspace: 'outpools_test',
  authProvider: new cassandra.auth.PlainTextAuthProvider(user, pw),
  pooling: { coreConnectionsPerHost: { 0: 1, 1: 1, 2: 0 } },
  policies: { loadBalancing: new cassandra.policies.loadBalancing.RoundRobinPolicy() },
  isMetadataSyncEnabled: false,
});
for (const n of [1, 4, 7]) {
  const t0 = performance.now();
  const cs = Array.from({ length: n }, () => mk('outpools', 'outpools-cql-test-pw-7f3a'));
  const times = await Promise.all(cs.map(async (c) => { const t = performance.now(); await c.connect(); return Math.round(performance.now() - t); }));
  console.log(n, times, Math.round(performance.now() - t0));
  await Promise.all(cs.map((c) => c.shutdown()));
}
