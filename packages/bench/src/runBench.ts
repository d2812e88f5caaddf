import { randomBytes } from 'node:crypto';
import { type Logger, UnreachableError } from '@trading/platform';
import pg from 'pg';
import { measureBroker } from './brokerBaseline.ts';
import type { Rate } from './config.ts';
import { describeCpu, describeSwitches } from './cpuUsage.ts';
import { measureDatabase } from './databaseBaseline.ts';
import { type DatabaseActivity, perSaga, readDatabaseActivity } from './databaseActivity.ts';
import { awaitQuotes } from './awaitQuotes.ts';
import { GatewaySocket } from './gatewaySocket.ts';
import { prepareUsers } from './prepareUsers.ts';
import { runStep, type StepResult } from './runStep.ts';
import { sagaCost } from './sagaCost.ts';
import type { OrderPlan } from './sagaOrders.ts';
import { type Baselines, buildSummary, type Summary } from './summary.ts';
import { type FloodCounts, type FloodOptions, startQueryFlood } from './queryFlood.ts';
import { readTableSizes } from './tableSizes.ts';
import { vacuumIfAutovacuumOff } from './vacuumStandIn.ts';

export type BenchOptions = {
  /** One gateway, or several: socket i starts on the i-th and moves to the next when its gateway goes away. */
  gatewayUrl: string | readonly string[];
  /** The operator's key: one socket acts for many users. */
  apiKey: string;
  connections: number;
  users: number;
  rates: readonly Rate[];
  warmupS: number;
  durationS: number;
  depth: number;
  mix: OrderPlan['mix'];
  symbols: readonly string[];
  /** Of every order, on every symbol's lot size; orders carry no price (market orders). */
  quantity: string;
  replyTimeoutMs: number;
  /** The stack's database: vacuumed before each step where the server runs without autovacuum. */
  databaseUrl: string;
  /**
   * After the steps, the last rate again with a query flood running (queryFlood.ts): its throughput and Reporting's
   * ingestion against the same rate's step without the flood.
   */
  flood?: Omit<FloodOptions, 'gatewayUrl' | 'apiKey' | 'replyTimeoutMs'>;
  /** Measured after the saga steps, on the same machine; omitted: no baselines. */
  baselines?: { amqpUrl: string; databaseUrl: string; prefetch: number; poolMax: number; messages: number; transactions: number };
  logger: Logger;
  progress: (line: string) => void;
};

/** How long the bench waits for Trade to quote every symbol (the market ticks every second under `npm start`). */
const QUOTE_WAIT_MS = 15_000;

/** Waits for the market's prices, sets up users, runs one step per rate, then measures the baselines and sums it all up. */
export type BenchSummary = Summary & {
  /** Each bounded table's size after the bench (tableSizes.ts), in bytes; absent where the database cannot be read. */
  table_bytes?: Record<string, number>;
  query_flood?: QueryFloodResult;
};

export async function runBench(options: BenchOptions): Promise<BenchSummary> {
  const run = randomBytes(3).toString('hex');
  const sockets = await Promise.all(
    Array.from({ length: options.connections }, (_, i) => GatewaySocket.open(options.gatewayUrl, options.apiKey, `b${run}c${i}`, options.replyTimeoutMs, i)),
  ).catch((err: Error) => {
    throw new UnreachableError(`cannot reach the gateway at ${options.gatewayUrl} (${err.message}); start the stack (pnpm start) or set GATEWAY_URL`);
  });
  const steps: StepResult[] = [];
  let databasePerSaga: DatabaseActivity | undefined;
  let queryFlood: QueryFloodResult | undefined;
  const readActivity = () => readDatabaseActivity(options.databaseUrl).catch(() => undefined);
  try {
    const seedHoldings = options.mix === 'both';
    const prices = await awaitQuotes(sockets[0]!, options.symbols, QUOTE_WAIT_MS);
    options.progress(`• market orders at the market's prices, now ${options.symbols.map((symbol) => `${symbol} ${prices[symbol]}`).join(', ')}`);
    options.progress(`• creating and funding ${options.users} users over ${sockets.length} connections`);
    const { users } = await prepareUsers(sockets, options.users, { symbols: options.symbols, quantity: options.quantity, seedHoldings });
    const plan: OrderPlan = { users, symbols: options.symbols, mix: options.mix, quantity: options.quantity };
    const activity: DatabaseActivity = { commits: 0, walBytes: 0 };
    let sent = 0;
    const measure = async (rate: Rate): Promise<StepResult> => {
      if ((await vacuumIfAutovacuumOff(options.databaseUrl)) === 'vacuumed') options.progress('  (autovacuum is off on this server: vacuumed before the step)');
      // Read after the vacuum, so that what it commits and writes is not charged to the sagas.
      const before = await readActivity();
      const step = await runStep(sockets, plan, rate, options, sent);
      const after = before && (await readActivity());
      if (before && after) {
        activity.commits += after.commits - before.commits;
        activity.walBytes += after.walBytes - before.walBytes;
      }
      sent += step.sent;
      options.progress(describeStep(step));
      return step;
    };
    for (const rate of options.rates) steps.push(await measure(rate));
    if (options.flood) queryFlood = await measureUnderFlood(options, options.rates.at(-1)!, measure);
    if (activity.commits > 0 && sent > 0) databasePerSaga = perSaga(activity, sent);
  } finally {
    await Promise.all(sockets.map((s) => s.close()));
  }
  const cost = sagaCost(options.mix);
  const measuredCost = databasePerSaga ? { ...cost, transactions: databasePerSaga.commits } : cost;
  const summary = buildSummary(steps, measuredCost, options.baselines && (await measureBaselines(options)), databasePerSaga?.walBytes);
  const tables = await readTableSizes(options.databaseUrl).catch(() => undefined);
  if (tables)
    options.progress(
      `• table sizes after the bench: ${Object.entries(tables)
        .map(([t, bytes]) => `${t} ${(bytes / 1024).toFixed(0)} kB`)
        .join(', ')}`,
    );
  return { ...summary, ...(tables ? { table_bytes: tables } : {}), ...(queryFlood ? { query_flood: queryFlood } : {}) };
}

export type QueryFloodResult = {
  rate: Rate;
  quiet: { sagas_per_s: number; events_stored_per_s: number; p99_ms: number };
  flooded: { sagas_per_s: number; events_stored_per_s: number; p99_ms: number };
  throughput_ratio: number;
  ingestion_ratio: number;
  flood: FloodCounts;
};

/**
 * The same rate twice, the second time with the query flood running: sagas completed and events Reporting stored per
 * second (reporting.event's seq, read before and after each step), and their ratios.
 */
async function measureUnderFlood(options: BenchOptions, rate: Rate, measure: (rate: Rate) => Promise<StepResult>): Promise<QueryFloodResult> {
  const lastEvent = async () => {
    const client = new pg.Client({ connectionString: options.databaseUrl });
    await client.connect();
    try {
      return Number((await client.query<{ seq: string }>('SELECT coalesce(max(seq), 0)::text AS seq FROM reporting.event')).rows[0]?.seq ?? 0);
    } finally {
      await client.end();
    }
  };
  const seconds = options.warmupS + options.durationS;
  const run = async () => {
    const before = await lastEvent();
    const started = Date.now();
    const step = await measure(rate);
    const events = (await lastEvent()) - before;
    return { sagas_per_s: step.sagas_per_s, events_stored_per_s: Math.round(events / Math.max(seconds, (Date.now() - started) / 1000)), p99_ms: step.p99_ms };
  };
  options.progress(
    `• query flood: ${rate}/s without, then with ${options.flood!.sockets}×${options.flood!.depth} REPORTs and ${options.flood!.httpClients} HTTP clients in flight`,
  );
  const quiet = await run();
  const flood = await startQueryFlood({ ...options.flood!, gatewayUrl: options.gatewayUrl, apiKey: options.apiKey, replyTimeoutMs: options.replyTimeoutMs });
  const flooded = await run().finally(() => undefined);
  const counts = await flood.stop();
  const ratio = (a: number, b: number) => (b === 0 ? 0 : Math.round((a / b) * 100) / 100);
  const result = {
    rate,
    quiet,
    flooded,
    throughput_ratio: ratio(flooded.sagas_per_s, quiet.sagas_per_s),
    ingestion_ratio: ratio(flooded.events_stored_per_s, quiet.events_stored_per_s),
    flood: counts,
  };
  options.progress(
    `  → under the flood: throughput ×${result.throughput_ratio}, ingestion ×${result.ingestion_ratio}; flood answers ${JSON.stringify(counts)}`,
  );
  return result;
}

async function measureBaselines(options: BenchOptions): Promise<Baselines> {
  const settings = options.baselines!;
  options.progress(`• baseline: ${settings.messages} persistent confirmed messages through one quorum queue`);
  const broker = await measureBroker({ url: settings.amqpUrl, logger: options.logger, prefetch: settings.prefetch, messages: settings.messages });
  options.progress(`• baseline: ${settings.transactions} one-row UPDATE transactions`);
  const database = await measureDatabase({ url: settings.databaseUrl, poolMax: settings.poolMax, logger: options.logger, transactions: settings.transactions });
  return { broker, database };
}

function describeStep(step: StepResult): string {
  const target = step.target === 'max' ? 'flat out' : `${step.target}/s`;
  const errors = step.errors ? ` errors ${JSON.stringify(step.errors_by_code)}` : ' errors 0';
  const line = `  ${target.padEnd(9)} ${String(step.sagas_per_s).padStart(7)} sagas/s  p50 ${step.p50_ms} ms  p95 ${step.p95_ms} ms  p99 ${step.p99_ms} ms${errors}`;
  const cpu = step.cpu_ms_per_saga ? [describeCpu(step.cpu_ms_per_saga)] : [];
  const switches = step.switches_per_saga ? [describeSwitches(step.switches_per_saga)] : [];
  return [line, ...cpu, ...switches].join('\n            ');
}
