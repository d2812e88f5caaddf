import { ConfigError } from '@trading/platform';
import uWS, { type TemplatedApp, type us_listen_socket } from 'uWebSockets.js';

/** uSockets' LIBUS_LISTEN_EXCLUSIVE_PORT; the fork's typings declare the option only as a type. */
const EXCLUSIVE_PORT = 1;

type ListenWithOptions = (host: string, port: number, options: number, cb: (socket: us_listen_socket | false) => void) => TemplatedApp;

/**
 * Listens without SO_REUSEPORT, so a second process on the same port fails here instead of silently
 * sharing its connections. Resolves with the listen socket (kept to close it at shutdown) and the bound port;
 * a port in use fails start with one line, like any other wrong setting.
 */
export function listen(app: TemplatedApp, host: string, port: number): Promise<{ socket: us_listen_socket; port: number }> {
  return new Promise((resolve, reject) => {
    (app.listen as unknown as ListenWithOptions).call(app, host, port, EXCLUSIVE_PORT, (socket) => {
      if (socket) resolve({ socket, port: uWS.us_socket_local_port(socket) });
      else reject(new ConfigError(`cannot listen on ${host}:${port} (GATEWAY_HOST, GATEWAY_PORT): the port is in use or the address is not local`));
    });
  });
}
