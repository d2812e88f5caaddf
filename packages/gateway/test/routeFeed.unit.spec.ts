import { type Delivery, brokerUsers, exchanges } from '@trading/contracts';
import { PoisonMessageError } from '@trading/platform';
import { expect } from 'chai';
import { createAccountFeed } from '../src/streams/accountFeed.ts';
import { createFeedHub } from '../src/streams/feedHub.ts';
import { routeFeed } from '../src/streams/routeFeed.ts';
import { fakeClock, fakeConnection, silentLogger } from './fakes.ts';

const USER = '11111111-1111-4111-8111-111111111111';
const change = (fields: Record<string, unknown> = {}) => ({
  type: 'ACCOUNT',
  source: 'payment',
  seq: 1,
  user_id: USER,
  at: '2026-01-01T00:00:00.000Z',
  change: 'FUNDS',
  balance: '10',
  reserved: '0',
  cause: { kind: 'DEPOSIT' },
  ...fields,
});
const delivery = (body: unknown, userId: string | null = brokerUsers.payment, routingKey = `account.${USER}`) =>
  ({ body, userId: userId ?? undefined, exchange: exchanges.accounts, routingKey, headers: {} }) as unknown as Delivery;

function setup() {
  const time = fakeClock();
  const accounts = createAccountFeed({ clock: time.clock, holdMs: 100, keep: 10 });
  const hub = createFeedHub({ queue: { bind: async () => {}, unbind: async () => {} }, publish: () => {}, maxPerSocket: 5, accounts, logger: silentLogger });
  const socket = fakeConnection('s1');
  const sub = hub.add(socket.connection, { channel: 'account', key: USER })!;
  accounts.start(USER, sub, { payment: 0, trade: 0 });
  return { route: routeFeed(hub), socket };
}

describe("an account change on a gateway's feed queue", () => {
  it('reaches the sockets following the account when its source published it under its user’s key', async () => {
    const { route, socket } = setup();
    await route(delivery(change()));
    expect(socket.sent).to.have.length(1);
    expect(socket.sent[0]).to.deep.include({ type: 'ACCOUNT', source: 'payment', seq: 1, balance: '10' });
  });

  it('is dead-lettered when anyone but its source published it, under another key, or malformed', async () => {
    const { route, socket } = setup();
    const refused = [
      delivery(change(), brokerUsers.trade), // Trade cannot announce Payment's funds
      delivery(change({ source: 'trade', change: 'HOLDING', symbol: 'BTC', quantity: '1' }), brokerUsers.payment),
      delivery(change(), brokerUsers.gateway),
      delivery(change(), null),
      delivery(change(), brokerUsers.payment, 'account.22222222-2222-4222-8222-222222222222'),
      delivery(change({ seq: 'x' })),
      delivery({ type: 'ACCOUNT' }),
    ];
    for (const d of refused) {
      let error: unknown;
      await route(d).catch((err: unknown) => {
        error = err;
      });
      expect(error, JSON.stringify(d.body)).to.be.instanceOf(PoisonMessageError);
    }
    expect(socket.sent).to.deep.equal([]);
  });
});
