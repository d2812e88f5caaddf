import { expect } from 'chai';
import { percentile, summarizeLatencies } from '../src/latency.ts';

describe('latency percentiles', () => {
  it('takes the nearest rank: p50 of 1..100 is 50, p99 is 99, p100 is 100', () => {
    const sorted = Array.from({ length: 100 }, (_, i) => i + 1);
    expect([percentile(sorted, 50), percentile(sorted, 99), percentile(sorted, 100)]).to.deep.equal([50, 99, 100]);
  });

  it('summarises unsorted samples and reports zeros for none', () => {
    expect(summarizeLatencies([30, 10, 20])).to.deep.equal({ count: 3, p50_ms: 20, p95_ms: 30, p99_ms: 30, max_ms: 30 });
    expect(summarizeLatencies([])).to.deep.equal({ count: 0, p50_ms: 0, p95_ms: 0, p99_ms: 0, max_ms: 0 });
  });
});
