import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { trace } from '@opentelemetry/api';
import { expect } from 'chai';
import { createLogger } from '../src/logger.ts';
import { startTracing, stopTracing } from '../src/tracing/startTracing.ts';
import { currentTraceId, extractTraceContext, injectTraceContext, withTraceContext } from '../src/tracing/traceContext.ts';
import { withSpan } from '../src/tracing/withSpan.ts';

function capture() {
  const lines: Record<string, unknown>[] = [];
  const destination = new Writable({
    write(chunk, _encoding, done) {
      for (const line of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  return { logger: createLogger('test', 'info', destination), lines };
}

describe('tracing off (no OTEL_EXPORTER_OTLP_ENDPOINT)', () => {
  it('sets nothing up: spans are plain calls, headers stay as they are, log lines carry no trace_id', async () => {
    startTracing('test', { OTEL_EXPORTER_OTLP_ENDPOINT: undefined });
    expect(trace.getTracer('any').startSpan('probe').isRecording(), 'the API tracer is its no-op').to.equal(false);
    const { logger, lines } = capture();
    const result = await withSpan('work', { kind: 'consumer' }, async (span) => {
      expect(span.context).to.equal(undefined);
      logger.info('inside');
      return injectTraceContext({ 'x-schema-version': 2 });
    });
    expect(result).to.deep.equal({ 'x-schema-version': 2 });
    expect(extractTraceContext({ traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01' })).to.equal(undefined);
    expect(currentTraceId()).to.equal(undefined);
    expect(lines[0]).to.not.have.any.keys('trace_id', 'span_id');
  });
});

describe('tracing on', () => {
  let collector: Server;
  before(async () => {
    collector = createServer((req, res) => {
      req.resume();
      req.on('end', () => res.writeHead(200, { 'content-type': 'application/json' }).end('{}'));
    });
    collector.listen(0, '127.0.0.1');
    await once(collector, 'listening');
    startTracing('test', { OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${(collector.address() as AddressInfo).port}` });
  });
  after(async () => {
    await stopTracing();
    collector.closeAllConnections();
    collector.close();
  });

  it('writes trace_id and span_id on a log line written inside a span, and none outside', async () => {
    const { logger, lines } = capture();
    const inside = await withSpan('work', {}, async () => {
      logger.info('inside');
      return currentTraceId();
    });
    logger.info('outside');
    expect(inside).to.match(/^[0-9a-f]{32}$/);
    expect(lines[0]).to.include({ trace_id: inside, msg: 'inside' });
    expect(lines[0]?.span_id).to.match(/^[0-9a-f]{16}$/);
    expect(lines[1]).to.not.have.any.keys('trace_id', 'span_id');
  });

  it('carries the trace in traceparent headers: a span started under the extracted context is in the same trace', () => {
    const { headers, traceId } = withSpan('producer', { kind: 'producer' }, () => ({
      headers: injectTraceContext<Record<string, string>>({}),
      traceId: currentTraceId(),
    }));
    expect(headers.traceparent).to.match(new RegExp(`^00-${traceId}-[0-9a-f]{16}-01$`));
    const parent = extractTraceContext(headers);
    const child = withSpan('consumer', { kind: 'consumer', parent }, () => currentTraceId());
    expect(child).to.equal(traceId);
    expect(withTraceContext(null, () => withSpan('other', {}, () => currentTraceId()))).to.not.equal(traceId);
  });

  it('passes a failure on to the caller', async () => {
    let caught: unknown;
    await withSpan('failing', {}, async () => {
      throw new Error('boom');
    }).catch((err: unknown) => {
      caught = err;
    });
    expect(caught).to.be.instanceOf(Error).with.property('message', 'boom');
  });
});
