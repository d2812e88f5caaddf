import { createHmac } from 'node:crypto';
import { expect } from 'chai';
import {
  authorize,
  decodePrincipal,
  encodePrincipal,
  mintStreamTicket,
  readStreamTicket,
  STREAM_LEASE_MAX_MS,
  STREAM_TICKET_TTL_MS,
  streamTicketKey,
} from '../src/index.ts';

const KEY = streamTicketKey('operator-key-for-unit-tests-0123456789');
const NOW = 1_800_000_000_000;
const forge = (payload: object, mac: string) => `st1.${Buffer.from(JSON.stringify(payload)).toString('base64url')}.${mac}`;
/** A ticket with a genuine MAC over any payload: what a Reporting with a wrong clock or a bug could mint. */
const signed = (payload: object) => {
  const body = Buffer.from(JSON.stringify(payload)).toString('base64url');
  return `st1.${body}.${createHmac('sha256', KEY).update(`st1.${body}`).digest('base64url')}`;
};

describe('a stream ticket', () => {
  it('reads back what was minted, until its redeem deadline', () => {
    const minted = mintStreamTicket(KEY, NOW, NOW + 60_000);
    expect(readStreamTicket(KEY, minted.ticket, NOW + STREAM_TICKET_TTL_MS - 1)).to.deep.equal({
      nonce: minted.nonce,
      expiresAt: NOW + STREAM_TICKET_TTL_MS,
      leaseUntil: NOW + 60_000,
    });
    expect(readStreamTicket(KEY, minted.ticket, NOW + STREAM_TICKET_TTL_MS)).to.equal(undefined);
  });

  it('never leases past STREAM_LEASE_MAX_MS, whatever the session allows', () => {
    expect(mintStreamTicket(KEY, NOW, NOW + 8 * 3_600_000).leaseUntil).to.equal(NOW + STREAM_LEASE_MAX_MS);
  });

  it('is refused with another key, an altered payload, a payload the MAC does not cover, or a lease too long', () => {
    const { ticket } = mintStreamTicket(KEY, NOW, NOW + 60_000);
    const [, , mac = ''] = ticket.split('.');
    expect(readStreamTicket(streamTicketKey('another-operator-key-0123456789abcdef'), ticket, NOW)).to.equal(undefined);
    expect(readStreamTicket(KEY, forge({ n: 'x', exp: NOW + 1000, until: NOW + 60_000 }, mac), NOW)).to.equal(undefined);
    expect(readStreamTicket(KEY, signed({ n: 'x', exp: NOW + 1000, until: NOW + 60_000 }), NOW)).to.include({ nonce: 'x' });
    expect(readStreamTicket(KEY, signed({ n: 'x', exp: NOW + 1000, until: NOW + STREAM_LEASE_MAX_MS }), NOW)).to.equal(undefined);
    expect(readStreamTicket(KEY, signed({ n: 'x', exp: NOW + 3_600_000, until: NOW + 60_000 }), NOW)).to.equal(undefined);
    expect(readStreamTicket(KEY, signed({ n: 1, exp: NOW + 1000, until: NOW + 60_000 }), NOW)).to.equal(undefined);
    for (const text of ['', 'st1..', `${ticket}x`, `st2${ticket.slice(3)}`, ticket.replace('.', '..')])
      expect(readStreamTicket(KEY, text, NOW), text).to.equal(undefined);
  });

  it('makes a viewer, which may QUOTE and nothing else, and travels as the stamp `viewer`', () => {
    expect(encodePrincipal({ kind: 'viewer' })).to.equal('viewer');
    expect(decodePrincipal('viewer')).to.deep.equal({ kind: 'viewer' });
    expect(authorize({ kind: 'viewer' }, { id: 1, type: 'QUOTE', symbol: 'BTC' })).to.include({ ok: true });
    expect(authorize({ kind: 'viewer' }, { id: 2, type: 'REPORT' })).to.include({ ok: false, code: 'FORBIDDEN' });
    // What SUBSCRIBE to an account asks (subscribeAccount.ts): a viewer follows no one's account.
    expect(authorize({ kind: 'viewer' }, { id: 3, type: 'USER_INFO', user_id: '0b0c0f9e-5c1e-4c5e-9d5a-6f1f2a3b4c5d' })).to.include({
      ok: false,
      code: 'FORBIDDEN',
    });
    expect(authorize({ kind: 'viewer' }, { id: 3, type: 'ADD_USER' })).to.include({ ok: false, code: 'FORBIDDEN' });
  });
});
