import { z } from 'zod';
import { IsoInstant, Name } from './common';
import { ContactFilter, SegmentName } from './contacts';

/** A saved filter of the contacts list, as the list and a campaign's audience use it. */
export const Segment = z.object({
  id: z.number().int(),
  name: z.string(),
  filter: ContactFilter,
  createdAt: IsoInstant,
  createdBy: z.string(),
  updatedAt: IsoInstant,
});

/**
 * Segments (issue #17 item 13): a filter of the contacts list saved under a name, to list those people again or to
 * send a campaign to them (campaign.plan { segment }: the plan copies the filter and counts whoever matches then; the
 * gate still decides each person).
 */
export const segmentsMethods = {
  'segments.list': {
    input: z.object({}),
    output: z.object({ segments: z.array(Segment) }),
  },
  /** Save a filter under a name; an existing name is refused unless `replace`. */
  'segments.save': {
    input: z.object({ name: SegmentName, filter: ContactFilter, replace: z.boolean().default(false), staff: Name.optional() }),
    output: Segment,
  },
  /** Forget a segment (campaigns planned with it keep the filter they copied). */
  'segments.delete': {
    input: z.object({ name: SegmentName, staff: Name.optional() }),
    output: z.object({ deleted: z.string() }),
  },
} as const;
