import { execFile } from 'node:child_process';
import { OpsError } from '../opsError.ts';

/** What a PostgreSQL client program printed. */
export type ToolOutput = { stdout: string; stderr: string };

/**
 * Runs a PostgreSQL client program (pg_dump, pg_restore) from PATH with `args`, never through a shell, with `env`
 * added to this process's environment. A program missing from PATH fails BACKUP_TOOL_MISSING; a non-zero exit fails
 * BACKUP_TOOL_FAILED with the end of what it wrote to stderr.
 */
export function runTool(program: string, args: readonly string[], env: NodeJS.ProcessEnv = {}): Promise<ToolOutput> {
  return new Promise((resolve, reject) => {
    execFile(program, args, { env: { ...process.env, ...env }, maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) => {
      if (!err) return resolve({ stdout, stderr });
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
        return reject(new OpsError('BACKUP_TOOL_MISSING', `${program} not found; install the PostgreSQL client programs (postgresql-client)`));
      }
      const said = stderr.trim().split('\n').slice(-5).join('\n') || err.message;
      reject(new OpsError('BACKUP_TOOL_FAILED', `${program} exited with ${err.code ?? err.signal}:\n${said}`, { cause: err }));
    });
  });
}
