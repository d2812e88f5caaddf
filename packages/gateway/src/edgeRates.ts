/**
 * Per connection: 50/s, burst 100. A person on a page sends a few requests a second (a click, or a page load of
 * USER_INFO + PORTFOLIO + TRADES); the bench sends about 20/s per connection at 1,000 sagas/s over 50 connections.
 * A flood is thousands a second. The burst lets a client re-send a lost window of in-flight requests at once.
 */
export const perConnectionRate = { ratePerSecond: 50, burst: 100 } as const;
/** Per principal (user id): twice a connection's, so two tabs or a reconnect fit, and ten floods from one user do not. */
export const perPrincipalRate = { ratePerSecond: 100, burst: 200 } as const;
