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

  it('a busy account’s requests, sent among other accounts’, run in batches of their own and leave what one by one would', async () => {
    const busy = await h.probe.addUser();
    const others = await Promise.all(Array.from({ length: 8 }, () => h.probe.addUser()));
    // 160 of the busy account's (a refused WITHDRAW every fourth), 10 of each other account's, interleaved.
    const busyChanges: Change[] = Array.from(
      { length: 160 },
      (_, i): Change => (i % 4 === 3 ? { type: 'WITHDRAW', amount: '5' } : { type: 'DEPOSIT', amount: '1' }),
    );
    const otherChanges: Change[] = Array.from(
      { length: 10 },
      (_, i): Change => (i % 2 ? { type: 'WITHDRAW', amount: '2' } : { type: 'DEPOSIT', amount: '1.5' }),
    );
    const sends: { userId: string; change: Change }[] = [];
    for (const [i, change] of busyChanges.entries()) {
      sends.push({ userId: busy, change });
      if (i % 2 === 1) sends.push({ userId: others[(i >> 1) % others.length]!, change: otherChanges[Math.floor(i / 2 / others.length)]! });
    }
    const busyMessagesBefore = await busyLaneMessages();
    const payment = h.stack.services.payment[0]!;
    payment.signal('SIGSTOP');
    const sent: { userId: string; correlationId: string }[] = [];
    try {
      for (const { userId, change } of sends) sent.push({ userId, correlationId: await h.probe.send({ id: randomUUID(), user_id: userId, ...change }) });
    } finally {
      payment.signal('SIGCONT');
    }
    const replies = await Promise.all(sent.map(({ correlationId }) => h.probe.reply(correlationId)));
    const answered = (userId: string) =>
      replies.filter((_, i) => sent[i]!.userId === userId).map((r) => (r.status === 'OK' ? `OK ${r.balance}` : `ERROR ${r.code}`));
    const expected = oneByOne(busyChanges);
    expect(expected.filter((reply) => reply.startsWith('ERROR')).length, 'some are refused').to.be.greaterThan(10);
    expect(answered(busy)).to.deep.equal(expected);
    for (const other of others) expect(answered(other), other).to.deep.equal(oneByOne(otherChanges));
    expect(await h.probe.request({ type: 'USER_INFO', user_id: busy })).to.include({
      amount: expected.findLast((reply) => reply.startsWith('OK'))!.slice(3),
      reserved: '0',
    });
    // Past 50 a second the busy account's messages leave the shared batches for batches of their own.
    expect((await busyLaneMessages()) - busyMessagesBefore).to.be.at.least(100);
  });

  async function busyLaneMessages(): Promise<number> {
    const text = await (await fetch(`${h.stack.operatorUrl('payment')}/metrics`)).text();
    return Number(/^trading_busy_lane_messages_total\{[^}]*\} (\S+)$/m.exec(text)?.[1] ?? 0);
  }
});
