-- Keys for sharding by person (docs/SCALING.md, "Schema changes before distributing"; checked by
-- tests/api/citus_readiness.rs). On Citus every person-scoped table is distributed by its person
-- number (family tables by the relative's), and Citus keeps a primary key, unique key or foreign
-- key between those tables only if it includes, or pairs, that number. This migration changes
-- the keys that need no code change:
--
-- * Keys the service makes itself (sequence numbers, card numbers, v4 UUIDs, MC + 88 random
--   bits) become (person number, old key). They stay unique because of how they are made; a
--   plain index on the old key keeps every lookup by it (card number, setl_id, payment id,
--   binding id, adjustment id, entry and payment ids) as cheap as before.
-- * Foreign keys between person-scoped tables pair the person numbers; the rows they join are
--   always the same person's (a card's transitions and replacements, an adjustment's entry, a
--   relative's settlement and binding).
-- * Foreign keys Citus cannot keep are dropped: from the directory tables access_tokens and
--   e_voucher_codes (distributed by token_hash) into person rows, and from the family tables to
--   the holder (on the holder's shard). The service writes or locks the rows they named in the
--   same transaction, and a session's binding is re-checked on every use (tokens::find_live).
--
-- Not here, because the code names them (ON CONFLICT or error mapping) and they enforce rules
-- about keys that come from outside: persons_id_number_key, channel_bindings_one_person_per_ref,
-- contribution_payments_reference_key, settlements_msgid_once, remote_filings_pkey (filing_no)
-- and remote_settlements_pkey (setl_sn). They move to the person_keys directory with the code
-- that writes it (migration B).

-- Foreign keys that refer to the keys replaced below, or that Citus could not keep.
ALTER TABLE access_tokens
    DROP CONSTRAINT access_tokens_person_no_fkey,
    DROP CONSTRAINT access_tokens_binding_id_fkey;
ALTER TABLE e_voucher_codes
    DROP CONSTRAINT e_voucher_codes_person_no_fkey,
    DROP CONSTRAINT e_voucher_codes_setl_id_fkey;
ALTER TABLE card_transitions DROP CONSTRAINT card_transitions_card_no_fkey;
ALTER TABLE cards
    DROP CONSTRAINT cards_replacement_for_fkey,
    DROP CONSTRAINT cards_replaced_by_fkey;
ALTER TABLE account_adjustments DROP CONSTRAINT account_adjustments_entry_id_fkey;
ALTER TABLE family_bindings DROP CONSTRAINT family_bindings_holder_person_no_fkey;
ALTER TABLE family_payments
    DROP CONSTRAINT family_payments_binding_id_fkey,
    DROP CONSTRAINT family_payments_setl_id_fkey,
    DROP CONSTRAINT family_payments_holder_person_no_fkey;

-- Cards: numbers come from card_no_seq (NO CYCLE), so a number is still never reused.
ALTER TABLE cards DROP CONSTRAINT cards_pkey, ADD CONSTRAINT cards_pkey PRIMARY KEY (person_no, card_no);
CREATE INDEX cards_card_no_idx ON cards (card_no);

-- Card history: card_transitions_card_idx (card_no, id) still serves the reads.
ALTER TABLE card_transitions
    DROP CONSTRAINT card_transitions_pkey,
    ADD CONSTRAINT card_transitions_pkey PRIMARY KEY (person_no, id);

-- The ledger: the new primary key is the old (person_no, id) index; the id index serves the
-- last-entry join of `medcard ledger check`.
ALTER TABLE account_entries
    DROP CONSTRAINT account_entries_pkey,
    ADD CONSTRAINT account_entries_pkey PRIMARY KEY (person_no, id);
DROP INDEX account_entries_person_idx;
CREATE INDEX account_entries_id_idx ON account_entries (id);

-- Adjustments. An entry belongs to one person, so (person_no, entry_id) unique is still "one
-- ledger entry belongs to at most one adjustment".
ALTER TABLE account_adjustments
    DROP CONSTRAINT account_adjustments_pkey,
    ADD CONSTRAINT account_adjustments_pkey PRIMARY KEY (person_no, adjustment_id),
    DROP CONSTRAINT account_adjustments_entry_once,
    ADD CONSTRAINT account_adjustments_entry_once UNIQUE (person_no, entry_id);
CREATE INDEX account_adjustments_adjustment_id_idx ON account_adjustments (adjustment_id);

-- Status and contact history, read by person in id order: the new primary keys are the old
-- (person_no, id) indexes.
ALTER TABLE person_status_history
    DROP CONSTRAINT person_status_history_pkey,
    ADD CONSTRAINT person_status_history_pkey PRIMARY KEY (person_no, id);
DROP INDEX person_status_history_person_idx;
ALTER TABLE person_contact_history
    DROP CONSTRAINT person_contact_history_pkey,
    ADD CONSTRAINT person_contact_history_pkey PRIMARY KEY (person_no, id);
DROP INDEX person_contact_history_person_idx;

-- Channel bindings (channel_bindings_one_person_per_ref stays, see above).
ALTER TABLE channel_bindings
    DROP CONSTRAINT channel_bindings_pkey,
    ADD CONSTRAINT channel_bindings_pkey PRIMARY KEY (person_no, binding_id);
CREATE INDEX channel_bindings_binding_id_idx ON channel_bindings (binding_id);

-- Contribution payments (contribution_payments_reference_key stays, see above).
ALTER TABLE contribution_payments
    DROP CONSTRAINT contribution_payments_pkey,
    ADD CONSTRAINT contribution_payments_pkey PRIMARY KEY (person_no, payment_id);
CREATE INDEX contribution_payments_payment_id_idx ON contribution_payments (payment_id);

-- Settlements (settlements_msgid_once stays, see above).
ALTER TABLE settlements
    DROP CONSTRAINT settlements_pkey,
    ADD CONSTRAINT settlements_pkey PRIMARY KEY (person_no, setl_id);
CREATE INDEX settlements_setl_id_idx ON settlements (setl_id);

-- Family bindings live on the relative's shard. family_bindings_live (holder, relative) already
-- includes the relative.
ALTER TABLE family_bindings
    DROP CONSTRAINT family_bindings_pkey,
    ADD CONSTRAINT family_bindings_pkey PRIMARY KEY (relative_person_no, binding_id);
CREATE INDEX family_bindings_binding_id_idx ON family_bindings (binding_id);

-- Family payments, also on the relative's shard. A settlement is the relative's (the foreign key
-- below says so), so (relative, setl_id, holder) unique is still "a holder pays once per
-- settlement"; the (setl_id, holder) index serves the reversal's read in holder order.
ALTER TABLE family_payments
    DROP CONSTRAINT family_payments_pkey,
    ADD CONSTRAINT family_payments_pkey PRIMARY KEY (relative_person_no, id),
    DROP CONSTRAINT family_payments_once,
    ADD CONSTRAINT family_payments_once UNIQUE (relative_person_no, setl_id, holder_person_no);
CREATE INDEX family_payments_id_idx ON family_payments (id);
CREATE INDEX family_payments_setl_idx ON family_payments (setl_id, holder_person_no);

-- The foreign keys between person-scoped tables, now pairing the person numbers.
ALTER TABLE card_transitions
    ADD CONSTRAINT card_transitions_card_no_fkey
        FOREIGN KEY (person_no, card_no) REFERENCES cards (person_no, card_no);
ALTER TABLE cards
    ADD CONSTRAINT cards_replacement_for_fkey
        FOREIGN KEY (person_no, replacement_for) REFERENCES cards (person_no, card_no),
    ADD CONSTRAINT cards_replaced_by_fkey
        FOREIGN KEY (person_no, replaced_by) REFERENCES cards (person_no, card_no);
ALTER TABLE account_adjustments
    ADD CONSTRAINT account_adjustments_entry_id_fkey
        FOREIGN KEY (person_no, entry_id) REFERENCES account_entries (person_no, id);
ALTER TABLE family_payments
    ADD CONSTRAINT family_payments_binding_id_fkey
        FOREIGN KEY (relative_person_no, binding_id) REFERENCES family_bindings (relative_person_no, binding_id),
    ADD CONSTRAINT family_payments_setl_id_fkey
        FOREIGN KEY (relative_person_no, setl_id) REFERENCES settlements (person_no, setl_id);
