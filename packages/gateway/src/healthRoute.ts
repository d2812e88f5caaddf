import type { HttpResponse } from 'uWebSockets.js';

export type HealthProbes = {
  broker: () => boolean;
  database: () => Promise<boolean>;
};

/**
 * GET /health: 200 {"status":"ok","broker":"up","database":"up"}, or 503 naming what is down.
 * onAborted is registered before the probe starts; the late write is corked.
 */
export function healthRoute(probes: HealthProbes): (res: HttpResponse) => void {
  return (res) => {
    let aborted = false;
    res.onAborted(() => {
      aborted = true;
    });
    void probes.database().then((databaseUp) => {
      if (aborted) return;
      const broker = probes.broker() ? 'up' : 'down';
      const database = databaseUp ? 'up' : 'down';
      const healthy = broker === 'up' && database === 'up';
      const body = JSON.stringify({ status: healthy ? 'ok' : 'unavailable', broker, database });
      res.cork(() => {
        res
          .writeStatus(healthy ? '200 OK' : '503 Service Unavailable')
          .writeHeader('content-type', 'application/json')
          .end(body);
      });
    });
  };
}
