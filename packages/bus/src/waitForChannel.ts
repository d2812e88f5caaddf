import type { ConfirmChannel } from 'amqplib';
import type { BusState } from './busState.ts';

/** The publish channel, at once or once the connection is back; fails after `publishTimeoutMs`. */
export function waitForChannel(state: BusState): Promise<ConfirmChannel> {
  if (state.publishChannel) return Promise.resolve(state.publishChannel);
  const timeoutMs = state.options.publishTimeoutMs ?? 5000;
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      state.waiters = state.waiters.filter((w) => w !== waiter);
      reject(new Error(`no broker connection within ${timeoutMs} ms`));
    }, timeoutMs);
    const waiter = (channel: ConfirmChannel) => {
      clearTimeout(timer);
      resolve(channel);
    };
    state.waiters.push(waiter);
  });
}
