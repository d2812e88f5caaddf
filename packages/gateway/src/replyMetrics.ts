import { counter, histogram } from '@trading/platform';
import type { Connection } from './connection.ts';

const requests = counter('trading_gateway_requests_total', 'Requests answered, by type and outcome (ok, or the error code).', ['type', 'outcome']);
const replyDuration = histogram(
  'trading_gateway_reply_duration_seconds',
  'From a request frame read to its reply sent, by type.',
  [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
  ['type'],
);

/** When each request in flight was read, by connection and request id; a closed connection's go with it. */
const started = new WeakMap<Connection, Map<string, number>>();

/** A valid request frame was read: its reply's latency is measured from now. */
export function requestStarted(connection: Connection, id: string | number): void {
  let times = started.get(connection);
  if (!times) started.set(connection, (times = new Map()));
  times.set(String(id), performance.now());
}

/** A reply is sent: counted by its type and outcome, and timed if its request was. */
export function replySent(connection: Connection, body: unknown): void {
  const reply = body as { id?: unknown; type?: unknown; status?: unknown; code?: unknown };
  if (typeof reply !== 'object' || reply === null || reply.status === undefined) return;
  const type = typeof reply.type === 'string' ? reply.type : 'unknown';
  requests.inc({ type, outcome: reply.status === 'OK' ? 'ok' : String(reply.code ?? 'ERROR') });
  const times = started.get(connection);
  const at = times?.get(String(reply.id));
  if (at === undefined) return;
  times?.delete(String(reply.id));
  replyDuration.observe({ type }, (performance.now() - at) / 1000);
}
