import fc from 'fast-check';
import type { ConsentAction, FoldableEvent } from '../../shared/domain/consent/types';

/** A random history of one consent cell: actions at random (often equal) instants. */
export function arbHistory(): fc.Arbitrary<FoldableEvent[]> {
  return fc
    .array(
      fc.record({
        action: fc.constantFrom<ConsentAction>('claim', 'request', 'grant', 'confirm', 'revoke', 'expire'),
        occurredAt: fc.integer({ min: 0, max: 50 }),
        expiresIn: fc.option(fc.integer({ min: 1, max: 30 }), { nil: null }),
      }),
      { maxLength: 12 },
    )
    .map((xs) =>
      xs.map((x, i) => ({
        seq: i + 1,
        channel: 'sms' as const,
        purpose: 'marketing' as const,
        action: x.action,
        occurredAt: x.occurredAt,
        recordedAt: x.occurredAt,
        expiresAt: x.expiresIn === null ? null : x.occurredAt + x.expiresIn,
      })),
    );
}
