import { expect } from 'chai';
import type { Saga } from '../src/domain.ts';
import { orderState, orderSteps } from '../src/orderState.ts';

const at = (s: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, s));
const saga = (side: Saga['side'], state: Saga['state'], reservedAt: Date | null = null) => ({ side, state, createdAt: at(0), reservedAt });
const states = (s: ReturnType<typeof saga>) => orderSteps(s, at(9)).map((step) => step.state);

describe('an order as its client sees it', () => {
  it("maps each saga state of a BUY onto README's table", () => {
    expect(orderState(saga('BUY', 'STARTED'))).to.equal('ACCEPTED');
    expect(orderState(saga('BUY', 'CAPTURING'))).to.equal('FUNDS_RESERVED');
    expect(orderState(saga('BUY', 'COMPENSATING'))).to.equal('FUNDS_RESERVED');
    expect(orderState(saga('BUY', 'COMPLETED'))).to.equal('FILLED');
    expect(orderState(saga('BUY', 'TIMED_OUT'))).to.equal('TIMED_OUT');
  });

  it('tells a SELL as reserved from its acceptance on', () => {
    expect(orderState(saga('SELL', 'STARTED', at(0)))).to.equal('HOLDING_RESERVED');
    expect(states(saga('SELL', 'STARTED', at(0)))).to.deep.equal(['ACCEPTED', 'HOLDING_RESERVED']);
    expect(states(saga('SELL', 'REJECTED', at(0)))).to.deep.equal(['ACCEPTED', 'HOLDING_RESERVED', 'REJECTED']);
  });

  it('lists the reservation only for a BUY that got that far, and the end with its time', () => {
    expect(states(saga('BUY', 'REJECTED'))).to.deep.equal(['ACCEPTED', 'REJECTED']);
    expect(states(saga('BUY', 'TIMED_OUT'))).to.deep.equal(['ACCEPTED', 'TIMED_OUT']);
    expect(states(saga('BUY', 'COMPENSATED', at(3)))).to.deep.equal(['ACCEPTED', 'FUNDS_RESERVED', 'COMPENSATED']);
    expect(orderSteps(saga('BUY', 'COMPLETED', at(3)), at(9))).to.deep.equal([
      { state: 'ACCEPTED', at: at(0).toISOString() },
      { state: 'FUNDS_RESERVED', at: at(3).toISOString() },
      { state: 'FILLED', at: at(9).toISOString() },
    ]);
  });
});
