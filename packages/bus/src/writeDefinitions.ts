import { writeFileSync } from 'node:fs';
import { topology } from '@trading/contracts';
import { brokerPasswordsFrom, devBrokerPassword } from './brokerPasswords.ts';
import { toDefinitions } from './definitions.ts';

/**
 * Writes infra/rabbitmq/definitions.json from the topology declared in code, with the service users: their passwords
 * from BROKER_PASSWORD_<SERVICE>, else the documented development ones (what docker-compose.yml gives the services).
 */
const target = new URL('../../../infra/rabbitmq/definitions.json', import.meta.url);
const passwords = brokerPasswordsFrom(process.env, devBrokerPassword);
writeFileSync(target, `${JSON.stringify(toDefinitions(topology, '/', passwords), null, 2)}\n`);
process.stdout.write(`wrote ${target.pathname}\n`);
