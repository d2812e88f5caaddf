import { checkAmount, type PaymentCommand, paymentCommand } from '@trading/contracts';
import { PoisonMessageError } from '@trading/platform';

const MONEY_FIELDS = new Set(['amount', 'quantity']);

/**
 * Validates a saga command with the contracts schema and the money rules (at most 8 decimals, positive, bounded).
 * A command that breaks them can never succeed: it is dead-lettered with the reason.
 */
export function parseCommand(body: unknown): PaymentCommand {
  const parsed = paymentCommand.safeParse(body);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ');
    throw new PoisonMessageError(`invalid payment command: ${issues}`);
  }
  for (const [field, value] of Object.entries(parsed.data)) {
    const checked = MONEY_FIELDS.has(field) ? checkAmount(value) : undefined;
    if (checked && !checked.ok) throw new PoisonMessageError(`invalid ${parsed.data.type}: ${field} ${checked.message}`);
  }
  return parsed.data;
}
