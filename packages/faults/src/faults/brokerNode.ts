import { execFile } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { type BrokerPasswords, brokerNodesRoot, provisionBroker } from '@trading/bus';

/**
 * A RabbitMQ node of its own beside the system broker, for faults that stop or kill a whole node: its own name,
 * ports, config file and data under .tmp (owned by the broker's user, whose Erlang cookie it shares), one scheduler.
 * Run as root (or as the broker's user), like rabbitmqctl.
 */
export type BrokerNode = { name: string; amqpPort: number; distPort: number; dir: string };

/** The node of the recovery suite: AMQP 5711, distribution 25711 (clear of the system broker and `pnpm cluster`). */
export const recoveryNode: BrokerNode = {
  name: 'recovery-1@localhost',
  amqpPort: 5711,
  distPort: 25711,
  get dir() {
    return join(brokerNodesRoot(), 'recovery-node');
  },
};

/** The node's AMQP URL for the broker's admin (guest), on `vhost`. */
export const nodeAmqpUrl = (node: BrokerNode, vhost: string) => `amqp://guest:guest@127.0.0.1:${node.amqpPort}/${encodeURIComponent(vhost)}`;

function run(command: string, args: readonly string[], env: NodeJS.ProcessEnv = {}, timeoutMs = 120_000): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(command, args, { timeout: timeoutMs, env: { ...process.env, ...env } }, (err, stdout, stderr) => {
      if (err) reject(new Error(`${command} ${args.join(' ')}: ${stderr.trim() || err.message}`));
      else resolve(stdout);
    });
  });
}

/** `rabbitmqctl --quiet -n <node> …`. */
export const nodeCtl = (node: BrokerNode, ...args: string[]) => run('rabbitmqctl', ['--quiet', '-n', node.name, ...args]);

/** True while the node's Erlang VM answers (its RabbitMQ application may be stopped). */
export async function erlangRunning(node: BrokerNode): Promise<boolean> {
  // Without a timeout, pinging a node that is not there takes a minute.
  return nodeCtl(node, 'ping', '--timeout', '5').then(
    () => true,
    () => false,
  );
}

/** Starts the node unless its Erlang VM runs already, and waits until RabbitMQ has booted (its app started too). */
export async function startBrokerNode(node: BrokerNode): Promise<void> {
  if (!(await erlangRunning(node))) {
    mkdirSync(join(node.dir, 'mnesia'), { recursive: true });
    mkdirSync(join(node.dir, 'log'), { recursive: true });
    writeFileSync(join(node.dir, 'rabbitmq.conf'), `listeners.tcp.default = 127.0.0.1:${node.amqpPort}\n`);
    writeFileSync(join(node.dir, 'enabled_plugins'), '[].\n');
    await run('chown', ['-R', 'rabbitmq:rabbitmq', node.dir]);
    await run('rabbitmq-server', ['-detached'], {
      RABBITMQ_NODENAME: node.name,
      RABBITMQ_NODE_PORT: String(node.amqpPort),
      RABBITMQ_DIST_PORT: String(node.distPort),
      RABBITMQ_CONFIG_FILE: join(node.dir, 'rabbitmq.conf'),
      RABBITMQ_ENABLED_PLUGINS_FILE: join(node.dir, 'enabled_plugins'),
      RABBITMQ_MNESIA_BASE: join(node.dir, 'mnesia'),
      RABBITMQ_LOG_BASE: join(node.dir, 'log'),
      RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS: '+S 1:1 +SDio 1',
    });
    // `-detached` returns before the VM answers: await_startup fails until it does.
    const until = Date.now() + 60_000;
    while (!(await erlangRunning(node)) && Date.now() < until) await sleep(200);
  }
  await nodeCtl(node, 'await_startup', '--timeout', '120');
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Stops the whole node (its Erlang VM too), if it runs. */
export async function stopBrokerNode(node: BrokerNode): Promise<void> {
  if (await erlangRunning(node)) await nodeCtl(node, 'stop');
}

/** Stops the RabbitMQ application; the Erlang VM stays up. Every client connection is closed by the broker. */
export const stopBrokerApp = (node: BrokerNode) => nodeCtl(node, 'stop_app');

/** Starts the RabbitMQ application again and resolves once it has booted. */
export async function startBrokerApp(node: BrokerNode): Promise<void> {
  await nodeCtl(node, 'start_app');
}

/** SIGKILLs the node's Erlang VM (beam), as a crash or the OOM killer would, and waits until it is gone. */
export async function killBrokerNode(node: BrokerNode): Promise<void> {
  const pid = Number.parseInt((await nodeCtl(node, 'eval', 'os:getpid().')).replace(/\D/g, ''), 10);
  if (!Number.isInteger(pid) || pid <= 1) throw new Error(`no OS pid for ${node.name}`);
  process.kill(pid, 'SIGKILL');
  const until = Date.now() + 10_000;
  while (await erlangRunning(node)) {
    if (Date.now() > until) throw new Error(`${node.name} still answers after SIGKILL`);
    await sleep(50);
  }
}

/**
 * Provisions `vhost` on the node as the system broker's are (provisionBroker: users, permissions, topology):
 * provisionBroker's rabbitmqctl targets RABBITMQ_NODENAME, set for the call only.
 */
export async function provisionNodeVhost(node: BrokerNode, vhost: string, passwords: BrokerPasswords): Promise<string> {
  const url = nodeAmqpUrl(node, vhost);
  const before = process.env.RABBITMQ_NODENAME;
  process.env.RABBITMQ_NODENAME = node.name;
  try {
    await provisionBroker(url, passwords);
  } finally {
    if (before === undefined) delete process.env.RABBITMQ_NODENAME;
    else process.env.RABBITMQ_NODENAME = before;
  }
  return url;
}

/**
 * True when the node accepts an AMQP connection: a TCP connect to its port answered with the broker's
 * Connection.Start (an AMQP method frame) after the protocol header, within `timeoutMs`.
 */
export function acceptsAmqp(node: BrokerNode, timeoutMs = 1000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port: node.amqpPort });
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
