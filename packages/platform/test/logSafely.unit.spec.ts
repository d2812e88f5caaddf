import { expect } from 'chai';
import { captureLogs } from './support/captureLogs.ts';

describe('a log line', () => {
  it('censors an api key, a password, a URL and an Authorization header at any depth', () => {
    const { logger, lines } = captureLogs();
    const deep = { a: { b: { c: { d: { api_key: 'tk_secret', Authorization: 'Bearer tk_secret', password: 'p', url: 'amqp://u:p@h' } } } } };
    logger.child({ requestId: 'r1' }).info({ request: deep, list: [{ api_key: 'tk_secret' }] }, 'request received');
    const text = JSON.stringify(lines[0]);
    expect(text).to.not.include('tk_secret').and.not.include('amqp://u:p@h');
    expect(lines[0]).to.deep.include({ requestId: 'r1', msg: 'request received' });
    expect((lines[0] as { list: unknown[] }).list).to.deep.equal([{ api_key: '[redacted]' }]);
  });

  it("writes an error as its name, message, code and stack only, never a driver's client or parameters", () => {
    const { logger, lines } = captureLogs();
    const err = Object.assign(new Error('duplicate key value'), {
      code: '23505',
      client: { password: 'p', connectionString: 'postgresql://u:p@h/db' },
      parameters: ['tk_secret'],
    });
    logger.error({ err }, 'statement failed');
    expect(lines[0]?.err).to.have.keys('type', 'message', 'code', 'stack');
    expect(lines[0]?.err).to.include({ type: 'Error', message: 'duplicate key value', code: '23505' });
    expect(JSON.stringify(lines[0])).to.not.include('postgresql://').and.not.include('tk_secret');
  });

  it('survives a cycle', () => {
    const { logger, lines } = captureLogs();
    const a: Record<string, unknown> = { name: 'a' };
    a.self = a;
    logger.info({ a }, 'cyclic');
    expect(lines[0]?.a).to.deep.equal({ name: 'a', self: '[cut]' });
  });
});
