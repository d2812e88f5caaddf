import type { Reply, RequestType } from '@trading/contracts';
import { TradingClient } from '@trading/testkit';
import type { RequestRecord } from './records.ts';

/**
 * One WebSocket client of a load. Every frame it receives is recorded against the request of the same id,
 * with its arrival time, so a missing or an extra reply shows in the records. Given several gateways, it starts on
 * the one of its index and moves to the next when its socket is lost, re-sending what is unanswered there
 * (TradingClient): each such re-send is noted in its record's `failovers`.
 */
export class LoadClient {
  private readonly byId = new Map<string, RequestRecord>();
  private seq = 0;

  private constructor(
    private readonly client: TradingClient,
    readonly index: number,
    private readonly idPrefix: string,
    private readonly records: RequestRecord[],
    private readonly replyTimeoutMs: number,
  ) {
    client.onReply((reply) => {
      this.byId.get(String(reply.id))?.replies.push({ at: Date.now(), reply });
    });
    client.onFailover(({ resent }) => {
      const at = Date.now();
      for (const id of resent) this.byId.get(id)?.failovers?.push(at);
    });
  }

  /** `url`: one gateway, or several (the client starts on the one of its index and fails over to the next). */
  static async connect(
    url: string | readonly string[],
    index: number,
    idPrefix: string,
    records: RequestRecord[],
    replyTimeoutMs: number,
  ): Promise<LoadClient> {
    return new LoadClient(await TradingClient.connect(url, { start: index }), index, idPrefix, records, replyTimeoutMs);
  }

  /** Sends a new request and resolves with its first reply (undefined if none came within the reply timeout). */
  async send(body: Record<string, unknown> & { type: RequestType }): Promise<Reply | undefined> {
    const id = `${this.idPrefix}-c${this.index}-${++this.seq}`;
    const record: RequestRecord = { id, client: this.index, type: body.type, body: { ...body, id }, sends: [], failovers: [], replies: [] };
    this.byId.set(id, record);
    this.records.push(record);
    return this.resend(record);
  }

  /** Sends the request again with the same id, as the same session (the same socket, or its successor on another gateway): its definitive reply comes back. */
  async resend(record: RequestRecord): Promise<Reply | undefined> {
    record.sends.push(Date.now());
    return this.client.request(record.body, this.replyTimeoutMs).catch(() => undefined);
  }

  close(): Promise<void> {
    return this.client.close();
  }
}
