import { randomUUID } from 'node:crypto';
import { type Bus, connectBus } from '@trading/bus';
import { type DomainEvent, topology } from '@trading/contracts';
import { createLogger } from '@trading/platform';
import { testEnv, useStack, waitFor } from '@trading/testkit';
import { expect } from 'chai';
import { ADMIN_KEY, bearer } from './auth.ts';
import { publishEvents } from './scenario.ts';

describe('the live stream of stored events', function () {
  this.timeout(60_000);
  const stack = useStack(['reporting']);
  let bus: Bus;
  let stream: AbortController;

  before(async () => {
    bus = await connectBus({ url: testEnv().amqpUrl, logger: createLogger('test', 'silent'), service: 'test', topology, prefetch: 1 });
  });
  after(async () => {
    stream?.abort();
    await bus?.close();
  });

  it('sends an open dashboard every stored event once and in store order, however many events a batch holds', async () => {
    stream = new AbortController();
    const res = await fetch(`${stack().reportingUrl}/api/stream`, { signal: stream.signal, headers: bearer(ADMIN_KEY) });
    const seen: string[] = [];
    const seqs: number[] = [];
    void (async () => {
      const decoder = new TextDecoder();
      let text = '';
      for await (const chunk of res.body!) {
        text += decoder.decode(chunk as Uint8Array, { stream: true });
        const frames = text.split('\n\n');
        text = frames.pop()!;
        for (const frame of frames) {
          const data = frame.match(/^event: stored\ndata: (.*)$/m)?.[1];
          if (!data) continue;
          const { event } = JSON.parse(data) as { event: { user_id: string; seq: string } };
          seen.push(event.user_id);
          seqs.push(Number(event.seq));
        }
      }
    })().catch(() => undefined);

    // 100 events at once, each in a batch of its own, stored in a few transactions.
    const users: string[] = Array.from({ length: 100 }, () => randomUUID());
    const at = new Date().toISOString();
    const events: DomainEvent[] = users.map((user_id) => ({ type: 'FundsDeposited', user_id, at, amount: '1', available: '1' }));
    await Promise.all(events.map((event) => publishEvents(bus, [event])));

    await waitFor(() => (users.every((user) => seen.includes(user)) ? true : undefined), 20_000);
    expect(seen.filter((user) => users.includes(user))).to.have.length(users.length);
    expect(seqs, 'sequence numbers').to.deep.equal([...seqs].sort((a, b) => a - b));
  });
});
