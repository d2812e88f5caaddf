import { randomUUID } from 'node:crypto';
import type { Bus } from '@trading/bus';
import { authHeaders, exchanges, type Reply, requestRoutes } from '@trading/contracts';
import { waitFor } from '@trading/testkit';

/**
 * Asks Reporting for REPORTs over the bus as a gateway does: on the `api` exchange, stamped with a principal, the
 * replies coming back on api-response to a reply key of the asker's own. `asker` publishes; `listener` (connected
 * as a gateway, whose broker user may bind gateway.<instance>) receives.
 */
export async function reportAsker(listener: Bus): Promise<(asker: Bus, body: Record<string, unknown>, principal?: string) => Promise<Reply>> {
  const replyTo = `gateway.test-${randomUUID()}`;
  const replies = new Map<string, Reply>();
  await listener.consumePrivate(
    [{ exchange: exchanges.apiResponse, routingKey: replyTo }],
    async (d) => void replies.set(d.correlationId ?? '', d.body as Reply),
    // The gateway's broker user may declare only gateway.<instance> queues: named like the reply key.
    { name: replyTo },
  );
  return async (asker, body, principal) => {
    const correlationId = randomUUID();
    await asker.publish({
      exchange: requestRoutes.REPORT.exchange,
      routingKey: requestRoutes.REPORT.routingKey,
      messageId: randomUUID(),
      type: 'REPORT',
      body: { type: 'REPORT', ...body },
      correlationId,
      replyTo,
      headers: principal === undefined ? {} : { [authHeaders.principal]: principal },
    });
    return waitFor(() => replies.get(correlationId));
  };
}
