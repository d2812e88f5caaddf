import type { PrismaClient } from '@trading/db';
import { expect } from 'chai';
import { testDatabase } from './support/database.ts';

describe('the payment ledger', () => {
  let prisma: PrismaClient;
  before(() => {
    prisma = testDatabase();
  });
  after(() => prisma.$disconnect());

  it('is append-only: the database refuses to update, delete or truncate its rows', async () => {
    for (const sql of ['UPDATE payment.ledger SET kind = kind', 'DELETE FROM payment.ledger', 'TRUNCATE payment.ledger']) {
      const refusal = await prisma.$executeRawUnsafe(sql).then(
        () => undefined,
        (err: Error) => err.message,
      );
      expect(refusal, sql).to.match(/append-only/);
    }
  });
});
