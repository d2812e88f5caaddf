import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import { type Change, oneByOne } from './support/oneByOne.ts';
import { usePaymentHarness } from './support/harness.ts';

/**
 * One account's requests share a transaction (a lane of the batch) and are applied in the order they came, so each
 * decides on what the ones before it left: the same balance and the same replies as one by one.
 */
describe('one account’s requests in one batch', function () {
  this.timeout(60_000);
  const h = usePaymentHarness();

  it('interleaved DEPOSITs and WITHDRAWs, refused ones in the middle, answer and leave what one by one would', async () => {
    const userId = await h.probe.addUser();
    const changes: Change[] = [
      { type: 'DEPOSIT', amount: '10' },
      { type: 'WITHDRAW', amount: '4' },
      { type: 'WITHDRAW', amount: '7' },
      { type: 'DEPOSIT', amount: '5' },
      { type: 'WITHDRAW', amount: '11' },
      { type: 'WITHDRAW', amount: '0.00000001' },
      { type: 'DEPOSIT', amount: '100.5' },
      { type: 'WITHDRAW', amount: '50.25' },
      { type: 'WITHDRAW', amount: '50.25' },
      { type: 'WITHDRAW', amount: '0.00000001' },
      { type: 'DEPOSIT', amount: '0.00000001' },
      { type: 'WITHDRAW', amount: '0.00000001' },
    ];
    const expected = oneByOne(changes);
    expect(expected.filter((reply) => reply.startsWith('ERROR'))).to.have.length(3);
    // Held while they are sent, the requests reach Payment together: one batch.
    const payment = h.stack.services.payment[0]!;
    payment.signal('SIGSTOP');
    const sent: string[] = [];
    try {
      for (const change of changes) sent.push(await h.probe.send({ id: randomUUID(), user_id: userId, ...change }));
    } finally {
      payment.signal('SIGCONT');
    }
    const replies = await Promise.all(sent.map((correlationId) => h.probe.reply(correlationId)));
    expect(replies.map((r) => (r.status === 'OK' ? `OK ${r.balance}` : `ERROR ${r.code}`))).to.deep.equal(expected);
    expect(await h.probe.request({ type: 'USER_INFO', user_id: userId })).to.include({ amount: '0', reserved: '0' });
    const [rows] = await h.prisma.$queryRawUnsafe<{ rows: number; transactions: number }[]>(
      `SELECT count(*)::int AS rows, count(DISTINCT xmin::text)::int AS transactions FROM payment.ledger WHERE user_id = $1::uuid`,
      userId,
    );
    expect(rows).to.deep.equal({ rows: 9, transactions: 1 });
  });
});
