-- added index contacts_other_phones on contacts
CREATE INDEX contacts_other_phones ON contacts (other_phones) WHERE other_phones <> '[]';

-- user_version 21
