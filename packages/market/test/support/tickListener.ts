import { exchanges, type PriceTicked } from '@trading/contracts';
import type { SqlClient } from '@trading/db';
import { testEnv } from '@trading/testkit';
import amqp from 'amqplib';

/** A private queue bound to every tick on `market`, as the broker's admin: the test's view of the bus. */
export async function listenToTicks(): Promise<{ ticks: PriceTicked[]; close: () => Promise<void> }> {
  const connection = await amqp.connect(testEnv().amqpUrl);
  const channel = await connection.createChannel();
  const { queue } = await channel.assertQueue('', { exclusive: true });
  await channel.bindQueue(queue, exchanges.market, 'market.tick.#');
  const ticks: PriceTicked[] = [];
  await channel.consume(queue, (msg) => msg && ticks.push(JSON.parse(msg.content.toString()) as PriceTicked), { noAck: true });
  return { ticks, close: () => connection.close() };
}

/** Each symbol's seqs, in the order they arrived. */
export function seqsBySymbol(ticks: readonly PriceTicked[]): Map<string, number[]> {
  const bySymbol = new Map<string, number[]>();
  for (const tick of ticks) bySymbol.set(tick.symbol, [...(bySymbol.get(tick.symbol) ?? []), tick.seq]);
  return bySymbol;
}

export const strictlyRising = (seqs: readonly number[]): boolean => seqs.every((seq, i) => i === 0 || seq > seqs[i - 1]!);

/** The seen ticks that market.tick does not hold, as `symbol:seq`: none, if the market stores before it publishes. */
export async function unstored(db: SqlClient, ticks: readonly PriceTicked[]): Promise<string[]> {
  const rows = await db.$queryRawUnsafe<{ key: string }[]>("SELECT symbol || ':' || seq AS key FROM market.tick");
  const stored = new Set(rows.map((row) => row.key));
  return ticks.map((t) => `${t.symbol}:${t.seq}`).filter((key) => !stored.has(key));
}

/** The steps between consecutive seqs above 1: the rounds that were never published (at most one per hand-over). */
export const skipped = (seqs: readonly number[]): number[] =>
  seqs
    .slice(1)
    .map((seq, i) => seq - seqs[i]!)
    .filter((step) => step > 1);
