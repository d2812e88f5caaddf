import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import type { MarketView } from '../src/decideExecution.ts';
import { decideOrder, isMarketOpen, type OrderRules } from '../src/decideOrder.ts';
import type { Instrument, Order } from '../src/domain.ts';

const stocks = { name: 'Stocks', opens: '09:00:00', closes: '16:00:00' };
const crypto = { name: 'Crypto', opens: '00:00:00', closes: '23:59:59' };
const amzn: Instrument = { symbol: 'AMZN', referencePrice: '180', priceTick: '0.01', lotSize: '0.0001', maxNotional: '1000000', market: stocks };
const btc: Instrument = { symbol: 'BTC', referencePrice: '65000', priceTick: '0.01', lotSize: '0.00001', maxNotional: '5000000', market: crypto };
const monday = (time: string) => new Date(`2026-01-05T${time}Z`);
const order = (fields: Partial<Order> = {}): Order => ({ id: 'o-1', type: 'BUY', user_id: randomUUID(), symbol: 'AMZN', amount: '2', ...fields }) as Order;

/** The market at 180 (tick seq 7, half a second old), open on a Monday at 10:00 UTC. */
const market = (fields: Partial<MarketView> = {}): MarketView => ({
  quote: { symbol: 'AMZN', price: '180', seq: 7, at: monday('09:59:59') },
  quoteAgeMs: 500,
  halted: false,
  now: monday('10:00:00'),
  ...fields,
});
const at = (price: string): Partial<MarketView> => ({ quote: { symbol: 'AMZN', price, seq: 7, at: monday('09:59:59') } });
const rules: OrderRules = { feeBps: 0, maxPriceAgeMs: 10_000, marketsAlwaysOpen: false, collarBps: 100, bandPct: 10 };
const withFee: OrderRules = { ...rules, feeBps: 10 };

describe('decideOrder: a BUY', () => {
  it('with a limit at or above the market is accepted, bounded by its limit, and reserves limit × amount', () => {
    expect(decideOrder(order({ price: '181' }), amzn, market(), rules)).to.deep.equal({
      ok: true,
      limitPrice: '181',
      priceBound: '181',
      reserved: '362',
      execution: null,
    });
    expect(decideOrder(order({ price: '180' }), amzn, market(), rules)).to.include({ ok: true, priceBound: '180' });
  });

  it('reserves the fee on top of limit × amount', () => {
    expect(decideOrder(order({ price: '181' }), amzn, market(), withFee)).to.include({ ok: true, reserved: '362.362' });
  });

  it('without a price (a market order) is bounded by the collar above the last price, rounded up to the tick', () => {
    // 180.05 × 1.01 = 181.8505 → 181.86; reserved 2 × 181.86 = 363.72, plus 10 bps = 0.36372.
    expect(decideOrder(order(), amzn, market(at('180.05')), withFee)).to.deep.equal({
      ok: true,
      limitPrice: null,
      priceBound: '181.86',
      reserved: '364.08372',
      execution: null,
    });
  });

  it('with a limit below the market is refused PRICE_NOT_MARKETABLE, with the market price', () => {
    expect(decideOrder(order({ price: '179.99' }), amzn, market(), rules)).to.deep.include({
      ok: false,
      code: 'PRICE_NOT_MARKETABLE',
      fields: { market_price: '180' },
    });
  });
});

describe('decideOrder: a SELL', () => {
  it('with a limit at or below the market executes at once at the quote, not at its limit, with the fee', () => {
    expect(decideOrder(order({ type: 'SELL', price: '179' }), amzn, market(), withFee)).to.deep.equal({
      ok: true,
      limitPrice: '179',
      priceBound: '179',
      reserved: null,
      execution: { price: '180', notional: '360', fee: '0.36', tickSeq: 7 },
    });
  });

  it('without a price is bounded by the collar below the last price, rounded down to the tick, and executes at the quote', () => {
    // 180.05 × 0.99 = 178.2495 → 178.24.
    expect(decideOrder(order({ type: 'SELL' }), amzn, market(at('180.05')), rules)).to.deep.equal({
      ok: true,
      limitPrice: null,
      priceBound: '178.24',
      reserved: null,
      execution: { price: '180.05', notional: '360.1', fee: '0', tickSeq: 7 },
    });
  });

  it('with a limit above the market is refused PRICE_NOT_MARKETABLE, with the market price', () => {
    expect(decideOrder(order({ type: 'SELL', price: '180.01' }), amzn, market(), rules)).to.deep.include({
      ok: false,
      code: 'PRICE_NOT_MARKETABLE',
      fields: { market_price: '180' },
    });
  });
});

describe('decideOrder: the price and lot grid', () => {
  it('refuses a price off the price tick with INVALID_AMOUNT, field price, rule PRICE_TICK', () => {
    expect(decideOrder(order({ price: '180.005' }), amzn, market(), rules)).to.deep.include({
      ok: false,
      code: 'INVALID_AMOUNT',
      fields: { field: 'price', rule: 'PRICE_TICK' },
    });
  });

  it('refuses an amount off the lot with INVALID_AMOUNT, field amount, rule LOT_SIZE, by the symbol’s own lot', () => {
    expect(decideOrder(order({ amount: '0.00005', price: '180' }), amzn, market(), rules)).to.deep.include({
      ok: false,
      code: 'INVALID_AMOUNT',
      fields: { field: 'amount', rule: 'LOT_SIZE' },
    });
    const btcMarket = market({ quote: { symbol: 'BTC', price: '65000', seq: 7, at: monday('09:59:59') } });
    expect(decideOrder(order({ symbol: 'BTC', amount: '0.00005', price: '65000' }), btc, btcMarket, rules)).to.include({ ok: true });
  });
});

describe('decideOrder: the market price', () => {
  it('refuses an order with PRICE_UNAVAILABLE when no price has arrived', () => {
    expect(decideOrder(order({ price: '180' }), amzn, market({ quote: undefined, quoteAgeMs: Number.POSITIVE_INFINITY }), rules)).to.include({
      ok: false,
      code: 'PRICE_UNAVAILABLE',
    });
  });

  it('refuses an order with PRICE_UNAVAILABLE when the last price is older than PRICE_MAX_AGE_MS', () => {
    expect(decideOrder(order({ price: '180' }), amzn, market({ quoteAgeMs: 10_001 }), rules)).to.include({ ok: false, code: 'PRICE_UNAVAILABLE' });
    expect(decideOrder(order({ price: '180' }), amzn, market({ quoteAgeMs: 10_000 }), rules)).to.include({ ok: true });
  });

  it('refuses a limit more than PRICE_BAND_PCT from the market with PRICE_OUT_OF_BAND, on either side', () => {
    expect(decideOrder(order({ price: '198' }), amzn, market(), rules)).to.include({ ok: true });
    expect(decideOrder(order({ price: '198.01' }), amzn, market(), rules)).to.deep.include({
      ok: false,
      code: 'PRICE_OUT_OF_BAND',
      fields: { market_price: '180' },
    });
    expect(decideOrder(order({ type: 'SELL', price: '162' }), amzn, market(), rules)).to.include({ ok: true });
    expect(decideOrder(order({ type: 'SELL', price: '161.99' }), amzn, market(), rules)).to.include({ ok: false, code: 'PRICE_OUT_OF_BAND' });
  });
});

describe('decideOrder: the maximum notional', () => {
  it('refuses an order whose bound × amount is above the symbol’s maximum with ORDER_TOO_LARGE', () => {
    expect(decideOrder(order({ amount: '5555', price: '180' }), amzn, market(), rules)).to.include({ ok: true });
    expect(decideOrder(order({ amount: '5556', price: '180' }), amzn, market(), rules)).to.include({ ok: false, code: 'ORDER_TOO_LARGE' });
  });

  it('measures a market order at its collar, not at the last price', () => {
    // 5501 × 180 = 990 180 fits, but 5501 × 181.8 = 1 000 081.8 does not.
    expect(decideOrder(order({ amount: '5500' }), amzn, market(), rules)).to.include({ ok: true });
    expect(decideOrder(order({ amount: '5501' }), amzn, market(), rules)).to.include({ ok: false, code: 'ORDER_TOO_LARGE' });
  });
});

describe('decideOrder: symbols, hours and halts', () => {
  it('refuses an unknown symbol with SYMBOL_NOT_FOUND', () => {
    expect(decideOrder(order({ symbol: 'NOPE' }), undefined, market(), rules)).to.include({ ok: false, code: 'SYMBOL_NOT_FOUND' });
  });

  it('refuses a symbol halted by the operator with MARKET_HALTED, whatever the hour', () => {
    expect(decideOrder(order({ price: '180' }), amzn, market({ halted: true }), rules)).to.include({ ok: false, code: 'MARKET_HALTED' });
    expect(decideOrder(order({ price: '180' }), amzn, market({ halted: true, now: monday('20:00:00') }), rules)).to.include({
      ok: false,
      code: 'MARKET_HALTED',
    });
  });

  it('refuses a stock outside 09:00:00–16:00:00 UTC with MARKET_CLOSED', () => {
    expect(decideOrder(order({ price: '180' }), amzn, market({ now: monday('20:00:00') }), rules)).to.include({ ok: false, code: 'MARKET_CLOSED' });
  });

  it('opens every market when MARKETS_ALWAYS_OPEN is set', () => {
    const alwaysOpen = { ...rules, marketsAlwaysOpen: true };
    expect(decideOrder(order({ price: '180' }), amzn, market({ now: monday('20:00:00') }), alwaysOpen)).to.include({ ok: true });
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
