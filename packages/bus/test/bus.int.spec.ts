import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { type Delivery, exchanges, PARTITION_HEADER, partitionQueues, queues, topology } from '@trading/contracts';
import { createLogger, TransientError } from '@trading/platform';
import { rabbitmqctl, testBrokerPasswords, testEnv, waitFor } from '@trading/testkit';
import amqp from 'amqplib';
import { expect } from 'chai';
import { brokerPasswordsFrom, type Bus, connectBus, devBrokerPassword, provisionBroker, toDefinitions } from '../src/index.ts';

const logger = createLogger('bus-test', 'silent');

describe('RabbitMQ bus', () => {
  let bus: Bus;

  beforeEach(async () => {
    bus = await connectBus({ url: testEnv().amqpUrl, logger, service: 'bus-test', topology, prefetch: 10, maxAttempts: 2 });
  });
  afterEach(async () => {
    await bus.close();
  });

  it('infra/rabbitmq/definitions.json is exactly the topology declared in code, with the service users', () => {
    const file = JSON.parse(readFileSync(new URL('../../../infra/rabbitmq/definitions.json', import.meta.url), 'utf8'));
    expect(file).to.deep.equal(toDefinitions(topology, '/', brokerPasswordsFrom({}, devBrokerPassword)));
  });

  it('declares every exchange, queue and binding of the topology on the broker', async () => {
    const listed = await rabbitmqctl('list_queues', '-p', testEnv().vhost, 'name', 'type', 'durable', '--no-table-headers');
    for (const queue of topology.queues) {
      expect(listed).to.match(new RegExp(`^${queue.name}\\s+${queue.arguments['x-queue-type']}\\s+true$`, 'm'));
    }
    const partitions = [...partitionQueues.payment, ...partitionQueues.trade];
    expect(topology.queues.map((q) => q.name).sort()).to.deep.equal([...Object.values(queues), ...partitions].sort());
    const bindings = await rabbitmqctl('list_bindings', '-p', testEnv().vhost, 'source_name', 'destination_name', 'routing_key', '--no-table-headers');
    for (const b of topology.bindings) {
      expect(bindings).to.include(`${b.source}\t${b.destination}\t${b.routingKey}`);
    }
  });

  it('removes the bindings an earlier version declared, when it finds them on the broker', async () => {
    const connection = await amqp.connect(testEnv().amqpUrl);
    const channel = await connection.createChannel();
    for (const b of topology.retiredBindings) {
      if (b.destinationType === 'exchange') await channel.bindExchange(b.destination, b.source, b.routingKey);
      else await channel.bindQueue(b.destination, b.source, b.routingKey);
    }
    await connection.close();
    const listBindings = () => rabbitmqctl('list_bindings', '-p', testEnv().vhost, 'source_name', 'destination_name', 'routing_key', '--no-table-headers');
    expect(await listBindings()).to.include(`${exchanges.paymentResponse}\t${exchanges.events}\tpayment.#`);

    const upgraded = await connectBus({ url: testEnv().amqpUrl, logger, service: 'bus-test', topology, prefetch: 1 });
    await upgraded.close();
    const bindings = await listBindings();
    for (const b of topology.retiredBindings) expect(bindings).to.not.include(`${b.source}\t${b.destination}\t${b.routingKey}`);
  });

  it('replaces the classic reporting.queries an earlier version declared with the quorum queue, bindings included', async () => {
    const connection = await amqp.connect(testEnv().amqpUrl);
    const channel = await connection.createChannel();
    await channel.deleteQueue(queues.reportingQueries);
    await channel.assertQueue(queues.reportingQueries, { durable: true, arguments: { 'x-queue-type': 'classic' } });
    await connection.close();
    const listQueues = () => rabbitmqctl('list_queues', '-p', testEnv().vhost, 'name', 'type', '--no-table-headers');
    expect(await listQueues()).to.match(new RegExp(`^${queues.reportingQueries}\\s+classic$`, 'm'));

    await provisionBroker(testEnv().amqpUrl, testBrokerPasswords);
    expect(await listQueues()).to.match(new RegExp(`^${queues.reportingQueries}\\s+quorum$`, 'm'));
    const bindings = await rabbitmqctl('list_bindings', '-p', testEnv().vhost, 'source_name', 'destination_name', 'routing_key', '--no-table-headers');
    expect(bindings).to.include(`${exchanges.api}\t${queues.reportingQueries}\treporting.*`);
    await provisionBroker(testEnv().amqpUrl, testBrokerPasswords);
    expect(await listQueues(), 'a second provisioning leaves it alone').to.match(new RegExp(`^${queues.reportingQueries}\\s+quorum$`, 'm'));
  });

  it('rejects a publish the broker nacks with a TransientError, so a handler that publishes is retried, not dead-lettered, and publishes on a new channel after it', async () => {
    const queue = `nacking-${randomUUID()}`;
    const connection = await amqp.connect(testEnv().amqpUrl);
    const channel = await connection.createChannel();
    await channel.assertQueue(queue, { durable: false, autoDelete: true, arguments: { 'x-max-length': 0, 'x-overflow': 'reject-publish' } });
    // The vhost's confirm channels: the bus's publish channel (the other buses of this file are closed).
    const confirmChannels = async () =>
      (await rabbitmqctl('list_channels', 'vhost', 'name', 'confirm', '--no-table-headers'))
        .split('\n')
        .map((line) => line.trim().split('\t'))
        .filter(([vhost, , confirm]) => vhost === testEnv().vhost && confirm === 'true')
        .map(([, name]) => name);
    try {
      const before = await confirmChannels();
      expect(before).to.have.length(1);
      const refused = await bus.publish({ exchange: '', routingKey: queue, messageId: randomUUID(), type: 'Test', body: {} }).then(
        () => undefined,
        (err: unknown) => err,
      );
      expect(refused).to.be.instanceOf(TransientError);
      expect((refused as Error).message).to.match(/nacked/);
      // A RabbitMQ 3.10 channel can keep nacking a quorum queue after its leader died (renewPublishChannel): the next
      // publishes go on a new channel, and the old one is closed once it has settled what it held.
      await waitFor(async () => {
        const after = await confirmChannels();
        return after.length === 1 && after[0] !== before[0] ? after : undefined;
      }, 10_000);
      await channel.assertQueue(`${queue}-open`, { durable: false });
      await bus.publish({ exchange: '', routingKey: `${queue}-open`, messageId: randomUUID(), type: 'Test', body: {} });
    } finally {
      await channel.deleteQueue(`${queue}-open`);
      await channel.deleteQueue(queue);
      await connection.close();
    }
  });

  it('delivers a confirmed persistent message to its consumer, which acks it', async () => {
    const received: Delivery[] = [];
    await bus.consumePrivate([{ exchange: exchanges.apiResponse, routingKey: 'gateway.bus-test' }], async (d) => {
      received.push(d);
    });
    const messageId = randomUUID();
    await bus.publish({ exchange: exchanges.apiResponse, routingKey: 'gateway.bus-test', messageId, type: 'Ping', body: { n: 1 }, correlationId: 'c-1' });
    const delivery = await waitFor(() => received[0]);
    expect(delivery).to.include({ messageId, type: 'Ping', correlationId: 'c-1' });
    expect(delivery.body).to.deep.equal({ n: 1 });
  });

  it('routes every message of one user to one partition, whichever exchange it comes by, and spreads the users', async () => {
    const seen = new Map<string, Set<string>>();
    const handler = (queue: string) => async (d: Delivery) => {
      const key = String(d.headers[PARTITION_HEADER]);
      seen.set(key, (seen.get(key) ?? new Set()).add(queue));
    };
    for (const queue of partitionQueues.payment) await bus.consume(queue, handler(queue));
    const users = Array.from({ length: 40 }, () => randomUUID());
    for (const user_id of users) {
      await bus.publish({ exchange: exchanges.payment, routingKey: 'payment.deposit', messageId: randomUUID(), type: 'DEPOSIT', body: { user_id } });
      await bus.publish({ exchange: exchanges.payment, routingKey: 'payment.withdraw', messageId: randomUUID(), type: 'WITHDRAW', body: { user_id } });
      const at = new Date().toISOString();
      const event = { type: 'OrderAccepted', user_id, at };
      await bus.publish({ exchange: exchanges.domainEvents, routingKey: 'trade.order.accepted', messageId: randomUUID(), type: 'OrderAccepted', body: event });
    }
    await waitFor(() => (users.every((u) => seen.has(u)) ? true : undefined));
    await new Promise((r) => setTimeout(r, 300));
    for (const user of users) expect([...seen.get(user)!], user).to.have.length(1);
    const used = new Set(users.map((u) => [...seen.get(u)!][0]));
    expect(used.size, 'partitions that received some user').to.be.greaterThan(4);
  });

  it('dead-letters a message whose handler keeps failing, with the reason, after the allowed attempts', async () => {
    const poison = randomUUID();
    let attempts = 0;
    for (const queue of partitionQueues.payment) {
      await bus.consume(queue, async (d) => {
        if (d.messageId === poison) {
          attempts += 1;
          throw new Error('handler exploded');
        }
      });
    }
    const dead: Delivery[] = [];
    await bus.consume(queues.deadLetter, async (d) => {
      dead.push(d);
    });
    await bus.publish({ exchange: exchanges.payment, routingKey: 'payment.deposit', messageId: poison, type: 'DEPOSIT', body: {} });
    const letter = await waitFor(() => dead.find((d) => d.messageId === poison));
    expect(attempts).to.equal(2);
    expect(letter.headers['x-error']).to.equal('handler exploded');
    expect(partitionQueues.payment).to.include(letter.headers['x-failed-queue']);
  });

  it('keeps a message through transient failures, however many, and never dead-letters it for them', async () => {
    const id = randomUUID();
    let calls = 0;
    const handled: string[] = [];
    for (const queue of partitionQueues.trade) {
      await bus.consume(queue, async (d) => {
        if (d.messageId !== id) return;
        calls += 1;
        if (calls <= 4) throw new TransientError('database unavailable');
        handled.push(String(d.messageId));
      });
    }
    const dead: Delivery[] = [];
    await bus.consume(queues.deadLetter, async (d) => {
      dead.push(d);
    });
    await bus.publish({ exchange: exchanges.api, routingKey: 'trade.buy', messageId: id, type: 'BUY', body: {} });
    await waitFor(() => (handled.includes(id) ? true : undefined));
    expect(calls).to.equal(5);
    expect(dead.find((d) => d.messageId === id)).to.equal(undefined);
  });

  it('recovers by itself after the broker closes every connection, and tells its reconnect listeners once', async () => {
    let reconnects = 0;
    bus.onReconnect(() => void (reconnects += 1));
    const received: string[] = [];
    await bus.consumePrivate([{ exchange: exchanges.paymentResponse, routingKey: 'gateway.recover' }], async (d) => {
      received.push(String(d.messageId));
    });
    await rabbitmqctl('close_all_connections', '--vhost', testEnv().vhost, 'test: broker closes connections');
    const messageId = randomUUID();
    await waitFor(() => (bus.connected ? true : undefined));
    await bus.publish({ exchange: exchanges.paymentResponse, routingKey: 'gateway.recover', messageId, type: 'Ping', body: {} });
    await waitFor(() => (received.includes(messageId) ? true : undefined));
    expect(reconnects).to.equal(1);
  });
});
