import { expect } from 'chai';
import { backupFiles, restoreTarget } from '../src/backup/serviceDatabases.ts';

const one = 'postgresql://postgres@127.0.0.1:5432/trading';
const own = (service: string) => `postgresql://postgres@127.0.0.1:5432/trading_${service}`;
const shared = { payment: one, trade: one, reporting: one, market: one };
const split = { payment: own('payment'), trade: own('trade'), reporting: own('reporting'), market: own('market') };

describe('backups with a database per service', () => {
  it('dumps one database to the one file asked for, as before the split', () => {
    expect(backupFiles('/b/x.dump', shared)).to.deep.equal([{ url: one, file: '/b/x.dump', services: ['payment', 'trade', 'reporting', 'market'] }]);
  });

  it("dumps each service's database to a file of its own, named after the services in it", () => {
    const files = backupFiles('/b/x.dump', { ...split, market: own('payment') });
    expect(files.map((f) => f.file)).to.deep.equal(['/b/x.payment+market.dump', '/b/x.trade.dump', '/b/x.reporting.dump']);
  });

  it('counts two URLs of the same database (another role, say) as one database', () => {
    const asRole = 'postgresql://trading_trade@127.0.0.1:5432/trading';
    expect(backupFiles('/b/x.dump', { ...shared, trade: asRole })).to.have.length(1);
  });

  it("restores a dump of one service's schema into that service's database, anything else into DATABASE_URL", () => {
    expect(restoreTarget([{ schema: 'trade', tables: 14 }], split, one)).to.equal(own('trade'));
    expect(
      restoreTarget(
        [
          { schema: 'payment', tables: 9 },
          { schema: 'trade', tables: 14 },
        ],
        split,
        one,
      ),
    ).to.equal(one);
    expect(restoreTarget([], split, one)).to.equal(one);
  });
});
