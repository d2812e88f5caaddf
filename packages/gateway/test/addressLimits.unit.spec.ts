import { expect } from 'chai';
import { addressLimitDefaults, createAddressLimits } from '../src/addressLimits.ts';

function setup(maxConnectionsPerAddress = 3, addUserPerHour = 20) {
  let t = 0;
  const limits = createAddressLimits({ maxConnectionsPerAddress, addUserPerHour, now: () => t });
  return { limits, advance: (ms: number) => void (t += ms) };
}

describe('the cap on open connections per address', () => {
  it('lets connections in up to the cap and refuses the next', () => {
    const { limits } = setup(3);
    expect([1, 2, 3, 4].map(() => limits.tryOpen('203.0.113.7'))).to.deep.equal([true, true, true, false]);
    expect(limits.openFrom('203.0.113.7')).to.equal(3);
  });

  it('lets one more in after one closes', () => {
    const { limits } = setup(1);
    limits.tryOpen('203.0.113.7');
    limits.close('203.0.113.7');
    expect(limits.tryOpen('203.0.113.7')).to.equal(true);
  });

  it('counts other addresses apart', () => {
    const { limits } = setup(1);
    limits.tryOpen('203.0.113.7');
    expect(limits.tryOpen('203.0.113.8')).to.equal(true);
  });

  it('counts an IPv4 client the same whether uWS saw it over IPv4 or as IPv4-mapped IPv6', () => {
    const { limits } = setup(2);
    limits.tryOpen('127.0.0.1');
    limits.tryOpen('0000:0000:0000:0000:0000:ffff:7f00:0001');
    expect(limits.tryOpen('::ffff:127.0.0.1')).to.equal(false);
    expect(limits.openFrom('127.0.0.1')).to.equal(2);
  });

  it('counts a whole IPv6 /64 as one client, however many addresses it rotates through', () => {
    const { limits } = setup(3);
    const opened = Array.from({ length: 10 }, (_, i) => limits.tryOpen(`2001:db8:1:2::${(i + 1).toString(16)}`));
    expect(opened.filter(Boolean)).to.have.length(3);
    expect(limits.tryOpen('2001:db8:1:3::1')).to.equal(true);
  });

  it('never goes below zero when a close comes twice, and forgets an address with nothing open', () => {
    const { limits } = setup(1);
    limits.tryOpen('203.0.113.7');
    limits.close('203.0.113.7');
    limits.close('203.0.113.7');
    expect(limits.openFrom('203.0.113.7')).to.equal(0);
    expect(limits.tryOpen('203.0.113.7')).to.equal(true);
    expect(limits.tryOpen('203.0.113.7')).to.equal(false);
  });

  it('refuses a flood from one address at the default cap and lets the next address in', () => {
    const { limits } = setup(addressLimitDefaults.maxConnectionsPerAddress);
    const opened = Array.from({ length: 10_000 }, () => limits.tryOpen('198.51.100.1')).filter(Boolean);
    expect(opened).to.have.length(200);
    expect(limits.tryOpen('198.51.100.2')).to.equal(true);
  });

  it('refuses a cap that is not a whole number >= 1', () => {
    expect(() => setup(0)).to.throw(RangeError);
  });
});

describe('the ADD_USER quota per address', () => {
  it('allows 20 at once, then refuses with the time until the next (3 minutes at 20 an hour)', () => {
    const { limits } = setup(3, addressLimitDefaults.addUserPerHour);
    const taken = Array.from({ length: 21 }, () => limits.takeAddUser('203.0.113.7'));
    expect(taken.slice(0, 20).every((r) => r.ok)).to.equal(true);
    expect(taken[20]).to.deep.equal({ ok: false, retryAfterMs: 180_000 });
  });

  it('allows one more after the time it named', () => {
    const { limits, advance } = setup(3, 20);
    for (let i = 0; i < 20; i += 1) limits.takeAddUser('203.0.113.7');
    advance(180_000);
    expect(limits.takeAddUser('203.0.113.7')).to.deep.equal({ ok: true });
    expect(limits.takeAddUser('203.0.113.7').ok).to.equal(false);
  });

  it('holds one IPv4 client to one quota in both spellings, and an IPv6 /64 to one quota', () => {
    const { limits } = setup(3, 2);
    expect(limits.takeAddUser('127.0.0.1').ok).to.equal(true);
    expect(limits.takeAddUser('::ffff:127.0.0.1').ok).to.equal(true);
    expect(limits.takeAddUser('0000:0000:0000:0000:0000:ffff:7f00:0001').ok).to.equal(false);
    expect(limits.takeAddUser('2001:db8::1').ok).to.equal(true);
    expect(limits.takeAddUser('2001:db8::2').ok).to.equal(true);
    expect(limits.takeAddUser('2001:db8::3').ok).to.equal(false);
  });
});
