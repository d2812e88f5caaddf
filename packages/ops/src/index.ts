export * from './dlq/createReplayer.ts';
export type { DlqDeps } from './dlq/deps.ts';
export * from './dlq/errors.ts';
export * from './dlq/runDlq.ts';
