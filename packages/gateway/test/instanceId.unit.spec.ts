import { expect } from 'chai';
import { gatewayInstanceId } from '../src/instanceId.ts';

describe('a gateway instance id', () => {
  it('names the host and process, as one word of a routing key (no dot, no wildcard)', () => {
    expect(gatewayInstanceId('Web-1.example.COM', 4242, 'a1b2c3')).to.equal('web-1-example-com-4242-a1b2c3');
    expect(gatewayInstanceId('#*.', 7, 'ffffff')).to.equal('host-7-ffffff');
    expect(gatewayInstanceId()).to.match(/^[a-z0-9-]+-\d+-[0-9a-f]{6}$/);
  });
});
