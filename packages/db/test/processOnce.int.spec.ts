import { randomUUID } from 'node:crypto';
import { type Bus, connectBus } from '@trading/bus';
import { createLogger, metricsRegistry } from '@trading/platform';
import { testEnv } from '@trading/testkit';
import { expect } from 'chai';
import { assertDistinct, batchedStatements, batchedWrite, deferredWrite } from '../src/batching/index.ts';
import { createDatabase, type Database } from '../src/database.ts';
import { createOutbox } from '../src/outbox.ts';
import { createProcessOnce, type OnceSpec, type ProcessOnce } from '../src/batching/processOnce.ts';

const logger = createLogger('db-test', 'silent');

describe('processOnce on a batch of messages (PostgreSQL)', function () {
  this.timeout(20_000);
  let db: Database;
  let bus: Bus;
  let processOnce: ProcessOnce;
  let statements: number;

  /** A store function as the services write them: one batched upsert per round, refusing to change a row twice. */
  const counterStatements = batchedStatements((tx) => ({
    count: batchedWrite(async (counters: readonly string[]) => {
      statements += 1;
      assertDistinct(counters, (id) => id, 'counter');
      await tx.$executeRawUnsafe(
        `INSERT INTO public.process_once_counter (id, n) SELECT id, 1 FROM unnest($1::text[]) AS id
         ON CONFLICT (id) DO UPDATE SET n = process_once_counter.n + 1`,
        counters,
      );
    }),
  }));

  const message = (counter: string, scope: string, key = randomUUID(), hash = 'same request'): OnceSpec<string> => ({
    key,
    hash,
    scope,
    apply: async (tx) => {
      await counterStatements(tx).count(counter);
      return { response: `counted ${counter}`, messages: [] };
    },
    replay: () => [],
    conflict: () => [],
  });

  const counted = async (counter: string): Promise<number> => {
    const [row] = await db.$queryRawUnsafe<{ n: number }[]>('SELECT n FROM public.process_once_counter WHERE id = $1', counter);
    return row?.n ?? 0;
  };

  before(async () => {
    db = createDatabase({ url: testEnv().databaseUrl, poolMax: 4 });
    bus = await connectBus({ url: testEnv().amqpUrl, logger, service: 'db-test', prefetch: 10 });
    await db.$executeRawUnsafe('CREATE TABLE public.process_once_counter (id text PRIMARY KEY, n int NOT NULL)');
    const outbox = createOutbox({ db, bus, schema: 'trade', logger });
    processOnce = createProcessOnce({ db, bus, outbox, schema: 'trade', maxBatch: 50, logger });
  });
  beforeEach(() => {
    statements = 0;
  });
  after(async () => {
    await db?.$executeRawUnsafe('DROP TABLE IF EXISTS public.process_once_counter');
    await bus?.close();
    await db?.$disconnect();
  });

  it('applies the messages it holds at once side by side, their store statement once for the whole batch', async () => {
    const counters = Array.from({ length: 10 }, () => randomUUID());
    await Promise.all(counters.map((counter) => processOnce(message(counter, `user:${counter}`))));
    expect(statements).to.equal(1);
    for (const counter of counters) expect(await counted(counter)).to.equal(1);
  });

  it('runs two messages of one scope in one batch one after another, each deciding on what the one before left', async () => {
    const counter = randomUUID();
    await Promise.all([processOnce(message(counter, 'user:a')), processOnce(message(counter, 'user:a'))]);
    expect(statements, 'one statement each: the second waits for the first').to.equal(2);
    expect(await counted(counter)).to.equal(2);
  });

  it('writes a batch’s deferred items once, after every effect and before the commit, in the order handed over; outside a batch, at once', async () => {
    const runs: string[][] = [];
    const later = deferredWrite(async (tx, items: readonly string[]) => {
      runs.push([...items]);
      await tx.$executeRawUnsafe(
        `INSERT INTO public.process_once_counter (id, n) SELECT id, 1 FROM unnest($1::text[]) AS id`,
        items.map((item) => `deferred-${item}`),
      );
    });
    const handing = (item: string, scope: string): OnceSpec<string> => ({
      ...message(randomUUID(), scope),
      apply: async (tx) => {
        await later(tx, item);
        return { response: item, messages: [] };
      },
    });
    await Promise.all([processOnce(handing('a1', 'user:g')), processOnce(handing('b1', 'user:h')), processOnce(handing('a2', 'user:g'))]);
    expect(runs).to.deep.equal([['a1', 'b1', 'a2']]);
    for (const item of ['a1', 'b1', 'a2']) expect(await counted(`deferred-${item}`)).to.equal(1);
    await later(db, 'alone');
    expect(runs.at(-1)).to.deep.equal(['alone']);
    expect(await counted('deferred-alone')).to.equal(1);
  });

  it('when two messages of different scopes would change one row, runs each alone and applies both once', async () => {
    const counter = randomUUID();
    await Promise.all([processOnce(message(counter, 'user:b')), processOnce(message(counter, 'user:c'))]);
    expect(statements, 'the refused batch statement, then one per message').to.equal(3);
    expect(await counted(counter)).to.equal(2);
  });

  it('applies a key once: a message seen before is answered from the inbox, even inside a later batch, and counted a duplicate', async () => {
    const duplicates = async () => (await metricsRegistry.getSingleMetric('trading_inbox_duplicates_total')?.get())?.values[0]?.value ?? 0;
    const earlier = await duplicates();
    const counter = randomUUID();
    const key = randomUUID();
    await processOnce(message(counter, 'user:d', key));
    await Promise.all([processOnce(message(counter, 'user:d', key)), processOnce(message(randomUUID(), 'user:e'))]);
    expect(await counted(counter)).to.equal(1);
    expect((await duplicates()) - earlier).to.equal(1);
  });

  it('does not apply a reused key with another request', async () => {
    const counter = randomUUID();
    const key = randomUUID();
    await processOnce(message(counter, 'user:f', key, 'first request'));
    await processOnce(message(counter, 'user:f', key, 'another request'));
    expect(await counted(counter)).to.equal(1);
  });
});
