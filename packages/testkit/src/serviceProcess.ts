import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createWriteStream, mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { basename } from 'node:path';
import type { ServiceName } from '@trading/contracts';
import { serviceDatabaseUrl } from '@trading/db';
import { serviceAmqpUrl } from './isolation.ts';

const ROOT = new URL('../../../', import.meta.url).pathname;
export const LOG_DIR = `${ROOT}.tmp/test-logs`;

export type { ServiceName };

/** Numbers every process this test run starts, so each one has its own log file. */
let launches = 0;

export type ServiceProcessOptions = {
  /**
   * The source root it runs from (the directory holding `packages/`, ending in `/`): default this repository; another
   * version's source, such as previousVersionRoot(), to run that version against the same run.
   */
  sourceRoot?: string;
};

/**
 * One service as a real child process (`tsx packages/<name>/src/main.ts`, from this repository or another source
 * root), so tests can kill, pause and restart it. Its JSON logs go to .tmp/test-logs/<run>-<n>-<name>.log (with the
 * source root's directory name after the service's when it is not this repository); `start` resolves when it
 * announces it is ready.
 * It connects to the broker as its own user: the AMQP_URL (and AMQP_URLS, a cluster's nodes) it is given names the
 * broker, vhost and parameters, and its credentials are replaced by the service's (serviceAmqpUrl); and to the database as its own runtime role
 * (serviceDatabaseUrl), which the run's provisioning granted only its own schema.
 */
export class ServiceProcess {
  private child: ChildProcess | undefined;
  /** Its operator port (GET /health, GET /metrics): the env's OPERATOR_PORT, or a free one chosen at the first start. */
  private operatorPort: string | undefined;

  constructor(
    readonly name: ServiceName,
    private readonly env: Record<string, string>,
    private readonly runId: string,
    private readonly options: ServiceProcessOptions = {},
  ) {}

  get pid(): number | undefined {
    return this.child?.pid;
  }

  /** The operator port's address, e.g. http://127.0.0.1:24567 (`/health`, `/metrics`), once started. */
  get operatorUrl(): string {
    if (this.operatorPort === undefined) throw new Error(`${this.name} has not been started`);
    return `http://127.0.0.1:${this.operatorPort}`;
  }

  /**
   * Starts the service and resolves once it announces it is ready. 60 s: on two cores shared with other stacks and
   * broker nodes, loading a service's modules through tsx alone has taken 8 s, and a start has exceeded 30 s.
   */
  async start(timeoutMs = 60_000): Promise<void> {
    mkdirSync(LOG_DIR, { recursive: true });
    this.operatorPort ??= this.env.OPERATOR_PORT ?? String(await freePort());
    launches += 1;
    const sourceRoot = this.options.sourceRoot ?? ROOT;
    const source = sourceRoot === ROOT ? '' : `-${basename(sourceRoot)}`;
    const log = createWriteStream(`${LOG_DIR}/${this.runId}-${String(launches).padStart(3, '0')}-${this.name}${source}.log`);
    const child = spawn(process.execPath, ['--import', 'tsx', `packages/${this.name}/src/main.ts`], {
      cwd: sourceRoot,
      env: {
        ...process.env,
        LOG_LEVEL: 'info',
        ...this.env,
        OPERATOR_PORT: this.operatorPort,
        ...asServiceUser(this.name, this.env.AMQP_URL, this.env.AMQP_URLS, this.env.DATABASE_URL),
        ...ownDatabaseAsServiceUser(this.name, this.env),
      },
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    });
    this.child = child;
    child.stdout!.pipe(log);
    child.stderr!.pipe(log);
    let tail = '';
    child.stderr!.on('data', (chunk: Buffer) => {
      tail = (tail + chunk.toString()).slice(-1000);
    });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${this.name} was not ready within ${timeoutMs} ms`)), timeoutMs);
      child.on('message', (message) => {
        if (message !== 'ready') return;
        clearTimeout(timer);
        resolve();
      });
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`${this.name} exited with ${code} before it was ready: ${tail}`));
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

/** The broker (one node, or a cluster's: AMQP_URLS) and the database as the service's own users: its broker user, its runtime database role. */
const asServiceUser = (name: ServiceName, amqpUrl: string | undefined, amqpUrls: string | undefined, databaseUrl: string | undefined) => ({
  ...(amqpUrl ? { AMQP_URL: serviceAmqpUrl({ amqpUrl }, name) } : {}),
  ...(amqpUrls
    ? {
        AMQP_URLS: amqpUrls
          .split(',')
          .map((url) => serviceAmqpUrl({ amqpUrl: url.trim() }, name))
          .join(','),
      }
    : {}),
  ...(databaseUrl ? { DATABASE_URL: serviceDatabaseUrl(databaseUrl, name) } : {}),
});

/** The service's own database (PAYMENT_DATABASE_URL, …), when the stack gives it one, as its runtime role too. */
function ownDatabaseAsServiceUser(name: ServiceName, env: Record<string, string | undefined>): Record<string, string> {
  const variable = `${name.toUpperCase()}_DATABASE_URL`;
  const url = env[variable];
  return url ? { [variable]: serviceDatabaseUrl(url, name) } : {};
}

/**
 * Where test services listen: below the kernel's ephemeral range (from 32768 on Linux, 49152 on macOS), so no
 * outgoing connection (to the database, to the broker) can take the port between `freePort` and the service's
 * bind, as one that the kernel hands out itself can be.
 */
const TEST_PORTS = { from: 20_000, to: 32_000 };

/** A port no process listens on, on any interface, as the services listen. */
export async function freePort(): Promise<number> {
  for (let attempt = 0; attempt < 100; attempt += 1) {
    const port = TEST_PORTS.from + Math.floor(Math.random() * (TEST_PORTS.to - TEST_PORTS.from));
    if (await canListen(port)) return port;
  }
  throw new Error(`no free port between ${TEST_PORTS.from} and ${TEST_PORTS.to}`);
}

async function canListen(port: number): Promise<boolean> {
  const server = createServer();
  try {
    server.listen(port);
    await once(server, 'listening');
    return true;
  } catch {
    return false;
  } finally {
    server.close();
  }
}
