import { errorCodes } from '@trading/contracts';
import type { RequestRecord } from './records.ts';

/** How a load lived through one fault, for test logs and RELIABILITY.md. Times in ms. */
export type FaultFigures = {
  /** Sends of the whole load: first sends and re-sends with the same id. */
  sends: number;
  /** Sends that never got an answer: a request left hanging (the client gave up waiting). */
  unanswered: number;
  /** The longest any send waited for its answer. */
  longestWaitMs: number;
  /** Every answer, by its code (`OK`, or the error code). */
  answersByCode: Record<string, number>;
  /** From the fault to the first OK answer to a request sent after it (null: none). */
  firstOkMs: number | null;
  /**
   * From the fault to the first request from which on every request was answered normally, not by a failure of ours
   * (an unavailable-kind code: REPLY_TIMEOUT, BROKER_BUSY, SAGA_TIMEOUT…); 0 when no request sent after the fault
   * failed. Business refusals (INSUFFICIENT_FUNDS…) are normal answers.
   */
  allOkMs: number;
  /** Answers that were failures of ours, in all. */
  failures: number;
  /** Those failures by when they were answered, in 5-second steps from the fault (`+0s`, `+5s`…; `-5s` before it). */
  failuresBy5s: Record<string, number>;
};

const failed = (code: string | undefined) => code !== undefined && code in errorCodes && errorCodes[code as keyof typeof errorCodes].kind === 'unavailable';

/**
 * The figures of `records` around a fault that struck at `faultAt` (epoch ms). A record's n-th answer is taken as its
 * n-th send's: a client re-sends a request only once its previous send has been answered.
 */
export function faultFigures(records: readonly RequestRecord[], faultAt: number): FaultFigures {
  const answersByCode: Record<string, number> = {};
  let sends = 0;
  let unanswered = 0;
  let longestWaitMs = 0;
  let firstOkAt = Infinity;
  let lastFailedSend = -Infinity;
  let failures = 0;
  const failuresBy5s: Record<string, number> = {};
  for (const record of records) {
    record.sends.forEach((sentAt, i) => {
      sends += 1;
      const answer = record.replies[i];
      if (!answer) {
        unanswered += 1;
        if (sentAt >= faultAt) lastFailedSend = Math.max(lastFailedSend, sentAt);
        return;
      }
      const code = answer.reply.code ?? answer.reply.status;
      answersByCode[code] = (answersByCode[code] ?? 0) + 1;
      longestWaitMs = Math.max(longestWaitMs, answer.at - sentAt);
      if (failed(answer.reply.code)) {
        failures += 1;
        const step = `${answer.at < faultAt ? '-' : '+'}${Math.floor(Math.abs(answer.at - faultAt) / 5000) * 5}s`;
        failuresBy5s[step] = (failuresBy5s[step] ?? 0) + 1;
        if (sentAt >= faultAt) lastFailedSend = Math.max(lastFailedSend, sentAt);
      }
      if (answer.reply.status === 'OK' && sentAt >= faultAt) firstOkAt = Math.min(firstOkAt, answer.at);
    });
  }
  return {
    sends,
    unanswered,
    longestWaitMs,
    answersByCode,
    firstOkMs: Number.isFinite(firstOkAt) ? firstOkAt - faultAt : null,
    allOkMs: Number.isFinite(lastFailedSend) ? lastFailedSend - faultAt : 0,
    failures,
    failuresBy5s,
  };
}
