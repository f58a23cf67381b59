// The http benchmark's server: a node:http server on 127.0.0.1 (port 0 or BENCH_HTTP_PORT)
// answering every request with a short text body. Prints `PORT <n>` when listening.
import { createServer } from 'node:http';

const body = Buffer.from('ok');
const server = createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    res.writeHead(200, { 'content-type': 'text/plain', 'content-length': body.length });
    res.end(body);
  });
});
server.keepAliveTimeout = 60_000;
server.listen(Number(process.env.BENCH_HTTP_PORT ?? 0), '127.0.0.1', () => {
  process.stdout.write(`PORT ${server.address().port}\n`);
});
process.on('SIGTERM', () => process.exit(0));
process.on('disconnect', () => process.exit(0));
