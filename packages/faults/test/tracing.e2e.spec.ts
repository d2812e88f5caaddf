import type { Reply } from '@trading/contracts';
import {
  type CollectedSpan,
  closeTestMarket,
  type OtlpCollector,
  SPAN_KIND,
  setPrices,
  startOtlpCollector,
  TradingClient,
  useStack,
  waitFor,
} from '@trading/testkit';
import { expect } from 'chai';

const SERVICES = ['trading-gateway', 'trading-payment', 'trading-trade', 'trading-reporting'];
/** What Reporting records of one BUY's saga, each as a span of the BUY's trace. */
const BUY_EVENTS = ['OrderAccepted', 'FundsReserved', 'TradeRecorded', 'FundsCaptured', 'SagaCompleted'];

/**
 * Tracing across the running stack: every service exports its spans to a collector the test runs (OTLP/HTTP JSON),
 * and one BUY through the gateway must come out as one trace, rooted at the gateway's span of the request.
 */
describe('tracing a BUY through the stack (OpenTelemetry, OTLP/HTTP)', function () {
  this.timeout(90_000);
  let collector: OtlpCollector;
  before(async () => {
    collector = await startOtlpCollector();
  });
  const stack = useStack(['gateway', 'payment', 'trade', 'reporting'], () => ({
    OTEL_EXPORTER_OTLP_ENDPOINT: collector.url,
    OTEL_BSP_SCHEDULE_DELAY: '100',
    MARKETS_ALWAYS_OPEN: 'true',
  }));
  let client: TradingClient;
  let userId: string;
  before(async () => {
    client = await TradingClient.connect(stack().gatewayUrl);
    const added = await client.request({ type: 'ADD_USER' });
    userId = String(added.user_id);
    expect(await client.request({ type: 'DEPOSIT', user_id: userId, amount: '10000' })).to.include({ status: 'OK' });
    await setPrices(client, { BTC: '60000' });
  });
  after(async () => {
    await client?.close();
    await closeTestMarket();
    await collector?.close();
  });

  const buy = async (id: string): Promise<Reply> => {
    const reply = await client.request({ id, type: 'BUY', user_id: userId, symbol: 'BTC', amount: '0.01', price: '60000' });
    expect(reply, JSON.stringify(reply)).to.include({ status: 'OK' });
    return reply;
  };
  /** The gateway's SERVER span of the request with this id: the root of its trace. */
  const requestSpan = (id: string) =>
    waitFor(() => collector.spans.find((s) => s.service === 'trading-gateway' && s.kind === SPAN_KIND.server && s.attributes['trading.request.id'] === id));
  const traceOf = (traceId: string) => collector.spans.filter((s) => s.traceId === traceId);
  const recorded = (spans: CollectedSpan[]) => spans.filter((s) => s.service === 'trading-reporting' && s.name.startsWith('record '));
  /** The trace once Reporting has recorded the saga's events and every span's parent has arrived. */
  const wholeTrace = (traceId: string) =>
    waitFor(() => {
      const spans = traceOf(traceId);
      const ids = new Set(spans.map((s) => s.spanId));
      const complete = recorded(spans).length >= BUY_EVENTS.length && spans.every((s) => s.parentSpanId === undefined || ids.has(s.parentSpanId));
      return complete ? spans : undefined;
    }, 30_000);

  it('makes one BUY one trace: rooted at the gateway, with spans of gateway, payment, trade and reporting, every parent in it', async () => {
    await buy('traced-buy-1');
    const root = await requestSpan('traced-buy-1');
    expect(root).to.include({ name: 'WebSocket BUY', parentSpanId: undefined });
    expect(root.attributes).to.include({ 'trading.request.type': 'BUY', 'trading.reply.status': 'OK' });

    const spans = await wholeTrace(root.traceId);
    expect(new Set(spans.map((s) => s.service))).to.have.all.keys(SERVICES);
    expect(spans.filter((s) => s.parentSpanId === undefined)).to.deep.equal([root]);
    // The saga's steps: each service's consumer span of the other's messages, and the outbox's publishes.
    const consumed = (service: string) => spans.filter((s) => s.service === `trading-${service}` && s.kind === SPAN_KIND.consumer).map((s) => s.name);
    // Each consumes the partition its user's messages are routed to (<service>.commands.<n>).
    expect(
      consumed('trade').some((name) => /^trade\.commands\.\d process$/.test(name)),
      consumed('trade').join(),
    ).to.equal(true);
    expect(
      consumed('payment').some((name) => /^payment\.commands\.\d process$/.test(name)),
      consumed('payment').join(),
    ).to.equal(true);
    expect(spans.some((s) => s.service === 'trading-payment' && s.kind === SPAN_KIND.producer)).to.equal(true);
    expect(spans.some((s) => s.service === 'trading-trade' && s.kind === SPAN_KIND.producer)).to.equal(true);
    expect(recorded(spans).map((s) => s.name)).to.include.members(BUY_EVENTS.map((type) => `record ${type}`));
  });

  it("keeps every span of the BUY's saga in that trace: the events Reporting records under its correlation id are all there", async () => {
    await buy('traced-buy-2');
    const root = await requestSpan('traced-buy-2');
    const spans = await wholeTrace(root.traceId);
    const conversations = new Set(recorded(spans).map((s) => s.attributes['messaging.message.conversation_id']));
    await new Promise((resolve) => setTimeout(resolve, 500));
    const elsewhere = collector.spans.filter((s) => conversations.has(s.attributes['messaging.message.conversation_id']) && s.traceId !== root.traceId);
    expect(elsewhere.map((s) => `${s.service} ${s.name}`)).to.deep.equal([]);
  });

  it('makes a second BUY a trace of its own', async () => {
    const first = await requestSpan('traced-buy-1');
    await buy('traced-buy-3');
    const second = await requestSpan('traced-buy-3');
    expect(second.traceId).to.not.equal(first.traceId);
    const spans = await wholeTrace(second.traceId);
    expect(spans.filter((s) => s.parentSpanId === undefined)).to.deep.equal([second]);
    expect(new Set(spans.map((s) => s.service))).to.have.all.keys(SERVICES);
  });

  it("links Reporting's span of each event batch to the traces of the events it holds", async () => {
    const root = await requestSpan('traced-buy-1');
    const spans = await wholeTrace(root.traceId);
    const ids = new Set(spans.map((s) => s.spanId));
    const batches = collector.spans.filter((s) => s.service === 'trading-reporting' && s.name === 'reporting.events process');
    expect(batches.some((s) => s.links.some((link) => link.traceId === root.traceId && ids.has(link.spanId)))).to.equal(true);
  });
});
