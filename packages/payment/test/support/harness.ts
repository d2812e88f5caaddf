import type { PrismaClient } from '@trading/db';
import { type Stack, startStack } from '@trading/testkit';
import { testDatabase } from './database.ts';
import { PaymentProbe } from './paymentProbe.ts';

export type PaymentHarness = { stack: Stack; probe: PaymentProbe; prisma: PrismaClient };

/**
 * For a mocha suite: the Payment service as a process, a probe that talks to it over the bus, and a client on the
 * run's database, set up before the suite's tests and closed after them. Its fields are there from `before` on.
 */
export function usePaymentHarness(): PaymentHarness {
  const harness = {} as PaymentHarness;
  before(async () => {
    harness.stack = await startStack(['payment']);
    harness.probe = await PaymentProbe.connect();
    harness.prisma = testDatabase();
  });
  after(async () => {
    await harness.prisma?.$disconnect();
    await harness.probe?.close();
    await harness.stack?.stop();
  });
  return harness;
}
