import type { IncomingMessage } from 'node:http';

/**
 * Whether a browser sent this request from a page of another origin: its Origin header (sent with every POST and
 * DELETE) names another host than the one the request was sent to, or the browser says so. Without Origin the
 * request did not come from another site's page. Only the host is compared, so a TLS proxy in front still matches.
 */
export function isCrossSite(req: IncomingMessage): boolean {
  if (req.headers['sec-fetch-site'] === 'cross-site') return true;
  const origin = req.headers.origin;
  if (origin === undefined) return false;
  try {
    const url = new URL(origin);
    return !(url.protocol === 'http:' || url.protocol === 'https:') || url.host !== req.headers.host;
  } catch {
    return true;
  }
}
