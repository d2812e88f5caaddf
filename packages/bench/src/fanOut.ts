import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import WebSocket from 'ws';
import { concurrently } from './concurrently.ts';
import { parseProcessStat } from './cpuUsage.ts';
import { ensureOpenFiles } from './processInfo.ts';

export type FanOutResult = {
  subscribers: number;
  symbols: string[];
  /** Distinct ticks per second the gateway received from the market (seen by one subscriber of every symbol). */
  ticks_in_per_s: number;
  /** TICKER messages per second delivered over all subscribers. */
  deliveries_per_s: number;
  /** Share of one core the gateway process used over the measured window, and its CPU per 1,000 deliveries. */
  gateway_cpu_pct: number;
  gateway_cpu_ms_per_1000_deliveries: number;
  /** From a tick's time at the market to its arrival at one subscriber, over the window. */
  lag_ms: { p50: number; p99: number };
  /** Subscriptions not answered OK, and sockets that closed during the run. */
  errors: number;
};

const OPENING_WIDTH = 200;
/** Linux's USER_HZ: CPU time in /proc is in 1/100 s. */
const MS_PER_TICK = 10;
const cpuMs = (pid: number) => parseProcessStat(readFileSync(`/proc/${pid}/stat`, 'utf8')).ticks * MS_PER_TICK;

/**
 * The live feeds' fan-out: `subscribers` sockets (the operator's key, exempt from the limits) each follow the ticker
 * of every symbol; over `durationS` after a warm-up it counts the TICKER messages they receive, and reads the
 * gateway's CPU time from /proc. The market sets the rate (MARKET_TICK_INTERVAL_MS); the bench publishes nothing.
 * Messages are counted without parsing them, so the bench's own CPU stays out of the way; one socket parses its
 * ticks for the lag.
 */
export async function measureFanOut(options: {
  url: string;
  apiKey: string;
  gatewayPid: number;
  subscribers: number;
  symbols: readonly string[];
  warmupS: number;
  durationS: number;
  progress: (line: string) => void;
}): Promise<FanOutResult> {
  ensureOpenFiles(options.subscribers + 256);
  const sockets: WebSocket[] = [];
  let counting = false;
  let delivered = 0;
  let errors = 0;
  const seen = new Set<string>();
  const lags: number[] = [];
  await concurrently(options.subscribers, OPENING_WIDTH, async (i) => {
    const socket = new WebSocket(options.url, { perMessageDeflate: false, headers: { authorization: `Bearer ${options.apiKey}` } });
    socket.on('error', () => undefined);
    await once(socket, 'open');
    const replies: Promise<void>[] = options.symbols.map(
      (symbol) =>
        new Promise((resolve) => {
          const onReply = (data: Buffer) => {
            const text = data.toString();
            if (!text.includes(`"id":"sub-${symbol}"`)) return;
            if (!text.includes('"status":"OK"')) errors += 1;
            socket.off('message', onReply);
            resolve();
          };
          socket.on('message', onReply);
        }),
    );
    for (const symbol of options.symbols) socket.send(JSON.stringify({ id: `sub-${symbol}`, type: 'SUBSCRIBE', channel: 'ticker', symbol }));
    await Promise.all(replies);
    socket.on('message', (data: Buffer) => {
      if (!counting) return;
      delivered += 1;
      if (i !== 0) return;
      const tick = JSON.parse(data.toString()) as { type: string; symbol: string; seq: number; at: string };
      if (tick.type !== 'TICKER') return;
      seen.add(`${tick.symbol}:${tick.seq}`);
      lags.push(Date.now() - Date.parse(tick.at));
    });
    socket.on('close', () => void (errors += counting ? 1 : 0));
    sockets.push(socket);
  });
  options.progress(`• ${sockets.length} subscribers to ${options.symbols.join(', ')}; ${options.warmupS} s warm-up, then ${options.durationS} s measured`);
  await new Promise((resolve) => setTimeout(resolve, options.warmupS * 1000));
  const cpuBefore = cpuMs(options.gatewayPid);
  const started = performance.now();
  counting = true;
  await new Promise((resolve) => setTimeout(resolve, options.durationS * 1000));
  counting = false;
  const elapsedS = (performance.now() - started) / 1000;
  const gatewayMs = cpuMs(options.gatewayPid) - cpuBefore;
  for (const socket of sockets) socket.terminate();
  lags.sort((a, b) => a - b);
  const at = (q: number) => lags[Math.min(lags.length - 1, Math.floor(q * lags.length))] ?? 0;
  return {
    subscribers: sockets.length,
    symbols: [...options.symbols],
    ticks_in_per_s: Math.round(seen.size / elapsedS),
    deliveries_per_s: Math.round(delivered / elapsedS),
    gateway_cpu_pct: Math.round((gatewayMs / (elapsedS * 1000)) * 1000) / 10,
    gateway_cpu_ms_per_1000_deliveries: delivered ? Math.round((gatewayMs / delivered) * 1000 * 100) / 100 : 0,
    lag_ms: { p50: at(0.5), p99: at(0.99) },
    errors,
  };
}
