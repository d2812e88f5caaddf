import { randomUUID } from 'node:crypto';
import type { EventBatch } from '@trading/contracts';
import { ServiceProcess, testEnv, waitFor } from '@trading/testkit';
import { expect } from 'chai';
import { CRASH_EXIT_CODE } from '../src/crashAfterCommit.ts';
import { ledgerOf } from './support/database.ts';
import { usePaymentHarness } from './support/harness.ts';

describe('payment killed between commit and publish', function () {
  this.timeout(90_000);
  const h = usePaymentHarness();

  it('publishes the reply and the event from the outbox at the next start, and credits once', async () => {
    const userId = await h.probe.addUser();
    await h.stack.services.payment[0]?.stop();
    const { amqpUrl, databaseUrl, runId } = testEnv();
    const crashing = new ServiceProcess('payment', { AMQP_URL: amqpUrl, DATABASE_URL: databaseUrl, PAYMENT_CRASH_AFTER_COMMIT: '1' }, runId);
    await crashing.start();

    const correlationId = await h.probe.send({ id: 'crash-1', type: 'DEPOSIT', user_id: userId, amount: '42' });
    // The reply, the event on domain-events, and the same event in Reporting's batch: committed, never published.
    const pending = await waitFor(async () => {
      const rows = await h.prisma.paymentOutbox.findMany({ where: { OR: [{ correlationId }, { type: 'EventBatch' }] } });
      return rows.length === 3 ? rows : undefined;
    });
    expect(pending.map((row) => row.type).sort()).to.deep.equal(['EventBatch', 'FundsDeposited', 'Reply']);
    expect(await crashing.stop()).to.equal(CRASH_EXIT_CODE);
    expect(h.probe.replies.some((d) => d.correlationId === correlationId)).to.equal(false);

    await h.stack.services.payment[0]?.start();
    const reply = await h.probe.reply(correlationId);
    expect(reply).to.include({ id: 'crash-1', status: 'OK', balance: '42' });
    const batch = pending.find((row) => row.type === 'EventBatch')?.body as EventBatch;
    expect(batch.events.map((entry) => entry.event.type)).to.deep.equal(['FundsDeposited']);
    const eventId = batch.events[0]?.id;
    expect(pending.find((row) => row.type === 'FundsDeposited')?.id).to.equal(eventId);
    await waitFor(() => h.probe.events.find((d) => d.messageId === eventId));
    expect((await h.probe.request({ type: 'USER_INFO', user_id: userId })).amount).to.equal('42');
    expect((await ledgerOf(h.prisma, userId)).map((e) => e.availableDelta.toFixed())).to.deep.equal(['42']);
    await waitFor(async () => ((await h.prisma.paymentOutbox.count()) === 0 ? true : undefined));
  });

  it('has not lost the message itself: a re-sent id still gets the same reply', async () => {
    const userId = await h.probe.userWith('1');
    const body = { id: randomUUID(), type: 'WITHDRAW', user_id: userId, amount: '1' };
    const first = await h.probe.request(body);
    expect(await h.probe.request(body)).to.deep.equal(first);
  });
});
