import { Decimal } from '@trading/contracts';

export type Change = { type: 'DEPOSIT' | 'WITHDRAW'; amount: string };

/** What the requests answer when applied one by one: each reply's status and code, or the balance it leaves. */
export function oneByOne(changes: readonly Change[]): string[] {
  let balance = new Decimal(0);
  return changes.map(({ type, amount }) => {
    if (type === 'WITHDRAW' && balance.lt(amount)) return 'ERROR INSUFFICIENT_FUNDS';
    balance = type === 'DEPOSIT' ? balance.add(amount) : balance.sub(amount);
    return `OK ${balance.toFixed()}`;
  });
}
