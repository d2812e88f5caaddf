import type { Reply, RequestType } from '@trading/contracts';
import { TradingClient } from '@trading/testkit';
import type { RequestRecord } from './records.ts';

/**
 * One WebSocket client of a load. Every frame it receives is recorded against the request of the same id,
 * with its arrival time, so a missing or an extra reply shows in the records.
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
    client.socket.on('message', (data) => {
      const reply = JSON.parse(data.toString()) as Reply;
      this.byId.get(String(reply.id))?.replies.push({ at: Date.now(), reply });
    });
  }

  static async connect(url: string, index: number, idPrefix: string, records: RequestRecord[], replyTimeoutMs: number): Promise<LoadClient> {
    return new LoadClient(await TradingClient.connect(url), index, idPrefix, records, replyTimeoutMs);
  }

  /** Sends a new request and resolves with its first reply (undefined if none came within the reply timeout). */
  async send(body: Record<string, unknown> & { type: RequestType }): Promise<Reply | undefined> {
    const id = `${this.idPrefix}-c${this.index}-${++this.seq}`;
    const record: RequestRecord = { id, client: this.index, type: body.type, body: { ...body, id }, sends: [], replies: [] };
    this.byId.set(id, record);
    this.records.push(record);
    return this.resend(record);
  }

  /** Sends the request again with the same id, on the same socket (so the same session): its definitive reply comes back. */
  async resend(record: RequestRecord): Promise<Reply | undefined> {
    record.sends.push(Date.now());
    return this.client.request(record.body, this.replyTimeoutMs).catch(() => undefined);
  }

  close(): Promise<void> {
    return this.client.close();
  }
}
