-- Foundation: API clients, staff, tokens, insured persons, their status history and the audit log.
-- Constraints are named so the service maps violations by name (see error::ResultExt).

-- Channels (API clients). Secrets are random and stored only as SHA-256.
CREATE TABLE clients (
    client_id    text PRIMARY KEY,
    name         text NOT NULL,
    kind         text NOT NULL CONSTRAINT clients_kind_known CHECK (kind IN (
                     'wechat_official_account', 'yushiban', 'provincial_platform', 'national_app',
                     'zhenghaoban', 'service_hall', 'institution', 'terminal', 'bank', 'tax_bureau')),
    secret_hash  bytea NOT NULL,
    created_at   timestamptz NOT NULL,
    disabled_at  timestamptz
);

-- Hall staff. Passwords are argon2id PHC strings; repeated failures lock the account.
CREATE TABLE staff_users (
    staff_id       uuid PRIMARY KEY,
    username       text NOT NULL CONSTRAINT staff_users_username_key UNIQUE,
    role           text NOT NULL CONSTRAINT staff_users_role_known
                       CHECK (role IN ('clerk', 'supervisor', 'auditor', 'admin')),
    password_hash  text NOT NULL,
    failed_logins  integer NOT NULL DEFAULT 0,
    locked_until   timestamptz,
    created_at     timestamptz NOT NULL
);

-- Bearer tokens, by SHA-256. A staff session token names both the hall client and the staff user.
CREATE TABLE access_tokens (
    token_hash  bytea PRIMARY KEY,
    client_id   text NOT NULL REFERENCES clients (client_id),
    staff_id    uuid REFERENCES staff_users (staff_id),
    scopes      text[] NOT NULL,
    issued_at   timestamptz NOT NULL,
    expires_at  timestamptz NOT NULL,
    revoked_at  timestamptz
);
CREATE INDEX access_tokens_expires_at_idx ON access_tokens (expires_at);

-- Person numbers come from a sequence: ours, stable, unrelated to the ID number.
CREATE SEQUENCE person_no_seq;

-- Insured persons. The full ID number and phone are stored; responses mask them.
CREATE TABLE persons (
    person_no                text PRIMARY KEY,
    id_number                text NOT NULL CONSTRAINT persons_id_number_key UNIQUE,
    name                     text NOT NULL,
    gender                   text NOT NULL CHECK (gender IN ('male', 'female')),
    birth_date               date NOT NULL,
    phone                    text NOT NULL,
    insurance_type           text NOT NULL CHECK (insurance_type IN ('310', '390')),
    region_code              text NOT NULL,
    employer_credit_code     text,
    employer_name            text,
    status                   text NOT NULL CONSTRAINT persons_status_known
                                 CHECK (status IN ('normal', 'in_arrears', 'sealed', 'transferred_out')),
    benefits_suspended_from  date,
    other_region             text,
    enrolled_at              timestamptz NOT NULL,
    status_changed_at        timestamptz NOT NULL,
    -- Employees (310) have an employer; residents (390) do not.
    CONSTRAINT persons_employer_matches_type CHECK (
        (insurance_type = '310') = (employer_name IS NOT NULL AND employer_credit_code IS NOT NULL)),
    -- Benefits are suspended only while in arrears.
    CONSTRAINT persons_suspension_only_in_arrears CHECK (
        (status = 'in_arrears') = (benefits_suspended_from IS NOT NULL))
);

-- Every change of insured status, enrolment included (from_status NULL). Append-only.
CREATE TABLE person_status_history (
    id              bigserial PRIMARY KEY,
    person_no       text NOT NULL REFERENCES persons (person_no),
    from_status     text,
    to_status       text NOT NULL,
    reason_code     text NOT NULL,
    reason          text NOT NULL,
    other_region    text,
    actor_kind      text NOT NULL,
    actor_id        text NOT NULL,
    client_id       text,
    channel         text NOT NULL,
    request_id      text,
    occurred_at     timestamptz NOT NULL,
    effective_date  date NOT NULL
);
CREATE INDEX person_status_history_person_idx ON person_status_history (person_no, id);

-- Who did what: every write and every unmasked read. Append-only.
CREATE TABLE audit_events (
    id            bigserial PRIMARY KEY,
    occurred_at   timestamptz NOT NULL,
    actor_kind    text NOT NULL,
    actor_id      text NOT NULL,
    client_id     text,
    channel       text NOT NULL,
    request_id    text,
    action        text NOT NULL,
    subject_kind  text,
    subject_id    text,
    details       jsonb NOT NULL DEFAULT '{}'::jsonb
);
CREATE INDEX audit_events_subject_idx ON audit_events (subject_kind, subject_id, id);
CREATE INDEX audit_events_action_idx ON audit_events (action, id);

-- History and audit rows are never changed or removed.
CREATE FUNCTION forbid_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% is append-only', TG_TABLE_NAME USING ERRCODE = 'insufficient_privilege';
END;
$$;

CREATE TRIGGER person_status_history_append_only
    BEFORE UPDATE OR DELETE ON person_status_history
    FOR EACH ROW EXECUTE FUNCTION forbid_change();

CREATE TRIGGER audit_events_append_only
    BEFORE UPDATE OR DELETE ON audit_events
    FOR EACH ROW EXECUTE FUNCTION forbid_change();
