-- Cards: issuing banks, designated institutions, the cards themselves and their history.

-- Issuing banks. Some banks' activations take effect only on the next working day.
CREATE TABLE banks (
    bank_code          text PRIMARY KEY,
    name               text NOT NULL,
    activation_effect  text NOT NULL CONSTRAINT banks_activation_effect_known
                           CHECK (activation_effect IN ('immediate', 'next_working_day'))
);

INSERT INTO banks (bank_code, name, activation_effect) VALUES
    ('ICBC',  '中国工商银行', 'immediate'),
    ('CCB',   '中国建设银行', 'immediate'),
    ('ABC',   '中国农业银行', 'next_working_day'),
    ('BOC',   '中国银行',     'next_working_day'),
    ('BOCOM', '交通银行',     'immediate'),
    ('ZZBANK', '郑州银行',    'immediate'),
    ('ZYBANK', '中原银行',    'next_working_day');

-- Designated hospitals and pharmacies (定点医药机构); some offer card activation.
CREATE TABLE institutions (
    institution_code   text PRIMARY KEY,
    name               text NOT NULL,
    kind               text NOT NULL CONSTRAINT institutions_kind_known CHECK (kind IN ('hospital', 'pharmacy')),
    offers_activation  boolean NOT NULL DEFAULT false,
    created_at         timestamptz NOT NULL
);

-- A bank client acts for its bank, an institution client for its institution.
ALTER TABLE clients
    ADD COLUMN bank_code text REFERENCES banks (bank_code),
    ADD COLUMN institution_code text REFERENCES institutions (institution_code),
    ADD CONSTRAINT clients_bank_matches_kind CHECK ((kind = 'bank') = (bank_code IS NOT NULL)),
    ADD CONSTRAINT clients_institution_matches_kind CHECK ((kind = 'institution') = (institution_code IS NOT NULL));

-- Card numbers: a letter and 8 digits drawn from a sequence, so a number is never reused.
CREATE SEQUENCE card_no_seq MINVALUE 1 MAXVALUE 2599999999 NO CYCLE;

CREATE TABLE cards (
    card_no                  text PRIMARY KEY,
    person_no                text NOT NULL REFERENCES persons (person_no),
    bank_code                text NOT NULL REFERENCES banks (bank_code),
    generation               integer NOT NULL CHECK (generation >= 1),
    issued_on                date NOT NULL,
    expires_on               date NOT NULL,
    state                    text NOT NULL CONSTRAINT cards_state_known CHECK (state IN (
                                 'unactivated', 'active', 'temporarily_lost', 'frozen', 'lost', 'replaced')),
    -- The state a frozen card returns to when unfrozen.
    frozen_from              text CHECK (frozen_from IN ('unactivated', 'active')),
    replacement_for          text REFERENCES cards (card_no),
    replaced_by              text REFERENCES cards (card_no),
    -- Replacement cards are ordered, produced, made ready and collected before activation.
    fulfilment               text CHECK (fulfilment IN ('ordered', 'produced', 'ready_for_collection', 'collected')),
    expected_ready_on        date,
    activated_at             timestamptz,
    -- When the personal account becomes usable with this card (next working day for some banks).
    usable_from              timestamptz,
    activation_channel       text,
    activation_branch        text,
    password_hash            text,
    password_failures        integer NOT NULL DEFAULT 0 CHECK (password_failures >= 0),
    -- The last day a temporary loss protects the card; the next day it lapses back to active.
    temporary_loss_until     date,
    created_at               timestamptz NOT NULL,
    state_changed_at         timestamptz NOT NULL,
    CONSTRAINT cards_frozen_from_only_when_frozen CHECK ((state = 'frozen') = (frozen_from IS NOT NULL)),
    CONSTRAINT cards_lapse_only_when_temporarily_lost
        CHECK ((state = 'temporarily_lost') = (temporary_loss_until IS NOT NULL))
);

-- At most one usable card per person.
CREATE UNIQUE INDEX cards_one_usable_per_person ON cards (person_no)
    WHERE state IN ('unactivated', 'active', 'temporarily_lost', 'frozen');
CREATE INDEX cards_person_idx ON cards (person_no, issued_on);
CREATE INDEX cards_lapse_due_idx ON cards (temporary_loss_until) WHERE state = 'temporarily_lost';

-- Every change of card state. Append-only.
CREATE TABLE card_transitions (
    id           bigserial PRIMARY KEY,
    card_no      text NOT NULL REFERENCES cards (card_no),
    person_no    text NOT NULL,
    from_state   text,
    to_state     text NOT NULL,
    reason_code  text NOT NULL,
    reason       text NOT NULL,
    actor_kind   text NOT NULL,
    actor_id     text NOT NULL,
    client_id    text,
    channel      text NOT NULL,
    request_id   text,
    details      jsonb NOT NULL DEFAULT '{}'::jsonb,
    occurred_at  timestamptz NOT NULL
);
CREATE INDEX card_transitions_card_idx ON card_transitions (card_no, id);

CREATE TRIGGER card_transitions_append_only
    BEFORE UPDATE OR DELETE ON card_transitions
    FOR EACH ROW EXECUTE FUNCTION forbid_change();
