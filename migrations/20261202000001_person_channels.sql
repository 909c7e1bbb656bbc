-- The person's side: SMS codes and their outbox, channel bindings, person sessions (bearer
-- tokens bound to a client and a person), person account passwords, assertion nonces, and the
-- contact data a person or the hall may correct.

-- One row per code sent. Only a salted SHA-256 of the code is kept; the plain code lives in the
-- outbox message (the stand-in for the SMS gateway) and nowhere else.
CREATE TABLE sms_codes (
    code_id      uuid PRIMARY KEY,
    phone        text NOT NULL,
    purpose      text NOT NULL CHECK (purpose IN ('binding', 'login', 'phone_change', 'password_reset')),
    code_salt    bytea NOT NULL,
    code_hash    bytea NOT NULL,
    sent_at      timestamptz NOT NULL,
    expires_at   timestamptz NOT NULL,
    checks       integer NOT NULL DEFAULT 0 CHECK (checks >= 0),
    consumed_at  timestamptz
);
CREATE INDEX sms_codes_phone_idx ON sms_codes (phone, sent_at);

-- What the default SMS gateway "sends": a message per code, for a test or an operator to read.
CREATE TABLE sms_outbox (
    message_id  uuid PRIMARY KEY,
    phone       text NOT NULL,
    body        text NOT NULL,
    queued_at   timestamptz NOT NULL
);
CREATE INDEX sms_outbox_phone_idx ON sms_outbox (phone, queued_at);

-- A person bound to a channel account (e.g. a WeChat openid on the official account).
CREATE TABLE channel_bindings (
    binding_id        uuid PRIMARY KEY,
    client_id         text NOT NULL REFERENCES clients (client_id),
    channel           text NOT NULL,
    channel_user_ref  text NOT NULL,
    person_no         text NOT NULL REFERENCES persons (person_no),
    bound_at          timestamptz NOT NULL,
    ended_at          timestamptz,
    end_reason        text,
    ended_by          text,
    CONSTRAINT channel_bindings_end_complete CHECK ((ended_at IS NULL) = (end_reason IS NULL))
);
CREATE UNIQUE INDEX channel_bindings_one_person_per_ref ON channel_bindings (client_id, channel_user_ref)
    WHERE ended_at IS NULL;
CREATE INDEX channel_bindings_person_idx ON channel_bindings (person_no, bound_at);

-- Failed binding attempts, counted per client and per ID number (stored as SHA-256) to slow
-- a guesser down.
CREATE TABLE binding_failures (
    id              bigserial PRIMARY KEY,
    client_id       text NOT NULL,
    id_number_hash  bytea NOT NULL,
    failed_at       timestamptz NOT NULL
);
CREATE INDEX binding_failures_id_number_idx ON binding_failures (id_number_hash, failed_at);
CREATE INDEX binding_failures_client_idx ON binding_failures (client_id, failed_at);

-- Person sessions are access tokens bound to a person: how they were opened, through which
-- binding, and when they were last used (for the idle limit).
ALTER TABLE access_tokens
    ADD COLUMN person_no       text REFERENCES persons (person_no),
    ADD COLUMN session_method  text,
    ADD COLUMN binding_id      uuid REFERENCES channel_bindings (binding_id),
    ADD COLUMN idle_timeout_secs integer,
    ADD COLUMN last_used_at    timestamptz,
    ADD CONSTRAINT access_tokens_person_session_complete CHECK (
        (person_no IS NULL) = (session_method IS NULL)
        AND (person_no IS NULL) = (idle_timeout_secs IS NULL)
        AND (person_no IS NULL OR staff_id IS NULL));
CREATE INDEX access_tokens_person_idx ON access_tokens (person_no) WHERE person_no IS NOT NULL;

-- The provincial platform's account password of a person.
CREATE TABLE person_passwords (
    person_no        text PRIMARY KEY REFERENCES persons (person_no),
    password_hash    text NOT NULL,
    failed_attempts  integer NOT NULL DEFAULT 0 CHECK (failed_attempts >= 0),
    -- Checks being evaluated right now (argon2 runs outside the transaction), so concurrent
    -- wrong guesses cannot exceed the limit; stale after a minute.
    checks_in_flight integer NOT NULL DEFAULT 0 CHECK (checks_in_flight >= 0),
    checks_since     timestamptz,
    set_at           timestamptz NOT NULL
);

-- Nonces of verified-identity and e-social-card assertions, kept until the assertion would be
-- stale anyway, so a replay is refused.
CREATE TABLE assertion_nonces (
    client_id   text NOT NULL REFERENCES clients (client_id),
    nonce       text NOT NULL,
    expires_at  timestamptz NOT NULL,
    PRIMARY KEY (client_id, nonce)
);

-- The public key a channel signs its assertions with (raw 32-byte Ed25519).
ALTER TABLE clients ADD COLUMN assertion_key bytea CHECK (octet_length(assertion_key) = 32);

-- A person's postal address, corrected by the person or at the hall.
ALTER TABLE persons ADD COLUMN address text;
CREATE INDEX persons_phone_idx ON persons (phone);

-- Contact corrections with the old values, append-only.
CREATE TABLE person_contact_history (
    id            bigserial PRIMARY KEY,
    person_no     text NOT NULL REFERENCES persons (person_no),
    field         text NOT NULL CHECK (field IN ('phone', 'address')),
    old_value     text,
    new_value     text,
    reason        text NOT NULL,
    actor_kind    text NOT NULL,
    actor_id      text NOT NULL,
    client_id     text,
    channel       text NOT NULL,
    request_id    text,
    occurred_at   timestamptz NOT NULL
);
CREATE INDEX person_contact_history_person_idx ON person_contact_history (person_no, id);
