import { randomBytes } from 'node:crypto';
import { brokerUsers, type ServiceName, serviceNames } from '@trading/contracts';
import { withBrokerUser } from './brokerUrl.ts';

/** Each service's broker password. */
export type BrokerPasswords = Readonly<Record<ServiceName, string>>;

/** The environment variable that sets a service's broker password: BROKER_PASSWORD_GATEWAY, BROKER_PASSWORD_PAYMENT, … */
export const brokerPasswordVariable = (service: ServiceName): string => `BROKER_PASSWORD_${service.toUpperCase()}`;

/** The documented development passwords (docker-compose, definitions.json, tests): for a broker of your own only. */
export const devBrokerPassword = (service: ServiceName): string => `changeme-${service}`;

/** A password for the life of one stack, never written anywhere. */
export const randomBrokerPassword = (): string => randomBytes(24).toString('base64url');

/** Each service's password from its variable in `env`, or from `fallback` when the variable is unset or empty. */
export function brokerPasswordsFrom(env: Readonly<Record<string, string | undefined>>, fallback: (service: ServiceName) => string): BrokerPasswords {
  return Object.fromEntries(serviceNames.map((service) => [service, env[brokerPasswordVariable(service)] || fallback(service)])) as BrokerPasswords;
}

/** The URL a service connects with: the broker, vhost and parameters of `url`, as the service's own user. */
export function serviceBrokerUrl(url: string, service: ServiceName, passwords: BrokerPasswords): string {
  return withBrokerUser(url, brokerUsers[service], passwords[service]);
}
