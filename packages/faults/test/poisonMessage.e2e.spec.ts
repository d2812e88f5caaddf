import { randomUUID } from 'node:crypto';
import { DELIVERY_LIMIT, eventRoutingKeys, exchanges, partitionQueues, requestRoutes } from '@trading/contracts';
import { expect } from 'chai';
import { runScenario, useRawClient, useScenarioStack } from './support/scenario.ts';

describe('poison messages on the payment queue mid-load', function () {
  this.timeout(120_000);
  const stack = useScenarioStack();
  const raw = useRawClient();

  it('each lands once in `dead-letter` with its reason within the delivery limit, and the rest keep flowing', async () => {
    const poison: string[] = [];
    const { deadLetters } = await runScenario(
      'poison messages',
      stack(),
      async () => {
        // A malformed Trade event Payment reacts to. The raw client publishes it as the broker's admin, not the Trade
        // service's user, which Payment refuses to believe too: either reason dead-letters it, and nothing changes.
        const badEvent = { type: 'OrderAccepted', saga_id: 'not-a-uuid', user_id: randomUUID(), side: 'BUY', reserve: '1', at: 'yesterday' };
        poison.push(await raw().publish(exchanges.domainEvents, eventRoutingKeys.OrderAccepted, 'OrderAccepted', badEvent));
        // A request without an id and without replyTo: nobody can be answered, so it cannot be refused with a reply.
        poison.push(await raw().publish(exchanges.payment, requestRoutes.DEPOSIT.routingKey, 'DEPOSIT', { type: 'DEPOSIT', amount: '1' }));
      },
      { expectedDeadLetters: () => poison },
    );
    for (const id of poison) {
      const dead = deadLetters.filter((d) => d.messageId === id);
      expect(dead, `dead letters of ${id}`).to.have.length(1);
      expect(dead[0]!.headers['x-error']).to.be.a('string').and.not.equal('');
      expect(partitionQueues.payment).to.include(dead[0]!.headers['x-failed-queue']);
      expect(dead[0]!.deliveryCount).to.be.below(DELIVERY_LIMIT);
    }
  });
});
