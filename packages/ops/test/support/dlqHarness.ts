import { randomUUID } from 'node:crypto';
import { type Bus, connectBus } from '@trading/bus';
import { type Delivery, eventRoutingKeys, exchanges, type Reply } from '@trading/contracts';
import { createDatabase, type Database } from '@trading/db';
import { RawClient } from '@trading/faults';
import { createLogger } from '@trading/platform';
import { serviceAmqpUrl, testBrokerPasswords, testEnv, waitFor } from '@trading/testkit';
import { createReplayer, type DlqDeps, runDlq } from '../../src/index.ts';

/** The run's stack as the dead-letter tests drive it: requests as a gateway, Trade's events as Trade, the store as the operator. */
export type DlqHarness = {
  raw: RawClient;
  /** Publishes as the gateway's broker user. */
  gateway: Bus;
  trade: Bus;
  db: Database;
  deps: DlqDeps;
  /** Payment's events on `domain-events`, as Trade receives them. */
  paymentEvents: Delivery[];
  /** What the console wrote since the last call. */
  output(): string;
  close(): Promise<void>;
};

export async function openHarness(): Promise<DlqHarness> {
  const logger = createLogger('dlq-test', 'silent');
  const env = testEnv();
  const raw = await RawClient.connect(env.amqpUrl, serviceAmqpUrl(env, 'gateway'), logger);
  const as = (service: 'gateway' | 'trade') => connectBus({ url: serviceAmqpUrl(env, service), logger, service: 'dlq-test', prefetch: 1 });
  const [gateway, trade] = await Promise.all([as('gateway'), as('trade')]);
  const db = createDatabase({ url: env.databaseUrl, poolMax: 3 });
  const admin = await connectBus({ url: env.amqpUrl, logger, service: 'dlq-test', prefetch: 10 });
  const paymentEvents: Delivery[] = [];
  await admin.consumePrivate([{ exchange: exchanges.domainEvents, routingKey: 'payment.funds.*' }], async (d) => void paymentEvents.push(d));
  const replayer = createReplayer(env.amqpUrl, testBrokerPasswords);
  let written: string[] = [];
  const deps: DlqDeps = {
    db,
    replayer,
    now: () => new Date(),
    operator: 'operator:test',
    retentionHours: 168,
    out: (text) => written.push(text),
    err: (text) => written.push(text),
  };
  return {
    raw,
    paymentEvents,
    gateway,
    trade,
    db,
    deps,
    output: () => {
      const text = written.join('\n');
      written = [];
      return text;
    },
    async close() {
      await replayer.close();
      await Promise.all([raw.close(), admin.close(), gateway.close(), trade.close(), db.$disconnect()]);
    },
  };
}

/** Runs `pnpm dlq <args>` in-process: the exit code and what it wrote. */
export async function dlq(h: DlqHarness, ...args: string[]): Promise<{ code: number; out: string }> {
  h.output();
  const code = await runDlq(h.deps, args);
  return { code, out: h.output() };
}

/** A request as the gateway publishes it, stamped by the operator; resolves with its reply. */
export async function request(h: DlqHarness, body: Record<string, unknown>): Promise<Reply> {
  const correlationId = await h.raw.publishRequest({ id: randomUUID(), ...body } as Parameters<RawClient['publishRequest']>[0]);
  const [reply] = await h.raw.whenReplies(correlationId, 1, 15_000);
  return reply!;
}

export async function userWith(h: DlqHarness, amount: string): Promise<string> {
  const added = await request(h, { type: 'ADD_USER' });
  const userId = String(added.user_id);
  await request(h, { type: 'DEPOSIT', user_id: userId, amount });
  return userId;
}

export async function available(h: DlqHarness, userId: string): Promise<{ amount: string; reserved: string }> {
  const info = await request(h, { type: 'USER_INFO', user_id: userId });
  return { amount: String(info.amount), reserved: String(info.reserved) };
}

/** One of Trade's saga events on `domain-events`, as Trade publishes it; `messageId` to publish the same message again. */
export async function asTrade(
  h: DlqHarness,
  body: { type: 'OrderAccepted' | 'TradeRecorded' } & Record<string, unknown>,
  messageId: string = randomUUID(),
): Promise<string> {
  await h.trade.publish({
    exchange: exchanges.domainEvents,
    routingKey: eventRoutingKeys[body.type],
    messageId,
    type: body.type,
    body,
    correlationId: String(body.saga_id),
  });
  return messageId;
}

export type DeadLetterRow = { id: string; state: string; attempts: number; failed_queue: string; failed_service: string; error: string; last_failed_at: Date };

/** The stored dead letter of `messageId` once Reporting has it (with at least `attempts`). */
export function storedDeadLetter(h: DlqHarness, messageId: string, attempts = 1): Promise<DeadLetterRow> {
  return waitFor(async () => {
    const rows = await h.db.$queryRawUnsafe<DeadLetterRow[]>(
      'SELECT id, state, attempts, failed_queue, failed_service, error, last_failed_at FROM reporting.dead_letter WHERE message_id = $1',
      messageId,
    );
    return rows[0] && rows[0].attempts >= attempts && rows[0].state === 'waiting' ? rows[0] : undefined;
  }, 20_000);
}
