-- A decided adjustment names who decided and when; a pending one names neither; one ledger entry
-- belongs to at most one adjustment. (Note on migration 5: card state changes touch indexed
-- columns, so only password-counter updates of cards gain from its free space.)
ALTER TABLE account_adjustments
    ADD CONSTRAINT account_adjustments_decided_by_when_decided
        CHECK ((state = 'pending') = (decided_by IS NULL) AND (state = 'pending') = (decided_at IS NULL)),
    ADD CONSTRAINT account_adjustments_entry_once UNIQUE (entry_id);
