import { ConfigError } from '@trading/platform';
import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TLSSocket } from 'node:tls';
import uWS, { type TemplatedApp, type us_listen_socket } from 'uWebSockets.js';
import WebSocket from 'ws';
import { listen } from '../src/listen.ts';
import { createApp } from '../src/tls.ts';
import { selfSigned } from './support/certificates.ts';

/** An echo server on a free port of 127.0.0.1, made by createApp. */
async function echoServer(app: TemplatedApp) {
  app.ws('/*', { message: (ws, message, isBinary) => void ws.send(message, isBinary) });
  const { socket, port } = await listen(app, '127.0.0.1', 0);
  return { port, close: () => uWS.us_listen_socket_close(socket as us_listen_socket) };
}

/** Opens `url`, sends `text`, and resolves with the echo and the server certificate's CN (or rejects with the error). */
function exchange(url: string, text: string, options: WebSocket.ClientOptions = {}): Promise<{ echo: string; peerCn?: string }> {
  return new Promise((resolve, reject) => {
    const client = new WebSocket(url, options);
    let peerCn: string | undefined;
    client.once('error', reject);
    client.once('upgrade', (response) => {
      if (response.socket instanceof TLSSocket) peerCn = String(response.socket.getPeerCertificate().subject.CN);
    });
    client.once('open', () => client.send(text));
    client.once('message', (data) => {
      client.close();
      resolve({ echo: String(data), ...(peerCn === undefined ? {} : { peerCn }) });
    });
  });
}

describe('TLS at the gateway', function () {
  this.timeout(30_000);
  let dir: string;
  let good: { certFile: string; keyFile: string };
  let other: { certFile: string; keyFile: string };
  const closers: (() => void)[] = [];

  before(function () {
    try {
      execFileSync('openssl', ['version'], { stdio: 'pipe' });
    } catch {
      this.skip();
    }
    dir = mkdtempSync(join(tmpdir(), 'gateway-tls-'));
    good = selfSigned(dir, 'good');
    other = selfSigned(dir, 'other');
  });

  afterEach(() => {
    for (const close of closers.splice(0)) close();
  });
  after(() => dir && rmSync(dir, { recursive: true, force: true }));

  it('serves wss:// with both files set: a client trusting the certificate exchanges a message', async () => {
    const server = await echoServer(createApp(good));
    closers.push(server.close);
    const reply = await exchange(`wss://127.0.0.1:${server.port}`, '{"id":"1","type":"ADD_USER"}', { ca: readFileSync(good.certFile) });
    expect(reply.echo).to.equal('{"id":"1","type":"ADD_USER"}');
    expect(reply.peerCn).to.equal('127.0.0.1');
  });

  it('is refused by a client that does not trust the certificate', async () => {
    const server = await echoServer(createApp(good));
    closers.push(server.close);
    const failure = await exchange(`wss://127.0.0.1:${server.port}`, 'x').then(
      () => undefined,
      (err: NodeJS.ErrnoException) => err,
    );
    expect(failure?.code).to.equal('DEPTH_ZERO_SELF_SIGNED_CERT');
  });

  it('serves plain ws:// with neither file set', async () => {
    const server = await echoServer(createApp({}));
    closers.push(server.close);
    expect(await exchange(`ws://127.0.0.1:${server.port}`, 'plain')).to.deep.equal({ echo: 'plain' });
  });

  it('fails at start in one line when only one of the two is set', () => {
    expect(() => createApp({ certFile: good.certFile })).to.throw(
      ConfigError,
      /^TLS needs both TLS_CERT_FILE and TLS_KEY_FILE, but only TLS_CERT_FILE is set$/,
    );
    expect(() => createApp({ keyFile: good.keyFile, certFile: '' })).to.throw(ConfigError, /only TLS_KEY_FILE is set$/);
  });

  it('fails at start naming the setting when a file is missing or unreadable', () => {
    expect(() => createApp({ certFile: join(dir, 'absent.pem'), keyFile: good.keyFile })).to.throw(
      ConfigError,
      /^TLS_CERT_FILE .*absent\.pem: cannot read it \(ENOENT\)$/,
    );
    expect(() => createApp({ certFile: good.certFile, keyFile: dir })).to.throw(ConfigError, /^TLS_KEY_FILE .*: cannot read it \(EISDIR\)$/);
    if (process.getuid?.() === 0) return; // root reads a file whatever its mode
    const locked = join(dir, 'locked.key.pem');
    writeFileSync(locked, readFileSync(good.keyFile));
    chmodSync(locked, 0o000);
    expect(() => createApp({ certFile: good.certFile, keyFile: locked })).to.throw(ConfigError, /^TLS_KEY_FILE .*: cannot read it \(EACCES\)$/);
  });

  it('fails at start when a file holds the wrong thing or the key is not the certificate’s', () => {
    expect(() => createApp({ certFile: good.keyFile, keyFile: good.keyFile })).to.throw(ConfigError, /^TLS_CERT_FILE .*: not a PEM certificate$/);
    expect(() => createApp({ certFile: good.certFile, keyFile: good.certFile })).to.throw(ConfigError, /^TLS_KEY_FILE .*: not an unencrypted PEM private key$/);
    expect(() => createApp({ certFile: good.certFile, keyFile: other.keyFile })).to.throw(
      ConfigError,
      /^TLS_KEY_FILE .* is not the key of the certificate in TLS_CERT_FILE /,
    );
  });
});
