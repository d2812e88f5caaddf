import { expect } from 'chai';
import { createRateLimiter, type RateLimitOptions } from '@trading/platform';
import { perConnectionRate, perPrincipalRate } from '../src/edgeRates.ts';

function setup(options: Partial<RateLimitOptions> = {}) {
  let t = 1_000_000;
  const rate = 'ratePerHour' in options ? {} : { ratePerSecond: perConnectionRate.ratePerSecond };
  const limiter = createRateLimiter({ burst: perConnectionRate.burst, ...rate, ...options, now: () => t } as RateLimitOptions);
  const takeMany = (key: string, n: number) => Array.from({ length: n }, () => limiter.take(key));
  return { limiter, takeMany, advance: (ms: number) => void (t += ms), set: (ms: number) => void (t = ms) };
}

describe('the per-connection rate limit', () => {
  it('lets a burst through at once', () => {
    const { takeMany } = setup();
    expect(takeMany('c1', perConnectionRate.burst).every((r) => r.ok)).to.equal(true);
  });

  it('refuses the request after the burst with the time until the next token', () => {
    const { takeMany, limiter } = setup();
    takeMany('c1', perConnectionRate.burst);
    expect(limiter.take('c1')).to.deep.equal({ ok: false, retryAfterMs: 20 });
  });

  it('grants exactly one more token once retryAfterMs has passed', () => {
    const { takeMany, limiter, advance } = setup();
    takeMany('c1', 100);
    advance(19);
    expect(limiter.take('c1')).to.deep.equal({ ok: false, retryAfterMs: 1 });
    advance(1);
    expect(limiter.take('c1')).to.deep.equal({ ok: true });
    expect(limiter.take('c1').ok).to.equal(false);
  });

  it('lets a steady sender at the rate through for ever', () => {
    const { takeMany, limiter, advance } = setup();
    takeMany('c1', 100);
    for (let i = 0; i < 1000; i += 1) {
      advance(20);
      expect(limiter.take('c1').ok, `request ${i}`).to.equal(true);
    }
  });

  it('holds a flood to the rate: 10 requests every millisecond for a second get burst + rate through', () => {
    const { limiter, advance } = setup();
    let granted = 0;
    for (let ms = 0; ms <= 1000; ms += 1, advance(1)) {
      for (let i = 0; i < 10; i += 1) if (limiter.take('flood').ok) granted += 1;
    }
    expect(granted).to.equal(100 + 50);
  });

  it('keeps keys apart: one flooding connection does not slow another', () => {
    const { takeMany, limiter } = setup();
    takeMany('flood', 500);
    expect(limiter.take('calm')).to.deep.equal({ ok: true });
  });

  it('never refills above the burst, however long the key was idle', () => {
    const { takeMany, advance } = setup({ maxKeys: 1 });
    takeMany('c1', 100);
    advance(365 * 24 * 3_600_000);
    expect(takeMany('c1', 101).filter((r) => r.ok)).to.have.length(100);
  });

  it('neither refills nor breaks when the clock steps back', () => {
    const { takeMany, limiter, set } = setup();
    takeMany('c1', 100);
    set(0);
    expect(limiter.take('c1').ok).to.equal(false);
  });

  it('starts a forgotten key afresh', () => {
    const { takeMany, limiter } = setup();
    takeMany('c1', 100);
    limiter.forget('c1');
    expect(limiter.size).to.equal(0);
    expect(limiter.take('c1').ok).to.equal(true);
  });

  it('refuses a rate or burst that is not a whole number >= 1, and two rates at once', () => {
    const bads = [{ ratePerSecond: 0 }, { ratePerSecond: 0.5 }, { burst: -1 }, { burst: Number.NaN }, { maxKeys: 0 }, { ratePerHour: 20, ratePerSecond: 1 }];
    for (const bad of bads) expect(() => setup(bad), JSON.stringify(bad)).to.throw(RangeError);
  });
});

describe('the per-principal rate limit', () => {
  it('allows twice a connection: 200 at once, then 100 a second', () => {
    const { takeMany, limiter, advance } = setup(perPrincipalRate);
    expect(takeMany('user', 200).every((r) => r.ok)).to.equal(true);
    expect(limiter.take('user')).to.deep.equal({ ok: false, retryAfterMs: 10 });
    advance(1000);
    expect(takeMany('user', 101).filter((r) => r.ok)).to.have.length(100);
  });
});

describe('an hourly rate limit', () => {
  it('refills one token every 3 minutes at 20 an hour, to the exact millisecond', () => {
    const { takeMany, limiter, advance } = setup({ ratePerHour: 20, burst: 20 });
    takeMany('a', 20);
    expect(limiter.take('a')).to.deep.equal({ ok: false, retryAfterMs: 180_000 });
    advance(179_999);
    expect(limiter.take('a')).to.deep.equal({ ok: false, retryAfterMs: 1 });
    advance(1);
    expect(limiter.take('a').ok).to.equal(true);
  });
});

describe('the memory a rate limiter holds', () => {
  it('drops the buckets of idle keys once they are full again', () => {
    const { limiter, advance } = setup();
    for (let i = 0; i < 1000; i += 1) limiter.take(`c${i}`);
    expect(limiter.size).to.equal(1000);
    advance(2000);
    limiter.take('late');
    expect(limiter.size).to.equal(1);
  });

  it('holds no more than maxKeys under a flood of distinct keys, dropping the least recently used', () => {
    const { limiter, takeMany } = setup({ maxKeys: 1000 });
    takeMany('busy', 100);
    for (let i = 0; i < 100_000; i += 1) {
      limiter.take(`spoofed-${i}`);
      if (i % 500 === 0) expect(limiter.take('busy').ok).to.equal(false);
    }
    expect(limiter.size).to.equal(1000);
    expect(limiter.take('busy').ok, 'the busy key was used recently, so it kept its empty bucket').to.equal(false);
  });

  it('keeps the bucket of a key that is still empty when it is at the front', () => {
    const { limiter, takeMany, advance } = setup();
    takeMany('flood', 200);
    advance(1000);
    limiter.take('other');
    expect(limiter.size).to.equal(2);
    expect(takeMany('flood', 51).filter((r) => r.ok)).to.have.length(50);
  });
});
