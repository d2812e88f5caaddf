import { ConfigError } from '@trading/platform';
import { expect } from 'chai';
import { defaultAllowedOrigins, normaliseOrigin, originAllowed, parseAllowedOrigins } from '../src/originPolicy.ts';

const dashboard = defaultAllowedOrigins(3002);

describe('the origin check at upgrade', () => {
  it('lets a client without an Origin header in (wscat, Node), absent or as the empty string uWS gives', () => {
    expect(originAllowed(undefined, dashboard)).to.equal(true);
    expect(originAllowed('', dashboard)).to.equal(true);
  });

  it("lets the dashboard's own pages in", () => {
    expect(originAllowed('http://127.0.0.1:3002', dashboard)).to.equal(true);
    expect(originAllowed('http://localhost:3002', dashboard)).to.equal(true);
  });

  it('reads an origin in upper case or with a trailing slash as the same origin', () => {
    expect(originAllowed('HTTP://LOCALHOST:3002', dashboard)).to.equal(true);
    expect(originAllowed('http://127.0.0.1:3002/', dashboard)).to.equal(true);
  });

  it('refuses a page from any other site', () => {
    expect(originAllowed('https://evil.example', dashboard)).to.equal(false);
  });

  it('refuses the same host on another port or scheme', () => {
    expect(originAllowed('http://127.0.0.1:3003', dashboard)).to.equal(false);
    expect(originAllowed('https://127.0.0.1:3002', dashboard)).to.equal(false);
    expect(originAllowed('http://127.0.0.1', dashboard)).to.equal(false);
  });

  it('refuses the null origin of sandboxed frames and file:// pages', () => {
    expect(originAllowed('null', dashboard)).to.equal(false);
    expect(originAllowed('null', ['null'])).to.equal(false);
  });

  it('refuses look-alikes that only start or end like an allowed origin', () => {
    for (const origin of [
      'http://127.0.0.1:3002.evil.com',
      'http://127.0.0.1:3002@evil.com',
      'http://user@127.0.0.1:3002',
      'http://evil.com#http://127.0.0.1:3002',
      'http://evil.com/?http://127.0.0.1:3002',
      'http://127.0.0.1:3002/dashboard',
      'http://127.0.0.1:3002/.evil.com',
      'http://localhost.evil.com:3002',
      'http://127.0.0.1:3002\\@evil.com',
      'http://127.0.0.1:30\t02',
      ' http://127.0.0.1:3002',
      'ws://127.0.0.1:3002',
      'file:///etc/passwd',
      'chrome-extension://abcdef',
      '*',
      'http://',
    ]) {
      expect(originAllowed(origin, dashboard), origin).to.equal(false);
    }
  });

  it('compares IPv6 and default ports as a browser writes them', () => {
    expect(originAllowed('http://[::1]:3002', ['http://[0:0::1]:3002'])).to.equal(true);
    expect(originAllowed('https://app.example.com', ['https://app.example.com:443'])).to.equal(true);
  });

  it('refuses everything with an Origin when the allow list is empty', () => {
    expect(originAllowed('http://127.0.0.1:3002', [])).to.equal(false);
    expect(originAllowed(undefined, [])).to.equal(true);
  });
});

describe('normalising an origin', () => {
  it('lower-cases, drops the trailing slash and the default port', () => {
    expect(normaliseOrigin('HTTPS://App.Example.COM:443/')).to.equal('https://app.example.com');
    expect(normaliseOrigin('http://Example.com:8080')).to.equal('http://example.com:8080');
  });
});

describe('ALLOWED_ORIGINS', () => {
  it("defaults to the dashboard's origins on the reporting port when unset or blank", () => {
    expect(parseAllowedOrigins(undefined, 4002)).to.deep.equal(['http://127.0.0.1:4002', 'http://localhost:4002']);
    expect(parseAllowedOrigins(' , ', 4002)).to.deep.equal(['http://127.0.0.1:4002', 'http://localhost:4002']);
  });

  it('reads a comma-separated list, normalised, trimmed and without duplicates', () => {
    expect(parseAllowedOrigins(' https://App.example.com/ ,http://127.0.0.1:3002,https://app.example.com', 3002)).to.deep.equal([
      'https://app.example.com',
      'http://127.0.0.1:3002',
    ]);
  });

  it('fails at start with one line naming the entry that is not an origin', () => {
    for (const bad of ['null', '*', 'example.com', 'https://example.com/app', 'http://127.0.0.1:3002.evil.com']) {
      expect(() => parseAllowedOrigins(`https://ok.example,${bad}`, 3002), bad)
        .to.throw(ConfigError, /^ALLOWED_ORIGINS: ".*" is not an origin/)
        .with.property('message')
        .that.does.not.include('\n');
    }
  });
});
