import { ConfigError, loadConfig } from '@trading/platform';
import { expect } from 'chai';
import { edgeConfigShape, edgeSettings } from '../src/edgeConfig.ts';

const load = (env: Record<string, string> = {}) => edgeSettings(loadConfig(edgeConfigShape, env));

describe('the edge settings', () => {
  it('default to limits a person never meets, the dashboard as the only browser origin, and no TLS', () => {
    expect(load()).to.deep.equal({
      allowedOrigins: ['http://127.0.0.1:3002', 'http://localhost:3002'],
      perConnection: { ratePerSecond: 50, burst: 100 },
      perPrincipal: { ratePerSecond: 100, burst: 200 },
      addUserPerAddress: { ratePerHour: 20, burst: 20 },
      maxConnectionsPerAddress: 200,
      authTimeoutMs: 30_000,
      tls: { certFile: undefined, keyFile: undefined },
    });
  });

  it("derive the default origins from the dashboard's port", () => {
    expect(load({ REPORTING_PORT: '4100' }).allowedOrigins).to.deep.equal(['http://127.0.0.1:4100', 'http://localhost:4100']);
  });

  it('read every key from the environment', () => {
    const settings = load({
      ALLOWED_ORIGINS: 'https://Trade.example.com/, http://127.0.0.1:3002',
      RATE_LIMIT_PER_CONNECTION: '5',
      RATE_LIMIT_PER_CONNECTION_BURST: '10',
      RATE_LIMIT_PER_PRINCIPAL: '7',
      RATE_LIMIT_PER_PRINCIPAL_BURST: '14',
      MAX_CONNECTIONS_PER_ADDRESS: '3',
      ADD_USER_PER_ADDRESS_PER_HOUR: '2',
      AUTH_TIMEOUT_MS: '5000',
      TLS_CERT_FILE: '/etc/gateway/cert.pem',
      TLS_KEY_FILE: '/etc/gateway/key.pem',
    });
    expect(settings).to.deep.equal({
      allowedOrigins: ['https://trade.example.com', 'http://127.0.0.1:3002'],
      perConnection: { ratePerSecond: 5, burst: 10 },
      perPrincipal: { ratePerSecond: 7, burst: 14 },
      addUserPerAddress: { ratePerHour: 2, burst: 2 },
      maxConnectionsPerAddress: 3,
      authTimeoutMs: 5000,
      tls: { certFile: '/etc/gateway/cert.pem', keyFile: '/etc/gateway/key.pem' },
    });
  });

  it('take an ALLOWED_ORIGINS of only commas as unset', () => {
    expect(load({ ALLOWED_ORIGINS: ' , ,' }).allowedOrigins).to.deep.equal(['http://127.0.0.1:3002', 'http://localhost:3002']);
  });

  it('fail at start in one line naming the key of a wrong value', () => {
    const cases: [Record<string, string>, RegExp][] = [
      [{ ALLOWED_ORIGINS: 'https://ok.example,null' }, /ALLOWED_ORIGINS: "null" is not an origin/],
      [{ ALLOWED_ORIGINS: 'http://127.0.0.1:3002.evil.com' }, /ALLOWED_ORIGINS: ".*" is not an origin/],
      [{ RATE_LIMIT_PER_CONNECTION: '0' }, /RATE_LIMIT_PER_CONNECTION:/],
      [{ RATE_LIMIT_PER_PRINCIPAL_BURST: '1.5' }, /RATE_LIMIT_PER_PRINCIPAL_BURST:/],
      [{ MAX_CONNECTIONS_PER_ADDRESS: 'many' }, /MAX_CONNECTIONS_PER_ADDRESS:/],
      [{ ADD_USER_PER_ADDRESS_PER_HOUR: '-1' }, /ADD_USER_PER_ADDRESS_PER_HOUR:/],
      [{ AUTH_TIMEOUT_MS: '0' }, /AUTH_TIMEOUT_MS:/],
    ];
    for (const [env, message] of cases) {
      expect(() => load(env), JSON.stringify(env))
        .to.throw(ConfigError, message)
        .with.property('message')
        .that.does.not.include('\n');
    }
  });
});
