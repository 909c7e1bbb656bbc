-- Settlements at designated institutions (2207) and their reversal (2208 / 2601). One row per
-- settlement; a reversal marks it and records when and by which message. The split always adds up.
CREATE TABLE settlements (
    setl_id            text PRIMARY KEY,
    institution_code   text NOT NULL REFERENCES institutions (institution_code),
    client_id          text NOT NULL REFERENCES clients (client_id),
    msgid              text NOT NULL,
    person_no          text NOT NULL REFERENCES persons (person_no),
    mdtrt_cert_type    text NOT NULL CHECK (mdtrt_cert_type IN ('01', '02', '03')),
    med_type           text NOT NULL CHECK (med_type IN ('11', '14', '21', '41')),
    insutype           text NOT NULL CHECK (insutype IN ('310', '390')),
    medfee_sumamt      bigint NOT NULL CHECK (medfee_sumamt >= 0),
    fulamt_ownpay_amt  bigint NOT NULL CHECK (fulamt_ownpay_amt >= 0),
    inscp_scp_amt      bigint NOT NULL CHECK (inscp_scp_amt >= 0),
    act_pay_dedc       bigint NOT NULL CHECK (act_pay_dedc >= 0),
    fund_pay_sumamt    bigint NOT NULL CHECK (fund_pay_sumamt >= 0),
    psn_part_amt       bigint NOT NULL CHECK (psn_part_amt >= 0),
    acct_pay           bigint NOT NULL CHECK (acct_pay >= 0),
    acct_mulaid_pay    bigint NOT NULL CHECK (acct_mulaid_pay >= 0),
    psn_cash_pay       bigint NOT NULL CHECK (psn_cash_pay >= 0),
    balc               bigint NOT NULL CHECK (balc >= 0),
    year               integer NOT NULL,
    settled_at         timestamptz NOT NULL,
    state              text NOT NULL CHECK (state IN ('settled', 'reversed')),
    reversed_at        timestamptz,
    reversal_msgid     text,
    CONSTRAINT settlements_msgid_once UNIQUE (institution_code, msgid),
    CONSTRAINT settlements_split_adds_up CHECK (medfee_sumamt = fund_pay_sumamt + acct_pay + acct_mulaid_pay + psn_cash_pay),
    CONSTRAINT settlements_reversal_complete CHECK ((state = 'reversed') = (reversed_at IS NOT NULL))
);
CREATE INDEX settlements_person_idx ON settlements (person_no, settled_at);
