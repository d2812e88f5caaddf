import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import type { Delivery } from '@trading/contracts';
import { createLogger } from '@trading/platform';
import { type ServiceName, type Stack, type StackEnv, serviceAmqpUrl, testEnv, useStack } from '@trading/testkit';
import { expect } from 'chai';
import {
  type InvariantReport,
  definitiveReply,
  type Load,
  type LoadSummary,
  RawClient,
  type RequestRecord,
  startLoad,
  summarize,
  summarizeLoad,
  waitForInvariants,
} from '../../src/index.ts';

/**
 * Every fault scenario runs the whole stack, the market included: its seeded walk ticks every 200 ms through every
 * fault, with markets open around the clock; the gateway's reply timeout is short. A started or restarted Trade
 * takes orders once it holds the market's prices, as in production.
 */
export const SCENARIO_ENV = {
  MARKETS_ALWAYS_OPEN: 'true',
  REPLY_TIMEOUT_MS: '5000',
  MARKET_TICK_INTERVAL_MS: '200',
  MARKET_SEED: '20261202',
  PRICE_WARMUP_MS: '3000',
};
export const ALL_SERVICES: readonly ServiceName[] = ['gateway', 'payment', 'trade', 'reporting', 'market'];

/** The five services for a scenario suite, started before its tests and stopped after them. */
export function useScenarioStack(env: () => StackEnv = () => ({})): () => Stack {
  return useStack(ALL_SERVICES, () => ({ ...SCENARIO_ENV, ...env() }));
}

/** A client that publishes straight to the run's exchanges, as a misbehaving service would, for one suite. */
export function useRawClient(): () => RawClient {
  let raw: RawClient | undefined;
  before(async () => {
    raw = await RawClient.connect(testEnv().amqpUrl, serviceAmqpUrl(testEnv(), 'gateway'), createLogger('faults-test', 'silent'));
  });
  after(async () => {
    await raw?.close();
  });
  return () => {
    if (!raw) throw new Error('the raw client is not connected: call useRawClient inside a describe block');
    return raw;
  };
}

export type ScenarioResult = { records: RequestRecord[]; summary: LoadSummary; report: InvariantReport; deadLetters: Delivery[] };

/**
 * The shape of every fault scenario: a load of `requests` from `clients` WebSocket clients; once a third of them
 * are answered, `fault` runs while the load goes on; then the load ends, every request whose outcome is
 * unknown is re-sent with its id, and the invariants must hold within the settle time: among them cash and assets
 * conserved across the users and the house, and every trade within its bound at a tick the market stored. With `loadOutlastsFault`
 * the load has no request budget: it goes on until the fault has ended, however long the fault takes to start. Figures go to
 * .tmp/faults/figures.json for RELIABILITY.md.
 */
export type ScenarioOptions = {
  requests?: number;
  /** Keep the load going for the whole fault instead of stopping after `requests` (which then only times the fault's start). */
  loadOutlastsFault?: boolean;
  clients?: number;
  settleMs?: number;
  /** Requests the fault itself sent, checked with the load's. */
  extraRecords?: () => RequestRecord[];
  /** Messages the fault means to dead-letter (by message id); any other dead letter fails the scenario. */
  expectedDeadLetters?: () => string[];
  /** Requests each client keeps in flight (default startLoad's). */
  inFlightPerClient?: number;
  /** The longest a load that outlasts its fault may run (default 60 s). */
  loadLimitMs?: number;
  /** The broker the dead-letter watcher reads, as the admin and as the gateway (default the run's vhost on the system broker). */
  broker?: () => { adminUrls: string[]; gatewayUrls: string[] };
};

export async function runScenario(name: string, stack: Stack, fault: (load: Load) => Promise<void>, options: ScenarioOptions = {}): Promise<ScenarioResult> {
  const requests = options.requests ?? 400;
  const startedAt = Date.now();
  const broker = options.broker?.() ?? { adminUrls: [testEnv().amqpUrl], gatewayUrls: [serviceAmqpUrl(testEnv(), 'gateway')] };
  const watcher = await RawClient.connect(broker.adminUrls, broker.gatewayUrls, createLogger('dead-letters', 'silent'));
  try {
    return await observe(name, stack, fault, options, requests, startedAt, watcher);
  } finally {
    // Closed however the scenario ends: a watcher left open would take the next scenario's dead letters.
    await watcher.close();
  }
}

async function observe(
  name: string,
  stack: Stack,
  fault: (load: Load) => Promise<void>,
  options: ScenarioOptions,
  requests: number,
  startedAt: number,
  watcher: RawClient,
): Promise<ScenarioResult> {
  await watcher.watchDeadLetters();
  const budget = options.loadOutlastsFault ? { durationMs: options.loadLimitMs ?? FAULT_LOAD_LIMIT_MS } : { requests };
  // With several gateways, client i starts on gateway i and moves to the next when its gateway goes away.
  const gateways = stack.gatewayUrls();
  const load = await startLoad({
    gatewayUrl: gateways.length > 1 ? gateways : stack.gatewayUrl,
    clients: options.clients ?? 8,
    inFlightPerClient: options.inFlightPerClient,
    ...budget,
    seed: name.length,
  });
  await load.whenAnswered(Math.floor(requests / 3));
  await fault(load);
  if (options.loadOutlastsFault) load.stop();
  await load.finished;
  await load.resendUnknown(45_000);
  await load.close();
  const records = [...load.records, ...(options.extraRecords?.() ?? [])];
  const report = await waitForInvariants(testEnv().databaseUrl, { records, settleMs: options.settleMs ?? 30_000 });
  const summary = summarizeLoad(records);
  const expected = new Set(options.expectedDeadLetters?.() ?? []);
  // Dead letters of earlier tests of the same run (same vhost), and about their users, are theirs, not this one's.
  const users = new Set(records.flatMap((r) => [r.body.user_id, definitiveReply(r)?.user_id]).filter(Boolean));
  const deadLetters = watcher.deadLetters.filter((d) => {
    const userId = (d.body as { user_id?: unknown } | null)?.user_id;
    const failedAt = Date.parse(String(d.headers['x-failed-at']));
    return expected.has(d.messageId ?? '') || (!(failedAt < startedAt) && (userId === undefined || users.has(userId)));
  });
  const unexpected = deadLetters.filter((d) => !expected.has(d.messageId ?? ''));
  saveFigures(name, summary, report, unexpected.length);
  expect(report.ok, summarize(report)).to.equal(true);
  expect(unexpected.map(describeDeadLetter), 'messages dead-lettered').to.deep.equal([]);
  return { records, summary, report, deadLetters };
}

/** The longest a load that outlasts its fault may run. */
const FAULT_LOAD_LIMIT_MS = 60_000;

const FIGURES = new URL('../../../../.tmp/faults/figures.json', import.meta.url).pathname;

const describeDeadLetter = (d: Delivery) =>
  `${d.type} ${d.messageId} from ${String(d.headers['x-failed-queue'])}: ${String(d.headers['x-error'])} ${JSON.stringify(d.body).slice(0, 300)}`;

function saveFigures(name: string, summary: LoadSummary, report: InvariantReport, deadLetters: number): void {
  mkdirSync(FIGURES.replace(/\/[^/]+$/, ''), { recursive: true });
  let all: Record<string, unknown> = {};
  try {
    all = JSON.parse(readFileSync(FIGURES, 'utf8')) as Record<string, unknown>;
  } catch {
    // first scenario of the run
  }
  const failed = report.checks.filter((c) => !c.ok).map((c) => c.name);
  all[name] = { at: new Date().toISOString(), ...summary, invariants: report.ok ? 'hold' : failed, deadLetters, totals: report.totals };
  writeFileSync(FIGURES, `${JSON.stringify(all, null, 2)}\n`);
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `probe` until it returns true, failing after `timeoutMs`. */
export async function waitFor(what: string, probe: () => boolean | Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > until) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await sleep(100);
  }
}
