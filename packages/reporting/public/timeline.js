// A saga's timeline: a click (or Enter) on a feed line of a saga opens #/sagas/<order id>, drawn in a dialog from
// GET /api/sagas/<id>: each stored event with its time, the time since the saga began, its producer and outcome.
// A saga still running is read again each second until it ends.
const $ = (id) => document.getElementById(id);
const ROUTE = /^#\/sagas\/([^/]+)$/;
const FAILURES = new Set(['FundsRejected', 'CreditRejected', 'OrderCancelled', 'OrderExpired', 'SagaFailed']);
const whole = new Intl.NumberFormat('en');
let shown = null;
let rereading = null;

/** Opens the timeline of the saga a line of `feed` names (its data-saga), and whichever the address names. */
export function followTimelines(feed) {
  const open = (event) => {
    const item = event.target.closest('li[data-saga]');
    if (item) location.hash = `#/sagas/${item.dataset.saga}`;
  };
  feed.addEventListener('click', open);
  feed.addEventListener('keydown', (event) => {
    if (event.key === 'Enter') open(event);
  });
  $('timeline-close').addEventListener('click', () => $('timeline').close());
  $('timeline').addEventListener('close', () => {
    shown = null;
    clearTimeout(rereading);
    if (ROUTE.test(location.hash)) history.replaceState(null, '', location.pathname + location.search);
  });
  window.addEventListener('hashchange', follow);
  void follow();
}

async function follow() {
  const id = ROUTE.exec(location.hash)?.[1];
  if (id === undefined) return $('timeline').open && $('timeline').close();
  shown = id;
  clearTimeout(rereading);
  const response = await fetch(`/api/sagas/${id}`);
  if (shown !== id || response.status === 401) return;
  const dialog = $('timeline');
  if (!dialog.open) dialog.showModal();
  const body = await response.json();
  if (!response.ok) return drawRefusal(id, body);
  draw(body);
  if (body.state === 'RUNNING') rereading = setTimeout(() => shown === id && follow(), 1000);
}

function drawRefusal(id, body) {
  $('timeline-title').textContent = `Saga ${decodeURIComponent(id)}`;
  $('timeline-state').textContent = '';
  $('timeline-summary').textContent = '';
  $('timeline-facts').replaceChildren();
  $('timeline-steps').replaceChildren();
  $('timeline-error').textContent = `${body.code ?? 'ERROR'}: ${body.message ?? 'the timeline could not be read'}`;
}

function draw(saga) {
  $('timeline-error').textContent = '';
  $('timeline-title').textContent = saga.symbol ? `${saga.side} ${saga.quantity} ${saga.symbol}` : `Saga ${saga.order_id}`;
  const state = $('timeline-state');
  state.textContent = saga.state.replace('_', ' ').toLowerCase();
  state.className = `tag ${saga.state === 'COMPLETED' ? 'done' : saga.state === 'RUNNING' ? '' : 'fail'}`;
  const limit = saga.limit_price === null ? 'market order' : `limit ${saga.limit_price}`;
  const took = saga.duration_ms === null ? 'running' : `${whole.format(saga.duration_ms)} ms`;
  $('timeline-summary').textContent = [limit, took, saga.code && `${saga.code}: ${saga.reason}`].filter(Boolean).join(' · ');
  $('timeline-facts').replaceChildren(
    ...[
      ['order id', saga.order_id],
      ['request id', saga.request_id ?? '–'],
      ['user', saga.user_id],
      ['started', clock(saga.started_at)],
      ['ended', saga.ended_at ? clock(saga.ended_at) : '–'],
    ].flatMap(([term, value]) => [element('dt', term), element('dd', String(value))]),
  );
  $('timeline-steps').replaceChildren(...saga.steps.map(step));
}

/** One event: time, +elapsed, producer, type and routing key, then its figures and any outcome, code and reason. */
function step(s) {
  const item = document.createElement('li');
  item.dataset.event = s.event;
  if (FAILURES.has(s.event)) item.className = 'fail';
  if (s.event === 'SagaCompleted') item.className = 'done';
  const figures = Object.entries(s.amounts).map(([name, value]) => `${name.replace('_', ' ')} ${value}`);
  const notes = [s.outcome, s.code && s.code !== s.outcome ? s.code : null, s.reason].filter(Boolean).join(' · ');
  item.append(
    element('time', clock(s.at)),
    element('span', `+${whole.format(s.elapsed_ms)} ms`, 'elapsed'),
    element('span', s.producer, 'producer'),
    element('b', s.event, 'event'),
    element('small', s.routing_key, 'key'),
    element('span', figures.join(' · '), 'figures'),
    element('span', notes, 'notes'),
  );
  return item;
}

function element(tag, text, className) {
  const node = document.createElement(tag);
  node.textContent = text;
  if (className) node.className = className;
  return node;
}

const clock = (at) => {
  const date = new Date(at);
  return `${date.toLocaleTimeString('en-GB')}.${String(date.getMilliseconds()).padStart(3, '0')}`;
};
