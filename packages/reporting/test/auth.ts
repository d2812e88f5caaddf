import { TEST_ADMIN_API_KEY } from '@trading/testkit';

/** The operator's key: every test stack gives it to every service as ADMIN_API_KEY. */
export const ADMIN_KEY = TEST_ADMIN_API_KEY;

/** The headers of a request made with `key` (none for null). */
export const bearer = (key: string | null): Record<string, string> => (key === null ? {} : { authorization: `Bearer ${key}` });
