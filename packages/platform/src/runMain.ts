import { ConfigError, UnreachableError } from './errors.ts';

/**
 * Runs a service's start function. Configuration and unreachable-dependency errors end the process with
 * one readable line instead of a stack trace.
 */
export function runMain(service: string, start: () => Promise<void>): void {
  start().catch((err: unknown) => {
    const line = err instanceof ConfigError || err instanceof UnreachableError ? err.message : undefined;
    if (line) process.stderr.write(`${service}: ${line}\n`);
    else process.stderr.write(`${service}: failed to start: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  });
}
