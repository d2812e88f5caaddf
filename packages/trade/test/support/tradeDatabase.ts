import { createPrismaClient, type PrismaClient } from '@trading/db';
import { testEnv } from '@trading/testkit';

/** A client on this run's database, to check what the Trade service stored. */
export function testDatabase(): PrismaClient {
  return createPrismaClient({ url: testEnv().databaseUrl, poolMax: 2 });
}

export async function sagasOf(prisma: PrismaClient, userId: string) {
  return prisma.saga.findMany({ where: { userId }, orderBy: { createdAt: 'asc' } });
}

export async function openSagaCount(prisma: PrismaClient): Promise<number> {
  return prisma.saga.count({ where: { state: { in: ['STARTED', 'CAPTURING', 'COMPENSATING'] } } });
}
