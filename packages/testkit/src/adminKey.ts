/**
 * The operator's key every test stack is started with (ADMIN_API_KEY): test clients connect with it unless a test
 * asks for an anonymous or a user's connection. A test run's stack listens on loopback only.
 */
export const TEST_ADMIN_API_KEY = 'test-operator-key-0123456789abcdef0123456789';
