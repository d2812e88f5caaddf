/**
 * The RabbitMQ user each service connects as (the gateway counts as one). Each may touch only its own queue and the
 * exchanges it uses (brokerPermissions.ts). The bus stamps every message it publishes with its connection's user
 * as the AMQP `user-id`, which the broker checks, so a consumer knows who published a message (`delivery.userId`).
 */
export const brokerUsers = {
  gateway: 'trading-gateway',
  payment: 'trading-payment',
  trade: 'trading-trade',
  reporting: 'trading-reporting',
  market: 'trading-market',
} as const;

export type ServiceName = keyof typeof brokerUsers;
export type BrokerUser = (typeof brokerUsers)[ServiceName];

export const serviceNames = Object.keys(brokerUsers) as ServiceName[];

/** The service a broker user belongs to; undefined for any other user (the broker's admin, a test's). */
export function serviceOfBrokerUser(user: string): ServiceName | undefined {
  return serviceNames.find((service) => brokerUsers[service] === user);
}
