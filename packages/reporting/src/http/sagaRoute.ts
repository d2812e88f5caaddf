import { isCleanId } from '@trading/contracts';
import { z } from 'zod';
import type { SagaKey, SagaLookup } from '../readSagaTimeline.ts';
import type { Json } from './apiRoutes.ts';

/** GET /api/sagas/<id>: one path segment, percent-encoded as any request id may need. */
export const SAGA_PATH = /^\/api\/sagas\/([^/]+)$/;

const uuid = z.uuid();

/** The saga id asked for, or null when it cannot be an order id nor a request id (bad encoding, too long, a control character). */
export function parseSagaKey(segment: string): SagaKey | null {
  let text: string;
  try {
    text = decodeURIComponent(segment);
  } catch {
    return null;
  }
  if (!isCleanId(text)) return null;
  return { text, uuid: uuid.safeParse(text).success ? text.toLowerCase() : null };
}

export const INVALID_SAGA_ID: Json = {
  status: 400,
  body: { code: 'INVALID_REQUEST', field: 'id', message: 'id: must be an order id or the request id of an order (1 to 128 characters, no control character)' },
};

/** A lookup as HTTP: 200 with the timeline, 409 AMBIGUOUS_REQUEST_ID with the order ids, or 404 SAGA_NOT_FOUND. */
export function sagaReply(lookup: SagaLookup): Json {
  if (lookup === null) return { status: 404, body: { code: 'SAGA_NOT_FOUND', message: 'no saga you may see has this order id or request id' } };
  if ('ambiguous' in lookup) {
    const message = 'several sagas were placed under this request id: ask by one of their order ids';
    return { status: 409, body: { code: 'AMBIGUOUS_REQUEST_ID', message, order_ids: lookup.ambiguous } };
  }
  return { status: 200, body: lookup.found };
}
