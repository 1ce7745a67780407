-- added trigger contacts_keep_consented on contacts
CREATE TRIGGER contacts_keep_consented BEFORE DELETE ON contacts
WHEN EXISTS (SELECT 1 FROM consent_events WHERE contact_id = OLD.id)
BEGIN SELECT RAISE(ABORT, 'a contact with consent events is kept: its history must stay provable'); END;

-- added trigger contacts_phone_fixed on contacts
CREATE TRIGGER contacts_phone_fixed BEFORE UPDATE OF phone, id ON contacts
WHEN (NEW.phone IS NOT OLD.phone OR NEW.id IS NOT OLD.id) AND EXISTS (SELECT 1 FROM consent_events WHERE contact_id = OLD.id)
BEGIN SELECT RAISE(ABORT, 'a contact with consent events keeps its number: record a new number as a new contact'); END;

-- user_version 7
