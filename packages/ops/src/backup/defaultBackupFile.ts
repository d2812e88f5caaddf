/** The repository's root: `.tmp/` there is git-ignored. */
const ROOT = new URL('../../../../', import.meta.url).pathname;

/** Where a backup goes unless `--out` says: `.tmp/backups/trading-20261202T113012Z.dump`, the time in UTC. */
export function defaultBackupFile(now: Date): string {
  const stamp = now
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
  return `${ROOT}.tmp/backups/trading-${stamp}.dump`;
}
