/** Acking on a channel that died with its connection throws; the broker redelivers such messages anyway. */
export function settle(action: () => void): void {
  try {
    action();
  } catch {
    // channel closed: the message returns to its queue and its handler is idempotent
  }
}
