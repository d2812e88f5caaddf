import { checkHealth, type HealthProbes } from '@trading/platform';
import type { HttpResponse } from 'uWebSockets.js';

/**
 * GET /health: 200 {"status":"ok","broker":"up","database":"up"}, or 503 naming what is down; the same answer as
 * the operator port's (checkHealth). onAborted is registered before the probe starts; the late write is corked.
 */
export function healthRoute(probes: HealthProbes): (res: HttpResponse) => void {
  return (res) => {
    let aborted = false;
    res.onAborted(() => {
      aborted = true;
    });
    void checkHealth(probes).then(({ healthy, ...health }) => {
      if (aborted) return;
      const body = JSON.stringify(health);
      res.cork(() => {
        res
          .writeStatus(healthy ? '200 OK' : '503 Service Unavailable')
          .writeHeader('content-type', 'application/json')
          .end(body);
      });
    });
  };
}
