import { randomUUID } from 'node:crypto';
import { type Bus, connectBus, readEventBatch } from '@trading/bus';
import { type Delivery, type DomainEvent, eventMessage, eventRoutingKeys, exchanges, gatewayReplyKey, SCHEMA_VERSION, topology } from '@trading/contracts';
import { createLogger } from '@trading/platform';
import { testEnv, waitFor } from '@trading/testkit';
import { expect } from 'chai';
import { createDatabase, type Database } from '../src/database.ts';
import { createOutbox, type Outbox } from '../src/outbox.ts';

const logger = createLogger('outbox-test', 'silent');

describe('the outbox publishing events (PostgreSQL and RabbitMQ)', function () {
  this.timeout(20_000);
  let db: Database;
  let bus: Bus;
  let outbox: Outbox;
  const feed: Delivery[] = [];
  const domainEvents: Delivery[] = [];
  const replies: Delivery[] = [];
  const replyKey = gatewayReplyKey(`outbox-test-${randomUUID()}`);

  const deposited = (): DomainEvent => ({ type: 'FundsDeposited', user_id: randomUUID(), at: new Date().toISOString(), amount: '1', available: '1' });
  const reply = () => ({ exchange: exchanges.apiResponse, routingKey: replyKey, messageId: randomUUID(), type: 'Reply', body: {} });
  /** One committed transaction that writes these messages, then publishes them as the services do. */
  const commit = async (messages: Parameters<Outbox['add']>[1]) => outbox.flush(await db.$transaction((tx) => outbox.add(tx, messages)));
  const rowsLeft = async (ids: string[]) =>
    (await db.$queryRawUnsafe<{ n: number }[]>('SELECT count(*)::int AS n FROM trade.outbox WHERE id = ANY($1::uuid[])', ids))[0]?.n;
  const feedOf = (ids: string[]) => feed.filter((d) => readEventBatch(d).some((entry) => ids.includes(entry.id)));

  before(async () => {
    db = createDatabase({ url: testEnv().databaseUrl, poolMax: 2 });
    bus = await connectBus({ url: testEnv().amqpUrl, logger, service: 'outbox-test', topology, prefetch: 50 });
    await bus.consumePrivate([{ exchange: exchanges.events, routingKey: '' }], async (d) => void feed.push(d));
    await bus.consumePrivate([{ exchange: exchanges.domainEvents, routingKey: eventRoutingKeys.FundsDeposited }], async (d) => void domainEvents.push(d));
    await bus.consumePrivate([{ exchange: exchanges.apiResponse, routingKey: replyKey }], async (d) => void replies.push(d));
    outbox = createOutbox({ db, bus, schema: 'trade', logger });
  });
  after(async () => {
    await outbox?.stop();
    await bus?.close();
    await db?.$disconnect();
  });

  it('publishes the event batches of transactions committed together as one message, and every other message on its own', async () => {
    const first = eventMessage(deposited());
    const second = eventMessage(deposited());
    const alongside = reply();
    await Promise.all([commit([first, alongside]), commit([second])]);
    const ids = [first.messageId, second.messageId];

    const [published] = await waitFor(() => (feedOf(ids).length > 0 ? feedOf(ids) : undefined));
    expect(readEventBatch(published!).map((entry) => entry.id)).to.have.members(ids);
    await waitFor(() => replies.find((d) => d.messageId === alongside.messageId));
    await waitFor(async () => ((await rowsLeft([...ids, alongside.messageId])) === 0 ? true : undefined));
    expect(feedOf(ids)).to.have.length(1);
  });

  it('publishes each event on `domain-events` too, on its own under its id, in the current schema version', async () => {
    const event = eventMessage(deposited());
    await commit([event]);
    const [delivered] = await waitFor(() => {
      const found = domainEvents.filter((d) => d.messageId === event.messageId);
      return found.length > 0 ? found : undefined;
    });
    expect(delivered).to.deep.include({ exchange: exchanges.domainEvents, routingKey: 'payment.funds.deposited', schemaVersion: SCHEMA_VERSION });
    expect(delivered?.body).to.deep.equal(event.body);
    const [batch] = await waitFor(() => (feedOf([event.messageId]).length > 0 ? feedOf([event.messageId]) : undefined));
    expect(batch?.schemaVersion).to.equal(SCHEMA_VERSION);
  });

  it('publishes a row that version 1 left behind as schema version 1, which Reporting reads as version 2 names it', async () => {
    const id = randomUUID();
    const userId = randomUUID();
    const facts = { user_id: userId, saga_id: randomUUID(), side: 'BUY', symbol: 'ETH', quantity: '1', price: '3000', notional: '3000' };
    const started = { type: 'SagaStarted', ...facts, at: new Date().toISOString() };
    const body = { type: 'EventBatch', events: [{ id: randomUUID(), routing_key: 'trade.saga.started', event: started }] };
    // As version 1 wrote an outbox row: no headers, so no schema version.
    await db.$executeRawUnsafe(
      `INSERT INTO trade.outbox (slot, id, exchange, routing_key, type, body)
       SELECT (SELECT slot FROM trade.outbox_slot), $1::uuid, $2, '', 'EventBatch', $3::jsonb`,
      id,
      exchanges.events,
      JSON.stringify(body),
    );
    await outbox.sweep(0);
    const delivered = await waitFor(() => feed.find((d) => d.messageId === id));
    expect(delivered.schemaVersion).to.equal(1);
    expect(readEventBatch(delivered).map((entry) => [entry.routing_key, entry.event.type])).to.deep.equal([['trade.order.accepted', 'OrderAccepted']]);
    expect(await rowsLeft([id])).to.equal(0);
  });

  it('publishes the event batches still waiting when it stops', async () => {
    const event = eventMessage(deposited());
    await commit([event]);
    await outbox.stop();
    expect(await rowsLeft([event.messageId])).to.equal(0);
    await waitFor(() => feedOf([event.messageId])[0]);
  });
});
