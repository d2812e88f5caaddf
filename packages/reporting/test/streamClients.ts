import { createServer, type Server, type ServerResponse } from 'node:http';
import { once } from 'node:events';
import { connect, type Socket } from 'node:net';
import { Writable } from 'node:stream';
import { createLogger } from '@trading/platform';
import { createLiveStream, type StreamLimits } from '../src/http/liveStream.ts';

/**
 * A live stream behind a plain node:http server on loopback, in this process, so a test can call `broadcast` and
 * see each client's server side (`responses`, in order of arrival). Its log lines are kept as objects.
 */
export async function serveLiveStream(limits: Partial<StreamLimits>) {
  const lines: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
      done();
    },
  });
  const stream = createLiveStream(createLogger('reporting', 'info', sink), limits);
  const responses: ServerResponse[] = [];
  const server: Server = createServer((req, res) => {
    responses.push(res);
    stream.open(req, res, async () => true);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  const close = async () => {
    stream.close();
    server.closeAllConnections();
    server.close();
  };
  return { stream, responses, lines, url: `http://127.0.0.1:${port}/api/stream`, port, close };
}

/** A client that sends its request and never reads a byte: what it is sent piles up in the kernel, then the server. */
export async function openSilentClient(port: number): Promise<Socket> {
  const socket = connect({ port, host: '127.0.0.1' });
  await once(socket, 'connect');
  socket.pause();
  socket.on('error', () => undefined);
  socket.write('GET /api/stream HTTP/1.1\r\nhost: 127.0.0.1\r\naccept: text/event-stream\r\n\r\n');
  return socket;
}

/** Reads a stream response to its end, counting the events named `name`. */
export function countEvents(body: ReadableStream<Uint8Array>, name: string): { count: () => number; done: Promise<void> } {
  let count = 0;
  let text = '';
  const decoder = new TextDecoder();
  const done = (async () => {
    for await (const chunk of body) {
      text += decoder.decode(chunk, { stream: true });
      const frames = text.split('\n\n');
      text = frames.pop()!;
      count += frames.filter((frame) => frame.startsWith(`event: ${name}\n`)).length;
    }
  })().catch(() => undefined);
  return { count: () => count, done };
}
