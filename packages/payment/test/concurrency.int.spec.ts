import { randomUUID } from 'node:crypto';
import type { PrismaClient } from '@trading/db';
import { partitionQueues, queues } from '@trading/contracts';
import { rabbitmqctl, type Stack, startStack, testEnv, waitFor } from '@trading/testkit';
import { expect } from 'chai';
import { ledgerDiscrepancies } from '../src/index.ts';
import { testDatabase } from './support/database.ts';
import { PaymentProbe } from './support/paymentProbe.ts';

describe('concurrent requests on two payment instances', function () {
  this.timeout(120_000);
  let stack: Stack;
  let probe: PaymentProbe;
  let prisma: PrismaClient;

  before(async () => {
    stack = await startStack(['payment']);
    await stack.addInstance('payment');
    probe = await PaymentProbe.connect();
    prisma = testDatabase();
  });

  it('has the two instances share the partitions, four each, and both drain the queue from before partitions', async () => {
    const rows = async (...args: string[]) =>
      (await rabbitmqctl(...args, '--no-table-headers'))
        .split('\n')
        .filter((line) => line.trim() !== '')
        .map((line) => line.trim().split(/\s+/));
    const byPartition = await waitFor(async () => {
      const channels = new Map((await rows('list_channels', '-p', testEnv().vhost, 'pid', 'connection')).map(([pid, connection]) => [pid, connection]));
      const consumers = await rows('list_consumers', '-p', testEnv().vhost, 'queue_name', 'channel_pid');
      const owners = partitionQueues.payment.map((queue) => consumers.filter(([q]) => q === queue).map(([, pid]) => channels.get(pid!)));
      const perConnection = new Map<string | undefined, number>();
      for (const [owner] of owners) perConnection.set(owner, (perConnection.get(owner) ?? 0) + 1);
      const even = owners.every((o) => o.length === 1) && [...perConnection.values()].every((n) => n === 4) && perConnection.size === 2;
      return even ? { consumers, perConnection } : undefined;
    }, 20_000);
    expect([...byPartition.perConnection.values()]).to.deep.equal([4, 4]);
    expect(byPartition.consumers.filter(([q]) => q === queues.payment)).to.have.length(2);
  });
  after(async () => {
    await prisma?.$disconnect();
    await probe?.close();
    await stack?.stop();
  });

  describe('100 concurrent WITHDRAWs of 10 against a balance of 100', () => {
    it('give exactly 10 OK replies and a balance of 0', async () => {
      const userId = await probe.userWith('100');
      const replies = await Promise.all(Array.from({ length: 100 }, () => probe.request({ type: 'WITHDRAW', user_id: userId, amount: '10' })));
      expect(replies.filter((r) => r.status === 'OK')).to.have.length(10);
      expect(replies.filter((r) => r.code === 'INSUFFICIENT_FUNDS')).to.have.length(90);
      expect((await probe.request({ type: 'USER_INFO', user_id: userId })).amount).to.equal('0');
      expect(await prisma.ledgerEntry.count({ where: { userId, kind: 'WITHDRAWAL' } })).to.equal(10);
    });
  });

  describe('reservations racing withdrawals', () => {
    it('never hold more than the funds', async () => {
      const userId = await probe.userWith('100');
      const sagas = Array.from({ length: 30 }, () => randomUUID());
      const [withdrawals] = await Promise.all([
        Promise.all(Array.from({ length: 30 }, () => probe.request({ type: 'WITHDRAW', user_id: userId, amount: '5' }))),
        Promise.all(sagas.map((sagaId) => probe.sagaStep({ type: 'ReserveFunds', saga_id: sagaId, user_id: userId, amount: '5' }))),
      ]);
      const answers = await Promise.all(sagas.map((sagaId) => probe.sagaAnswer(sagaId, ['FundsReserved', 'FundsRejected'])));
      const withdrawn = withdrawals.filter((r) => r.status === 'OK').length;
      const reserved = answers.filter((d) => d.type === 'FundsReserved').length;
      expect(withdrawn + reserved).to.equal(20);
      const info = await probe.request({ type: 'USER_INFO', user_id: userId });
      expect(info).to.include({ amount: '0', reserved: String(reserved * 5) });
    });
  });

  describe('after the races', () => {
    it('every balance equals the sums of its ledger', async () => {
      expect(await ledgerDiscrepancies(prisma)).to.deep.equal([]);
    });
  });
});
