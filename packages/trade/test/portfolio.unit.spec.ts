import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import { describeHolding } from '../src/portfolio.ts';
import { decodeCursor, encodeCursor } from '../src/tradeHistory.ts';

describe('PORTFOLIO holdings', () => {
  it('gives the average cost per unit owned, reserved units included', () => {
    const holding = { symbol: 'BTC', quantity: '1', reserved: '2', costBasis: '100' };
    expect(describeHolding(holding)).to.deep.equal({ symbol: 'BTC', quantity: '1', reserved: '2', cost_basis: '100', average_cost: '33.33333333' });
  });
});

describe('TRADES cursor', () => {
  it('round-trips the position of the last trade of a page', () => {
    const position = { executedAt: new Date('2026-01-05T10:00:00.123Z'), id: randomUUID() };
    expect(decodeCursor(encodeCursor(position))).to.deep.equal(position);
  });

  it('rejects anything it did not make', () => {
    expect(decodeCursor('not-a-cursor')).to.equal(null);
    expect(decodeCursor(Buffer.from('["2026-01-05T10:00:00Z","x"]').toString('base64url'))).to.equal(null);
    expect(decodeCursor(Buffer.from('{}').toString('base64url'))).to.equal(null);
  });
});
