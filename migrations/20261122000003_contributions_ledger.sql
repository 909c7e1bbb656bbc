-- Contributions, payments and their arrival; the personal-account ledger; idempotency keys;
-- and the record of periodic job runs.

-- Employees (310) contribute monthly from a base; residents (390) have none.
ALTER TABLE persons ADD COLUMN contribution_base bigint CHECK (contribution_base > 0);

-- One row per person per period: 'YYYY-MM' for employees, 'YYYY' for residents.
CREATE TABLE contributions (
    person_no       text NOT NULL REFERENCES persons (person_no),
    period          text NOT NULL,
    base            bigint,
    employer_part   bigint NOT NULL CHECK (employer_part >= 0),
    personal_part   bigint NOT NULL CHECK (personal_part >= 0),
    amount_due      bigint NOT NULL CHECK (amount_due = employer_part + personal_part),
    -- What arrival credits to the personal account (0 for residents).
    allocation      bigint NOT NULL CHECK (allocation >= 0 AND allocation <= amount_due),
    state           text NOT NULL CONSTRAINT contributions_state_known
                        CHECK (state IN ('due', 'paid', 'arrived')),
    payment_id      uuid,
    paid_at         timestamptz,
    paid_channel    text,
    arrived_at      timestamptz,
    arrival_kind    text CHECK (arrival_kind IN ('automatic', 'manual')),
    created_at      timestamptz NOT NULL,
    PRIMARY KEY (person_no, period),
    CONSTRAINT contributions_paid_has_payment CHECK ((state = 'due') = (payment_id IS NULL)),
    CONSTRAINT contributions_arrived_has_kind CHECK ((state = 'arrived') = (arrival_kind IS NOT NULL))
);
CREATE INDEX contributions_due_idx ON contributions (period) WHERE state = 'due';
CREATE INDEX contributions_payment_idx ON contributions (payment_id);

-- A payment covers one or more periods of one person, exactly.
CREATE TABLE contribution_payments (
    payment_id     uuid PRIMARY KEY,
    person_no      text NOT NULL REFERENCES persons (person_no),
    periods        text[] NOT NULL,
    amount         bigint NOT NULL CHECK (amount > 0),
    paid_at        timestamptz NOT NULL,
    channel        text NOT NULL CHECK (channel IN ('bank_withholding', 'tax_bureau', 'counter')),
    reference      text NOT NULL,
    client_id      text NOT NULL REFERENCES clients (client_id),
    state          text NOT NULL CHECK (state IN ('paid', 'arrived')),
    arrived_at     timestamptz,
    arrival_kind   text CHECK (arrival_kind IN ('automatic', 'manual')),
    receipt_no     text,
    arrived_by     text,
    created_at     timestamptz NOT NULL,
    CONSTRAINT contribution_payments_reference_key UNIQUE (client_id, reference),
    CONSTRAINT contribution_payments_manual_has_receipt CHECK (arrival_kind IS DISTINCT FROM 'manual' OR receipt_no IS NOT NULL)
);
CREATE INDEX contribution_payments_person_idx ON contribution_payments (person_no, paid_at);

-- The personal account (employees only): a balance kept with its ledger, never negative.
CREATE TABLE accounts (
    person_no      text PRIMARY KEY REFERENCES persons (person_no),
    balance        bigint NOT NULL DEFAULT 0 CONSTRAINT accounts_balance_not_negative CHECK (balance >= 0),
    last_entry_at  timestamptz,
    created_at     timestamptz NOT NULL
);

-- Every movement of money in a personal account. Append-only; amount is signed.
CREATE TABLE account_entries (
    id             bigserial PRIMARY KEY,
    person_no      text NOT NULL REFERENCES accounts (person_no),
    kind           text NOT NULL CONSTRAINT account_entries_kind_known CHECK (kind IN (
                       'allocation', 'consumption', 'family_payment', 'refund', 'transfer_out',
                       'transfer_in', 'adjustment')),
    amount         bigint NOT NULL CHECK (amount <> 0),
    balance_after  bigint NOT NULL CHECK (balance_after >= 0),
    period         text,
    payment_id     uuid,
    reason         text,
    approver       text,
    actor_kind     text NOT NULL,
    actor_id       text NOT NULL,
    channel        text NOT NULL,
    request_id     text,
    occurred_at    timestamptz NOT NULL
);
CREATE INDEX account_entries_person_idx ON account_entries (person_no, id);

CREATE TRIGGER account_entries_append_only
    BEFORE UPDATE OR DELETE ON account_entries
    FOR EACH ROW EXECUTE FUNCTION forbid_change();

-- Money-moving POSTs: the first response per client and key, replayed for retries.
CREATE TABLE idempotency_keys (
    client_id        text NOT NULL,
    idempotency_key  text NOT NULL,
    request_hash     bytea NOT NULL,
    response_status  smallint,
    response_body    jsonb,
    created_at       timestamptz NOT NULL,
    PRIMARY KEY (client_id, idempotency_key)
);

-- Periodic jobs record each period they have run for, so a period runs once.
CREATE TABLE job_runs (
    job          text NOT NULL,
    period       text NOT NULL,
    rows         bigint NOT NULL,
    finished_at  timestamptz NOT NULL,
    PRIMARY KEY (job, period)
);

-- Employees enrolled before this migration get their (empty) account; their contribution base
-- is set at the hall (PUT /v1/persons/{person_no}/contribution-base).
INSERT INTO accounts (person_no, created_at)
SELECT person_no, now() FROM persons WHERE insurance_type = '310'
ON CONFLICT DO NOTHING;
