import { createHash, randomUUID } from 'node:crypto';
import { type Bus, connectBus, readEventBatch } from '@trading/bus';
import {
  authenticateRoutingKey,
  Decimal,
  type Delivery,
  eventRoutingKeys,
  exchanges,
  gatewayReplyKey,
  queues,
  type Reply,
  SCHEMA_VERSION_HEADER,
  type SagaCommandV1,
  sagaCommandKeysV1,
  type TradeEvent,
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
 * (stamped) on the `payment` exchange, Trade's events on `domain-events` (or, as schema version 1 did, Trade's saga
 * commands on `payment`); it reads replies from its own reply key on `payment-response`, Payment's saga events from
 * `domain-events` (as Trade reads them), and every domain event from the `events` fanout (as Reporting reads them),
 * each unpacked from its batch into a delivery of its own; these it reads as the broker's admin.
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
    await bus.consumePrivate([{ exchange: exchanges.domainEvents, routingKey: 'payment.#' }], async (d) => {
      if (d.type !== 'CredentialIssued' && d.type !== 'CredentialRevoked') probe.answers.push(d);
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

  /**
   * Asks Payment for one of its saga steps as the Trade service does in schema `version` 2, with the event that
   * step reacts to (OrderAccepted for a reservation, TradeRecorded for a capture or a credit, OrderCancelled for a
   * release), or in version 1, with the command; resolves with the message id.
   */
  async sagaStep(step: SagaCommandV1, version: 1 | 2 = 2): Promise<string> {
    return version === 1 ? this.asTrade(step, 1) : this.asTrade(eventFor(step), 2);
  }

  /**
   * Publishes any body as the Trade service, in schema `version` 2 on `domain-events` (the routing key of its
   * `type`), in version 1 on `payment` (a saga command's); the body may be malformed on purpose.
   */
  async asTrade(body: Record<string, unknown>, version: 1 | 2 = 2, messageId = randomUUID()): Promise<string> {
    const type = String(body.type);
    const [exchange, routingKey] =
      version === 1
        ? [exchanges.payment, sagaCommandKeysV1[type as SagaCommandV1['type']] ?? 'payment.unknown']
        : [exchanges.domainEvents, eventRoutingKeys[type as TradeEvent['type']] ?? 'trade.unknown.event'];
    await this.trade.publish({
      exchange,
      routingKey,
      messageId,
      type,
      body,
      correlationId: String(body.saga_id),
      headers: { [SCHEMA_VERSION_HEADER]: version },
    });
    return messageId;
  }

  /** Resolves with the first event of `type` about the user. */
  async userEvent(type: string, userId: string): Promise<Delivery> {
    return waitFor(() => this.events.find((d) => d.type === type && (d.body as { user_id?: string }).user_id === userId));
  }

  /** Payment's events about one saga, in arrival order. */
  sagaAnswers(sagaId: string): Delivery[] {
    return this.answers.filter((d) => (d.body as { saga_id?: string }).saga_id === sagaId);
  }

  /** Resolves with the `count`-th of Payment's events (1-based) about the saga whose type is one of `types`. */
  async sagaAnswer(sagaId: string, types: readonly string[], count = 1): Promise<Delivery> {
    return waitFor(() => this.sagaAnswers(sagaId).filter((d) => types.includes(String(d.type)))[count - 1]);
  }

  async close(): Promise<void> {
    await Promise.all([this.bus.close(), this.gateway.close(), this.trade.close()]);
  }
}

/** The Trade event a saga step of Payment's reacts to, with figures consistent with the step. */
function eventFor(step: SagaCommandV1): TradeEvent {
  const facts = { saga_id: step.saga_id, user_id: step.user_id, at: new Date().toISOString(), limit_price: null };
  switch (step.type) {
    case 'ReserveFunds':
      return { type: 'OrderAccepted', ...facts, side: 'BUY', symbol: 'AAPL', quantity: '1', price: step.amount, notional: step.amount, reserve: step.amount };
    case 'CaptureFunds':
    case 'CreditFunds': {
      const buy = step.type === 'CaptureFunds';
      const notional = buy ? step.notional : step.amount;
      const price = new Decimal(notional).div(step.quantity).toFixed();
      const side = buy ? 'BUY' : 'SELL';
      return { type: 'TradeRecorded', ...facts, side, symbol: step.symbol, quantity: step.quantity, price, notional, fee: step.fee, trade_id: randomUUID() };
    }
    case 'ReleaseFunds':
      return {
        type: 'OrderCancelled',
        ...facts,
        side: 'BUY',
        symbol: 'AAPL',
        quantity: '1',
        price: '1',
        notional: '1',
        code: 'TRADE_FAILED',
        reason: step.reason,
      };
    default: {
      const _exhaustive: never = step;
      return _exhaustive;
    }
  }
}

/** The SHA-256 of a key nobody holds: what the gateway sends for a new key. */
const newKeySha256 = (): string => createHash('sha256').update(randomUUID()).digest('hex');
