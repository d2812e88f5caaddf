import { expect } from 'chai';
import { buyReservation, collarPrice, Decimal, notional, onGrid, tradeFee, withinBand, withinLimit } from '../src/index.ts';

describe('tradeFee', () => {
  it('is notional × fee_bps / 10 000, as a canonical decimal string', () => {
    expect(tradeFee('1000', 10)).to.equal('1');
    expect(tradeFee('59.8', 10)).to.equal('0.0598');
    expect(tradeFee('1000', 0)).to.equal('0');
  });

  it('rounds half-even to 8 decimals: an exact half goes to the even digit', () => {
    expect(tradeFee('0.000005', 10), '0.000000005').to.equal('0');
    expect(tradeFee('0.000015', 10), '0.000000015').to.equal('0.00000002');
    expect(tradeFee('0.000025', 10), '0.000000025').to.equal('0.00000002');
    expect(tradeFee('12345.678905', 10), '12.345678905').to.equal('12.3456789');
    expect(tradeFee('12345.678915', 10), '12.345678915').to.equal('12.34567892');
  });

  it('rounds anything above or below the half to the nearest', () => {
    expect(tradeFee('0.0000251', 10), '0.0000000251').to.equal('0.00000003');
    expect(tradeFee('0.0000249', 10), '0.0000000249').to.equal('0.00000002');
  });
});

describe('buyReservation', () => {
  it('is the notional at the bound plus its fee', () => {
    expect(buyReservation('100', '10', 10)).to.equal('1001');
    expect(buyReservation('60000', '0.01', 0)).to.equal('600');
    expect(buyReservation('181.86', '2', 10)).to.equal('364.08372');
  });

  it('covers every trade at or below the bound: notional + fee never exceed it', () => {
    const bound = '100.37';
    for (const quantity of ['0.0001', '0.00001', '1.2345', '333.3333']) {
      for (const feeBps of [0, 1, 7, 10, 1000]) {
        const reserved = buyReservation(bound, quantity, feeBps);
        for (const price of ['100.37', '100.36', '99.99', '91.01']) {
          const traded = notional(price, quantity);
          const cost = new Decimal(traded).add(tradeFee(traded, feeBps));
          expect(cost.lte(reserved), `${quantity} at ${price}, ${feeBps} bps`).to.equal(true);
        }
      }
    }
  });
});

describe('collarPrice', () => {
  it('moves the last price by the collar and rounds outwards to the tick: up for a BUY, down for a SELL', () => {
    expect(collarPrice('BUY', '180.05', 100, '0.01'), '181.8505').to.equal('181.86');
    expect(collarPrice('SELL', '180.05', 100, '0.01'), '178.2495').to.equal('178.24');
    expect(collarPrice('BUY', '0.5123', 100, '0.0001'), '0.517423').to.equal('0.5175');
    expect(collarPrice('SELL', '0.5123', 100, '0.0001'), '0.507177').to.equal('0.5071');
  });

  it('keeps a bound already on the tick', () => {
    expect(collarPrice('BUY', '100', 100, '0.01')).to.equal('101');
    expect(collarPrice('SELL', '100', 100, '0.01')).to.equal('99');
  });

  it('never goes below one tick', () => {
    expect(collarPrice('SELL', '0.01', 5000, '0.01')).to.equal('0.01');
  });
});

describe('withinLimit', () => {
  it('lets a BUY trade at or below its limit, a SELL at or above it', () => {
    expect(withinLimit('BUY', '100', '100')).to.equal(true);
    expect(withinLimit('BUY', '99.99', '100')).to.equal(true);
    expect(withinLimit('BUY', '100.01', '100')).to.equal(false);
    expect(withinLimit('SELL', '100', '100')).to.equal(true);
    expect(withinLimit('SELL', '100.01', '100')).to.equal(true);
    expect(withinLimit('SELL', '99.99', '100')).to.equal(false);
  });
});

describe('withinBand', () => {
  it('accepts a limit up to band_pct percent from the market on either side, its edge included', () => {
    expect(withinBand('110', '100', 10)).to.equal(true);
    expect(withinBand('90', '100', 10)).to.equal(true);
    expect(withinBand('100', '100', 10)).to.equal(true);
    expect(withinBand('110.01', '100', 10)).to.equal(false);
    expect(withinBand('89.99', '100', 10)).to.equal(false);
    expect(withinBand('100.5', '100', 0.5)).to.equal(true);
    expect(withinBand('100.51', '100', 0.5)).to.equal(false);
  });
});

describe('onGrid', () => {
  it('tells whether a price is a whole number of ticks, or a quantity of lots', () => {
    expect(onGrid('180.05', '0.01')).to.equal(true);
    expect(onGrid('180.005', '0.01')).to.equal(false);
    expect(onGrid('0.5123', '0.0001')).to.equal(true);
    expect(onGrid('1000', '0.0001')).to.equal(true);
    expect(onGrid('0.00005', '0.0001')).to.equal(false);
    expect(onGrid('0.00005', '0.00001')).to.equal(true);
  });
});
