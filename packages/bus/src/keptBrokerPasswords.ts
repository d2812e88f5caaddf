import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { serviceNames } from '@trading/contracts';
import { type BrokerPasswords, brokerPasswordsFrom } from './brokerPasswords.ts';

/**
 * The broker passwords a checkout's `npm start` made, kept in `file` (readable by its user only), so that its next
 * start and the tests of the same checkout set the users' passwords to the same values: broker users are global, and
 * a test run provisioning other passwords would leave a running stack unable to reconnect. BROKER_PASSWORD_<SERVICE>
 * wins; a service missing from the file gets `fallback`, and with `keep` the file is written with it.
 */
export function keptBrokerPasswords(
  file: string,
  env: Readonly<Record<string, string | undefined>>,
  fallback: (service: (typeof serviceNames)[number]) => string,
  keep: boolean,
): BrokerPasswords {
  const kept = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as Record<string, string>) : {};
  const passwords = brokerPasswordsFrom(env, (service) => kept[service] || fallback(service));
  if (keep && serviceNames.some((service) => kept[service] !== passwords[service])) {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, `${JSON.stringify(passwords, null, 2)}\n`, { mode: 0o600 });
  }
  return passwords;
}
