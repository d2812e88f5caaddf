import { authenticate, type Authenticated, brokerUsers, type Delivery, exchanges, replyMessage } from '@trading/contracts';
import { withDatabaseRetries } from '@trading/db';
import { PoisonMessageError } from '@trading/platform';
import type { PaymentDeps } from './deps.ts';
import { readKeyOwner } from './readState.ts';

/**
 * A gateway asks whose key this is (by its SHA-256): answered with the user whose live key it is, or null for a
 * key that is unknown, revoked, or of a removed user. Only a gateway may ask.
 */
export async function handleAuthenticate(deps: PaymentDeps, delivery: Delivery): Promise<void> {
  if (delivery.userId !== brokerUsers.gateway) throw new PoisonMessageError(`Authenticate from ${delivery.userId ?? 'nobody'}, not a gateway`);
  const parsed = authenticate.safeParse(delivery.body);
  if (!parsed.success) throw new PoisonMessageError('invalid Authenticate: key_sha256 must be 64 hex digits');
  if (!delivery.replyTo) throw new PoisonMessageError('Authenticate without reply-to');
  const owner = await withDatabaseRetries(() => readKeyOwner(deps.db, parsed.data.key_sha256));
  const body: Authenticated = { type: 'Authenticated', user_id: owner ?? null };
  await Promise.all(replyMessage(delivery, exchanges.paymentResponse, body).map((message) => deps.bus.publish(message)));
}
