import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { createLogger, loadConfig, runMain } from '@trading/platform';
import { renderChart } from './chart.ts';
import { benchConfigShape, type BenchConfig, flagsToEnv } from './config.ts';
import { measureFanOut } from './fanOut.ts';
import { runHotAccount } from './hotAccount.ts';
import { holdIdleConnections } from './idleConnections.ts';
import { listenerPid } from './processInfo.ts';
import { runBench } from './runBench.ts';

/** Paths given to the bench are relative to the repository root, wherever pnpm runs the script from. */
const ROOT = new URL('../../../', import.meta.url).pathname;
const print = (line: string) => process.stdout.write(`${line}\n`);

/** `pnpm bench [--flags]`: the bench's composition root. Its last line of output is one JSON object. */
runMain('bench', async () => {
  const config = loadConfig(benchConfigShape, { ...process.env, ...flagsToEnv(process.argv.slice(2), Object.keys(benchConfigShape)) });
  const modes = { idle, 'hot-account': hotAccount, sagas, 'query-flood': sagas, 'fan-out': fanOut } as const;
  const result = await modes[config.BENCH_MODE](config);
  print(JSON.stringify(result));
  process.exit(0);
});

async function sagas(config: BenchConfig) {
  const logger = createLogger('bench', config.LOG_LEVEL);
  print(
    `• bench against ${config.GATEWAY_URLS?.join(', ') ?? config.GATEWAY_URL}: steps ${config.BENCH_RATES.join(', ')} (${config.BENCH_WARMUP_S} s warm-up + ${config.BENCH_DURATION_S} s each), mix ${config.BENCH_MIX}`,
  );
  const summary = await runBench({
    gatewayUrl: config.GATEWAY_URLS ?? config.GATEWAY_URL,
    apiKey: config.ADMIN_API_KEY,
    connections: config.BENCH_CONNECTIONS,
    users: config.BENCH_USERS,
    rates: config.BENCH_RATES,
    warmupS: config.BENCH_WARMUP_S,
    durationS: config.BENCH_DURATION_S,
    depth: config.BENCH_DEPTH,
    mix: config.BENCH_MIX,
    symbols: config.BENCH_SYMBOLS,
    quantity: config.BENCH_QUANTITY,
    replyTimeoutMs: config.BENCH_REPLY_TIMEOUT_MS,
    databaseUrl: config.DATABASE_URL,
    ...(config.BENCH_MODE === 'query-flood' && {
      flood: { reportingUrl: config.REPORTING_URL, sockets: config.BENCH_FLOOD_SOCKETS, depth: config.BENCH_FLOOD_DEPTH, httpClients: config.BENCH_FLOOD_HTTP },
    }),
    ...(config.BENCH_BASELINES &&
      config.BENCH_MODE === 'sagas' && {
        baselines: {
          amqpUrl: config.AMQP_URL,
          databaseUrl: config.DATABASE_URL,
          prefetch: config.PREFETCH,
          poolMax: config.DB_POOL_MAX,
          messages: config.BENCH_BASELINE_MESSAGES,
          transactions: config.BENCH_BASELINE_TRANSACTIONS,
        },
      }),
    logger,
    progress: print,
  });
  if (summary.wal_bytes_per_saga !== null) {
    print(`• the database per saga, over the steps: ${summary.transactions_per_saga} commits, ${(summary.wal_bytes_per_saga / 1024).toFixed(1)} kB of WAL`);
  }
  if (summary.baseline_sagas_per_s) {
    print(
      `• baselines: broker ${summary.broker_msgs_per_s} msg/s, PostgreSQL ${summary.pg_tx_per_s} tx/s; a saga costs ${summary.messages_per_saga} messages (its events in batches shared with other sagas) and ${summary.transactions_per_saga} commits (counted over the steps)`,
    );
    print(`  → they allow ${summary.baseline_sagas_per_s} sagas/s; measured ${summary.sagas_per_s} (ratio ${summary.ratio_to_baseline})`);
  }
  if (config.BENCH_CHART !== 'none' && config.BENCH_MODE === 'sagas') {
    const path = resolve(ROOT, config.BENCH_CHART);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, renderChart(summary.steps, `Sagas (mix ${config.BENCH_MIX}): throughput against latency, ${new Date().toISOString().slice(0, 10)}`));
    print(`• chart written to ${path}`);
  }
  return summary;
}

async function idle(config: BenchConfig) {
  const port = Number(new URL(config.GATEWAY_URL).port || 80);
  const gatewayPid = config.GATEWAY_PID ?? listenerPid(port);
  if (!gatewayPid) throw new Error(`no process seen listening on port ${port}: start the stack, or pass --gateway-pid`);
  print(`• opening ${config.BENCH_IDLE_CONNECTIONS} idle connections to ${config.GATEWAY_URL} (gateway pid ${gatewayPid})`);
  return holdIdleConnections({
    url: config.GATEWAY_URL,
    apiKey: config.ADMIN_API_KEY,
    gatewayPid,
    count: config.BENCH_IDLE_CONNECTIONS,
    holdS: config.BENCH_IDLE_HOLD_S,
    progress: print,
  });
}

async function hotAccount(config: BenchConfig) {
  const gateways = config.GATEWAY_URLS ?? [config.GATEWAY_URL];
  print(`• hot account against ${gateways.join(', ')}: ${config.BENCH_WARMUP_S} s warm-up + ${config.BENCH_DURATION_S} s each step`);
  return runHotAccount({
    gatewayUrl: config.GATEWAY_URLS ?? config.GATEWAY_URL,
    apiKey: config.ADMIN_API_KEY,
    replyTimeoutMs: config.BENCH_REPLY_TIMEOUT_MS,
    warmupS: config.BENCH_WARMUP_S,
    durationS: config.BENCH_DURATION_S,
    accounts: config.BENCH_HOT_ACCOUNTS,
    inFlight: config.BENCH_HOT_IN_FLIGHT,
    othersRate: config.BENCH_HOT_OTHERS_RATE,
    hotRate: config.BENCH_HOT_RATE,
    symbol: config.BENCH_SYMBOLS[0]!,
    quantity: config.BENCH_HOT_QUANTITY,
    databaseUrl: config.DATABASE_URL,
    progress: print,
  });
}

async function fanOut(config: BenchConfig) {
  const port = Number(new URL(config.GATEWAY_URL).port || 80);
  const gatewayPid = config.GATEWAY_PID ?? listenerPid(port);
  if (!gatewayPid) throw new Error(`no process seen listening on port ${port}: start the stack, or pass --gateway-pid`);
  print(`• fan-out against ${config.GATEWAY_URL} (gateway pid ${gatewayPid})`);
  return measureFanOut({
    url: config.GATEWAY_URL,
    apiKey: config.ADMIN_API_KEY,
    gatewayPid,
    subscribers: config.BENCH_FANOUT_SUBSCRIBERS,
    symbols: config.BENCH_SYMBOLS,
    warmupS: config.BENCH_WARMUP_S,
    durationS: config.BENCH_DURATION_S,
    progress: print,
  });
}
