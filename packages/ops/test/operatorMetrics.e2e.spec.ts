import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { type Bus, connectBus } from '@trading/bus';
import { eventRoutingKeys, exchanges, partitionQueues, type ServiceName, topology } from '@trading/contracts';
import { createLogger } from '@trading/platform';
import { type Stack, startStack, testEnv, TradingClient, waitFor } from '@trading/testkit';
import { expect } from 'chai';

type Sample = { name: string; labels: Record<string, string>; value: number };

/** Prometheus' text format, the samples only (the `# HELP` and `# TYPE` lines give the names: typesOf). */
function samplesOf(text: string): Sample[] {
  return text
    .split('\n')
    .filter((line) => line !== '' && !line.startsWith('#'))
    .map((line) => {
      const match = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
      if (!match) throw new Error(`not a sample line: ${line}`);
      const labels = Object.fromEntries([...(match[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((m) => [m[1]!, m[2]!]));
      return { name: match[1]!, labels, value: Number(match[3]) };
    });
}

/** The sum of the samples named `name` over the given queues (a partitioned queue's partitions), 0 if none. */
function summed(samples: Sample[], name: string, queues: readonly string[]): number {
  return samples.filter((s) => s.name === name && queues.includes(s.labels.queue ?? '')).reduce((sum, s) => sum + s.value, 0);
}

const typesOf = (text: string): string[] => [...text.matchAll(/^# TYPE (\S+) /gm)].map((m) => m[1]!);

/** The value of the one sample named `name` whose labels include `labels`, or undefined. */
function sampleValue(samples: Sample[], name: string, labels: Record<string, string> = {}): number | undefined {
  const found = samples.filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v));
  if (found.length > 1) throw new Error(`${found.length} samples of ${name} match ${JSON.stringify(labels)}`);
  return found[0]?.value;
}

const services: ServiceName[] = ['gateway', 'payment', 'trade', 'reporting', 'market'];

/** What each service must serve, beyond the connection gauges and Node's runtime metrics every one serves. */
const served: Record<ServiceName, string[]> = {
  gateway: ['trading_gateway_requests_total', 'trading_gateway_reply_duration_seconds', 'trading_messages_consumed_total'],
  payment: ['trading_outbox_backlog_messages', 'trading_outbox_oldest_age_seconds', 'trading_inbox_duplicates_total', 'trading_batch_size'],
  trade: ['trading_sagas_total', 'trading_saga_duration_seconds', 'trading_dead_letter_queue_messages', 'trading_outbox_backlog_messages'],
  reporting: [
    'trading_messages_consumed_total',
    'trading_messages_redelivered_total',
    'trading_messages_dead_lettered_total',
    'trading_batch_size',
    'trading_dead_letters_waiting',
  ],
  market: ['trading_messages_dead_lettered_total'],
};

/**
 * The operator port of every service, as the testkit starts them (each on a free OPERATOR_PORT): /health, and
 * /metrics after a DEPOSIT and a BUY went through the gateway; and the alert rules read only metrics served here.
 */
describe('operator ports: /health and /metrics of every service', function () {
  this.timeout(90_000);
  let stack: Stack;
  let admin: Bus;
  const scrape = async (name: ServiceName) => {
    const response = await fetch(`${stack.operatorUrl(name)}/metrics`);
    expect(response.status, `${name} /metrics`).to.equal(200);
    expect(response.headers.get('content-type')).to.match(/^text\/plain/);
    return response.text();
  };

  before(async function () {
    this.timeout(90_000);
    stack = await startStack(services, { MARKETS_ALWAYS_OPEN: 'true', MARKET_TICK_INTERVAL_MS: '100', DEAD_LETTER_CHECK_INTERVAL_MS: '200' });
    admin = await connectBus({ url: testEnv().amqpUrl, logger: createLogger('test-admin', 'silent'), service: 'test', topology, prefetch: 1 });
    const client = await TradingClient.connect(stack.gatewayUrl);
    try {
      const added = await client.request({ type: 'ADD_USER' });
      const userId = String(added.user_id);
      expect(await client.request({ type: 'DEPOSIT', user_id: userId, amount: '100000' })).to.include({ status: 'OK' });
      // The market's first tick must reach Trade before a market order can trade on it.
      await waitFor(async () => ((await client.request({ type: 'QUOTE', symbol: 'BTC' })).status === 'OK' ? true : undefined));
      const bought = await client.request({ type: 'BUY', user_id: userId, symbol: 'BTC', amount: '0.001' });
      expect(bought, JSON.stringify(bought)).to.include({ status: 'OK' });
    } finally {
      await client.close();
    }
  });
  after(async function () {
    this.timeout(60_000);
    await admin?.close();
    await stack?.stop();
  });

  for (const name of services) {
    it(`${name}: /health answers 200 with the broker and the database up`, async () => {
      const response = await fetch(`${stack.operatorUrl(name)}/health`);
      expect(response.status).to.equal(200);
      expect(await response.json()).to.deep.equal({ status: 'ok', broker: 'up', database: 'up' });
    });

    it(`${name}: /metrics labels every series with the service and serves its metrics, the connection gauges at 1`, async () => {
      const text = await scrape(name);
      const samples = samplesOf(text);
      expect(samples.filter((s) => s.labels.service !== name).map((s) => s.name)).to.deep.equal([]);
      expect(sampleValue(samples, 'trading_broker_connected')).to.equal(1);
      expect(sampleValue(samples, 'trading_database_connected')).to.equal(1);
      expect(typesOf(text)).to.include.members([...served[name], 'process_cpu_user_seconds_total', 'nodejs_heap_size_used_bytes']);
    });
  }

  it('the gateway counts the DEPOSIT and the BUY as ok, and times their replies', async () => {
    const samples = samplesOf(await scrape('gateway'));
    for (const type of ['ADD_USER', 'DEPOSIT', 'BUY']) {
      expect(sampleValue(samples, 'trading_gateway_requests_total', { type, outcome: 'ok' }), type).to.equal(1);
      expect(sampleValue(samples, 'trading_gateway_reply_duration_seconds_count', { type }), type).to.equal(1);
    }
    expect(sampleValue(samples, 'trading_gateway_reply_duration_seconds_bucket', { type: 'BUY', le: '+Inf' })).to.equal(1);
    expect(sampleValue(samples, 'trading_gateway_requests_total', { type: 'QUOTE', outcome: 'ok' })).to.be.at.least(1);
    expect(sampleValue(samples, 'trading_messages_consumed_total', { queue: 'private' })).to.be.at.least(4);
  });

  it('Trade counts the BUY saga COMPLETED, with its duration; Payment its messages and batches', async () => {
    const trade = samplesOf(await scrape('trade'));
    expect(sampleValue(trade, 'trading_sagas_total', { side: 'BUY', outcome: 'COMPLETED' })).to.equal(1);
    expect(sampleValue(trade, 'trading_saga_duration_seconds_count', { side: 'BUY', outcome: 'COMPLETED' })).to.equal(1);
    expect(sampleValue(trade, 'trading_saga_duration_seconds_sum', { side: 'BUY', outcome: 'COMPLETED' })).to.be.above(0);
    expect(sampleValue(trade, 'trading_outbox_backlog_messages', { schema: 'trade' })).to.be.a('number');
    const payment = samplesOf(await scrape('payment'));
    expect(summed(payment, 'trading_messages_consumed_total', partitionQueues.payment)).to.be.at.least(3);
    // One instance: all eight partitions are its own.
    expect(sampleValue(payment, 'trading_partitions_owned', { group: 'payment' })).to.equal(partitionQueues.payment.length);
    expect(sampleValue(trade, 'trading_partitions_owned', { group: 'trade' })).to.equal(partitionQueues.trade.length);
    expect(sampleValue(payment, 'trading_batch_size_count')).to.be.at.least(1);
    expect(sampleValue(payment, 'trading_outbox_oldest_age_seconds', { schema: 'payment' })).to.be.at.least(0);
    expect(sampleValue(payment, 'trading_inbox_duplicates_total')).to.equal(0);
  });

  it("a poison message is counted dead-lettered by the service that refused it, and waits for the operator in Reporting's store", async () => {
    // An OrderAccepted published by the broker's admin, not by Trade's user: Payment refuses to believe it at once.
    const body = { type: 'OrderAccepted', saga_id: randomUUID(), user_id: randomUUID(), side: 'BUY', reserve: '1', at: new Date().toISOString() };
    await admin.publish({ exchange: exchanges.domainEvents, routingKey: eventRoutingKeys.OrderAccepted, messageId: randomUUID(), type: 'OrderAccepted', body });
    await waitFor(async () =>
      summed(samplesOf(await scrape('payment')), 'trading_messages_dead_lettered_total', partitionQueues.payment) === 1 ? true : undefined,
    );
    // Reporting moves it from the dead-letter queue into its store, where it waits until it is replayed or dropped.
    await waitFor(async () => (summed(samplesOf(await scrape('reporting')), 'trading_dead_letters_waiting', partitionQueues.payment) >= 1 ? true : undefined));
  });

  it('every alert rule reads only metrics the services serve, and has a summary and a runbook', async () => {
    const rules = readFileSync(new URL('../../../infra/prometheus/alerts.yml', import.meta.url), 'utf8')
      .split(/^\s*- alert: /m)
      .slice(1);
    expect(rules.length).to.be.at.least(7);
    const names = new Set((await Promise.all(services.map(scrape))).flatMap(typesOf));
    for (const rule of rules) {
      const alert = rule.split('\n')[0]!.trim();
      const expr = /^\s*expr: (.+)$/m.exec(rule)?.[1];
      expect(expr, `${alert}: expr`).to.be.a('string');
      for (const [metric] of expr!.matchAll(/\btrading_\w+/g)) expect([...names], `${alert} reads ${metric}`).to.include(metric);
      expect(rule, `${alert}: summary`).to.match(/^\s*summary: \S/m);
      expect(rule, `${alert}: runbook`).to.match(/^\s*runbook: 'README\.md#operator-ports-and-metrics'/m);
    }
  });
});
