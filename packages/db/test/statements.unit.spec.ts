import { expect } from 'chai';
import { assertDistinct, byPosition, batchedQuery, batchedWrite, columns, batchedStatements } from '../src/batching/index.ts';
import type { SqlClient } from '../src/sql.ts';

const fakeClient = (): SqlClient => ({ $executeRawUnsafe: async () => 0, $queryRawUnsafe: async <T>() => [] as T });

describe('coalesce', () => {
  it('runs the calls made side by side as one statement and answers each caller its own result', async () => {
    const statements: number[][] = [];
    const double = batchedQuery(async (items: readonly number[]) => {
      statements.push([...items]);
      return items.map((n) => n * 2);
    });
    expect(await Promise.all([1, 2, 3].map(double))).to.deep.equal([2, 4, 6]);
    expect(await double(4)).to.equal(8);
    expect(statements).to.deep.equal([[1, 2, 3], [4]]);
  });

  it('keeps every call, the same item twice included, so a statement sees what each caller asked', async () => {
    const statements: string[][] = [];
    const echo = batchedQuery(async (items: readonly string[]) => {
      statements.push([...items]);
      return items;
    });
    await Promise.all(['a', 'a'].map(echo));
    expect(statements).to.deep.equal([['a', 'a']]);
  });

  it('runs the writes made side by side as one statement and resolves each caller once it has run', async () => {
    const statements: string[][] = [];
    const write = batchedWrite(async (items: readonly string[]) => {
      statements.push([...items]);
    });
    expect(await Promise.all(['a', 'b'].map(write))).to.deep.equal([undefined, undefined]);
    expect(statements).to.deep.equal([['a', 'b']]);
  });

  it('fails every caller of a statement that fails', async () => {
    const failing = batchedQuery(async (_items: readonly number[]): Promise<number[]> => {
      throw new Error('statement failed');
    });
    const settled = await Promise.allSettled([1, 2].map(failing));
    expect(settled.map((s) => s.status)).to.deep.equal(['rejected', 'rejected']);
  });

  it('refuses a statement that would change one row twice', () => {
    expect(() => assertDistinct(['u1', 'u2'], (id) => id, 'account')).not.to.throw();
    expect(() => assertDistinct(['u1', 'u1'], (id) => id, 'account')).to.throw('one statement would change one account twice');
  });

  it('puts rows answered by input position back in input order, with a gap where nothing matched', () => {
    expect(
      byPosition(
        [
          { n: '3', v: 'c' },
          { n: '1', v: 'a' },
        ],
        3,
      ),
    ).to.deep.equal([{ n: '1', v: 'a' }, undefined, { n: '3', v: 'c' }]);
  });

  it('turns items into one array per column', () => {
    expect(
      columns(
        [
          { a: 1, b: 'x' },
          { a: 2, b: 'y' },
        ],
        [(i) => i.a, (i) => i.b],
      ),
    ).to.deep.equal([
      [1, 2],
      ['x', 'y'],
    ]);
  });

  it('binds one set of statements to each transaction', () => {
    const bound = batchedStatements(() => ({}));
    const [first, second] = [fakeClient(), fakeClient()];
    expect(bound(first)).to.equal(bound(first));
    expect(bound(first)).not.to.equal(bound(second));
  });
});
