import { loadConfig } from '@trading/platform';
import { expect } from 'chai';
import { benchConfigShape, flagsToEnv } from '../src/config.ts';

const keys = Object.keys(benchConfigShape);
const ADMIN_API_KEY = 'operator-key-for-the-bench-0123456789';

describe('bench flags and settings', () => {
  it('reads `--rates 500,max` and `--gateway-url=…` as BENCH_RATES and GATEWAY_URL', () => {
    expect(flagsToEnv(['--', '--rates', '500,max', '--gateway-url=ws://127.0.0.1:4000'], keys)).to.deep.equal({
      BENCH_RATES: '500,max',
      GATEWAY_URL: 'ws://127.0.0.1:4000',
    });
  });

  it('refuses an unknown flag, naming the known ones', () => {
    expect(() => flagsToEnv(['--speed', '9'], keys)).to.throw(/unknown argument --speed; flags: .*--rates/);
  });

  it('defaults to rate steps ending flat out against ws://127.0.0.1:3000, and parses lists', () => {
    const config = loadConfig(benchConfigShape, { ADMIN_API_KEY });
    expect(config.BENCH_RATES).to.deep.equal([250, 500, 750, 'max']);
    expect(config.GATEWAY_URL).to.equal('ws://127.0.0.1:3000');
    expect(loadConfig(benchConfigShape, { ADMIN_API_KEY, BENCH_SYMBOLS: 'btc, eth' }).BENCH_SYMBOLS).to.deep.equal(['BTC', 'ETH']);
  });

  it('fails at start without the operator key, naming ADMIN_API_KEY', () => {
    expect(() => loadConfig(benchConfigShape, {})).to.throw(/ADMIN_API_KEY/);
  });

  it('takes a quantity on the 0.0001 lot every symbol accepts, and refuses one off it or of 0', () => {
    expect(loadConfig(benchConfigShape, { ADMIN_API_KEY }).BENCH_QUANTITY).to.equal('0.01');
    expect(loadConfig(benchConfigShape, { ADMIN_API_KEY, BENCH_QUANTITY: '0.0001' }).BENCH_QUANTITY).to.equal('0.0001');
    for (const quantity of ['0.00001', '0', '0.0000', '1e-2']) {
      expect(() => loadConfig(benchConfigShape, { ADMIN_API_KEY, BENCH_QUANTITY: quantity }), quantity).to.throw(/BENCH_QUANTITY/);
    }
  });

  it('has no fixed price: `--price` is an unknown flag', () => {
    expect(() => flagsToEnv(['--price', '100'], keys)).to.throw(/unknown argument --price/);
  });

  it('fails on a rate that is neither a number nor max', () => {
    expect(() => loadConfig(benchConfigShape, { ADMIN_API_KEY, BENCH_RATES: '500,fast' })).to.throw(/BENCH_RATES/);
  });
});
