export { createHandler, type PaymentDeps } from './createHandler.ts';
export { ledgerDiscrepancies, type LedgerDiscrepancy } from './ledgerDiscrepancies.ts';
