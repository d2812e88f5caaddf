import { randomUUID } from 'node:crypto';
import { commandRoutingKeys, DELIVERY_LIMIT, exchanges, queues, requestRoutes } from '@trading/contracts';
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
        const badCommand = { type: 'ReserveFunds', saga_id: 'not-a-uuid', user_id: randomUUID(), amount: '1' };
        poison.push(await raw().publish(exchanges.payment, commandRoutingKeys.ReserveFunds, 'ReserveFunds', badCommand));
        // A request without an id and without replyTo: nobody can be answered, so it cannot be refused with a reply.
        poison.push(await raw().publish(exchanges.payment, requestRoutes.DEPOSIT.routingKey, 'DEPOSIT', { type: 'DEPOSIT', amount: '1' }));
      },
      { expectedDeadLetters: () => poison },
    );
    for (const id of poison) {
      const dead = deadLetters.filter((d) => d.messageId === id);
      expect(dead, `dead letters of ${id}`).to.have.length(1);
      expect(dead[0]!.headers['x-error']).to.be.a('string').and.not.equal('');
      expect(dead[0]!.headers['x-failed-queue']).to.equal(queues.payment);
      expect(dead[0]!.deliveryCount).to.be.below(DELIVERY_LIMIT);
    }
  });
});
