import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import { decodeTradeCursor, encodeTradeCursor, parseRequest } from '../src/index.ts';

const USER = '6f1c7d0e-3b7a-4c1e-9a7e-1f2d3c4b5a69';
const refusal = (raw: Record<string, unknown>) => {
  const parsed = parseRequest(raw, 'fallback');
  return parsed.ok ? undefined : { code: parsed.error.code, field: parsed.error.field };
};
const cursorAt = (at: string) => Buffer.from(JSON.stringify([at, randomUUID()])).toString('base64url');

describe('request ids out of bounds', () => {
  for (const [what, id] of [
    ['a NUL character', 'a\u0000b'],
    ['a lone surrogate', 'a\ud800b'],
    ['a C1 control character', 'a\u0085b'],
    ['129 code points', '😀'.repeat(129)],
    ['an empty string', ''],
    ['an unsafe integer', 2 ** 53],
    ['a fraction', 1.5],
  ] as const) {
    it(`refuses ${what} with INVALID_REQUEST on id`, () => {
      expect(refusal({ id, type: 'USER_INFO', user_id: USER })).to.deep.equal({ code: 'INVALID_REQUEST', field: 'id' });
    });
  }

  it('accepts 128 code points of emoji (256 UTF-16 units) and the largest safe integer', () => {
    expect(refusal({ id: '😀'.repeat(128), type: 'USER_INFO', user_id: USER })).to.equal(undefined);
    expect(refusal({ id: Number.MAX_SAFE_INTEGER, type: 'USER_INFO', user_id: USER })).to.equal(undefined);
  });
});

describe('times and cursors out of bounds', () => {
  it('refuses a REPORT time before 1970 with INVALID_REQUEST on the field', () => {
    expect(refusal({ id: 1, type: 'REPORT', from: '1969-12-31T23:59:59Z' })).to.deep.equal({ code: 'INVALID_REQUEST', field: 'from' });
    expect(refusal({ id: 1, type: 'REPORT', to: '2026-01-01T00:00:00Z' })).to.equal(undefined);
  });

  it('refuses a TRADES cursor for the year -271821 and one that is not a cursor, and round-trips a real one', () => {
    expect(refusal({ id: 1, type: 'TRADES', user_id: USER, cursor: cursorAt('-271821-04-20T00:00:00.000Z') })).to.deep.equal({
      code: 'INVALID_REQUEST',
      field: 'cursor',
    });
    expect(refusal({ id: 1, type: 'TRADES', user_id: USER, cursor: 'not-a-cursor' })).to.deep.equal({ code: 'INVALID_REQUEST', field: 'cursor' });
    const position = { executedAt: new Date('2026-01-05T10:00:00.123Z'), id: randomUUID() };
    expect(decodeTradeCursor(encodeTradeCursor(position))).to.deep.equal(position);
    expect(decodeTradeCursor(Buffer.from('["2026-01-05T10:00:00Z","x"]').toString('base64url'))).to.equal(null);
  });
});
