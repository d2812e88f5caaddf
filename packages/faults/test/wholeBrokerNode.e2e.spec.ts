import { expect } from 'chai';
import { brokerAlarmed, clearMemoryAlarm, raiseMemoryAlarm, restartBrokerApp } from '../src/index.ts';
import { runScenario, sleep, useScenarioStack, waitFor } from './support/scenario.ts';

/*
 * These faults hit the whole RabbitMQ node, every vhost: run last, and never beside another suite.
 */
describe('a broker memory alarm mid-load', function () {
  this.timeout(120_000);
  after(clearMemoryAlarm); // registered first, so it runs before the stack stops
  const stack = useScenarioStack();

  it('blocks publishers; the gateway answers BROKER_BUSY instead of buffering, and everything proceeds once it clears', async () => {
    // The load must still be sending once the alarm is up: raising it takes rabbitmqctl a second or more.
    const fault = async () => {
      await raiseMemoryAlarm();
      try {
        await waitFor('the memory alarm', brokerAlarmed, 10_000);
        await sleep(6000);
      } finally {
        await clearMemoryAlarm();
      }
    };
    const { summary } = await runScenario('memory alarm', stack(), fault, { loadOutlastsFault: true });
    expect(summary.unknownAtFirst.BROKER_BUSY ?? 0, 'requests answered BROKER_BUSY').to.be.greaterThan(0);
  });
});

describe('the broker application stopped and started mid-load', function () {
  this.timeout(120_000);
  const stack = useScenarioStack();

  it('every service reconnects, quorum queues keep every message, and every invariant holds', async () => {
    const { summary } = await runScenario('broker app restarted', stack(), restartBrokerApp);
    expect(summary.unknown).to.equal(0);
  });
});
