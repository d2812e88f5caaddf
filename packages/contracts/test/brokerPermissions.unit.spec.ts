import { expect } from 'chai';
import { brokerPermissions, brokerTopicPermissions, publishesTo, serviceNames, serviceQueues, topologyFor } from '../src/index.ts';

/** RabbitMQ matches a permission's regular expression anywhere in the name; ours are anchored. */
const allows = (pattern: string, name: string): boolean => new RegExp(pattern).test(name);
const topicRead = (service: (typeof serviceNames)[number], exchange: string) =>
  brokerTopicPermissions[service].find((t) => t.exchange === exchange)?.read ?? '.*';

describe('each service’s broker permissions', () => {
  for (const service of serviceNames) {
    const { configure, write, read } = brokerPermissions[service];
    const part = topologyFor(service);

    it(`let ${service} assert its own part of the topology`, () => {
      for (const queue of part.queues) expect(allows(configure, queue.name), queue.name).to.equal(true);
      for (const b of part.bindings) {
        expect(allows(write, b.destination) && allows(read, b.source), `${b.source} → ${b.destination}`).to.equal(true);
        expect(allows(topicRead(service, b.source), b.routingKey), b.routingKey).to.equal(true);
      }
      for (const exchange of publishesTo[service]) expect(allows(write, exchange), exchange).to.equal(true);
    });

    it(`give ${service} nothing on another service’s queue`, () => {
      for (const queue of serviceNames.filter((s) => s !== service).flatMap((s) => serviceQueues[s] ?? [])) {
        expect(
          [configure, write, read].some((pattern) => allows(pattern, queue)),
          queue,
        ).to.equal(false);
      }
    });
  }

  it('let reporting consume the dead-letter queue, which it neither declares, deletes nor binds', () => {
    const { configure, write, read } = brokerPermissions.reporting;
    expect([allows(read, 'dead-letter'), allows(configure, 'dead-letter')]).to.deep.equal([true, false]);
    expect(allows(write, 'dead-letter'), 'publishing to the dead-letter exchange, as every consumer').to.equal(true);
    expect(serviceNames.filter((s) => allows(brokerPermissions[s].read, 'dead-letter'))).to.deep.equal(['reporting']);
  });

  it('let a gateway declare and read only gateway.<instance> queues, and Trade and Reporting only their server-named tick queues', () => {
    const { configure, read } = brokerPermissions.gateway;
    expect(allows(configure, 'gateway.host-42-a1b2c3') && allows(read, 'gateway.host-42-a1b2c3')).to.equal(true);
    for (const name of ['amq.gen-x1', 'gateway.a.b', 'gateway.#', 'payment.commands']) expect(allows(configure, name), name).to.equal(false);
    for (const service of ['trade', 'reporting'] as const) {
      expect(allows(brokerPermissions[service].configure, 'amq.gen-x1')).to.equal(true);
      expect(allows(brokerPermissions[service].configure, 'gateway.host-42-a1b2c3')).to.equal(false);
    }
  });

  it('let the gateway bind only its own reply keys and publish no saga command', () => {
    expect(allows(topicRead('gateway', 'api-response'), 'gateway.6f1c')).to.equal(true);
    expect(allows(topicRead('gateway', 'api-response'), 'gateway.#')).to.equal(false);
    const onPayment = brokerTopicPermissions.gateway.find((t) => t.exchange === 'payment')!.write;
    expect(allows(onPayment, 'payment.deposit')).to.equal(true);
    expect(allows(onPayment, 'payment.credit_funds')).to.equal(false);
  });
});
