import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import { decideOrder, isMarketOpen } from '../src/decideOrder.ts';
import type { Instrument, Order } from '../src/domain.ts';

const stocks = { name: 'Stocks', opens: '09:00:00', closes: '16:00:00' };
const crypto = { name: 'Crypto', opens: '00:00:00', closes: '23:59:59' };
const amzn: Instrument = { symbol: 'AMZN', referencePrice: '180', market: stocks };
const btc: Instrument = { symbol: 'BTC', referencePrice: '65000', market: crypto };
const monday = (time: string) => new Date(`2026-01-05T${time}Z`);
const order = (fields: Partial<Order> = {}): Order => ({ id: 'o-1', type: 'BUY', user_id: randomUUID(), symbol: 'AMZN', amount: '2', ...fields }) as Order;
const open = { now: monday('10:00:00'), marketsAlwaysOpen: false };

describe('decideOrder', () => {
  it('accepts a limit order at its own price, with price × amount as notional', () => {
    expect(decideOrder(order({ price: '175.5' }), amzn, open)).to.deep.equal({ ok: true, price: '175.5', notional: '351', marketOrder: false });
  });

  it('executes an order without price at the reference price (a market order)', () => {
    expect(decideOrder(order(), amzn, open)).to.deep.equal({ ok: true, price: '180', notional: '360', marketOrder: true });
  });

  it('refuses an unknown symbol with SYMBOL_NOT_FOUND', () => {
    expect(decideOrder(order({ symbol: 'NOPE' }), undefined, open)).to.include({ ok: false, code: 'SYMBOL_NOT_FOUND' });
  });

  it('refuses a stock outside 09:00:00–16:00:00 UTC with MARKET_CLOSED', () => {
    expect(decideOrder(order(), amzn, { now: monday('20:00:00'), marketsAlwaysOpen: false })).to.include({ ok: false, code: 'MARKET_CLOSED' });
  });

  it('opens every market when MARKETS_ALWAYS_OPEN is set', () => {
    expect(decideOrder(order(), amzn, { now: monday('20:00:00'), marketsAlwaysOpen: true })).to.include({ ok: true });
  });

  it('refuses a notional that rounds to zero or exceeds the maximum amount with INVALID_AMOUNT', () => {
    expect(decideOrder(order({ amount: '0.00000001', price: '0.1' }), amzn, open)).to.include({ ok: false, code: 'INVALID_AMOUNT' });
    expect(decideOrder(order({ amount: '1000000', price: '1001' }), amzn, open)).to.include({ ok: false, code: 'INVALID_AMOUNT' });
  });

  it('decides a SELL by the same rules', () => {
    expect(decideOrder(order({ type: 'SELL', symbol: 'BTC', amount: '0.5' }), btc, open)).to.deep.equal({
      ok: true,
      price: '65000',
      notional: '32500',
      marketOrder: true,
    });
  });
});

describe('isMarketOpen (UTC hours)', () => {
  it('is open from the opening second through the last second of the closing time', () => {
    expect(isMarketOpen(stocks, monday('08:59:59'))).to.equal(false);
    expect(isMarketOpen(stocks, monday('09:00:00'))).to.equal(true);
    expect(isMarketOpen(stocks, new Date('2026-01-05T16:00:00.999Z'))).to.equal(true);
    expect(isMarketOpen(stocks, monday('16:00:01'))).to.equal(false);
  });

  it('keeps Crypto (00:00:00–23:59:59) open the whole day, its last second included', () => {
    expect(isMarketOpen(crypto, monday('00:00:00'))).to.equal(true);
    expect(isMarketOpen(crypto, new Date('2026-01-05T23:59:59.999Z'))).to.equal(true);
  });
});
