import { testEnv } from '@trading/testkit';
import { connectionCount } from '../src/index.ts';
import { runScenario, sleep, useScenarioStack, waitFor } from './support/scenario.ts';

/** Heartbeat for this stack, through AMQP_URL's `heartbeat` parameter (connectBus keeps it; the services have no HEARTBEAT setting). */
const HEARTBEAT_SECONDS = 3;

describe('one of two payment instances paused (SIGSTOP) longer than the heartbeat mid-load', function () {
  this.timeout(120_000);
  const stack = useScenarioStack(() => ({ AMQP_URL: `${testEnv().amqpUrl}?heartbeat=${HEARTBEAT_SECONDS}` }));

  before(async () => {
    await stack().addInstance('payment');
  });

  it('the broker drops it, its unacked messages go to the other instance, and its late work has no second effect', async () => {
    await runScenario('payment paused past the heartbeat', stack(), async () => {
      const paused = stack().services.payment[0]!;
      const before = await connectionCount(testEnv().vhost);
      paused.signal('SIGSTOP');
      try {
        await waitFor('the broker closes the paused connection', async () => (await connectionCount(testEnv().vhost)) < before, 30_000);
        await sleep(1000);
      } finally {
        paused.signal('SIGCONT');
      }
    });
  });
});
