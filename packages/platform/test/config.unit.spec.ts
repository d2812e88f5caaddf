import { expect } from 'chai';
import { z } from 'zod';
import { baseConfigShape, booleanSetting, ConfigError, inboxPruningSettings, inboxRetentionShape, loadConfig } from '../src/index.ts';

describe('service configuration', () => {
  it('applies the defaults that work on a developer machine with no environment', () => {
    const config = loadConfig(baseConfigShape, {});
    expect(config.AMQP_URL).to.equal('amqp://guest:guest@127.0.0.1:5672');
    expect(config.DATABASE_URL).to.equal('postgresql://postgres@127.0.0.1:5432/trading');
    expect(config.PREFETCH).to.equal(500);
  });

  it('reads only its own keys and freezes the result', () => {
    const config = loadConfig({ PORT: z.coerce.number().default(1) }, { PORT: '3000', UNRELATED: 'x' });
    expect(config).to.deep.equal({ PORT: 3000 });
    expect(Object.isFrozen(config)).to.equal(true);
  });

  it('fails with one line naming the wrong variable', () => {
    expect(() => loadConfig(baseConfigShape, { PREFETCH: 'lots' }))
      .to.throw(ConfigError)
      .with.property('message')
      .that.matches(/^invalid configuration: PREFETCH: /)
      .and.does.not.include('\n');
  });

  it('reads boolean switches strictly', () => {
    const shape = { FLAG: booleanSetting.default(false) };
    expect(loadConfig(shape, { FLAG: 'true' }).FLAG).to.equal(true);
    expect(loadConfig(shape, {}).FLAG).to.equal(false);
    expect(() => loadConfig(shape, { FLAG: 'yes' })).to.throw(ConfigError);
  });

  it('keeps inbox keys seven days by default, and refuses a retention under an hour at start', () => {
    expect(inboxPruningSettings(loadConfig(inboxRetentionShape, {}))).to.deep.equal({
      retention: { retentionHours: 168, batch: 1000 },
      intervalMs: 60_000,
    });
    expect(() => loadConfig(inboxRetentionShape, { INBOX_RETENTION_HOURS: '0' })).to.throw(ConfigError, /INBOX_RETENTION_HOURS/);
  });
});
