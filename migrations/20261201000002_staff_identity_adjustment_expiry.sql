-- Staff users are people: a citizen ID number ties each account to one person, so the four
-- eyes of an adjustment are two people rather than two accounts one admin made for themself.
-- Accounts made before this have none and take no part in four-eyes work until one is set.
ALTER TABLE staff_users ADD COLUMN id_number text;
CREATE UNIQUE INDEX staff_users_id_number_key ON staff_users (id_number) WHERE id_number IS NOT NULL;

-- An adjustment names the requesting and deciding staff accounts (whose ID numbers say which
-- people they are), expires when left pending too long, and is voided when the person
-- transfers out.
ALTER TABLE account_adjustments
    ADD COLUMN requester_staff_id uuid REFERENCES staff_users (staff_id),
    ADD COLUMN decider_staff_id   uuid REFERENCES staff_users (staff_id),
    ADD COLUMN expires_on         date;
UPDATE account_adjustments SET expires_on = (requested_at AT TIME ZONE 'Asia/Shanghai')::date + 7;
ALTER TABLE account_adjustments
    ALTER COLUMN expires_on SET NOT NULL,
    DROP CONSTRAINT account_adjustments_state_known,
    ADD CONSTRAINT account_adjustments_state_known
        CHECK (state IN ('pending', 'approved', 'rejected', 'expired', 'voided')),
    ADD CONSTRAINT account_adjustments_two_accounts
        CHECK (requester_staff_id IS NULL OR decider_staff_id IS DISTINCT FROM requester_staff_id);
