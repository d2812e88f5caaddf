#!/usr/bin/env node
// `npm start`, `npm test` and `npm run bench` land here. With only Node and npm on the machine it fetches the
// pinned pnpm through npm (corepack cannot verify pnpm against this registry), installs the workspace from the
// lockfile, generates the Prisma client, checks that RabbitMQ and PostgreSQL answer, then hands over.
import { spawnSync } from 'node:child_process';
import { connect } from 'node:net';
import { existsSync, readFileSync } from 'node:fs';

const root = new URL('../../', import.meta.url).pathname;
const pnpmVersion = JSON.parse(readFileSync(`${root}package.json`, 'utf8')).packageManager.split('@')[1];
const command = process.argv[2];
const targets = {
  start: ['exec', 'tsx', 'infra/scripts/stack.ts'],
  test: ['run', 'test:all'],
  bench: ['--filter', '@trading/bench', 'run', 'bench', ...process.argv.slice(3)],
};
if (!targets[command]) fail(`usage: bootstrap.mjs ${Object.keys(targets).join('|')}`);

function run(cmd, args, quiet = false) {
  const result = spawnSync(cmd, args, { cwd: root, stdio: quiet ? ['ignore', 'ignore', 'inherit'] : 'inherit', env: process.env });
  return result.status ?? 1;
}

function pnpm(args, quiet) {
  return run('npm', ['exec', '--yes', `--package=pnpm@${pnpmVersion}`, '--', 'pnpm', ...args], quiet);
}

function fail(line) {
  process.stderr.write(`${line}\n`);
  process.exit(1);
}

function reachable(url, defaultPort) {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = connect({ host: hostname, port: Number(port || defaultPort), timeout: 2000 });
    const settle = (answer) => () => {
      socket.destroy();
      resolve(answer);
    };
    socket.once('connect', settle(true));
    socket.once('timeout', settle(false));
    socket.once('error', () => resolve(false));
  });
}

const databaseUrl = process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/trading';
const amqpUrl = process.env.AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672';
if (!(await reachable(databaseUrl, 5432))) {
  fail(
    `PostgreSQL is not reachable at ${new URL(databaseUrl).host}: start it (pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start) or set DATABASE_URL.`,
  );
}
if (!(await reachable(amqpUrl, 5672))) {
  fail(`RabbitMQ is not reachable at ${new URL(amqpUrl).host}: start it (rabbitmq-server -detached) or set AMQP_URL.`);
}

// Payment's and Trade's partitions route through the consistent-hash exchange, a plugin that ships with RabbitMQ.
if (['localhost', '127.0.0.1'].includes(new URL(amqpUrl).hostname)) {
  const plugin = 'rabbitmq_consistent_hash_exchange';
  if (run('rabbitmq-plugins', ['enable', '--quiet', plugin], true) !== 0) {
    process.stdout.write(`• could not enable ${plugin}: run \`rabbitmq-plugins enable ${plugin}\` as the broker's user\n`);
  }
}
process.stdout.write(`• installing the workspace with pnpm ${pnpmVersion}\n`);
if (pnpm(['install', '--frozen-lockfile', '--reporter=silent']) !== 0) fail('pnpm install failed (see above).');
process.stdout.write('• generating the Prisma client\n');
if (pnpm(['run', 'generate'], true) !== 0) fail('prisma generate failed (see above).');
if (command === 'test' && run('bash', ['infra/scripts/ensure-chromium.sh']) !== 0) {
  process.stdout.write('• chromium is not available: the dashboard browser test will be skipped\n');
}
// The bench acts as the operator: the key of the stack `npm start` is running, unless ADMIN_API_KEY is set.
if (command === 'bench' && !process.env.ADMIN_API_KEY && existsSync(`${root}.tmp/admin-api-key`)) {
  process.env.ADMIN_API_KEY = readFileSync(`${root}.tmp/admin-api-key`, 'utf8').trim();
}
process.exit(pnpm(targets[command]));
