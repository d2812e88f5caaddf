import { randomUUID } from 'node:crypto';
import { createLogger } from '@trading/platform';
import { testEnv } from '@trading/testkit';
import amqp from 'amqplib';
import { expect } from 'chai';
import { connectBus } from '../src/index.ts';

const logger = createLogger('bus-setup-test', (process.env.TEST_LOG_LEVEL ?? 'silent') as 'silent');

describe('a bus whose topology the broker refuses', () => {
  it('fails to connect with an error, and the process lives on (no unheard channel error)', async function () {
    this.timeout(20_000);
    // A queue that exists as a quorum queue, declared again as a classic one: the broker closes the channel (406),
    // as it does (404) for a classic queue whose home node of a cluster is down.
    const queue = `setup-refused-${randomUUID()}`;
    const admin = await amqp.connect(testEnv().amqpUrl);
    try {
      await (await admin.createChannel()).assertQueue(queue, { durable: true, arguments: { 'x-queue-type': 'quorum' } });
      const uncaught: Error[] = [];
      const listener = (err: Error) => uncaught.push(err);
      const mochaListeners = process.listeners('uncaughtException');
      process.removeAllListeners('uncaughtException');
      process.on('uncaughtException', listener);
      try {
        const topology = {
          exchanges: [],
          queues: [{ name: queue, durable: true as const, arguments: { 'x-queue-type': 'classic' } }],
          bindings: [],
          retiredBindings: [],
        };
        const connecting = connectBus({ url: testEnv().amqpUrl, logger, service: 'bus-test', topology, prefetch: 1, startAttempts: 1 });
        const failure = await connecting.then(
          (bus) => bus.close().then(() => undefined),
          (err: Error) => err,
        );
        await new Promise((resolve) => setTimeout(resolve, 200));
        expect(uncaught.map((err) => err.message)).to.deep.equal([]);
        expect(failure, 'connectBus rejected').to.be.instanceOf(Error);
      } finally {
        process.removeListener('uncaughtException', listener);
        for (const l of mochaListeners) process.on('uncaughtException', l);
      }
    } finally {
      const channel = await admin.createChannel();
      await channel.deleteQueue(queue);
      await admin.close();
    }
  });
});
