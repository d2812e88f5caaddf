import { sparkline } from './charts.js';

// The price lines: one small chart per symbol, from /api/prices (the ticks Reporting holds) and then each tick of the
// gateway's ticker feed (ticker.js). Lines keep the server's window (window_ms) of ticks, and are redrawn at most
// twice a second.
const $ = (id) => document.getElementById(id);
const lines = new Map();
let windowMs = 10 * 60_000;
let pending = null;

const format = (price) => Number(price).toLocaleString('en', { maximumFractionDigits: 8 });

/** The newest price of each symbol. */
export const lastPrices = () => new Map([...lines].map(([symbol, points]) => [symbol, points[points.length - 1][1]]));

/**
 * Adds the server's ticks to the lines: the first draw, and the gaps a lost feed left. Resolves with the symbols the server has a line of.
 */
export async function loadPrices() {
  const response = await fetch('/api/prices');
  if (!response.ok) return [];
  const body = await response.json();
  windowMs = body.window_ms;
  for (const line of body.lines) {
    // Both are the market's ticks: merged by time, one point per instant, within the window of the newest.
    const merged = [...new Map([...line.points, ...(lines.get(line.symbol) ?? [])])].sort((a, b) => a[0] - b[0]);
    const newest = merged.length ? merged[merged.length - 1][0] : 0;
    const kept = merged.filter(([at]) => at >= newest - windowMs);
    if (kept.length) lines.set(line.symbol, kept);
  }
  draw();
  return body.lines.map((line) => line.symbol);
}

/** Adds one tick of the gateway's feed to its line: { symbol, price, at (ms) }; one not after the line's newest is left out. */
export function takeTick(tick) {
  const points = lines.get(tick.symbol) ?? [];
  if (points.length && tick.at <= points[points.length - 1][0]) return;
  points.push([tick.at, tick.price]);
  while (points[0][0] < tick.at - windowMs) points.shift();
  lines.set(tick.symbol, points);
  pending ??= setTimeout(draw, 500);
}

function draw() {
  pending = null;
  const box = $('prices');
  if (lines.size === 0) {
    box.innerHTML = '<p class="empty">No market price yet: each symbol\'s line appears with its first tick.</p>';
    return;
  }
  for (const stale of [...box.children].filter((child) => !lines.has(child.dataset.symbol))) stale.remove();
  const all = [...lines.values()];
  const to = Math.max(...all.map((points) => points[points.length - 1][0]));
  const from = Math.max(Math.min(...all.map((points) => points[0][0])), to - windowMs);
  for (const symbol of [...lines.keys()].sort()) {
    const points = lines.get(symbol).filter(([t]) => t >= from);
    if (points.length === 0) continue;
    const card = cardOf(box, symbol);
    const [first, last] = [Number(points[0][1]), Number(points[points.length - 1][1])];
    const change = first ? ((last - first) / first) * 100 : 0;
    card.querySelector('.price').textContent = format(points[points.length - 1][1]);
    const move = card.querySelector('.change');
    move.textContent = `${change >= 0 ? '+' : ''}${change.toFixed(2)}%`;
    move.className = `change ${change > 0 ? 'up' : change < 0 ? 'down' : ''}`;
    sparkline(card.querySelector('svg'), points, [from, to]);
  }
}

/** The symbol's card, made the first time, in symbol order. */
function cardOf(box, symbol) {
  const found = [...box.children].find((card) => card.dataset.symbol === symbol);
  if (found) return found;
  const card = document.createElement('div');
  card.className = 'price-line';
  card.dataset.symbol = symbol;
  card.innerHTML = '<header><b></b><span class="price"></span><span class="change"></span></header><svg viewBox="0 0 200 60" preserveAspectRatio="none"></svg>';
  card.querySelector('b').textContent = symbol;
  const next = [...box.children].find((other) => other.dataset.symbol > symbol);
  box.insertBefore(card, next ?? null);
  return card;
}
