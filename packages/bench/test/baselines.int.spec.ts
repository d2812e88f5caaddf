import { createLogger } from '@trading/platform';
import { rabbitmqctl, testEnv } from '@trading/testkit';
import { expect } from 'chai';
import pg from 'pg';
import { measureBroker } from '../src/brokerBaseline.ts';
import { measureDatabase } from '../src/databaseBaseline.ts';

const logger = createLogger('bench-test', 'silent');

describe('the baselines', () => {
  it('push messages through a throwaway quorum queue, count every one, and delete the queue afterwards', async function () {
    this.timeout(60_000);
    const result = await measureBroker({ url: testEnv().amqpUrl, logger, prefetch: 50, messages: 300 });
    expect(result.messages).to.equal(300);
    expect(result.msgs_per_s).to.be.greaterThan(0);
    const queues = await rabbitmqctl('list_queues', '-p', testEnv().vhost, 'name', '--no-table-headers');
    expect(queues).not.to.include('bench.baseline.');
  });

  it('run one-row UPDATE transactions in a throwaway schema and drop the schema afterwards', async function () {
    this.timeout(60_000);
    const result = await measureDatabase({ url: testEnv().databaseUrl, poolMax: 4, logger, transactions: 200 });
    expect(result.transactions).to.equal(200);
    expect(result.tx_per_s).to.be.greaterThan(0);
    const client = new pg.Client({ connectionString: testEnv().databaseUrl });
    await client.connect();
    const schemas = await client.query(`SELECT nspname FROM pg_namespace WHERE nspname LIKE 'bench\\_%'`);
    await client.end();
    expect(schemas.rows).to.deep.equal([]);
  });
});
