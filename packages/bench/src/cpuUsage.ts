import { readdirSync, readFileSync } from 'node:fs';

/*
 * Where a saga's time goes, measured over a step: the CPU time and the context switches of every process on this
 * machine, grouped into the broker, the database, each service and the bench itself, read from /proc. A context
 * switch is a thread going to sleep or being preempted: each one the stack makes is a wake-up it pays for later,
 * and what a wake-up costs depends on the machine (BENCHMARKS.md). It only sees the stack when the stack runs on
 * the bench's machine (as `npm start` and BENCHMARKS.md have it); a group with no process is left out rather
 * than shown as free.
 */

export const cpuGroups = ['broker', 'database', 'gateway', 'trade', 'payment', 'reporting', 'bench'] as const;
export type CpuGroup = (typeof cpuGroups)[number];

/** CPU milliseconds per saga by group; `other` is the rest of the machine's busy time (kernel threads, …). */
export type CpuBreakdown = { total: number; other: number; busy_pct: number } & Partial<Record<CpuGroup, number>>;

/** Context switches per saga by group; `other` is every other process's, kernel threads included. */
export type SwitchBreakdown = { total: number; other: number } & Partial<Record<CpuGroup, number>>;

/** A process's user plus system ticks and its threads' context switches; `group` is undefined outside the stack. */
export type ProcessCounters = { group: CpuGroup | undefined; ticks: number; switches: number };

export type CpuSnapshot = {
  /** Busy and all ticks of the whole machine, from the first line of /proc/stat. */
  machine: { busy: number; all: number };
  /** Every process, by pid. */
  processes: Map<number, ProcessCounters>;
};

/** Linux reports CPU time to user space in ticks of 1/100 s (USER_HZ), whatever the kernel's own tick. */
const MS_PER_TICK = 10;
const SERVICE = /packages\/(gateway|trade|payment|reporting)\/src\/main\.[jt]s/;

/** The group a process belongs to, from its name (/proc/<pid>/stat) and its command line, or undefined. */
export function groupOf(pid: number, name: string, commandLine: string, selfPid = process.pid): CpuGroup | undefined {
  if (pid === selfPid) return 'bench';
  if (name === 'beam.smp') return 'broker';
  if (name === 'postgres') return 'database';
  return SERVICE.exec(commandLine)?.[1] as CpuGroup | undefined;
}

/** The name and the user plus system ticks of one /proc/<pid>/stat line (the name may hold spaces and parentheses). */
export function parseProcessStat(line: string): { name: string; ticks: number } {
  const close = line.lastIndexOf(')');
  const fields = line.slice(close + 2).split(' ');
  // fields[0] is the state, field 3 of proc(5); utime and stime are fields 14 and 15.
  return { name: line.slice(line.indexOf('(') + 1, close), ticks: Number(fields[11]) + Number(fields[12]) };
}

/** Voluntary plus involuntary context switches from one thread's /proc/<pid>/task/<tid>/status. */
export function parseSwitches(status: string): number {
  const count = (pattern: RegExp) => Number(pattern.exec(status)?.[1] ?? 0);
  return count(/^voluntary_ctxt_switches:\s*(\d+)/m) + count(/^nonvoluntary_ctxt_switches:\s*(\d+)/m);
}

/** The context switches of all of a process's threads (a thread that ended before the read is lost). */
function switchesOf(pid: number): number {
  let switches = 0;
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    try {
      switches += parseSwitches(readFileSync(`/proc/${pid}/task/${tid}/status`, 'utf8'));
    } catch {
      // the thread ended between the listing and the read
    }
  }
  return switches;
}

/** Busy and all ticks from the `cpu` line of /proc/stat: idle, iowait and the hypervisor's steal are not busy. */
export function parseMachineStat(line: string): { busy: number; all: number } {
  const [user = 0, nice = 0, system = 0, idle = 0, iowait = 0, irq = 0, softirq = 0, steal = 0] = line.trim().split(/\s+/).slice(1, 9).map(Number);
  const busy = user + nice + system + irq + softirq;
  return { busy, all: busy + idle + iowait + steal };
}

/**
 * The CPU ticks of the machine and the CPU ticks and context switches of every process, now; undefined where there
 * is no /proc.
 */
export function snapshotCpu(): CpuSnapshot | undefined {
  let machine: CpuSnapshot['machine'];
  try {
    machine = parseMachineStat(readFileSync('/proc/stat', 'utf8').split('\n', 1)[0]!);
  } catch {
    return undefined;
  }
  const processes: CpuSnapshot['processes'] = new Map();
  for (const entry of readdirSync('/proc')) {
    const pid = Number(entry);
    if (!Number.isInteger(pid)) continue;
    try {
      const { name, ticks } = parseProcessStat(readFileSync(`/proc/${pid}/stat`, 'utf8'));
      const group = groupOf(pid, name, readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' '));
      processes.set(pid, { group, ticks, switches: switchesOf(pid) });
    } catch {
      // the process ended between the listing and the read
    }
  }
  return { machine, processes };
}

/**
 * CPU milliseconds per saga between two snapshots, by group. A process that started in between counts from
 * zero; one that ended in between is lost (its time falls into `other`).
 */
export function cpuPerSaga(before: CpuSnapshot, after: CpuSnapshot, sagas: number): CpuBreakdown | null {
  const machineBusy = after.machine.busy - before.machine.busy;
  const machineAll = after.machine.all - before.machine.all;
  if (sagas <= 0 || machineAll <= 0) return null;
  const byGroup = sumByGroup(before, after, 'ticks');
  const perSaga = (ticks: number) => Math.round(((ticks * MS_PER_TICK) / sagas) * 1000) / 1000;
  const seen = cpuGroups.reduce((sum, group) => sum + (byGroup.get(group) ?? 0), 0);
  const breakdown: CpuBreakdown = {
    total: perSaga(machineBusy),
    other: perSaga(Math.max(0, machineBusy - seen)),
    busy_pct: Math.round((machineBusy / machineAll) * 1000) / 10,
  };
  for (const group of cpuGroups) if (byGroup.has(group)) breakdown[group] = perSaga(byGroup.get(group)!);
  return breakdown;
}

/** Context switches per saga between two snapshots, by group, as `cpuPerSaga` counts CPU. */
export function switchesPerSaga(before: CpuSnapshot, after: CpuSnapshot, sagas: number): SwitchBreakdown | null {
  if (sagas <= 0) return null;
  const byGroup = sumByGroup(before, after, 'switches');
  const perSaga = (switches: number) => Math.round((switches / sagas) * 10) / 10;
  const other = byGroup.get(undefined) ?? 0;
  const total = [...byGroup.values()].reduce((a, b) => a + b, 0);
  const breakdown: SwitchBreakdown = { total: perSaga(total), other: perSaga(other) };
  for (const group of cpuGroups) if (byGroup.has(group)) breakdown[group] = perSaga(byGroup.get(group)!);
  return breakdown;
}

/** What each group (undefined: outside the stack) added to a counter between two snapshots. */
function sumByGroup(before: CpuSnapshot, after: CpuSnapshot, counter: 'ticks' | 'switches'): Map<CpuGroup | undefined, number> {
  const byGroup = new Map<CpuGroup | undefined, number>();
  for (const [pid, now] of after.processes) {
    byGroup.set(now.group, (byGroup.get(now.group) ?? 0) + now[counter] - (before.processes.get(pid)?.[counter] ?? 0));
  }
  return byGroup;
}

/** One line for the bench's progress output: `CPU 2.61 ms/saga (machine 97 % busy): broker 0.77, …`. */
export function describeCpu(cpu: CpuBreakdown): string {
  return `CPU ${cpu.total.toFixed(2)} ms/saga (machine ${cpu.busy_pct} % busy): ${describeGroups(cpu, 2)}`;
}

/** One line for the bench's progress output: `context switches 44 per saga: broker 21.0, …`. */
export function describeSwitches(switches: SwitchBreakdown): string {
  return `context switches ${Math.round(switches.total)} per saga: ${describeGroups(switches, 1)}`;
}

/** The groups that have a figure, in order, `other` last. */
function describeGroups(figures: Partial<Record<CpuGroup | 'other', number>>, digits: number): string {
  return [...cpuGroups, 'other' as const]
    .filter((group) => figures[group] !== undefined)
    .map((group) => `${group} ${figures[group]!.toFixed(digits)}`)
    .join(', ');
}
