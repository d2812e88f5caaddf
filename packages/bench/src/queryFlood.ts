import { GatewaySocket } from './gatewaySocket.ts';

/*
 * A query flood, as a client bent on starving the backend would send it: REPORTs over the whole event store on
 * several sockets, each keeping `depth` in flight, and HTTP clients asking /api/report in a loop, all with the
 * operator's key (exempt from the gateway's limits, not from Reporting's query quota). Runs until stopped.
 */
export type FloodOptions = {
  /** One gateway, or several: socket i starts on the i-th and moves to the next when its gateway goes away. */
  gatewayUrl: string | readonly string[];
  reportingUrl: string;
  apiKey: string;
  sockets: number;
  depth: number;
  httpClients: number;
  replyTimeoutMs: number;
};
export type FloodCounts = { reports: Record<string, number>; http: Record<string, number> };
export type Flood = { stop(): Promise<FloodCounts> };

export async function startQueryFlood(options: FloodOptions): Promise<Flood> {
  const counts: FloodCounts = { reports: {}, http: {} };
  const count = (into: Record<string, number>, key: string) => {
    into[key] = (into[key] ?? 0) + 1;
  };
  let running = true;
  const sockets = await Promise.all(
    Array.from({ length: options.sockets }, (_, i) => GatewaySocket.open(options.gatewayUrl, options.apiKey, `flood${i}`, options.replyTimeoutMs, i)),
  );
  const reportLoop = async (socket: GatewaySocket) => {
    while (running) {
      const reply = await socket.request({ type: 'REPORT' }).catch(() => ({ status: 'ERROR', code: 'NO_REPLY' }));
      count(counts.reports, reply.status === 'OK' ? 'OK' : String(reply.code));
    }
  };
  const httpLoop = async () => {
    while (running) {
      const status = await fetch(`${options.reportingUrl}/api/report`, { headers: { authorization: `Bearer ${options.apiKey}` } })
        .then(async (res) => {
          await res.arrayBuffer();
          return String(res.status);
        })
        .catch(() => 'NO_ANSWER');
      count(counts.http, status);
    }
  };
  const loops = [
    ...sockets.flatMap((socket) => Array.from({ length: options.depth }, () => reportLoop(socket))),
    ...Array.from({ length: options.httpClients }, httpLoop),
  ];
  return {
    async stop() {
      running = false;
      await Promise.all(loops);
      await Promise.all(sockets.map((s) => s.close()));
      return counts;
    },
  };
}
