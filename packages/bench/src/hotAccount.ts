import { randomBytes } from 'node:crypto';
import type { Reply } from '@trading/contracts';
import { UnreachableError } from '@trading/platform';
import { awaitQuotes } from './awaitQuotes.ts';
import { GatewaySocket } from './gatewaySocket.ts';
import { type LatencySummary, summarizeLatencies } from './latency.ts';
import { prepareUsers } from './prepareUsers.ts';
import { vacuumIfAutovacuumOff } from './vacuumStandIn.ts';

/*
 * One hot account against many, in one run with one instance of each service: the same number of requests in
 * flight, either spread over `accounts` accounts (one socket each) or all on one account (one socket), flat out, for
 * DEPOSITs and for BUYs (market orders); then the other accounts' latency, paced, without and beside one account's
 * DEPOSITs at `hotRate` (a busy account on a machine with room to spare: the hot account's cost to others through the
 * batches, not the machine's saturation), and, for the record, beside one account's DEPOSITs flat out and beside its
 * BUYs flat out (two cores saturated: everyone waits for a core). The targets (issue 24): the hot rate at least half
 * the many-account rate, for DEPOSIT and for BUY, and the other accounts' p99 beside the busy account within 20 % of
 * their p99 without it.
 */
export type HotAccountOptions = {
  /** One gateway, or several: socket i starts on the i-th and moves to the next when its gateway goes away. */
  gatewayUrl: string | readonly string[];
  apiKey: string;
  replyTimeoutMs: number;
  warmupS: number;
  durationS: number;
  /** The many accounts, one socket each. */
  accounts: number;
  /** Requests in flight in every flat-out step: on the one hot account, or spread over the many. */
  inFlight: number;
  /** The other accounts' paced DEPOSITs per second, in the latency steps. */
  othersRate: number;
  /** The busy account's paced DEPOSITs per second beside them. */
  hotRate: number;
  symbol: string;
  quantity: string;
  /** The stack's database: vacuumed before each step where the server runs without autovacuum, as the saga steps are. */
  databaseUrl?: string;
  progress: (line: string) => void;
};

export type RateStep = { per_s: number; errors: number; latency: LatencySummary };
export type HotAccountResult = {
  deposit: { many: RateStep; hot: RateStep; ratio: number };
  buy: { many: RateStep; hot: RateStep; ratio: number };
  others: {
    quiet: LatencySummary;
    beside_hot: LatencySummary;
    hot_per_s: number;
    p99_ratio: number;
    /** Beside the busy account's rate spread over many accounts: the same load, not hot. */
    beside_spread: LatencySummary;
    p99_ratio_to_spread: number;
    /** For the record: beside one account's DEPOSITs flat out, the machine saturated. */
    beside_flat_out: LatencySummary;
    flat_out_per_s: number;
    /** And beside one account's BUYs flat out: sagas whose lanes cross Trade and Payment. */
    beside_flat_out_buy: LatencySummary;
    flat_out_buy_per_s: number;
  };
  targets_met: boolean;
};

type Lane = { socket: GatewaySocket; userId: string };
type Body = (userId: string) => Record<string, unknown>;

const round = (value: number, digits = 2) => Math.round(value * 10 ** digits) / 10 ** digits;

export async function runHotAccount(options: HotAccountOptions): Promise<HotAccountResult> {
  const run = randomBytes(3).toString('hex');
  const open = (i: number) => GatewaySocket.open(options.gatewayUrl, options.apiKey, `h${run}s${i}`, options.replyTimeoutMs, i);
  const sockets = await Promise.all(Array.from({ length: options.accounts + 1 }, (_, i) => open(i))).catch((err: Error) => {
    throw new UnreachableError(`cannot reach the gateway at ${options.gatewayUrl} (${err.message}); start the stack (pnpm start) or set GATEWAY_URL`);
  });
  try {
    const hotSocket = sockets[0]!;
    const manySockets = sockets.slice(1);
    const prices = await awaitQuotes(hotSocket, [options.symbol], 15_000);
    options.progress(`• ${options.symbol} at ${prices[options.symbol]}; creating and funding ${options.accounts + 1} accounts`);
    const { users } = await prepareUsers(sockets, options.accounts + 1, { symbols: [options.symbol], quantity: options.quantity, seedHoldings: false });
    const hot: Lane[] = [{ socket: hotSocket, userId: users[0]! }];
    const many: Lane[] = manySockets.map((socket, i) => ({ socket, userId: users[i + 1]! }));
    const perManyLane = Math.max(1, Math.round(options.inFlight / many.length));
    const deposit: Body = (userId) => ({ type: 'DEPOSIT', user_id: userId, amount: '1' });
    const buy: Body = (userId) => ({ type: 'BUY', user_id: userId, symbol: options.symbol, amount: options.quantity });

    // Each step starts from a vacuumed database where autovacuum is off, so no step pays for the dead rows of the ones before.
    let vacuumNoted = false;
    const vacuum = async () => {
      if (!options.databaseUrl || (await vacuumIfAutovacuumOff(options.databaseUrl)) !== 'vacuumed' || vacuumNoted) return;
      vacuumNoted = true;
      options.progress('  (autovacuum is off on this server: vacuumed before each step)');
    };
    const step = async (name: string, lanes: Lane[], perLane: number, body: Body) => {
      await vacuum();
      const result = await flatOut(lanes, perLane, body, options);
      options.progress(`  ${name.padEnd(34)} ${String(result.per_s).padStart(8)}/s  p99 ${result.latency.p99_ms} ms  errors ${result.errors}`);
      return result;
    };
    options.progress(`• flat out, ${options.inFlight} in flight: on ${many.length} accounts (${perManyLane} each), then on one`);
    const depositMany = await step(`DEPOSIT, ${many.length} accounts`, many, perManyLane, deposit);
    const depositHot = await step('DEPOSIT, one account', hot, options.inFlight, deposit);
    const buyMany = await step(`BUY, ${many.length} accounts`, many, perManyLane, buy);
    const buyHot = await step('BUY, one account', hot, options.inFlight, buy);

    // The others are half the many accounts; the other half carries the busy account's rate spread over many accounts.
    const others = many.slice(0, Math.ceil(many.length / 2));
    const spread = many.slice(others.length);
    options.progress(
      `• ${others.length} other accounts' DEPOSITs at ${options.othersRate}/s: alone; beside ${options.hotRate}/s spread over ${spread.length} accounts; beside one account at ${options.hotRate}/s; beside one flat out, DEPOSITs then BUYs`,
    );
    /** The others' paced DEPOSITs, alone or beside a load, from a vacuumed database: their latency, and the load's. */
    const othersBeside = async (name: string, load?: () => Promise<{ per_s: number; latency: LatencySummary }>) => {
      await vacuum();
      const [mine, its] = await Promise.all([paced(others, deposit, options.othersRate, options), load?.()]);
      const it = its ? `  (it: ${its.per_s}/s, p99 ${its.latency.p99_ms} ms)` : '';
      options.progress(`  others, ${name.padEnd(27)} p50 ${mine.latency.p50_ms} ms  p99 ${mine.latency.p99_ms} ms${it}`);
      return { latency: mine.latency, loadPerS: its?.per_s ?? 0 };
    };
    const quiet = (await othersBeside('alone')).latency;
    const besideSpread = await othersBeside('beside the rate spread', () => paced(spread, deposit, options.hotRate, options));
    const besideHot = await othersBeside('beside the busy account', () => paced(hot, deposit, options.hotRate, options));
    const besideFlatOut = await othersBeside('beside it flat out', () => flatOut(hot, options.inFlight, deposit, options));
    const besideFlatOutBuy = await othersBeside('beside its BUYs flat out', () => flatOut(hot, options.inFlight, buy, options));

    const ratio = (a: RateStep, b: RateStep) => round(a.per_s / Math.max(b.per_s, 1e-9));
    const result: HotAccountResult = {
      deposit: { many: depositMany, hot: depositHot, ratio: ratio(depositHot, depositMany) },
      buy: { many: buyMany, hot: buyHot, ratio: ratio(buyHot, buyMany) },
      others: {
        quiet,
        beside_hot: besideHot.latency,
        hot_per_s: besideHot.loadPerS,
        p99_ratio: round(besideHot.latency.p99_ms / Math.max(quiet.p99_ms, 1e-9)),
        beside_spread: besideSpread.latency,
        p99_ratio_to_spread: round(besideHot.latency.p99_ms / Math.max(besideSpread.latency.p99_ms, 1e-9)),
        beside_flat_out: besideFlatOut.latency,
        flat_out_per_s: besideFlatOut.loadPerS,
        beside_flat_out_buy: besideFlatOutBuy.latency,
        flat_out_buy_per_s: besideFlatOutBuy.loadPerS,
      },
      targets_met: false,
    };
    result.targets_met = result.deposit.ratio >= 0.5 && result.buy.ratio >= 0.5 && result.others.p99_ratio <= 1.2;
    options.progress(
      `• hot/many: DEPOSIT ${result.deposit.ratio}, BUY ${result.buy.ratio} (target ≥ 0.5); others' p99 beside the busy account/alone ${result.others.p99_ratio} (target ≤ 1.2), /beside the same rate spread ${result.others.p99_ratio_to_spread}: ${result.targets_met ? 'met' : 'NOT met'}`,
    );
    return result;
  } finally {
    await Promise.all(sockets.map((s) => s.close()));
  }
}

/** Every lane keeps `perLane` requests in flight for the warm-up and the measured window; counts the OK replies in the window. */
async function flatOut(lanes: Lane[], perLane: number, body: Body, options: HotAccountOptions): Promise<RateStep> {
  const start = Date.now();
  const from = start + options.warmupS * 1000;
  const until = from + options.durationS * 1000;
  const latencies: number[] = [];
  let ok = 0;
  let errors = 0;
  const loop = async ({ socket, userId }: Lane) => {
    while (Date.now() < until) {
      const sentAt = Date.now();
      const reply = await socket.request(body(userId)).catch(() => undefined);
      const at = Date.now();
      if (sentAt < from || at > until) continue;
      latencies.push(at - sentAt);
      if (isOk(reply)) ok += 1;
      else errors += 1;
    }
  };
  await Promise.all(lanes.flatMap((lane) => Array.from({ length: perLane }, () => loop(lane))));
  return { per_s: round(ok / options.durationS, 1), errors, latency: summarizeLatencies(latencies) };
}

/** The lanes' requests at `rate` a second in all, round robin, for the warm-up and the window: the OK rate and latencies in the window. */
async function paced(lanes: Lane[], body: Body, rate: number, options: HotAccountOptions): Promise<{ per_s: number; latency: LatencySummary }> {
  const start = Date.now();
  const from = start + options.warmupS * 1000;
  const until = from + options.durationS * 1000;
  const intervalMs = 1000 / rate;
  const latencies: number[] = [];
  const pending: Promise<void>[] = [];
  for (let i = 0; start + i * intervalMs < until; i += 1) {
    const due = start + i * intervalMs;
    const wait = due - Date.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    const { socket, userId } = lanes[i % lanes.length]!;
    const sentAt = Date.now();
    pending.push(
      socket.request(body(userId)).then(
        (reply) => {
          if (sentAt >= from && isOk(reply)) latencies.push(Date.now() - sentAt);
        },
        () => undefined,
      ),
    );
  }
  await Promise.all(pending);
  return { per_s: round(latencies.length / options.durationS, 1), latency: summarizeLatencies(latencies) };
}

const isOk = (reply: Reply | undefined): boolean => reply?.status === 'OK';
