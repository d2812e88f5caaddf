/** The user a broker URL connects as: its user name, or `guest` when it names none (as amqplib does). */
export function usernameOf(url: string): string {
  const { username } = new URL(url);
  return username ? decodeURIComponent(username) : 'guest';
}

/** The vhost a broker URL names: `/` when it names none. */
export function vhostOf(url: string): string {
  const { pathname } = new URL(url);
  return pathname.length > 1 ? decodeURIComponent(pathname.slice(1)) : '/';
}

/** The same broker, vhost and parameters as `url`, connecting as another user. */
export function withBrokerUser(url: string, user: string, password: string): string {
  const parsed = new URL(url);
  parsed.username = encodeURIComponent(user);
  parsed.password = encodeURIComponent(password);
  return parsed.toString();
}

/** Where a broker URL points, for a message: host, port and vhost, never the credentials. */
export function brokerLocation(url: string): string {
  const { hostname, port } = new URL(url);
  const vhost = vhostOf(url);
  return `${hostname}:${port || 5672}${vhost === '/' ? '' : ` vhost ${vhost}`}`;
}

/** One broker URL, or a cluster's nodes (AMQP_URLS): every one with the same user and vhost. */
export type BrokerUrls = string | readonly string[];

/** The URLs of `urls` as a list, checked to connect as one user to one vhost, so any node serves the same bus. */
export function brokerUrlList(urls: BrokerUrls): string[] {
  const list = typeof urls === 'string' ? [urls] : [...urls];
  const [first] = list;
  if (first === undefined) throw new Error('no broker URL');
  const mismatched = list.find((url) => usernameOf(url) !== usernameOf(first) || vhostOf(url) !== vhostOf(first));
  if (mismatched) throw new Error(`the broker URLs name different users or vhosts (${brokerLocation(first)}, ${brokerLocation(mismatched)})`);
  return list;
}
