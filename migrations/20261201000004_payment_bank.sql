-- The bank that took a payment may also confirm its arrival (SPEC §4 gives arrival posts to
-- banks and the tax bureau); other banks may not. Each payment records its bank for that.
ALTER TABLE contribution_payments ADD COLUMN bank_code text;
UPDATE contribution_payments p SET bank_code = c.bank_code FROM clients c WHERE c.client_id = p.client_id;
