import { UnreachableError } from '@trading/platform';
import amqp, { type ChannelModel } from 'amqplib';
import { brokerLocation, brokerUrlList } from './brokerUrl.ts';
import type { BusState } from './busState.ts';
import { setupConnection } from './setupConnection.ts';

/**
 * Reconnect attempts: 100 ms after the loss, then twice as long each time up to RECONNECT_MAX_DELAY_MS, each 20 %
 * either side of its step at random (never above the cap) so that many services do not knock in step. The cap keeps a
 * service at most 0.3 s behind a broker that accepts connections again (replies are OK again within 1 s:
 * RELIABILITY.md), at about four refused TCP connects a second while it stays down, which costs a broker nothing.
 * (The cap was 5 s: a service could wait that long.)
 */
export const RECONNECT_MAX_DELAY_MS = 300;
/**
 * A connection attempt silent this long (no TCP answer, or a handshake that stalls) is abandoned and the next one
 * scheduled: a hung attempt would hold every later one back (amqplib runs one at a time).
 */
const CONNECT_TIMEOUT_MS = 5000;

/**
 * Connects with automatic recovery: after every reconnect setupConnection re-creates the channels, the topology and
 * the consumers. Fails with one clear line (UnreachableError) when the broker cannot be reached or refuses the user.
 */
export async function connect(state: BusState): Promise<void> {
  const { options } = state;
  const urls = brokerUrlList(options.url).map((each) => {
    const url = new URL(each);
    if (!url.searchParams.has('heartbeat')) url.searchParams.set('heartbeat', String(options.heartbeatSeconds ?? 10));
    return url.toString();
  });
  try {
    // A list of URLs, each attempt (the first or a recovery) trying the next node: the amqplib patch (patches/README.md).
    state.connection = await amqp.connect(urls as unknown as string, {
      // Nagle's algorithm would hold a small write back until the broker's delayed ACK (up to 40 ms): a
      // reply or an ack waiting behind one. Writes are coalesced per pass instead (the amqplib patch).
      noDelay: true,
      timeout: CONNECT_TIMEOUT_MS,
      recovery: {
        initialDelay: 100,
        maxDelay: RECONNECT_MAX_DELAY_MS,
        factor: 2,
        jitter: 0.2,
        maxRetries: Infinity,
        initialMaxRetries: options.startAttempts ?? 3,
        setup: (model: ChannelModel) => setupConnection(state, model),
      },
    });
  } catch (err) {
    const where = urls.map(brokerLocation).join(', ');
    const { message } = err as Error;
    throw new UnreachableError(
      /ACCESS_REFUSED|NOT_FOUND|NOT_ALLOWED/.test(message)
        ? `RabbitMQ at ${where} refused ${state.username} (${message}); provision the broker first (npm start does, see SECURITY.md) or fix AMQP_URL(S)`
        : `cannot reach RabbitMQ at ${where} (${message}); start it (rabbitmq-server -detached) or set AMQP_URL(S)`,
    );
  }
  state.log.info('broker connected');
  watchConnection(state, state.connection);
}

/**
 * Logs the connection's losses (and tells the disconnect listeners), returns and errors, and follows the broker's
 * blocking of publishers.
 */
function watchConnection(state: BusState, connection: amqp.RecoveringChannelModel): void {
  connection.on('disconnect', (err: Error) => {
    state.model = null;
    state.publishChannel = null;
    state.log.warn({ err: err.message }, 'broker connection lost; reconnecting');
    for (const listener of state.disconnectListeners) listener();
  });
  connection.on('connect', () => state.log.info('broker reconnected'));
  connection.on('blocked', (reason: string) => {
    state.blocked = true;
    state.log.warn({ reason }, 'broker blocked publishing');
  });
  connection.on('unblocked', () => {
    state.blocked = false;
    state.log.info('broker unblocked publishing');
  });
  connection.on('error', (err: Error) => state.log.warn({ err: err.message }, 'broker connection error'));
}
