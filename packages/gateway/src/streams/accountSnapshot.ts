import type { Reply, RequestId } from '@trading/contracts';
import type { Connection } from '../connection.ts';
import { publishRequest } from '../publishRequest.ts';
import type { AccountSeq } from './accountFeed.ts';
import type { StreamContext } from './subscribe.ts';

/** An account as a subscription starts from it, with the numbers of each source's changes it includes. */
export type AccountSnapshot = {
  balance: unknown;
  reserved: unknown;
  holdings: unknown;
  open_orders: unknown;
  seq: AccountSeq;
};

export type SnapshotOutcome = { ok: true; snapshot: AccountSnapshot } | { ok: false; reply: Reply };

/**
 * Reads an account's snapshot from its two owners, as `connection`'s principal (each service authorises it again):
 * Payment's USER_INFO (the balances) and Trade's PORTFOLIO (holdings and open orders), each read in one snapshot of
 * its database together with its counter (`account_seq`). `done` is called once, with both, or with the first
 * refusal (USER_NOT_FOUND, REPLY_TIMEOUT, …). Their replies go to `done`, never to the socket.
 */
export function askAccountSnapshot(ctx: StreamContext, connection: Connection, id: RequestId, userId: string, done: (outcome: SnapshotOutcome) => void): void {
  const asker: Connection = { ...connection, send: () => undefined };
  const answers: { info?: Reply; portfolio?: Reply } = {};
  let finished = false;
  const settle = () => {
    if (finished) return;
    const failed = [answers.info, answers.portfolio].find((reply) => reply && reply.status !== 'OK');
    if (failed) {
      finished = true;
      return done({ ok: false, reply: failed });
    }
    const { info, portfolio } = answers;
    if (!info || !portfolio) return;
    finished = true;
    done({
      ok: true,
      snapshot: {
        balance: info.amount,
        reserved: info.reserved,
        holdings: portfolio.holdings,
        open_orders: portfolio.open_orders,
        seq: { payment: Number(info.account_seq ?? 0), trade: Number(portfolio.account_seq ?? 0) },
      },
    });
  };
  const ask = (type: 'USER_INFO' | 'PORTFOLIO', keep: (reply: Reply) => void) =>
    publishRequest(ctx, asker, { id, type, user_id: userId }, undefined, {
      type,
      complete: (reply) => {
        keep(reply);
        settle();
        return reply;
      },
    });
  ask('USER_INFO', (reply) => {
    answers.info = reply;
  });
  ask('PORTFOLIO', (reply) => {
    answers.portfolio = reply;
  });
}
