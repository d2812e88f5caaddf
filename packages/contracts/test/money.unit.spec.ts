import { expect } from 'chai';
import { canonicalDecimal, checkAmount, MAX_AMOUNT, notional } from '../src/index.ts';

describe('money amounts', () => {
  const rejected: Array<[unknown, string]> = [
    ['-1', 'NOT_POSITIVE'],
    ['0', 'NOT_POSITIVE'],
    ['0.00', 'NOT_POSITIVE'],
    ['1e3', 'NOT_A_DECIMAL'],
    ['NaN', 'NOT_A_DECIMAL'],
    ['Infinity', 'NOT_A_DECIMAL'],
    ['0.0000000001', 'TOO_MANY_DECIMALS'],
    ['99999999999999999999', 'ABOVE_MAXIMUM'],
    [1e21, 'NOT_A_DECIMAL'],
    [' 10', 'NOT_A_DECIMAL'],
    ['', 'NOT_A_DECIMAL'],
    [null, 'NOT_A_DECIMAL'],
    [true, 'NOT_A_DECIMAL'],
  ];
  for (const [input, rule] of rejected) {
    it(`rejects ${JSON.stringify(input)} with rule ${rule}`, () => {
      const checked = checkAmount(input);
      expect(checked.ok).to.equal(false);
      if (!checked.ok) expect(checked.rule).to.equal(rule);
    });
  }

  it('accepts a decimal string and returns its canonical text', () => {
    expect(checkAmount('100.50')).to.deep.equal({ ok: true, value: '100.5' });
    expect(checkAmount('0007.25')).to.deep.equal({ ok: true, value: '7.25' });
  });

  it('reads a JSON number as its decimal text, without float arithmetic', () => {
    expect(checkAmount(10.5)).to.deep.equal({ ok: true, value: '10.5' });
    expect(checkAmount(0.1)).to.deep.equal({ ok: true, value: '0.1' });
  });

  it('accepts the smallest unit and the documented maximum', () => {
    expect(checkAmount('0.00000001')).to.deep.equal({ ok: true, value: '0.00000001' });
    expect(checkAmount(MAX_AMOUNT).ok).to.equal(true);
  });

  it('writes a NUMERIC read back from PostgreSQL without trailing zeros', () => {
    expect(canonicalDecimal('12.50000000')).to.equal('12.5');
    expect(canonicalDecimal('0.00000000')).to.equal('0');
    expect(canonicalDecimal('-3.10000000')).to.equal('-3.1');
  });

  it('computes price × quantity exactly, rounding half-even to 8 decimals', () => {
    expect(notional('0.1', '3')).to.equal('0.3');
    expect(notional('65000.12345678', '0.5')).to.equal('32500.06172839');
    expect(notional('0.00000001', '0.5')).to.equal('0');
  });
});
