import { type Bus, connectBus } from '@trading/bus';
import { type Delivery, exchanges, okReply, partitionQueues, queues, replyMessage, requestRoutes, type RoutedRequestType, topology } from '@trading/contracts';
import { createLogger } from '@trading/platform';
import { freePort, rabbitmqctl, type Stack, startStack, testEnv, TradingClient } from '@trading/testkit';
import { expect } from 'chai';
import { randomUUID } from 'node:crypto';

const user = randomUUID();
const samples: Record<RoutedRequestType, Record<string, unknown>> = {
  ADD_USER: { type: 'ADD_USER' },
  ROTATE_API_KEY: { type: 'ROTATE_API_KEY', user_id: user },
  REMOVE_USER: { type: 'REMOVE_USER', user_id: user },
  DEPOSIT: { type: 'DEPOSIT', user_id: user, amount: '10' },
  WITHDRAW: { type: 'WITHDRAW', user_id: user, amount: '10' },
  USER_INFO: { type: 'USER_INFO', user_id: user },
  BUY: { type: 'BUY', user_id: user, symbol: 'BTC', amount: '1', price: '100' },
  SELL: { type: 'SELL', user_id: user, symbol: 'BTC', amount: '1' },
  PORTFOLIO: { type: 'PORTFOLIO', user_id: user },
  TRADES: { type: 'TRADES', user_id: user },
  ORDER_STATUS: { type: 'ORDER_STATUS', user_id: user, order_id: randomUUID() },
  QUOTE: { type: 'QUOTE', symbol: 'BTC' },
  HALT: { type: 'HALT', symbol: 'BTC' },
  RESUME: { type: 'RESUME', market: 'Crypto' },
  REPORT: { type: 'REPORT', symbol: 'BTC' },
};

/**
 * The gateway as a process, against the real broker. The test plays the services: it consumes their queues
 * and answers like them, so what the gateway publishes and what reaches each socket is seen exactly.
 */
describe('gateway routing over the real broker', function () {
  this.timeout(60_000);
  let stack: Stack;
  let peer: Bus;
  const received: Delivery[] = [];
  const answer = new Set<string>();

  before(async () => {
    stack = await startStack(['gateway'], { REPLY_TIMEOUT_MS: '1500' });
    peer = await connectBus({ url: testEnv().amqpUrl, logger: createLogger('peer', 'silent'), service: 'peer', topology, prefetch: 50 });
    const serve = (responseExchange: string) => async (d: Delivery) => {
      received.push(d);
      const body = d.body as { id: string; type: RoutedRequestType };
      if (!answer.has(String(body.id))) return;
      for (const m of replyMessage(d, responseExchange, okReply(body.id, body.type, `served by ${d.routingKey}`))) await peer.publish(m);
    };
    for (const queue of partitionQueues.payment) await peer.consume(queue, serve(exchanges.paymentResponse));
    for (const queue of partitionQueues.trade) await peer.consume(queue, serve(exchanges.apiResponse));
    await peer.consume(queues.reportingQueries, serve(exchanges.apiResponse));
  });
  after(async () => {
    await peer?.close();
    await stack?.stop();
  });

  for (const [type, body] of Object.entries(samples) as [RoutedRequestType, Record<string, unknown>][]) {
    it(`publishes ${type} to ${requestRoutes[type].exchange} with routing key ${requestRoutes[type].routingKey} and returns the reply`, async () => {
      const client = await TradingClient.connect(stack.gatewayUrl);
      const id = `${type}-${randomUUID()}`;
      answer.add(id);
      const reply = await client.request({ ...body, id });
      await client.close();
      expect(reply).to.include({ id, status: 'OK', message: `served by ${requestRoutes[type].routingKey}` });
      const delivery = received.find((d) => (d.body as { id: string }).id === id);
      expect(delivery?.exchange).to.equal(requestRoutes[type].exchange);
      expect(delivery?.headers['x-request-id']).to.equal(id);
    });
  }

  it('delivers a reply only to the socket that sent the request, even when two sockets use the same id', async () => {
    const [a, b] = await Promise.all([TradingClient.connect(stack.gatewayUrl), TradingClient.connect(stack.gatewayUrl)]);
    answer.add('same-id');
    const replyA = await a.request({ id: 'same-id', type: 'USER_INFO', user_id: user });
    await new Promise((r) => setTimeout(r, 300));
    expect(replyA.status).to.equal('OK');
    expect(b.replies).to.have.length(0);
    expect(a.replies).to.have.length(1);
    await Promise.all([a.close(), b.close()]);
  });

  it('runs as several instances, each receiving only the replies to its own requests', async () => {
    const port = await freePort();
    const second = await stack.addInstance('gateway', { GATEWAY_PORT: String(port) });
    const [a, b] = await Promise.all([TradingClient.connect(stack.gatewayUrl), TradingClient.connect(`ws://127.0.0.1:${port}`)]);
    const ids = [`a-${randomUUID()}`, `b-${randomUUID()}`];
    for (const id of ids) answer.add(id);
    const [replyA, replyB] = await Promise.all([a.request({ ...samples.USER_INFO, id: ids[0] }), b.request({ ...samples.USER_INFO, id: ids[1] })]);
    await new Promise((r) => setTimeout(r, 300));
    expect([replyA.status, replyB.status]).to.deep.equal(['OK', 'OK']);
    expect(a.replies.map((r) => r.id)).to.deep.equal([ids[0]]);
    expect(b.replies.map((r) => r.id)).to.deep.equal([ids[1]]);
    await Promise.all([a.close(), b.close()]);
    await second.stop();
  });

  it('gives a request without id a generated one, echoed in its reply', async () => {
    const client = await TradingClient.connect(stack.gatewayUrl);
    const reply = await client.sendRaw(JSON.stringify({ type: 'BUY', user_id: user, symbol: 'BTC', amount: '-5' }));
    await client.close();
    expect(reply.id).to.be.a('string').and.not.equal('');
    expect(reply).to.include({ status: 'ERROR', code: 'INVALID_AMOUNT' });
  });

  it('answers every kind of bad input with its own ERROR and never publishes it', async () => {
    const client = await TradingClient.connect(stack.gatewayUrl);
    const before = received.length;
    const cases: Array<[string | Buffer, string]> = [
      ['{not json', 'INVALID_JSON'],
      [Buffer.from([1, 2, 3]), 'BINARY_FRAME'],
      [JSON.stringify({ id: 'u', type: 'TRANSFER' }), 'UNKNOWN_TYPE'],
      [JSON.stringify({ id: 'm', type: 'DEPOSIT', user_id: user }), 'INVALID_REQUEST'],
      [JSON.stringify({ id: 'w', type: 'DEPOSIT', user_id: 7, amount: '1' }), 'INVALID_REQUEST'],
      [JSON.stringify({ id: 'a', type: 'DEPOSIT', user_id: user, amount: '1e3' }), 'INVALID_AMOUNT'],
      [JSON.stringify({ id: 'z', type: 'WITHDRAW', user_id: user, amount: '0' }), 'INVALID_AMOUNT'],
    ];
    for (const [frame, code] of cases) {
      const reply = await client.sendRaw(frame);
      expect(reply, String(frame).slice(0, 40)).to.include({ status: 'ERROR', code });
      expect(reply.message).to.be.a('string').and.not.equal('');
    }
    await client.close();
    await new Promise((r) => setTimeout(r, 300));
    expect(received.length).to.equal(before);
  });

  it('turns a reply that does not come in time into REPLY_TIMEOUT, saying the outcome is unknown', async () => {
    const client = await TradingClient.connect(stack.gatewayUrl);
    const reply = await client.request({ ...samples.DEPOSIT, id: `unanswered-${randomUUID()}` });
    await client.close();
    expect(reply).to.include({ status: 'ERROR', code: 'REPLY_TIMEOUT' });
    expect(reply.message).to.match(/not known/);
  });

  it('serves the next request without a restart after the broker closes every connection', async () => {
    await rabbitmqctl('close_all_connections', '--vhost', testEnv().vhost, 'test: broker closes every connection');
    const client = await TradingClient.connect(stack.gatewayUrl);
    const id = `after-close-${randomUUID()}`;
    answer.add(id);
    let reply = await client.request({ ...samples.USER_INFO, id });
    for (let attempt = 0; reply.code === 'BROKER_BUSY' && attempt < 50; attempt += 1) {
      await new Promise((r) => setTimeout(r, 200));
      reply = await client.request({ ...samples.USER_INFO, id });
    }
    await client.close();
    expect(reply).to.include({ id, status: 'OK' });
  });

  it('reports broker and database reachability on GET /health', async () => {
    const res = await fetch(`${stack.gatewayUrl.replace('ws', 'http')}/health`);
    expect(res.status).to.equal(200);
    expect(await res.json()).to.deep.include({ broker: 'up', database: 'up' });
  });
});
