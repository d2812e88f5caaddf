// Hand-written SVG charts for the dashboard: no library, no network.
const SVG = 'http://www.w3.org/2000/svg';

export function el(name, attrs = {}, text) {
  const node = document.createElementNS(SVG, name);
  for (const [key, value] of Object.entries(attrs)) node.setAttribute(key, String(value));
  if (text !== undefined) node.textContent = text;
  return node;
}

/** The smallest "round" top (4 steps of 1, 2, 2.5, 3, 4, 5, 6 or 8 × 10^n) at or above `value`, so the 4 grid lines read well. */
const niceMax = (value) => {
  const raw = Math.max(value, 4) / 4;
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 3, 4, 5, 6, 8, 10].map((m) => m * power).find((s) => s >= raw);
  return step * 4;
};

/** An axis value short enough for the margin: 950, 2.5k, 40k, 1.2M. */
const axisLabel = (value) => new Intl.NumberFormat('en', { notation: 'compact', maximumFractionDigits: 1 }).format(value);

/** Events and trades per minute: an area for events, a line for trades, over the minutes given. */
export function lineChart(svg, points) {
  svg.replaceChildren();
  const [w, h, left, bottom, top] = [800, 220, 34, 22, 10];
  const max = niceMax(Math.max(...points.map((p) => Math.max(p.events, p.trades)), 0));
  const x = (i) => left + (i * (w - left - 8)) / Math.max(points.length - 1, 1);
  const y = (v) => top + (h - top - bottom) * (1 - v / max);
  const defs = el('defs');
  const gradient = el('linearGradient', { id: 'area', x1: 0, x2: 0, y1: 0, y2: 1 });
  gradient.append(
    el('stop', { offset: '0%', 'stop-color': '#5b8cff', 'stop-opacity': 0.45 }),
    el('stop', { offset: '100%', 'stop-color': '#5b8cff', 'stop-opacity': 0 }),
  );
  defs.append(gradient);
  svg.append(defs);
  for (let i = 0; i <= 4; i += 1) {
    const value = (max * i) / 4;
    svg.append(el('line', { x1: left, x2: w, y1: y(value), y2: y(value), class: 'grid' }));
    svg.append(el('text', { x: left - 6, y: y(value) + 4, 'text-anchor': 'end' }, axisLabel(value)));
  }
  points.forEach((p, i) => {
    const last = i === points.length - 1;
    if (i % 10 === 0 || last) svg.append(el('text', { x: x(i), y: h - 5, 'text-anchor': i === 0 ? 'start' : last ? 'end' : 'middle' }, p.label));
  });
  const path = (key) => points.map((p, i) => `${i ? 'L' : 'M'}${x(i).toFixed(1)},${y(p[key]).toFixed(1)}`).join('');
  svg.append(el('path', { d: `${path('events')}L${x(points.length - 1)},${y(0)}L${x(0)},${y(0)}Z`, fill: 'url(#area)' }));
  svg.append(el('path', { d: path('events'), fill: 'none', stroke: '#5b8cff', 'stroke-width': 2.2, 'vector-effect': 'non-scaling-stroke' }));
  svg.append(el('path', { d: path('trades'), fill: 'none', stroke: '#34d399', 'stroke-width': 2.2, 'vector-effect': 'non-scaling-stroke' }));
}

/** A donut of slices { label, value, color }, with `center` lines in the hole. */
export function donutChart(svg, slices, center) {
  svg.replaceChildren();
  const [r, width] = [78, 24];
  const circumference = 2 * Math.PI * r;
  const total = slices.reduce((n, s) => n + s.value, 0);
  svg.append(el('circle', { cx: 100, cy: 100, r, fill: 'none', stroke: '#243052', 'stroke-width': width }));
  let offset = 0;
  for (const slice of slices) {
    if (!total || !slice.value) continue;
    const length = (slice.value / total) * circumference;
    const arc = el('circle', {
      cx: 100,
      cy: 100,
      r,
      fill: 'none',
      stroke: slice.color,
      'stroke-width': width,
      'stroke-dasharray': `${Math.max(length - 2, 1)} ${circumference}`,
      'stroke-dashoffset': -offset,
      transform: 'rotate(-90 100 100)',
    });
    arc.append(el('title', {}, `${slice.label}: ${slice.value}`));
    svg.append(arc);
    offset += length;
  }
  svg.append(el('text', { x: 100, y: 100, 'font-size': 30, 'font-weight': 700 }, center[0]));
  svg.append(el('text', { x: 100, y: 122, 'font-size': 12, fill: '#8a96b3', style: 'fill:#8a96b3' }, center[1]));
}

/** Horizontal bars, one per row { name, value, text, sell }: the bar length is value / the largest value. */
export function barChart(box, rows) {
  box.replaceChildren();
  if (rows.length === 0) {
    box.innerHTML = '<p class="empty">No trades yet: completed trades appear here by symbol.</p>';
    return;
  }
  const max = Math.max(...rows.map((r) => r.value), 1e-9);
  for (const row of rows) {
    const line = document.createElement('div');
    line.className = 'bar';
    line.innerHTML = `<span class="name"></span><div class="track"><div class="fill"></div></div><span class="figures"></span>`;
    line.querySelector('.name').textContent = row.name;
    line.querySelector('.fill').style.width = `${Math.max((row.value / max) * 100, 1.5)}%`;
    line.querySelector('.figures').innerHTML = row.text;
    box.append(line);
  }
}

/** One price line in `svg` (viewBox 0 0 200 60): points [ms, price] over the time span [from, to], scaled to its own range. */
export function sparkline(svg, points, [from, to]) {
  svg.replaceChildren();
  const [w, h, pad] = [200, 60, 4];
  const prices = points.map(([, p]) => Number(p));
  const [low, high] = [Math.min(...prices), Math.max(...prices)];
  const x = (t) => (to > from ? ((t - from) * w) / (to - from) : w);
  const y = (p) => (high > low ? pad + ((high - p) * (h - 2 * pad)) / (high - low) : h / 2);
  const d = points.map(([t], i) => `${i ? 'L' : 'M'}${x(t).toFixed(1)},${y(prices[i]).toFixed(1)}`).join('');
  svg.append(el('path', { d, class: 'line', fill: 'none', 'vector-effect': 'non-scaling-stroke' }));
  const [t, p] = points[points.length - 1];
  svg.append(el('circle', { cx: x(t), cy: y(Number(p)), r: 2.5, class: 'last' }));
}
