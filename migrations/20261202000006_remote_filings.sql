-- The national medical-security platform is a client too: it pushes filings made in the national
-- app, confirms the ones made here, and (later) delivers remote settlements.
ALTER TABLE clients DROP CONSTRAINT clients_kind_known;
ALTER TABLE clients ADD CONSTRAINT clients_kind_known CHECK (kind IN (
    'wechat_official_account', 'yushiban', 'provincial_platform', 'national_app', 'zhenghaoban',
    'service_hall', 'institution', 'terminal', 'bank', 'tax_bureau', 'national_platform'));

-- Remote-treatment filings (异地就医备案). Made here (豫事办, the hall): `filed` until the national
-- platform confirms them; made in the national app: pushed here by the national platform, already
-- effective. Past their end date they expire; the person or the hall may revoke them.
CREATE SEQUENCE remote_filing_numbers;
CREATE TABLE remote_filings (
    filing_no            text PRIMARY KEY,
    person_no            text NOT NULL REFERENCES persons (person_no),
    kind                 text NOT NULL CHECK (kind IN ('resettled_retiree', 'long_term_resident', 'posted_worker',
                                                       'referral', 'emergency', 'temporary_travel')),
    target_region        text NOT NULL CHECK (target_region ~ '^[0-9]{6}$' AND target_region NOT LIKE '4101%'),
    begin_date           date NOT NULL,
    end_date             date CHECK (end_date >= begin_date),
    state                text NOT NULL CHECK (state IN ('filed', 'effective', 'expired', 'revoked')),
    source               text NOT NULL CHECK (source IN ('local', 'national')),
    client_id            text NOT NULL REFERENCES clients (client_id),
    contact_phone        text NOT NULL,
    address              text NOT NULL,
    referral_institution text,
    diagnosis            text,
    agent                jsonb,
    filed_at             timestamptz NOT NULL,
    effective_at         timestamptz,
    ended_at             timestamptz,
    revocation_reason    text,
    revoked_by           text,
    updated_at           timestamptz NOT NULL,
    CONSTRAINT remote_filings_referral_named
        CHECK (kind <> 'referral' OR (referral_institution IS NOT NULL AND diagnosis IS NOT NULL)),
    CONSTRAINT remote_filings_end_complete CHECK ((state IN ('expired', 'revoked')) = (ended_at IS NOT NULL)),
    CONSTRAINT remote_filings_revocation_complete CHECK ((state = 'revoked') = (revoked_by IS NOT NULL))
);
CREATE INDEX remote_filings_person_idx ON remote_filings (person_no, begin_date);
CREATE INDEX remote_filings_due_idx ON remote_filings (end_date) WHERE state IN ('filed', 'effective');

-- The hall's requests to pull a filing the national platform has not delivered yet; the platform
-- reads the open ones and answers by pushing the filing.
CREATE TABLE remote_filing_sync_requests (
    filing_no    text PRIMARY KEY,
    requested_at timestamptz NOT NULL,
    requested_by text NOT NULL,
    fulfilled_at timestamptz
);

-- Settlements made at institutions elsewhere, delivered days later by the national platform. The
-- account part debits the personal account when it arrives; a row the balance no longer covers
-- waits on the hall's clearing-exception list instead of being dropped.
CREATE TABLE remote_settlements (
    setl_sn          text PRIMARY KEY,
    person_no        text NOT NULL REFERENCES persons (person_no),
    treating_region  text NOT NULL CHECK (treating_region ~ '^[0-9]{6}$'),
    fixmedins_code   text NOT NULL,
    fixmedins_name   text NOT NULL,
    setl_time        timestamptz NOT NULL,
    med_type         text NOT NULL CHECK (med_type IN ('11', '14', '21', '41')),
    medfee_sumamt    bigint NOT NULL CHECK (medfee_sumamt >= 0),
    fund_pay_sumamt  bigint NOT NULL CHECK (fund_pay_sumamt >= 0),
    acct_pay         bigint NOT NULL CHECK (acct_pay >= 0),
    psn_cash_pay     bigint NOT NULL CHECK (psn_cash_pay >= 0),
    filing_no        text,
    -- Whether an effective filing covered the person there at setl_time.
    filing_covered   boolean NOT NULL,
    state            text NOT NULL CHECK (state IN ('posted', 'exception', 'resolved')),
    -- SHA-256 of the row as delivered: the same setl_sn with another body is refused.
    fingerprint      bytea NOT NULL,
    client_id        text NOT NULL REFERENCES clients (client_id),
    recorded_at      timestamptz NOT NULL,
    resolution       text CHECK (resolution IN ('posted_late', 'recovered_elsewhere')),
    resolution_note  text,
    resolved_by      text,
    resolved_at      timestamptz,
    CONSTRAINT remote_settlements_split_adds_up CHECK (medfee_sumamt = fund_pay_sumamt + acct_pay + psn_cash_pay),
    CONSTRAINT remote_settlements_resolution_complete
        CHECK ((state = 'resolved') = (resolution IS NOT NULL AND resolved_at IS NOT NULL))
);
CREATE INDEX remote_settlements_person_idx ON remote_settlements (person_no, setl_time);
CREATE INDEX remote_settlements_filing_idx ON remote_settlements (filing_no) WHERE filing_no IS NOT NULL;
CREATE INDEX remote_settlements_exception_idx ON remote_settlements (recorded_at) WHERE state = 'exception';
