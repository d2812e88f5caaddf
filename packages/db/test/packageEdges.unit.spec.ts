import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';

const src = new URL('../src/', import.meta.url).pathname;

/** Every workspace package a .ts file under `dir` imports or re-exports, as `file: @trading/name`. */
function tradingImports(dir: string): string[] {
  const files = readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((file) => file.endsWith('.ts'));
  return files.flatMap((file) => {
    const text = readFileSync(join(dir, file), 'utf8');
    return [...text.matchAll(/(?:from|import)\s*\(?\s*['"](@trading\/[\w-]+)/g)].map((m) => `${file}: ${m[1]}`);
  });
}

describe('the database package', () => {
  it('imports nothing from the bus: the outbox and processOnce take a Publisher from @trading/contracts', () => {
    expect(tradingImports(src).filter((edge) => edge.endsWith('@trading/bus'))).to.deep.equal([]);
  });
});
