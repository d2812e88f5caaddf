import { isIPv4, isIPv6 } from 'node:net';

/**
 * The client's address as one canonical text, and the key the per-address limits count by. uWS writes IPv6 in full
 * (`0000:…:ffff:7f00:0001`), Node and proxies compressed (`::ffff:127.0.0.1`); both must count as the same client.
 */

const decoder = new TextDecoder();

/** Decodes `res.getRemoteAddressAsText()` (or the socket's); call it at once, as uWS reuses the buffer. */
export function remoteAddressText(buffer: ArrayBuffer): string {
  return decoder.decode(buffer);
}

/** The eight 16-bit groups of an IPv6 address (zone id dropped), or undefined if `text` is not one. */
function ipv6Groups(text: string): number[] | undefined {
  const address = text.replace(/^\[(.*)\]$/, '$1').split('%')[0] ?? '';
  if (!isIPv6(address)) return undefined;
  const body = address.replace(/(\d+)\.(\d+)\.(\d+)\.(\d+)$/, (_, a, b, c, d) => `${((+a << 8) | +b).toString(16)}:${((+c << 8) | +d).toString(16)}`);
  const [head = '', tail] = body.split('::');
  const left = head === '' ? [] : head.split(':');
  const right = tail === undefined || tail === '' ? [] : tail.split(':');
  const zeros = tail === undefined ? [] : Array<string>(8 - left.length - right.length).fill('0');
  return [...left, ...zeros, ...right].map((group) => Number.parseInt(group, 16));
}

/** IPv4 as is; IPv4-mapped IPv6 as its IPv4; other IPv6 compressed and lower-case (RFC 5952); anything else as given. */
export function normaliseAddress(text: string): string {
  if (isIPv4(text)) return text;
  const groups = ipv6Groups(text);
  if (groups === undefined) return text;
  const [a = 0, b = 0, c = 0, d = 0, e = 0, f = 0, g = 0, h = 0] = groups;
  if (a === 0 && b === 0 && c === 0 && d === 0 && e === 0 && f === 0xffff) return `${g >> 8}.${g & 255}.${h >> 8}.${h & 255}`;
  return new URL(`http://[${groups.map((group) => group.toString(16)).join(':')}]`).hostname.slice(1, -1);
}

/** What the per-address limits count by: an IPv4 address, or the /64 an IPv6 address is in (one host often holds all of it). */
export function addressKey(text: string): string {
  const address = normaliseAddress(text);
  const groups = ipv6Groups(address);
  if (groups === undefined) return address;
  return `${normaliseAddress(
    groups
      .slice(0, 4)
      .concat(0, 0, 0, 0)
      .map((group) => group.toString(16))
      .join(':'),
  )}/64`;
}
