import type { Channel } from '../../shared/domain/consent/types';
import type { DeliveryUpdate, OutgoingMessage, ProviderAdapter, ReconcileOutcome, SendOutcome } from '../../electron/core/sending/providers/types';

/** What a scripted provider answers to one send: a ready outcome, or a function of the message and its attempt. */
export type Script = (message: OutgoingMessage, attempt: number) => SendOutcome;

/** An in-process provider whose answers a test decides, recording every message it took. */
export class ScriptedProvider implements ProviderAdapter {
  readonly kind = 'webhook' as const;
  /** Every send call, in order (taken or not). */
  readonly calls: OutgoingMessage[] = [];
  /** Messages the provider took, by idempotency key. */
  readonly taken = new Map<string, OutgoingMessage>();
  private readonly attempts = new Map<string, number>();
  /** Sends of a message the provider had already taken: must stay 0. */
  duplicates = 0;
  private n = 0;
  reconcileAnswer: (m: OutgoingMessage) => ReconcileOutcome = (m) =>
    this.taken.has(m.idempotencyKey) ? { kind: 'accepted', providerMessageId: `id-${m.idempotencyKey}` } : { kind: 'resend' };
  statusAnswer: ((providerMessageId: string) => DeliveryUpdate | null) | null = null;
  /** Called before each send is answered (tests change the register here, mid-batch). */
  beforeAnswer: ((m: OutgoingMessage) => void | Promise<void>) | null = null;

  constructor(
    readonly channels: readonly Channel[] = ['sms', 'whatsapp'],
    public script: Script = () => ({ kind: 'accepted', providerMessageId: null }),
    readonly ratePerSecond = 1000,
  ) {}

  async send(message: OutgoingMessage): Promise<SendOutcome> {
    this.calls.push(message);
    if (this.taken.has(message.idempotencyKey)) this.duplicates++;
    const attempt = (this.attempts.get(message.idempotencyKey) ?? 0) + 1;
    this.attempts.set(message.idempotencyKey, attempt);
    await this.beforeAnswer?.(message);
    const outcome = this.script(message, attempt);
    if (outcome.kind === 'accepted') {
      const id = outcome.providerMessageId ?? `id-${++this.n}`;
      this.taken.set(message.idempotencyKey, message);
      return { ...outcome, providerMessageId: id };
    }
    if (outcome.kind === 'retry' && outcome.maybeDelivered) this.taken.set(message.idempotencyKey, message);
    return outcome;
  }

  async reconcile(message: OutgoingMessage): Promise<ReconcileOutcome> {
    return this.reconcileAnswer(message);
  }

  get status() {
    const answer = this.statusAnswer;
    return answer ? async (id: string) => answer(id) : undefined;
  }

  /** How many distinct recipients (by number) got a message. */
  recipients(): string[] {
    return [...this.taken.values()].map((m) => m.to);
  }
}
