import { databasesConfigShape, databaseUrlsByService, loadConfig, runMain } from '@trading/platform';
import { checkInvariants } from './invariants/checkInvariants.ts';

/*
 * `pnpm --filter @trading/faults check`: checks every invariant against the running stack's databases (each service's
 * <SERVICE>_DATABASE_URL, else DATABASE_URL, default postgresql://postgres@127.0.0.1:5432/trading), prints the JSON
 * report and exits 1 on any violation. Read-only, one connection per database: an audit tool, not a service.
 */
runMain('check', async () => {
  const report = await checkInvariants(databaseUrlsByService(loadConfig(databasesConfigShape)));
  process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  process.exitCode = report.ok ? 0 : 1;
});
