-- Ledger entry kinds are one Rust enum (ledger::EntryKind); the check lists the same names,
-- now including remote settlements (异地就医结算), which arrive days after they happened.
ALTER TABLE account_entries DROP CONSTRAINT account_entries_kind_known;
ALTER TABLE account_entries ADD CONSTRAINT account_entries_kind_known CHECK (kind IN (
    'allocation', 'consumption', 'family_payment', 'refund', 'transfer_out', 'transfer_in', 'adjustment',
    'remote_settlement'));

-- An idempotent operation stores its result; the HTTP layer picks the status code, so a
-- stored status is no longer kept. Keys claimed before this have no result yet or a view's
-- body; either way they are hours old and retries of them are long over.
ALTER TABLE idempotency_keys DROP COLUMN response_status;
