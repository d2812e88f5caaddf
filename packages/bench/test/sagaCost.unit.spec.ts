import { expect } from 'chai';
import { buyHops, costOf, sagaCost, sellHops } from '../src/sagaCost.ts';

describe('the cost of one saga', () => {
  it('a BUY: 6 routed messages (request, 2 commands, 2 answers to Trade, reply), an event batch per hop at most, and 15 commits', () => {
    expect(costOf(buyHops)).to.deep.equal({ messages: 11, fewestMessages: 6, transactions: 15, outboxRows: 10, inboxRows: 5 });
  });

  it('a SELL: 4 routed messages, 3 event batches at most, and 9 commits', () => {
    expect(costOf(sellHops)).to.deep.equal({ messages: 7, fewestMessages: 4, transactions: 9, outboxRows: 6, inboxRows: 3 });
  });

  it('averages BUY and SELL for the mix `both`', () => {
    expect(sagaCost('both')).to.deep.equal({ messages: 9, fewestMessages: 5, transactions: 12, outboxRows: 8, inboxRows: 4 });
    expect(sagaCost('buy')).to.deep.equal(costOf(buyHops));
  });
});
