import { createHash, randomBytes } from 'node:crypto';

/** RabbitMQ's name for the hash below, written beside it in definitions. */
export const BROKER_PASSWORD_HASHING = 'rabbit_password_hashing_sha256';

/**
 * A password as RabbitMQ's internal users store it (rabbit_password_hashing_sha256): base64 of a 4-byte salt
 * followed by SHA-256(salt ‖ UTF-8 password). A fixed salt gives a stable hash, for a file kept in the repository.
 */
export function hashBrokerPassword(password: string, salt: Buffer = randomBytes(4)): string {
  if (salt.length !== 4) throw new Error('a RabbitMQ password salt is 4 bytes');
  const digest = createHash('sha256').update(salt).update(password, 'utf8').digest();
  return Buffer.concat([salt, digest]).toString('base64');
}
