import type { IncomingMessage } from 'node:http';
import { loadConfig } from '@trading/platform';
import { expect } from 'chai';
import { reportingConfigShape } from '../src/config.ts';
import { readCookie, sessionCookie } from '../src/http/cookies.ts';
import { isCrossSite } from '../src/http/sameOrigin.ts';

const request = (headers: Record<string, string>) => ({ headers: { host: '127.0.0.1:3002', ...headers } }) as unknown as IncomingMessage;

describe('the reporting API guards', () => {
  it('takes a POST from its own origin, or from no page at all, and refuses one from another site', () => {
    expect(isCrossSite(request({}))).to.equal(false);
    expect(isCrossSite(request({ origin: 'http://127.0.0.1:3002' }))).to.equal(false);
    expect(isCrossSite(request({ origin: 'https://127.0.0.1:3002' })), 'behind a TLS proxy').to.equal(false);
    for (const origin of ['http://evil.example', 'http://127.0.0.1:8080', 'null', 'file://', 'not a url']) {
      expect(isCrossSite(request({ origin })), origin).to.equal(true);
    }
    expect(isCrossSite(request({ 'sec-fetch-site': 'cross-site' }))).to.equal(true);
  });

  it('reads the session cookie among others, and sets it HttpOnly, SameSite=Strict for the whole site', () => {
    expect(readCookie('a=1; reporting_session=abc_-9; b=2', 'reporting_session')).to.equal('abc_-9');
    expect(readCookie('xreporting_session=1', 'reporting_session')).to.equal(undefined);
    expect(readCookie(undefined, 'reporting_session')).to.equal(undefined);
    expect(sessionCookie('abc', 8 * 3600_000)).to.equal('reporting_session=abc; HttpOnly; SameSite=Strict; Path=/; Max-Age=28800');
  });

  it('listens on loopback by default, and refuses an ADMIN_API_KEY under 32 characters', () => {
    const defaults = loadConfig(reportingConfigShape, {});
    expect([defaults.REPORTING_HOST, defaults.ADMIN_API_KEY]).to.deep.equal(['127.0.0.1', undefined]);
    expect(() => loadConfig(reportingConfigShape, { ADMIN_API_KEY: 'short-key' })).to.throw(/ADMIN_API_KEY: must be at least 32 characters/);
    expect(loadConfig(reportingConfigShape, { ADMIN_API_KEY: 'k'.repeat(32) }).ADMIN_API_KEY).to.equal('k'.repeat(32));
  });

  it('serves 20 live streams by default, and refuses a stream cap that is not a positive whole number', () => {
    expect(loadConfig(reportingConfigShape, {}).REPORTING_STREAM_MAX_CLIENTS).to.equal(20);
    expect(loadConfig(reportingConfigShape, { REPORTING_STREAM_MAX_CLIENTS: '3' }).REPORTING_STREAM_MAX_CLIENTS).to.equal(3);
    for (const bad of ['0', '2.5', 'many'])
      expect(() => loadConfig(reportingConfigShape, { REPORTING_STREAM_MAX_CLIENTS: bad })).to.throw(/REPORTING_STREAM_MAX_CLIENTS/);
  });

  it("points the dashboard's price feed at npm start's gateway by default, takes a list, and refuses what is not ws:// or wss://", () => {
    expect(loadConfig(reportingConfigShape, {}).GATEWAY_PUBLIC_URL).to.deep.equal(['ws://127.0.0.1:3000']);
    expect(loadConfig(reportingConfigShape, { GATEWAY_PUBLIC_URL: 'wss://a.example:8443, ws://127.0.0.1:3010' }).GATEWAY_PUBLIC_URL).to.deep.equal([
      'wss://a.example:8443',
      'ws://127.0.0.1:3010',
    ]);
    for (const bad of ['http://127.0.0.1:3000', 'ws://127.0.0.1:3000/?ticket=x', 'javascript:alert(1)', ' , '])
      expect(() => loadConfig(reportingConfigShape, { GATEWAY_PUBLIC_URL: bad }), bad).to.throw(/GATEWAY_PUBLIC_URL/);
  });
});
