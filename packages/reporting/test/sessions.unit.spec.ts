import { expect } from 'chai';
import { createSessions } from '../src/http/sessions.ts';

const admin = { kind: 'admin' } as const;

describe('dashboard sessions', () => {
  let clock = 0;
  const sessions = (max = 3) => createSessions({ ttlMs: 1000, max, now: () => clock });
  beforeEach(() => {
    clock = 0;
  });

  it('names each session by 256 random bits and finds it until it expires', () => {
    const store = sessions();
    const id = store.open(admin);
    expect(Buffer.from(id, 'base64url')).to.have.length(32);
    expect(store.open(admin)).to.not.equal(id);
    clock = 999;
    expect(store.find(id)).to.deep.equal(admin);
    clock = 1000;
    expect(store.find(id)).to.equal(undefined);
  });

  it('forgets a closed session and an unknown id', () => {
    const store = sessions();
    const id = store.open(admin);
    store.close(id);
    expect(store.find(id)).to.equal(undefined);
    expect(store.find('not-a-session')).to.equal(undefined);
  });

  it('keeps at most `max` sessions: expired ones go first, then the oldest', () => {
    const store = sessions(2);
    const a = store.open(admin); // expires at 1000
    clock = 500;
    const b = store.open(admin); // expires at 1500
    clock = 1100;
    const c = store.open(admin); // `a` had expired: `b` stays
    expect([store.find(b), store.find(c)]).to.deep.equal([admin, admin]);
    const d = store.open(admin); // none expired: the oldest, `b`, ends
    expect([store.find(a), store.find(b), store.find(c), store.find(d)]).to.deep.equal([undefined, undefined, admin, admin]);
  });

  it("tells when a live session ends (a stream ticket's lease may not outlive it), and nothing of a closed or expired one", () => {
    const store = sessions();
    const id = store.open(admin);
    expect(store.endsAt(id)).to.equal(1000);
    clock = 1000;
    expect(store.endsAt(id)).to.equal(undefined);
    clock = 0;
    const closed = store.open(admin);
    store.close(closed);
    expect(store.endsAt(closed)).to.equal(undefined);
  });
});
