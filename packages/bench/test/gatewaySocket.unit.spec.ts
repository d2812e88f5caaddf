import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { expect } from 'chai';
import { type WebSocket, WebSocketServer } from 'ws';
import { GatewaySocket } from '../src/gatewaySocket.ts';

type Frame = { id: string; type: string };

/** A stand-in gateway on a loopback port: records each upgrade's key and each frame it receives. */
async function fakeGateway(answer: (frame: Frame, socket: WebSocket) => void) {
  const server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await once(server, 'listening');
  const keys: (string | undefined)[] = [];
  const frames: Frame[] = [];
  server.on('connection', (socket, req) => {
    keys.push(req.headers.authorization);
    socket.on('message', (data) => {
      const frame = JSON.parse(data.toString()) as Frame;
      frames.push(frame);
      answer(frame, socket);
    });
  });
  return {
    url: `ws://127.0.0.1:${(server.address() as AddressInfo).port}`,
    keys,
    frames,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

describe('the bench’s gateway socket', () => {
  const servers: Array<{ close(): Promise<void> }> = [];
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((s) => s.close()));
  });

  it('given two gateways, moves to the other when its own drops the socket, and re-sends the unanswered request with its id', async () => {
    const dying = await fakeGateway((_frame, socket) => socket.terminate());
    const living = await fakeGateway((frame, socket) => socket.send(JSON.stringify({ id: frame.id, status: 'OK', message: 'done' })));
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
    const dying = await fakeGateway((_frame, socket) => socket.terminate());
    servers.push(dying);
    const socket = await GatewaySocket.open(dying.url, 'operator-key', 'b0c2', 5000);
    await socket.request({ type: 'DEPOSIT' }).then(
      () => expect.fail('the gateway died'),
      (err: Error) => expect(err.message).to.equal('connection closed'),
    );
    await socket.close();
  });
});
