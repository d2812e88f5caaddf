import type { DeadLetter } from '@trading/db';

const COLUMNS: readonly [string, (d: DeadLetter) => string, number][] = [
  ['ID', (d) => d.id, 36],
  ['QUEUE', (d) => d.failedQueue, 24],
  ['SERVICE', (d) => d.failedService, 10],
  ['STATE', (d) => d.state, 8],
  ['ATTEMPTS', (d) => String(d.attempts), 8],
  ['FIRST FAILURE', (d) => d.firstFailedAt.toISOString(), 24],
  ['LAST FAILURE', (d) => d.lastFailedAt.toISOString(), 24],
  ['ERROR', (d) => `${d.errorName}: ${d.error}`.replace(/\s+/g, ' '), 80],
];

const cut = (text: string, width: number): string => (text.length > width ? `${text.slice(0, width - 1)}…` : text);

/** `pnpm dlq list`: one line per dead letter under a header, columns padded to their widest value. */
export function formatList(deadLetters: readonly DeadLetter[]): string {
  if (deadLetters.length === 0) return 'no dead letter';
  const cells = [COLUMNS.map(([title]) => title), ...deadLetters.map((d) => COLUMNS.map(([, value, max]) => cut(value(d), max)))];
  const widths = COLUMNS.map((_, i) => Math.max(...cells.map((row) => row[i]!.length)));
  return cells.map((row) => row.map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i]!))).join('  ')).join('\n');
}
