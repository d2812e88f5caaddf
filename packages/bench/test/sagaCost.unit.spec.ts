import { expect } from 'chai';
import { buyHops, costOf, sagaCost, sellHops } from '../src/sagaCost.ts';

describe('the cost of one saga', () => {
  it("a BUY: 6 routed messages (request, 2 of Trade's events to Payment, 2 of Payment's to Trade, reply), an event batch per hop at most, and 15 commits", () => {
    expect(costOf(buyHops)).to.deep.equal({ messages: 11, fewestMessages: 6, transactions: 15, outboxRows: 11, inboxRows: 5 });
  });

  it('a SELL: 5 routed messages (its OrderAccepted reaches Payment, which takes no step), 3 event batches at most, and 9 commits', () => {
    expect(costOf(sellHops)).to.deep.equal({ messages: 8, fewestMessages: 5, transactions: 9, outboxRows: 9, inboxRows: 3 });
  });

  it('averages BUY and SELL for the mix `both`', () => {
    expect(sagaCost('both')).to.deep.equal({ messages: 9.5, fewestMessages: 5.5, transactions: 12, outboxRows: 10, inboxRows: 4 });
    expect(sagaCost('buy')).to.deep.equal(costOf(buyHops));
  });
});
