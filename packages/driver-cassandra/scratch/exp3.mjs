import cassandra from 'cassandra-driver';
const c = new cassandra.Client({ contactPoints: ['127.0.0.1:19042'], localDataCenter: 'datacenter1', authProvider: new cassandra.auth.PlainTextAuthProvider('cassandra', 'cassandra') });
await c.connect();
await c.execute("ALTER ROLE outpools WITH PASSWORD = 'outpools-cql-test-pw-7f3a'");
console.log((await c.execute("SELECT salted_hash FROM system_auth.roles WHERE role = 'outpools'")).rows[0].salted_hash.slice(0, 8));
await c.shutdown();
