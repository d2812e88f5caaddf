import { expect } from 'chai';
import { addressKey, normaliseAddress, remoteAddressText } from '../src/remoteAddress.ts';

const buffer = (text: string) => new TextEncoder().encode(text).buffer as ArrayBuffer;

describe("the client's remote address", () => {
  it('decodes the text uWS gives as an ArrayBuffer', () => {
    expect(remoteAddressText(buffer('127.0.0.1'))).to.equal('127.0.0.1');
    expect(remoteAddressText(new ArrayBuffer(0))).to.equal('');
  });

  it('keeps an IPv4 address as it is', () => {
    expect(normaliseAddress('203.0.113.7')).to.equal('203.0.113.7');
  });

  it('reads an IPv4-mapped IPv6 address as its IPv4, in every spelling', () => {
    for (const text of ['::ffff:127.0.0.1', '::FFFF:7f00:1', '0000:0000:0000:0000:0000:ffff:7f00:0001', '0:0:0:0:0:ffff:127.0.0.1']) {
      expect(normaliseAddress(text), text).to.equal('127.0.0.1');
    }
  });

  it('writes IPv6 compressed and in lower case, as uWS full form or any other spelling', () => {
    expect(normaliseAddress('0000:0000:0000:0000:0000:0000:0000:0001')).to.equal('::1');
    expect(normaliseAddress('2001:0DB8:0000:0000:0000:0000:0000:00FF')).to.equal('2001:db8::ff');
    expect(normaliseAddress('2001:db8:0:0:1:0:0:1')).to.equal('2001:db8::1:0:0:1');
    expect(normaliseAddress('fe80::1%eth0')).to.equal('fe80::1');
    expect(normaliseAddress('[2001:db8::1]')).to.equal('2001:db8::1');
  });

  it('does not take an IPv4-compatible or NAT64 address for IPv4', () => {
    expect(normaliseAddress('::127.0.0.1')).to.equal('::7f00:1');
    expect(normaliseAddress('64:ff9b::127.0.0.1')).to.equal('64:ff9b::7f00:1');
  });

  it('leaves text that is no address as it is (an empty address, a unix socket)', () => {
    expect(normaliseAddress('')).to.equal('');
    expect(normaliseAddress('not-an-address')).to.equal('not-an-address');
    expect(normaliseAddress('1.2.3.4.5')).to.equal('1.2.3.4.5');
  });
});

describe('the key per-address limits count by', () => {
  it('is the IPv4 address itself, mapped or not', () => {
    expect(addressKey('198.51.100.9')).to.equal('198.51.100.9');
    expect(addressKey('0000:0000:0000:0000:0000:ffff:c633:6409')).to.equal('198.51.100.9');
  });

  it('is the /64 for IPv6, so one host cannot rotate through its 2^64 addresses', () => {
    const a = addressKey('2001:db8:1:2:aaaa:bbbb:cccc:dddd');
    expect(a).to.equal('2001:db8:1:2::/64');
    expect(addressKey('2001:0db8:0001:0002:0000:0000:0000:0001')).to.equal(a);
    expect(addressKey('2001:db8:1:3::1')).to.not.equal(a);
    expect(addressKey('::1')).to.equal('::/64');
  });
});
