import { randomUUID } from 'node:crypto';
import { type Stack, startStack } from '@trading/testkit';
import { expect } from 'chai';
import { type Change, oneByOne } from './support/oneByOne.ts';
import { PaymentProbe } from './support/paymentProbe.ts';

/** A stream of changes in which about one WITHDRAW in four is refused, so a change applied out of turn shows. */
function changesOf(count: number): Change[] {
  return Array.from({ length: count }, (_, i) =>
    i % 3 === 2 ? { type: 'WITHDRAW', amount: String(1 + ((i * 7) % 13)) } : { type: i % 2 ? 'WITHDRAW' : 'DEPOSIT', amount: String(1 + ((i * 5) % 11)) },
  );
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The partitions move between Payment's instances while users send: a second instance joins (the first hands it half
 * of its partitions) and then the first is stopped (it hands the second the rest). Each user's requests are applied
 * in the order sent all along: every reply is what the same requests one by one would answer.
 */
describe('one account’s order while its partition moves between instances', function () {
  this.timeout(120_000);
  let stack: Stack | undefined;
  let probe: PaymentProbe | undefined;

  before(async function () {
    this.timeout(60_000);
    stack = await startStack(['payment'], { PARTITION_REBALANCE_MS: '100' });
    probe = await PaymentProbe.connect();
  });
  after(async function () {
    this.timeout(30_000);
    await probe?.close();
    await stack?.stop();
  });

  it('applies every user’s DEPOSITs and WITHDRAWs in the order sent, across a join and a SIGTERM', async () => {
    const p = probe!;
    const s = stack!;
    const users = await Promise.all(Array.from({ length: 16 }, () => p.addUser()));
    const changes = changesOf(150);
    const expected = oneByOne(changes);
    expect(expected.filter((r) => r.startsWith('ERROR')).length).to.be.greaterThan(20);

    let sending = true;
    const sent = new Map<string, string[]>();
    const streams = users.map(async (userId) => {
      const ids: string[] = [];
      sent.set(userId, ids);
      for (const change of changes) {
        ids.push(await p.send({ id: randomUUID(), user_id: userId, ...change }));
        await sleep(40);
      }
    });
    const moves = (async () => {
      const first = s.services.payment[0]!;
      await s.addInstance('payment');
      await sleep(1500);
      expect(sending, 'still sending when the first instance stops').to.equal(true);
      expect(await first.stop()).to.equal(0);
    })();
    await Promise.all(streams);
    sending = false;
    await moves;

    for (const userId of users) {
      const replies = await Promise.all(sent.get(userId)!.map((correlationId) => p.reply(correlationId)));
      expect(
        replies.map((r) => (r.status === 'OK' ? `OK ${r.balance}` : `ERROR ${r.code}`)),
        userId,
      ).to.deep.equal(expected);
    }
  });
});
