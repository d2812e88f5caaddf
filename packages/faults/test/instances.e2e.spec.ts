import { freePort, rabbitmqctl, testEnv } from '@trading/testkit';
import { expect } from 'chai';
import pg from 'pg';
import { definitiveReply, type RequestRecord } from '../src/index.ts';
import { runScenario, useScenarioStack } from './support/scenario.ts';

/** A gateway instance's queue, gateway.<host>-<pid>-<random> (a test's own reply queue is named otherwise). */
const GATEWAY_QUEUE = /^gateway\.[a-z0-9-]+-\d+-[0-9a-f]{6}$/;

/** The gateways' queues on the run's vhost, each with whether it is exclusive to its connection. */
async function gatewayQueues(): Promise<string[]> {
  const listed = await rabbitmqctl('list_queues', '-p', testEnv().vhost, 'name', 'exclusive', '--no-table-headers');
  return listed
    .split('\n')
    .map((line) => line.trim().split(/\s+/))
    .filter(([name]) => name !== undefined && GATEWAY_QUEUE.test(name))
    .map(([name, exclusive]) => `${name} ${exclusive}`);
}

/** Sagas of the load's users that Reporting saw completed more than once. */
async function sagasCompletedTwice(records: readonly RequestRecord[]): Promise<unknown[]> {
  const users = [...new Set(records.flatMap((r) => [r.body.user_id, definitiveReply(r)?.user_id]).filter((u) => typeof u === 'string'))];
  const db = new pg.Client({ connectionString: testEnv().databaseUrl });
  await db.connect();
  try {
    const { rows } = await db.query(
      `SELECT saga_id, count(*)::int AS completions FROM reporting.event
       WHERE type = 'SagaCompleted' AND user_id = ANY($1::uuid[]) GROUP BY saga_id HAVING count(*) > 1`,
      [users],
    );
    return rows;
  } finally {
    await db.end();
  }
}

describe('two instances of every service on one broker, under load from clients spread over both gateways', function () {
  this.timeout(120_000);
  const stack = useScenarioStack(() => ({ SAGA_TIMEOUT_MS: '8000' }));

  before(async function () {
    this.timeout(90_000);
    const s = stack();
    const [gatewayPort, reportingPort] = [await freePort(), await freePort()];
    await Promise.all([
      s.addInstance('gateway', { GATEWAY_PORT: String(gatewayPort) }),
      s.addInstance('payment'),
      s.addInstance('trade'),
      s.addInstance('reporting', { REPORTING_PORT: String(reportingPort) }),
    ]);
  });

  it('each gateway consumes on its own exclusive queue gateway.<instance>; one killed with SIGKILL, its clients move to the other and re-send by id, and every request ends with exactly one outcome', async () => {
    const s = stack();
    const queues = await gatewayQueues();
    expect(queues).to.have.length(2);
    for (const queue of queues) expect(queue, 'exclusive to its connection').to.match(/ true$/);
    const victim = s.services.gateway[0]!;
    const { summary } = await runScenario('gateway SIGKILL, one of two', s, () => victim.kill(), { requests: 300 });
    expect(summary.unknown).to.equal(0);
    expect(summary.failoverResends, 'requests re-sent on the other gateway').to.be.above(0);
    expect(await gatewayQueues(), 'the dead gateway’s queue went with its connection').to.have.length(1);
    await victim.start();
    expect(await gatewayQueues()).to.have.length(2);
  });

  it('one instance each of Payment and Trade stopped with SIGTERM drains what it holds and exits 0: nothing lost or doubled', async () => {
    const s = stack();
    const victims = [s.services.payment[0]!, s.services.trade[0]!];
    let exitCodes: (number | null)[] = [];
    const { summary } = await runScenario(
      'payment and trade SIGTERM, one of two each',
      s,
      async () => {
        exitCodes = await Promise.all(victims.map((v) => v.stop()));
      },
      { requests: 300 },
    );
    expect(exitCodes, 'exit codes after SIGTERM').to.deep.equal([0, 0]);
    expect(summary.unknown).to.equal(0);
    await Promise.all(victims.map((v) => v.start()));
  });

  it('one instance each of Payment, Trade and Reporting killed with SIGKILL: the survivors finish every saga exactly once, none stranded', async () => {
    const s = stack();
    const { summary, records } = await runScenario(
      'payment, trade and reporting SIGKILL, one of two each',
      s,
      async () => {
        await Promise.all([s.services.payment[0]!.kill(), s.services.trade[0]!.kill(), s.services.reporting[0]!.kill()]);
      },
      { requests: 300 },
    );
    expect(summary.unknown).to.equal(0);
    expect(await sagasCompletedTwice(records)).to.deep.equal([]);
  });
});
