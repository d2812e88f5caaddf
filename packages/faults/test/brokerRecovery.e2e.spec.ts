import { expect } from 'chai';
import { summarize } from '../src/index.ts';
import { type BrokerFault, measureRecovery, REPLY_TIMEOUT_MS, type RecoveryOptions, useRecoveryStack } from './support/recoveryScenario.ts';

/*
 * These faults stop or kill a whole RabbitMQ node: the suite runs its own (recovery-1@localhost, AMQP 5711), never
 * the system broker. `npm test` runs the first scenario; `pnpm --filter @trading/faults recovery` runs them all.
 */
const FULL = process.env.RECOVERY_SUITE === 'full';

/** A request's first answer may come this much after its reply timeout: timers and a loaded machine. */
const ANSWER_MARGIN_MS = 750;
/** Replies are OK again this soon after the broker accepts connections. */
const RECOVERED_WITHIN_MS = 1000;

const scenarios: RecoveryOptions[] = [
  { fault: 'app stopped 3 s', types: ['DEPOSIT'] },
  ...(FULL
    ? ([
        { fault: 'app stopped 3 s', types: ['DEPOSIT', 'BUY'] },
        { fault: 'node SIGKILLed and restarted', types: ['DEPOSIT'] },
        { fault: 'node SIGKILLed and restarted', types: ['DEPOSIT', 'BUY'] },
      ] satisfies { fault: BrokerFault; types: RecoveryOptions['types'] }[])
    : []),
];

describe('recovery after a broker fault, on a node of its own', function () {
  this.timeout(240_000);
  const recovery = useRecoveryStack();

  for (const scenario of scenarios) {
    it(`${scenario.fault}, paced ${scenario.types.join(' and ')}s: each is answered within its reply timeout, nothing is lost or doubled, replies are OK again within 1 s`, async () => {
      const { figures, report } = await measureRecovery(recovery(), scenario);
      const shown = JSON.stringify(figures);
      expect(report.ok, summarize(report)).to.equal(true);
      expect(figures.unanswered, `requests never answered: ${shown}`).to.equal(0);
      expect(figures.longestWaitMs, `the longest wait: ${shown}`).to.be.at.most(REPLY_TIMEOUT_MS + ANSWER_MARGIN_MS);
      expect(figures.firstOkMs, `first OK after the broker accepts connections: ${shown}`).to.be.a('number').and.at.most(RECOVERED_WITHIN_MS);
      expect(figures.allOkMs, `all OK after the broker accepts connections: ${shown}`).to.be.a('number').and.at.most(RECOVERED_WITHIN_MS);
    });
  }
});
