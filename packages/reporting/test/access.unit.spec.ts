import { expect } from 'chai';
import { scopeCriteria } from '../src/http/access.ts';

const own = '11111111-1111-4111-8111-111111111111';
const other = '22222222-2222-4222-8222-222222222222';
const user = { kind: 'user', userId: own } as const;
const admin = { kind: 'admin' } as const;

describe('what a key may ask the reporting API about', () => {
  it("limits a user's criteria to its own user_id when it names none", () => {
    const bySymbol: { symbol: string; user_id?: string } = { symbol: 'BTC' };
    expect(scopeCriteria(user, bySymbol)).to.deep.equal({ ok: true, value: { symbol: 'BTC', user_id: own } });
    expect(scopeCriteria(user, { user_id: own, limit: 5 })).to.deep.equal({ ok: true, value: { user_id: own, limit: 5 } });
  });

  it("refuses a user's criteria naming another user with FORBIDDEN", () => {
    expect(scopeCriteria(user, { user_id: other })).to.include({ ok: false, code: 'FORBIDDEN' });
  });

  it("leaves the operator's criteria as asked: global without user_id, any user with it", () => {
    const bySymbol: { symbol: string; user_id?: string } = { symbol: 'BTC' };
    expect(scopeCriteria(admin, bySymbol)).to.deep.equal({ ok: true, value: { symbol: 'BTC' } });
    expect(scopeCriteria(admin, { user_id: other })).to.deep.equal({ ok: true, value: { user_id: other } });
  });
});
