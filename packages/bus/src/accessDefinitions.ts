import { brokerPermissions, brokerTopicPermissions, brokerUsers, serviceNames } from '@trading/contracts';
import type { BrokerPasswords } from './brokerPasswords.ts';
import { BROKER_PASSWORD_HASHING, hashBrokerPassword } from './hashBrokerPassword.ts';

/**
 * The service users with their password hashes, and their permissions and topic permissions on `vhost`, in
 * RabbitMQ's definitions format. `saltFor` fixes each user's salt (a stable file); by default every hash is salted at
 * random. No user gets a tag: none may use the management UI, and none may impersonate another (`impersonator`).
 */
export function toAccessDefinitions(vhost: string, passwords: BrokerPasswords, saltFor?: (user: string) => Buffer) {
  return {
    users: serviceNames.map((service) => {
      const name = brokerUsers[service];
      const password_hash = hashBrokerPassword(passwords[service], ...(saltFor ? [saltFor(name)] : []));
      return { name, password_hash, hashing_algorithm: BROKER_PASSWORD_HASHING, tags: [] as string[], limits: {} };
    }),
    permissions: serviceNames.map((service) => ({ user: brokerUsers[service] as string, vhost, ...brokerPermissions[service] })),
    topic_permissions: serviceNames.flatMap((service) => brokerTopicPermissions[service].map((topic) => ({ user: brokerUsers[service], vhost, ...topic }))),
  };
}
