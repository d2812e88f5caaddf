import type { PrismaClient } from '@trading/db';
import { type Stack, startStack, TradingClient } from '@trading/testkit';
import { expect } from 'chai';
import { ledgerDiscrepancies } from '../src/index.ts';
import { testDatabase } from './support/database.ts';

describe('payment through the gateway', function () {
  this.timeout(120_000);
  let stack: Stack;
  let client: TradingClient;
  let prisma: PrismaClient;

  before(async () => {
    stack = await startStack(['gateway', 'payment']);
    await stack.addInstance('payment');
    client = await TradingClient.connect(stack.gatewayUrl);
    prisma = testDatabase();
  });
  after(async () => {
    await prisma?.$disconnect();
    await client?.close();
    await stack?.stop();
  });

  const addUser = async (c = client) => String((await c.request({ type: 'ADD_USER' })).user_id);

  describe('the seed flow: ADD_USER, DEPOSIT, WITHDRAW, USER_INFO, REMOVE_USER', () => {
    it('replies with every field the seed names, on one anonymous socket that ADD_USER authenticates', async () => {
      const seedClient = await TradingClient.connect(stack.gatewayUrl, { apiKey: null });
      const created = await seedClient.request({ id: 'seed-1', type: 'ADD_USER' });
      expect(created).to.include({ id: 'seed-1', status: 'OK' }).and.to.have.keys('id', 'type', 'status', 'message', 'user_id', 'api_key');
      expect(created.api_key).to.match(/^tk_[A-Za-z0-9_-]{43}$/);
      const userId = created.user_id;
      const client = seedClient;
      expect(await client.request({ id: 'seed-2', type: 'DEPOSIT', user_id: userId, amount: '100.50' })).to.include({ id: 'seed-2', status: 'OK' });
      expect(await client.request({ id: 'seed-3', type: 'WITHDRAW', user_id: userId, amount: 0.5 })).to.include({ status: 'OK', balance: '100' });
      const info = await client.request({ id: 'seed-4', type: 'USER_INFO', user_id: userId });
      expect(info).to.include({ id: 'seed-4', status: 'OK', user_id: userId, amount: '100', reserved: '0' });
      expect(info).to.have.property('message').that.is.a('string');
      expect(info).to.have.property('created_at');
      expect(await client.request({ type: 'REMOVE_USER', user_id: userId })).to.include({ code: 'ACCOUNT_NOT_EMPTY' });
      await client.request({ type: 'WITHDRAW', user_id: userId, amount: '100' });
      expect(await client.request({ id: 'seed-5', type: 'REMOVE_USER', user_id: userId })).to.include({ id: 'seed-5', status: 'OK', user_id: userId });
      expect(await seedClient.closed(5000), 'removing the user revokes its key and closes its socket').to.equal(1008);
    });
  });

  describe('a bad amount', () => {
    for (const amount of ['-1', '0', '1e3', 'NaN', 'Infinity', '0.0000000001', '99999999999999999999']) {
      it(`${JSON.stringify(amount)} is answered ERROR INVALID_AMOUNT`, async () => {
        const userId = await addUser();
        expect(await client.request({ type: 'DEPOSIT', user_id: userId, amount })).to.include({ status: 'ERROR', code: 'INVALID_AMOUNT' });
      });
    }
  });

  describe('a request re-sent with the same id', () => {
    it('ADD_USER returns the same user on the same connection, without the key again, and another on a new one', async () => {
      const anonymous = await TradingClient.connect(stack.gatewayUrl, { apiKey: null });
      const first = await anonymous.request({ id: 'u-1', type: 'ADD_USER' });
      const again = await anonymous.request({ id: 'u-1', type: 'ADD_USER' });
      await anonymous.close();
      expect(again.user_id).to.equal(first.user_id);
      expect(first.api_key).to.be.a('string');
      expect(again).to.not.have.property('api_key');
      const other = await TradingClient.connect(stack.gatewayUrl, { apiKey: null });
      try {
        expect((await other.request({ id: 'u-1', type: 'ADD_USER' })).user_id).to.not.equal(first.user_id);
      } finally {
        await other.close();
      }
    });

    it('DEPOSIT credits once and gets the same reply', async () => {
      const userId = await addUser();
      const first = await client.request({ id: 'd-1', type: 'DEPOSIT', user_id: userId, amount: '5' });
      expect(await client.request({ id: 'd-1', type: 'DEPOSIT', user_id: userId, amount: '5' })).to.deep.equal(first);
      expect((await client.request({ type: 'USER_INFO', user_id: userId })).amount).to.equal('5');
    });

    it('with a different request is answered ERROR DUPLICATE_REQUEST_ID', async () => {
      const userId = await addUser();
      await client.request({ id: 'd-2', type: 'DEPOSIT', user_id: userId, amount: '5' });
      expect(await client.request({ id: 'd-2', type: 'DEPOSIT', user_id: userId, amount: '6' })).to.include({ code: 'DUPLICATE_REQUEST_ID' });
      expect((await client.request({ type: 'USER_INFO', user_id: userId })).amount).to.equal('5');
    });
  });

  describe('100 concurrent WITHDRAWs of 10 against 100, on two payment instances', () => {
    it('give exactly 10 OK replies, a balance of 0, and books that balance', async () => {
      const userId = await addUser();
      await client.request({ type: 'DEPOSIT', user_id: userId, amount: '100' });
      const replies = await Promise.all(Array.from({ length: 100 }, () => client.request({ type: 'WITHDRAW', user_id: userId, amount: '10' })));
      expect(replies.filter((r) => r.status === 'OK')).to.have.length(10);
      expect(replies.filter((r) => r.code === 'INSUFFICIENT_FUNDS')).to.have.length(90);
      expect((await client.request({ type: 'USER_INFO', user_id: userId })).amount).to.equal('0');
      expect(await ledgerDiscrepancies(prisma)).to.deep.equal([]);
    });
  });
});
