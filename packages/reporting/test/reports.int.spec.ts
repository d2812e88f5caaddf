import { randomInt } from 'node:crypto';
import { type Bus, connectBus } from '@trading/bus';
import { type DomainEvent, topology } from '@trading/contracts';
import { createLogger } from '@trading/platform';
import { type Stack, startStack, testEnv, TradingClient, waitFor } from '@trading/testkit';
import { expect } from 'chai';
import type { EventView, Report } from '../src/index.ts';
import { durationsOf, expectedOutcomes, expectedSymbol, expectedTypeCounts, expectedUser, percentileCont } from './expected.ts';

import { getJson, publishEvents, type Scenario, scriptScenario } from './scenario.ts';

const outcomesOf = (report: Report) => Object.fromEntries(report.saga_outcomes.map((o) => [`${o.outcome} ${o.code}`, o.count]));

describe('Reports by criteria', function () {
  this.timeout(60_000);
  let stack: Stack;
  let bus: Bus;
  let scenario: Scenario;
  const report = async (query: string) => (await getJson<Report>(`${stack.reportingUrl}/api/report?${query}`)).body;
  const window = () => `from=${scenario.start.toISOString()}&to=${new Date(scenario.start.getTime() + 3_600_000).toISOString()}`;

  before(async () => {
    stack = await startStack(['gateway', 'reporting']);
    bus = await connectBus({ url: testEnv().amqpUrl, logger: createLogger('test', 'silent'), service: 'test', topology, prefetch: 1 });
    // An hour of its own in the past, so a time range alone selects only this scenario's events.
    scenario = scriptScenario(new Date(Date.UTC(2001, 0, 1) + randomInt(0, 150_000) * 3_600_000));
    await publishEvents(bus, scenario.events);
    await waitFor(async () => ((await report(window())).events === scenario.events.length ? true : undefined));
  });
  after(async () => {
    await bus?.close();
    await stack?.stop();
  });

  it('by time range: counts only the events from `from` (inclusive) to `to` (exclusive)', async () => {
    const part = scenario.events.slice(2, 9);
    const body = await report(`from=${part[0]?.at}&to=${scenario.events[9]?.at}`);
    expect(body.events).to.equal(part.length);
    expect(body.event_counts).to.deep.equal(expectedTypeCounts(part));
    expect(body.deposits).to.deep.equal({ count: 2, amount: '1500.25' });
    expect(body.withdrawals).to.deep.equal({ count: 1, amount: '100.5' });
    expect(body.trades).to.equal(1);
  });

  it('by user: trades, deposits, withdrawals and saga outcomes of that user only', async () => {
    const [userA] = scenario.users;
    const own = scenario.events.filter((e) => e.user_id === userA);
    const expected = expectedUser(scenario.events, userA);
    const body = await report(`user_id=${userA}`);
    expect(body.users).to.equal(1);
    expect(body.events).to.equal(own.length);
    expect(body.trades).to.equal(expected.trades);
    expect(body.deposits).to.deep.equal(expected.deposits);
    expect(body.withdrawals).to.deep.equal(expected.withdrawals);
    expect(outcomesOf(body)).to.deep.equal(expectedOutcomes(own));
    const durations = durationsOf(own);
    expect(body.saga_duration_ms).to.deep.equal({
      p50: percentileCont(durations, 0.5),
      p95: percentileCont(durations, 0.95),
      p99: percentileCont(durations, 0.99),
    });
  });

  it('by symbol: trades, quantity bought and sold, notional and vwap of that symbol only', async () => {
    const [s1] = scenario.symbols;
    const { symbol: _symbol, ...expected } = expectedSymbol(scenario.events, s1);
    const body = await report(`symbol=${s1.toLowerCase()}&${window()}`);
    expect(body).to.include(expected);
    expect(body.criteria.symbol).to.equal(s1);
    expect(outcomesOf(body)).to.deep.equal(expectedOutcomes(scenario.events.filter((e) => 'symbol' in e && e.symbol === s1)));
  });

  it('by event type: only events of that type count', async () => {
    const body = await report(`event_type=FundsDeposited&${window()}`);
    expect(body.event_counts).to.deep.equal({ FundsDeposited: 3 });
    expect(body.deposits).to.deep.equal({ count: 3, amount: '1500.25000001' });
    expect(body.trades).to.equal(0);
  });

  it('GET /api/events lists the matching events, newest first, at most `limit`', async () => {
    const [, userB] = scenario.users;
    const { body } = await getJson<{ events: EventView[] }>(`${stack.reportingUrl}/api/events?user_id=${userB}&limit=3`);
    const newest = scenario.events
      .filter((e) => e.user_id === userB)
      .slice(-3)
      .reverse();
    expect(body.events.map((e) => [e.type, e.at])).to.deep.equal(newest.map((e: DomainEvent) => [e.type, e.at]));
  });

  it('answers 400 INVALID_REQUEST naming the field for a malformed filter', async () => {
    const { status, body } = await getJson(`${stack.reportingUrl}/api/report?from=yesterday`);
    expect(status).to.equal(400);
    expect(body).to.include({ code: 'INVALID_REQUEST', field: 'from' });
    expect((await getJson(`${stack.reportingUrl}/api/report?colour=red`)).status).to.equal(400);
  });

  it('GET /health answers 200 with the broker and the database up', async () => {
    expect(await getJson(`${stack.reportingUrl}/health`)).to.deep.equal({ status: 200, body: { status: 'ok', broker: 'up', database: 'up' } });
  });

  it('answers a REPORT request through the gateway with the same report', async () => {
    const [userA] = scenario.users;
    const client = await TradingClient.connect(stack.gatewayUrl);
    try {
      const reply = await client.request({ type: 'REPORT', user_id: userA });
      expect(reply).to.include({ status: 'OK', type: 'REPORT' });
      expect(reply.report).to.deep.equal(await report(`user_id=${userA}`));
    } finally {
      await client.close();
    }
  });
});
