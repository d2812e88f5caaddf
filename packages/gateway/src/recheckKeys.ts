import type { Logger } from '@trading/platform';
import type { Authenticator } from './authenticator.ts';
import type { Connection } from './connection.ts';
import { REVOKED_CLOSE_CODE } from './routeReply.ts';

/**
 * After the gateway's broker connection came back: a key revoked while it was down was announced to a private queue
 * that no longer existed. Forget every remembered key, ask Payment again about each user key in use, and close the
 * sockets whose key no longer belongs to their user. Asks once per key, not per socket.
 */
export async function recheckKeys(authenticator: Pick<Authenticator, 'clear' | 'check'>, connections: Iterable<Connection>, logger: Logger): Promise<void> {
  authenticator.clear();
  const byKey = new Map<string, Connection[]>();
  for (const connection of connections) {
    const { principal, keyHash } = connection.identity;
    if (principal.kind !== 'user' || keyHash === undefined) continue;
    byKey.set(keyHash, [...(byKey.get(keyHash) ?? []), connection]);
  }
  let closed = 0;
  await Promise.all(
    [...byKey].map(async ([keyHash, sockets]) => {
      const result = await authenticator.check(keyHash);
      if (!result.ok && result.code !== 'UNAUTHENTICATED') return; // not known now: the next reconnect asks again
      for (const socket of sockets) {
        const { principal } = socket.identity;
        const stillOwned = result.ok && principal.kind === 'user' && result.principal.kind === 'user' && result.principal.userId === principal.userId;
        if (stillOwned || socket.identity.keyHash !== keyHash) continue;
        socket.end(REVOKED_CLOSE_CODE, 'api key revoked');
        closed += 1;
      }
    }),
  );
  logger.info({ keys: byKey.size, closed }, 'keys re-checked after the broker connection came back');
}
