import type {
  HealthCampaign,
  HealthCampaignTotal,
  HealthComplaint,
  HealthHandoff,
  HealthOptOut,
  HealthQualitySignal,
  HealthTally,
  QualityTopic,
} from '../../../../shared/domain/health/health';
import type { Db } from '../open';

/** Outbox statuses that mean the message went to (or was refused by) a provider: queued, sending and skipped are not. */
const ATTEMPTED = "('sent', 'delivered', 'read', 'failed', 'undeliverable', 'unknown')";
/** A row's time for the figures: the hand-off, else (refused before it) the last change. */
const AT = 'COALESCE(handed_off_at, updated_at)';
const QUARTER_HOUR = 15 * 60_000;

/** What the health figures read: outbox rows, campaigns, marketing opt-outs and complaints since an instant. */
export class HealthRepo {
  constructor(private readonly db: Db) {}

  /**
   * Outbox rows handed off (or refused) since `since`, optionally of one campaign, counted together in SQL (see
   * HealthTally): by campaign, status, reason, handed off or not, the quarter hour of their time (the hand-off, else
   * the last change) and its side of the report's start `from` and of `now`. A campaign of 60,000 comes as a few
   * tallies instead of 60,000 rows to read.
   */
  tallies(since: number, from: number, now: number, campaign?: number): HealthTally[] {
    return (
      this.db
        .prepare(
          `SELECT batch_id, status, reason, handed_off_at IS NOT NULL, min(${AT}), count(*)
           FROM outbox WHERE status IN ${ATTEMPTED} AND ${AT} >= ? ${campaign === undefined ? '' : 'AND batch_id = ?'}
           GROUP BY batch_id, status, reason, handed_off_at IS NOT NULL, ${AT} / ${QUARTER_HOUR}, ${AT} >= ?, ${AT} <= ?`,
        )
        .raw()
        .all(...(campaign === undefined ? [since, from, now] : [since, campaign, from, now])) as [
        number,
        string,
        string | null,
        number,
        number,
        number,
      ][]
    ).map(([campaign, status, reason, handedOff, at, count]) => ({ campaign, status, reason, handedOff: handedOff === 1, at, count }));
  }

  /**
   * Per campaign (all, or those in `campaigns`), of its rows handed off (or refused) since `since`: how many were
   * handed off, the first hand-off and the earliest time.
   */
  campaignTotals(since: number, campaigns?: readonly number[]): HealthCampaignTotal[] {
    return (
      this.db
        .prepare(
          `SELECT batch_id, count(handed_off_at), min(handed_off_at), min(${AT}) FROM outbox
           WHERE status IN ${ATTEMPTED} AND ${AT} >= ? ${campaigns === undefined ? '' : 'AND batch_id IN (SELECT value FROM json_each(?))'}
           GROUP BY batch_id`,
        )
        .raw()
        .all(...(campaigns === undefined ? [since] : [since, JSON.stringify(campaigns)])) as [number, number, number | null, number][]
    ).map(([campaign, handedOff, startedAt, firstAt]) => ({ campaign, handedOff, startedAt, firstAt }));
  }

  /** How many of a campaign's rows were handed off since `since`, counted no further than `limit`. */
  handedOffUpTo(campaign: number, since: number, limit: number): number {
    return this.db
      .prepare(`SELECT count(*) FROM (SELECT 1 FROM outbox WHERE batch_id = ? AND status IN ${ATTEMPTED} AND handed_off_at >= ? LIMIT ?)`)
      .pluck()
      .get(campaign, since, limit) as number;
  }

  /** The hand-offs since `since` (optionally of one campaign) to the given contacts, by the contact index. */
  handoffs(since: number, contactIds: readonly number[], campaign?: number): HealthHandoff[] {
    if (contactIds.length === 0) return [];
    return (
      this.db
        .prepare(
          `SELECT contact_id, batch_id, handed_off_at FROM outbox
           WHERE contact_id IN (SELECT value FROM json_each(?)) AND status IN ${ATTEMPTED} AND handed_off_at >= ?
           ${campaign === undefined ? '' : 'AND batch_id = ?'}`,
        )
        .raw()
        .all(...[JSON.stringify([...new Set(contactIds)]), since, ...(campaign === undefined ? [] : [campaign])]) as [number, number, number][]
    ).map(([contactId, campaign, at]) => ({ contactId, campaign, at }));
  }

  /** The campaigns with an outbox row handed off (or refused) since `since`. */
  campaigns(since: number): HealthCampaign[] {
    return this.db
      .prepare(
        `SELECT b.id, b.name, b.channel, b.purpose FROM batches b
         WHERE EXISTS (SELECT 1 FROM outbox o WHERE o.batch_id = b.id AND o.status IN ${ATTEMPTED}
                       AND COALESCE(o.handed_off_at, o.updated_at) >= ?)`,
      )
      .all(since) as HealthCampaign[];
  }

  /**
   * Marketing revocations (on any channel) that took effect since `since`. Those a complaint made (recorded with it,
   * at its instant, for the person who complained) are counted once, as the complaint.
   */
  optOuts(since: number): HealthOptOut[] {
    return this.db
      .prepare(
        `SELECT e.contact_id AS contactId, e.occurred_at AS at FROM consent_events e
         WHERE e.action = 'revoke' AND e.purpose = 'marketing' AND e.occurred_at >= ?
           AND NOT EXISTS (
             SELECT 1 FROM complaints k JOIN contacts c ON c.id = k.contact_id
             WHERE k.at = e.occurred_at
               AND (k.contact_id = e.contact_id OR c.merged_into = e.contact_id
                    OR k.contact_id = (SELECT merged_into FROM contacts WHERE id = e.contact_id)))`,
      )
      .all(since) as HealthOptOut[];
  }

  /** Complaints recorded as made since `since`. */
  complaints(since: number): HealthComplaint[] {
    return this.db.prepare(`SELECT contact_id AS contactId, at FROM complaints WHERE at >= ?`).all(since) as HealthComplaint[];
  }

  /** Whether a campaign exists. */
  hasCampaign(id: number): boolean {
    return this.db.prepare('SELECT 1 FROM batches WHERE id = ?').get(id) !== undefined;
  }

  /** Keep a provider's quality signal; false when the same one (by its evidence id) is already kept. */
  recordQuality(s: {
    provider: string;
    topic: QualityTopic;
    value: string;
    detail: string | null;
    evidenceId: string;
    at: number;
    receivedAt: number;
  }): boolean {
    return (
      this.db
        .prepare(
          `INSERT INTO provider_signals (provider, topic, value, detail, evidence_id, at, received_at) VALUES (?, ?, ?, ?, ?, ?, ?)
           ON CONFLICT (evidence_id) DO NOTHING`,
        )
        .run(s.provider, s.topic, s.value, s.detail, s.evidenceId, s.at, s.receivedAt).changes === 1
    );
  }

  /** Quality signals that happened since `since`, newest first. */
  quality(since: number): HealthQualitySignal[] {
    return this.db
      .prepare(
        `SELECT at, provider, topic, value AS rating, COALESCE(detail, '') AS detail FROM provider_signals WHERE at >= ? ORDER BY at DESC, id DESC`,
      )
      .all(since) as HealthQualitySignal[];
  }
}
