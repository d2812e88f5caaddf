import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import {
  type ClusterNode,
  clusterNodes,
  connectionsByNode,
  killNode,
  nodeRunning,
  quorumQueues,
  replicasCaughtUp,
  restartNode,
  usersOnNode,
} from '@trading/bus';
import { type ClusterBroker, type Stack, serviceAmqpUrl, useClusterStack } from '@trading/testkit';
import { errorCodes } from '@trading/contracts';
import { expect } from 'chai';
import { type FaultFigures, faultFigures, type Load } from '../../src/index.ts';
import { ALL_SERVICES, runScenario, SCENARIO_ENV, type ScenarioResult, sleep, waitFor } from './scenario.ts';

export type ClusterScenario = { stack: () => Stack; broker: () => ClusterBroker };

/** The five services on the cluster's three nodes (AMQP_URLS), the scenario settings of every fault suite. */
export function useClusterScenarioStack(): ClusterScenario {
  return useClusterStack(ALL_SERVICES, () => SCENARIO_ENV);
}

/** A steady, modest load for two cores shared with three broker nodes: 4 clients, 4 requests in flight each. */
const CLUSTER_LOAD = { clients: 4, inFlightPerClient: 4 };
/** A request is answered within the gateway's reply timeout, give or take a loaded machine's scheduling. */
const ANSWER_WITHIN_MS = Number(SCENARIO_ENV.REPLY_TIMEOUT_MS) + 2000;

/** What a fault did and when (epoch ms): `faultAt` is its first blow; the other instants are printed beside it. */
export type FaultTimeline = { faultAt: number; marks: Record<string, number> };

/**
 * One fault under a steady mixed load on the cluster: the load outlasts the fault, then every unknown outcome is
 * re-sent with its id and every invariant must hold (runScenario). Also: no send went unanswered, none waited past its
 * reply timeout, nothing was left unknown. Prints and keeps (.tmp/faults/cluster-figures.json) the figures.
 */
export async function runClusterFault(
  name: string,
  cluster: ClusterScenario,
  fault: (load: Load) => Promise<FaultTimeline>,
  options: { requests?: number; loadLimitMs?: number } = {},
): Promise<{ result: ScenarioResult; figures: FaultFigures; timeline: FaultTimeline }> {
  let timeline: FaultTimeline | undefined;
  const gatewayUrls = cluster.broker().adminUrls.map((url) => serviceAmqpUrl({ amqpUrl: url }, 'gateway'));
  const result = await runScenario(
    name,
    cluster.stack(),
    async (load) => {
      timeline = await fault(load);
    },
    {
      ...CLUSTER_LOAD,
      requests: options.requests ?? 150,
      loadOutlastsFault: true,
      loadLimitMs: options.loadLimitMs,
      broker: () => ({ adminUrls: cluster.broker().adminUrls, gatewayUrls }),
    },
  );
  if (!timeline) throw new Error('the fault did not report its timeline');
  const figures = faultFigures(result.records, timeline.faultAt);
  report(name, figures, timeline, result);
  expect(figures.unanswered, 'sends never answered').to.equal(0);
  expect(figures.longestWaitMs, 'longest wait for an answer (ms)').to.be.at.most(ANSWER_WITHIN_MS);
  expect(result.summary.unknown, 'requests left without a definitive reply').to.equal(0);
  return { result, figures, timeline };
}

/** The node most of the vhost's connections are on (the services', the gateway's), or the first one. */
export async function busiestNode(vhost: string): Promise<ClusterNode> {
  const asked = clusterNodes[0]!;
  const counts = await connectionsByNode(vhost, asked);
  return [...counts.entries()].reduce((best, entry) => (entry[1] > best[1] ? entry : best), [asked, -1] as [ClusterNode, number])[0];
}

/** The node that leads most of the vhost's quorum queues. */
export async function leadersNode(vhost: string): Promise<ClusterNode> {
  const leaders = (await quorumQueues(vhost)).map((row) => row.leader);
  const count = (n: ClusterNode) => leaders.filter((leader) => leader === n.name).length;
  return clusterNodes.reduce((best, n) => (count(n) > count(best) ? n : best));
}

/**
 * SIGKILL of a node (the busiest, or the one `pick` chooses), `downMs` with it dead, then its restart on its data, its rejoining, and its quorum
 * replicas catching up with their leaders, all while the load goes on.
 */
export function killAndRestartNode(
  cluster: ClusterScenario,
  downMs: number,
  pick: (vhost: string) => Promise<ClusterNode> = busiestNode,
): (load: Load) => Promise<FaultTimeline> {
  return async () => {
    const { vhost } = cluster.broker();
    const node = await pick(vhost);
    // Whose connections go with it: the gateway's decides whether new requests meet a new channel at once.
    process.stdout.write(`      on ${node.name} at the kill: ${(await usersOnNode(vhost, node, node)).join(', ') || 'no connection'}\n`);
    const faultAt = await killNode(node);
    await sleep(downMs);
    const accepting = await restartNode(node);
    const rejoined = Date.now();
    await waitFor(`${node.name}'s quorum replicas caught up`, () => replicasCaughtUp(node, vhost), 120_000);
    const caughtUp = Date.now();
    // The load goes on a little beyond the fault, so the figures show the answers once it is over.
    await sleep(2000);
    return { faultAt, marks: { [`${node.name} restarted (accepts AMQP)`]: accepting, 'rejoined the cluster': rejoined, 'replicas caught up': caughtUp } };
  };
}

/** Every node running: a scenario that kills one leaves the cluster whole again for the next. */
export async function allNodesRunning(): Promise<boolean> {
  return (await Promise.all(clusterNodes.map(nodeRunning))).every(Boolean);
}

/** The request types of the answers that were failures of ours (REPLY_TIMEOUT, BROKER_BUSY, SAGA_TIMEOUT…), counted. */
function failedTypes(result: ScenarioResult): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const record of result.records)
    for (const { reply } of record.replies)
      if (reply.code && (errorCodes as Record<string, { kind: string }>)[reply.code]?.kind === 'unavailable')
        counts[record.type] = (counts[record.type] ?? 0) + 1;
  return counts;
}

const FIGURES = new URL('../../../../.tmp/faults/cluster-figures.json', import.meta.url).pathname;

function report(name: string, figures: FaultFigures, timeline: FaultTimeline, result: ScenarioResult): void {
  const since = (at: number) => `${((at - timeline.faultAt) / 1000).toFixed(1)} s`;
  const firstSends = result.records.map((r) => r.sends[0] ?? 0).filter((at) => at > 0);
  const perSecond = Math.round(firstSends.length / Math.max(1, (Math.max(...firstSends) - Math.min(...firstSends)) / 1000));
  const lines = [
    `    ${name}: ${result.summary.requests} requests (${perSecond}/s), ${figures.sends} sends (${result.summary.resends} re-sends of unknown outcomes)`,
    `      longest wait for an answer ${figures.longestWaitMs} ms; unanswered ${figures.unanswered}; failures of ours ${figures.failures}`,
    `      answers by code ${JSON.stringify(figures.answersByCode)}`,
    `      failures of ours by when they were answered ${JSON.stringify(figures.failuresBy5s)}, by request type ${JSON.stringify(failedTypes(result))}`,
    `      from the fault: first OK ${figures.firstOkMs} ms, all OK from ${figures.allOkMs} ms (the last failed request's send)`,
    ...Object.entries(timeline.marks).map(([mark, at]) => `      ${mark} at +${since(at)}`),
    `      invariants hold: ${result.report.ok}; latency p50/p99/max ${result.summary.latencyMs.p50}/${result.summary.latencyMs.p99}/${result.summary.latencyMs.max} ms`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
  mkdirSync(FIGURES.replace(/\/[^/]+$/, ''), { recursive: true });
  let all: Record<string, unknown> = {};
  try {
    all = JSON.parse(readFileSync(FIGURES, 'utf8')) as Record<string, unknown>;
  } catch {
    // the first figures of this checkout
  }
  const marks = Object.fromEntries(Object.entries(timeline.marks).map(([mark, at]) => [mark, at - timeline.faultAt]));
  all[name] = { at: new Date().toISOString(), perSecond, ...figures, marksMs: marks, requests: result.summary.requests, resends: result.summary.resends };
  writeFileSync(FIGURES, `${JSON.stringify(all, null, 2)}\n`);
}
