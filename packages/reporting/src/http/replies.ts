import type { ServerResponse } from 'node:http';
import type { ErrorCode } from '@trading/contracts';

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store', ...headers }).end(JSON.stringify(body));
}

export function sendError(res: ServerResponse, status: number, code: ErrorCode, message: string, headers: Record<string, string> = {}): void {
  sendJson(res, status, { code, message }, headers);
}

/** 401 with the challenge RFC 6750 names: no key, or one nobody holds (unknown, revoked, expired session). */
export function sendUnauthenticated(res: ServerResponse): void {
  const message = 'an api key is required: send Authorization: Bearer <api_key>, or log in to the dashboard';
  sendError(res, 401, 'UNAUTHENTICATED', message, { 'www-authenticate': 'Bearer' });
}

export function sendForbidden(res: ServerResponse, message: string): void {
  sendError(res, 403, 'FORBIDDEN', message);
}
