import type { DeadLetter } from '@trading/db';

/** `pnpm dlq show`: one dead letter in full, its properties and headers, and its body as pretty JSON (as text if it is none). */
export function formatShow(d: DeadLetter): string {
  const { headers, ...properties } = d.properties as { headers?: unknown };
  const lines = [
    `id:             ${d.id}`,
    `message id:     ${d.messageId}`,
    `type:           ${d.type ?? '-'}`,
    `state:          ${d.state} since ${d.stateChangedAt.toISOString()}${d.stateChangedBy ? ` (by ${d.stateChangedBy})` : ''}`,
    `failed queue:   ${d.failedQueue}`,
    `failed service: ${d.failedService}`,
    `error:          ${d.errorName}: ${d.error}`,
    `attempts:       ${d.attempts}`,
    `first failure:  ${d.firstFailedAt.toISOString()}`,
    `last failure:   ${d.lastFailedAt.toISOString()}`,
    `published to:   exchange '${d.exchange}', routing key '${d.routingKey}'`,
    `published by:   ${d.publisher ?? '-'}${d.publishedAt ? ` at ${d.publishedAt.toISOString()}` : ''}`,
    `properties:     ${JSON.stringify(properties, null, 2).replace(/\n/g, '\n                ')}`,
    `headers:        ${JSON.stringify(headers ?? {}, null, 2).replace(/\n/g, '\n                ')}`,
    'body:',
    prettyBody(d.body),
  ];
  return lines.join('\n');
}

function prettyBody(body: string): string {
  try {
    return JSON.stringify(JSON.parse(body), null, 2);
  } catch {
    return body;
  }
}
