import { connect } from 'node:net';
import { join } from 'node:path';
import { type BrokerNode, type BrokerPasswords, brokerNodesRoot, provisionBroker } from '@trading/bus';

/**
 * The recovery suite's RabbitMQ node beside the system broker, started and killed by the bus's node tools (startNode,
 * killNode): AMQP 5711, distribution 25711, clear of the system broker and `pnpm cluster`, without plugins.
 */
export const recoveryNode: BrokerNode = {
  name: 'recovery-1@localhost',
  amqp: 5711,
  dist: 25711,
  get dir() {
    return join(brokerNodesRoot(), 'recovery-node');
  },
};

/** The node's AMQP URL for the broker's admin (guest), on `vhost`. */
export const nodeAmqpUrl = (node: BrokerNode, vhost: string) => `amqp://guest:guest@127.0.0.1:${node.amqp}/${encodeURIComponent(vhost)}`;

/** Provisions `vhost` on the node as the system broker's are (provisionBroker: users, permissions, topology). */
export async function provisionNodeVhost(node: BrokerNode, vhost: string, passwords: BrokerPasswords): Promise<string> {
  const url = nodeAmqpUrl(node, vhost);
  await provisionBroker(url, passwords, node.name);
  return url;
}

/**
 * True when the node accepts an AMQP connection: a TCP connect to its port answered with the broker's
 * Connection.Start (an AMQP method frame) after the protocol header, within `timeoutMs`.
 */
export function acceptsAmqp(node: BrokerNode, timeoutMs = 1000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port: node.amqp });
    const done = (ok: boolean) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(ok);
    };
    const timer = setTimeout(() => done(false), timeoutMs);
    socket.once('connect', () => socket.write(Buffer.from('AMQP\x00\x00\x09\x01', 'latin1')));
    socket.once('data', (data: Buffer) => done(data[0] === 1));
    socket.once('error', () => done(false));
    socket.once('close', () => done(false));
  });
}
