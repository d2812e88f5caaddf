import { authorize, errorReply, okReply, type Reply, type SubscribeRequest, type UnsubscribeRequest, type UserInfoRequest } from '@trading/contracts';
import type { Connection } from '../connection.ts';
import { askAccountSnapshot } from './accountSnapshot.ts';
import type { Feed } from './feedTopics.ts';
import type { StreamContext } from './subscribe.ts';

/**
 * SUBSCRIBE and UNSUBSCRIBE to an `account`: the principal's own, or the one it names if it may act for it (the
 * operator for any user; a user only for itself: another's is FORBIDDEN), by the rule every request follows. The
 * feed queue is bound to the account first, then its snapshot is read: so every change committed after the snapshot
 * reaches this gateway, and those it holds from before are dropped by their numbers. The reply carries the snapshot;
 * the changes that came meanwhile and are newer follow it at once, then each change as it comes.
 */
export function handleAccountSubscription(
  ctx: StreamContext,
  connection: Connection,
  request: SubscribeRequest | UnsubscribeRequest,
  answer: (reply: Reply) => void,
): void {
  const authorized = authorize(connection.identity.principal, { id: request.id, type: 'USER_INFO', user_id: request.user_id });
  if (!authorized.ok) {
    const { code, message, field } = authorized;
    return answer(errorReply(request.id, request.type, code, message, field ? { field } : {}));
  }
  const userId = (authorized.request as UserInfoRequest).user_id;
  const feed: Feed = { channel: 'account', key: userId };
  const named = { channel: feed.channel, user_id: userId };
  if (request.type === 'UNSUBSCRIBE') {
    const ended = ctx.feeds.remove(connection, feed);
    return answer(okReply(request.id, request.type, ended ? `unsubscribed from account ${userId}` : 'not subscribed', named));
  }
  const sub = ctx.feeds.add(connection, feed);
  if (!sub) return answer(errorReply(request.id, request.type, 'TOO_MANY_SUBSCRIPTIONS'));
  void sub.bound.then(() =>
    askAccountSnapshot(ctx, connection, request.id, userId, (outcome) => {
      if (!outcome.ok) {
        if (ctx.feeds.holds(connection, sub)) ctx.feeds.remove(connection, feed);
        return answer({ ...outcome.reply, id: request.id, type: request.type, ...named });
      }
      answer(okReply(request.id, request.type, `subscribed to account ${userId}`, { ...named, snapshot: outcome.snapshot }));
      if (!ctx.feeds.holds(connection, sub)) return;
      for (const change of ctx.feeds.accounts.start(userId, sub, outcome.snapshot.seq)) connection.send(change);
      ctx.feeds.activate(connection, sub);
    }),
  );
}
