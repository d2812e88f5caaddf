import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

/** Resident memory of a process in bytes, from /proc/<pid>/status (VmRSS). */
export function residentBytes(pid: number): number {
  const match = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  if (!match) throw new Error(`no VmRSS for process ${pid}`);
  return Number(match[1]) * 1024;
}

/** The pid of the process listening on `port`, from `ss -ltnp`, or undefined when it cannot be seen. */
export function listenerPid(port: number): number | undefined {
  const out = execFileSync('ss', ['-Hltnp', `sport = :${port}`], { encoding: 'utf8' });
  const match = /pid=(\d+)/.exec(out);
  return match ? Number(match[1]) : undefined;
}

/** The soft and hard limits on open files of a process, from /proc/<pid>/limits. */
export function openFileLimit(pid: number | 'self'): { soft: number; hard: number } {
  const match = /^Max open files\s+(\S+)\s+(\S+)/m.exec(readFileSync(`/proc/${pid}/limits`, 'utf8'));
  const parse = (v: string | undefined) => (v === 'unlimited' ? Number.POSITIVE_INFINITY : Number(v));
  return { soft: parse(match?.[1]), hard: parse(match?.[2]) };
}

/**
 * Makes sure this process may open `needed` files: raises its own limit with prlimit (allowed up to the hard
 * limit, and beyond it as root), or fails with the command that would. Returns the limit it raised, if it did.
 */
export function ensureOpenFiles(needed: number): number | undefined {
  const { soft, hard } = openFileLimit('self');
  if (soft >= needed) return undefined;
  try {
    execFileSync('prlimit', ['--pid', String(process.pid), `--nofile=${needed}:${Math.max(hard, needed)}`], { stdio: 'ignore' });
  } catch {
    // checked below
  }
  if (openFileLimit('self').soft < needed) {
    throw new Error(`this process may open ${soft} files but needs ${needed}: run \`ulimit -n ${needed}\` (as root if above the hard limit ${hard}) and retry`);
  }
  return soft;
}
