import { setImmediate as yieldToIo, setTimeout as sleep } from 'node:timers/promises';
import { waitFor } from '@trading/testkit';
import { expect } from 'chai';
import { STREAM_LIMITS } from '../src/http/liveStream.ts';
import { countEvents, openSilentClient, serveLiveStream } from './streamClients.ts';

const FRAME = { pad: 'x'.repeat(1000) };

describe('a live stream client that does not read', function () {
  this.timeout(60_000);

  it('is dropped once its unsent bytes reach the bound, while a reading client keeps receiving every event', async () => {
    const live = await serveLiveStream({});
    try {
      const reading = await fetch(live.url);
      const received = countEvents(reading.body!, 'tick');
      const silent = await openSilentClient(live.port);
      await waitFor(() => (live.responses.length === 2 ? true : undefined), 5_000);
      const [reader, slow] = live.responses as [(typeof live.responses)[0], (typeof live.responses)[0]];

      let sent = 0;
      let mostBuffered = 0;
      while (!slow.destroyed && sent < 40_000) {
        live.stream.broadcast('tick', FRAME);
        sent += 1;
        mostBuffered = Math.max(mostBuffered, slow.writableLength);
        if (sent % 16 === 0) await yieldToIo();
        while (reader.writableLength > 64 * 1024) await sleep(1);
      }
      expect(slow.destroyed, `dropped after ${sent} events`).to.equal(true);
      expect(mostBuffered, 'the silent client held at most the bound').to.be.at.most(STREAM_LIMITS.maxBufferedBytes);
      for (let i = 0; i < 100; i += 1) live.stream.broadcast('tick', FRAME);
      await waitFor(() => (received.count() === sent + 100 ? true : undefined), 10_000);

      const drops = live.lines.filter((line) => line.msg === 'live stream client dropped: it does not read');
      expect(drops).to.have.length(1);
      expect(drops[0]).to.include({ reason: 'buffer full', clients: 1 });
      expect(live.stream.watched()).to.equal(true);
      silent.resume();
      await Promise.race([waitFor(() => (silent.destroyed ? true : undefined), 5_000), sleep(5_000)]);
      expect(silent.destroyed, 'the silent client was disconnected').to.equal(true);
    } finally {
      await live.close();
    }
  });

  it('is dropped when it has not drained within the timeout, even below the byte bound', async () => {
    const live = await serveLiveStream({ maxBufferedBytes: 64 * 1024 * 1024, drainTimeoutMs: 300 });
    try {
      const silent = await openSilentClient(live.port);
      await waitFor(() => (live.responses.length === 1 ? true : undefined), 5_000);
      const slow = live.responses[0]!;
      while (slow.writableLength === 0) {
        for (let i = 0; i < 64; i += 1) live.stream.broadcast('tick', FRAME);
        await yieldToIo();
      }
      await waitFor(() => (slow.destroyed ? true : undefined), 5_000);
      expect(live.lines.filter((line) => line.reason === 'not drained')).to.have.length(1);
      expect(live.stream.watched()).to.equal(false);
      silent.destroy();
    } finally {
      await live.close();
    }
  });
});
