-- Family mutual aid (家庭共济): a holder with an employee personal account binds up to five near
-- relatives insured here; once the relative (or the hall, on proof) confirms, the holder's account
-- pays what the relative's own account cannot of the relative's part of a bill.
CREATE TABLE family_bindings (
    binding_id         uuid PRIMARY KEY,
    holder_person_no   text NOT NULL REFERENCES persons (person_no),
    relative_person_no text NOT NULL REFERENCES persons (person_no),
    -- What the relative is to the holder.
    relationship       text NOT NULL CHECK (relationship IN ('spouse', 'parent', 'child', 'sibling', 'grandparent',
                                                             'grandchild')),
    state              text NOT NULL CHECK (state IN ('requested', 'active', 'unbound')),
    -- The relative's order among their holders (1 pays first).
    priority           integer NOT NULL CHECK (priority >= 1),
    requested_by       text NOT NULL,
    requested_via      text NOT NULL REFERENCES clients (client_id),
    proof_kind         text,
    requested_at       timestamptz NOT NULL,
    confirmed_at       timestamptz,
    unbound_at         timestamptz,
    unbound_by         text,
    unbound_reason     text,
    CONSTRAINT family_bindings_not_oneself CHECK (holder_person_no <> relative_person_no),
    CONSTRAINT family_bindings_confirmed CHECK (state <> 'active' OR confirmed_at IS NOT NULL),
    CONSTRAINT family_bindings_unbound_complete CHECK ((state = 'unbound') = (unbound_at IS NOT NULL AND unbound_reason IS NOT NULL))
);
CREATE UNIQUE INDEX family_bindings_live ON family_bindings (holder_person_no, relative_person_no) WHERE state <> 'unbound';
CREATE INDEX family_bindings_relative_idx ON family_bindings (relative_person_no) WHERE state <> 'unbound';

-- What a holder's account paid for a relative: the settlement's mutual-aid part, and its return
-- to the holder when the settlement is reversed.
CREATE TABLE family_payments (
    id                 bigserial PRIMARY KEY,
    binding_id         uuid NOT NULL REFERENCES family_bindings (binding_id),
    holder_person_no   text NOT NULL REFERENCES persons (person_no),
    relative_person_no text NOT NULL REFERENCES persons (person_no),
    setl_id            text NOT NULL REFERENCES settlements (setl_id),
    amount             bigint NOT NULL CHECK (amount > 0),
    paid_at            timestamptz NOT NULL,
    returned_at        timestamptz,
    -- `account`: back into the holder's account; `outside`: the holder had transferred out, so the
    -- institution refunds them directly.
    returned_to        text CHECK (returned_to IN ('account', 'outside')),
    CONSTRAINT family_payments_once UNIQUE (setl_id, holder_person_no),
    CONSTRAINT family_payments_return_complete CHECK ((returned_at IS NULL) = (returned_to IS NULL))
);
CREATE INDEX family_payments_binding_idx ON family_payments (binding_id, paid_at);
