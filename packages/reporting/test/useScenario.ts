import { type Bus, connectBus } from '@trading/bus';
import { topology } from '@trading/contracts';
import { createLogger } from '@trading/platform';
import { type Stack, testEnv } from '@trading/testkit';
import { publishEvents, type Scenario, scriptScenario, waitForScenario } from './scenario.ts';

/**
 * For a mocha suite on a stack with Reporting: before its tests, publishes a fresh scenario of the last hour (as
 * a test user, on the events fanout) and waits until Reporting stored it. Returns getters for it and the bus.
 */
export function useScenario(stack: () => Stack): { scenario: () => Scenario; bus: () => Bus } {
  let bus: Bus | undefined;
  let scenario: Scenario | undefined;
  before(async () => {
    bus = await connectBus({ url: testEnv().amqpUrl, logger: createLogger('test', 'silent'), service: 'test', topology, prefetch: 1 });
    scenario = scriptScenario(new Date(Date.now() - 3_600_000));
    await publishEvents(bus, scenario.events);
    await waitForScenario(stack().reportingUrl, scenario);
  });
  after(async () => {
    await bus?.close();
  });
  const ready = <T>(value: T | undefined): T => {
    if (value === undefined) throw new Error('the scenario is not published yet: call useScenario inside a describe block');
    return value;
  };
  return { scenario: () => ready(scenario), bus: () => ready(bus) };
}
