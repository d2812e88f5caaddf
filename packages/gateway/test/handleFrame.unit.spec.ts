import { expect } from 'chai';
import { type FrameContext, handleFrame } from '../src/handleFrame.ts';
import { createPendingReplies } from '../src/pendingReplies.ts';
import { fakeBus, fakeClock, fakeConnection, flush, silentLogger } from './fakes.ts';

const USER = '6f1c7d0e-3b7a-4c1e-9a7e-1f2d3c4b5a69';
const text = (value: unknown) => new TextEncoder().encode(typeof value === 'string' ? value : JSON.stringify(value)).buffer as ArrayBuffer;

function setup(overrides: Partial<FrameContext> = {}) {
  const time = fakeClock();
  const broker = fakeBus();
  const socket = fakeConnection('session-1');
  let ids = 0;
  let accepting = true;
  const pending = createPendingReplies(time.clock, 1000, () => undefined);
  const ctx: FrameContext = {
    bus: broker.bus,
    pending,
    replyTo: 'gateway.instance-1',
    newId: () => `uuid-${++ids}`,
    logger: silentLogger,
    accepting: () => accepting,
    maxFrameBytes: 1024,
    maxInFlightPerSocket: 2,
    maxBufferedBytes: 4096,
    ...overrides,
  };
  const send = (frame: unknown, isBinary = false) => handleFrame(ctx, socket.connection, text(frame), isBinary);
  return { ctx, broker, socket, pending, send, stopAccepting: () => (accepting = false) };
}

describe('a client frame', () => {
  describe('that cannot be read', () => {
    it('replies INVALID_JSON with a generated id and publishes nothing', () => {
      const { send, socket, broker } = setup();
      send('{"id": 1,');
      expect(socket.sent).to.deep.equal([{ id: 'uuid-1', status: 'ERROR', code: 'INVALID_JSON', message: 'the frame is not valid JSON' }]);
      expect(broker.published).to.have.length(0);
    });

    it('replies BINARY_FRAME to a binary frame', () => {
      const { send, socket } = setup();
      send({ id: 'a', type: 'ADD_USER' }, true);
      expect(socket.sent[0]?.code).to.equal('BINARY_FRAME');
    });

    it('replies FRAME_TOO_LARGE above MAX_FRAME_BYTES without parsing it', () => {
      const { send, socket, broker } = setup();
      send({ id: 'a', type: 'ADD_USER', pad: 'x'.repeat(1024) });
      expect(socket.sent[0]).to.include({ id: 'uuid-1', code: 'FRAME_TOO_LARGE' });
      expect(broker.published).to.have.length(0);
    });
  });

  describe('that breaks a request rule', () => {
    it('replies with the code, field and rule, echoing the id and type', () => {
      const { send, socket, broker } = setup();
      send({ id: 'd1', type: 'DEPOSIT', user_id: USER, amount: '1.123456789' });
      expect(socket.sent[0]).to.include({ id: 'd1', type: 'DEPOSIT', status: 'ERROR', code: 'INVALID_AMOUNT', field: 'amount', rule: 'TOO_MANY_DECIMALS' });
      expect(broker.published).to.have.length(0);
    });

    it('replies UNKNOWN_TYPE to an unknown type', () => {
      const { send, socket } = setup();
      send({ id: 'u1', type: 'FLY' });
      expect(socket.sent[0]).to.include({ id: 'u1', code: 'UNKNOWN_TYPE', field: 'type' });
      expect(socket.sent[0]).to.not.have.property('type');
    });
  });

  describe('that is a valid request', () => {
    it('publishes it to its exchange and routing key with the reply address and session headers', () => {
      const { send, broker, pending, socket } = setup();
      send({ id: 7, type: 'BUY', user_id: USER, symbol: 'aapl', amount: '2', price: 10 });
      expect(broker.published).to.deep.equal([
        {
          exchange: 'api',
          routingKey: 'trade.buy',
          messageId: 'uuid-3',
          type: 'BUY',
          body: { id: 7, type: 'BUY', user_id: USER, symbol: 'AAPL', amount: '2', price: '10' },
          correlationId: 'uuid-2',
          replyTo: 'gateway.instance-1',
          headers: { 'x-session': 'session-1', 'x-request-id': '7' },
        },
      ]);
      expect(pending.countFor(socket.connection)).to.equal(1);
      expect(socket.sent).to.have.length(0);
    });

    it('gives a request without id the generated id, in the body and the header', () => {
      const { send, broker } = setup();
      send({ type: 'ADD_USER' });
      expect(broker.published[0]?.body).to.deep.equal({ id: 'uuid-1', type: 'ADD_USER' });
      expect(broker.published[0]?.headers).to.include({ 'x-request-id': 'uuid-1' });
    });

    it('replies BROKER_BUSY when the publish fails', async () => {
      const { send, broker, socket, pending } = setup();
      send({ id: 'a1', type: 'ADD_USER' });
      broker.settle[0]?.reject(new Error('channel closed'));
      await flush();
      expect(socket.sent).to.deep.equal([
        { id: 'a1', type: 'ADD_USER', status: 'ERROR', code: 'BROKER_BUSY', message: 'the message broker is not accepting messages right now; retry later' },
      ]);
      expect(pending.countFor(socket.connection)).to.equal(0);
    });

    it('sends nothing more when the publish fails after the request was already answered', async () => {
      const { send, broker, socket, pending } = setup();
      send({ id: 'a1', type: 'ADD_USER' });
      pending.take(broker.published[0]?.correlationId ?? '');
      broker.settle[0]?.reject(new Error('late failure'));
      await flush();
      expect(socket.sent).to.have.length(0);
    });
  });

  describe('that cannot be taken right now', () => {
    const request = { id: 'r1', type: 'ADD_USER' };

    it('replies BROKER_BUSY while the broker is disconnected', () => {
      const { send, broker, socket } = setup();
      broker.bus.connected = false;
      send(request);
      expect(socket.sent[0]).to.include({ id: 'r1', type: 'ADD_USER', code: 'BROKER_BUSY' });
      expect(broker.published).to.have.length(0);
    });

    it('replies BROKER_BUSY while the broker blocks publishers', () => {
      const { send, broker, socket } = setup();
      broker.bus.blocked = true;
      send(request);
      expect(socket.sent[0]?.code).to.equal('BROKER_BUSY');
    });

    it('replies RATE_LIMITED once the socket has MAX_IN_FLIGHT_PER_SOCKET requests waiting', () => {
      const { send, broker, socket } = setup();
      send({ id: 'r1', type: 'ADD_USER' });
      send({ id: 'r2', type: 'ADD_USER' });
      send({ id: 'r3', type: 'ADD_USER' });
      expect(broker.published).to.have.length(2);
      expect(socket.sent).to.have.length(1);
      expect(socket.sent[0]).to.include({ id: 'r3', code: 'RATE_LIMITED' });
    });

    it('replies RATE_LIMITED while the client leaves too many reply bytes unread', () => {
      const { send, broker, socket } = setup();
      socket.setBuffered(4097);
      send(request);
      expect(socket.sent[0]?.code).to.equal('RATE_LIMITED');
      socket.setBuffered(0);
      send({ id: 'r2', type: 'ADD_USER' });
      expect(broker.published).to.have.length(1);
    });

    it('replies SHUTTING_DOWN once shutdown began', () => {
      const { send, broker, socket, stopAccepting } = setup();
      stopAccepting();
      send(request);
      expect(socket.sent[0]).to.include({ id: 'r1', code: 'SHUTTING_DOWN' });
      expect(broker.published).to.have.length(0);
    });
  });
});
