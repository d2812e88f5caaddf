import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { userInfo } from 'node:os';
import { promisify } from 'node:util';
import { exchanges, REANNOUNCED_HEADER, requestRoutes, SCHEMA_VERSION_HEADER } from '@trading/contracts';
import { TEST_ADMIN_API_KEY, testEnv, useStack, waitFor } from '@trading/testkit';
import { expect } from 'chai';
import { asTrade, available, type DlqHarness, dlq, openHarness, storedDeadLetter, userWith } from './support/dlqHarness.ts';

const run = promisify(execFile);
const ROOT = new URL('../../../', import.meta.url).pathname;

/** `pnpm dlq` as an operator runs it: a process of its own, on the run's database and vhost. `err`: its standard error. */
async function dlqProcess(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  const env = { ...process.env, DATABASE_URL: testEnv().databaseUrl, AMQP_URL: testEnv().amqpUrl };
  try {
    const { stdout, stderr } = await run(`${ROOT}node_modules/.bin/tsx`, [`${ROOT}packages/ops/src/dlq/main.ts`, ...args], { env, timeout: 30_000 });
    return { code: 0, out: stdout, err: stderr };
  } catch (err) {
    const failed = err as { code?: number; stdout?: string; stderr?: string };
    return { code: failed.code ?? -1, out: failed.stdout ?? '', err: failed.stderr ?? '' };
  }
}

const saga = (userId: string) => ({
  saga_id: randomUUID(),
  user_id: userId,
  at: new Date().toISOString(),
  side: 'BUY',
  symbol: 'AAPL',
  quantity: '1',
  price: '40',
  notional: '40',
});

async function auditOf(h: DlqHarness, id: string): Promise<{ actor: string; action: string; request_id: string }[]> {
  return h.db.$queryRawUnsafe('SELECT actor, action, request_id FROM reporting.audit WHERE subject = $1::uuid ORDER BY id', id);
}

describe('dead letters an operator handles (pnpm dlq)', function () {
  this.timeout(120_000);
  const stack = useStack(['payment', 'reporting']);
  let h: DlqHarness;

  before(async () => {
    h = await openHarness();
  });
  after(async () => {
    await h?.close();
  });

  describe('a saga event Payment refused, replayed once its cause is gone', () => {
    let userId: string;
    let facts: ReturnType<typeof saga>;
    let messageId: string;
    let id: string;

    before(async () => {
      userId = await userWith(h, '100');
      facts = saga(userId);
      // The trade reaches Payment before its acceptance: there is no reservation to capture yet.
      messageId = await asTrade(h, { type: 'TradeRecorded', ...facts, trade_id: randomUUID(), fee: '1' });
      id = (await storedDeadLetter(h, messageId)).id;
    });

    it('is listed with its queue, service, error and attempts, stored while no console ran', async () => {
      const { code, out } = await dlq(h, 'list');
      expect(code).to.equal(0);
      const line = out.split('\n').find((l) => l.startsWith(id));
      expect(line, out).to.be.a('string');
      expect(line).to.match(/payment\.commands\.\d\s+payment\s+waiting\s+1\s+/);
      expect(line).to.include('PoisonMessageError: cannot capture saga');
      expect(out.split('\n')[0]).to.match(/^ID\s+QUEUE\s+SERVICE\s+STATE\s+ATTEMPTS\s+FIRST FAILURE\s+LAST FAILURE\s+ERROR$/);
    });

    it('is shown in full: where it was published, its headers, its body as pretty JSON', async () => {
      const { code, out } = await dlq(h, 'show', id);
      expect(code).to.equal(0);
      expect(out).to.include(`message id:     ${messageId}`);
      expect(out).to.include("published to:   exchange 'domain-events', routing key 'trade.trade.recorded'");
      expect(out).to.include('published by:   trading-trade');
      expect(out).to.match(/"x-failed-queue": "payment\.commands\.\d"/);
      expect(out).to.include(`"saga_id": "${facts.saga_id}"`);
    });

    it('is on the dashboard: GET /api/dead-letters lists it to the operator', async () => {
      const res = await fetch(`${stack().reportingUrl}/api/dead-letters`, { headers: { authorization: `Bearer ${TEST_ADMIN_API_KEY}` } });
      expect(res.status).to.equal(200);
      const { dead_letters } = (await res.json()) as { dead_letters: { id: string; failed_queue: string; attempts: number }[] };
      const listed = dead_letters.find((d) => d.id === id);
      expect(listed).to.deep.include({ attempts: 1 });
      expect(listed?.failed_queue).to.match(/^payment\.commands\.\d$/);
    });

    it('replayed from the CLI process once its reservation exists, is applied exactly once', async () => {
      await asTrade(h, { type: 'OrderAccepted', ...facts, reserve: '50' });
      await waitForBalance(h, userId, { amount: '50', reserved: '50' });
      const replayed = await dlqProcess('replay', id);
      expect(replayed, replayed.out + replayed.err).to.include({ code: 0 });
      expect(replayed.out).to.include(`replayed ${id}`);
      // 40 + 1 of the 50 reserved are captured, 9 come back: 59.
      await waitForBalance(h, userId, { amount: '59', reserved: '0' });
      const again = await dlqProcess('replay', id);
      expect(again.code).to.equal(4);
      expect(again.err).to.include('DLQ_ALREADY_REPLAYED');
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(await available(h, userId)).to.deep.equal({ amount: '59', reserved: '0' });
      expect((await dlq(h, 'list')).out).not.to.include(id);
      expect(await auditOf(h, id)).to.deep.equal([{ actor: `operator:${userInfo().username}`, action: 'DEAD_LETTER_REPLAYED', request_id: messageId }]);
    });
  });

  describe('a copy of a DEPOSIT Payment applied already', () => {
    it('replayed, deposits nothing more: the inbox answers it as the first time', async () => {
      const userId = await userWith(h, '100');
      const requestId = randomUUID();
      const deposit = {
        exchange: requestRoutes.DEPOSIT.exchange,
        routingKey: requestRoutes.DEPOSIT.routingKey,
        messageId: randomUUID(),
        type: 'DEPOSIT',
        body: { id: requestId, type: 'DEPOSIT', user_id: userId, amount: '25' },
        correlationId: randomUUID(),
        replyTo: h.raw.replyTo,
        headers: { 'x-principal': 'admin', 'x-request-id': requestId },
      };
      await h.gateway.publish(deposit);
      const [first] = await h.raw.whenReplies(deposit.correlationId, 1);
      expect(first).to.include({ status: 'OK', balance: '125' });
      const id = await withInboxBug(h, requestId, async () => {
        await h.gateway.publish(deposit);
        return (await storedDeadLetter(h, deposit.messageId)).id;
      });
      expect(await dlq(h, 'replay', id)).to.deep.include({ code: 0 });
      const [, again] = await h.raw.whenReplies(deposit.correlationId, 2);
      expect(again).to.deep.equal(first);
      expect(await available(h, userId)).to.deep.equal({ amount: '125', reserved: '0' });
    });
  });

  describe('a copy of a saga event Payment applied already', () => {
    it('replayed, changes nothing: the inbox recognises it', async () => {
      const userId = await userWith(h, '100');
      const facts = saga(userId);
      await asTrade(h, { type: 'OrderAccepted', ...facts, reserve: '50' });
      await waitForBalance(h, userId, { amount: '50', reserved: '50' });
      const trade = { type: 'TradeRecorded' as const, ...facts, trade_id: randomUUID(), fee: '1' };
      const messageId = await asTrade(h, trade);
      await waitForBalance(h, userId, { amount: '59', reserved: '0' });
      const id = await withInboxBug(h, `saga:${facts.saga_id}:CaptureFunds`, async () => {
        await asTrade(h, trade, messageId);
        const stored = await storedDeadLetter(h, messageId);
        expect(stored).to.include({ failed_service: 'payment' });
        expect(stored.failed_queue).to.match(/^payment\.commands\.\d$/);
        expect(stored.error).to.include('test bug');
        return stored.id;
      });
      expect(await dlq(h, 'replay', id)).to.deep.include({ code: 0 });
      // Payment answered the replay from its inbox: the same FundsCaptured again, announced as such, and no new effect.
      const reannounced = await waitFor(() =>
        h.paymentEvents.find((d) => d.type === 'FundsCaptured' && d.correlationId === facts.saga_id && d.headers[REANNOUNCED_HEADER] === 'true'),
      );
      expect(reannounced.body).to.include({ saga_id: facts.saga_id, amount: '41' });
      expect(await available(h, userId)).to.deep.equal({ amount: '59', reserved: '0' });
      const [row] = await h.db.$queryRawUnsafe<{ state: string; attempts: number }[]>(
        'SELECT state, attempts FROM reporting.dead_letter WHERE id = $1::uuid',
        id,
      );
      expect(row).to.deep.equal({ state: 'replayed', attempts: 1 });
    });
  });

  describe('a request of a schema version Payment does not read (3)', () => {
    let id: string;
    let messageId: string;

    before(async () => {
      const userId = await userWith(h, '10');
      messageId = randomUUID();
      await publishVersion3Deposit(h, userId, messageId);
      id = (await storedDeadLetter(h, messageId)).id;
    });

    it('comes back when a replay fails again, attempts counting on, with its schema version kept', async () => {
      expect(await dlq(h, 'replay', id)).to.deep.include({ code: 0 });
      const again = await storedDeadLetter(h, messageId, 2);
      expect(again).to.include({ id, attempts: 2, state: 'waiting' });
      expect(again.error).to.match(/schema version 3/);
      const { out } = await dlq(h, 'show', id);
      expect(out).to.include('"x-schema-version": 3');
      expect(out).to.include(`"x-original-exchange": "${exchanges.payment}"`);
    });

    it('needs --force once older than the inbox retention window', async () => {
      const later = { ...h.deps, now: () => new Date(Date.now() + 169 * 3_600_000) };
      h.output();
      const { runDlq } = await import('../src/index.ts');
      expect(await runDlq(later, ['replay', id])).to.equal(5);
      expect(h.output()).to.include('DLQ_PAST_RETENTION');
      expect(await runDlq(later, ['replay', id, '--force'])).to.equal(0);
      await storedDeadLetter(h, messageId, 3);
    });

    it('dropped, leaves the list (not `list --all`), and cannot be dropped nor replayed again', async () => {
      expect(await dlq(h, 'drop', id)).to.deep.include({ code: 0 });
      expect((await dlq(h, 'list')).out).not.to.include(id);
      expect((await dlq(h, 'list', '--all')).out).to.match(new RegExp(`${id}.*dropped`));
      const drop = await dlq(h, 'drop', id);
      expect(drop.code).to.equal(4);
      expect(drop.out).to.include('DLQ_ALREADY_DROPPED');
      expect((await dlq(h, 'replay', id)).out).to.include('DLQ_ALREADY_DROPPED');
      expect((await auditOf(h, id)).map((a) => [a.action, a.request_id])).to.deep.equal([
        ['DEAD_LETTER_REPLAYED', messageId],
        ['DEAD_LETTER_REPLAYED', messageId],
        ['DEAD_LETTER_DROPPED', messageId],
      ]);
    });
  });

  it('replays every waiting dead letter of one queue with replay --all --queue, and none of another', async () => {
    const userId = await userWith(h, '10');
    const messageIds = [randomUUID(), randomUUID()];
    for (const messageId of messageIds) await publishVersion3Deposit(h, userId, messageId);
    for (const messageId of messageIds) await storedDeadLetter(h, messageId);
    expect(await dlq(h, 'replay', '--all', '--queue', 'trade.commands')).to.deep.include({ code: 0, out: 'replayed 0 of 0 dead letter(s)' });
    const all = await dlq(h, 'replay', '--all', '--queue', 'payment.commands');
    expect(all.code, all.out).to.equal(0);
    expect(all.out).to.match(/replayed (\d+) of \1 dead letter\(s\)$/);
    for (const messageId of messageIds) expect(await storedDeadLetter(h, messageId, 2)).to.include({ attempts: 2 });
  });

  it('refuses an unknown id with DLQ_UNKNOWN_ID (exit 3), and a wrong command with DLQ_USAGE (exit 2)', async () => {
    for (const verb of ['show', 'replay', 'drop']) {
      const answer = await dlq(h, verb, randomUUID());
      expect(answer.code, verb).to.equal(3);
      expect(answer.out).to.include('DLQ_UNKNOWN_ID');
    }
    expect((await dlq(h, 'show', 'not-an-id')).code).to.equal(3);
    expect((await dlq(h, 'replay')).code).to.equal(2);
    expect((await dlqProcess('frobnicate')).code).to.equal(2);
  });
});

/**
 * Runs `work` while a bug fails every message whose inbox key contains `key`, before the inbox can answer it (the
 * claim's INSERT), then fixes it.
 */
async function withInboxBug<T>(h: DlqHarness, key: string, work: () => Promise<T>): Promise<T> {
  const fn = `test_fail_${randomUUID().replace(/-/g, '')}`;
  await h.db.$executeRawUnsafe(
    `CREATE FUNCTION payment.${fn}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN IF strpos(NEW.key, '${key}') > 0 THEN RAISE EXCEPTION 'test bug'; END IF; RETURN NEW; END $$`,
  );
  await h.db.$executeRawUnsafe(`CREATE TRIGGER ${fn} BEFORE INSERT ON payment.inbox FOR EACH ROW EXECUTE FUNCTION payment.${fn}()`);
  try {
    return await work();
  } finally {
    await h.db.$executeRawUnsafe(`DROP TRIGGER ${fn} ON payment.inbox`);
    await h.db.$executeRawUnsafe(`DROP FUNCTION payment.${fn}()`);
  }
}

/** A DEPOSIT as the gateway sends it, but of schema version 3, which Payment dead-letters at once, every time. */
async function publishVersion3Deposit(h: DlqHarness, userId: string, messageId: string): Promise<void> {
  const requestId = randomUUID();
  await h.gateway.publish({
    exchange: requestRoutes.DEPOSIT.exchange,
    routingKey: requestRoutes.DEPOSIT.routingKey,
    messageId,
    type: 'DEPOSIT',
    body: { id: requestId, type: 'DEPOSIT', user_id: userId, amount: '5' },
    headers: { 'x-principal': 'admin', 'x-request-id': requestId, [SCHEMA_VERSION_HEADER]: 3 },
  });
}

async function waitForBalance(h: DlqHarness, userId: string, expected: { amount: string; reserved: string }): Promise<void> {
  const until = Date.now() + 15_000;
  let last = await available(h, userId);
  while (last.amount !== expected.amount || last.reserved !== expected.reserved) {
    if (Date.now() > until) expect(last).to.deep.equal(expected);
    await new Promise((resolve) => setTimeout(resolve, 100));
    last = await available(h, userId);
  }
}
