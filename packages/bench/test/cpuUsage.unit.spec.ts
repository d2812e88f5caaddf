import { expect } from 'chai';
import {
  type CpuSnapshot,
  cpuPerSaga,
  describeCpu,
  describeSwitches,
  groupOf,
  parseMachineStat,
  parseProcessStat,
  parseSwitches,
  type ProcessCounters,
  switchesPerSaga,
} from '../src/cpuUsage.ts';

const snapshot = (busy: number, all: number, processes: [number, ProcessCounters][]): CpuSnapshot => ({
  machine: { busy, all },
  processes: new Map(processes),
});

describe('CPU per saga by process', () => {
  it('reads the name and the user plus system ticks of a process, even with spaces and parentheses in its name', () => {
    const line = '4242 (1_scheduler (x)) S 1 4242 4242 0 -1 4194560 100 0 0 0 1234 567 0 0 20 0 30 0 100 0 0';
    expect(parseProcessStat(line)).to.deep.equal({ name: '1_scheduler (x)', ticks: 1801 });
  });

  it('counts idle, iowait and steal as not busy on the machine', () => {
    expect(parseMachineStat('cpu  100 5 50 1000 20 3 7 15 0 0')).to.deep.equal({ busy: 165, all: 1200 });
  });

  it('groups the broker, the database, each service by its entry point, and the bench itself', () => {
    expect(groupOf(10, 'beam.smp', '/usr/lib/erlang/erts/bin/beam.smp -W w', 1)).to.equal('broker');
    expect(groupOf(11, 'postgres', 'postgres: 15/main: postgres trading 127.0.0.1(5000) idle', 1)).to.equal('database');
    expect(groupOf(12, 'node', 'node --import tsx packages/trade/src/main.ts', 1)).to.equal('trade');
    expect(groupOf(13, 'node', '/usr/bin/node --import tsx /app/packages/gateway/src/main.ts', 1)).to.equal('gateway');
    expect(groupOf(1, 'node', 'node packages/bench/src/main.ts', 1)).to.equal('bench');
    expect(groupOf(14, 'node', 'node some/other/script.js', 1)).to.equal(undefined);
  });

  it('divides each group’s ticks over the window by the sagas, and leaves the rest of the machine’s busy time as other', () => {
    const before = snapshot(1000, 5000, [
      [10, { group: 'broker', ticks: 100, switches: 0 }],
      [11, { group: 'database', ticks: 50, switches: 0 }],
      [13, { group: undefined, ticks: 10, switches: 0 }],
    ]);
    // 400 ticks busy of 400: the broker took 150, the database 100 (one backend new in the window), other 150,
    // whatever the processes outside the stack report of their own.
    const after = snapshot(1400, 5400, [
      [10, { group: 'broker', ticks: 250, switches: 0 }],
      [11, { group: 'database', ticks: 80, switches: 0 }],
      [12, { group: 'database', ticks: 70, switches: 0 }],
      [13, { group: undefined, ticks: 20, switches: 0 }],
    ]);
    expect(cpuPerSaga(before, after, 1000)).to.deep.equal({ total: 4, other: 1.5, busy_pct: 100, broker: 1.5, database: 1 });
  });

  it('adds up the voluntary and involuntary context switches of a thread', () => {
    const status = 'Name:\tnode\nThreads:\t11\nvoluntary_ctxt_switches:\t1200\nnonvoluntary_ctxt_switches:\t34\n';
    expect(parseSwitches(status)).to.equal(1234);
  });

  it('divides each group’s context switches over the window by the sagas, every process outside the stack as other', () => {
    const before = snapshot(0, 0, [
      [10, { group: 'broker', ticks: 0, switches: 1000 }],
      [11, { group: 'database', ticks: 0, switches: 500 }],
      [13, { group: undefined, ticks: 0, switches: 100 }],
    ]);
    // The broker switched 2,000 times, the database 1,500 (a backend new in the window), the rest 900 (one new too).
    const after = snapshot(0, 0, [
      [10, { group: 'broker', ticks: 0, switches: 3000 }],
      [11, { group: 'database', ticks: 0, switches: 1500 }],
      [12, { group: 'database', ticks: 0, switches: 500 }],
      [13, { group: undefined, ticks: 0, switches: 600 }],
      [14, { group: undefined, ticks: 0, switches: 400 }],
    ]);
    expect(switchesPerSaga(before, after, 100)).to.deep.equal({ total: 44, other: 9, broker: 20, database: 15 });
    expect(switchesPerSaga(before, after, 0)).to.equal(null);
  });

  it('gives no figure for a window without sagas', () => {
    expect(cpuPerSaga(snapshot(0, 0, []), snapshot(10, 20, []), 0)).to.equal(null);
  });

  it('describes the figures in one line, the groups it saw in order', () => {
    expect(describeCpu({ total: 2.6, other: 0.1, busy_pct: 97.5, database: 0.8, broker: 0.77, trade: 0.5 })).to.equal(
      'CPU 2.60 ms/saga (machine 97.5 % busy): broker 0.77, database 0.80, trade 0.50, other 0.10',
    );
    expect(describeSwitches({ total: 43.6, other: 3, database: 8.3, broker: 20.8, trade: 4.4 })).to.equal(
      'context switches 44 per saga: broker 20.8, database 8.3, trade 4.4, other 3.0',
    );
  });
});
