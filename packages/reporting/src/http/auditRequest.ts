import type { Principal } from '@trading/contracts';
import type { SqlClient } from '@trading/db';
import { z } from 'zod';
import { auditOperator } from '../auditOperator.ts';
import { USER_PATH } from './apiRoutes.ts';

const uuid = z.uuid();

/**
 * Audits an /api/* request of the operator as `<METHOD> <route>` (`GET /api/users/:user_id` for any user's path),
 * with the user it asks about as subject: the path's, or the `user_id` of the query when that is a user id.
 */
export async function auditApiRequest(deps: { db: SqlClient; now: () => Date }, principal: Principal, method: string, url: URL): Promise<void> {
  const user = USER_PATH.exec(url.pathname)?.[1];
  const action = `${method} ${user === undefined ? url.pathname.slice(0, 100) : '/api/users/:user_id'}`;
  const asked = uuid.safeParse(user ?? url.searchParams.get('user_id'));
  await auditOperator(deps.db, principal, { action, subject: asked.success ? asked.data.toLowerCase() : undefined, at: deps.now() });
}
