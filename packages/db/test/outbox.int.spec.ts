import { randomUUID } from 'node:crypto';
import { type Bus, connectBus, readEventBatch } from '@trading/bus';
import { type Delivery, type DomainEvent, eventMessage, exchanges, gatewayReplyKey, topology } from '@trading/contracts';
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
    await bus.consumePrivate([{ exchange: exchanges.apiResponse, routingKey: replyKey }], async (d) => void replies.push(d));
    outbox = createOutbox({ db, bus, schema: 'trade', logger });
  });
  after(async () => {
    await outbox?.stop();
    await bus?.close();
    await db?.$disconnect();
  });

  it('publishes the event batches of transactions committed together as one message, and every other message on its own', async () => {
    const first = eventMessage(exchanges.events, deposited());
    const second = eventMessage(exchanges.events, deposited());
    const alongside = reply();
    await commit([first, alongside]);
    await commit([second]);
    const ids = [first.messageId, second.messageId];

    const [published] = await waitFor(() => (feedOf(ids).length > 0 ? feedOf(ids) : undefined));
    expect(readEventBatch(published!).map((entry) => entry.id)).to.deep.equal(ids);
    await waitFor(() => replies.find((d) => d.messageId === alongside.messageId));
    await waitFor(async () => ((await rowsLeft([...ids, alongside.messageId])) === 0 ? true : undefined));
    expect(feedOf(ids)).to.have.length(1);
  });

  it('publishes the event batches still waiting when it stops', async () => {
    const event = eventMessage(exchanges.events, deposited());
    await commit([event]);
    await outbox.stop();
    expect(await rowsLeft([event.messageId])).to.equal(0);
    await waitFor(() => feedOf([event.messageId])[0]);
  });
});
