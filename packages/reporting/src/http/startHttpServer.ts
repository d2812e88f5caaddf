import { createServer, type Server } from 'node:http';
import { once } from 'node:events';
import type { Logger } from '@trading/platform';
import { sendJson } from './replies.ts';
import { type RouteDeps, route } from './routes.ts';

export type HttpServer = { port: number; close: () => Promise<void> };

/** The reports API and the dashboard over node:http: JSON errors with stable codes. */
export async function startHttpServer(deps: RouteDeps & { logger: Logger; host: string; port: number }): Promise<HttpServer> {
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://reporting');
    route(deps, req, res, url).catch((err: Error) => {
      deps.logger.error({ err: err.message, path: url.pathname }, 'request failed');
      if (!res.headersSent) sendJson(res, 500, { code: 'INTERNAL', message: 'internal error' });
      else res.end();
    });
  });
  server.listen(deps.port, deps.host);
  await once(server, 'listening');
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : deps.port;
  return {
    port,
    close: () =>
      new Promise<void>((resolve) => {
        deps.stream.close();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
