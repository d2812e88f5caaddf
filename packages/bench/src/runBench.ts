import { randomBytes } from 'node:crypto';
import { type Logger, UnreachableError } from '@trading/platform';
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
import { vacuumIfAutovacuumOff } from './vacuumStandIn.ts';

export type BenchOptions = {
  gatewayUrl: string;
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
  /** Measured after the saga steps, on the same machine; omitted: no baselines. */
  baselines?: { amqpUrl: string; databaseUrl: string; prefetch: number; poolMax: number; messages: number; transactions: number };
  logger: Logger;
  progress: (line: string) => void;
};

/** How long the bench waits for Trade to quote every symbol (the market ticks every second under `npm start`). */
const QUOTE_WAIT_MS = 15_000;

/** Waits for the market's prices, sets up users, runs one step per rate, then measures the baselines and sums it all up. */
export async function runBench(options: BenchOptions): Promise<Summary> {
  const run = randomBytes(3).toString('hex');
  const sockets = await Promise.all(
    Array.from({ length: options.connections }, (_, i) => GatewaySocket.open(options.gatewayUrl, options.apiKey, `b${run}c${i}`, options.replyTimeoutMs)),
  ).catch((err: Error) => {
    throw new UnreachableError(`cannot reach the gateway at ${options.gatewayUrl} (${err.message}); start the stack (pnpm start) or set GATEWAY_URL`);
  });
  const steps: StepResult[] = [];
  let databasePerSaga: DatabaseActivity | undefined;
  const readActivity = () => readDatabaseActivity(options.databaseUrl).catch(() => undefined);
  try {
    const seedHoldings = options.mix === 'both';
    const prices = await awaitQuotes(sockets[0]!, options.symbols, QUOTE_WAIT_MS);
    options.progress(`• market orders at the market's prices, now ${Object.entries(prices).map(([symbol, price]) => `${symbol} ${price}`).join(', ')}`);
    options.progress(`• creating and funding ${options.users} users over ${sockets.length} connections`);
    const { users } = await prepareUsers(sockets, options.users, { symbols: options.symbols, quantity: options.quantity, seedHoldings });
    const plan: OrderPlan = { users, symbols: options.symbols, mix: options.mix, quantity: options.quantity };
    const activity: DatabaseActivity = { commits: 0, walBytes: 0 };
    let sent = 0;
    for (const rate of options.rates) {
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
      steps.push(step);
      options.progress(describeStep(step));
    }
    if (activity.commits > 0 && sent > 0) databasePerSaga = perSaga(activity, sent);
  } finally {
    await Promise.all(sockets.map((s) => s.close()));
  }
  const cost = sagaCost(options.mix);
  const measuredCost = databasePerSaga ? { ...cost, transactions: databasePerSaga.commits } : cost;
  return buildSummary(steps, measuredCost, options.baselines && (await measureBaselines(options)), databasePerSaga?.walBytes);
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
