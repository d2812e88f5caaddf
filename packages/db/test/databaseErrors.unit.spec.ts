import { TransientError } from '@trading/platform';
import { expect } from 'chai';
import { asDatabaseFailure, classifyDatabaseError, DeterministicDatabaseError, sqlStateOf } from '../src/databaseErrors.ts';

const pgError = (code: string, message = 'whatever the server says') => Object.assign(new Error(message), { code });

describe('classifyDatabaseError', () => {
  it('reads the SQLSTATE, never the text: a unique violation that mentions a deadlock is deterministic', () => {
    expect(classifyDatabaseError(pgError('23505', 'deadlock detected, could not serialize, Connection terminated'))).to.equal('deterministic');
  });

  it('retries a serialization failure and a deadlock at once (conflict)', () => {
    expect(classifyDatabaseError(pgError('40001'))).to.equal('conflict');
    expect(classifyDatabaseError(pgError('40P01'))).to.equal('conflict');
  });

  it('keeps the message for later on connection, resource and operator failures (classes 08, 53, 57P, the rest of 40)', () => {
    for (const code of ['08006', '08001', '53300', '53100', '57P01', '57P03', '40003'])
      expect(classifyDatabaseError(pgError(code)), code).to.equal('transient');
  });

  it('answers data exceptions (class 22) and constraint violations (class 23)', () => {
    for (const code of ['22001', '22003', '22P02', '22008', '23505', '23514', '23503'])
      expect(classifyDatabaseError(pgError(code)), code).to.equal('deterministic');
  });

  it('leaves every other SQLSTATE to the bus (retried, then dead-lettered): a syntax error is a bug, not an answer', () => {
    expect(classifyDatabaseError(pgError('42601'))).to.equal(undefined);
    expect(classifyDatabaseError(new TypeError('x is undefined'))).to.equal(undefined);
  });

  it('finds the SQLSTATE Prisma’s adapter carries in the cause, and the driver’s connection errors without one', () => {
    expect(sqlStateOf(Object.assign(new Error('P2010'), { code: 'P2010', cause: { originalCode: '22003' } }))).to.equal('22003');
    expect(classifyDatabaseError(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }))).to.equal('transient');
    expect(classifyDatabaseError(new Error('Connection terminated unexpectedly'))).to.equal('transient');
  });
});

describe('asDatabaseFailure', () => {
  it('makes a data exception an INVALID_REQUEST and a constraint violation an INTERNAL, each with its own reference', () => {
    const data = asDatabaseFailure(pgError('22003'));
    const constraint = asDatabaseFailure(pgError('23514'));
    expect(data).to.be.instanceOf(DeterministicDatabaseError);
    expect((data as DeterministicDatabaseError).code).to.equal('INVALID_REQUEST');
    expect((constraint as DeterministicDatabaseError).code).to.equal('INTERNAL');
    expect((data as DeterministicDatabaseError).reference).to.not.equal((constraint as DeterministicDatabaseError).reference);
  });

  it('makes a lost connection a TransientError and passes anything else through', () => {
    expect(asDatabaseFailure(pgError('08006'))).to.be.instanceOf(TransientError);
    const bug = new TypeError('bug');
    expect(asDatabaseFailure(bug)).to.equal(bug);
  });
});
