import type { BatchRecord } from '../db/repos/batches.repo';
import { registerIdOf } from '../db/repos/register.repo';
import type { ServiceContext } from '../context';

/**
 * The idempotency key of one recipient's message: `optin-<register>-b<batch>.<planned>-r<recipient>`.
 *
 * - `<register>`: the first 8 hex digits of the register's id (migration 0008), so two registers — a reinstall, a
 *   second till on the same gateway — never send the same key, and a gateway that drops repeats never drops a new
 *   campaign of another register;
 * - `<batch>.<planned>`: the campaign's number and when it was planned (ms, base 36), so a campaign planned after a
 *   backup was restored never reuses the key of one the replaced register had sent under the same number;
 * - `<recipient>`: the outbox row.
 *
 * Everything in it is fixed once the recipient is in the outbox, so a retry or a re-send after a crash carries the
 * same key and the gateway can drop it.
 */
export function idempotencyKey(ctx: ServiceContext, batch: Pick<BatchRecord, 'id' | 'createdAt'>, recipientId: number): string {
  return `optin-${registerIdOf(ctx.db).slice(0, 8)}-b${batch.id}.${batch.createdAt.toString(36)}-r${recipientId}`;
}
