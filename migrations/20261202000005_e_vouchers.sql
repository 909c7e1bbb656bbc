-- The electronic medical-insurance voucher (电子医保凭证) of a person. No row: not activated.
-- Activated online after a face / real-name check, with a 6-digit PIN; the hall suspends it after
-- an anomaly and resumes it.
CREATE TABLE e_vouchers (
    person_no            text PRIMARY KEY REFERENCES persons (person_no),
    state                text NOT NULL CHECK (state IN ('active', 'suspended')),
    pin_hash             text NOT NULL,
    pin_failures         integer NOT NULL DEFAULT 0 CHECK (pin_failures >= 0),
    -- PIN checks being evaluated right now (argon2 runs outside the transaction); stale after a minute.
    pin_checks_in_flight integer NOT NULL DEFAULT 0 CHECK (pin_checks_in_flight >= 0),
    pin_checks_since     timestamptz,
    activated_at         timestamptz NOT NULL,
    activated_by         text NOT NULL REFERENCES clients (client_id),
    suspended_at         timestamptz,
    suspension_reason    text,
    CONSTRAINT e_vouchers_suspension_complete
        CHECK ((state = 'suspended') = (suspended_at IS NOT NULL AND suspension_reason IS NOT NULL))
);

-- The QR tokens (ec_token) a person shows: only their SHA-256 is kept. Valid for a minute, bound to
-- the first institution that reads or settles with them, used up by the settlement they pay.
CREATE TABLE e_voucher_codes (
    token_hash       bytea PRIMARY KEY,
    person_no        text NOT NULL REFERENCES e_vouchers (person_no),
    client_id        text NOT NULL REFERENCES clients (client_id),
    issued_at        timestamptz NOT NULL,
    expires_at       timestamptz NOT NULL,
    institution_code text REFERENCES institutions (institution_code),
    used_at          timestamptz,
    -- The settlement row is written later in the same transaction as the use.
    setl_id          text REFERENCES settlements (setl_id) DEFERRABLE INITIALLY DEFERRED,
    CONSTRAINT e_voucher_codes_use_complete
        CHECK ((used_at IS NULL) = (setl_id IS NULL) AND (used_at IS NULL OR institution_code IS NOT NULL)),
    CONSTRAINT e_voucher_codes_lifetime CHECK (expires_at > issued_at)
);
CREATE INDEX e_voucher_codes_person_idx ON e_voucher_codes (person_no, issued_at);
