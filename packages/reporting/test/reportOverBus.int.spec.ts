import { type Bus, connectBus } from '@trading/bus';
import { type Reply, topology } from '@trading/contracts';
import { createLogger } from '@trading/platform';
import { serviceAmqpUrl, testEnv, useStack } from '@trading/testkit';
import { expect } from 'chai';
import type { Report } from '../src/index.ts';
import { reportAsker } from './busReports.ts';
import { getJson, type Scenario } from './scenario.ts';
import { useScenario } from './useScenario.ts';

/** REPORT from the gateway: answered only by the principal the gateway stamped on it, refused with a reply. */
describe('REPORT over the bus, by the principal the gateway stamped', function () {
  this.timeout(60_000);
  const stack = useStack(['reporting']);
  const published = useScenario(stack);
  let gateway: Bus;
  let scenario: Scenario;
  let ask: Awaited<ReturnType<typeof reportAsker>>;
  const reportOf = (reply: Reply) => (reply as Reply & { report: Report }).report;

  before(async () => {
    gateway = await connectBus({
      url: serviceAmqpUrl(testEnv(), 'gateway'),
      logger: createLogger('test', 'silent'),
      service: 'gateway',
      topology,
      prefetch: 10,
    });
    ask = await reportAsker(gateway);
    scenario = published.scenario();
  });
  after(async () => {
    await gateway?.close();
  });

  it("answers a user's REPORT with its own figures, whether it names itself or not", async () => {
    const [a] = scenario.users;
    const expected = (await getJson<Report>(`${stack().reportingUrl}/api/report?user_id=${a}`)).body;
    for (const body of [{ id: 'r1' }, { id: 'r2', user_id: a }]) {
      const reply = await ask(gateway, body, `user:${a}`);
      expect(reply).to.include({ status: 'OK', type: 'REPORT' });
      expect(reportOf(reply)).to.deep.equal(expected);
    }
  });

  it("answers FORBIDDEN on api-response to a user's REPORT about another user", async () => {
    const [a, b] = scenario.users;
    expect(await ask(gateway, { id: 'r3', user_id: b }, `user:${a}`)).to.include({ id: 'r3', status: 'ERROR', code: 'FORBIDDEN', field: 'user_id' });
  });

  it('answers FORBIDDEN to a REPORT without a principal, with a malformed one, or stamped by anyone but a gateway', async () => {
    expect(await ask(gateway, { id: 'r4' })).to.include({ status: 'ERROR', code: 'FORBIDDEN' });
    expect(await ask(gateway, { id: 'r5' }, 'root')).to.include({ status: 'ERROR', code: 'FORBIDDEN' });
    expect(await ask(published.bus(), { id: 'r6' }, 'admin'), 'published by a test user, not the gateway').to.include({ status: 'ERROR', code: 'FORBIDDEN' });
  });

  it("answers the operator's REPORT, global or about any user", async () => {
    const [, b] = scenario.users;
    const global = await ask(gateway, { id: 'r7', from: scenario.start.toISOString() }, 'admin');
    expect(reportOf(global).users).to.be.at.least(2);
    const aboutB = await ask(gateway, { id: 'r8', user_id: b }, 'admin');
    expect(reportOf(aboutB)).to.deep.equal((await getJson<Report>(`${stack().reportingUrl}/api/report?user_id=${b}`)).body);
  });
});
