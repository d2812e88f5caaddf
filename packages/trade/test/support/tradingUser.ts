import type { Reply } from '@trading/contracts';
import type { TradingClient } from '@trading/testkit';
import { expect } from 'chai';

/** A new user with `deposit` available, through the gateway. */
export async function fundedUser(client: TradingClient, deposit: string): Promise<string> {
  const added = await client.request({ type: 'ADD_USER' });
  expect(added.status, added.message).to.equal('OK');
  const userId = String(added.user_id);
  if (deposit !== '0') {
    const deposited = await client.request({ type: 'DEPOSIT', user_id: userId, amount: deposit });
    expect(deposited.status, deposited.message).to.equal('OK');
  }
  return userId;
}

/** USER_INFO: `amount` is what is available, `reserved` what sagas in flight hold. */
export async function balanceOf(client: TradingClient, userId: string): Promise<{ amount: unknown; reserved: unknown }> {
  const info = await client.request({ type: 'USER_INFO', user_id: userId });
  expect(info.status, info.message).to.equal('OK');
  return { amount: info.amount, reserved: info.reserved };
}

export type HoldingView = { symbol: string; quantity: string; reserved: string; cost_basis: string; average_cost: string };

export async function holdingsOf(client: TradingClient, userId: string): Promise<HoldingView[]> {
  const portfolio = await client.request({ type: 'PORTFOLIO', user_id: userId });
  expect(portfolio.status, portfolio.message).to.equal('OK');
  return portfolio.holdings as HoldingView[];
}

export function expectError(reply: Reply, code: string): void {
  expect(reply, JSON.stringify(reply)).to.include({ status: 'ERROR', code });
}
