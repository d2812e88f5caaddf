import { randomUUID } from 'node:crypto';
import { type Bus, connectBus, readEventBatch } from '@trading/bus';
import { type Delivery, type DomainEvent, eventMessage, eventRoutingKeys, exchanges, topology } from '@trading/contracts';
import { createLogger, startTracing, stopTracing, traceFields, withSpan, withTraceContext } from '@trading/platform';
import { type OtlpCollector, SPAN_KIND, startOtlpCollector, testEnv, waitFor } from '@trading/testkit';
import { expect } from 'chai';
import { createDatabase, type Database } from '../src/database.ts';
import { createOutbox, type Outbox } from '../src/outbox.ts';

const logger = createLogger('outbox-tracing-test', 'silent');

/** traceparent: version-traceid-spanid-flags. */
const traceIdOf = (traceparent: unknown) => String(traceparent).split('-')[1];
const spanIdOf = (traceparent: unknown) => String(traceparent).split('-')[2];

describe('the outbox with tracing on (PostgreSQL, RabbitMQ and an OTLP collector)', function () {
  this.timeout(20_000);
  let collector: OtlpCollector;
  let db: Database;
  let bus: Bus;
  let outbox: Outbox;
  const feed: Delivery[] = [];
  const domainEvents: Delivery[] = [];

  const deposited = (): DomainEvent => ({ type: 'FundsDeposited', user_id: randomUUID(), at: new Date().toISOString(), amount: '1', available: '1' });
  /** Writes the messages in a transaction inside a span of its own; answers the span's ids and the rows written. */
  const writeInSpan = (messages: Parameters<Outbox['add']>[1]) =>
    withSpan('writer', {}, async () => {
      const { trace_id, span_id } = traceFields();
      const written = await db.$transaction((tx) => outbox.add(tx, messages));
      return { traceId: trace_id!, spanId: span_id!, written };
    });
  const headersOfRow = async (id: string) =>
    (await db.$queryRawUnsafe<{ headers: Record<string, unknown> }[]>('SELECT headers FROM trade.outbox WHERE id = $1::uuid', id))[0]?.headers;
  const deliveredEvent = (id: string) => waitFor(() => domainEvents.find((d) => d.messageId === id));
  const batchEntry = (id: string) => waitFor(() => feed.flatMap((d) => readEventBatch(d)).find((entry) => entry.id === id));

  before(async () => {
    collector = await startOtlpCollector();
    startTracing('outbox-test', { OTEL_EXPORTER_OTLP_ENDPOINT: collector.url, OTEL_BSP_SCHEDULE_DELAY: 50 });
    db = createDatabase({ url: testEnv().databaseUrl, poolMax: 2 });
    bus = await connectBus({ url: testEnv().amqpUrl, logger, service: 'outbox-test', topology, prefetch: 50 });
    await bus.consumePrivate([{ exchange: exchanges.events, routingKey: '' }], async (d) => void feed.push(d));
    await bus.consumePrivate([{ exchange: exchanges.domainEvents, routingKey: eventRoutingKeys.FundsDeposited }], async (d) => void domainEvents.push(d));
    outbox = createOutbox({ db, bus, schema: 'trade', logger, sweepIntervalMs: 60_000 });
  });
  after(async () => {
    await outbox?.stop();
    await bus?.close();
    await db?.$disconnect();
    await stopTracing();
    await collector?.close();
  });

  it("keeps in the row the writing transaction's trace context, and the message published after commit continues that trace", async () => {
    const event = eventMessage(deposited());
    const writer = await writeInSpan([event]);
    const row = await headersOfRow(event.messageId);
    expect(traceIdOf(row?.traceparent)).to.equal(writer.traceId);
    expect(spanIdOf(row?.traceparent)).to.equal(writer.spanId);

    // Published from elsewhere (no span active), as the outbox's flush and sweep are.
    withTraceContext(null, () => outbox.flush(writer.written));
    const delivered = await deliveredEvent(event.messageId);
    expect(traceIdOf(delivered.headers.traceparent)).to.equal(writer.traceId);
    const producer = await waitFor(() => collector.spans.find((s) => s.spanId === spanIdOf(delivered.headers.traceparent)));
    expect(producer).to.include({ kind: SPAN_KIND.producer, parentSpanId: writer.spanId, traceId: writer.traceId, service: 'trading-outbox-test' });
    expect(producer.attributes).to.include({ 'messaging.destination.name': exchanges.domainEvents, 'messaging.message.id': event.messageId });
  });

  it("carries each event's own trace context inside the EventBatch, whatever batch it is merged into", async () => {
    const first = eventMessage(deposited());
    const second = eventMessage(deposited());
    const [a, b] = await Promise.all([writeInSpan([first]), writeInSpan([second])]);
    withTraceContext(null, () => outbox.flush([...a.written, ...b.written]));
    expect(traceIdOf((await batchEntry(first.messageId)).traceparent)).to.equal(a.traceId);
    expect(traceIdOf((await batchEntry(second.messageId)).traceparent)).to.equal(b.traceId);
    expect(a.traceId).to.not.equal(b.traceId);
  });

  it('publishes a row left behind (the sweep, as after a crash or a failed publish) in the trace that wrote it', async () => {
    const event = eventMessage(deposited());
    const writer = await writeInSpan([event]);
    const swept = await withTraceContext(null, () => outbox.sweep(0));
    expect(swept).to.be.greaterThan(0);
    const delivered = await deliveredEvent(event.messageId);
    expect(traceIdOf(delivered.headers.traceparent)).to.equal(writer.traceId);
    expect(spanIdOf(delivered.headers.traceparent)).to.not.equal(writer.spanId);
  });
});
