import type { ErrorCode } from '@trading/contracts';

export type DecodedFrame = { ok: true; value: unknown } | { ok: false; code: ErrorCode };

/**
 * A client frame as JSON, or why it cannot be read. Copies the bytes: uWS neuters them when the callback returns. (A
 * frame over MAX_FRAME_BYTES never gets here: uWS ends its connection, socketBehavior.ts.)
 */
export function decodeFrame(frame: ArrayBuffer, isBinary: boolean): DecodedFrame {
  if (isBinary) return { ok: false, code: 'BINARY_FRAME' };
  try {
    return { ok: true, value: JSON.parse(Buffer.from(frame).toString('utf8')) };
  } catch {
    return { ok: false, code: 'INVALID_JSON' };
  }
}
