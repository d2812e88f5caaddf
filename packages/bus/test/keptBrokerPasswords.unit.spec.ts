import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { keptBrokerPasswords } from '../src/keptBrokerPasswords.ts';

describe('the broker passwords a checkout keeps', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'kept-passwords-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('are made once by npm start, kept readable by their user only, and read back by the next start and the tests', () => {
    const file = join(dir, 'broker-passwords.json');
    let made = 0;
    const first = keptBrokerPasswords(file, {}, () => `random-${(made += 1)}`, true);
    expect((statSync(file).mode & 0o777).toString(8)).to.equal('600');
    expect(keptBrokerPasswords(file, {}, () => 'other', true)).to.deep.equal(first);
    expect(keptBrokerPasswords(file, {}, () => 'dev', false)).to.deep.equal(first);
    expect(JSON.parse(readFileSync(file, 'utf8'))).to.deep.equal(first);
  });

  it('give way to BROKER_PASSWORD_<SERVICE>, and without a file the tests use their fallback and write nothing', () => {
    const file = join(dir, 'absent.json');
    const passwords = keptBrokerPasswords(file, { BROKER_PASSWORD_TRADE: 'set' }, (s) => `changeme-${s}`, false);
    expect(passwords).to.include({ trade: 'set', payment: 'changeme-payment' });
    expect(() => statSync(file)).to.throw();
  });
});
