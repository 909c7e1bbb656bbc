-- Staff adjustments to personal accounts take two people: one requests, another approves with
-- their own session; only the approval moves money (as a ledger entry).
CREATE TABLE account_adjustments (
    adjustment_id  uuid PRIMARY KEY,
    person_no      text NOT NULL REFERENCES accounts (person_no),
    amount         bigint NOT NULL CHECK (amount <> 0),
    reason         text NOT NULL,
    requested_by   text NOT NULL,
    requested_at   timestamptz NOT NULL,
    state          text NOT NULL CONSTRAINT account_adjustments_state_known
                       CHECK (state IN ('pending', 'approved', 'rejected')),
    decided_by     text,
    decided_at     timestamptz,
    entry_id       bigint REFERENCES account_entries (id),
    CONSTRAINT account_adjustments_four_eyes CHECK (decided_by IS DISTINCT FROM requested_by),
    CONSTRAINT account_adjustments_approved_has_entry CHECK ((state = 'approved') = (entry_id IS NOT NULL))
);
CREATE INDEX account_adjustments_pending_idx ON account_adjustments (requested_at) WHERE state = 'pending';
