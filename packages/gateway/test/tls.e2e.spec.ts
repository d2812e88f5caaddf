import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Stack, startStack, TradingClient } from '@trading/testkit';
import { expect } from 'chai';
import { hasOpenssl, selfSigned } from './support/certificates.ts';

describe('the gateway with TLS_CERT_FILE and TLS_KEY_FILE', function () {
  this.timeout(60_000);
  let dir: string;
  let stack: Stack;
  let ca: Buffer;

  before(async function () {
    if (!hasOpenssl()) this.skip();
    dir = mkdtempSync(join(tmpdir(), 'gateway-wss-'));
    const { certFile, keyFile } = selfSigned(dir, 'gateway');
    ca = readFileSync(certFile);
    stack = await startStack(['gateway', 'payment'], { TLS_CERT_FILE: certFile, TLS_KEY_FILE: keyFile });
  });
  after(async () => {
    await stack?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('serves wss:// with the certificate, authenticating as over ws://', async () => {
    const url = stack.gatewayUrl.replace(/^ws:/, 'wss:');
    const client = await TradingClient.connect(url, { apiKey: null, ca });
    const added = await client.request({ type: 'ADD_USER' });
    expect(added).to.include({ status: 'OK' });
    expect(await client.request({ type: 'DEPOSIT', amount: '5' })).to.include({ status: 'OK', balance: '5' });
    await client.close();
  });

  it('no longer answers plain ws://', async () => {
    const refused = await TradingClient.connect(stack.gatewayUrl, { apiKey: null }).then(
      async (client) => {
        await client.close();
        return 'connected';
      },
      () => 'refused',
    );
    expect(refused).to.equal('refused');
  });
});
