import type { Reply } from '@trading/contracts';
import { expect } from 'chai';
import { faultFigures, type RequestRecord } from '../src/index.ts';

const FAULT_AT = 10_000;
const reply = (code?: string): Reply => (code ? { id: 'x', status: 'ERROR', code, message: 'no' } : { id: 'x', status: 'OK', message: 'done' }) as Reply;
/** A request sent at each of `sends`, its n-th send answered `answers[n]` after `waits[n]` ms. */
const record = (sends: number[], answers: (string | undefined)[], waits: number[]): RequestRecord => ({
  id: `r${sends[0]}`,
  client: 0,
  type: 'DEPOSIT',
  body: { id: `r${sends[0]}`, type: 'DEPOSIT' },
  sends,
  replies: answers.map((code, i) => ({ at: sends[i]! + waits[i]!, reply: reply(code) })),
});

describe('the figures of a load around a fault', () => {
  it('times the first OK and the last failure of the requests sent after the fault, and the longest wait of any send', () => {
    const figures = faultFigures(
      [
        record([9_000], [undefined], [100]), // before the fault: OK, not counted as the first OK after it
        record([9_900, 20_000], ['REPLY_TIMEOUT', undefined], [5_000, 300]), // in flight at the fault, re-sent with its id
        record([10_200], ['REPLY_TIMEOUT'], [5_050]), // sent after the fault, failed: all OK only after it
        record([10_500], [undefined], [700]), // the first OK after the fault, answered at 11_200
        record([10_800], ['INSUFFICIENT_FUNDS'], [50]), // a business refusal is a normal answer
      ],
      FAULT_AT,
    );
    expect(figures).to.deep.equal({
      sends: 6,
      unanswered: 0,
      longestWaitMs: 5_050,
      answersByCode: { OK: 3, REPLY_TIMEOUT: 2, INSUFFICIENT_FUNDS: 1 },
      firstOkMs: 1_200,
      allOkMs: 200,
      failures: 2,
      failuresBy5s: { '+0s': 1, '+5s': 1 },
    });
  });

  it('counts a send never answered as unanswered and as a failure after the fault; no failure means all OK at once', () => {
    expect(faultFigures([record([10_100, 11_000], ['BROKER_BUSY'], [10])], FAULT_AT)).to.include({ unanswered: 1, allOkMs: 1_000, firstOkMs: null });
    expect(faultFigures([record([10_100], [undefined], [10])], FAULT_AT)).to.include({ unanswered: 0, allOkMs: 0, failures: 0, firstOkMs: 110 });
  });
});
