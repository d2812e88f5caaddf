/**
 * Input bounds every field is held to before it becomes a key, a query parameter or a row: what PostgreSQL would
 * refuse (a NUL, a lone surrogate, a timestamp out of its range) is refused at the gateway, with the field named.
 */

/** Times and cursors lie in [1970-01-01, 10000-01-01) UTC. */
const EARLIEST = Date.UTC(1970, 0, 1);
const LATEST = Date.UTC(10_000, 0, 1);

export const MAX_ID_CODE_POINTS = 128;

/** A time in milliseconds inside the bounds. */
export const withinTimeBounds = (ms: number): boolean => Number.isFinite(ms) && ms >= EARLIEST && ms < LATEST;

/** C0 and C1 control characters and DEL. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: it finds the control characters an id may not hold
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
/** A high surrogate not followed by a low one, or a low one not preceded by a high one. */
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** 1 to 128 code points, well-formed UTF-16 (no lone surrogate), no control character. */
export function isCleanId(text: string): boolean {
  if (LONE_SURROGATE.test(text) || CONTROL.test(text)) return false;
  const codePoints = [...text].length;
  return codePoints >= 1 && codePoints <= MAX_ID_CODE_POINTS;
}
