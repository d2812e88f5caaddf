import { type BrokerPasswords, openRepublisher, type Republisher, serviceBrokerUrl, usernameOf } from '@trading/bus';
import { serviceOfBrokerUser } from '@trading/contracts';
import type { DeadLetter } from '@trading/db';
import { replayMessage } from './replayMessage.ts';

export type Replayer = { replay(deadLetter: DeadLetter): Promise<void>; close(): Promise<void> };

/**
 * Publishes dead letters again as their publishers did: a message a service published goes out over that service's
 * own broker user (its password from `passwords`), to the exchange and routing key it was first published to, with
 * its user-id. The broker thus checks the replay as it checked the first publication (permissions, topic permissions,
 * user-id), and the consumer believes its sender as before (delivery.userId); nobody needs to impersonate anybody.
 * Any other message (no service's, or dead-lettered before the bus kept its exchange) goes out as the operator of
 * `amqpUrl`, with the user-id only if it is the operator's own.
 */
export function createReplayer(amqpUrl: string, passwords: BrokerPasswords): Replayer {
  const operator = usernameOf(amqpUrl);
  const open = new Map<string, Promise<Republisher>>();
  const via = (url: string): Promise<Republisher> => {
    let republisher = open.get(url);
    if (!republisher) open.set(url, (republisher = openRepublisher(url)));
    return republisher;
  };
  return {
    async replay(deadLetter) {
      const service = deadLetter.publisher ? serviceOfBrokerUser(deadLetter.publisher) : undefined;
      const asPublisher = service !== undefined && deadLetter.exchange !== '';
      const url = asPublisher ? serviceBrokerUrl(amqpUrl, service, passwords) : amqpUrl;
      const userId = asPublisher || deadLetter.publisher === operator ? (deadLetter.publisher ?? undefined) : undefined;
      const republisher = via(url);
      try {
        await (await republisher).publish(replayMessage(deadLetter, userId));
      } catch (err) {
        // A refused publish closes the channel: the next replay opens a new one.
        open.delete(url);
        await (await republisher.catch(() => undefined))?.close();
        throw err;
      }
    },
    async close() {
      for (const republisher of open.values()) await (await republisher.catch(() => undefined))?.close();
      open.clear();
    },
  };
}
