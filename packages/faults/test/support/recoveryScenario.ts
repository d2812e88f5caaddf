import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { type BrokerNode, killNode, nodeCtl, nodeRunning, startNode, stopNode } from '@trading/bus';
import { type Stack, startStack, testBrokerPasswords, testEnv } from '@trading/testkit';
import {
  acceptsAmqp,
  type InvariantReport,
  provisionNodeVhost,
  type RecoveryFigures,
  type RequestRecord,
  recoveryFigures,
  recoveryNode,
  startPacedLoad,
  waitForInvariants,
} from '../../src/index.ts';
import { ALL_SERVICES, SCENARIO_ENV, sleep } from './scenario.ts';

/** The gateway's reply timeout in these scenarios (SCENARIO_ENV). */
export const REPLY_TIMEOUT_MS = Number(SCENARIO_ENV.REPLY_TIMEOUT_MS);

export type RecoveryStack = { node: BrokerNode; stack: Stack };

/**
 * For a suite: the recovery node (started unless it runs, stopped after if it did not), a vhost of this run on it
 * provisioned as the system broker's are, and the five services on that vhost with this run's database.
 */
export function useRecoveryStack(): () => RecoveryStack {
  const node = recoveryNode;
  let wasRunning = false;
  let vhost: string | undefined;
  let stack: Stack | undefined;
  before(async function () {
    this.timeout(180_000);
    wasRunning = await nodeRunning(node);
    await startNode(node);
    vhost = `recovery_${testEnv().runId}`;
    const url = await provisionNodeVhost(node, vhost, testBrokerPasswords);
    stack = await startStack(ALL_SERVICES, { ...SCENARIO_ENV, AMQP_URL: url });
  });
  after(async function () {
    this.timeout(120_000);
    await stack?.stop();
    if (vhost) await nodeCtl(node, 'delete_vhost', vhost).catch(() => undefined);
    if (!wasRunning) await stopNode(node);
  });
  return () => {
    if (!stack) throw new Error('the recovery stack has not started: call useRecoveryStack inside a describe block');
    return { node, stack };
  };
}

export type BrokerFault = 'app stopped 3 s' | 'node SIGKILLed and restarted';

export type RecoveryOptions = {
  fault: BrokerFault;
  types: readonly ('DEPOSIT' | 'BUY')[];
  /** One request every `paceMs` (default 50: 20 a second). */
  paceMs?: number;
  /** How long the load goes on once the broker accepts connections again (default 5 s). */
  afterMs?: number;
};

export type RecoveryResult = { figures: RecoveryFigures; records: RequestRecord[]; report: InvariantReport; acceptsAfterFaultMs: number };

/**
 * Paced requests through the stack; after 2 s the fault hits the node, and `afterMs` after the broker accepts
 * connections again the load stops. The figures are taken from the first answers; then every request whose outcome
 * is unknown is re-sent with its id and the invariants are checked (nothing lost, nothing doubled).
 */
export async function measureRecovery({ node, stack }: RecoveryStack, options: RecoveryOptions): Promise<RecoveryResult> {
  const load = await startPacedLoad({
    gatewayUrl: stack.gatewayUrl,
    clients: 4,
    paceMs: options.paceMs ?? 50,
    types: options.types,
    replyTimeoutMs: REPLY_TIMEOUT_MS * 3,
  });
  try {
    const from = Date.now();
    await sleep(2000);
    const faultAt = Date.now();
    const accepting = await injectFault(node, options.fault);
    const acceptsAt = await accepting;
    await sleep(options.afterMs ?? 5000);
    await load.stop();
    const figures = recoveryFigures(load.records, { from, faultAt, acceptsAt });
    await load.resendUnknown(45_000);
    const report = await waitForInvariants(testEnv().databaseUrl, { records: load.records, settleMs: 30_000 });
    const result = { figures, records: load.records, report, acceptsAfterFaultMs: acceptsAt - faultAt };
    saveFigures(`${options.fault}, ${options.types.join(' + ')}`, result);
    return result;
  } finally {
    await load.close();
  }
}

/** Injects the fault and returns, once the node is back, when it first accepted an AMQP connection again. */
async function injectFault(node: BrokerNode, fault: BrokerFault): Promise<Promise<number>> {
  if (fault === 'app stopped 3 s') {
    // The Erlang VM stays up; the broker closes every client connection.
    await nodeCtl(node, 'stop_app');
    const accepting = firstAccepted(node);
    await sleep(3000);
    await nodeCtl(node, 'start_app');
    return accepting;
  }
  await killNode(node);
  const accepting = firstAccepted(node);
  await startNode(node);
  return accepting;
}

/** Polls an AMQP connect every 50 ms; resolves with the instant the first one succeeded. */
async function firstAccepted(node: BrokerNode, timeoutMs = 120_000): Promise<number> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    if (await acceptsAmqp(node, 500)) return Date.now();
    if (Date.now() > until) throw new Error(`${node.name} did not accept connections within ${timeoutMs} ms`);
    await sleep(50);
  }
}

const FIGURES = new URL('../../../../.tmp/faults/recovery.json', import.meta.url).pathname;

function saveFigures(name: string, result: RecoveryResult): void {
  mkdirSync(FIGURES.replace(/\/[^/]+$/, ''), { recursive: true });
  let all: Record<string, unknown> = {};
  try {
    all = JSON.parse(readFileSync(FIGURES, 'utf8')) as Record<string, unknown>;
  } catch {
    // the first scenario of the run
  }
  all[name] = {
    at: new Date().toISOString(),
    acceptsAfterFaultMs: result.acceptsAfterFaultMs,
    ...result.figures,
    invariants: result.report.ok ? 'hold' : 'BROKEN',
  };
  writeFileSync(FIGURES, `${JSON.stringify(all, null, 2)}\n`);
}
