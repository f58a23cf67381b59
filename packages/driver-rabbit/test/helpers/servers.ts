/**
 * The brokers of the rabbit tests: the pre-started one (127.0.0.1:5672, guest/guest, plus the
 * vhost and user `scripts/services/30-rabbit-tls.sh` adds to it) and the private node that
 * script starts (plain 15682, AMQPS 15681), whose app tests stop and start.
 */
import { execFile, execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { connect as amqpConnect, type Channel, type ChannelModel } from 'amqplib';
import { portOpen } from '../../../../tests/helpers/port.js';

const exec = promisify(execFile);

/** What `30-rabbit-tls.sh` writes to its info.json. */
export interface RabbitInfo {
  host: string;
  node: string;
  port: number;
  tlsPort: number;
  username: string;
  password: string;
  vhost: string;
  vhostUser: string;
  vhostPassword: string;
  caFile: string;
  otherCaFile: string;
  selfSignedCertFile: string;
  selfSignedKeyFile: string;
  otherHostCertFile: string;
  otherHostKeyFile: string;
}

const INFO = '/tmp/outpools-services/rabbit-tls/info.json';
const SCRIPT = fileURLToPath(new URL('../../../../scripts/services/30-rabbit-tls.sh', import.meta.url));

/** The default broker. */
export const DEFAULT_BROKER = { host: '127.0.0.1', port: 5672, username: 'guest', password: 'guest' } as const;

/** The private node and the default node's test vhost; runs the (idempotent) service script when needed. */
export async function rabbitInfo(): Promise<RabbitInfo> {
  const up = existsSync(INFO) && (await portOpen(JSON.parse(readFileSync(INFO, 'utf8')).port as number));
  if (!up) execFileSync('bash', [SCRIPT], { stdio: 'ignore' });
  return JSON.parse(readFileSync(INFO, 'utf8')) as RabbitInfo;
}

/** Run rabbitmqctl against the private node (never the default one). */
export async function privateCtl(info: RabbitInfo, ...args: string[]): Promise<string> {
  const { stdout } = await exec('rabbitmqctl', ['-q', '-n', info.node, ...args], { timeout: 60_000 });
  return stdout;
}

/** A direct amqplib connection and channel for a test's own checks (consume, count, clean up). */
export interface Direct {
  readonly model: ChannelModel;
  readonly channel: Channel;
  close(): Promise<void>;
}

/** Open a direct connection (default broker unless told). */
export async function direct(
  target: { port?: number; username?: string; password?: string; vhost?: string } = {},
): Promise<Direct> {
  const model = await amqpConnect({
    protocol: 'amqp',
    hostname: '127.0.0.1',
    port: target.port ?? 5672,
    username: target.username ?? 'guest',
    password: target.password ?? 'guest',
    vhost: target.vhost ?? '/',
  });
  model.on('error', () => undefined);
  const channel = await model.createChannel();
  channel.on('error', () => undefined);
  return {
    model,
    channel,
    async close() {
      await model.close().catch(() => undefined);
    },
  };
}

/** A unique name for this test run. */
export function unique(prefix: string): string {
  return `outpools-test.${prefix}.${process.pid}.${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
}

/** Messages ready in a queue (passive declare). */
export async function messageCount(channel: Channel, queue: string): Promise<number> {
  return (await channel.checkQueue(queue)).messageCount;
}
