import { expect } from 'chai';
import {
  brokerPermissions,
  brokerTopicPermissions,
  eventRoutingKeys,
  exchanges,
  producerOf,
  reactions,
  readsSchemaVersion,
  SCHEMA_VERSION,
  SCHEMA_VERSION_HEADER,
  schemaVersionOf,
  serviceBindings,
  serviceNames,
  upcastEvent,
} from '../src/index.ts';

const allows = (pattern: string, name: string): boolean => new RegExp(pattern).test(name);
const topicWrite = (service: (typeof serviceNames)[number], exchange: string) =>
  brokerTopicPermissions[service].find((t) => t.exchange === exchange)?.write ?? '.*';

describe('the saga’s choreography', () => {
  for (const service of ['payment', 'trade'] as const) {
    it(`binds ${service}'s queue on domain-events to exactly the events it reacts to, each another service's`, () => {
      const bound = serviceBindings(service)
        .filter((b) => b.source === exchanges.domainEvents)
        .map((b) => b.routingKey);
      expect(bound.sort()).to.deep.equal(reactions[service].map((type) => eventRoutingKeys[type]).sort());
      for (const type of reactions[service]) expect(producerOf(type), type).to.not.equal(service);
    });
  }

  it('lets only its producer announce an event on domain-events', () => {
    for (const [type, key] of Object.entries(eventRoutingKeys)) {
      for (const service of serviceNames) {
        const may = allows(brokerPermissions[service].write, exchanges.domainEvents) && allows(topicWrite(service, exchanges.domainEvents), key);
        expect(may, `${service} publishing ${type}`).to.equal(service === producerOf(type as keyof typeof eventRoutingKeys));
      }
    }
  });
});

describe('schema versions', () => {
  it('read the current version and the one before, nothing else', () => {
    expect([0, 1, 2, 3].map(readsSchemaVersion)).to.deep.equal([false, SCHEMA_VERSION === 2, true, false]);
  });

  it('take a message without the header for version 1, written before messages carried one', () => {
    expect(schemaVersionOf({})).to.equal(1);
    expect(schemaVersionOf(undefined)).to.equal(1);
    expect(schemaVersionOf({ [SCHEMA_VERSION_HEADER]: 2 })).to.equal(2);
  });

  it('read version 1’s SagaStarted as OrderAccepted, and leave every other event as it is', () => {
    const started = { type: 'SagaStarted', saga_id: 's', side: 'BUY' };
    expect(upcastEvent(started)).to.deep.equal({ ...started, type: 'OrderAccepted' });
    const reserved = { type: 'FundsReserved', saga_id: 's' };
    expect(upcastEvent(reserved)).to.equal(reserved);
  });
});
