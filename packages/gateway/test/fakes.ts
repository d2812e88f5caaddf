import type { Bus } from '@trading/bus';
import type { Delivery, OutgoingMessage, Reply } from '@trading/contracts';
import { createLogger } from '@trading/platform';
import type { Clock } from '../src/clock.ts';
import type { Connection, Identity } from '../src/connection.ts';

/** The identity of an operator's socket, the default of fakeConnection. */
export const operator: Identity = { principal: { kind: 'admin' }, keyHash: 'f'.repeat(64) };

export const silentLogger = createLogger('gateway-test', 'silent');

/** A clock whose timers fire only when the test advances it. */
export function fakeClock() {
  let now = 0;
  const timers: { at: number; callback: () => void; done: boolean }[] = [];
  const clock: Clock = {
    schedule(callback, delayMs) {
      const timer = { at: now + delayMs, callback, done: false };
      timers.push(timer);
      return { cancel: () => void (timer.done = true) };
    },
  };
  return {
    clock,
    advance(ms: number): void {
      now += ms;
      for (const timer of timers.filter((t) => !t.done && t.at <= now).sort((a, b) => a.at - b.at)) {
        timer.done = true;
        timer.callback();
      }
    },
    active: () => timers.filter((t) => !t.done).length,
  };
}

/** A socket that records what it was sent, as the client would read it back. */
export function fakeConnection(sessionId = 'session-1', identity: Identity = operator) {
  const sent: Reply[] = [];
  const ended: { code: number; reason: string }[] = [];
  let buffered = 0;
  const connection: Connection = {
    sessionId,
    remoteAddress: '127.0.0.1',
    identity,
    send: (body) => void sent.push(JSON.parse(JSON.stringify(body)) as Reply),
    bufferedAmount: () => buffered,
    end: (code, reason) => void ended.push({ code, reason }),
    subscribe: () => true,
    unsubscribe: () => true,
  };
  return { connection, sent, ended, setBuffered: (bytes: number) => void (buffered = bytes) };
}

/** A bus that records publishes; each publish settles when the test says so. */
export function fakeBus() {
  const published: OutgoingMessage[] = [];
  const settle: Array<{ resolve: () => void; reject: (err: Error) => void }> = [];
  const bus: Pick<Bus, 'publish' | 'connected' | 'blocked'> & { connected: boolean; blocked: boolean } = {
    connected: true,
    blocked: false,
    publish(message) {
      published.push(message);
      return new Promise((resolve, reject) => settle.push({ resolve, reject }));
    },
  };
  return { bus, published, settle };
}

/** Lets promise callbacks (a publish's then/catch) run. */
export const flush = () => new Promise((resolve) => setImmediate(resolve));

/** Payment's answer on this gateway's reply key, as the bus delivers it (published by Payment's broker user). */
export function paymentAnswer(body: unknown, correlationId: string | undefined, fields: Partial<Delivery> = {}): Delivery {
  return {
    body,
    correlationId,
    messageId: 'm',
    type: 'Reply',
    replyTo: undefined,
    headers: {},
    exchange: 'payment-response',
    routingKey: 'gateway.instance-1',
    redelivered: false,
    deliveryCount: 0,
    schemaVersion: 2,
    userId: 'trading-payment',
    ...fields,
  };
}
