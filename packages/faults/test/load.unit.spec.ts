import { checkAmount, Decimal, onGrid, type Reply, withinBand } from '@trading/contracts';
import { expect } from 'chai';
import {
  checkReplies,
  checkRequestsValid,
  definitiveReply,
  limitNear,
  randomAmount,
  type RequestRecord,
  requestBody,
  seededRandom,
  summarizeLoad,
} from '../src/index.ts';

const ok = (id: string): Reply => ({ id, status: 'OK', message: 'done' });
const error = (id: string, code: Reply['code']): Reply => ({ id, status: 'ERROR', code, message: 'no' });
const record = (replies: Reply[], sends = replies.length): RequestRecord => ({
  id: 'r1',
  client: 0,
  type: 'DEPOSIT',
  body: { id: 'r1', type: 'DEPOSIT' },
  sends: Array.from({ length: sends }, (_, i) => i * 10),
  replies: replies.map((reply, i) => ({ at: i * 10 + 5, reply })),
});

const QUOTES = new Map([
  ['BTC', '65000.17'],
  ['ETH', '3100.5'],
  ['XRP', '0.5237'],
]);

describe('a request whose reply timed out', () => {
  it('has no definitive reply until a re-send with its id is answered by the service', () => {
    expect(definitiveReply(record([error('r1', 'REPLY_TIMEOUT')]))).to.equal(undefined);
    expect(definitiveReply(record([error('r1', 'REPLY_TIMEOUT'), error('r1', 'BROKER_BUSY')]))).to.equal(undefined);
    expect(definitiveReply(record([error('r1', 'REPLY_TIMEOUT'), ok('r1')]))).to.deep.equal(ok('r1'));
  });

  it('stays unknown when the re-send is refused at the gateway, but a first RATE_LIMITED is definitive (never published)', () => {
    expect(definitiveReply(record([error('r1', 'SHUTTING_DOWN'), error('r1', 'RATE_LIMITED')]))).to.equal(undefined);
    expect(definitiveReply(record([error('r1', 'RATE_LIMITED')]))).to.deep.include({ code: 'RATE_LIMITED' });
  });
});

describe('the reply check', () => {
  const verdict = (r: RequestRecord) => checkReplies([r]).examples[0] as { defect: string } | undefined;

  it('accepts one well-formed reply per send ending with a definitive one', () => {
    expect(checkReplies([record([ok('r1')]), record([error('r1', 'REPLY_TIMEOUT'), error('r1', 'INSUFFICIENT_FUNDS')])]).ok).to.equal(true);
  });

  it("flags a load request refused as the client's mistake (off the grid, out of the band), not the market's refusals", () => {
    const refused = (code: Reply['code']) => ({ ...record([error('r1', code)]), type: 'BUY' as const });
    expect(
      checkRequestsValid([refused('PRICE_NOT_MARKETABLE'), refused('PRICE_UNAVAILABLE'), refused('INSUFFICIENT_FUNDS'), refused('RATE_LIMITED')]).ok,
    ).to.equal(true);
    expect(checkRequestsValid([refused('INVALID_AMOUNT'), refused('PRICE_OUT_OF_BAND')]).violations).to.equal(2);
  });

  it('flags a missing reply, an extra reply, a malformed reply and an outcome left unknown', () => {
    expect(verdict(record([], 1))?.defect).to.equal('1 sends, 0 replies');
    expect(verdict(record([ok('r1'), ok('r1')], 1))?.defect).to.equal('2 replies to 1 sends');
    expect(verdict(record([{ id: 'r1', status: 'ERROR', message: 'x', code: 'NOPE' as Reply['code'] }]))?.defect).to.match(/known code/);
    expect(verdict(record([{ id: 'r1', status: 'MAYBE' as 'OK', message: 'x' }]))?.defect).to.match(/status/);
    expect(verdict(record([error('r1', 'REPLY_TIMEOUT')]))?.defect).to.match(/no definitive reply/);
  });
});

describe('the load generator', () => {
  it('sends the same requests for the same seed', () => {
    const draw = (seed: number) => {
      const random = seededRandom(seed);
      return Array.from({ length: 5 }, () => requestBody(random, 'BUY', 'u', ['BTC', 'ETH'], QUOTES));
    };
    expect(draw(7)).to.deep.equal(draw(7));
    expect(draw(7)).to.not.deep.equal(draw(8));
    expect(new Set(draw(7).map((body) => JSON.stringify(body))).size).to.equal(5);
  });

  it('draws amounts inside the range, with the scale asked, that pass the money rules', () => {
    const random = seededRandom(3);
    for (let i = 0; i < 500; i += 1) {
      const amount = randomAmount(random, '0.01', '2', 4);
      expect(checkAmount(amount)).to.deep.equal({ ok: true, value: amount });
      expect(Number(amount)).to.be.within(0.01, 2);
      expect(amount.split('.')[1]?.length ?? 0).to.be.at.most(4);
    }
  });

  it('orders at market prices: market orders or limits near the quote, within the band, on the lot and tick grids', () => {
    const random = seededRandom(5);
    const kinds = new Set<string>();
    for (let i = 0; i < 500; i += 1) {
      const body = requestBody(random, i % 2 ? 'BUY' : 'SELL', 'u', ['BTC', 'ETH', 'XRP'], QUOTES) as { symbol: string; amount: string; price?: string };
      const quote = QUOTES.get(body.symbol)!;
      kinds.add(body.price === undefined ? 'market' : 'limit');
      expect(onGrid(body.amount, '0.0001') && new Decimal(body.amount).gt(0), body.amount).to.equal(true);
      if (body.price === undefined) continue;
      expect(onGrid(body.price, body.symbol === 'XRP' ? '0.0001' : '0.01'), body.price).to.equal(true);
      expect(withinBand(body.price, quote, 3), `${body.price} near ${quote}`).to.equal(true);
    }
    expect([...kinds].sort()).to.deep.equal(['limit', 'market']);
  });

  it('sells a tenth to all of a holding it knows of, on the lot grid', () => {
    const random = seededRandom(2);
    const held = new Map([['u/ETH', '0.7']]);
    for (let i = 0; i < 50; i += 1) {
      const body = requestBody(random, 'SELL', 'u', ['ETH'], QUOTES, held) as { amount: string };
      expect(new Decimal(body.amount).gte('0.07') && new Decimal(body.amount).lte('0.7') && onGrid(body.amount, '0.0001'), body.amount).to.equal(true);
    }
  });

  it('quotes a symbol before it orders it', () => {
    expect(requestBody(seededRandom(1), 'BUY', 'u', ['SOL'], QUOTES)).to.deep.equal({ type: 'QUOTE', symbol: 'SOL' });
  });

  it('draws BUY limits from just below the quote (some not marketable) to above it, SELL limits the mirror image', () => {
    const random = seededRandom(9);
    const buys = Array.from({ length: 300 }, () => new Decimal(limitNear(random, 'BUY', '100')));
    const sells = Array.from({ length: 300 }, () => new Decimal(limitNear(random, 'SELL', '100')));
    expect(buys.some((p) => p.lt(100)) && buys.some((p) => p.gt(100)) && buys.every((p) => p.gte('99.5') && p.lte(102))).to.equal(true);
    expect(sells.some((p) => p.gt(100)) && sells.some((p) => p.lt(100)) && sells.every((p) => p.lte('100.5') && p.gte(98))).to.equal(true);
  });

  it('summarizes outcomes, requests first answered unknown, re-sends and latency', () => {
    const summary = summarizeLoad([record([ok('r1')]), record([error('r1', 'REPLY_TIMEOUT'), error('r1', 'INSUFFICIENT_FUNDS')])]);
    expect(summary).to.deep.include({ requests: 2, resends: 1, unknown: 0, unknownAtFirst: { REPLY_TIMEOUT: 1 } });
    expect(summary.outcomes).to.deep.equal({ DEPOSIT: { OK: 1, INSUFFICIENT_FUNDS: 1 } });
    expect(summary.latencyMs).to.deep.equal({ p50: 15, p95: 15, p99: 15, max: 15 });
  });
});
