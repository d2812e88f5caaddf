import type { Reply, RequestType } from '@trading/contracts';

/** One client request of a load: every time it was sent and every reply that carried its id. */
export type RequestRecord = {
  /** The client's request id, unique in the load. */
  id: string;
  /** Index of the WebSocket client that sent it (re-sends go through the same socket, so the same session). */
  client: number;
  type: RequestType;
  body: Record<string, unknown> & { id: string; type: RequestType };
  /** Epoch ms of each send: the first one, then each re-send with the same id. */
  sends: number[];
  /**
   * Epoch ms of each time the client moved to another gateway with this request unanswered and sent it there again
   * (same id): the send's continuation, not a send of its own, since the lost gateway never answers the first.
   */
  failovers?: number[];
  /** Every reply with this id, in arrival order, with its epoch ms. */
  replies: { at: number; reply: Reply }[];
};

/**
 * Gateway answers that say nothing about the outcome: the request may have been applied or not
 * (no reply in time, a reply lost with the gateway's broker connection, a publish whose confirm was lost, a shutdown
 * with the reply still on its way).
 */
export const UNKNOWN_OUTCOME_CODES: ReadonlySet<string> = new Set(['REPLY_TIMEOUT', 'REPLY_LOST', 'BROKER_BUSY', 'SHUTTING_DOWN']);

/**
 * The reply that settles what happened to the request, or undefined while it is unknown. After an
 * unknown outcome, a re-send refused at the gateway (RATE_LIMITED) settles nothing: only a service's reply does.
 */
export function definitiveReply(record: Pick<RequestRecord, 'replies'>): Reply | undefined {
  let mayHaveApplied = false;
  for (const { reply } of record.replies) {
    if (reply.code !== undefined && UNKNOWN_OUTCOME_CODES.has(reply.code)) mayHaveApplied = true;
    else if (!(reply.code === 'RATE_LIMITED' && mayHaveApplied)) return reply;
  }
  return undefined;
}

/** Milliseconds from the first send to the definitive reply (undefined while unknown). */
export function latencyMs(record: RequestRecord): number | undefined {
  const settled = definitiveReply(record);
  const first = record.sends[0];
  const at = record.replies.find((r) => r.reply === settled)?.at;
  return at === undefined || first === undefined ? undefined : at - first;
}
