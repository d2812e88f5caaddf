import { rmSync } from 'node:fs';
import { clusterNodes, clusterRoot } from './clusterNodes.ts';
import { stopNode } from './nodeCtl.ts';

/** Stops the running nodes, the first last; `purge` also deletes their data (the next `up` joins them anew). */
export async function clusterDown(purge = false): Promise<void> {
  for (const node of [...clusterNodes].reverse()) await stopNode(node);
  if (purge) rmSync(clusterRoot(), { recursive: true, force: true });
}
