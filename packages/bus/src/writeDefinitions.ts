import { writeFileSync } from 'node:fs';
import { topology } from '@trading/contracts';
import { toDefinitions } from './definitions.ts';

/** Writes infra/rabbitmq/definitions.json from the topology declared in code. */
const target = new URL('../../../infra/rabbitmq/definitions.json', import.meta.url);
writeFileSync(target, `${JSON.stringify(toDefinitions(topology), null, 2)}\n`);
process.stdout.write(`wrote ${target.pathname}\n`);
