import { barChart, donutChart, lineChart } from './charts.js';
import { askForKey, offerLogout } from './login.js';
import { lastPrices, loadPrices, takeTick } from './prices.js';
import { followTicker } from './ticker.js';
import { followTimelines } from './timeline.js';

// Live dashboard: draws /api/stats, and redraws whenever /api/stream says an event was stored; draws the price lines
// from /api/prices, then from the gateway's ticker feed (ticker.js) for each symbol Reporting has ticks of or the
// figures name. Without a session (the API answers 401) it shows only the login form.
const $ = (id) => document.getElementById(id);
const compact = new Intl.NumberFormat('en', { notation: 'compact', maximumFractionDigits: 2 });
const whole = new Intl.NumberFormat('en');
const money = new Intl.NumberFormat('en', { maximumFractionDigits: 2 });
const OUTCOMES = [
  ['COMPLETED', 'Completed', '#34d399'],
  ['REJECTED', 'Rejected', '#fbbf24'],
  ['COMPENSATED', 'Compensated', '#fb923c'],
  ['TIMED_OUT', 'Timed out', '#f87171'],
];

function setNumber(id, text) {
  const node = $(id);
  if (node.textContent === text) return;
  node.textContent = text;
  node.classList.remove('bump');
  void node.offsetWidth;
  node.classList.add('bump');
}

function drawStats(stats) {
  const { totals } = stats;
  const finished = totals.sagas_completed + totals.sagas_failed;
  setNumber('kpi-trades', whole.format(totals.trades));
  setNumber('kpi-volume', compact.format(Number(totals.notional)));
  setNumber('kpi-users', whole.format(totals.users));
  setNumber('kpi-completed', whole.format(totals.sagas_completed));
  setNumber('kpi-failed', whole.format(totals.sagas_failed));
  const d = stats.saga_duration_ms;
  setNumber('kpi-p95', d ? `${whole.format(d.p95)} ms` : '–');
  $('kpi-percentiles').textContent = d ? `p50 ${whole.format(d.p50)} · p99 ${whole.format(d.p99)} ms` : 'no finished saga yet';
  const rate = finished ? Math.round((100 * totals.sagas_completed) / finished) : null;
  $('kpi-rate').textContent = rate === null ? ' ' : `${rate}% of finished sagas`;
  $('kpi-failed-sub').textContent = rate === null ? ' ' : `${100 - rate}% of finished sagas`;
  $('kpi-events').textContent = `${whole.format(totals.events)} events stored`;
  $('kpi-trades-sub').textContent = `${stats.symbols.length} symbol${stats.symbols.length === 1 ? '' : 's'}`;
  lineChart($('chart-minutes'), lastHour(stats.per_minute));
  drawOutcomes(stats.saga_outcomes, finished);
  barChart(
    $('chart-symbols'),
    stats.symbols.slice(0, 12).map((s) => ({
      name: s.symbol,
      value: Number(s.notional),
      text: `<b>${compact.format(Number(s.notional))}</b> · ${s.trades} trade${s.trades === 1 ? '' : 's'} · vwap ${s.vwap ? money.format(Number(s.vwap)) : '–'}`,
    })),
  );
  drawHouse(stats.house);
  const named = [...stats.symbols.map((s) => s.symbol), ...Object.keys(stats.house.positions)];
  const fresh = named.filter((symbol) => ticker && !ticker.asked(symbol));
  if (fresh.length) void syncPrices(fresh);
}

/** The house's cash, fees, and each position with its value at the symbol's last price (for display only). */
function drawHouse(house) {
  setNumber('house-cash', money.format(Number(house.cash)));
  $('house-fees').textContent = `${money.format(Number(house.fees))} in fees`;
  const prices = lastPrices();
  const positions = Object.entries(house.positions);
  $('house-positions').replaceChildren(
    ...positions.map(([symbol, quantity]) => {
      const item = document.createElement('li');
      item.dataset.symbol = symbol;
      const price = prices.get(symbol);
      item.innerHTML = '<b></b><span class="quantity"></span><span class="value"></span>';
      item.querySelector('b').textContent = symbol;
      item.querySelector('.quantity').textContent = Number(quantity).toLocaleString('en', { maximumFractionDigits: 8 });
      item.querySelector('.value').textContent = price === undefined ? '–' : money.format(Number(quantity) * Number(price));
      item.querySelector('.quantity').classList.toggle('short', quantity.startsWith('-'));
      return item;
    }),
  );
  $('house-empty').hidden = positions.length > 0;
}

function lastHour(perMinute) {
  const counts = new Map(perMinute.map((m) => [m.minute.slice(0, 16), m]));
  const now = Math.floor(Date.now() / 60_000) * 60_000;
  return Array.from({ length: 60 }, (_, i) => {
    const at = new Date(now - (59 - i) * 60_000);
    const found = counts.get(at.toISOString().slice(0, 16));
    return { label: at.toLocaleTimeString('en-GB', { hour: '2-digit', minute: '2-digit' }), events: found?.events ?? 0, trades: found?.trades ?? 0 };
  });
}

function drawOutcomes(outcomes, finished) {
  const slices = OUTCOMES.map(([key, label, color]) => {
    const rows = outcomes.filter((o) => o.outcome === key);
    return { label, color, value: rows.reduce((n, o) => n + o.count, 0), codes: rows.filter((o) => o.code).map((o) => `${o.code} ${o.count}`) };
  });
  const rate = finished ? `${Math.round((100 * slices[0].value) / finished)}%` : '–';
  donutChart($('chart-outcomes'), slices, [rate, finished ? 'completed' : 'no sagas yet']);
  $('outcome-legend').replaceChildren(
    ...slices.map((s) => {
      const item = document.createElement('li');
      item.innerHTML = `<i style="background:${s.color}"></i><span></span><b>${whole.format(s.value)}</b>${s.codes.length ? '<em></em>' : ''}`;
      item.querySelector('span').textContent = s.label;
      if (s.codes.length) item.querySelector('em').textContent = s.codes.join(' · ');
      return item;
    }),
  );
}

const escape = (text) => String(text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** [tag style, tag, html] of a feed line; every field from the event is escaped. */
function describe(e) {
  const who = `<small>${escape(e.user_id.slice(0, 8))}</small>`;
  const trade = e.symbol ? escape(`${e.side} ${money.format(Number(e.quantity))} ${e.symbol} @ ${money.format(Number(e.price))}`) : '';
  switch (e.type) {
    case 'SagaCompleted':
      return ['done', 'trade', `${trade}${who}`];
    case 'SagaFailed':
      return ['fail', escape(e.outcome.replace('_', ' ').toLowerCase()), `${trade} · ${escape(e.code)}${who}`];
    case 'FundsDeposited':
      return ['', 'deposit', `${money.format(Number(e.amount))}${who}`];
    case 'FundsWithdrawn':
      return ['', 'withdraw', `${money.format(Number(e.amount))}${who}`];
    default:
      return [
        e.source === 'trade' ? 'trade' : '',
        escape(e.type).replace(/([a-z])([A-Z])/g, '$1 $2'),
        `${trade || (e.amount ? money.format(Number(e.amount)) : '')}${who}`,
      ];
  }
}

function addToFeed(events, fresh) {
  const feed = $('feed');
  for (const e of events) {
    const [kind, tag, text] = describe(e);
    const item = document.createElement('li');
    if (fresh) {
      item.className = 'fresh';
      item.addEventListener('animationend', () => item.classList.remove('fresh'), { once: true });
    }
    item.dataset.type = e.type;
    if (e.saga_id) {
      item.dataset.saga = e.saga_id; // timeline.js opens the saga's timeline on a click
      item.tabIndex = 0;
    }
    item.innerHTML = `<span class="tag ${kind}">${tag}</span><span class="what">${text}</span><time>${new Date(e.at).toLocaleTimeString('en-GB')}</time>`;
    feed.prepend(item);
  }
  while (feed.children.length > 40) feed.lastChild.remove();
  $('feed-count').textContent = `${feed.children.length} latest`;
}

let pending = null;
let stream = null;
let ticker = null;

/** Draws Reporting's recent ticks, and follows each symbol they or `extra` name on the gateway's ticker feed. */
async function syncPrices(extra = []) {
  const symbols = await loadPrices();
  ticker?.want([...symbols, ...extra]);
}

function followPrices() {
  const state = $('prices-live');
  ticker = followTicker({
    onTick: takeTick,
    onGap: () => void syncPrices(),
    onState: (now) => {
      state.className = `feed-state ${now}`;
      state.textContent = now === 'live' ? 'live from the gateway' : 'reconnecting to the gateway…';
    },
    signedOut,
  });
}
async function refresh() {
  pending = null;
  const response = await fetch('/api/stats');
  if (response.status === 401) return signedOut();
  if (response.ok) drawStats(await response.json());
}
const refreshSoon = () => {
  pending ??= setTimeout(refresh, 250);
};

function connect() {
  const status = $('status');
  stream = new EventSource('/api/stream');
  stream.onopen = () => {
    status.className = 'status live';
    status.lastChild.textContent = 'live';
    refreshSoon();
    void syncPrices();
  };
  stream.onerror = () => {
    status.className = 'status down';
    status.lastChild.textContent = 'reconnecting…';
    refreshSoon();
  };
  stream.addEventListener('stored', (message) => {
    addToFeed([JSON.parse(message.data).event], true);
    refreshSoon();
  });
  stream.addEventListener('rebuilt', refreshSoon);
}

/** The session ended (logout elsewhere, expiry, restart): stop listening and ask for the key again. */
function signedOut() {
  stream?.close();
  stream = null;
  ticker?.stop();
  ticker = null;
  $('status').className = 'status down';
  $('status').lastChild.textContent = 'signed out';
  askForKey(open);
}

async function open() {
  const response = await fetch('/api/events?limit=30');
  if (response.status === 401) return signedOut();
  if (!response.ok) throw new Error(`/api/events answered ${response.status}`);
  $('feed').replaceChildren();
  addToFeed((await response.json()).events.reverse(), false);
  $('dashboard').hidden = false;
  offerLogout(() => ticker?.stop());
  followPrices();
  await refresh();
  connect();
}

followTimelines($('feed'));
await open();
setInterval(() => {
  if (!stream) return;
  refreshSoon();
  void syncPrices(); // symbols that began to tick since
}, 30_000);
