import { Decimal } from '@trading/contracts';

/** NUMERIC(20, 8) reads back as "0.50000000"; the wire carries "0.5". */
export function canonical(decimal: string): string {
  return new Decimal(decimal).toFixed();
}
