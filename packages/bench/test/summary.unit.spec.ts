import { expect } from 'chai';
import { renderChart } from '../src/chart.ts';
import type { StepResult } from '../src/runStep.ts';
import { baselineSagaRate, buildSummary } from '../src/summary.ts';

const step = (target: StepResult['target'], sagasPerS: number, p99: number, errors = 0): StepResult => ({
  target,
  sagas_per_s: sagasPerS,
  completed: sagasPerS * 10,
  sent: sagasPerS * 12,
  count: sagasPerS * 10,
  p50_ms: p99 / 4,
  p95_ms: p99 / 2,
  p99_ms: p99,
  max_ms: p99 * 2,
  errors,
  errors_by_code: errors ? { NO_REPLY: errors } : {},
  cpu_ms_per_saga: { total: 2000 / sagasPerS, other: 0, busy_pct: 100 },
  switches_per_saga: { total: 20_000 / sagasPerS, other: 0 },
});
const cost = { messages: 14, fewestMessages: 10, transactions: 5, outboxRows: 0, inboxRows: 0 };
const baselines = { broker: { messages: 1, msgs_per_s: 20_000 }, database: { transactions: 1, tx_per_s: 5000 } };

describe('the bench summary', () => {
  it('adds up the time the baselines charge a saga: its fewest 10 messages at 20,000/s and 5 transactions at 5,000/s allow 667 sagas/s', () => {
    expect(baselineSagaRate(baselines, cost)).to.equal(667);
  });

  it('reports the fastest step, the errors of every step and the ratio to the baseline rate', () => {
    const summary = buildSummary([step(250, 250, 12), step('max', 400, 80, 2), step(500, 380, 30, 1)], cost, baselines);
    expect(summary).to.include({ sagas_per_s: 400, p99_ms: 80, errors: 3, baseline_sagas_per_s: 667, ratio_to_baseline: 0.6 });
    expect(summary.steps.map((s) => s.target)).to.deep.equal([250, 'max', 500]);
    expect(summary.cpu_ms_per_saga, 'the fastest step’s CPU per saga').to.deep.equal({ total: 5, other: 0, busy_pct: 100 });
    expect(summary.switches_per_saga, 'the fastest step’s context switches per saga').to.deep.equal({ total: 50, other: 0 });
  });

  it('carries the WAL bytes per saga measured over the steps, or null', () => {
    expect(buildSummary([step(10, 10, 5)], cost, undefined, 21_500).wal_bytes_per_saga).to.equal(21_500);
    expect(buildSummary([step(10, 10, 5)], cost).wal_bytes_per_saga).to.equal(null);
  });

  it('leaves the baseline fields null when no baseline was measured', () => {
    expect(buildSummary([step(10, 10, 5)], cost)).to.include({ broker_msgs_per_s: null, baseline_sagas_per_s: null, ratio_to_baseline: null });
  });

  it('draws one point per step and series, labelled with its target, as a standalone SVG', () => {
    const svg = renderChart([step(250, 250, 12), step('max', 900, 80)], 'title <run>');
    expect(svg).to.match(/^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    expect(svg.match(/<circle /g)).to.have.length(6);
    expect(svg).to.include('flat out').and.include('250/s').and.include('title &lt;run&gt;');
  });
});
