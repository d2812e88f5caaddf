import type { Reply } from '@trading/contracts';
import { expect } from 'chai';
import { type RequestRecord, recoveryFigures } from '../src/index.ts';

const answer = (id: string, code?: string): Reply =>
  code ? ({ id, status: 'ERROR', message: code, code } as Reply) : { id, status: 'OK', message: 'deposited' };

/** A DEPOSIT sent at `sentAt` whose first answer (OK, or the code) came at `answeredAt` (none if undefined). */
function record(id: string, sentAt: number, answeredAt?: number, code?: string): RequestRecord {
  return {
    id,
    client: 0,
    type: 'DEPOSIT',
    body: { id, type: 'DEPOSIT' },
    sends: [sentAt],
    replies: answeredAt === undefined ? [] : [{ at: answeredAt, reply: answer(id, code) }],
  };
}

const times = { from: 1000, faultAt: 2000, acceptsAt: 6000 };

describe('recovery figures', () => {
  it('count the first answers by code, the longest wait and the requests in flight when the fault began', () => {
    const figures = recoveryFigures(
      [
        record('setup', 500, 600),
        record('a', 1900, 1950),
        record('b', 1990, 2100, 'REPLY_LOST'),
        record('c', 3000, 3001, 'BROKER_BUSY'),
        record('d', 6100, 6400),
        record('e', 6200, 6300),
      ],
      times,
    );
    expect(figures).to.deep.include({ requests: 5, inFlightAtFault: 1, longestWaitMs: 300, unanswered: 0 });
    expect(figures.answers).to.deep.equal({ OK: 3, REPLY_LOST: 1, BROKER_BUSY: 1 });
  });

  it('time the first OK after the broker accepts connections, and the first of the OK answers that follow every failure', () => {
    const figures = recoveryFigures(
      [
        record('a', 5000, 5001, 'BROKER_BUSY'),
        record('b', 6050, 6250),
        record('c', 6100, 6110, 'BROKER_BUSY'),
        record('d', 6200, 6700),
        record('e', 6300, 6500),
      ],
      times,
    );
    expect(figures.firstOkMs).to.equal(250);
    expect(figures.allOkMs).to.equal(700);
  });

  it('count a request never answered, and leave the recovery times undefined while the last one fails', () => {
    const figures = recoveryFigures([record('a', 1500), record('b', 6500, 6600, 'BROKER_BUSY')], times);
    expect(figures).to.deep.include({ unanswered: 1, firstOkMs: undefined, allOkMs: undefined });
  });
});
