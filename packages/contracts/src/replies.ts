import type { ErrorCode } from './errorCodes.ts';
import { errorCodes } from './errorCodes.ts';
import type { RequestId, RequestType } from './requests.ts';

/**
 * A reply as the client sees it. The seed's fields (`id`, `status`, `message` and the per-type ones such as
 * `user_id` and `amount`) are always kept; `type` and `code` are added, and each type may add its own fields.
 */
export type Reply = {
  id: RequestId;
  type?: RequestType;
  status: 'OK' | 'ERROR';
  message: string;
  code?: ErrorCode;
  [field: string]: unknown;
};

export function okReply(id: RequestId, type: RequestType, message: string, fields: Record<string, unknown> = {}): Reply {
  return { id, type, status: 'OK', message, ...fields };
}

export function errorReply(
  id: RequestId,
  type: RequestType | undefined,
  code: ErrorCode,
  message: string = errorCodes[code].message,
  fields: Record<string, unknown> = {},
): Reply {
  return { id, ...(type ? { type } : {}), status: 'ERROR', code, message, ...fields };
}
