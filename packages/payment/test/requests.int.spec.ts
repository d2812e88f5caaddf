import { randomUUID } from 'node:crypto';
import { type Stack, startStack, waitFor } from '@trading/testkit';
import { expect } from 'chai';
import { PaymentProbe } from './support/paymentProbe.ts';

describe('payment requests on the payment exchange', function () {
  this.timeout(60_000);
  let stack: Stack;
  let probe: PaymentProbe;

  before(async () => {
    stack = await startStack(['payment']);
    probe = await PaymentProbe.connect();
  });
  after(async () => {
    await probe?.close();
    await stack?.stop();
  });

  describe('ADD_USER', () => {
    it('creates an account with a zero balance and replies with its user_id', async () => {
      const reply = await probe.request({ id: 'a-1', type: 'ADD_USER' });
      expect(reply).to.include({ id: 'a-1', type: 'ADD_USER', status: 'OK' });
      expect(reply.user_id).to.be.a('string');
      const info = await probe.request({ type: 'USER_INFO', user_id: reply.user_id });
      expect(info).to.include({ status: 'OK', user_id: reply.user_id, amount: '0', reserved: '0' });
    });

    it('publishes UserCreated', async () => {
      const userId = await probe.addUser();
      const event = await probe.userEvent('UserCreated', userId);
      expect(event.routingKey).to.equal('payment.user.created');
    });
  });

  describe('DEPOSIT', () => {
    it('adds the amount to the available balance and replies OK with the new balance', async () => {
      const userId = await probe.addUser();
      const reply = await probe.request({ id: 7, type: 'DEPOSIT', user_id: userId, amount: '100.5' });
      expect(reply).to.include({ id: 7, status: 'OK', user_id: userId, amount: '100.5', balance: '100.5' });
      const info = await probe.request({ type: 'USER_INFO', user_id: userId });
      expect(info.amount).to.equal('100.5');
    });

    it('publishes FundsDeposited with the amount and the new available balance', async () => {
      const userId = await probe.userWith('40');
      await probe.request({ type: 'DEPOSIT', user_id: userId, amount: '2.25' });
      const deposits = await waitFor(() => {
        const found = probe.events.filter((d) => d.type === 'FundsDeposited' && (d.body as { user_id: string }).user_id === userId);
        return found.length === 2 ? found : undefined;
      });
      expect(deposits.map((d) => (d.body as { available: string }).available)).to.deep.equal(['40', '42.25']);
    });

    it('replies ERROR USER_NOT_FOUND for an unknown user', async () => {
      const reply = await probe.request({ type: 'DEPOSIT', user_id: randomUUID(), amount: '1' });
      expect(reply).to.include({ status: 'ERROR', code: 'USER_NOT_FOUND' });
    });

    it('accepts a JSON number such as 10.5 as its decimal text', async () => {
      const userId = await probe.addUser();
      const reply = await probe.request({ type: 'DEPOSIT', user_id: userId, amount: 10.5 });
      expect(reply).to.include({ status: 'OK', amount: '10.5', balance: '10.5' });
    });

    for (const amount of ['-1', '0', '1e3', 'NaN', 'Infinity', '0.0000000001', '99999999999999999999', '', 'ten']) {
      it(`replies ERROR INVALID_AMOUNT for amount ${JSON.stringify(amount)} and leaves the balance unchanged`, async () => {
        const userId = await probe.userWith('5');
        const reply = await probe.request({ type: 'DEPOSIT', user_id: userId, amount });
        expect(reply).to.include({ status: 'ERROR', code: 'INVALID_AMOUNT', field: 'amount' });
        const info = await probe.request({ type: 'USER_INFO', user_id: userId });
        expect(info.amount).to.equal('5');
      });
    }

    it('replies ERROR INVALID_REQUEST for a missing amount, a bad user_id or an unknown field', async () => {
      const userId = await probe.addUser();
      const bodies = [
        { type: 'DEPOSIT', user_id: userId },
        { type: 'DEPOSIT', user_id: 'not-a-uuid', amount: '1' },
        { type: 'DEPOSIT', user_id: userId, amount: '1', bonus: true },
      ];
      for (const body of bodies) {
        expect(await probe.request(body)).to.include({ status: 'ERROR', code: 'INVALID_REQUEST' });
      }
    });
  });

  describe('WITHDRAW', () => {
    it('takes the amount from the available balance and publishes FundsWithdrawn', async () => {
      const userId = await probe.userWith('100');
      const reply = await probe.request({ type: 'WITHDRAW', user_id: userId, amount: '30.00000001' });
      expect(reply).to.include({ status: 'OK', amount: '30.00000001', balance: '69.99999999' });
      const event = await probe.userEvent('FundsWithdrawn', userId);
      expect(event.body).to.include({ amount: '30.00000001', available: '69.99999999' });
    });

    it('can take the whole balance', async () => {
      const userId = await probe.userWith('12.5');
      expect(await probe.request({ type: 'WITHDRAW', user_id: userId, amount: '12.5' })).to.include({ status: 'OK', balance: '0' });
    });

    it('replies ERROR INSUFFICIENT_FUNDS for more than the balance and leaves the balance unchanged', async () => {
      const userId = await probe.userWith('10');
      const reply = await probe.request({ type: 'WITHDRAW', user_id: userId, amount: '10.00000001' });
      expect(reply).to.include({ status: 'ERROR', code: 'INSUFFICIENT_FUNDS', balance: '10' });
      expect((await probe.request({ type: 'USER_INFO', user_id: userId })).amount).to.equal('10');
    });

    it('replies ERROR USER_NOT_FOUND for an unknown user', async () => {
      expect(await probe.request({ type: 'WITHDRAW', user_id: randomUUID(), amount: '1' })).to.include({ code: 'USER_NOT_FOUND' });
    });

    it('replies ERROR INVALID_AMOUNT for a negative amount', async () => {
      const userId = await probe.userWith('10');
      expect(await probe.request({ type: 'WITHDRAW', user_id: userId, amount: '-1' })).to.include({ code: 'INVALID_AMOUNT' });
    });
  });

  describe('USER_INFO', () => {
    it('replies with user_id, amount (available), reserved and created_at', async () => {
      const userId = await probe.userWith('3');
      const reply = await probe.request({ id: 'info', type: 'USER_INFO', user_id: userId });
      expect(reply).to.include({ id: 'info', type: 'USER_INFO', status: 'OK', user_id: userId, amount: '3', reserved: '0' });
      expect(new Date(String(reply.created_at)).getTime()).to.be.closeTo(Date.now(), 60_000);
    });

    it('replies ERROR USER_NOT_FOUND for an unknown user', async () => {
      expect(await probe.request({ type: 'USER_INFO', user_id: randomUUID() })).to.include({ status: 'ERROR', code: 'USER_NOT_FOUND' });
    });
  });

  describe('REMOVE_USER', () => {
    it('removes an empty account, publishes UserRemoved, and the user is unknown afterwards', async () => {
      const userId = await probe.userWith('5');
      await probe.request({ type: 'WITHDRAW', user_id: userId, amount: '5' });
      expect(await probe.request({ type: 'REMOVE_USER', user_id: userId })).to.include({ status: 'OK', user_id: userId });
      expect((await probe.userEvent('UserRemoved', userId)).routingKey).to.equal('payment.user.removed');
      for (const body of [
        { type: 'USER_INFO', user_id: userId },
        { type: 'DEPOSIT', user_id: userId, amount: '1' },
        { type: 'WITHDRAW', user_id: userId, amount: '1' },
        { type: 'REMOVE_USER', user_id: userId },
      ]) {
        expect(await probe.request(body)).to.include({ status: 'ERROR', code: 'USER_NOT_FOUND' });
      }
    });

    it('replies ERROR ACCOUNT_NOT_EMPTY saying what is left, and keeps the account and its funds', async () => {
      const userId = await probe.userWith('7.5');
      const reply = await probe.request({ type: 'REMOVE_USER', user_id: userId });
      expect(reply).to.include({ status: 'ERROR', code: 'ACCOUNT_NOT_EMPTY', amount: '7.5', reserved: '0' });
      expect(reply.message).to.include('7.5 available');
      expect((await probe.request({ type: 'USER_INFO', user_id: userId })).amount).to.equal('7.5');
    });

    it('replies ERROR USER_NOT_FOUND for an unknown user', async () => {
      expect(await probe.request({ type: 'REMOVE_USER', user_id: randomUUID() })).to.include({ code: 'USER_NOT_FOUND' });
    });
  });

  describe('a malformed message on the payment queue', () => {
    it('replies ERROR UNKNOWN_TYPE to a request of another service', async () => {
      const reply = await probe.request({ type: 'BUY', user_id: randomUUID(), symbol: 'AAPL', amount: '1' });
      expect(reply).to.include({ status: 'ERROR', code: 'UNKNOWN_TYPE' });
    });

    it('replies ERROR UNKNOWN_TYPE to an unknown type that carries an id', async () => {
      expect(await probe.request({ type: 'TRANSFER' })).to.include({ status: 'ERROR', code: 'UNKNOWN_TYPE' });
    });

    it('dead-letters at once, with the reason, a body that is not even a request', async () => {
      const messageId = await probe.sendRaw(['not', 'a', 'request']);
      const letter = await waitFor(() => probe.deadLetters.find((d) => d.messageId === messageId));
      expect(letter.headers).to.include({ 'x-error-name': 'PoisonMessageError', 'x-failed-service': 'payment' });
    });

    it('dead-letters a Trade event that breaks its schema or a money rule (a BUY accepted without what to reserve, a trade without its fee)', async () => {
      const saga = () => ({ saga_id: randomUUID(), user_id: randomUUID(), at: new Date().toISOString() });
      const facts = { side: 'BUY', symbol: 'AAPL', quantity: '1', price: '1', notional: '1' };
      const bad = [
        { type: 'OrderAccepted', ...saga(), ...facts, saga_id: 'nope', reserve: '1' },
        { type: 'OrderAccepted', ...saga(), ...facts, reserve: '0.000000001' },
        { type: 'OrderAccepted', ...saga(), ...facts },
        { type: 'TradeRecorded', ...saga(), ...facts, trade_id: randomUUID() },
      ];
      for (const body of bad) {
        const messageId = await probe.asTrade(body);
        const letter = await waitFor(() => probe.deadLetters.find((d) => d.messageId === messageId));
        expect(letter.headers['x-error-name']).to.equal('PoisonMessageError');
      }
    });

    it('dead-letters at once a message of a schema version it does not read (3), and changes nothing', async () => {
      const userId = await probe.userWith('10');
      const sagaId = randomUUID();
      const at = new Date().toISOString();
      const accepted = {
        type: 'OrderAccepted',
        saga_id: sagaId,
        user_id: userId,
        at,
        side: 'BUY',
        symbol: 'AAPL',
        quantity: '1',
        price: '5',
        notional: '5',
        reserve: '5',
      };
      const messageId = await probe.asTrade(accepted, 3 as 2);
      const letter = await waitFor(() => probe.deadLetters.find((d) => d.messageId === messageId));
      expect(String(letter.headers['x-error'])).to.match(/schema version 3/);
      expect(await probe.request({ type: 'USER_INFO', user_id: userId })).to.include({ amount: '10', reserved: '0' });
    });

    it('dead-letters a schema version 1 saga command that breaks its schema or a money rule', async () => {
      const bad = [
        { type: 'ReserveFunds', saga_id: 'nope', user_id: randomUUID(), amount: '1' },
        { type: 'ReserveFunds', saga_id: randomUUID(), user_id: randomUUID(), amount: '0.000000001' },
        { type: 'CaptureFunds', saga_id: randomUUID(), user_id: randomUUID(), symbol: 'AAPL', quantity: '1' },
        { type: 'CreditFunds', saga_id: randomUUID(), user_id: randomUUID(), amount: '1', symbol: 'AAPL', quantity: '1' },
      ];
      for (const body of bad) {
        const messageId = await probe.asTrade(body, 1);
        const letter = await waitFor(() => probe.deadLetters.find((d) => d.messageId === messageId));
        expect(letter.headers['x-error-name']).to.equal('PoisonMessageError');
      }
    });
  });
});
