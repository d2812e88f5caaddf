/** The dashboard's session cookie: HttpOnly (no script reads it), SameSite=Strict (no other site's page sends it). */
export const SESSION_COOKIE = 'reporting_session';

/** The value of cookie `name` in a Cookie header, if there is one. */
export function readCookie(header: string | undefined, name: string): string | undefined {
  for (const pair of header?.split(';') ?? []) {
    const at = pair.indexOf('=');
    if (at > 0 && pair.slice(0, at).trim() === name) return pair.slice(at + 1).trim();
  }
  return undefined;
}

/** Set-Cookie for a session id, kept by the browser for `maxAgeMs`; an empty id and 0 delete the cookie. */
export function sessionCookie(id: string, maxAgeMs: number): string {
  return `${SESSION_COOKIE}=${id}; HttpOnly; SameSite=Strict; Path=/; Max-Age=${Math.floor(maxAgeMs / 1000)}`;
}
