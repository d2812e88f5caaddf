import { expect } from 'chai';
import { fakeGateway } from '@trading/testkit';
import { GatewaySocket } from '../src/gatewaySocket.ts';

describe('the bench’s gateway socket', () => {
  const servers: Array<{ close(): Promise<void> }> = [];
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((s) => s.close()));
  });

  it('given two gateways, moves to the other when its own drops the socket, and re-sends the unanswered request with its id', async () => {
    const dying = await fakeGateway('gateway', (_frame, socket) => socket.terminate());
    const living = await fakeGateway('gateway', (frame, socket) => socket.send(JSON.stringify({ id: frame.id, status: 'OK', message: 'done' })));
    servers.push(dying, living);
    const socket = await GatewaySocket.open([living.url, dying.url], 'operator-key', 'b0c1', 5000, 1);
    const reply = await socket.request({ type: 'DEPOSIT' });
    expect(reply).to.include({ id: 'b0c1-1', status: 'OK' });
    expect(dying.frames.map((f) => f.id)).to.deep.equal(['b0c1-1']);
    expect(living.frames.map((f) => f.id)).to.deep.equal(['b0c1-1']);
    expect(living.keys).to.deep.equal(['Bearer operator-key']);
    expect(socket.failovers).to.equal(1);
    await socket.close();
  });

  it('given one gateway, fails what is in flight when the socket drops', async () => {
    const dying = await fakeGateway('gateway', (_frame, socket) => socket.terminate());
    servers.push(dying);
    const socket = await GatewaySocket.open(dying.url, 'operator-key', 'b0c2', 5000);
    await socket.request({ type: 'DEPOSIT' }).then(
      () => expect.fail('the gateway died'),
      (err: Error) => expect(err.message).to.equal('connection closed'),
    );
    await socket.close();
  });
});
