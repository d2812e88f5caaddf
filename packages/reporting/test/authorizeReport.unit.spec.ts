import { brokerUsers, type Delivery } from '@trading/contracts';
import { expect } from 'chai';
import { authorizeReport } from '../src/authorizeReport.ts';

const own = '11111111-1111-4111-8111-111111111111';
const other = '22222222-2222-4222-8222-222222222222';

function delivery(stamp: string | undefined, userId: string | undefined = brokerUsers.gateway): Delivery {
  return {
    body: {},
    messageId: 'm1',
    type: 'REPORT',
    correlationId: 'c1',
    replyTo: 'gateway.g1',
    userId,
    headers: stamp === undefined ? {} : { 'x-principal': stamp },
    exchange: 'api',
    routingKey: 'reporting.report',
    redelivered: false,
    deliveryCount: 0,
    schemaVersion: 2,
  };
}

describe('REPORT over the bus: who may ask about whom', () => {
  it("answers a user's REPORT about its own figures only, its own when it names nobody", () => {
    expect(authorizeReport(delivery(`user:${own}`), { id: 'r1', type: 'REPORT' })).to.deep.include({
      ok: true,
      request: { id: 'r1', type: 'REPORT', user_id: own },
    });
    expect(authorizeReport(delivery(`user:${own}`), { id: 'r1', type: 'REPORT', user_id: other })).to.include({ ok: false, code: 'FORBIDDEN' });
  });

  it("answers the operator's REPORT, global or about anyone", () => {
    expect(authorizeReport(delivery('admin'), { id: 'r1', type: 'REPORT' })).to.deep.equal({
      ok: true,
      principal: { kind: 'admin' },
      request: { id: 'r1', type: 'REPORT' },
    });
    expect(authorizeReport(delivery('admin'), { id: 'r1', type: 'REPORT', user_id: other })).to.include({ ok: true });
  });

  it('refuses with FORBIDDEN a REPORT without a stamp, with a malformed one, or not published by a gateway', () => {
    for (const refused of [
      delivery(undefined),
      delivery('root'),
      delivery(`user:${own}x`),
      delivery('admin', brokerUsers.trade),
      delivery('admin', 'guest'),
      { ...delivery('admin'), userId: undefined },
    ]) {
      expect(authorizeReport(refused, { id: 'r1', type: 'REPORT' })).to.include({ ok: false, code: 'FORBIDDEN' });
    }
  });
});
