import { withinTimeBounds } from './bounds.ts';

/** Where a page of TRADES ends: the last trade's time and id. */
export type TradePosition = { executedAt: Date; id: string };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** Opaque to clients: the position of the last trade of a page, as TRADES returns it in `next_cursor`. */
export function encodeTradeCursor(position: TradePosition): string {
  return Buffer.from(JSON.stringify([position.executedAt.toISOString(), position.id])).toString('base64url');
}

/** The position a cursor names, or null if it is not one Trade made (its time inside 1970–9999 UTC included). */
export function decodeTradeCursor(cursor: string): TradePosition | null {
  try {
    const [at, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown[];
    const executedAt = new Date(String(at));
    const isUuid = typeof id === 'string' && UUID.test(id);
    return typeof at === 'string' && isUuid && withinTimeBounds(executedAt.getTime()) ? { executedAt, id } : null;
  } catch {
    return null;
  }
}
