import { randomUUID } from 'node:crypto';
import { createServer, type Server, type Socket, connect as tcpConnect } from 'node:net';
import { type Delivery, exchanges, topology } from '@trading/contracts';
import { createLogger } from '@trading/platform';
import { testEnv, waitFor } from '@trading/testkit';
import { expect } from 'chai';
import { brokerUrlList, type Bus, connectBus } from '../src/index.ts';

const logger = createLogger('bus-failover-test', (process.env.TEST_LOG_LEVEL ?? 'silent') as 'silent');

/** A TCP relay to the test broker: a stand-in for one node of a cluster, which the test can take down. */
type Node = { url: string; connections: number; down(): Promise<void> };

async function relayNode(): Promise<Node> {
  const target = new URL(testEnv().amqpUrl);
  const sockets = new Set<Socket>();
  let connections = 0;
  const server: Server = createServer((client) => {
    connections += 1;
    const upstream = tcpConnect(Number(target.port || 5672), target.hostname);
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on('error', () => undefined);
      socket.on('close', () => sockets.delete(socket));
    }
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  const url = new URL(testEnv().amqpUrl);
  url.host = `127.0.0.1:${address.port}`;
  return {
    url: url.toString(),
    get connections() {
      return connections;
    },
    down: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

describe('a bus given a cluster’s nodes (AMQP_URLS)', () => {
  const nodes: Node[] = [];
  let bus: Bus | undefined;
  afterEach(async () => {
    await bus?.close();
    bus = undefined;
    for (const node of nodes.splice(0)) await node.down().catch(() => undefined);
  });

  for (const named of [false, true]) {
    it(`moves to another node when the one it is connected to dies, and goes on delivering${named ? ' on its named private queue (a gateway’s), declared again there' : ''}`, async function () {
      this.timeout(30_000);
      nodes.push(await relayNode(), await relayNode());
      bus = await connectBus({ url: nodes.map((n) => n.url), logger, service: 'bus-test', topology, prefetch: 10, heartbeatSeconds: 2 });
      const received: Delivery[] = [];
      const routingKey = `gateway.failover-${randomUUID()}`;
      await bus.consumePrivate(
        [{ exchange: exchanges.apiResponse, routingKey }],
        async (d) => {
          received.push(d);
        },
        named ? { name: routingKey } : {},
      );
      const ping = async (n: number) => {
        await bus!.publish({ exchange: exchanges.apiResponse, routingKey, messageId: randomUUID(), type: 'Ping', body: { n } });
        await waitFor(() => received.find((d) => (d.body as { n: number }).n === n), 10_000);
      };
      await ping(1);

      const [live, other] = nodes[0]!.connections > 0 ? [nodes[0]!, nodes[1]!] : [nodes[1]!, nodes[0]!];
      expect(other.connections, 'one connection, to one node').to.equal(0);
      await live.down();
      await waitFor(() => (other.connections > 0 && bus!.connected) || undefined, 15_000);
      await ping(2);
    });
  }

  it('refuses nodes that name different users or vhosts: any node must serve the same bus', () => {
    expect(() => brokerUrlList(['amqp://a:x@127.0.0.1:5701', 'amqp://b:x@127.0.0.1:5702'])).to.throw(/different users or vhosts/);
    expect(() => brokerUrlList(['amqp://a:x@127.0.0.1:5701/one', 'amqp://a:x@127.0.0.1:5702/two'])).to.throw(/different users or vhosts/);
    expect(brokerUrlList('amqp://a:x@127.0.0.1:5701')).to.deep.equal(['amqp://a:x@127.0.0.1:5701']);
  });
});
