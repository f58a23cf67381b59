import cassandra from 'cassandra-driver';
import { execFileSync } from 'node:child_process';
const script = '/work/wt/cassandra/scripts/services/slow/cassandra.sh';
const mk = () => new cassandra.Client({
  contactPoints: ['127.0.0.1:19042'], localDataCenter: 'datacenter1',
  authProvider: new cassandra.auth.PlainTextAuthProvider('cassandra', 'cassandra'),
  pooling: { coreConnectionsPerHost: { 0: 1, 1: 1, 2: 0 } },
  isMetadataSyncEnabled: false,
});
const t0 = Date.now();
const c = mk();
c.on('hostDown', (h) => console.log('hostDown', h.address, Date.now() - t0));
c.on('hostUp', (h) => console.log('hostUp', h.address, Date.now() - t0));
await c.connect();
console.log('connected', Date.now() - t0, c.controlConnection.protocolVersion);
console.log((await c.execute('SELECT release_version FROM system.local')).rows[0]);
await c.execute("CREATE ROLE IF NOT EXISTS outpools WITH PASSWORD = 'outpools-test-pw' AND LOGIN = true AND SUPERUSER = true");
console.log(process.getActiveResourcesInfo());
execFileSync(script, ['stop', '--kill'], { stdio: 'inherit' });
console.log('stopped', Date.now() - t0);
try { await c.execute('SELECT release_version FROM system.local'); } catch (e) { console.log('err while down', e.name, e.message); }
execFileSync(script, ['start'], { stdio: 'inherit' });
execFileSync(script, ['wait', '120'], { stdio: 'inherit' });
console.log('server up', Date.now() - t0);
for (;;) {
  try { await c.execute('SELECT release_version FROM system.local'); break; } catch (e) { await new Promise((r) => setTimeout(r, 200)); }
}
console.log('queries again', Date.now() - t0);
await c.shutdown();
console.log('shutdown', Date.now() - t0, process.getActiveResourcesInfo());
const conns = [];
for (const h of c.hosts.values()) console.log('pool conns', h.pool.connections.length, h.pool._opening);
console.log('cc conn', !!c.controlConnection.connection, c.controlConnection.connection?.netClient?.destroyed);
setTimeout(() => { console.log('still alive after 5s', process.getActiveResourcesInfo()); process._getActiveHandles().forEach(h => console.log(h.constructor.name, h.remoteAddress, h.localPort, h.destroyed)); }, 5000).unref();
