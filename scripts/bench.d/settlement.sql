-- POST /v1/settlements (2207) by an institution client token, with a fresh Idempotency-Key and
-- msgid (the same string, as scripts/bench sends them), body mdtrt_cert_type "03" with the card
-- number, no card_password, acct_used_flag "0", med_type "11", 50.00 within scope (so no argon2
-- and no account payment, hence no ledger entry and no family aid payment).
--
-- Run with -M prepared (as scripts/bench does); see me_account.sql for why.
--
-- What the service does, in order:
--   checkout 1 (the Caller extractor, auth/extract.rs -> auth/tokens.rs authenticate):
--     1. find_live                     src/auth/store/tokens.rs:76; no touch
--     -- release ping (sqlx-core pool/connection.rs:314: Sync -> ReadyForQuery)
--   checkout 2 (settlement/settle.rs settle: the look-ups before the transaction share it):
--     2. SELECT request_hash, response_body FROM idempotency_keys (the replay check before the
--        card is looked at; a fresh key finds nothing)
--                                      src/platform/idempotency/store.rs:38 (idempotency/mod.rs finished_on)
--     3. SELECT * FROM institutions    src/registries/institutions.rs:41 (preview.rs caller_institution_on)
--     4. SELECT * FROM cards           src/cards/store.rs:68 (cards/service/holder.rs presented_card_on
--        <- certificate.rs resolve_on)
--     -- release ping (settle.rs settle_new drops it before the transaction)
--   checkout 3, the transaction (platform/idempotency/mod.rs, pool.begin in Core::idempotent):
--     5. BEGIN                         (sqlx simple query)
--     6. INSERT INTO idempotency_keys ... ON CONFLICT DO NOTHING (the claim)
--                                      src/platform/idempotency/store.rs:23
--     settle_in (settle.rs):
--     7. SELECT * FROM persons ... FOR NO KEY UPDATE (the person lock; acct_used_flag 0, so no
--        holder may pay and no family binding is read: family/aid.rs lock_with_holders)
--                                      src/persons/store.rs:90 (persons/service.rs lock)
--     8. SELECT state FROM cards ... FOR SHARE (the card held)
--                                      src/cards/store.rs:74 (holder.rs hold_presented <- certificate.rs hold)
--     9. SELECT * FROM accounts        src/ledger/store.rs:40 (ledger/service.rs balance_in)
--    10. SELECT sum(...) FROM settlement_accumulators  src/settlement/store.rs:15
--        (split: CPU; acct_pay = 0 so no ledger write)
--    11. INSERT INTO settlement_accumulators ... ON CONFLICT DO UPDATE   src/settlement/store.rs:37
--    12. INSERT INTO settlements ... ON CONFLICT ON CONSTRAINT settlements_msgid_once DO NOTHING
--                                      src/settlement/store.rs:95
--    13. INSERT INTO audit_events      src/platform/audit/store.rs:73
--        (aid::pay: nothing planned, no statement)
--    14. UPDATE idempotency_keys SET response_body (the stored answer, the SettlementRow as JSON)
--                                      src/platform/idempotency/store.rs:50
--    15. COMMIT                        (sqlx simple query)
--     -- release ping
--
-- Round trips: 15 statements (BEGIN and COMMIT included) + 3 release pings = 18 (before: 17 + 5
-- = 22, the look-ups each on a checkout of their own and the family bindings read twice).
--
-- Differences from the service's text, inside the same round trips: token hash and card number
-- from the bench_* tables (then \gset, as the service takes client, institution, person and
-- insurance type from earlier rows); every "now" is now() (the service binds its clock, several
-- slightly different instants); the Idempotency-Key and msgid are :k, a random 63-bit number,
-- and the request fingerprint is sha256 of it; setl_id ('MC' + 22 upper-hex in the service) is
-- 'MC' || lpad(:s, 22, '0'); the year (today in Zhengzhou) is computed in SQL; the split the
-- service computes in Rust is bound as constants (:medfee ... :cash, the case of a person whose
-- deductible is used up at a level-3 hospital: 50.00 = fund 32.50 + cash 17.50); the request id
-- is gen_random_uuid()::text; the two jsonb values are built from text and cast, as the service
-- sends serde_json text that PostgreSQL parses.
\set c random(1, :ncards)
\set k random(1, 9223372036854775806)
\set s random(0, 9223372036854775806)
\set med_type 11
\set medfee 5000
\set fulamt 0
\set inscp 5000
\set dedc 0
\set fund 3250
\set psn_part 1750
\set acct_pay 0
\set mulaid 0
\set cash 1750
SELECT t.client_id, c.kind AS client_kind, c.bank_code, c.institution_code, t.scopes, t.staff_id,
                s.username AS staff_username, s.role AS staff_role, s.id_number IS NOT NULL AS staff_identified,
                t.person_no, t.session_method, t.binding_id, t.last_used_at,
                (t.read_fence_lsn - '0/0'::pg_lsn)::int8 AS read_fence
           FROM access_tokens t
           JOIN clients c ON c.client_id = t.client_id
           LEFT JOIN staff_users s ON s.staff_id = t.staff_id
          WHERE t.token_hash = (SELECT token_hash FROM bench_client_tokens WHERE i = 1) AND t.revoked_at IS NULL AND t.expires_at > now()
            AND c.disabled_at IS NULL
            AND (t.idle_timeout_secs IS NULL OR t.last_used_at + make_interval(secs => t.idle_timeout_secs) > now())
            AND (t.binding_id IS NULL OR EXISTS (SELECT 1 FROM channel_bindings b
                                                   WHERE b.binding_id = t.binding_id AND b.ended_at IS NULL)) \gset tok_
/* sqlx: release ping of checkout 1 */;
SELECT request_hash, response_body FROM idempotency_keys
          WHERE client_id = :tok_client_id AND idempotency_key = :k;
SELECT * FROM institutions WHERE institution_code = :tok_institution_code \gset inst_
SELECT * FROM cards WHERE card_no = (SELECT card_no FROM bench_cards WHERE i = :c) \gset card_
/* sqlx: release ping of checkout 2 */;
BEGIN;
INSERT INTO idempotency_keys (client_id, idempotency_key, request_hash, created_at)
         VALUES (:tok_client_id, :k, sha256(:k::text::bytea), now()) ON CONFLICT DO NOTHING;
SELECT * FROM persons WHERE person_no = :card_person_no FOR NO KEY UPDATE \gset psn_
SELECT state FROM cards WHERE card_no = :card_card_no FOR SHARE;
SELECT * FROM accounts WHERE person_no = :card_person_no \gset acct_
\set balc :acct_balance - :acct_pay
SELECT sum(deductible_used) FILTER (WHERE med_type = :med_type)::bigint, sum(fund_paid)::bigint
           FROM settlement_accumulators WHERE person_no = :card_person_no AND year = extract(year FROM now() AT TIME ZONE 'Asia/Shanghai')::int;
INSERT INTO settlement_accumulators (person_no, year, med_type, deductible_used, fund_paid)
         VALUES (:card_person_no, extract(year FROM now() AT TIME ZONE 'Asia/Shanghai')::int, :med_type, greatest(:dedc::bigint, 0), greatest(:fund::bigint, 0))
         ON CONFLICT (person_no, year, med_type) DO UPDATE
            SET deductible_used = greatest(settlement_accumulators.deductible_used + :dedc::bigint, 0),
                fund_paid = greatest(settlement_accumulators.fund_paid + :fund::bigint, 0);
INSERT INTO settlements (setl_id, institution_code, client_id, msgid, person_no, mdtrt_cert_type, med_type,
                                  insutype, medfee_sumamt, fulamt_ownpay_amt, inscp_scp_amt, act_pay_dedc,
                                  fund_pay_sumamt, psn_part_amt, acct_pay, acct_mulaid_pay, psn_cash_pay, balc,
                                  year, settled_at, state)
         VALUES ('MC' || lpad(:s::text, 22, '0'), :tok_institution_code, :tok_client_id, :k, :card_person_no, '03', :med_type, :psn_insurance_type,
                 :medfee, :fulamt, :inscp, :dedc, :fund, :psn_part, :acct_pay, :mulaid, :cash, :balc,
                 extract(year FROM now() AT TIME ZONE 'Asia/Shanghai')::int, now(), 'settled')
         ON CONFLICT ON CONSTRAINT settlements_msgid_once DO NOTHING;
INSERT INTO audit_events (occurred_at, actor_kind, actor_id, client_id, channel, request_id, action, subject_kind, subject_id, details) SELECT occurred_at, actor_kind, actor_id, client_id, channel, request_id, action, subject_kind, subject_id, details FROM (VALUES (now()::timestamptz, 'client'::text, :tok_client_id::text, :tok_client_id::text, :tok_client_kind::text, gen_random_uuid()::text, 'settlement.create'::text, 'settlement'::text,
                  ('MC' || lpad(:s::text, 22, '0'))::text, ('{"acct_pay": "0.00", "medfee_sumamt": "50.00", "person_no": "' || :card_person_no::text || '"}')::jsonb)) AS event (occurred_at, actor_kind, actor_id, client_id, channel, request_id, action, subject_kind, subject_id, details);
UPDATE idempotency_keys SET response_body = ('{"setl_id": "MC' || lpad(:s::text, 22, '0') || '", "institution_code": "' || :tok_institution_code::text
           || '", "client_id": "' || :tok_client_id::text || '", "msgid": "' || :k::text || '", "person_no": "' || :card_person_no::text
           || '", "mdtrt_cert_type": "03", "med_type": "' || :med_type::text || '", "insutype": "' || :psn_insurance_type::text
           || '", "medfee_sumamt": "50.00", "fulamt_ownpay_amt": "0.00", "inscp_scp_amt": "50.00", "act_pay_dedc": "0.00", "fund_pay_sumamt": "32.50", "psn_part_amt": "17.50", "acct_pay": "0.00", "acct_mulaid_pay": "0.00", "psn_cash_pay": "17.50", "balc": "'
           || to_char(:balc::bigint / 100.0, 'FM999999999990.00') || '", "year": ' || extract(year FROM now() AT TIME ZONE 'Asia/Shanghai')::int
           || ', "settled_at": ' || to_json(now())::text || ', "state": "settled", "reversed_at": null, "reversal_msgid": null, "fixmedins_name": "'
           || :inst_name::text || '", "fixmedins_level": ' || :inst_level::text || '}')::jsonb
          WHERE client_id = :tok_client_id AND idempotency_key = :k;
COMMIT;
/* sqlx: release ping of checkout 3 */;
