import { userInfo } from 'node:os';
import { devBrokerPassword, keptBrokerPasswords } from '@trading/bus';
import { connectDatabase } from '@trading/db';
import { loadConfig, ownDatabaseUrl, runMain } from '@trading/platform';
import { dlqConfigShape } from './config.ts';
import { createReplayer } from './createReplayer.ts';
import { OpsError } from '../opsError.ts';
import { parseCommand } from './parseCommand.ts';
import { runDlq } from './runDlq.ts';

/**
 * `pnpm dlq list | show <id> | replay <id> [--force] | replay --all [--queue <q>] [--force] | drop <id>`: the composition
 * root of the dead-letter console. A replay publishes as the message's publisher: the services' broker passwords come
 * from BROKER_PASSWORD_<SERVICE>, else from this checkout's .tmp/broker-passwords.json (npm start keeps them there),
 * else the documented development ones.
 */
runMain('dlq', async () => {
  const config = loadConfig(dlqConfigShape);
  // A wrong command is told at once, without connecting to anything.
  try {
    parseCommand(process.argv.slice(2));
  } catch (err) {
    if (!(err instanceof OpsError)) throw err;
    process.stderr.write(`dlq: ${err.code}: ${err.message}\n`);
    process.exitCode = err.exitCode;
    return;
  }
  const passwords = keptBrokerPasswords(new URL('../../../../.tmp/broker-passwords.json', import.meta.url).pathname, process.env, devBrokerPassword, false);
  const db = await connectDatabase({ url: ownDatabaseUrl(config, 'reporting'), poolMax: 2, applicationName: 'trading-dlq' });
  const replayer = createReplayer(config.AMQP_URL, passwords);
  try {
    process.exitCode = await runDlq(
      {
        db,
        replayer,
        now: () => new Date(),
        operator: `operator:${userInfo().username}`,
        retentionHours: config.INBOX_RETENTION_HOURS,
        out: (text) => process.stdout.write(`${text}\n`),
        err: (text) => process.stderr.write(`${text}\n`),
      },
      process.argv.slice(2),
    );
  } finally {
    await replayer.close();
    await db.$disconnect();
  }
});
