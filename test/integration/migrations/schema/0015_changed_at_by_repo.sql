-- removed trigger consent_state_changed_insert on consent_state

-- removed trigger consent_state_changed_update on consent_state

-- user_version 15
