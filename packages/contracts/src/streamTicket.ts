import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * The dashboard's stream ticket: how a browser page, whose session is an HttpOnly cookie of Reporting, opens a socket
 * on the gateway, which cannot see Reporting's sessions. Reporting mints one per request of a logged-in operator
 * session (POST /api/stream-ticket); the page sends it once, in `{"type":"LOGIN","stream_ticket":…}`; the gateway
 * checks its MAC, redeems it once, and the socket may then only follow the public feeds (the `viewer` principal)
 * until the lease the ticket names, which another ticket extends. The MAC key is derived from ADMIN_API_KEY, which
 * both services hold already: no new secret to configure, and rotating the operator's key voids every ticket.
 */

/** A ticket must be redeemed within this long of its minting. */
export const STREAM_TICKET_TTL_MS = 30_000;
/** The longest lease a ticket may give a socket: it then ends unless a new ticket extended it. */
export const STREAM_LEASE_MAX_MS = 2 * 60_000;

export type StreamTicket = {
  /** 128 random bits: what makes it single-use (the gateway remembers redeemed nonces until they expire). */
  nonce: string;
  /** Redeem before this (ms since the epoch). */
  expiresAt: number;
  /** The socket's lease ends then (ms since the epoch): never after the session that minted it. */
  leaseUntil: number;
};

const PREFIX = 'st1';
const TICKET = /^st1\.([A-Za-z0-9_-]{1,200})\.([A-Za-z0-9_-]{43})$/;

/** The MAC key of tickets, from the operator's key; a label keeps it apart from any other use of that key. */
export function streamTicketKey(adminApiKey: string): Buffer {
  return createHmac('sha256', adminApiKey).update('trading/stream-ticket/v1').digest();
}

const macOf = (key: Buffer, payload: string) => createHmac('sha256', key).update(`${PREFIX}.${payload}`).digest();

/** A new ticket, redeemable for STREAM_TICKET_TTL_MS from `now`, leasing until `leaseUntil` at most (capped). */
export function mintStreamTicket(key: Buffer, now: number, leaseUntil: number): { ticket: string } & StreamTicket {
  const ticket: StreamTicket = {
    nonce: randomBytes(16).toString('base64url'),
    expiresAt: now + STREAM_TICKET_TTL_MS,
    leaseUntil: Math.min(leaseUntil, now + STREAM_LEASE_MAX_MS),
  };
  const payload = Buffer.from(JSON.stringify({ n: ticket.nonce, exp: ticket.expiresAt, until: ticket.leaseUntil })).toString('base64url');
  return { ticket: `${PREFIX}.${payload}.${macOf(key, payload).toString('base64url')}`, ...ticket };
}

/**
 * The ticket's content if its MAC is right and it can still be redeemed at `now`; undefined otherwise (forged,
 * altered, expired, or naming a lease longer than STREAM_LEASE_MAX_MS). Single use is the redeemer's to enforce.
 */
export function readStreamTicket(key: Buffer, text: string, now: number): StreamTicket | undefined {
  const [, payload = '', mac = ''] = TICKET.exec(text) ?? [];
  if (payload === '') return undefined;
  const given = Buffer.from(mac, 'base64url');
  const expected = macOf(key, payload);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
  let body: { n?: unknown; exp?: unknown; until?: unknown };
  try {
    body = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
  const { n, exp, until } = body;
  if (typeof n !== 'string' || typeof exp !== 'number' || typeof until !== 'number') return undefined;
  if (now >= exp || exp > now + STREAM_TICKET_TTL_MS || until <= now || until > exp - STREAM_TICKET_TTL_MS + STREAM_LEASE_MAX_MS) return undefined;
  return { nonce: n, expiresAt: exp, leaseUntil: until };
}
