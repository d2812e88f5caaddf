import { ConfigError } from '@trading/platform';

/**
 * Which browser pages may open a socket. A browser always sends Origin; wscat and Node clients send none, and a
 * script outside a browser can send any, so the check stops only cross-site pages (CSWSH), never a determined client.
 */

/** `scheme://host[:port]`, lower-case, default port dropped; undefined for anything else (a path, user info, `null`). */
export function normaliseOrigin(text: string): string | undefined {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: an origin holding a control character is refused
  if (!/^https?:\/\/[^/?#@\\\s\x00-\x1f\x7f]+\/?$/i.test(text)) return undefined;
  try {
    const url = new URL(text);
    return url.username === '' && url.password === '' ? url.origin : undefined;
  } catch {
    return undefined;
  }
}

/**
 * No Origin header is allowed (uWS gives an absent header as ''); a present one only if it is in `allowList`
 * after both are normalised. `null` (sandboxed frames, file://) and anything unparseable are refused.
 */
export function originAllowed(origin: string | undefined, allowList: readonly string[]): boolean {
  if (origin === undefined || origin === '') return true;
  const normalised = normaliseOrigin(origin);
  return normalised !== undefined && allowList.some((allowed) => normaliseOrigin(allowed) === normalised);
}

/** The dashboard's own pages, served by Reporting on `reportingPort`. */
export function defaultAllowedOrigins(reportingPort: number): readonly string[] {
  return Object.freeze([`http://127.0.0.1:${reportingPort}`, `http://localhost:${reportingPort}`]);
}

/** ALLOWED_ORIGINS as written: comma-separated origins, normalised, blanks and duplicates dropped. A bad entry fails in one line. */
export function parseOriginList(raw: string): readonly string[] {
  const entries = raw
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '');
  const origins = entries.map((entry) => {
    const origin = normaliseOrigin(entry);
    if (origin === undefined) throw new ConfigError(`ALLOWED_ORIGINS: "${entry}" is not an origin such as https://example.com:8443`);
    return origin;
  });
  return Object.freeze([...new Set(origins)]);
}

/** ALLOWED_ORIGINS, or the dashboard's origins when it is unset or names none. */
export function parseAllowedOrigins(raw: string | undefined, reportingPort: number): readonly string[] {
  const origins = parseOriginList(raw ?? '');
  return origins.length > 0 ? origins : defaultAllowedOrigins(reportingPort);
}
