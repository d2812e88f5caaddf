import { randomUUID } from 'node:crypto';
import { brokerUsers, type Delivery, exchanges, partitionQueues, queues, topology } from '@trading/contracts';
import { createLogger, PoisonMessageError } from '@trading/platform';
import { serviceAmqpUrl, testEnv, waitFor } from '@trading/testkit';
import { expect } from 'chai';
import { type Bus, connectBus } from '../src/index.ts';
import { brokerAnswer, PRECONDITION_FAILED, publishOne } from './support/brokerAnswer.ts';

const logger = createLogger('identity-test', 'silent');

describe("the publisher's identity on every message", () => {
  const buses: Bus[] = [];
  const connect = async (url: string, service: string) => {
    const bus = await connectBus({ url, logger, service, topology, prefetch: 10, maxAttempts: 1 });
    buses.push(bus);
    return bus;
  };
  afterEach(async () => {
    await Promise.all(buses.splice(0).map((bus) => bus.close()));
  });

  it('the broker refuses a message whose user-id is not its connection’s user', async () => {
    // Bound to no queue: the broker checks the user-id before it routes, and no service is left this message.
    const publish = (userId: string) => brokerAnswer('gateway', (channel) => publishOne(channel, exchanges.payment, 'nobody.identity-test', { userId }));
    expect(await publish(brokerUsers.trade)).to.equal(PRECONDITION_FAILED);
    expect(await publish(brokerUsers.gateway)).to.equal(0);
  });

  it("a delivery carries the publisher's broker user", async () => {
    const admin = await connect(testEnv().amqpUrl, 'identity-test');
    const received: Delivery[] = [];
    await admin.consumePrivate([{ exchange: exchanges.paymentResponse, routingKey: 'gateway.identity' }], async (d) => {
      received.push(d);
    });
    const payment = await connect(serviceAmqpUrl(testEnv(), 'payment'), 'payment');
    const messageId = randomUUID();
    await payment.publish({ exchange: exchanges.paymentResponse, routingKey: 'gateway.identity', messageId, type: 'Ping', body: {} });
    const delivery = await waitFor(() => received.find((d) => d.messageId === messageId));
    expect(delivery.userId).to.equal(brokerUsers.payment);
  });

  it("dead-letters as the consumer's user, keeping the publisher's in x-original-user-id", async () => {
    const poison = randomUUID();
    const trade = await connect(serviceAmqpUrl(testEnv(), 'trade'), 'trade');
    for (const queue of partitionQueues.trade) {
      await trade.consume(queue, async (d) => {
        if (d.messageId === poison) throw new PoisonMessageError('never valid');
      });
    }
    const admin = await connect(testEnv().amqpUrl, 'identity-test');
    const dead: Delivery[] = [];
    await admin.consume(queues.deadLetter, async (d) => {
      dead.push(d);
    });
    const gateway = await connect(serviceAmqpUrl(testEnv(), 'gateway'), 'gateway');
    await gateway.publish({ exchange: exchanges.api, routingKey: 'trade.buy', messageId: poison, type: 'BUY', body: {} });
    const letter = await waitFor(() => dead.find((d) => d.messageId === poison));
    expect(letter.userId).to.equal(brokerUsers.trade);
    expect(letter.headers['x-original-user-id']).to.equal(brokerUsers.gateway);
    expect(letter.headers['x-failed-service']).to.equal('trade');
  });
});
