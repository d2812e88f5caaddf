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

  it('let only Payment and Trade publish account changes, each under one user’s key, and a gateway bind one account at a time', () => {
    const account = 'account.8c7f6b1e-1c1a-4e55-9a51-3f1f3a9d2b10';
    for (const service of serviceNames) {
      const mayPublish = allows(brokerPermissions[service].write, 'accounts');
      expect(mayPublish, service).to.equal(service === 'payment' || service === 'trade');
      const topic = brokerTopicPermissions[service].find((t) => t.exchange === 'accounts');
      if (mayPublish) {
        expect(allows(topic!.write, account), service).to.equal(true);
        expect(allows(topic!.write, 'account.#'), service).to.equal(false);
        expect(allows(topic!.read, account), service).to.equal(false);
      }
    }
    expect(allows(brokerPermissions.gateway.read, 'accounts')).to.equal(true);
    expect(allows(topicRead('gateway', 'accounts'), account)).to.equal(true);
    for (const key of ['account.*', 'account.#', '#', `${account}.x`]) expect(allows(topicRead('gateway', 'accounts'), key), key).to.equal(false);
  });
});
