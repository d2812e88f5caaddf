import { baseConfigShape, loadConfig, runMain } from '@trading/platform';
import { checkInvariants } from './invariants/checkInvariants.ts';

/*
 * `pnpm --filter @trading/faults check`: checks every invariant against the running stack's database
 * (DATABASE_URL, default postgresql://postgres@127.0.0.1:5432/trading), prints the JSON report and exits 1 on
 * any violation. Read-only across the payment, trade and reporting schemas: an audit tool, not a service.
 */
runMain('check', async () => {
  const config = loadConfig({ DATABASE_URL: baseConfigShape.DATABASE_URL });
  const report = await checkInvariants(config.DATABASE_URL);
  process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  process.exitCode = report.ok ? 0 : 1;
});
