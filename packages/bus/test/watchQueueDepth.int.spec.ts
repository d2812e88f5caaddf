import { randomUUID } from 'node:crypto';
import { Writable } from 'node:stream';
import { createLogger } from '@trading/platform';
import { testEnv, waitFor } from '@trading/testkit';
import amqp from 'amqplib';
import { expect } from 'chai';
import { type Bus, connectBus, watchQueueDepth } from '../src/index.ts';

/** The dead-letter queue's watch, on a queue of its own: its depth logged as it changes, an alarm once past the threshold. */
describe('watchQueueDepth', function () {
  this.timeout(30_000);
  const queue = `depth-test-${randomUUID()}`;
  let bus: Bus;
  let connection: amqp.ChannelModel;
  let channel: amqp.Channel;

  before(async () => {
    bus = await connectBus({ url: testEnv().amqpUrl, logger: createLogger('depth-test', 'silent'), service: 'depth-test', prefetch: 1 });
    connection = await amqp.connect(testEnv().amqpUrl);
    channel = await connection.createChannel();
    await channel.assertQueue(queue, { durable: false, autoDelete: false });
  });
  after(async () => {
    await channel.deleteQueue(queue);
    await connection.close();
    await bus.close();
  });

  it('logs each depth it sees and one alarm when the depth reaches the threshold, until it falls back under it', async () => {
    const lines: { msg: string; depth?: number; level: number }[] = [];
    const sink = new Writable({
      write(chunk, _encoding, done) {
        lines.push(JSON.parse(chunk.toString()));
        done();
      },
    });
    const watch = watchQueueDepth(bus, { queue, alarmDepth: 3, intervalMs: 50, logger: createLogger('depth-test', 'info', sink) });
    try {
      for (let i = 0; i < 4; i += 1) channel.sendToQueue(queue, Buffer.from('x'));
      await waitFor(async () => (lines.some((l) => l.msg.startsWith('ALARM')) ? true : undefined), 10_000);
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(
        lines.filter((l) => l.msg.startsWith('ALARM')),
        'one alarm, however often the depth is read',
      ).to.have.length(1);
      await channel.purgeQueue(queue);
      await waitFor(async () => (lines.some((l) => l.msg.includes('back under')) ? true : undefined), 10_000);
    } finally {
      watch.stop();
    }
    expect(lines.find((l) => l.msg.startsWith('ALARM'))).to.include({ depth: 4, level: 50 });
  });
});
