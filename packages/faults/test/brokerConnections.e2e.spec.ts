import { testEnv } from '@trading/testkit';
import { closeAllConnections } from '../src/index.ts';
import { runScenario, useScenarioStack } from './support/scenario.ts';

describe("every broker connection of the run's vhost closed mid-load", function () {
  this.timeout(120_000);
  const stack = useScenarioStack();

  it('every service reconnects by itself, unacked messages are redelivered once applied, and every invariant holds', async () => {
    await runScenario('broker connections closed', stack(), () => closeAllConnections(testEnv().vhost));
  });
});
