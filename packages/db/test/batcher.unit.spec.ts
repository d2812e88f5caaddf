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
});
