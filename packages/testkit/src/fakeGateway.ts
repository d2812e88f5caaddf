import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { type WebSocket, WebSocketServer } from 'ws';

export type FakeGatewayFrame = { id: string; type: string; [key: string]: unknown };

/** A stand-in gateway on a loopback port: records each upgrade's key and each frame, answers as `answer` says. */
export async function fakeGateway(name: string, answer: (frame: FakeGatewayFrame, socket: WebSocket) => void) {
  const server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await once(server, 'listening');
  const keys: (string | undefined)[] = [];
  const frames: FakeGatewayFrame[] = [];
  server.on('connection', (socket, req) => {
    keys.push(req.headers.authorization);
    socket.on('message', (data) => {
      const frame = JSON.parse(data.toString()) as FakeGatewayFrame;
      frames.push(frame);
      answer(frame, socket);
    });
  });
  return {
    url: `ws://127.0.0.1:${(server.address() as AddressInfo).port}`,
    keys,
    frames,
    reply: (socket: WebSocket, frame: FakeGatewayFrame, extra: Record<string, unknown> = {}) =>
      socket.send(JSON.stringify({ id: frame.id, status: 'OK', message: `from ${name}`, ...extra })),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
