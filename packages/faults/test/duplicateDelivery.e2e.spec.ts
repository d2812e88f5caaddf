import { randomUUID } from 'node:crypto';
import { Decimal, type Reply } from '@trading/contracts';
import { expect } from 'chai';
import type { RawRequest, RequestRecord } from '../src/index.ts';
import { runScenario, useRawClient, useScenarioStack } from './support/scenario.ts';

describe('client requests delivered twice (the same AMQP message published twice) mid-load', function () {
  this.timeout(120_000);
  const stack = useScenarioStack();
  const raw = useRawClient();

  /*
   * A duplicated delivery is one client request: the gateway takes the first reply of a correlation id and drops
   * the rest. Payment answers each copy (the second from its inbox); Trade adds one waiter per reply address, so
   * it answers once. Either way every reply to the correlation id must be the same.
   */
  it('applies each once and every reply to the copies is the same', async () => {
    const records: RequestRecord[] = [];
    const sent: { correlationId: string; first: Reply }[] = [];
    const twice = async (request: Omit<RawRequest, 'id'>): Promise<Reply> => {
      const body = { ...request, id: `dup-${randomUUID()}` } as RawRequest;
      const sentAt = Date.now();
      const correlationId = await raw().publishRequest(body, 2);
      const [first] = await raw().whenReplies(correlationId, 1);
      records.push({ id: body.id, client: -1, type: body.type, body, sends: [sentAt], replies: [{ at: Date.now(), reply: first! }] });
      sent.push({ correlationId, first: first! });
      return first!;
    };
    await runScenario(
      'duplicated deliveries',
      stack(),
      async () => {
        const added = await twice({ type: 'ADD_USER' });
        expect(added).to.include({ status: 'OK' });
        const user = String(added.user_id);
        expect(await twice({ type: 'DEPOSIT', user_id: user, amount: '1000' })).to.include({ status: 'OK' });
        expect(await twice({ type: 'WITHDRAW', user_id: user, amount: '100' })).to.include({ status: 'OK' });
        // Market orders, at the market service's moving price: the balance follows from what the replies say they cost.
        const bought = await twice({ type: 'BUY', user_id: user, symbol: 'BTC', amount: '0.01' });
        expect(bought).to.include({ status: 'OK' });
        const sold = await twice({ type: 'SELL', user_id: user, symbol: 'BTC', amount: '0.005' });
        expect(sold).to.include({ status: 'OK' });
        const balance = new Decimal(900).sub(String(bought.notional)).sub(String(bought.fee)).add(String(sold.notional)).sub(String(sold.fee));
        const info = await twice({ type: 'USER_INFO', user_id: user });
        expect(info).to.include({ status: 'OK', amount: balance.toFixed() });
      },
      { extraRecords: () => records },
    );
    for (const { correlationId, first } of sent) {
      for (const reply of raw().repliesTo(correlationId)) expect(reply, `a reply to ${first.type}`).to.deep.equal(first);
    }
  });
});
