import { expect } from 'chai';
import { runScenario, useScenarioStack } from './support/scenario.ts';

describe('the payment service stopped with SIGTERM mid-load and restarted', function () {
  this.timeout(120_000);
  const stack = useScenarioStack();

  it('finishes and acks what it holds, exits 0, and nothing in flight is lost', async () => {
    let exitCode: number | null = null;
    const { summary } = await runScenario('payment SIGTERM', stack(), async () => {
      const payment = stack().services.payment[0]!;
      exitCode = await payment.stop();
      await payment.start();
    });
    expect(exitCode, 'exit code after SIGTERM').to.equal(0);
    expect(summary.unknown).to.equal(0);
  });
});
