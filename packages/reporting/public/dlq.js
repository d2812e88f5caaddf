// Dead letters: the operator's list of the messages a service gave up on and that wait to be replayed or dropped
// (pnpm dlq). Drawn from /api/dead-letters, the operator's alone, every 10 s while the dashboard is shown.
const $ = (id) => document.getElementById(id);
const REFRESH_MS = 10_000;
const when = (iso) => new Date(iso).toLocaleString();

function cell(text, className) {
  const td = document.createElement('td');
  td.textContent = text;
  if (className) td.className = className;
  return td;
}

function draw(deadLetters) {
  const rows = $('dlq-rows');
  rows.replaceChildren(
    ...deadLetters.map((d) => {
      const tr = document.createElement('tr');
      tr.title = `${d.id}\nmessage ${d.message_id}${d.type ? ` (${d.type})` : ''}\n${d.error_name}: ${d.error}`;
      tr.append(
        cell(d.failed_queue),
        cell(d.failed_service),
        cell(`${d.error_name}: ${d.error}`, 'dlq-error'),
        cell(String(d.attempts), 'dlq-num'),
        cell(when(d.first_failed_at)),
        cell(when(d.last_failed_at)),
        cell(d.id.slice(0, 8), 'dlq-id'),
      );
      return tr;
    }),
  );
  $('dlq-count').textContent = deadLetters.length === 0 ? 'none waiting' : `${deadLetters.length} waiting`;
  $('dlq-table').hidden = deadLetters.length === 0;
  $('dlq-empty').hidden = deadLetters.length > 0;
}

async function refresh() {
  const panel = $('dead-letters');
  if (!panel || $('dashboard').hidden) return;
  const response = await fetch('/api/dead-letters').catch(() => undefined);
  // Not the operator's session (401, 403): the panel stays as it is; the dashboard shows its login form.
  if (!response?.ok) return;
  draw((await response.json()).dead_letters);
}

refresh();
setInterval(refresh, REFRESH_MS);
// At once when the dashboard appears (after the login), not only at the next tick.
new MutationObserver(() => refresh()).observe($('dashboard'), { attributes: true, attributeFilter: ['hidden'] });
