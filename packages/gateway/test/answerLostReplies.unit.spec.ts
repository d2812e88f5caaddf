import type { Delivery } from '@trading/contracts';
import { expect } from 'chai';
import { answerLostReplies } from '../src/answerLostReplies.ts';
import { createPendingReplies } from '../src/pendingReplies.ts';
import { routeReply } from '../src/routeReply.ts';
import { fakeClock, fakeConnection, paymentAnswer, silentLogger } from './fakes.ts';

const TIMEOUT_MS = 5000;

function setup() {
  const time = fakeClock();
  const timedOut: string[] = [];
  const pending = createPendingReplies(time.clock, TIMEOUT_MS, (request) => void timedOut.push(request.correlationId));
  const a = fakeConnection('a');
  const b = fakeConnection('b');
  pending.add({ correlationId: 'c-a', requestId: 'r1', type: 'DEPOSIT', connection: a.connection, log: silentLogger });
  pending.add({ correlationId: 'c-b', requestId: 7, type: 'BUY', connection: b.connection, log: silentLogger });
  const authenticator = { settle: () => false, revoked: () => undefined };
  const route = routeReply({ pending, authenticator, connections: [a.connection, b.connection], logger: silentLogger });
  return { time, timedOut, pending, a, b, route };
}

describe('the broker connection lost with requests waiting for their reply', () => {
  it('answers each of them REPLY_LOST at once, with its id and type, instead of REPLY_TIMEOUT after the timeout', () => {
    const { a, b, pending, time, timedOut } = setup();
    answerLostReplies(pending, silentLogger);
    expect(a.sent).to.have.length(1);
    expect(a.sent[0]).to.include({ id: 'r1', type: 'DEPOSIT', status: 'ERROR', code: 'REPLY_LOST' });
    expect(b.sent.map((r) => [r.id, r.code])).to.deep.equal([[7, 'REPLY_LOST']]);
    time.advance(TIMEOUT_MS);
    expect(timedOut, 'timers stopped').to.deep.equal([]);
    expect(a.sent).to.have.length(1);
  });

  it('answers each once: a reply that still arrives afterwards is dropped', async () => {
    const { a, pending, route } = setup();
    answerLostReplies(pending, silentLogger);
    const late: Delivery = paymentAnswer({ id: 'r1', type: 'DEPOSIT', status: 'OK', message: 'deposited' }, 'c-a');
    await route(late);
    expect(a.sent.map((r) => r.code)).to.deep.equal(['REPLY_LOST']);
  });

  it('leaves the requests sent after it to their own replies', async () => {
    const { a, pending, route } = setup();
    answerLostReplies(pending, silentLogger);
    pending.add({ correlationId: 'c-a2', requestId: 'r2', type: 'DEPOSIT', connection: a.connection, log: silentLogger });
    await route(paymentAnswer({ id: 'r2', type: 'DEPOSIT', status: 'OK', message: 'deposited' }, 'c-a2'));
    expect(a.sent.map((r) => [r.id, r.status])).to.deep.equal([
      ['r1', 'ERROR'],
      ['r2', 'OK'],
    ]);
  });
});
