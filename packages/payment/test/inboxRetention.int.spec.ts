import type { PrismaClient } from '@trading/db';
import { type Stack, startStack, waitFor } from '@trading/testkit';
import { expect } from 'chai';
import { ledgerOf, testDatabase } from './support/database.ts';
import { PaymentProbe } from './support/paymentProbe.ts';

/** Payment prunes its inbox every 100 ms here; the window is the default seven days. */
describe('a re-sent DEPOSIT and the inbox retention window', function () {
  this.timeout(60_000);
  let stack: Stack;
  let probe: PaymentProbe;
  let prisma: PrismaClient;

  const inboxKeys = async (userId: string, id: string) =>
    prisma.$queryRawUnsafe<{ key: string }[]>(`SELECT key FROM payment.inbox WHERE key LIKE '%|' || $1 || '|s:' || $2`, userId, id);
  const balance = async (userId: string) => (await probe.request({ type: 'USER_INFO', user_id: userId })).amount;

  before(async () => {
    stack = await startStack(['payment'], { INBOX_PRUNE_INTERVAL_MS: '100', INBOX_PRUNE_BATCH: '10' });
    probe = await PaymentProbe.connect();
    prisma = testDatabase();
  });
  after(async () => {
    await prisma?.$disconnect();
    await probe?.close();
    await stack?.stop();
  });

  it('within the window, is answered from the inbox while the pruning runs: the same reply, credited once', async () => {
    const userId = await probe.addUser();
    const body = { id: 'dep-kept', type: 'DEPOSIT', user_id: userId, amount: '10' };
    const first = await probe.request(body);
    await new Promise((r) => setTimeout(r, 500));
    expect(await inboxKeys(userId, 'dep-kept')).to.have.length(1);
    expect(await probe.request(body)).to.deep.equal(first);
    expect(await balance(userId)).to.equal('10');
    expect(await ledgerOf(prisma, userId)).to.have.length(1);
  });

  it('past the window, its key is removed and a re-send is a new request: credited again', async () => {
    const userId = await probe.addUser();
    const body = { id: 'dep-expired', type: 'DEPOSIT', user_id: userId, amount: '10' };
    expect(await probe.request(body)).to.include({ status: 'OK', balance: '10' });
    await prisma.$executeRawUnsafe(
      `UPDATE payment.inbox SET created_at = now() - interval '169 hours' WHERE key LIKE '%|' || $1 || '|s:' || $2`,
      userId,
      'dep-expired',
    );
    await waitFor(async () => ((await inboxKeys(userId, 'dep-expired')).length === 0 ? true : undefined), 10_000);
    expect(await probe.request(body)).to.include({ status: 'OK', balance: '20' });
    expect(await ledgerOf(prisma, userId)).to.have.length(2);
  });
});
