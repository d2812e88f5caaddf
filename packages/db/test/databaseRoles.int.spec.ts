import { testEnv } from '@trading/testkit';
import { expect } from 'chai';
import pg from 'pg';
import { type DatabaseService, databaseRoles, serviceDatabaseUrl } from '../src/databaseRoles.ts';

/** What each service's runtime role may do in this run's database (provisioned by the testkit as `npm start` does). */
describe('database roles: least privilege per service', function () {
  this.timeout(30_000);
  const services = Object.keys(databaseRoles) as DatabaseService[];
  const schemas = ['payment', 'trade', 'reporting', 'market'];

  async function asService<T>(service: DatabaseService, work: (client: pg.Client) => Promise<T>): Promise<T> {
    const client = new pg.Client({ connectionString: serviceDatabaseUrl(testEnv().databaseUrl, service) });
    await client.connect();
    try {
      return await work(client);
    } finally {
      await client.end();
    }
  }

  /** The SQLSTATE a statement fails with, or 'ok'. */
  const outcome = (client: pg.Client, sql: string) =>
    client.query(sql).then(
      () => 'ok',
      (err: { code?: string }) => err.code,
    );

  it('makes no runtime role a superuser or the owner of anything in the database', async () => {
    for (const service of services) {
      const facts = await asService(service, async (client) => {
        const [role] = (await client.query('SELECT rolsuper, rolcreatedb, rolcreaterole, rolbypassrls FROM pg_roles WHERE rolname = current_user')).rows;
        const [owned] = (await client.query(`SELECT count(*)::int AS n FROM pg_class c JOIN pg_roles r ON r.oid = c.relowner WHERE r.rolname = current_user`))
          .rows;
        return { ...role, owned: owned.n };
      });
      expect(facts, service).to.deep.equal({ rolsuper: false, rolcreatedb: false, rolcreaterole: false, rolbypassrls: false, owned: 0 });
    }
  });

  it('lets each service read only its own schema', async () => {
    for (const service of services) {
      const own = databaseRoles[service].schema;
      for (const schema of schemas) {
        const table = { payment: 'account', trade: 'saga', reporting: 'event', market: 'tick' }[schema];
        const result = await asService(service, (client) => outcome(client, `SELECT 1 FROM ${schema}.${table} LIMIT 1`));
        expect(result, `${service} reading ${schema}.${table}`).to.equal(schema === own ? 'ok' : '42501');
      }
    }
  });

  it('keeps the ledger and the audit trails append-only against every runtime role: no UPDATE, DELETE, TRUNCATE or DISABLE TRIGGER', async () => {
    const tries = [
      'UPDATE payment.ledger SET kind = kind',
      'DELETE FROM payment.ledger',
      'TRUNCATE payment.ledger',
      'ALTER TABLE payment.ledger DISABLE TRIGGER ALL',
    ];
    for (const service of services) {
      for (const sql of tries) expect(await asService(service, (client) => outcome(client, sql)), `${service}: ${sql}`).to.equal('42501');
      for (const schema of ['payment', 'trade', 'reporting']) {
        expect(await asService(service, (client) => outcome(client, `DELETE FROM ${schema}.audit`)), `${service}: DELETE FROM ${schema}.audit`).to.equal(
          '42501',
        );
      }
    }
  });

  it('lets Payment append to its ledger, and change its own tables', async () => {
    await asService('payment', async (client) => {
      expect(await outcome(client, 'SELECT count(*) FROM payment.ledger')).to.equal('ok');
      expect(await outcome(client, `UPDATE payment.account SET available = available WHERE false`)).to.equal('ok');
      expect(await outcome(client, `DELETE FROM payment.inbox WHERE false`)).to.equal('ok');
    });
  });
});
