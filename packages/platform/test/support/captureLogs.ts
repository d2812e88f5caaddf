import { Writable } from 'node:stream';
import { createLogger } from '../../src/logger.ts';

/** A logger whose lines the test reads back as objects. */
export function captureLogs(level = 'debug') {
  const lines: Record<string, unknown>[] = [];
  const destination = new Writable({
    write(chunk, _encoding, done) {
      for (const line of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  return { logger: createLogger('test', level, destination), lines };
}
