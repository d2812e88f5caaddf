import { expect } from 'chai';
import { accountKey, parseRequest } from '../src/index.ts';

const user = '8c7f6b1e-1c1a-4e55-9a51-3f1f3a9d2b10';

describe('client request validation', () => {
  it('accepts each seed request shape', () => {
    const requests = [
      { id: '1', type: 'ADD_USER' },
      { id: '2', type: 'REMOVE_USER', user_id: user },
      { id: '3', type: 'DEPOSIT', user_id: user, amount: '100.50' },
      { id: '4', type: 'WITHDRAW', user_id: user, amount: '10' },
      { id: '5', type: 'USER_INFO', user_id: user },
      { id: '6', type: 'BUY', user_id: user, symbol: 'AAPL', price: '180', amount: '1' },
      { id: '7', type: 'SELL', user_id: user, symbol: 'AAPL', price: '180', amount: '1' },
    ];
    for (const request of requests) expect(parseRequest(request, 'x').ok, request.type).to.equal(true);
  });

  it('gives a request without id the generated one', () => {
    const parsed = parseRequest({ type: 'ADD_USER' }, 'generated-1');
    expect(parsed.ok && parsed.request.id).to.equal('generated-1');
  });

  it('accepts a market order without price and upper-cases the symbol', () => {
    const parsed = parseRequest({ type: 'BUY', user_id: user, symbol: 'btc', amount: '0.5' }, 'x');
    expect(parsed.ok && parsed.request).to.deep.include({ symbol: 'BTC', amount: '0.5' });
  });

  it('names an unknown or missing type with UNKNOWN_TYPE', () => {
    const unknown = parseRequest({ id: 'a', type: 'STEAL' }, 'x');
    const missing = parseRequest({ id: 'b' }, 'x');
    expect(!unknown.ok && unknown.error.code).to.equal('UNKNOWN_TYPE');
    expect(!missing.ok && missing.error.code).to.equal('UNKNOWN_TYPE');
    expect(!unknown.ok && unknown.id).to.equal('a');
  });

  it('names the missing field', () => {
    const parsed = parseRequest({ type: 'DEPOSIT', user_id: user }, 'x');
    expect(!parsed.ok && parsed.error).to.deep.include({ code: 'INVALID_REQUEST', field: 'amount' });
  });

  it('names the broken money rule of a bad amount', () => {
    const parsed = parseRequest({ type: 'WITHDRAW', user_id: user, amount: '1e3' }, 'x');
    expect(!parsed.ok && parsed.error).to.deep.include({ code: 'INVALID_AMOUNT', field: 'amount', rule: 'NOT_A_DECIMAL' });
  });

  it('rejects wrong field types, unknown fields, bad user ids and script text in symbols', () => {
    const cases = [
      { type: 'USER_INFO', user_id: 42 },
      { type: 'USER_INFO', user_id: "'; DROP TABLE payment.account; --" },
      { type: 'ADD_USER', admin: true },
      { type: 'BUY', user_id: user, symbol: '<script>alert(1)</script>', amount: '1' },
      { type: 'TRADES', user_id: user, limit: 1000 },
    ];
    for (const request of cases) {
      const parsed = parseRequest(request, 'x');
      expect(!parsed.ok && parsed.error.code, JSON.stringify(request)).to.equal('INVALID_REQUEST');
    }
  });

  it('rejects a body that is not an object', () => {
    for (const raw of [null, 42, 'text', [1, 2]]) {
      const parsed = parseRequest(raw, 'x');
      expect(!parsed.ok && parsed.error.code).to.equal('INVALID_REQUEST');
    }
  });
});

describe('SUBSCRIBE and UNSUBSCRIBE to a feed', () => {
  const USER_ID = '11111111-1111-4111-8111-111111111111';
  const parse = (body: Record<string, unknown>) => parseRequest({ id: 'f', ...body }, 'gen');
  it('names a symbol for ticker and trades, and no symbol for account (its user_id optional, lower-cased)', () => {
    expect(parse({ type: 'SUBSCRIBE', channel: 'ticker', symbol: 'btc' })).to.deep.include({ ok: true });
    const account = parse({ type: 'SUBSCRIBE', channel: 'account', user_id: USER_ID.toUpperCase() });
    expect(account.ok && account.request).to.deep.include({ channel: 'account', user_id: USER_ID });
    expect(parse({ type: 'UNSUBSCRIBE', channel: 'account' })).to.deep.include({ ok: true });
  });
  it('refuses an account with a symbol, a public feed without one or with a user_id, and a user_id that is no user id', () => {
    for (const body of [
      { type: 'SUBSCRIBE', channel: 'account', symbol: 'BTC' },
      { type: 'SUBSCRIBE', channel: 'ticker' },
      { type: 'SUBSCRIBE', channel: 'trades', symbol: 'BTC', user_id: USER_ID },
      { type: 'SUBSCRIBE', channel: 'account', user_id: 'account.#' },
      { type: 'SUBSCRIBE', channel: 'orders' },
    ]) {
      const parsed = parse(body);
      expect(parsed.ok, JSON.stringify(body)).to.equal(false);
      if (!parsed.ok) expect(parsed.error.code).to.equal('INVALID_REQUEST');
    }
  });
});

describe("an account's routing key", () => {
  it('is account.<user_id> for a lower-case user id, and refuses anything that could be a wildcard', () => {
    expect(accountKey(user)).to.equal(`account.${user}`);
    for (const bad of [user.toUpperCase(), '#', '*', `${user}.x`, 'a.b']) expect(() => accountKey(bad), bad).to.throw();
  });
});
