import type { StepResult } from './runStep.ts';

const WIDTH = 720;
const HEIGHT = 420;
const MARGIN = { left: 64, right: 24, top: 40, bottom: 56 };
const SERIES = [
  { key: 'p50_ms', label: 'p50', color: '#2b7bb9' },
  { key: 'p95_ms', label: 'p95', color: '#e69f00' },
  { key: 'p99_ms', label: 'p99', color: '#d55e00' },
] as const;

/** A round axis maximum (1, 2 or 5 × 10^n) at or above `value`. */
export function niceCeiling(value: number): number {
  if (value <= 0) return 1;
  const power = 10 ** Math.floor(Math.log10(value));
  return ([1, 2, 5, 10].find((m) => m * power >= value) ?? 10) * power;
}

const escapeXml = (text: string) => text.replace(/[<>&]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;' })[c] ?? c);

/**
 * Throughput against latency as a self-contained SVG: one point per step (completed sagas per second, latency
 * percentile on a log scale), joined in run order and labelled with the step's target rate, and the targets as
 * dashed lines.
 */
export function renderChart(steps: readonly StepResult[], title: string, targets = { sagasPerS: 1000, p99Ms: 50 }): string {
  const xMax = niceCeiling(Math.max(targets.sagasPerS, ...steps.map((s) => s.sagas_per_s)) * 1.05);
  const decade = (v: number, round: (n: number) => number) => 10 ** round(Math.log10(Math.max(v, 0.1)));
  const yMin = decade(Math.min(targets.p99Ms, ...steps.map((s) => s.p50_ms)), Math.floor);
  const yMax = decade(Math.max(targets.p99Ms, ...steps.map((s) => s.p99_ms)) * 1.05, Math.ceil);
  const plotW = WIDTH - MARGIN.left - MARGIN.right;
  const plotH = HEIGHT - MARGIN.top - MARGIN.bottom;
  const x = (v: number) => (MARGIN.left + (v / xMax) * plotW).toFixed(1);
  const logRange = Math.log10(yMax / yMin);
  const y = (v: number) => (MARGIN.top + plotH - (Math.log10(Math.max(v, yMin) / yMin) / logRange) * plotH).toFixed(1);
  const ordered = steps;
  const yTicks = Array.from({ length: Math.round(logRange) + 1 }, (_, i) => yMin * 10 ** i);
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}" font-family="sans-serif" font-size="12">`,
    `<rect width="100%" height="100%" fill="#fff"/>`,
    `<text x="${WIDTH / 2}" y="22" text-anchor="middle" font-size="14">${escapeXml(title)}</text>`,
    ...yTicks.map((v) => `<line x1="${x(0)}" x2="${x(xMax)}" y1="${y(v)}" y2="${y(v)}" stroke="#eee"/>`),
    ...yTicks.map((v) => `<text x="${MARGIN.left - 8}" y="${y(v)}" text-anchor="end" dy="4">${v}</text>`),
    ...[0, 0.25, 0.5, 0.75, 1].map((t) => `<text x="${x(t * xMax)}" y="${HEIGHT - MARGIN.bottom + 18}" text-anchor="middle">${t * xMax}</text>`),
    `<line x1="${x(0)}" x2="${x(xMax)}" y1="${y(yMin)}" y2="${y(yMin)}" stroke="#333"/>`,
    `<line x1="${x(0)}" x2="${x(0)}" y1="${y(yMin)}" y2="${y(yMax)}" stroke="#333"/>`,
    `<text x="${MARGIN.left + plotW / 2}" y="${HEIGHT - 14}" text-anchor="middle">completed sagas per second</text>`,
    `<text transform="translate(18 ${MARGIN.top + plotH / 2}) rotate(-90)" text-anchor="middle">latency, request to final reply (ms, log scale)</text>`,
    `<line x1="${x(0)}" x2="${x(xMax)}" y1="${y(targets.p99Ms)}" y2="${y(targets.p99Ms)}" stroke="#999" stroke-dasharray="4 4"/>`,
    `<text x="${x(xMax)}" y="${y(targets.p99Ms)}" dy="-4" text-anchor="end" fill="#666">target p99 ${targets.p99Ms} ms</text>`,
    `<line x1="${x(targets.sagasPerS)}" x2="${x(targets.sagasPerS)}" y1="${y(yMin)}" y2="${y(yMax)}" stroke="#999" stroke-dasharray="4 4"/>`,
    `<text x="${x(targets.sagasPerS)}" y="${y(yMax)}" dx="4" dy="12" fill="#666">target ${targets.sagasPerS}/s</text>`,
    ...SERIES.flatMap((series, i) => [
      `<polyline fill="none" stroke="${series.color}" stroke-width="2" points="${ordered.map((s) => `${x(s.sagas_per_s)},${y(s[series.key])}`).join(' ')}"/>`,
      ...ordered.map((s) => `<circle cx="${x(s.sagas_per_s)}" cy="${y(s[series.key])}" r="3" fill="${series.color}"/>`),
      `<text x="${MARGIN.left + 12 + i * 60}" y="${MARGIN.top + 14}" fill="${series.color}">■ ${series.label}</text>`,
    ]),
    ...ordered.map(
      (s) =>
        `<text x="${x(s.sagas_per_s)}" y="${y(s.p99_ms)}" dy="-8" text-anchor="middle" fill="#555">${s.target === 'max' ? 'flat out' : `${s.target}/s`}</text>`,
    ),
    '</svg>',
  ];
  return `${parts.join('\n')}\n`;
}
