import { createPrismaClient, type PrismaClient } from '@trading/db';
import { testEnv } from '@trading/testkit';

/** A client on this run's database, to read what the service wrote. */
export function testDatabase(): PrismaClient {
  return createPrismaClient({ url: testEnv().databaseUrl, poolMax: 2 });
}

export async function ledgerOf(prisma: PrismaClient, userId: string) {
  return prisma.ledgerEntry.findMany({ where: { userId }, orderBy: { id: 'asc' } });
}
