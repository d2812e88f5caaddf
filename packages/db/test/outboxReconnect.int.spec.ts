import { randomUUID } from 'node:crypto';
import { exchanges, gatewayReplyKey, type OutgoingMessage } from '@trading/contracts';
import { createLogger } from '@trading/platform';
import { testEnv, waitFor } from '@trading/testkit';
import { expect } from 'chai';
import { createDatabase, type Database } from '../src/database.ts';
import { createOutbox, type Outbox } from '../src/outbox.ts';

const logger = createLogger('outbox-test', 'silent');

/**
 * The bus as the outbox sees it through a broker outage: while `down`, a publish fails as one does when the connection
 * goes (its confirm lost); `held` publishes wait until the test lets them go; `reconnect` tells the outbox the
 * connection is back, as the bus does once its channels are open again.
 */
function outageBus() {
  const published: OutgoingMessage[] = [];
  const listeners: Array<() => void> = [];
  const held = new Set<string>();
  const release: Array<() => void> = [];
  const state = { down: false };
  return {
    published,
    state,
    held,
    releaseAll: () => {
      for (const go of release.splice(0)) go();
    },
    reconnect: () => {
      for (const listener of listeners) listener();
    },
    bus: {
      publish(message: OutgoingMessage): Promise<void> {
        if (state.down) return Promise.reject(new Error('channel closed'));
        if (held.has(message.messageId)) return new Promise((resolve) => release.push(() => resolve(void published.push(message))));
        published.push(message);
        return Promise.resolve();
      },
      onReconnect: (listener: () => void) => void listeners.push(listener),
    },
  };
}

describe('the outbox across a broker outage', function () {
  this.timeout(20_000);
  let db: Database;
  let outbox: Outbox;
  let broker: ReturnType<typeof outageBus>;
  const replyKey = gatewayReplyKey(`outbox-test-${randomUUID()}`);
  const reply = (): OutgoingMessage => ({ exchange: exchanges.apiResponse, routingKey: replyKey, messageId: randomUUID(), type: 'Reply', body: {} });
  const commit = async (messages: OutgoingMessage[]) => outbox.flush(await db.$transaction((tx) => outbox.add(tx, messages)));
  const rowsLeft = async (ids: string[]) =>
    (await db.$queryRawUnsafe<{ n: number }[]>('SELECT count(*)::int AS n FROM payment.outbox WHERE id = ANY($1::uuid[])', ids))[0]?.n;
  const timesPublished = (id: string) => broker.published.filter((m) => m.messageId === id).length;

  beforeEach(async () => {
    db = createDatabase({ url: testEnv().databaseUrl, poolMax: 2 });
    broker = outageBus();
    // The periodic sweep comes only after a minute: what the test sees is the reconnect's doing.
    outbox = createOutbox({ db, bus: broker.bus, schema: 'payment', logger, sweepIntervalMs: 60_000 });
    outbox.start();
    await new Promise((resolve) => setTimeout(resolve, 200)); // the start's sweep of what earlier tests left
  });
  afterEach(async () => {
    broker.releaseAll();
    await outbox.stop();
    await db.$disconnect();
  });

  it('publishes the messages whose publish failed in the outage as soon as the broker is back, not at its next sweep', async () => {
    broker.state.down = true;
    const lost = [reply(), reply()];
    await commit(lost);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(broker.published).to.have.length(0);
    broker.state.down = false;
    const back = Date.now();
    broker.reconnect();
    const ids = lost.map((m) => m.messageId);
    await waitFor(async () => ((await rowsLeft(ids)) === 0 ? true : undefined), 5000);
    expect(Date.now() - back, 'ms from the reconnect to the rows published and deleted').to.be.below(2000);
    expect(ids.map(timesPublished)).to.deep.equal([1, 1]);
  });

  it('leaves to its own publish a message still waiting for the broker: it is published once', async () => {
    const waiting = reply();
    broker.held.add(waiting.messageId);
    await commit([waiting]);
    broker.reconnect();
    await new Promise((resolve) => setTimeout(resolve, 500));
    broker.releaseAll();
    await waitFor(async () => ((await rowsLeft([waiting.messageId])) === 0 ? true : undefined), 5000);
    expect(timesPublished(waiting.messageId)).to.equal(1);
  });
});
