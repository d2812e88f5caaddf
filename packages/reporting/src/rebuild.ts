import { connectDatabase } from '@trading/db';
import { baseConfigShape, createLogger, loadConfig, ownDatabaseShape, ownDatabaseUrl, runMain } from '@trading/platform';
import { rebuildProjections } from './rebuildProjections.ts';

/** `pnpm rebuild-projections` (or `pnpm --filter @trading/reporting rebuild-projections`): recomputes every projection from the event store. */
runMain('reporting-rebuild', async () => {
  const config = loadConfig({ ...baseConfigShape, ...ownDatabaseShape('reporting') });
  const logger = createLogger('reporting-rebuild', config.LOG_LEVEL);
  const db = await connectDatabase({ url: ownDatabaseUrl(config, 'reporting'), poolMax: 1, logger, applicationName: 'trading-rebuild-projections' });
  const started = Date.now();
  const events = await rebuildProjections(db);
  logger.info({ events, ms: Date.now() - started }, 'projections rebuilt from the event store');
  await db.$disconnect();
});
