import { expect } from 'chai';
import { OpsError } from '../src/opsError.ts';
import { parseCommand } from '../src/backup/parseCommand.ts';

const refusal = (argv: string[]) => {
  try {
    parseCommand(argv);
  } catch (err) {
    return err instanceof OpsError ? { code: err.code, exitCode: err.exitCode } : err;
  }
  return 'accepted';
};

describe('the backup command line', () => {
  it('reads a backup with or without --out', () => {
    expect(parseCommand(['backup'])).to.deep.equal({ command: 'backup', out: undefined });
    expect(parseCommand(['backup', '--out', 'x.dump'])).to.deep.equal({ command: 'backup', out: 'x.dump' });
  });

  it('reads a restore of one file, into DATABASE_URL or --into a database, with or without --force', () => {
    expect(parseCommand(['restore', 'x.dump'])).to.deep.equal({ command: 'restore', file: 'x.dump', into: undefined, force: false });
    const into = 'postgresql://postgres@127.0.0.1:5432/trading_copy';
    expect(parseCommand(['restore', 'x.dump', '--into', into, '--force'])).to.deep.equal({ command: 'restore', file: 'x.dump', into, force: true });
  });

  it('refuses with BACKUP_USAGE (exit 2) an unknown command or option, a restore without a file or with two, and --into that is no database URL', () => {
    const usage = { code: 'BACKUP_USAGE', exitCode: 2 };
    expect(refusal(['dump'])).to.deep.equal(usage);
    expect(refusal([])).to.deep.equal(usage);
    expect(refusal(['backup', '--force'])).to.deep.equal(usage);
    expect(refusal(['restore'])).to.deep.equal(usage);
    expect(refusal(['restore', 'a.dump', 'b.dump'])).to.deep.equal(usage);
    expect(refusal(['restore', 'a.dump', '--into', 'trading_copy'])).to.deep.equal(usage);
    expect(refusal(['restore', 'a.dump', '--into', 'http://example.com/trading'])).to.deep.equal(usage);
  });
});
