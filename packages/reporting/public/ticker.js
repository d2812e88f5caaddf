// The price lines' live feed: a WebSocket to the gateway's ticker feed (README, Streams), one SUBSCRIBE per symbol.
// Once the socket is open, it authenticates with a stream ticket that Reporting mints for this session (POST
// /api/stream-ticket, sent with the HttpOnly cookie): single-use, redeemed at once, held in a local variable only,
// never stored. It makes the socket a viewer (public feeds only) until its lease, which a new ticket extends halfway
// through. A socket that drops (a gateway restarting) is opened again after a growing, jittered pause, on the next
// gateway of the list, and follows the same symbols again. A 401 for a ticket means the session ended: `signedOut`.
const BACKOFF_FIRST_MS = 500;
const BACKOFF_MAX_MS = 15_000;
/** Errors of a SUBSCRIBE worth another try: the gateway or the broker was busy, not the symbol unknown. */
const TRANSIENT = new Set(['RATE_LIMITED', 'REPLY_TIMEOUT', 'BROKER_BUSY', 'SHUTTING_DOWN', 'INTERNAL']);

/**
 * Follows the ticker of each symbol `want` names. `onTick({ symbol, price, at (ms) })` hears every snapshot and
 * TICKER; `onGap()` a FEED_RECOVERED snapshot (ticks were lost: the page reloads its history); `onState('live' |
 * 'reconnecting')` the socket's state. Returns { want(symbols), asked(symbol), stop() }.
 */
export function followTicker({ onTick, onGap, onState, signedOut }) {
  const wanted = new Set();
  const asked = new Set(); // every symbol ever wanted, followed or refused
  const pending = new Map(); // request id → what to do with its reply
  let socket = null;
  let gateways = null; // GATEWAY_PUBLIC_URL, as the first ticket told it
  let live = false;
  let stopped = false;
  let attempt = 0;
  let gatewayIndex = 0;
  let renewal = null;
  let retry = null;
  let ids = 0;

  const send = (request, then) => {
    const id = `p${++ids}`;
    pending.set(id, then);
    socket.send(JSON.stringify({ id, ...request }));
  };
  const tick = (t) => t && onTick({ symbol: t.symbol, price: t.price, at: Date.parse(t.at) });

  function subscribe(symbol) {
    if (!live) return;
    send({ type: 'SUBSCRIBE', channel: 'ticker', symbol }, (reply) => {
      if (reply.status === 'OK') return tick(reply.snapshot);
      if (TRANSIENT.has(reply.code)) setTimeout(() => subscribe(symbol), 2000);
      else wanted.delete(symbol); // an unknown symbol, or past the socket's cap: not asked again
    });
  }

  /** A new ticket from Reporting; undefined (after telling signedOut or scheduling a retry) when there is none. */
  async function ticket() {
    const response = await fetch('/api/stream-ticket', { method: 'POST' }).catch(() => undefined);
    if (response?.status === 401) {
      stop();
      signedOut();
      return undefined;
    }
    return response?.ok ? response.json() : undefined;
  }

  /**
   * Opens a socket, then mints the ticket it logs in with: a gateway that cannot be reached costs no ticket (each is
   * audited). Only the first connection mints first, to learn the gateways' URLs.
   */
  async function connect() {
    retry = null;
    if (stopped) return;
    let minted = gateways ? undefined : await ticket();
    if (stopped) return;
    if (!gateways) {
      if (!minted) return reconnect();
      gateways = minted.gateways;
    }
    const ws = new WebSocket(gateways[gatewayIndex % gateways.length]);
    socket = ws;
    ws.onopen = async () => {
      minted ??= await ticket();
      if (socket !== ws) return;
      if (!minted) return ws.close();
      send({ type: 'LOGIN', stream_ticket: minted.ticket }, (reply) => (reply.status === 'OK' ? opened(reply) : ws.close()));
    };
    ws.onmessage = (message) => received(JSON.parse(message.data));
    ws.onclose = () => {
      if (socket === ws) reconnect();
    };
  }

  function opened(reply) {
    live = true;
    attempt = 0;
    onState('live');
    for (const symbol of wanted) subscribe(symbol);
    renewLater(reply.lease_until);
  }

  /** Halfway to the lease's end, a new ticket extends it; the socket ends at the lease if none came. */
  function renewLater(leaseUntil) {
    clearTimeout(renewal);
    renewal = setTimeout(
      async () => {
        const minted = await ticket();
        if (minted && live) send({ type: 'LOGIN', stream_ticket: minted.ticket }, (reply) => reply.status === 'OK' && renewLater(reply.lease_until));
      },
      Math.max(1000, (Date.parse(leaseUntil) - Date.now()) / 2),
    );
  }

  function received(message) {
    if (message.id !== undefined && pending.has(message.id)) {
      const then = pending.get(message.id);
      pending.delete(message.id);
      return then(message);
    }
    if (message.type === 'TICKER') return tick(message);
    if (message.type === 'SNAPSHOT') {
      tick(message.snapshot);
      return onGap();
    }
    // Ended by the gateway (a slow reader): a fresh subscription starts again from the latest price.
    if (message.type === 'UNSUBSCRIBED' && wanted.has(message.symbol)) setTimeout(() => subscribe(message.symbol), 1000);
  }

  function reconnect() {
    const wasLive = live;
    live = false;
    socket = null;
    pending.clear();
    clearTimeout(renewal);
    if (stopped || retry) return;
    onState('reconnecting');
    if (!wasLive) gatewayIndex += 1; // this gateway could not be reached: the next one, if there are several
    const delay = Math.min(BACKOFF_MAX_MS, BACKOFF_FIRST_MS * 2 ** attempt++);
    retry = setTimeout(connect, delay / 2 + Math.random() * (delay / 2));
  }

  function stop() {
    stopped = true;
    clearTimeout(renewal);
    clearTimeout(retry);
    const ws = socket;
    socket = null;
    live = false;
    ws?.close();
  }

  void connect();
  return {
    /** Follows these symbols too (those already followed are left as they are). */
    want(symbols) {
      for (const symbol of symbols) {
        if (asked.has(symbol)) continue;
        asked.add(symbol);
        wanted.add(symbol);
        subscribe(symbol);
      }
    },
    /** Whether `want` named the symbol already (followed, or refused by the gateway as unknown). */
    asked: (symbol) => asked.has(symbol),
    stop,
  };
}
