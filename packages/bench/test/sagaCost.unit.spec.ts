import { expect } from 'chai';
import { buyHops, costOf, sagaCost, sellHops } from '../src/sagaCost.ts';

describe('the cost of one saga', () => {
  it('a BUY: 11 messages (request, 2 commands, 2 saga replies to Trade and Reporting, reply, 3 trade events) and 15 commits', () => {
    expect(costOf(buyHops)).to.deep.equal({ messages: 11, transactions: 15, outboxRows: 8, inboxRows: 5 });
  });

  it('a SELL: 9 messages and 11 commits', () => {
    expect(costOf(sellHops)).to.deep.equal({ messages: 9, transactions: 11, outboxRows: 7, inboxRows: 3 });
  });

  it('averages BUY and SELL for the mix `both`', () => {
    expect(sagaCost('both')).to.deep.equal({ messages: 10, transactions: 13, outboxRows: 7.5, inboxRows: 4 });
    expect(sagaCost('buy')).to.deep.equal(costOf(buyHops));
  });
});
