// The whole stack on this machine (`npm start`): prepares the database and the broker, runs the five
// services with readable logs, prints where to connect, and stops them all on Ctrl-C.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { createInterface } from 'node:readline';
import {
  brokerPasswordVariable,
  clusterAmqpUrls,
  clusterNodes,
  firstClusterNode,
  keptBrokerPasswords,
  provisionBroker,
  randomBrokerPassword,
  serviceBrokerUrl,
} from '@trading/bus';
import { databasePasswordsFrom, migrateServiceDatabases, serviceDatabaseUrl } from '@trading/db';
import { type DatabaseOwner, databaseOwners, databasesConfigShape, databaseUrlsByService, loadConfig, operatorPorts } from '@trading/platform';
import { PinoPretty } from 'pino-pretty';

const services = ['payment', 'trade', 'reporting', 'market', 'gateway'] as const;
// No service sees another's broker password, nor the admin's URL: each gets AMQP_URL as its own broker user, and its
// own database as its runtime role (DATABASE_URL), never the migration role's URLs.
const env = Object.fromEntries(
  Object.entries(process.env).filter(
    ([key]) =>
      key !== 'ADMIN_API_KEY' && !key.startsWith('DB_PASSWORD_') && !key.endsWith('_DATABASE_URL') && !services.some((s) => key === brokerPasswordVariable(s)),
  ),
);
/** DB_PASSWORD_<SERVICE>, when the database asks for passwords; none with local trust authentication. */
const databasePasswords = databasePasswordsFrom(process.env);
/** The broker's admin (guest) and vhost: `npm start` provisions it; the services never connect as the admin. */
const onCluster = env.STACK_BROKER === 'cluster';
/**
 * STACK_BROKER=cluster: the three nodes of `pnpm cluster up` instead of the system broker. Every service gets them all
 * (AMQP_URLS) and moves to a live node when its own dies; the provisioning's rabbitmqctl targets the first node.
 */
const adminAmqpUrls = onCluster ? clusterAmqpUrls() : [process.env.AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672'];
const adminAmqpUrl = adminAmqpUrls[0]!;
if (onCluster) process.env.RABBITMQ_NODENAME = firstClusterNode.name;
/**
 * BROKER_PASSWORD_<SERVICE>, or for each one left unset a random password, never printed, kept in
 * .tmp/broker-passwords.json for this checkout's later starts and its tests (keptBrokerPasswords).
 */
const brokerPasswords = keptBrokerPasswords(new URL('../../.tmp/broker-passwords.json', import.meta.url).pathname, process.env, randomBrokerPassword, true);
/**
 * The operator's key: ADMIN_API_KEY, or one made for this stack's life. It is printed once, in the banner, and kept
 * in .tmp/admin-api-key (readable by this user only) while the stack runs, where `npm run bench` finds it.
 */
const adminApiKey = process.env.ADMIN_API_KEY ?? randomBytes(32).toString('base64url');
const adminKeyFile = new URL('../../.tmp/admin-api-key', import.meta.url).pathname;
/** Only the gateway and Reporting authenticate clients; Payment and Trade never see the operator's key. */
const needsAdminKey = new Set<string>(['gateway', 'reporting']);
/**
 * STACK_DATABASES=split: a database per service on the same server, named after DATABASE_URL's (trading_payment,
 * trading_trade, trading_reporting, trading_market), each holding its service's schema only. Otherwise (`one`, the
 * default) every service shares DATABASE_URL's. <SERVICE>_DATABASE_URL, when set, names a service's own either way.
 */
const stackDatabases = env.STACK_DATABASES ?? 'one';
if (stackDatabases !== 'one' && stackDatabases !== 'split') {
  process.stderr.write(`STACK_DATABASES must be one or split, not ${stackDatabases}\n`);
  process.exit(2);
}
const databaseUrls = databaseUrlsByService(loadConfig(databasesConfigShape, stackDatabases === 'split' ? withSplitDefaults(process.env) : process.env));

/** The environment with each service's database variable defaulted to <DATABASE_URL's database>_<service>. */
function withSplitDefaults(source: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const base = new URL(source.DATABASE_URL || 'postgresql://postgres@127.0.0.1:5432/trading');
  const own = (service: DatabaseOwner) => {
    const url = new URL(base);
    url.pathname = `${base.pathname}_${service}`;
    return [`${service.toUpperCase()}_DATABASE_URL`, source[`${service.toUpperCase()}_DATABASE_URL`] || url.toString()];
  };
  return { ...source, ...Object.fromEntries(databaseOwners.map(own)) };
}
const gatewayPort = Number(env.GATEWAY_PORT ?? '3000');
const reportingPort = Number(env.REPORTING_PORT ?? '3002');
/**
 * STACK_INSTANCES (1–9): instances of every service, gateways included. Instance k (from 0) listens on the ports of
 * the first plus 10·k (gateways 3000, 3010, …; Reporting 3002, 3012, …) and serves its operator port at the first's
 * plus 100·k (9101–9105, 9201–9205, …).
 */
const instances = Number(env.STACK_INSTANCES ?? '1');
if (!Number.isInteger(instances) || instances < 1 || instances > 9) {
  process.stderr.write(`STACK_INSTANCES must be a whole number from 1 to 9, not ${env.STACK_INSTANCES}\n`);
  process.exit(2);
}
const instanceNumbers = Array.from({ length: instances }, (_, k) => k);
const pretty =
  env.LOG_FORMAT === 'json'
    ? process.stdout
    : PinoPretty({ colorize: true, singleLine: true, ignore: 'pid,hostname,service', messageFormat: '[{service}] {msg}' });

function enableManagementUi(): string {
  try {
    execFileSync('rabbitmq-plugins', ['enable', '--quiet', 'rabbitmq_management'], { stdio: 'ignore', timeout: 60_000 });
    return 'http://127.0.0.1:15672 (guest / guest)';
  } catch {
    return 'not enabled here (run `rabbitmq-plugins enable rabbitmq_management` as the broker user), then http://127.0.0.1:15672';
  }
}

/** RabbitMQ's own metrics (queues, connections, alarms) for Prometheus (infra/prometheus/prometheus.yml), on 15692. */
function enableBrokerMetrics(): string {
  try {
    execFileSync('rabbitmq-plugins', ['enable', '--quiet', 'rabbitmq_prometheus'], { stdio: 'ignore', timeout: 60_000 });
    return 'http://127.0.0.1:15692/metrics';
  } catch {
    process.stderr.write(
      'warning: could not enable rabbitmq_prometheus; the broker serves no metrics (run `rabbitmq-plugins enable rabbitmq_prometheus` as the broker user)\n',
    );
    return 'not enabled here (run `rabbitmq-plugins enable rabbitmq_prometheus` as the broker user)';
  }
}

async function provisionTheBroker(): Promise<void> {
  try {
    await provisionBroker(adminAmqpUrl, brokerPasswords);
  } catch (err) {
    throw new Error(`cannot provision RabbitMQ (${(err as Error).message}); rabbitmqctl must reach the local node: run as root or the broker's user`);
  }
}

/**
 * With several instances, every gateway lets in the pages of every Reporting (ALLOWED_ORIGINS), and each dashboard
 * follows prices on its own gateway first, then the others (GATEWAY_PUBLIC_URL); a setting given in the environment wins.
 */
function severalInstances(name: string, k: number): Record<string, string> {
  if (name === 'gateway' && env.ALLOWED_ORIGINS === undefined) {
    const origins = instanceNumbers.flatMap((i) => [`http://127.0.0.1:${reportingPort + 10 * i}`, `http://localhost:${reportingPort + 10 * i}`]);
    return { ALLOWED_ORIGINS: origins.join(',') };
  }
  if (name === 'reporting' && env.GATEWAY_PUBLIC_URL === undefined) {
    const order = [...instanceNumbers.slice(k), ...instanceNumbers.slice(0, k)];
    return { GATEWAY_PUBLIC_URL: order.map((i) => `ws://127.0.0.1:${gatewayPort + 10 * i}`).join(',') };
  }
  return {};
}

function startService(name: (typeof services)[number], k: number): Promise<ChildProcess> {
  const own = {
    ...env,
    AMQP_URL: serviceBrokerUrl(adminAmqpUrl, name, brokerPasswords),
    ...(onCluster ? { AMQP_URLS: adminAmqpUrls.map((url) => serviceBrokerUrl(url, name, brokerPasswords)).join(',') } : {}),
    // Each service connects to its own database as its own runtime role, granted only its own schema
    // (provisionDatabaseRoles); the gateway's health probe goes to Payment's.
    DATABASE_URL: serviceDatabaseUrl(databaseUrls[name === 'gateway' ? 'payment' : name], name, databasePasswords),
    OPERATOR_PORT: String(operatorPorts[name] + 100 * k),
    ...(name === 'gateway' ? { GATEWAY_PORT: String(gatewayPort + 10 * k) } : {}),
    ...(name === 'reporting' ? { REPORTING_PORT: String(reportingPort + 10 * k) } : {}),
    ...(instances > 1 ? severalInstances(name, k) : {}),
    ...(needsAdminKey.has(name) ? { ADMIN_API_KEY: adminApiKey } : {}),
  };
  const child = spawn(process.execPath, ['--import', 'tsx', `packages/${name}/src/main.ts`], { env: own, stdio: ['ignore', 'pipe', 'inherit', 'ipc'] });
  createInterface({ input: child.stdout! }).on('line', (line) => pretty.write(`${line}\n`));
  return new Promise((resolve, reject) => {
    let ready = false;
    child.on('message', (message) => {
      if (message !== 'ready' || ready) return;
      ready = true;
      resolve(child);
    });
    child.once('exit', (code) => {
      if (!ready) reject(new Error(`${name} exited (${code}) before it was ready`));
      else if (!stopping) {
        process.stderr.write(`${name} exited unexpectedly (${code}); stopping the stack\n`);
        void stop(1);
      }
    });
  });
}

let stopping = false;
const children: ChildProcess[] = [];
async function stop(code: number): Promise<void> {
  stopping = true;
  rmSync(adminKeyFile, { force: true });
  await Promise.all(
    children.map(
      (child) =>
        new Promise<void>((resolve) => {
          if (child.exitCode !== null) return resolve();
          child.once('exit', () => resolve());
          child.kill('SIGTERM');
        }),
    ),
  );
  process.exit(code);
}
process.once('SIGINT', () => void stop(0));
process.once('SIGTERM', () => void stop(0));

await migrateServiceDatabases({ root: new URL('../../', import.meta.url).pathname, urls: databaseUrls, passwords: databasePasswords });
// The cluster's nodes run both plugins already (`pnpm cluster up`); the system broker gets them here.
const managementUi = onCluster ? `${clusterNodes.map((n) => `http://127.0.0.1:${n.management}`).join('  ')} (guest / guest)` : enableManagementUi();
const brokerMetrics = onCluster ? clusterNodes.map((n) => `http://127.0.0.1:${n.prometheus}/metrics`).join('  ') : enableBrokerMetrics();
try {
  await provisionTheBroker();
  for (const k of instanceNumbers) for (const name of services) children.push(await startService(name, k));
} catch (err) {
  process.stderr.write(`${(err as Error).message}\n`);
  await stop(1);
}
mkdirSync(dirname(adminKeyFile), { recursive: true });
writeFileSync(adminKeyFile, `${adminApiKey}\n`, { mode: 0o600 });
process.stdout.write(`
  Trading stack is up${instances > 1 ? `: ${instances} instances of every service` : ''}.
    WebSocket      ${instanceNumbers.map((k) => `ws://127.0.0.1:${gatewayPort + 10 * k}`).join('  ')}      try: npx wscat -c 127.0.0.1:${gatewayPort}   then {"id":"1","type":"ADD_USER"}
    Operator key   ${adminApiKey}
                   (ADMIN_API_KEY: acts for any user; log in to the dashboard with it; shown only here)
    Dashboard      http://127.0.0.1:${reportingPort}/
    Reports API    curl -H "Authorization: Bearer <key>" http://127.0.0.1:${reportingPort}/api/report
    Health         http://127.0.0.1:${gatewayPort}/health
    Databases      ${databaseOwners.map((service) => `${service} ${new URL(databaseUrls[service]).pathname.slice(1)}`).join(', ')}
    Market prices  exchange \`market\`, routing keys market.tick.<SYMBOL> (table market.tick)
    RabbitMQ UI    ${managementUi}
    Metrics        ${services.map((name) => `${name.padEnd(9)} ${instanceNumbers.map((k) => `http://127.0.0.1:${operatorPorts[name] + 100 * k}/metrics`).join('  ')}`).join('\n                   ')}
                   rabbitmq  ${brokerMetrics}
                   (each service's /health is beside its /metrics; Prometheus: infra/prometheus/prometheus.yml)
  Ctrl-C stops everything.

`);
