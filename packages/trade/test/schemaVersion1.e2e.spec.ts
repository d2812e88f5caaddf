import { randomUUID } from 'node:crypto';
import { type Bus, connectBus } from '@trading/bus';
import { eventRoutingKeys, exchanges, type PaymentEvent, partitionQueues, queues, SCHEMA_VERSION_HEADER, topology } from '@trading/contracts';
import { createLogger } from '@trading/platform';
import { closeTestMarket, rabbitmqctl, type Stack, serviceAmqpUrl, setPrices, startStack, TradingClient, testEnv, waitFor } from '@trading/testkit';
import { expect } from 'chai';
import { EventTap } from './support/eventTap.ts';

/**
 * An upgrade can leave Payment's answers of schema version 1 in Trade's queue: events on `payment-response`, without
 * a version header. Today's Trade reads them as it reads version 2's on `domain-events`. Payment is not running here:
 * the test answers as an old Payment did, as the Payment service's broker user.
 */
describe('Trade reading Payment’s answers of schema version 1', function () {
  this.timeout(60_000);
  let stack: Stack;
  let client: TradingClient;
  let tap: EventTap;
  let oldPayment: Bus;

  before(async () => {
    stack = await startStack(['gateway', 'trade'], { MARKETS_ALWAYS_OPEN: 'true' });
    client = await TradingClient.connect(stack.gatewayUrl);
    tap = await EventTap.connect();
    const logger = createLogger('old-payment', 'silent');
    oldPayment = await connectBus({ url: serviceAmqpUrl(testEnv(), 'payment'), logger, service: 'old-payment', topology, prefetch: 10 });
  });
  after(async () => {
    await client?.close();
    await tap?.close();
    await oldPayment?.close();
    await stack?.stop();
    await closeTestMarket();
    // What Trade announced went to Payment's queue, which no one consumed here: it is no other test's business.
    for (const queue of [queues.payment, ...partitionQueues.payment]) await rabbitmqctl('purge_queue', '-p', testEnv().vhost, queue);
  });

  /** Publishes a Payment event as version 1 did: on `payment-response`, routing key payment.<entity>.<event>, no version. */
  const answerV1 = (event: PaymentEvent) =>
    oldPayment.publish({
      exchange: exchanges.paymentResponse,
      routingKey: eventRoutingKeys[event.type],
      messageId: randomUUID(),
      type: event.type,
      body: event,
      correlationId: 'saga_id' in event ? event.saga_id : undefined,
      headers: { [SCHEMA_VERSION_HEADER]: 1 },
    });
  const announced = (type: string, userId: string) =>
    waitFor(() => tap.messages.find((d) => d.type === type && (d.body as { user_id?: string }).user_id === userId)).then(
      (d) => d.body as { saga_id: string; reserve?: string },
    );

  it('completes a BUY on FundsReserved and FundsCaptured of version 1 (FundsCaptured without its notional and fee)', async () => {
    const userId = randomUUID();
    await setPrices(client, { BTC: '50000' });
    const reply = client.request({ type: 'BUY', user_id: userId, symbol: 'BTC', amount: '0.001', price: '50000' }, 30_000);
    const accepted = await announced('OrderAccepted', userId);
    const at = new Date().toISOString();
    await answerV1({ type: 'FundsReserved', saga_id: accepted.saga_id, user_id: userId, at, amount: String(accepted.reserve) });
    await announced('TradeRecorded', userId);
    await answerV1({ type: 'FundsCaptured', saga_id: accepted.saga_id, user_id: userId, at, amount: '50' });
    expect(await reply).to.include({ status: 'OK', price: '50000', notional: '50' });
    expect(tap.storyOf(userId)).to.deep.equal(['trade OrderAccepted', 'trade TradeRecorded', 'trade SagaCompleted']);
  });

  it('rejects a BUY on a FundsRejected of version 1 with Payment’s code', async () => {
    const userId = randomUUID();
    await setPrices(client, { ETH: '3000' });
    const reply = client.request({ type: 'BUY', user_id: userId, symbol: 'ETH', amount: '0.01', price: '3000' }, 30_000);
    const accepted = await announced('OrderAccepted', userId);
    const at = new Date().toISOString();
    const rejected = { saga_id: accepted.saga_id, user_id: userId, at, amount: String(accepted.reserve) };
    await answerV1({ type: 'FundsRejected', ...rejected, code: 'INSUFFICIENT_FUNDS', reason: 'needs 30, 0 available' });
    expect(await reply).to.include({ status: 'ERROR', code: 'INSUFFICIENT_FUNDS' });
  });
});
