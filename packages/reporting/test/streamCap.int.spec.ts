import { useStack, waitFor } from '@trading/testkit';
import { expect } from 'chai';
import { ADMIN_KEY, bearer } from './auth.ts';

describe('the live stream with REPORTING_STREAM_MAX_CLIENTS=2', function () {
  this.timeout(60_000);
  const stack = useStack(['reporting'], { REPORTING_STREAM_MAX_CLIENTS: '2' });
  const open: AbortController[] = [];
  const openStream = async (): Promise<Response> => {
    const controller = new AbortController();
    open.push(controller);
    return fetch(`${stack().reportingUrl}/api/stream`, { signal: controller.signal, headers: bearer(ADMIN_KEY) });
  };
  after(() => {
    for (const controller of open) controller.abort();
  });

  it('refuses a third client with 503 TOO_MANY_STREAMS, and serves one again once a client leaves', async () => {
    const first = await openStream();
    const second = await openStream();
    expect([first.status, second.status]).to.deep.equal([200, 200]);

    const third = await openStream();
    expect(third.status).to.equal(503);
    expect(third.headers.get('retry-after')).to.equal('5');
    expect(await third.json()).to.include({ code: 'TOO_MANY_STREAMS' });

    open[0]!.abort();
    const again = await waitFor(async () => {
      const res = await openStream();
      if (res.status === 200) return res;
      await res.body?.cancel();
      return undefined;
    }, 10_000);
    expect(again.headers.get('content-type')).to.equal('text/event-stream');
  });
});
