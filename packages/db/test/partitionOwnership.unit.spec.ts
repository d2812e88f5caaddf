import { expect } from 'chai';
import { partitionLockClass, planPartitions } from '../src/partitionOwnership.ts';

describe('planPartitions', () => {
  it('a single instance wants all the partitions, tried from its offset round to the one before it', () => {
    expect(planPartitions({ partitions: 8, members: 1, owned: [], offset: 5 })).to.deep.equal({ fairShare: 8, take: [5, 6, 7, 0, 1, 2, 3, 4], give: [] });
  });

  it('the fair share is ceil(P / members): 4 of 8 for two, 3 for three, 1 for eight and for more', () => {
    expect(planPartitions({ partitions: 8, members: 2, owned: [], offset: 0 }).fairShare).to.equal(4);
    expect(planPartitions({ partitions: 8, members: 3, owned: [], offset: 0 }).fairShare).to.equal(3);
    expect(planPartitions({ partitions: 8, members: 8, owned: [], offset: 0 }).fairShare).to.equal(1);
    expect(planPartitions({ partitions: 8, members: 11, owned: [], offset: 0 }).fairShare).to.equal(1);
  });

  it('counts no members as one (it is itself a member)', () => {
    expect(planPartitions({ partitions: 8, members: 0, owned: [], offset: 0 }).fairShare).to.equal(8);
  });

  it('below the fair share, tries only the partitions it does not own, in order from its offset', () => {
    expect(planPartitions({ partitions: 8, members: 2, owned: [1, 6], offset: 6 })).to.deep.equal({ fairShare: 4, take: [7, 0, 2, 3, 4, 5], give: [] });
  });

  it('at the fair share, does nothing', () => {
    expect(planPartitions({ partitions: 8, members: 2, owned: [0, 1, 2, 3], offset: 3 })).to.deep.equal({ fairShare: 4, take: [], give: [] });
    expect(planPartitions({ partitions: 8, members: 3, owned: [6, 7], offset: 3 }).take).to.have.length(6);
  });

  it('above the fair share, gives up one partition a tick, the highest-numbered, and takes none', () => {
    expect(planPartitions({ partitions: 8, members: 2, owned: [0, 1, 2, 3, 4, 5, 6, 7], offset: 0 })).to.deep.equal({ fairShare: 4, take: [], give: [7] });
    expect(planPartitions({ partitions: 8, members: 3, owned: [5, 0, 2, 3], offset: 0 })).to.deep.equal({ fairShare: 3, take: [], give: [5] });
  });

  it('an offset outside 0 … P-1 still names every partition once', () => {
    expect(planPartitions({ partitions: 4, members: 1, owned: [], offset: 9 }).take).to.deep.equal([1, 2, 3, 0]);
    expect(planPartitions({ partitions: 4, members: 1, owned: [], offset: -1 }).take).to.deep.equal([3, 0, 1, 2]);
  });
});

describe('partitionLockClass', () => {
  it('is a fixed signed 32-bit integer per group, different between groups', () => {
    const payment = partitionLockClass('payment');
    expect(partitionLockClass('payment')).to.equal(payment);
    expect(payment).to.not.equal(partitionLockClass('trade'));
    for (const group of ['payment', 'trade', 'a', 'zzzzzzzz']) {
      const classid = partitionLockClass(group);
      expect(Number.isInteger(classid) && classid >= -(2 ** 31) && classid < 2 ** 31, group).to.equal(true);
    }
  });
});
