import { createHash, randomUUID } from 'node:crypto';
import { type Bus, connectBus, readEventBatch } from '@trading/bus';
import {
  authenticateRoutingKey,
  commandRoutingKeys,
  type Delivery,
  exchanges,
  gatewayReplyKey,
  type PaymentCommand,
  queues,
  type Reply,
  topology,
} from '@trading/contracts';
import { createLogger } from '@trading/platform';
import { serviceAmqpUrl, testEnv, waitFor } from '@trading/testkit';

/**
 * `principal`: the stamp (x-principal), by default the operator's; `session` stamps an anonymous socket's session
 * instead. `newKeySha256`: the new key's hash of an ADD_USER or ROTATE_API_KEY (a fresh one by default).
 */
export type SendOptions = { messageId?: string; session?: string; principal?: string; correlationId?: string; newKeySha256?: string };

/**
 * Talks to the payment service the way the gateway and the Trade service do, each as its own broker user: requests
 * (stamped) and commands on the `payment` exchange, replies read from its own reply key on `payment-response`,
 * answers to saga commands from `payment.#` there (as Trade reads them), and every domain event from the `events`
 * fanout (as Reporting reads them), each unpacked from its batch into a delivery of its own; these it reads as the
 * broker's admin.
 */
export class PaymentProbe {
  readonly replies: Delivery[] = [];
  readonly answers: Delivery[] = [];
  readonly events: Delivery[] = [];
  readonly deadLetters: Delivery[] = [];
  private readonly replyTo = gatewayReplyKey(`probe-${randomUUID()}`);

  private constructor(
    private readonly bus: Bus,
    private readonly gateway: Bus,
    private readonly trade: Bus,
  ) {}

  static async connect(): Promise<PaymentProbe> {
    const logger = createLogger('payment-probe', 'silent');
    const as = (url: string) => connectBus({ url, logger, service: 'payment-probe', topology, prefetch: 100 });
    const [bus, gateway, trade] = await Promise.all([as(testEnv().amqpUrl), as(serviceAmqpUrl(testEnv(), 'gateway')), as(serviceAmqpUrl(testEnv(), 'trade'))]);
    const probe = new PaymentProbe(bus, gateway, trade);
    await bus.consumePrivate([{ exchange: exchanges.paymentResponse, routingKey: probe.replyTo }], async (d) => {
      probe.replies.push(d);
    });
    await bus.consumePrivate([{ exchange: exchanges.paymentResponse, routingKey: 'payment.#' }], async (d) => {
      probe.answers.push(d);
    });
    await bus.consumePrivate([{ exchange: exchanges.events, routingKey: '' }], async (d) => {
      for (const { id, routing_key, event } of readEventBatch(d))
        probe.events.push({ ...d, messageId: id, routingKey: routing_key, type: event.type, body: event });
    });
    await bus.consume(queues.deadLetter, async (d) => {
      probe.deadLetters.push(d);
    });
    return probe;
  }

  /** Publishes any JSON body on the payment exchange as the gateway, without request headers; resolves with its messageId. */
  async sendRaw(body: unknown): Promise<string> {
    const messageId = randomUUID();
    await this.gateway.publish({ exchange: exchanges.payment, routingKey: 'payment.raw', messageId, type: 'Raw', body, replyTo: this.replyTo });
    return messageId;
  }

  /**
   * Asks whose key has this SHA-256, as a gateway does (or, `asAdmin`, as the broker's admin, which is no gateway);
   * resolves with the correlation id and message id of the question.
   */
  async authenticate(keySha256: string, asAdmin = false): Promise<{ correlationId: string; messageId: string }> {
    const ids = { correlationId: randomUUID(), messageId: randomUUID() };
    const body = { type: 'Authenticate', key_sha256: keySha256 };
    await (asAdmin ? this.bus : this.gateway).publish({
      exchange: exchanges.payment,
      routingKey: authenticateRoutingKey,
      type: body.type,
      body,
      replyTo: this.replyTo,
      ...ids,
    });
    return ids;
  }

  /** Publishes a client request as the gateway does; resolves with the correlation id its reply will carry. */
  async send(body: Record<string, unknown>, options: SendOptions = {}): Promise<string> {
    const correlationId = options.correlationId ?? randomUUID();
    const principal = options.principal ?? (options.session ? `session:${options.session}` : 'admin');
    const newKey = body.type === 'ADD_USER' || body.type === 'ROTATE_API_KEY' ? (options.newKeySha256 ?? newKeySha256()) : undefined;
    await this.gateway.publish({
      exchange: exchanges.payment,
      routingKey: `payment.${String(body.type).toLowerCase()}`,
      messageId: options.messageId ?? randomUUID(),
      type: String(body.type),
      body,
      correlationId,
      replyTo: this.replyTo,
      headers: { 'x-principal': principal, 'x-request-id': String(body.id), ...(newKey ? { 'x-api-key-sha256': newKey } : {}) },
    });
    return correlationId;
  }

  /** Sends a request and resolves with its reply. */
  async request(body: Record<string, unknown>, options: SendOptions = {}): Promise<Reply> {
    const correlationId = await this.send({ id: randomUUID(), ...body }, options);
    return this.reply(correlationId);
  }

  async reply(correlationId: string): Promise<Reply> {
    const delivery = await waitFor(() => this.replies.find((d) => d.correlationId === correlationId));
    return delivery.body as Reply;
  }

  async addUser(): Promise<string> {
    const reply = await this.request({ type: 'ADD_USER' });
    return String(reply.user_id);
  }

  async userWith(amount: string): Promise<string> {
    const userId = await this.addUser();
    const reply = await this.request({ type: 'DEPOSIT', user_id: userId, amount });
    if (reply.status !== 'OK') throw new Error(`deposit failed: ${JSON.stringify(reply)}`);
    return userId;
  }

  /** Publishes a saga command as the Trade service does (body may be malformed on purpose). */
  async command(body: PaymentCommand | Record<string, unknown>, messageId = randomUUID()): Promise<string> {
    const type = String(body.type);
    await this.trade.publish({
      exchange: exchanges.payment,
      routingKey: commandRoutingKeys[type as PaymentCommand['type']] ?? 'payment.unknown',
      messageId,
      type,
      body,
      correlationId: String(body.saga_id),
    });
    return messageId;
  }

  /** Resolves with the first event of `type` about the user. */
  async userEvent(type: string, userId: string): Promise<Delivery> {
    return waitFor(() => this.events.find((d) => d.type === type && (d.body as { user_id?: string }).user_id === userId));
  }

  /** The answers to one saga's commands, in arrival order. */
  sagaAnswers(sagaId: string): Delivery[] {
    return this.answers.filter((d) => (d.body as { saga_id?: string }).saga_id === sagaId);
  }

  /** Resolves with the `count`-th answer (1-based) to the saga's commands whose type is one of `types`. */
  async sagaAnswer(sagaId: string, types: readonly string[], count = 1): Promise<Delivery> {
    return waitFor(() => this.sagaAnswers(sagaId).filter((d) => types.includes(String(d.type)))[count - 1]);
  }

  async close(): Promise<void> {
    await Promise.all([this.bus.close(), this.gateway.close(), this.trade.close()]);
  }
}

/** The SHA-256 of a key nobody holds: what the gateway sends for a new key. */
const newKeySha256 = (): string => createHash('sha256').update(randomUUID()).digest('hex');
