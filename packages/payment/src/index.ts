export { createHandler } from './createHandler.ts';
export type { PaymentDeps } from './deps.ts';
export { ledgerDiscrepancies, type LedgerDiscrepancy } from './ledgerDiscrepancies.ts';
