import { randomBytes, randomUUID } from 'node:crypto';
import type { Bus } from '@trading/bus';
import { apiKeyHash, type DomainEvent, eventMessage, exchanges, newApiKey, notional, packEvents } from '@trading/contracts';
import { waitFor } from '@trading/testkit';
import { ADMIN_KEY, bearer } from './auth.ts';

/*
 * A scripted day of two fresh users on two fresh symbols, as Payment and Trade would publish it: deposits, a
 * withdrawal, completed trades both ways (two of them with the house's fee) and one saga of each failure outcome,
 * then the users' api keys (user A's rotated once). Event times are one every 30 s from `start`, so time ranges
 * select exact parts of it.
 */
export type Scenario = { users: [string, string]; symbols: [string, string]; start: Date; events: DomainEvent[]; keys: ScenarioKeys };
/** The clear keys of the scenario's users (the events carry only their SHA-256): A's live and rotated-away keys, B's. */
export type ScenarioKeys = { a: string; aRotated: string; b: string };

export const freshSymbol = (): string => `Z${randomBytes(4).toString('hex').toUpperCase()}`;

export function scriptScenario(start: Date, [s1, s2]: [string, string] = [freshSymbol(), freshSymbol()]): Scenario {
  const a = randomUUID();
  const b = randomUUID();
  let tick = 0;
  const at = () => new Date(start.getTime() + 30_000 * tick++).toISOString();
  const trade = (user_id: string, side: 'BUY' | 'SELL', symbol: string, quantity: string, price: string, fee = '0') => ({
    user_id,
    side,
    symbol,
    quantity,
    price,
    notional: notional(price, quantity),
    fee,
    saga_id: randomUUID(),
  });
  const completed = (facts: ReturnType<typeof trade>, duration_ms: number): DomainEvent[] => [
    { type: 'OrderAccepted', ...facts, at: at() },
    { type: 'TradeRecorded', ...facts, trade_id: randomUUID(), at: at() },
    { type: 'SagaCompleted', ...facts, trade_id: randomUUID(), duration_ms, at: at() },
  ];
  const failed = (
    facts: ReturnType<typeof trade>,
    outcome: 'REJECTED' | 'COMPENSATED' | 'TIMED_OUT',
    code: string,
    duration_ms: number,
    when = at(),
  ): DomainEvent => ({
    type: 'SagaFailed',
    ...facts,
    outcome,
    code,
    reason: `${code} in test`,
    duration_ms,
    at: when,
  });
  /** A BUY given up at its deadline: OrderExpired and its SagaFailed TIMED_OUT, at the same instant. */
  const expired = (facts: ReturnType<typeof trade>, duration_ms: number): DomainEvent[] => {
    const when = at();
    return [{ type: 'OrderExpired', ...facts, reason: 'SAGA_TIMEOUT in test', at: when }, failed(facts, 'TIMED_OUT', 'SAGA_TIMEOUT', duration_ms, when)];
  };
  const events: DomainEvent[] = [
    { type: 'UserCreated', user_id: a, at: at() },
    { type: 'UserCreated', user_id: b, at: at() },
    { type: 'FundsDeposited', user_id: a, amount: '1000', available: '1000', at: at() },
    { type: 'FundsDeposited', user_id: b, amount: '500.25', available: '500.25', at: at() },
    { type: 'FundsWithdrawn', user_id: a, amount: '100.5', available: '899.5', at: at() },
    ...completed(trade(a, 'BUY', s1, '2', '100', '0.2'), 40),
    ...completed(trade(b, 'BUY', s1, '1.5', '110.1'), 80),
    ...completed(trade(a, 'SELL', s1, '0.5', '120', '0.06'), 55),
    ...completed(trade(b, 'BUY', s2, '10', '3.33333333'), 20),
    failed(trade(a, 'BUY', s2, '1000', '3'), 'REJECTED', 'INSUFFICIENT_FUNDS', 10),
    failed(trade(b, 'SELL', s1, '1', '100'), 'COMPENSATED', 'TRADE_FAILED', 300),
    ...expired(trade(a, 'BUY', s1, '1', '100'), 5000),
    { type: 'FundsDeposited', user_id: b, amount: '0.00000001', available: '303.85000002', at: at() },
  ];
  const keys: ScenarioKeys = { a: newApiKey(), aRotated: newApiKey(), b: newApiKey() };
  events.push(
    { type: 'CredentialIssued', user_id: a, key_sha256: apiKeyHash(keys.aRotated), at: at() },
    { type: 'CredentialIssued', user_id: b, key_sha256: apiKeyHash(keys.b), at: at() },
    { type: 'CredentialRevoked', user_id: a, key_sha256: apiKeyHash(keys.aRotated), reason: 'ROTATED', at: at() },
    { type: 'CredentialIssued', user_id: a, key_sha256: apiKeyHash(keys.a), at: at() },
  );
  return { users: [a, b], symbols: [s1, s2], start, events, keys };
}

/**
 * Publishes events the way a producer's transaction does for Reporting: one EventBatch on the `events` fanout, each
 * event with its id. The events' own messages on `domain-events` are left out: they are for the services that react
 * to them, and this test user is not their producer.
 */
export async function publishEvents(bus: Bus, events: readonly DomainEvent[], ids: string[] = events.map(() => randomUUID())): Promise<string[]> {
  const messages = events.map((event, i) => ({ ...eventMessage(event), messageId: ids[i] ?? randomUUID() }));
  const batches = packEvents(messages).filter((message) => message.exchange === exchanges.events);
  await Promise.all(batches.map((message) => bus.publish(message)));
  return ids;
}

/** GETs `url` with `key` as Bearer (the operator's unless told; null: no key). */
export async function getJson<T = Record<string, unknown>>(url: string, key: string | null = ADMIN_KEY): Promise<{ status: number; body: T }> {
  const res = await fetch(url, { headers: bearer(key) });
  return { status: res.status, body: (await res.json()) as T };
}

/** Waits until Reporting has stored every event of the scenario (each user's events, counted by the operator). */
export async function waitForScenario(reportingUrl: string, scenario: { users: readonly string[]; events: readonly DomainEvent[] }): Promise<void> {
  await waitFor(async () => {
    const counts = await Promise.all(scenario.users.map((u) => getJson<{ events: unknown[] }>(`${reportingUrl}/api/events?user_id=${u}&limit=500`)));
    return counts.reduce((n, c) => n + c.body.events.length, 0) === scenario.events.length ? true : undefined;
  });
}

/** Waits until Reporting lists the event `id` of `userId`. */
export async function waitForStored(reportingUrl: string, userId: string, id: string): Promise<void> {
  await waitFor(async () => {
    const { body } = await getJson<{ events: { id: string }[] }>(`${reportingUrl}/api/events?user_id=${userId}&limit=500`);
    return body.events.some((e) => e.id === id) ? true : undefined;
  });
}

/**
 * Publishes a UserCreated of a fresh user and waits until Reporting stored it. With PREFETCH=1 Reporting handles
 * its queue in order, so every event published before has been handled too.
 */
export async function settle(bus: Bus, reportingUrl: string): Promise<void> {
  const userId = randomUUID();
  const [id = ''] = await publishEvents(bus, [{ type: 'UserCreated', user_id: userId, at: new Date().toISOString() }]);
  await waitForStored(reportingUrl, userId, id);
}
