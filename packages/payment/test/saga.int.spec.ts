import { randomUUID } from 'node:crypto';
import { HOUSE_USER_ID, type SagaCommandV1 } from '@trading/contracts';
import { waitFor } from '@trading/testkit';
import { expect } from 'chai';
import { ledgerDiscrepancies } from '../src/index.ts';
import { usePaymentHarness } from './support/harness.ts';

/*
 * Payment's steps in a saga, each taken in reaction to one of Trade's events (schema version 2), and the same
 * stories told with version 1's commands, which an upgrade may leave in Payment's queue: both must end the same.
 */
for (const version of [2, 1] as const) {
  describe(`Payment's saga steps, asked by Trade in schema version ${version}`, function () {
    this.timeout(60_000);
    const h = usePaymentHarness();
    const step = (body: SagaCommandV1) => h.probe.sagaStep(body, version);

    const funds = async (userId: string) => {
      const info = await h.probe.request({ type: 'USER_INFO', user_id: userId });
      return { available: info.amount, reserved: info.reserved };
    };
    const reserve = async (userId: string, amount: string, sagaId = randomUUID()) => {
      await step({ type: 'ReserveFunds', saga_id: sagaId, user_id: userId, amount });
      return { sagaId, event: await h.probe.sagaAnswer(sagaId, ['FundsReserved', 'FundsRejected']) };
    };
    /** The trade of a BUY: by default 2 AAPL for the whole reservation of 60, without fee. */
    const capture = async (userId: string, sagaId: string, trade: { quantity?: string; notional?: string; fee?: string } = {}) => {
      await step({ type: 'CaptureFunds', saga_id: sagaId, user_id: userId, symbol: 'AAPL', quantity: '2', notional: '60', fee: '0', ...trade });
      return h.probe.sagaAnswer(sagaId, ['FundsCaptured']);
    };
    /** A saga's ledger rows, in order, as [user (or HOUSE), kind, available delta, reserved delta]. */
    const ledgerOf = async (sagaId: string) => {
      const rows = await h.prisma.ledgerEntry.findMany({ where: { sagaId }, orderBy: { id: 'asc' } });
      return rows.map((row) => [row.userId === HOUSE_USER_ID ? 'HOUSE' : row.userId, row.kind, row.availableDelta.toFixed(), row.reservedDelta.toFixed()]);
    };
    const release = async (userId: string, sagaId: string) => {
      await step({ type: 'ReleaseFunds', saga_id: sagaId, user_id: userId, reason: 'test' });
      return h.probe.sagaAnswer(sagaId, ['FundsReleased']);
    };

    describe(version === 2 ? 'a BUY accepted (ReserveFunds)' : 'ReserveFunds', () => {
      it('moves the amount from available to reserved and announces FundsReserved on domain-events', async () => {
        const userId = await h.probe.userWith('100');
        const { sagaId, event } = await reserve(userId, '60');
        expect(event.routingKey).to.equal('payment.funds.reserved');
        expect(event.correlationId).to.equal(sagaId);
        expect(event.body).to.include({ type: 'FundsReserved', saga_id: sagaId, user_id: userId, amount: '60' });
        expect(await funds(userId)).to.deep.equal({ available: '40', reserved: '60' });
      });

      it('publishes the answer on the events feed too, once, with the same id', async () => {
        const userId = await h.probe.userWith('100');
        const { sagaId, event } = await reserve(userId, '60');
        const published = await waitFor(() => h.probe.events.find((d) => d.messageId === event.messageId));
        expect(published.routingKey).to.equal('payment.funds.reserved');
        expect(published.body).to.deep.equal(event.body);
        await step({ type: 'ReserveFunds', saga_id: sagaId, user_id: userId, amount: '60' });
        await h.probe.sagaAnswer(sagaId, ['FundsReserved'], 2);
        await h.probe.userEvent('FundsDeposited', await h.probe.userWith('1')); // published after: the feed has caught up
        expect(h.probe.events.filter((d) => d.messageId === event.messageId)).to.have.length(1);
      });

      it('answers FundsRejected INSUFFICIENT_FUNDS beyond the available balance, reserved funds included', async () => {
        const userId = await h.probe.userWith('100');
        await reserve(userId, '60');
        const { event } = await reserve(userId, '40.00000001');
        expect(event.body).to.include({ type: 'FundsRejected', code: 'INSUFFICIENT_FUNDS' });
        expect((event.body as { reason: string }).reason).to.be.a('string').and.not.empty;
        expect(await funds(userId)).to.deep.equal({ available: '40', reserved: '60' });
      });

      it('answers FundsRejected USER_NOT_FOUND for an unknown user', async () => {
        const { event } = await reserve(randomUUID(), '1');
        expect(event.body).to.include({ type: 'FundsRejected', code: 'USER_NOT_FOUND' });
      });

      it('keeps reserved funds from WITHDRAW and REMOVE_USER', async () => {
        const userId = await h.probe.userWith('10');
        await reserve(userId, '10');
        expect(await h.probe.request({ type: 'WITHDRAW', user_id: userId, amount: '1' })).to.include({ code: 'INSUFFICIENT_FUNDS' });
        const removal = await h.probe.request({ type: 'REMOVE_USER', user_id: userId });
        expect(removal).to.include({ code: 'ACCOUNT_NOT_EMPTY', reserved: '10' });
      });

      it('re-publishes the same event message (same messageId) when the same step is asked again, and reserves once', async () => {
        const userId = await h.probe.userWith('100');
        const { sagaId, event } = await reserve(userId, '30');
        await step({ type: 'ReserveFunds', saga_id: sagaId, user_id: userId, amount: '30' });
        const again = await h.probe.sagaAnswer(sagaId, ['FundsReserved'], 2);
        expect(again.messageId).to.equal(event.messageId);
        expect(again.body).to.deep.equal(event.body);
        expect(await funds(userId)).to.deep.equal({ available: '70', reserved: '30' });
      });

      it('is rejected (SAGA_TIMEOUT) when its saga was already released, and reserves nothing', async () => {
        const userId = await h.probe.userWith('100');
        const sagaId = randomUUID();
        expect((await release(userId, sagaId)).body).to.include({ type: 'FundsReleased', amount: '0' });
        const { event } = await reserve(userId, '30', sagaId);
        expect(event.body).to.include({ type: 'FundsRejected', code: 'SAGA_TIMEOUT' });
        expect(await funds(userId)).to.deep.equal({ available: '100', reserved: '0' });
      });
    });

    describe(version === 2 ? 'a BUY’s trade recorded (CaptureFunds)' : 'CaptureFunds', () => {
      it('takes notional + fee from the reservation, releases the rest, records the holding, and answers FundsCaptured', async () => {
        const userId = await h.probe.userWith('100');
        const { sagaId } = await reserve(userId, '60');
        const event = await capture(userId, sagaId, { quantity: '3', notional: '59.5', fee: '0.0595' });
        expect(event.body).to.include({ type: 'FundsCaptured', saga_id: sagaId, amount: '59.5595', notional: '59.5', fee: '0.0595', released: '0.4405' });
        expect(await funds(userId)).to.deep.equal({ available: '40.4405', reserved: '0' });
        const held = await h.prisma.heldAsset.findUnique({ where: { userId_symbol: { userId, symbol: 'AAPL' } } });
        expect(held?.quantity.toFixed()).to.equal('3');
      });

      it('books the house’s side: TRADE + notional and FEE + fee, so the saga’s ledger rows sum to zero', async () => {
        const userId = await h.probe.userWith('100');
        const { sagaId } = await reserve(userId, '60');
        await capture(userId, sagaId, { quantity: '3', notional: '59.5', fee: '0.0595' });
        expect(await ledgerOf(sagaId)).to.deep.equal([
          [userId, 'RESERVE', '-60', '60'],
          [userId, 'CAPTURE', '0.4405', '-60'],
          ['HOUSE', 'TRADE', '59.5', '0'],
          ['HOUSE', 'FEE', '0.0595', '0'],
        ]);
      });

      it('captures once when the same step is asked again', async () => {
        const userId = await h.probe.userWith('100');
        const { sagaId } = await reserve(userId, '60');
        const first = await capture(userId, sagaId);
        await step({ type: 'CaptureFunds', saga_id: sagaId, user_id: userId, symbol: 'AAPL', quantity: '2', notional: '60', fee: '0' });
        expect((await h.probe.sagaAnswer(sagaId, ['FundsCaptured'], 2)).messageId).to.equal(first.messageId);
        expect(await funds(userId)).to.deep.equal({ available: '40', reserved: '0' });
      });

      it('dead-letters a capture of a reservation that was released', async () => {
        const userId = await h.probe.userWith('100');
        const { sagaId } = await reserve(userId, '60');
        await release(userId, sagaId);
        const messageId = await step({
          type: 'CaptureFunds',
          saga_id: sagaId,
          user_id: userId,
          symbol: 'AAPL',
          quantity: '2',
          notional: '60',
          fee: '0',
        });
        const letter = await waitFor(() => h.probe.deadLetters.find((d) => d.messageId === messageId));
        expect(letter.headers['x-error-name']).to.equal('PoisonMessageError');
        expect(await funds(userId)).to.deep.equal({ available: '100', reserved: '0' });
      });

      it('dead-letters a capture of more than the reservation, and the funds stay reserved', async () => {
        const userId = await h.probe.userWith('100');
        const { sagaId } = await reserve(userId, '60');
        const messageId = await step({
          type: 'CaptureFunds',
          saga_id: sagaId,
          user_id: userId,
          symbol: 'AAPL',
          quantity: '2',
          notional: '60',
          fee: '0.06',
        });
        const letter = await waitFor(() => h.probe.deadLetters.find((d) => d.messageId === messageId));
        expect(letter.headers['x-error-name']).to.equal('PoisonMessageError');
        expect(await funds(userId)).to.deep.equal({ available: '40', reserved: '60' });
        await release(userId, sagaId);
      });
    });

    describe(version === 2 ? 'a BUY cancelled (ReleaseFunds)' : 'ReleaseFunds', () => {
      it('returns the reserved amount to available and answers FundsReleased with it', async () => {
        const userId = await h.probe.userWith('100');
        const { sagaId } = await reserve(userId, '60');
        const event = await release(userId, sagaId);
        expect(event.routingKey).to.equal('payment.funds.released');
        expect(event.body).to.include({ type: 'FundsReleased', amount: '60' });
        expect(await funds(userId)).to.deep.equal({ available: '100', reserved: '0' });
      });

      it('moves nothing after a capture, and answers FundsReleased with amount 0', async () => {
        const userId = await h.probe.userWith('100');
        const { sagaId } = await reserve(userId, '60');
        await capture(userId, sagaId);
        const event = await release(userId, sagaId);
        expect(event.body).to.include({ type: 'FundsReleased', amount: '0' });
        expect(await funds(userId)).to.deep.equal({ available: '40', reserved: '0' });
      });

      it('releases once when the same step is asked again', async () => {
        const userId = await h.probe.userWith('100');
        const { sagaId } = await reserve(userId, '60');
        const first = await release(userId, sagaId);
        await step({ type: 'ReleaseFunds', saga_id: sagaId, user_id: userId, reason: 'test' });
        expect((await h.probe.sagaAnswer(sagaId, ['FundsReleased'], 2)).messageId).to.equal(first.messageId);
        expect(await funds(userId)).to.deep.equal({ available: '100', reserved: '0' });
      });

      it('treats a release with another reason as the same release, not as a conflicting step', async () => {
        const userId = await h.probe.userWith('100');
        const { sagaId } = await reserve(userId, '60');
        const first = await release(userId, sagaId);
        await step({ type: 'ReleaseFunds', saga_id: sagaId, user_id: userId, reason: 'the reservation arrived after the saga timed out' });
        expect((await h.probe.sagaAnswer(sagaId, ['FundsReleased'], 2)).messageId).to.equal(first.messageId);
        expect(await funds(userId)).to.deep.equal({ available: '100', reserved: '0' });
      });
    });

    describe(version === 2 ? 'a SELL’s trade recorded (CreditFunds)' : 'CreditFunds', () => {
      it('adds the proceeds less the fee to available, lowers the holding, and answers FundsCredited', async () => {
        const userId = await h.probe.userWith('100');
        const { sagaId } = await reserve(userId, '60');
        await capture(userId, sagaId, { quantity: '3' });
        const sellId = randomUUID();
        await step({ type: 'CreditFunds', saga_id: sellId, user_id: userId, amount: '75.5', fee: '0.0755', symbol: 'AAPL', quantity: '3' });
        const event = await h.probe.sagaAnswer(sellId, ['FundsCredited', 'CreditRejected']);
        expect(event.body).to.include({ type: 'FundsCredited', amount: '75.5', fee: '0.0755' });
        expect(await funds(userId)).to.deep.equal({ available: '115.4245', reserved: '0' });
        await h.probe.request({ type: 'WITHDRAW', user_id: userId, amount: '115.4245' });
        expect(await h.probe.request({ type: 'REMOVE_USER', user_id: userId })).to.include({ status: 'OK' });
      });

      it('books the house’s side: TRADE − notional and FEE + fee, so the saga’s ledger rows sum to zero', async () => {
        const userId = await h.probe.userWith('0.01');
        const sellId = randomUUID();
        await step({ type: 'CreditFunds', saga_id: sellId, user_id: userId, amount: '75.5', fee: '0.0755', symbol: 'AAPL', quantity: '3' });
        await h.probe.sagaAnswer(sellId, ['FundsCredited']);
        expect(await ledgerOf(sellId)).to.deep.equal([
          [userId, 'CREDIT', '75.4245', '0'],
          ['HOUSE', 'TRADE', '-75.5', '0'],
          ['HOUSE', 'FEE', '0.0755', '0'],
        ]);
      });

      it('answers CreditRejected USER_NOT_FOUND for an unknown user', async () => {
        const sagaId = randomUUID();
        await step({ type: 'CreditFunds', saga_id: sagaId, user_id: randomUUID(), amount: '1', fee: '0', symbol: 'AAPL', quantity: '1' });
        const event = await h.probe.sagaAnswer(sagaId, ['FundsCredited', 'CreditRejected']);
        expect(event.body).to.include({ type: 'CreditRejected', code: 'USER_NOT_FOUND' });
      });
    });

    describe('REMOVE_USER with holdings', () => {
      it('replies ERROR ACCOUNT_NOT_EMPTY naming the held symbol', async () => {
        const userId = await h.probe.userWith('60');
        const { sagaId } = await reserve(userId, '60');
        await capture(userId, sagaId, { quantity: '2.5' });
        const reply = await h.probe.request({ type: 'REMOVE_USER', user_id: userId });
        expect(reply).to.include({ code: 'ACCOUNT_NOT_EMPTY' });
        expect(reply.holdings).to.deep.equal([{ symbol: 'AAPL', quantity: '2.5' }]);
      });
    });

    describe('after every saga step above', () => {
      it('leaves every balance, the house’s included, equal to the sums of its ledger', async () => {
        expect(await ledgerDiscrepancies(h.prisma)).to.deep.equal([]);
      });

      it('leaves the ledger rows of every saga summing to zero over the user and the house', async () => {
        const unbalanced = await h.prisma.$queryRawUnsafe<unknown[]>(
          `SELECT saga_id, sum(available_delta + reserved_delta)::text AS total FROM payment.ledger
         WHERE saga_id IS NOT NULL GROUP BY saga_id HAVING sum(available_delta + reserved_delta) <> 0`,
        );
        expect(unbalanced).to.deep.equal([]);
      });
    });
  });
}
