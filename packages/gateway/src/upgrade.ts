import { errorCodes, type ErrorCode } from '@trading/contracts';
import type { Logger } from '@trading/platform';
import type { HttpRequest, HttpResponse, us_socket_context_t } from 'uWebSockets.js';
import type { Authenticator } from './authenticator.ts';
import type { Identity, SocketData } from './connection.ts';
import { originAllowed } from './originPolicy.ts';
import type { AddressLimits } from './addressLimits.ts';
import { normaliseAddress, remoteAddressText } from './remoteAddress.ts';

export type UpgradeContext = {
  authenticator: Pick<Authenticator, 'authenticate'>;
  allowedOrigins: readonly string[];
  /** Open sockets per address; the operator is not counted against the cap. */
  addressLimits: Pick<AddressLimits, 'atCap'>;
  logger: Logger;
};

const BEARER = /^Bearer[ \t]+([\x21-\x7e]{1,256})$/i;

/**
 * The WebSocket upgrade, where a connection is let in or not: a browser page from an origin outside the allow-list
 * is refused (403), an address at its cap of sockets is refused (429), and an `Authorization: Bearer <api_key>`
 * header is checked before the socket exists (401 for a wrong or revoked key). Without the header the socket opens
 * anonymous, and must LOGIN or ADD_USER. Headers are copied at once; late writes are corked; an aborted upgrade is left alone.
 */
export function upgradeHandler(ctx: UpgradeContext) {
  return (res: HttpResponse, req: HttpRequest, context: us_socket_context_t): void => {
    const handshake = ['sec-websocket-key', 'sec-websocket-protocol', 'sec-websocket-extensions'].map((name) => req.getHeader(name)) as [
      string,
      string,
      string,
    ];
    const origin = req.getHeader('origin');
    const authorization = req.getHeader('authorization');
    const remoteAddress = normaliseAddress(remoteAddressText(res.getRemoteAddressAsText()));
    let aborted = false;
    res.onAborted(() => {
      aborted = true;
    });
    const refuse = (status: string, code: ErrorCode, message: string = errorCodes[code].message) => {
      if (aborted) return;
      res.cork(() => {
        res.writeStatus(status).writeHeader('content-type', 'application/json');
        if (code === 'UNAUTHENTICATED') res.writeHeader('www-authenticate', 'Bearer');
        res.end(JSON.stringify({ status: 'ERROR', code, message }));
      });
    };
    const open = (identity: Identity | undefined) => {
      if (aborted) return;
      if (identity?.principal.kind !== 'admin' && ctx.addressLimits.atCap(remoteAddress))
        return refuse('429 Too Many Requests', 'RATE_LIMITED', 'too many connections from this address');
      const data: Omit<SocketData, 'connection'> = { identity, remoteAddress };
      res.cork(() => res.upgrade(data, ...handshake, context));
    };

    if (!originAllowed(origin, ctx.allowedOrigins)) return refuse('403 Forbidden', 'FORBIDDEN', 'pages from this origin may not open a socket here');
    if (authorization === '') return open(undefined);
    const apiKey = BEARER.exec(authorization)?.[1];
    if (!apiKey) return refuse('401 Unauthorized', 'UNAUTHENTICATED', 'the Authorization header must be "Bearer <api_key>"');
    void ctx.authenticator.authenticate(apiKey).then((result) => {
      if (result.ok) return open({ principal: result.principal, keyHash: result.keyHash });
      if (result.code === 'UNAUTHENTICATED') return refuse('401 Unauthorized', 'UNAUTHENTICATED', 'unknown or revoked api key');
      refuse('503 Service Unavailable', result.code);
    });
  };
}
