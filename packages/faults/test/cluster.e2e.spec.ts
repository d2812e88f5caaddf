import { expect } from 'chai';
import { freePort, type ServiceName } from '@trading/testkit';
import { allNodesRunning, killAndRestartNode, leadersNode, runClusterFault, useClusterScenarioStack } from './support/clusterScenario.ts';

/*
 * Faults on the three-node RabbitMQ cluster of `pnpm cluster` (started here if it is not running, and stopped again):
 * the services are given the three nodes (AMQP_URLS) and move to a live one when theirs dies. npm test runs the short
 * node kill; `pnpm --filter @trading/faults cluster` (TEST_CLUSTER_FAULTS=all) the long one and the instance kills.
 */
const ALL = process.env.TEST_CLUSTER_FAULTS === 'all';

describe('faults on a three-node RabbitMQ cluster, under a steady mixed load', function () {
  this.timeout(ALL ? 600_000 : 240_000);
  const cluster = useClusterScenarioStack();

  it('a broker node killed with SIGKILL, restarted and rejoined: every request answered within its reply timeout, nothing doubled, every invariant holds', async () => {
    await runClusterFault('cluster: node SIGKILL, restart, rejoin', cluster, killAndRestartNode(cluster, ALL ? 10_000 : 2000), {
      loadLimitMs: ALL ? 180_000 : 90_000,
    });
    expect(await allNodesRunning(), 'every node running again').to.equal(true);
  });

  if (ALL) {
    it('the node leading the quorum queues killed with SIGKILL, restarted and rejoined: new leaders elected, every request answered, every invariant holds', async () => {
      await runClusterFault('cluster: quorum leaders’ node SIGKILL, restart, rejoin', cluster, killAndRestartNode(cluster, 10_000, leadersNode), {
        loadLimitMs: 180_000,
      });
      expect(await allNodesRunning(), 'every node running again').to.equal(true);
    });

    it('one of two instances of each service killed with SIGKILL: the other carries on, every invariant holds', async () => {
      const services: ServiceName[] = ['payment', 'trade', 'reporting', 'market'];
      // A second Reporting listens on a port of its own.
      for (const name of services) await cluster.stack().addInstance(name, name === 'reporting' ? { REPORTING_PORT: String(await freePort()) } : {});
      // The first instances: the market's first is its leader, which the second succeeds.
      const killed = services.map((name) => cluster.stack().services[name][0]!);
      await runClusterFault('cluster: one of two instances of each service SIGKILLed', cluster, async () => {
        const faultAt = Date.now();
        await Promise.all(killed.map((service) => service.kill()));
        const dead = Date.now();
        // The survivors carry the load alone for a while.
        await new Promise((resolve) => setTimeout(resolve, 15_000));
        return { faultAt, marks: { 'all four dead': dead } };
      });
    });
  }
});
