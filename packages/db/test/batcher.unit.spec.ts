import { expect } from 'chai';
import { createBatcher } from '../src/batching/batcher.ts';

/** A batch runner that records its batches; items named "bad" make the batch they are in fail. */
function recordingRunner() {
  const batches: string[][] = [];
  const run = async (items: string[]) => {
    batches.push(items);
    await new Promise((resolve) => setTimeout(resolve, 5));
    if (items.includes('bad')) throw new Error('bad item');
    return items.map((item) => item.toUpperCase());
  };
  return { batches, run };
}

describe('batcher', () => {
  it('runs calls made together as one batch and answers each with its own result, in order', async () => {
    const { batches, run } = recordingRunner();
    const call = createBatcher(run, { maxBatch: 10 });
    const results = await Promise.all(['a', 'b', 'c'].map(call));
    expect(results).to.deep.equal(['A', 'B', 'C']);
    expect(batches).to.deep.equal([['a', 'b', 'c']]);
  });

  it('collects the calls made while a batch runs into the next batch, at most maxBatch at a time', async () => {
    const { batches, run } = recordingRunner();
    const call = createBatcher(run, { maxBatch: 2 });
    const first = call('a');
    await new Promise((resolve) => setImmediate(resolve));
    const rest = ['b', 'c', 'd'].map(call);
    expect(await Promise.all([first, ...rest])).to.deep.equal(['A', 'B', 'C', 'D']);
    expect(batches).to.deep.equal([['a'], ['b', 'c'], ['d']]);
  });

  it('with a linger, an idle batcher waits that long for more calls before it runs the batch', async () => {
    const { batches, run } = recordingRunner();
    const call = createBatcher(run, { maxBatch: 10, lingerMs: 30 });
    const first = call('a');
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(batches, 'nothing has run within the linger').to.deep.equal([]);
    const second = call('b');
    expect(await Promise.all([first, second])).to.deep.equal(['A', 'B']);
    expect(batches).to.deep.equal([['a', 'b']]);
  });

  it('never puts two items with the same key in one batch', async () => {
    const { batches, run } = recordingRunner();
    const call = createBatcher(run, { maxBatch: 10, keyOf: (item) => item.slice(0, 1) });
    await Promise.all(['a1', 'b1', 'a2', 'a3', 'c1'].map(call));
    expect(batches).to.deep.equal([['a1', 'b1', 'c1'], ['a2'], ['a3']]);
  });

  it('keeps a lane’s items in order, at most maxPerLane of them in a batch, and holds back the rest of a lane behind one that waits', async () => {
    const { batches, run } = recordingRunner();
    const call = createBatcher(run, { maxBatch: 10, keyOf: (item) => item, laneOf: (item) => item.slice(0, 1), maxPerLane: 2 });
    await Promise.all(['a1', 'a2', 'b1', 'a3', 'a1', 'b2', 'a4'].map(call));
    // a3 waits (two of lane a already); so does everything after it in lane a, the repeated a1 and a4 included.
    expect(batches).to.deep.equal([['a1', 'a2', 'b1', 'b2'], ['a3', 'a1'], ['a4']]);
  });

  it('holds back the rest of a lane behind an item whose key is taken, so the lane keeps its order', async () => {
    const { batches, run } = recordingRunner();
    const call = createBatcher(run, { maxBatch: 10, keyOf: (item) => item.slice(1), laneOf: (item) => item.slice(0, 1) });
    await Promise.all(['a1', 'b1', 'a2', 'c3'].map(call));
    expect(batches).to.deep.equal([['a1', 'a2', 'c3'], ['b1']]);
  });

  it('when a batch fails, runs its items one at a time: the bad one fails alone and its neighbours succeed', async () => {
    const { batches, run } = recordingRunner();
    const call = createBatcher(run, { maxBatch: 10 });
    const settled = await Promise.allSettled(['a', 'bad', 'c'].map(call));
    expect(settled.map((s) => (s.status === 'fulfilled' ? s.value : (s.reason as Error).message))).to.deep.equal(['A', 'bad item', 'C']);
    expect(batches).to.deep.equal([['a', 'bad', 'c'], ['a'], ['bad'], ['c']]);
  });

  it('runs one batch at a time, so no two batches run side by side', async () => {
    let running = 0;
    let most = 0;
    const call = createBatcher(
      async (items: number[]) => {
        running += 1;
        most = Math.max(most, running);
        await new Promise((resolve) => setTimeout(resolve, 10));
        running -= 1;
        return items;
      },
      { maxBatch: 1 },
    );
    await Promise.all([1, 2, 3, 4, 5, 6].map(call));
    expect(most).to.equal(1);
  });

  describe('with busy lanes', () => {
    /** A runner that logs when each batch starts and ends; items of lane h take 40 ms, the others 5 ms. */
    function timedRunner() {
      const log: string[] = [];
      let running = 0;
      let most = 0;
      const run = async (items: string[]) => {
        running += 1;
        most = Math.max(most, running);
        log.push(`start ${items.join(',')}`);
        await new Promise((resolve) => setTimeout(resolve, items.some((item) => item.startsWith('h')) ? 40 : 5));
        log.push(`end ${items.join(',')}`);
        running -= 1;
        return items.map((item) => item.toUpperCase());
      };
      return { log, run, most: () => most };
    }
    const lane = (item: string) => item.slice(0, 1);

    it('runs a busy lane’s batches beside the others’, so the others neither wait for them nor share them', async () => {
      const { log, run, most } = timedRunner();
      const call = createBatcher(run, { maxBatch: 10, keyOf: (item) => item, laneOf: lane, busyLanePerSecond: 3 });
      const hot = ['h1', 'h2', 'h3', 'h4'].map(call);
      await new Promise((resolve) => setTimeout(resolve, 10));
      const others = await Promise.all(['a1', 'b1'].map(call));
      expect(log.slice(-1), 'the others are answered while the busy lane’s batch still runs').to.deep.equal(['end a1,b1']);
      expect(await Promise.all(hot)).to.deep.equal(['H1', 'H2', 'H3', 'H4']);
      expect(others).to.deep.equal(['A1', 'B1']);
      expect(log).to.deep.equal(['start h1,h2,h3,h4', 'start a1,b1', 'end a1,b1', 'end h1,h2,h3,h4']);
      expect(most(), 'one batch of each kind at once').to.equal(2);
    });

    it('keeps a lane’s order as it turns busy: its next items wait for the batch that holds its earlier ones', async () => {
      const { log, run } = timedRunner();
      const call = createBatcher(run, { maxBatch: 10, keyOf: (item) => item, laneOf: lane, busyLanePerSecond: 3 });
      const first = ['h1', 'h2'].map(call);
      await new Promise((resolve) => setTimeout(resolve, 10));
      // h3 makes lane h busy while h1 and h2 run among the rest: h3 and h4 must not start beside them.
      const later = ['h3', 'h4', 'a1'].map(call);
      expect(await Promise.all([...first, ...later])).to.deep.equal(['H1', 'H2', 'H3', 'H4', 'A1']);
      expect(log).to.deep.equal(['start h1,h2', 'end h1,h2', 'start a1', 'start h3,h4', 'end a1', 'end h3,h4']);
    });

    it('treats a lane below the rate as any other: one batch at a time', async () => {
      const { log, run, most } = timedRunner();
      const call = createBatcher(run, { maxBatch: 10, keyOf: (item) => item, laneOf: lane, busyLanePerSecond: 5 });
      const first = ['h1', 'h2'].map(call);
      await new Promise((resolve) => setTimeout(resolve, 10));
      await Promise.all([...first, ...['a1', 'h3'].map(call)]);
      expect(log).to.deep.equal(['start h1,h2', 'end h1,h2', 'start a1,h3', 'end a1,h3']);
      expect(most()).to.equal(1);
    });

    it('a busy lane’s failed batch runs its items alone, in order, while the others’ batches go on', async () => {
      const batches: string[][] = [];
      const call = createBatcher(
        async (items: string[]) => {
          batches.push(items);
          await new Promise((resolve) => setTimeout(resolve, items.some((item) => item.startsWith('h')) ? 20 : 2));
          if (items.includes('hbad')) throw new Error('bad item');
          return items.map((item) => item.toUpperCase());
        },
        { maxBatch: 10, keyOf: (item) => item, laneOf: lane, busyLanePerSecond: 2 },
      );
      const settled = await Promise.allSettled(['h1', 'hbad', 'h3', 'a1'].map(call));
      expect(settled.map((s) => (s.status === 'fulfilled' ? s.value : (s.reason as Error).message))).to.deep.equal(['H1', 'bad item', 'H3', 'A1']);
      expect(batches.filter((batch) => batch[0]!.startsWith('h'))).to.deep.equal([['h1', 'hbad', 'h3'], ['h1'], ['hbad'], ['h3']]);
      expect(batches).to.deep.include(['a1']);
    });
  });
});
