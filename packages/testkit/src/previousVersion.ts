import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { promisify } from 'node:util';

const run = promisify(execFile);
const ROOT = new URL('../../../', import.meta.url).pathname;

/**
 * The last release of schema version 1 (packages/contracts/src/versions.ts): Trade drove Payment by saga commands on
 * `payment` and Payment answered on `payment-response`. The upgrade test runs its Payment and Trade, then the
 * current ones.
 */
export const PREVIOUS_VERSION_COMMIT = '014a57d';

/** Written last into a materialised copy: a copy without it was interrupted and is made again. */
const COMPLETE = '.complete';

/**
 * The previous version's source, runnable without an install, as a source root for ServiceProcess: its `packages`
 * (with the root's tsconfig.base.json and package.json) from `git archive`, in .tmp/previous-<commit>/. It borrows
 * what is not in git from this checkout: `node_modules` is a link to the root's; each `packages/<name>/node_modules`
 * is copied as is (pnpm's links in it are relative, so in the copy they resolve to the copy's own packages and,
 * through the link, to the root's node_modules); and the generated Prisma client (the schema did not change).
 * Made once per checkout and commit; returns its root, ending in `/`.
 */
export async function previousVersionRoot(commit = PREVIOUS_VERSION_COMMIT): Promise<string> {
  const target = `${ROOT}.tmp/previous-${commit}/`;
  if (existsSync(`${target}${COMPLETE}`)) return target;
  const building = `${ROOT}.tmp/previous-${commit}.${process.pid}/`;
  rmSync(building, { recursive: true, force: true });
  mkdirSync(building, { recursive: true });
  await ensureCommit(commit);
  await run('bash', ['-o', 'pipefail', '-c', `git archive ${commit} packages package.json tsconfig.base.json | tar -x -C "${building}"`], { cwd: ROOT });
  symlinkSync(`${ROOT}node_modules`, `${building}node_modules`);
  for (const name of readdirSync(`${ROOT}packages`)) {
    const modules = `${ROOT}packages/${name}/node_modules`;
    if (existsSync(modules) && existsSync(`${building}packages/${name}`)) await run('cp', ['-a', modules, `${building}packages/${name}/`]);
  }
  await run('cp', ['-a', `${ROOT}packages/db/src/generated`, `${building}packages/db/src/`]);
  writeFileSync(`${building}${COMPLETE}`, `${commit}\n`);
  rmSync(target, { recursive: true, force: true });
  renameSync(building, target);
  return target;
}

/** A shallow clone (a CI's, say) lacks the commit: its history is fetched from where it was cloned. */
async function ensureCommit(commit: string): Promise<void> {
  const has = () =>
    run('git', ['cat-file', '-e', `${commit}^{commit}`], { cwd: ROOT }).then(
      () => true,
      () => false,
    );
  if (await has()) return;
  const { stdout } = await run('git', ['rev-parse', '--is-shallow-repository'], { cwd: ROOT });
  if (stdout.trim() === 'true') await run('git', ['fetch', '--quiet', '--unshallow'], { cwd: ROOT });
  if (!(await has())) throw new Error(`commit ${commit} (the previous release) is not in this repository's history`);
}
