-- added index consent_events_marketing_revoked on consent_events
CREATE INDEX consent_events_marketing_revoked ON consent_events (occurred_at) WHERE action = 'revoke' AND purpose = 'marketing';

-- user_version 17
