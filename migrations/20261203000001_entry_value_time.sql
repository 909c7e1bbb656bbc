-- When an entry's money moved at its source, where that is not when it was recorded: a remote
-- settlement is paid at an institution elsewhere (setl_time) and reaches the ledger days later
-- (occurred_at). NULL means the two are the same. Entry order and balance_after stay in recording
-- order, so statements still chain.
ALTER TABLE account_entries ADD COLUMN value_at timestamptz;
ALTER TABLE account_entries ADD CONSTRAINT account_entries_value_not_after_recording
    CHECK (value_at IS NULL OR value_at <= occurred_at);
