import { createTestEnv, destroyTestEnv, type TestEnv } from './isolation.ts';

/*
 * Mocha root hooks (registered by the root .mocharc.json): one database and one vhost per test run,
 * created before the first test and removed after the last, so runs never see each other's data.
 */
const state = globalThis as { tradingTestEnv?: TestEnv };

export function testEnv(): TestEnv {
  const env = state.tradingTestEnv;
  if (!env) throw new Error('the test environment is not ready: run the tests through mocha with the root .mocharc.json');
  return env;
}

export const mochaHooks = {
  async beforeAll(this: { timeout(ms: number): void }) {
    // Four `prisma migrate deploy` runs (one per service's migrations, at once) on a shared machine.
    this.timeout(300_000);
    state.tradingTestEnv = await createTestEnv();
  },
  async afterAll(this: { timeout(ms: number): void }) {
    this.timeout(60_000);
    const env = state.tradingTestEnv;
    if (env && !process.env.TEST_KEEP_ENV) await destroyTestEnv(env);
  },
};
