import { clusterAmqpUrls, clusterDown, clusterRunning, clusterUp, firstClusterNode, provisionBroker, rabbitmqctlOn } from '@trading/bus';
import { testBrokerPasswords } from './isolation.ts';
import { testEnv } from './mochaHooks.ts';
import type { ServiceName } from './serviceProcess.ts';
import { type Stack, startStack } from './stack.ts';
import type { StackEnv } from './useStack.ts';

/** This run's vhost on the three nodes of `pnpm cluster` (packages/bus/src/cluster). */
export type ClusterBroker = {
  vhost: string;
  /** The vhost on each node as the broker's admin, for a test's own setup and inspection. */
  adminUrls: string[];
  /** For startStack: every service is given the three nodes (AMQP_URLS), each as its own broker user (ServiceProcess). */
  stackEnv: { AMQP_URL: string; AMQP_URLS: string };
};

/** Whether this machine can run the cluster's extra nodes: starting rabbitmq-server and reaching it by name need root. */
export const canRunCluster = (): boolean => process.getuid?.() === 0;

/**
 * Starts the cluster unless it runs (`started` says whether this call did), and creates this run's vhost there
 * (named as on the system broker), provisioned as the system one: the services' users, permissions and topology.
 */
export async function openClusterBroker(): Promise<ClusterBroker & { started: boolean }> {
  const started = !(await clusterRunning());
  if (started) await clusterUp(testBrokerPasswords);
  const { vhost } = testEnv();
  const adminUrls = clusterAmqpUrls(vhost);
  await provisionBroker(adminUrls[0]!, testBrokerPasswords, firstClusterNode.name);
  return { vhost, adminUrls, started, stackEnv: { AMQP_URL: adminUrls[0]!, AMQP_URLS: adminUrls.join(',') } };
}

/** Deletes the run's vhost from the cluster, and stops the cluster if openClusterBroker started it. */
export async function closeClusterBroker(broker: ClusterBroker & { started: boolean }): Promise<void> {
  await rabbitmqctlOn(firstClusterNode.name, 'delete_vhost', broker.vhost).catch(() => undefined);
  if (broker.started) await clusterDown();
}

/**
 * For a mocha suite: the named services on the cluster (openClusterBroker), started before its tests and stopped after
 * them, then the vhost removed and the cluster stopped if the suite started it. Skips the suite, saying why, on a
 * machine that cannot run the nodes (not root).
 */
export function useClusterStack(names: readonly ServiceName[], env: () => StackEnv = () => ({})): { stack: () => Stack; broker: () => ClusterBroker } {
  let broker: (ClusterBroker & { started: boolean }) | undefined;
  let stack: Stack | undefined;
  before(async function () {
    if (!canRunCluster()) {
      process.stdout.write('      skipped: the RabbitMQ cluster suite starts its own broker nodes (rabbitmq-server), which needs root\n');
      this.skip();
    }
    this.timeout(240_000);
    broker = await openClusterBroker();
    stack = await startStack(names, { ...env(), ...broker.stackEnv });
  });
  after(async function () {
    this.timeout(120_000);
    await stack?.stop();
    if (broker) await closeClusterBroker(broker);
  });
  return {
    stack: () => {
      if (!stack) throw new Error('the cluster stack has not started: call useClusterStack inside a describe block');
      return stack;
    },
    broker: () => {
      if (!broker) throw new Error('the cluster broker is not open: call useClusterStack inside a describe block');
      return broker;
    },
  };
}
