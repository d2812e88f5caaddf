import { expect } from 'chai';
import type { Authentication } from '../src/authenticator.ts';
import { recheckKeys } from '../src/recheckKeys.ts';
import { fakeConnection, operator, silentLogger } from './fakes.ts';

const ALICE = '6f1c7d0e-3b7a-4c1e-9a7e-1f2d3c4b5a69';
const BOB = '0b6f0e5e-1f2a-4c3b-8d4e-5f6a7b8c9d0e';
const user = (userId: string, keyHash: string) => ({ principal: { kind: 'user' as const, userId }, keyHash });

function setup(answers: Record<string, Authentication>) {
  const asked: string[] = [];
  let cleared = false;
  const authenticator = {
    clear: () => void (cleared = true),
    check: async (keyHash: string) => {
      asked.push(keyHash);
      return answers[keyHash] ?? { ok: false as const, code: 'UNAUTHENTICATED' as const };
    },
  };
  return { authenticator, asked, cleared: () => cleared };
}

describe('the keys of open sockets re-checked after the broker connection came back', () => {
  it('closes the sockets of a key revoked meanwhile, keeps the others, and asks once per key', async () => {
    const { authenticator, asked, cleared } = setup({ ['a'.repeat(64)]: { ok: true, principal: { kind: 'user', userId: ALICE }, keyHash: 'a'.repeat(64) } });
    const alice1 = fakeConnection('a1', user(ALICE, 'a'.repeat(64)));
    const alice2 = fakeConnection('a2', user(ALICE, 'a'.repeat(64)));
    const bob = fakeConnection('b', user(BOB, 'b'.repeat(64)));
    const admin = fakeConnection('o', operator);
    await recheckKeys(
      authenticator,
      [alice1, alice2, bob, admin].map((s) => s.connection),
      silentLogger,
    );
    expect(cleared()).to.equal(true);
    expect(asked.sort()).to.deep.equal(['a'.repeat(64), 'b'.repeat(64)]);
    expect(bob.ended).to.deep.equal([{ code: 1008, reason: 'api key revoked' }]);
    expect([...alice1.ended, ...alice2.ended, ...admin.ended]).to.have.length(0);
  });

  it('closes nothing when Payment cannot be asked right now', async () => {
    const { authenticator } = setup({ ['b'.repeat(64)]: { ok: false, code: 'REPLY_TIMEOUT' } });
    const bob = fakeConnection('b', user(BOB, 'b'.repeat(64)));
    await recheckKeys(authenticator, [bob.connection], silentLogger);
    expect(bob.ended).to.have.length(0);
  });
});
