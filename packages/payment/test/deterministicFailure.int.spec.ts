import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import { usePaymentHarness } from './support/harness.ts';

/**
 * A change the database refuses the same way every time (here a CHECK constraint the test adds, standing for any
 * constraint or data exception) is answered at once with an ERROR and a reference, remembered for a re-send, and
 * never retried or dead-lettered.
 */
describe('a request the database refuses deterministically', function () {
  this.timeout(60_000);
  const harness = usePaymentHarness();

  after(async () => {
    await harness.prisma.$executeRawUnsafe('ALTER TABLE payment.account DROP CONSTRAINT IF EXISTS test_deposit_cap');
  });

  it('is answered INTERNAL with a reference, once, remembered for a re-send, and nothing reaches the dead-letter queue', async () => {
    const { probe } = harness;
    const userId = await probe.addUser();
    // Only this user's account, and only rows changed from now on (NOT VALID): the run's other accounts are untouched.
    await harness.prisma.$executeRawUnsafe(
      `ALTER TABLE payment.account ADD CONSTRAINT test_deposit_cap CHECK (user_id <> '${userId}'::uuid OR available <= 1000) NOT VALID`,
    );
    const id = `dep-${randomUUID()}`;
    const started = Date.now();
    const reply = await probe.request({ id, type: 'DEPOSIT', user_id: userId, amount: '5000' });
    expect(reply).to.include({ id, status: 'ERROR', code: 'INTERNAL' });
    expect(reply.reference).to.be.a('string');
    expect(reply.message).to.include(String(reply.reference));
    expect(Date.now() - started, 'answered at once, not after retries').to.be.below(5000);
    const again = await probe.request({ id, type: 'DEPOSIT', user_id: userId, amount: '5000' });
    expect(again).to.deep.equal(reply);
    expect(await probe.request({ type: 'USER_INFO', user_id: userId })).to.include({ amount: '0' });
    expect(await probe.request({ type: 'DEPOSIT', user_id: userId, amount: '10' })).to.include({ status: 'OK', balance: '10' });
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(probe.deadLetters).to.deep.equal([]);
  });
});
