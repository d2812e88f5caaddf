import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';

const packages = new URL('../../', import.meta.url).pathname;

/** Every workspace package a .ts file under packages/<name>/src imports or re-exports, as `file: @trading/name`. */
function tradingImports(name: string): string[] {
  const dir = join(packages, name, 'src');
  const files = readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((file) => file.endsWith('.ts') && !file.includes('generated'));
  return files.flatMap((file) => {
    const text = readFileSync(join(dir, file), 'utf8');
    return [...text.matchAll(/(?:from|import)\s*\(?\s*['"](@trading\/[\w-]+)/g)].map((m) => `${file}: ${m[1]}`);
  });
}

/** The package edges as drawn: which workspace packages each of these may not import. */
const forbidden: Record<string, { why: string; edges: (edge: string) => boolean }> = {
  platform: { why: 'the lowest package, which the bus and the database share', edges: () => true },
  contracts: { why: 'every service shares it, and it depends on none of them', edges: () => true },
  db: { why: 'the outbox and processOnce take a Publisher from @trading/contracts', edges: (edge) => edge.endsWith('@trading/bus') },
};

describe('the package edges', () => {
  for (const [name, { why, edges }] of Object.entries(forbidden)) {
    it(`${name} imports no workspace package it may not: ${why}`, () => {
      expect(tradingImports(name).filter(edges)).to.deep.equal([]);
    });
  }
});
