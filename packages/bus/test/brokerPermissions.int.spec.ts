import { randomUUID } from 'node:crypto';
import { exchanges, partitionExchanges, partitionQueue, publishesTo, type ServiceName, serviceNames, serviceQueues, topology } from '@trading/contracts';
import { createLogger } from '@trading/platform';
import { rabbitmqctl, serviceAmqpUrl, testBrokerPasswords, testEnv, waitFor } from '@trading/testkit';
import amqp from 'amqplib';
import { expect } from 'chai';
import { connectBus, provisionBroker } from '../src/index.ts';
import { ACCESS_REFUSED, brokerAnswer, publishOne, RESOURCE_LOCKED } from './support/brokerAnswer.ts';

/** Where each service's user may not publish, written out by hand: the proof does not trust brokerPermissions. */
const cannotPublishTo: Record<ServiceName, string[]> = {
  gateway: [exchanges.apiResponse, exchanges.paymentResponse, exchanges.domainEvents, exchanges.events, exchanges.market],
  payment: [exchanges.api, exchanges.payment, exchanges.apiResponse, exchanges.market],
  trade: [exchanges.api, exchanges.paymentResponse, exchanges.market],
  reporting: [exchanges.api, exchanges.payment, exchanges.paymentResponse, exchanges.domainEvents, exchanges.events, exchanges.market],
  market: [exchanges.api, exchanges.payment, exchanges.apiResponse, exchanges.paymentResponse, exchanges.domainEvents, exchanges.events, exchanges.deadLetter],
};
/** A routing key each service's topic permissions let it publish with on `exchange`. */
const ACCOUNT = 'account.8c7f6b1e-1c1a-4e55-9a51-3f1f3a9d2b10';
const allowedKey = (service: ServiceName, exchange: string): string => {
  if (exchange === exchanges.domainEvents) return `${service}.permissions.tested`;
  if (exchange === exchanges.accounts) return ACCOUNT;
  if (service === 'trade' && exchange === exchanges.payment) return 'payment.reserve_funds';
  return service === 'market' ? 'market.tick.BTC' : 'gateway.permissions-test';
};
const durableQueues = serviceNames.flatMap((s) => serviceQueues[s] ?? []);

describe('each service’s broker user, on least privilege', () => {
  after(async () => {
    // What the publishing checks routed to a queue is nobody's message.
    const connection = await amqp.connect(testEnv().amqpUrl);
    const channel = await connection.createChannel();
    for (const queue of durableQueues) await channel.purgeQueue(queue);
    await connection.close();
  });

  for (const service of serviceNames) {
    const others = durableQueues.filter((q) => !serviceQueues[service].includes(q));
    it(`${service} can neither consume nor purge ${others.join(', ')}`, async () => {
      for (const queue of others) {
        expect(await brokerAnswer(service, (channel) => channel.consume(queue, () => undefined)), `consume ${queue}`).to.equal(ACCESS_REFUSED);
        expect(await brokerAnswer(service, (channel) => channel.purgeQueue(queue)), `purge ${queue}`).to.equal(ACCESS_REFUSED);
      }
    });

    it(`${service} publishes to ${publishesTo[service].join(', ')} and nowhere else`, async () => {
      for (const exchange of publishesTo[service]) {
        expect(await brokerAnswer(service, (channel) => publishOne(channel, exchange, allowedKey(service, exchange))), `publish to ${exchange}`).to.equal(0);
      }
      for (const exchange of cannotPublishTo[service]) {
        expect(await brokerAnswer(service, (channel) => publishOne(channel, exchange, 'x')), `publish to ${exchange}`).to.equal(ACCESS_REFUSED);
      }
    });

    it(`${service} asserts its own part of the topology at connect, with its own user`, async () => {
      const bus = await connectBus({ url: serviceAmqpUrl(testEnv(), service), logger: createLogger('t', 'silent'), service, topology, prefetch: 1 });
      await bus.close();
    });
  }

  it('the gateway cannot publish a saga command to Payment, nor bind to other traffic than its replies', async () => {
    expect(await brokerAnswer('gateway', (channel) => publishOne(channel, exchanges.payment, 'payment.credit_funds'))).to.equal(ACCESS_REFUSED);
    const bindPrivate = (key: string) => async (channel: Parameters<Parameters<typeof brokerAnswer>[1]>[0]) => {
      const { queue } = await channel.assertQueue(`gateway.perm-${randomUUID()}`, { exclusive: true });
      await channel.bindQueue(queue, exchanges.paymentResponse, key);
    };
    expect(await brokerAnswer('gateway', bindPrivate('gateway.b0e1'))).to.equal(0);
    expect(await brokerAnswer('gateway', bindPrivate('payment.credential.revoked'))).to.equal(0);
    expect(await brokerAnswer('gateway', bindPrivate('payment.funds.#'))).to.equal(ACCESS_REFUSED);
    expect(await brokerAnswer('gateway', bindPrivate('gateway.*'))).to.equal(ACCESS_REFUSED);
  });

  it('a gateway instance consumes on its own queue gateway.<instance>, which no other connection may consume, and declares it again after a reconnect', async () => {
    const name = `gateway.perm-${randomUUID()}`;
    const bus = await connectBus({ url: serviceAmqpUrl(testEnv(), 'gateway'), logger: createLogger('t', 'silent'), service: 'gateway', topology, prefetch: 1 });
    try {
      const received: string[] = [];
      await bus.consumePrivate([{ exchange: exchanges.apiResponse, routingKey: name }], async (d) => void received.push(String(d.messageId)), { name });
      const listed = () => rabbitmqctl('list_queues', '-p', testEnv().vhost, 'name', 'exclusive', 'auto_delete', '--no-table-headers');
      expect(await listed()).to.match(new RegExp(`^${name.replaceAll('.', '\\.')}\\s+true\\s+true$`, 'm'));
      expect(await brokerAnswer('gateway', (channel) => channel.consume(name, () => undefined)), 'another gateway connection').to.equal(RESOURCE_LOCKED);
      expect(await brokerAnswer('payment', (channel) => channel.consume(name, () => undefined)), 'another service').to.equal(ACCESS_REFUSED);
      // A gateway's user may not declare a server-named queue any more, nor a queue named otherwise.
      expect(await brokerAnswer('gateway', (channel) => channel.assertQueue('', { exclusive: true }))).to.equal(ACCESS_REFUSED);
      expect(await brokerAnswer('gateway', (channel) => channel.assertQueue('payment.mine', { exclusive: true }))).to.equal(ACCESS_REFUSED);

      await rabbitmqctl('close_all_connections', '--vhost', testEnv().vhost, 'test: the gateway loses its connection');
      await waitFor(() => (bus.connected ? true : undefined));
      const admin = await connectBus({ url: testEnv().amqpUrl, logger: createLogger('t', 'silent'), service: 'test', prefetch: 1 });
      const messageId = randomUUID();
      await admin.publish({ exchange: exchanges.apiResponse, routingKey: name, messageId, type: 'Ping', body: {} });
      await admin.close();
      await waitFor(() => (received.includes(messageId) ? true : undefined));
      expect(await listed()).to.match(new RegExp(`^${name.replaceAll('.', '\\.')}\\s+true\\s+true$`, 'm'));
    } finally {
      await bus.close();
    }
    const gone = await rabbitmqctl('list_queues', '-p', testEnv().vhost, 'name', '--no-table-headers');
    expect(gone.split('\n'), 'the queue once its connection closed').to.not.include(name);
  });

  it('only Payment and Trade announce account changes, each under one account’s key, and a gateway binds one account at a time', async () => {
    for (const service of ['payment', 'trade'] as const) {
      expect(await brokerAnswer(service, (channel) => publishOne(channel, exchanges.accounts, ACCOUNT)), service).to.equal(0);
      expect(await brokerAnswer(service, (channel) => publishOne(channel, exchanges.accounts, 'account.#')), service).to.equal(ACCESS_REFUSED);
    }
    expect(await brokerAnswer('gateway', (channel) => publishOne(channel, exchanges.accounts, ACCOUNT))).to.equal(ACCESS_REFUSED);
    const bindFeeds = (key: string) => async (channel: Parameters<Parameters<typeof brokerAnswer>[1]>[0]) => {
      const { queue } = await channel.assertQueue(`gateway.perm-${randomUUID()}-feeds`, { exclusive: true });
      await channel.bindQueue(queue, exchanges.accounts, key);
    };
    expect(await brokerAnswer('gateway', bindFeeds(ACCOUNT))).to.equal(0);
    for (const key of ['account.*', 'account.#', '#']) expect(await brokerAnswer('gateway', bindFeeds(key)), key).to.equal(ACCESS_REFUSED);
  });

  it('only an event’s producer may announce it on domain-events: Trade cannot say funds were reserved, nor Payment that a trade was recorded', async () => {
    expect(await brokerAnswer('trade', (channel) => publishOne(channel, exchanges.domainEvents, 'trade.trade.recorded'))).to.equal(0);
    expect(await brokerAnswer('trade', (channel) => publishOne(channel, exchanges.domainEvents, 'payment.funds.reserved'))).to.equal(ACCESS_REFUSED);
    expect(await brokerAnswer('payment', (channel) => publishOne(channel, exchanges.domainEvents, 'payment.funds.reserved'))).to.equal(0);
    expect(await brokerAnswer('payment', (channel) => publishOne(channel, exchanges.domainEvents, 'trade.trade.recorded'))).to.equal(ACCESS_REFUSED);
    expect(await brokerAnswer('payment', (channel) => publishOne(channel, exchanges.domainEvents, 'payment.#'))).to.equal(ACCESS_REFUSED);
  });

  it('the market publishes only ticks, market.tick.<SYMBOL>, and can declare no queue', async () => {
    expect(await brokerAnswer('market', (channel) => publishOne(channel, exchanges.market, 'market.tick.XRP'))).to.equal(0);
    expect(await brokerAnswer('market', (channel) => publishOne(channel, exchanges.market, 'market.halt.XRP'))).to.equal(ACCESS_REFUSED);
    expect(await brokerAnswer('market', (channel) => publishOne(channel, exchanges.market, 'market.tick.*'))).to.equal(ACCESS_REFUSED);
    expect(await brokerAnswer('market', (channel) => channel.assertQueue('', { exclusive: true }))).to.equal(ACCESS_REFUSED);
  });

  it('a service cannot bind its queues or its partitions with a key the topology does not give it', async () => {
    expect(await brokerAnswer('trade', (channel) => channel.bindExchange(partitionExchanges.trade, exchanges.api, 'trade.*'))).to.equal(0);
    expect(await brokerAnswer('trade', (channel) => channel.bindExchange(partitionExchanges.trade, exchanges.api, 'reporting.*'))).to.equal(ACCESS_REFUSED);
    expect(await brokerAnswer('trade', (channel) => channel.bindQueue(partitionQueue('trade', 0), exchanges.api, 'reporting.*'))).to.equal(ACCESS_REFUSED);
    expect(await brokerAnswer('trade', (channel) => channel.bindExchange(partitionExchanges.payment, exchanges.api, 'trade.*'))).to.equal(ACCESS_REFUSED);
    expect(await brokerAnswer('payment', (channel) => channel.deleteExchange(partitionExchanges.payment))).to.equal(ACCESS_REFUSED);
  });
});

describe('provisioning the broker', () => {
  const snapshot = async () => {
    const vhost = testEnv().vhost;
    return Promise.all([
      rabbitmqctl('list_permissions', '-p', vhost),
      rabbitmqctl('list_topic_permissions', '-p', vhost),
      rabbitmqctl('list_queues', '-p', vhost, 'name', 'type', 'arguments', '--no-table-headers'),
      rabbitmqctl('list_bindings', '-p', vhost, 'source_name', 'destination_name', 'routing_key', '--no-table-headers'),
    ]).then((listed) => listed.map((text) => text.split('\n').sort().join('\n')));
  };

  it('is idempotent: provisioning again changes nothing and the services still log in', async function () {
    this.timeout(60_000);
    const before = await snapshot();
    await provisionBroker(testEnv().amqpUrl, testBrokerPasswords);
    expect(await snapshot()).to.deep.equal(before);
    for (const service of serviceNames) expect(await brokerAnswer(service, (channel) => channel.checkExchange(exchanges.api))).to.equal(0);
  });
});
