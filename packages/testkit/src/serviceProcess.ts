import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createWriteStream, mkdirSync } from 'node:fs';
import { createServer } from 'node:net';

const ROOT = new URL('../../../', import.meta.url).pathname;
export const LOG_DIR = `${ROOT}.tmp/test-logs`;

export type ServiceName = 'gateway' | 'payment' | 'trade' | 'reporting';

/**
 * One service as a real child process (`tsx packages/<name>/src/main.ts`), so tests can kill, pause and
 * restart it. Its JSON logs go to .tmp/test-logs/<run>-<name>-<n>.log; `start` resolves on the `ready` line.
 */
export class ServiceProcess {
  private child: ChildProcess | undefined;
  private starts = 0;

  constructor(
    readonly name: ServiceName,
    private readonly env: Record<string, string>,
    private readonly runId: string,
  ) {}

  get pid(): number | undefined {
    return this.child?.pid;
  }

  async start(timeoutMs = 30_000): Promise<void> {
    mkdirSync(LOG_DIR, { recursive: true });
    this.starts += 1;
    const log = createWriteStream(`${LOG_DIR}/${this.runId}-${this.name}-${this.starts}.log`);
    const child = spawn(process.execPath, ['--import', 'tsx', `packages/${this.name}/src/main.ts`], {
      cwd: ROOT,
      env: { ...process.env, LOG_LEVEL: 'info', ...this.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    child.stdout.pipe(log);
    child.stderr.pipe(log);
    await new Promise<void>((resolve, reject) => {
      let seen = '';
      const timer = setTimeout(() => reject(new Error(`${this.name} did not log "ready" within ${timeoutMs} ms`)), timeoutMs);
      const onData = (chunk: Buffer) => {
        seen = (seen + chunk.toString()).slice(-4096);
        if (seen.includes('"msg":"ready"')) {
          clearTimeout(timer);
          child.stdout.off('data', onData);
          resolve();
        }
      };
      child.stdout.on('data', onData);
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`${this.name} exited with ${code} before it was ready: ${seen.slice(-500)}`));
      });
    });
  }

  /** SIGTERM and wait for a graceful exit; SIGKILL if it takes longer than `timeoutMs`. */
  async stop(timeoutMs = 15_000): Promise<number | null> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return child?.exitCode ?? null;
    const exited = once(child, 'exit');
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    const [code] = (await exited) as [number | null];
    clearTimeout(timer);
    return code;
  }

  /** SIGKILL: the process dies at whatever line it is on. */
  async kill(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = once(child, 'exit');
    child.kill('SIGKILL');
    await exited;
  }

  signal(signal: 'SIGSTOP' | 'SIGCONT'): void {
    this.child?.kill(signal);
  }
}

export async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  server.close();
  if (!address || typeof address === 'string') throw new Error('no port');
  return address.port;
}
