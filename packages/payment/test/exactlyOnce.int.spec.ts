import { randomUUID } from 'node:crypto';
import { waitFor } from '@trading/testkit';
import { expect } from 'chai';
import { ledgerOf } from './support/database.ts';
import { usePaymentHarness } from './support/harness.ts';

describe('payment requests take effect exactly once', function () {
  this.timeout(60_000);
  const h = usePaymentHarness();

  const balance = async (userId: string) => (await h.probe.request({ type: 'USER_INFO', user_id: userId })).amount;
  const repliesTo = (correlationId: string, count: number) =>
    waitFor(() => {
      const found = h.probe.replies.filter((d) => d.correlationId === correlationId);
      return found.length >= count ? found.map((d) => d.body) : undefined;
    });

  describe('a redelivered DEPOSIT (the same message twice)', () => {
    it('credits once, publishes one FundsDeposited and sends the same reply again', async () => {
      const userId = await h.probe.addUser();
      const body = { id: 'dep-1', type: 'DEPOSIT', user_id: userId, amount: '25' };
      const options = { messageId: randomUUID(), correlationId: randomUUID() };
      await h.probe.send(body, options);
      await h.probe.send(body, options);
      const [first, second] = await repliesTo(options.correlationId, 2);
      expect(first).to.deep.equal(second);
      expect(first).to.include({ status: 'OK', balance: '25' });
      expect(await balance(userId)).to.equal('25');
      expect((await ledgerOf(h.prisma, userId)).map((e) => e.kind)).to.deep.equal(['DEPOSIT']);
      await h.probe.userEvent('FundsDeposited', userId);
      expect(h.probe.events.filter((d) => d.type === 'FundsDeposited' && (d.body as { user_id: string }).user_id === userId)).to.have.length(1);
    });
  });

  describe('a DEPOSIT re-sent with the same id', () => {
    it('credits once and gets the same reply, addressed to the new request', async () => {
      const userId = await h.probe.addUser();
      const body = { id: 'dep-2', type: 'DEPOSIT', user_id: userId, amount: '10' };
      const first = await h.probe.request(body);
      const again = await h.probe.request(body);
      expect(again).to.deep.equal(first);
      expect(await balance(userId)).to.equal('10');
    });

    it('credits once when the copies arrive at the same time', async () => {
      const userId = await h.probe.addUser();
      const body = { id: 'dep-3', type: 'DEPOSIT', user_id: userId, amount: '1.5' };
      const replies = await Promise.all(Array.from({ length: 8 }, () => h.probe.request(body)));
      for (const reply of replies) expect(reply).to.deep.equal(replies[0]);
      expect(await balance(userId)).to.equal('1.5');
    });

    it('is answered the same even when the first answer was an error', async () => {
      const userId = await h.probe.userWith('1');
      const body = { id: 'wd-1', type: 'WITHDRAW', user_id: userId, amount: '2' };
      expect(await h.probe.request(body)).to.include({ code: 'INSUFFICIENT_FUNDS' });
      await h.probe.request({ type: 'DEPOSIT', user_id: userId, amount: '5' });
      expect(await h.probe.request(body)).to.include({ code: 'INSUFFICIENT_FUNDS' });
      expect(await balance(userId)).to.equal('6');
    });
  });

  describe('the same id with a different request', () => {
    it('replies ERROR DUPLICATE_REQUEST_ID and changes nothing', async () => {
      const userId = await h.probe.addUser();
      await h.probe.request({ id: 'dup', type: 'DEPOSIT', user_id: userId, amount: '10' });
      const reply = await h.probe.request({ id: 'dup', type: 'DEPOSIT', user_id: userId, amount: '11' });
      expect(reply).to.include({ id: 'dup', status: 'ERROR', code: 'DUPLICATE_REQUEST_ID' });
      const other = await h.probe.request({ id: 'dup', type: 'WITHDRAW', user_id: userId, amount: '10' });
      expect(other).to.include({ code: 'DUPLICATE_REQUEST_ID' });
      expect(await balance(userId)).to.equal('10');
    });

    it('is a new request for another user (ids are scoped to their user)', async () => {
      const [alice, bob] = [await h.probe.addUser(), await h.probe.addUser()];
      expect(await h.probe.request({ id: 'same', type: 'DEPOSIT', user_id: alice, amount: '1' })).to.include({ status: 'OK' });
      expect(await h.probe.request({ id: 'same', type: 'DEPOSIT', user_id: bob, amount: '2' })).to.include({ status: 'OK' });
      expect([await balance(alice), await balance(bob)]).to.deep.equal(['1', '2']);
    });
  });

  describe('ADD_USER re-sent with the same id', () => {
    it('returns the same new user, and the hash of the first key, on the same connection (session)', async () => {
      const session = randomUUID();
      const first = await h.probe.request({ id: 'new-user', type: 'ADD_USER' }, { session });
      const again = await h.probe.request({ id: 'new-user', type: 'ADD_USER' }, { session });
      expect(again.user_id).to.equal(first.user_id);
      expect(again.api_key_sha256).to.equal(first.api_key_sha256);
    });

    it('creates another user on another connection', async () => {
      const first = await h.probe.request({ id: 'new-user-2', type: 'ADD_USER' }, { session: randomUUID() });
      const other = await h.probe.request({ id: 'new-user-2', type: 'ADD_USER' }, { session: randomUUID() });
      expect(other.user_id).to.be.a('string').and.not.equal(first.user_id);
    });

    it("replies ERROR INVALID_REQUEST without the new key's hash, and FORBIDDEN without a stamp", async () => {
      expect(await h.probe.request({ type: 'ADD_USER' }, { newKeySha256: '' })).to.include({ code: 'INVALID_REQUEST' });
      expect(await h.probe.request({ type: 'ADD_USER' }, { principal: '' })).to.include({ code: 'FORBIDDEN' });
    });
  });
});
