import { expect } from 'chai';
import { runScenario, sleep, useScenarioStack } from './support/scenario.ts';

for (const service of ['trade', 'payment'] as const) {
  describe(`the ${service} service killed with SIGKILL mid-load and restarted`, function () {
    this.timeout(120_000);
    const stack = useScenarioStack();

    it('loses, creates and repeats nothing: every request gets its definitive reply and every invariant holds', async () => {
      const { summary } = await runScenario(`${service} SIGKILL`, stack(), async () => {
        const victim = stack().services[service][0]!;
        await victim.kill();
        await sleep(1000);
        await victim.start();
      });
      expect(summary.unknown).to.equal(0);
    });
  });
}
