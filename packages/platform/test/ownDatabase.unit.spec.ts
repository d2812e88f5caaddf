import { expect } from 'chai';
import { baseConfigShape, ConfigError, databasesConfigShape, databaseUrlsByService, loadConfig, ownDatabaseShape, ownDatabaseUrl } from '../src/index.ts';

describe("a service's own database (PAYMENT_DATABASE_URL, TRADE_DATABASE_URL, …)", () => {
  const paymentShape = { ...baseConfigShape, ...ownDatabaseShape('payment') };

  it('defaults to DATABASE_URL, and with nothing set to the one local database', () => {
    expect(ownDatabaseUrl(loadConfig(paymentShape, {}), 'payment')).to.equal('postgresql://postgres@127.0.0.1:5432/trading');
    expect(ownDatabaseUrl(loadConfig(paymentShape, { DATABASE_URL: 'postgresql://db/shared' }), 'payment')).to.equal('postgresql://db/shared');
  });

  it('is read from its own variable, and another service’s variable is not read at all', () => {
    const config = loadConfig(paymentShape, {
      DATABASE_URL: 'postgresql://db/shared',
      PAYMENT_DATABASE_URL: 'postgresql://db/payment',
      TRADE_DATABASE_URL: 'nonsense',
    });
    expect(ownDatabaseUrl(config, 'payment')).to.equal('postgresql://db/payment');
    expect(config).to.not.have.property('TRADE_DATABASE_URL');
  });

  it('fails at start with one line naming the variable when it is not a URL', () => {
    expect(() => loadConfig(paymentShape, { PAYMENT_DATABASE_URL: 'trading_payment' }))
      .to.throw(ConfigError)
      .with.property('message')
      .that.matches(/^invalid configuration: PAYMENT_DATABASE_URL: /);
  });

  it('gives the tools every service’s database: four times the same one by default, or each its own', () => {
    expect(new Set(Object.values(databaseUrlsByService(loadConfig(databasesConfigShape, {})))).size).to.equal(1);
    const split = databaseUrlsByService(
      loadConfig(databasesConfigShape, { TRADE_DATABASE_URL: 'postgresql://db/t', MARKET_DATABASE_URL: 'postgresql://db/m' }),
    );
    expect(split).to.deep.equal({
      payment: 'postgresql://postgres@127.0.0.1:5432/trading',
      trade: 'postgresql://db/t',
      reporting: 'postgresql://postgres@127.0.0.1:5432/trading',
      market: 'postgresql://db/m',
    });
  });
});
