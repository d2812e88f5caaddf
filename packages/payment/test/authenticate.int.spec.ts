import { createHash, randomUUID } from 'node:crypto';
import { type Stack, startStack, waitFor } from '@trading/testkit';
import { expect } from 'chai';
import { PaymentProbe } from './support/paymentProbe.ts';

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/** A gateway's question "whose key is this?", answered by Payment, which owns the keys. */
describe("a gateway's key check", function () {
  this.timeout(60_000);
  let stack: Stack;
  let probe: PaymentProbe;

  before(async () => {
    stack = await startStack(['payment']);
    probe = await PaymentProbe.connect();
  });
  after(async () => {
    await probe?.close();
    await stack?.stop();
  });

  const answer = async (keySha256: string) => {
    const { correlationId } = await probe.authenticate(keySha256);
    return (await waitFor(() => probe.replies.find((d) => d.correlationId === correlationId))).body;
  };

  it("names the user of a live key, and nobody for an unknown, rotated-away or removed user's key", async () => {
    const first = sha256(randomUUID());
    const added = await probe.request({ type: 'ADD_USER' }, { newKeySha256: first });
    expect(await answer(first)).to.deep.equal({ type: 'Authenticated', user_id: added.user_id });
    expect(await answer(sha256(randomUUID()))).to.deep.equal({ type: 'Authenticated', user_id: null });
    const second = sha256(randomUUID());
    expect(await probe.request({ type: 'ROTATE_API_KEY', user_id: added.user_id }, { newKeySha256: second })).to.include({ status: 'OK' });
    expect(await answer(first)).to.deep.equal({ type: 'Authenticated', user_id: null });
    expect(await answer(second)).to.deep.equal({ type: 'Authenticated', user_id: added.user_id });
    expect(await probe.request({ type: 'REMOVE_USER', user_id: added.user_id })).to.include({ status: 'OK' });
    expect(await answer(second)).to.deep.equal({ type: 'Authenticated', user_id: null });
  });

  it('is dead-lettered unanswered when it does not come from a gateway, or holds no SHA-256', async () => {
    const notGateway = await probe.authenticate(sha256('x'), true);
    const malformed = await probe.authenticate("' OR 1=1 --");
    for (const { messageId, correlationId } of [notGateway, malformed]) {
      await waitFor(() => probe.deadLetters.find((d) => d.messageId === messageId));
      expect(probe.replies.find((d) => d.correlationId === correlationId)).to.equal(undefined);
    }
  });
});
