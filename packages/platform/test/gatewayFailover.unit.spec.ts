import { expect } from 'chai';
import { GatewayRotation, isGatewayLost, reopenOnNext } from '../src/index.ts';

const A = 'ws://127.0.0.1:3000';
const B = 'ws://127.0.0.1:3010';
const C = 'ws://127.0.0.1:3020';

describe('a client’s rotation over several gateways', () => {
  it('starts on the gateway of its index and moves to the next, back to the first after the last', () => {
    const rotation = new GatewayRotation([A, B, C], 4);
    expect(rotation.current).to.equal(B);
    expect([rotation.advance(), rotation.advance(), rotation.advance()]).to.deep.equal([C, A, B]);
    expect(new GatewayRotation(A).advance()).to.equal(A);
    expect(() => new GatewayRotation([])).to.throw('at least one gateway');
  });

  it('reopens on the next gateway that answers, skipping a dead one, without pausing inside a round', async () => {
    const rotation = new GatewayRotation([A, B, C]);
    const tried: string[] = [];
    const pauses: number[] = [];
    const opened = await reopenOnNext(
      rotation,
      async (url) => {
        tried.push(url);
        if (url === B) throw new Error('ECONNREFUSED');
        return `socket on ${url}`;
      },
      { withinMs: 1000, sleep: async (ms) => void pauses.push(ms) },
    );
    expect(opened).to.equal(`socket on ${C}`);
    expect(tried).to.deep.equal([B, C]);
    expect(pauses).to.deep.equal([]);
    expect(rotation.current).to.equal(C);
  });

  it('pauses longer after each round in which every gateway refused, and gives up with the last failure once its time is spent', async () => {
    const rotation = new GatewayRotation([A, B]);
    let clock = 0;
    const pauses: number[] = [];
    const attempt = reopenOnNext(
      rotation,
      async (url) => {
        throw new Error(`refused by ${url}`);
      },
      {
        withinMs: 1000,
        backoffMs: 100,
        maxBackoffMs: 300,
        now: () => clock,
        sleep: async (ms) => {
          pauses.push(ms);
          clock += ms;
        },
      },
    );
    await attempt.then(
      () => expect.fail('no gateway answered'),
      (err: Error) => expect(err.message).to.match(/^refused by/),
    );
    expect(pauses.slice(0, 4)).to.deep.equal([100, 200, 300, 300]);
    expect(clock).to.be.at.least(1000);
  });

  it('moves on when the gateway went away or failed, not when the client or a policy ended the socket', () => {
    for (const code of [1001, 1006, 1011, 1012]) expect(isGatewayLost(code), String(code)).to.equal(true);
    for (const code of [1000, 1008, 1009, 4000]) expect(isGatewayLost(code), String(code)).to.equal(false);
  });
});
