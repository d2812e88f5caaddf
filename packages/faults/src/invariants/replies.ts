import { errorCodes, type Reply } from '@trading/contracts';
import { definitiveReply, type RequestRecord } from '../load/records.ts';
import type { CheckResult } from './types.ts';

const MAX_EXAMPLES = 10;

/** Why a reply is not well formed per the protocol (id, status OK or ERROR, message; an ERROR has a known code). */
export function replyDefect(reply: Reply): string | undefined {
  if (reply === null || typeof reply !== 'object') return 'not an object';
  if (typeof reply.id !== 'string' && typeof reply.id !== 'number') return 'no id';
  if (reply.status !== 'OK' && reply.status !== 'ERROR') return 'status is neither OK nor ERROR';
  if (typeof reply.message !== 'string') return 'no message';
  if (reply.status === 'ERROR' && !(typeof reply.code === 'string' && Object.hasOwn(errorCodes, reply.code))) return 'ERROR without a known code';
  return undefined;
}

/** What is wrong with one request's replies: one reply per send, each well formed, and a definitive one in the end. */
function recordDefect(record: RequestRecord): string | undefined {
  if (record.replies.length < record.sends.length) return `${record.sends.length} sends, ${record.replies.length} replies`;
  if (record.replies.length > record.sends.length) return `${record.replies.length} replies to ${record.sends.length} sends`;
  for (const { reply } of record.replies) {
    const defect = replyDefect(reply);
    if (defect) return `malformed reply: ${defect}`;
  }
  return definitiveReply(record) ? undefined : 'no definitive reply (still unknown after re-sends)';
}

export function checkReplies(records: readonly RequestRecord[]): CheckResult {
  const violations = records.flatMap((record) => {
    const defect = recordDefect(record);
    return defect ? [{ id: record.id, type: record.type, defect, replies: record.replies.map((r) => r.reply) }] : [];
  });
  return {
    name: 'replies-exactly-once',
    rule: 'every send got exactly one well-formed reply, and every request ended with a definitive one (re-sent with its id after an unknown outcome)',
    ok: violations.length === 0,
    violations: violations.length,
    examples: violations.slice(0, MAX_EXAMPLES),
  };
}

/**
 * The load sends only well-formed requests at market prices, so none may be refused as the client's mistake (kind
 * `client`: INVALID_AMOUNT off the lot or tick grid, PRICE_OUT_OF_BAND, ORDER_TOO_LARGE…), except RATE_LIMITED. The
 * market's refusals (PRICE_NOT_MARKETABLE, PRICE_UNAVAILABLE, MARKET_HALTED) and missing funds or holdings are outcomes.
 */
export function checkRequestsValid(records: readonly RequestRecord[]): CheckResult {
  const violations = records.flatMap((record) => {
    const code = definitiveReply(record)?.code;
    const refused = code !== undefined && code !== 'RATE_LIMITED' && Object.hasOwn(errorCodes, code) && errorCodes[code].kind === 'client';
    return refused ? [{ id: record.id, type: record.type, body: record.body, code }] : [];
  });
  return {
    name: 'requests-valid',
    rule: "no request of the load was refused as the client's mistake (an error code of kind client, other than RATE_LIMITED)",
    ok: violations.length === 0,
    violations: violations.length,
    examples: violations.slice(0, MAX_EXAMPLES),
  };
}
