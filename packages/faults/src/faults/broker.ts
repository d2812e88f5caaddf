import { rabbitmqctl } from '@trading/testkit';

/** Closes every client connection of one vhost (the services' and the gateway's); they must reconnect by themselves. */
export async function closeAllConnections(vhost: string): Promise<void> {
  await rabbitmqctl('close_all_connections', '--vhost', vhost, 'fault injection: every connection closed');
}

/** Stops the broker application and starts it again (the whole node, every vhost), then waits until it is up. */
export async function restartBrokerApp(): Promise<void> {
  await rabbitmqctl('stop_app');
  await new Promise((resolve) => setTimeout(resolve, 2000));
  await rabbitmqctl('start_app');
  await rabbitmqctl('await_startup');
}

/** The broker's normal memory watermark (fraction of RAM); set back after an alarm. */
export const NORMAL_MEMORY_WATERMARK = '0.4';

/** Raises a memory alarm on the whole node: every publishing connection is blocked until it clears. */
export async function raiseMemoryAlarm(): Promise<void> {
  await rabbitmqctl('set_vm_memory_high_watermark', '0.0000001');
}

export async function clearMemoryAlarm(): Promise<void> {
  await rabbitmqctl('set_vm_memory_high_watermark', NORMAL_MEMORY_WATERMARK);
}

/** True while the node reports a resource alarm. */
export async function brokerAlarmed(): Promise<boolean> {
  return /memory/i.test(await rabbitmqctl('eval', 'rabbit_alarm:get_alarms().'));
}

/** Client connections open on one vhost. */
export async function connectionCount(vhost: string): Promise<number> {
  const listed = await rabbitmqctl('list_connections', 'vhost', '--no-table-headers');
  return listed.split('\n').filter((line) => line.trim() === vhost).length;
}
