import type { z } from 'zod';
import type { ErrorCode } from './errorCodes.ts';
import { type RequestId, type RequestInput, requestIdSchema, requestRoutes, requestSchemas, type RequestType, type RoutedRequestType } from './requests.ts';

export type RequestRejection = { code: ErrorCode; message: string; field?: string; rule?: string };
export type ParsedRequest = { ok: true; request: RequestInput } | { ok: false; id?: RequestId; error: RequestRejection };

export function isRequestType(type: unknown): type is RequestType {
  return typeof type === 'string' && Object.hasOwn(requestSchemas, type);
}

/** A type a service answers (not one the gateway answers itself: LOGIN, SUBSCRIBE, UNSUBSCRIBE). */
export function isRoutedRequestType(type: unknown): type is RoutedRequestType {
  return typeof type === 'string' && Object.hasOwn(requestRoutes, type);
}

/**
 * Validates a decoded client request against its type's schema. A request without `id` gets `fallbackId`.
 * The result is not authorised yet: `authorize` (principal.ts) decides whom it acts for.
 * The rejection names the first broken field and, for amounts, the money rule it broke.
 */
export function parseRequest(raw: unknown, fallbackId: string): ParsedRequest {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    return { ok: false, error: { code: 'INVALID_REQUEST', message: 'a request must be a JSON object' } };
  }
  const record = raw as Record<string, unknown>;
  const idCheck = requestIdSchema.safeParse(record.id ?? fallbackId);
  if (!idCheck.success) {
    return {
      ok: false,
      error: {
        code: 'INVALID_REQUEST',
        field: 'id',
        message: 'id must be 1 to 128 characters without control characters or lone surrogates, or a safe integer',
      },
    };
  }
  const id = idCheck.data;
  if (!isRequestType(record.type)) {
    const known = Object.keys(requestSchemas).join(', ');
    const message = record.type === undefined ? `type is missing; one of ${known}` : `unknown type; one of ${known}`;
    return { ok: false, id, error: { code: 'UNKNOWN_TYPE', field: 'type', message } };
  }
  const parsed = (requestSchemas[record.type] as z.ZodType<RequestInput>).safeParse({ ...record, id });
  if (parsed.success) return { ok: true, request: parsed.data };
  return { ok: false, id, error: describeIssue(parsed.error.issues[0], record) };
}

function describeIssue(issue: z.core.$ZodIssue | undefined, raw: Record<string, unknown>): RequestRejection {
  if (!issue) return { code: 'INVALID_REQUEST', message: 'invalid request' };
  if (issue.code === 'unrecognized_keys') {
    return { code: 'INVALID_REQUEST', field: issue.keys[0], message: `unknown field(s): ${issue.keys.join(', ')}` };
  }
  const field = issue.path.join('.');
  const rule = issue.code === 'custom' ? (issue.params as { rule?: string } | undefined)?.rule : undefined;
  const missing = issue.path.length === 1 && raw[String(issue.path[0])] === undefined;
  const message = missing ? `${field}: is required` : `${field}: ${issue.message}`;
  if (rule) return { code: 'INVALID_AMOUNT', field, rule, message };
  return { code: 'INVALID_REQUEST', field, message };
}
