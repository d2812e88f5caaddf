import { expect } from 'chai';
import { describeHolding } from '../src/portfolio.ts';

describe('PORTFOLIO holdings', () => {
  it('gives the average cost per unit owned, reserved units included', () => {
    const holding = { symbol: 'BTC', quantity: '1', reserved: '2', costBasis: '100' };
    expect(describeHolding(holding)).to.deep.equal({ symbol: 'BTC', quantity: '1', reserved: '2', cost_basis: '100', average_cost: '33.33333333' });
  });
});
