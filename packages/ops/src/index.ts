export * from './dlq/createReplayer.ts';
export type { DlqDeps } from './dlq/deps.ts';
export * from './opsError.ts';
export * from './dlq/runDlq.ts';
