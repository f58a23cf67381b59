/**
 * Fault scenarios for rabbit pools (publisher confirms on), against the shared broker of the test
 * services behind the fault proxy. Each call publishes its id to a queue of this run and resolves
 * when the broker confirms it; the queue is drained with amqplib to count. The restart fault is
 * left out (see tests/faults/README.md): only a private node may be killed, and one takes 5-15 s
 * to start here.
 */
import { poolToml } from '@outpools/testing';
import { rabbitDriver, type RabbitClient } from '@outpools/driver-rabbit';
import { loadAmqplib } from '../../packages/driver-rabbit/src/load.js';
import type { OwnedBackend } from './harness.js';
import { describeFaults, RABBIT_FAULTS } from './suite.js';

const BROKER = { host: '127.0.0.1', port: 5672, username: 'guest', password: 'guest' } as const;

async function drain(queue: string): Promise<Map<string, number>> {
  const amqp = await loadAmqplib(); // the driver's own amqplib
  const connection = await amqp.connect(`amqp://${BROKER.username}:${BROKER.password}@${BROKER.host}:${BROKER.port}`);
  try {
    const channel = await connection.createChannel();
    const counts = new Map<string, number>();
    const { messageCount } = await channel.checkQueue(queue);
    let received = 0;
    await new Promise<void>((resolve) => {
      if (messageCount === 0) resolve();
      void channel.consume(
        queue,
        (message) => {
          if (message === null) return;
          const id = message.content.toString('utf8');
          counts.set(id, (counts.get(id) ?? 0) + 1);
          received += 1;
          if (received >= messageCount) resolve();
        },
        { noAck: true },
      );
    });
    await channel.deleteQueue(queue);
    return counts;
  } finally {
    await connection.close();
  }
}

async function setup(): Promise<OwnedBackend<RabbitClient>> {
  await loadAmqplib(); // its import time must not count against a connect bound
  let queue = '';
  return {
    name: 'rabbit',
    driver: rabbitDriver,
    target: { port: BROKER.port },
    toml: (tag, port, pool) =>
      poolToml('rabbit', tag, pool, {
        host: BROKER.host,
        port,
        username: BROKER.username,
        password: BROKER.password,
        confirms_enabled: true,
      }),
    client: (pools, tag) => pools.get(rabbitDriver, 'global', tag),
    async prepare(client) {
      queue = `outpools-faults-${process.pid}-${Date.now().toString(36)}`;
      await client.declareQueue(queue, { durable: false });
    },
    write: (client, id) => client.publish('', queue, id),
    counts: () => drain(queue),
  };
}

describeFaults('rabbit', setup, RABBIT_FAULTS);
