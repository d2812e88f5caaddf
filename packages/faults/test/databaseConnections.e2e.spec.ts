import { testEnv } from '@trading/testkit';
import { expect } from 'chai';
import { terminateDatabaseConnections } from '../src/index.ts';
import { runScenario, sleep, useScenarioStack } from './support/scenario.ts';

describe('every database connection of the services terminated mid-load', function () {
  this.timeout(120_000);
  const stack = useScenarioStack();

  it('the services reconnect, failed transactions are retried or re-sent, and every invariant holds', async () => {
    const terminated: number[] = [];
    await runScenario('database connections terminated', stack(), async () => {
      terminated.push(await terminateDatabaseConnections(testEnv().databaseUrl));
      await sleep(1500);
      terminated.push(await terminateDatabaseConnections(testEnv().databaseUrl));
    });
    expect(terminated[0], 'connections terminated the first time').to.be.greaterThan(0);
  });
});
