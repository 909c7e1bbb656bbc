-- A family holder's account may pay a bound resident relative's yearly contribution: a payment
-- channel of its own, and family payments that name a period instead of a settlement.
ALTER TABLE contribution_payments DROP CONSTRAINT contribution_payments_channel_check;
ALTER TABLE contribution_payments ADD CONSTRAINT contribution_payments_channel_check
    CHECK (channel IN ('bank_withholding', 'tax_bureau', 'counter', 'family_account'));

ALTER TABLE family_payments ALTER COLUMN setl_id DROP NOT NULL;
ALTER TABLE family_payments ADD COLUMN period text;
ALTER TABLE family_payments ADD CONSTRAINT family_payments_for_one_thing CHECK ((setl_id IS NULL) <> (period IS NULL));
CREATE UNIQUE INDEX family_payments_period_once ON family_payments (relative_person_no, period) WHERE period IS NOT NULL;
