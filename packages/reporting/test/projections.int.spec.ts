import { randomUUID } from 'node:crypto';
import { type Bus, connectBus } from '@trading/bus';
import { Decimal, topology } from '@trading/contracts';
import { createLogger } from '@trading/platform';
import { type Stack, startStack, testEnv } from '@trading/testkit';
import { expect } from 'chai';
import type { Stats, UserView } from '../src/index.ts';
import { expectedOutcomes, expectedSymbol, expectedTypeCounts, expectedUser } from './expected.ts';

import { getJson, publishEvents, type Scenario, scriptScenario, settle, waitForStored } from './scenario.ts';

const minuteAgo = (minutes: number) => new Date(Math.floor(Date.now() / 60_000) * 60_000 - minutes * 60_000);
const outcomeCounts = (stats: Stats) => Object.fromEntries(stats.saga_outcomes.map((o) => [`${o.outcome} ${o.code}`, o.count]));
const difference = (after: Record<string, number>, before: Record<string, number>) =>
  Object.fromEntries(Object.entries(after).flatMap(([k, v]) => (v === (before[k] ?? 0) ? [] : [[k, v - (before[k] ?? 0)]])));

describe('Reporting projections after a scripted sequence of deposits, trades and failures', function () {
  this.timeout(90_000);
  let stack: Stack;
  let bus: Bus;
  let scenario: Scenario;
  let initial: Stats;
  let final: Stats;

  before(async () => {
    // One message at a time: Reporting then handles its queue in order, so `settle` is a barrier and the global
    // projections (outcomes, counts per type and minute) can be compared before and after this scenario.
    stack = await startStack(['reporting'], { PREFETCH: '1' });
    bus = await connectBus({ url: testEnv().amqpUrl, logger: createLogger('test', 'silent'), service: 'test', topology, prefetch: 1 });
    await settle(bus, stack.reportingUrl);
    initial = (await getJson<Stats>(`${stack.reportingUrl}/api/stats`)).body;
    scenario = scriptScenario(minuteAgo(20));
    const ids = await publishEvents(bus, scenario.events);
    const last = scenario.events.length - 1;
    await waitForStored(stack.reportingUrl, scenario.events[last]?.user_id ?? '', ids[last] ?? '');
    final = (await getJson<Stats>(`${stack.reportingUrl}/api/stats`)).body;
  });
  after(async () => {
    await bus?.close();
    await stack?.stop();
  });

  it('keeps per symbol the trades, quantity bought and sold, notional and vwap', () => {
    for (const symbol of scenario.symbols) {
      expect(final.symbols.find((s) => s.symbol === symbol)).to.deep.equal(expectedSymbol(scenario.events, symbol));
    }
  });

  it('keeps per user the trades, deposits, withdrawals, net cash flow and holdings', async () => {
    for (const user of scenario.users) {
      const { status, body } = await getJson<UserView>(`${stack.reportingUrl}/api/users/${user}`);
      expect(status).to.equal(200);
      expect(body).to.deep.equal(expectedUser(scenario.events, user));
    }
  });

  it("keeps the house's position per symbol, the other side of each completed trade, and its cash without captures or credits", () => {
    for (const symbol of scenario.symbols) {
      const { quantity_bought, quantity_sold } = expectedSymbol(scenario.events, symbol);
      expect([symbol, final.house.positions[symbol]]).to.deep.equal([symbol, new Decimal(quantity_sold).sub(quantity_bought).toFixed()]);
    }
    expect(final.house.cash, 'the scenario captures and credits nothing').to.equal(initial.house.cash);
  });

  it('counts finished sagas by outcome and code', () => {
    expect(difference(outcomeCounts(final), outcomeCounts(initial))).to.deep.equal(expectedOutcomes(scenario.events));
    expect(final.totals.sagas_completed - initial.totals.sagas_completed).to.equal(4);
    expect(final.totals.sagas_failed - initial.totals.sagas_failed).to.equal(3);
  });

  it('counts events by type and per minute of event time', () => {
    expect(difference(final.event_counts, initial.event_counts)).to.deep.equal(expectedTypeCounts(scenario.events));
    const perMinute = (stats: Stats) => Object.fromEntries(stats.per_minute.map((m) => [m.minute, m.events]));
    const expected: Record<string, number> = {};
    for (const e of scenario.events) {
      const minute = `${e.at.slice(0, 16)}:00Z`;
      expected[minute] = (expected[minute] ?? 0) + 1;
    }
    expect(difference(perMinute(final), perMinute(initial))).to.deep.equal(expected);
    expect(final.totals.events - initial.totals.events).to.equal(scenario.events.length);
  });

  it('stores an event once and counts it once, twice in one batch or in a batch delivered again', async () => {
    const [userA] = scenario.users;
    const deposit = { type: 'FundsDeposited' as const, user_id: userA, amount: '7', available: '906.5', at: new Date().toISOString() };
    const id = randomUUID();
    await publishEvents(bus, [deposit, deposit], [id, id]);
    await publishEvents(bus, [deposit], [id]);
    await settle(bus, stack.reportingUrl);
    const user = (await getJson<UserView>(`${stack.reportingUrl}/api/users/${userA}`)).body;
    const expected = expectedUser([...scenario.events, deposit], userA);
    expect(user.deposits).to.deep.equal(expected.deposits);
    expect(user.net_cash_flow).to.equal(expected.net_cash_flow);
    const listed = await getJson<{ events: { id: string }[] }>(`${stack.reportingUrl}/api/events?user_id=${userA}&event_type=FundsDeposited`);
    expect(listed.body.events.filter((e) => e.id === id)).to.have.length(1);
  });
});
