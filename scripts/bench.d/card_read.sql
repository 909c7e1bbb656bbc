-- POST /v1/card-reads by an institution client token, body
-- {"mdtrt_cert_type":"03","mdtrt_cert_no":CARD,"card_password":PW}, the password right and the
-- card active, WITHOUT the argon2 comparison (app CPU, ~19 MiB and 2 passes per check, done off
-- the database between statements 5 and 6 while no connection is held). scripts/bench runs the
-- no-password read (card_read_nopw.sql) instead, so argon2 does not dominate.
--
-- Run with -M prepared (as scripts/bench does); see me_account.sql for why.
--
-- What the service does, in order (no transaction anywhere: every statement autocommits):
--   checkout 1 (auth/tokens.rs:119, the Caller extractor):
--     1. find_live                 src/auth/store/tokens.rs:76 (auth/tokens.rs:121); no touch
--     -- release ping (sqlx-core pool/connection.rs:314: Sync -> ReadyForQuery)
--   checkout 2 (settlement/card_read.rs read_card -> certificate.rs resolve_on, which lets it go
--   before the password check, that takes connections of its own):
--     2. SELECT * FROM cards       src/cards/store.rs:68 (holder.rs presented_card_on)
--     -- release ping
--   the password check, Cards::check_password (cards/service/password.rs:101), reached by
--   certificate.rs:78 -> holder.rs:45:
--   checkout 4 (password.rs:108):
--     3. SELECT * FROM cards       src/cards/store.rs:68 (password.rs:109, the second time)
--     4. SELECT * FROM persons     src/persons/store.rs:85 (password.rs:111 via cards/service.rs:171)
--     -- release ping
--   checkout 5 (platform/counted_secret.rs:66, reserve, from password.rs:114 -> :136 -> cards/store.rs:171):
--     5. UPDATE cards ... RETURNING password_hash   (reserve a slot)   src/platform/counted_secret.rs:96
--        (text built at counted_secret.rs:89-94 from cards/store.rs:155 PASSWORD; a failed
--        reservation would add a SELECT at counted_secret.rs:101 and retry every 20 ms: not here)
--     -- release ping
--     -- argon2 verify, password.rs:115 (skipped here)
--   checkout 6 (password.rs:116):
--     6. UPDATE cards ... RETURNING password_failures (settle the slot)  src/platform/counted_secret.rs:118
--        (from password.rs:117 -> cards/store.rs:176; a right password: no audit row, password.rs:118)
--     -- release ping
--   checkout 7 (settlement/card_read.rs:42):
--     7. SELECT * FROM persons     src/persons/store.rs:85 (card_read.rs:43, the second time)
--     8. SELECT * FROM accounts    src/ledger/store.rs:40 (ledger/service.rs:43 -> :158 <- card_read.rs:45)
--    9. SELECT s.*, i.name ... FROM settlements s JOIN institutions i ... LIMIT 5
--                                  src/settlement/store.rs:184 (card_read.rs:53)
--    10. INSERT INTO audit_events  src/platform/audit/store.rs:73 (audit/mod.rs:43 <- card_read.rs:59)
--     -- release ping
--
-- Round trips: 10 statements + 6 release pings = 16 (before: 11 + 7 = 18, the card read once more
-- on a checkout of its own). No BEGIN/COMMIT.
--
-- Differences from the service's text, inside the same round trips: token hash and first card
-- number from the bench_* tables, later ones from \gset (the service binds the body's card number
-- again); every "now" the app binds is now(); the reservation's limit $2 is :max_failures (3,
-- [cards] password_max_failures) and the settle's $2 is :right (true); list_for_person's
-- $2 is today in Zhengzhou minus 366 days computed in SQL, and its NULL parameters $3, $4, $5
-- (pgbench cannot bind NULL) are nullif(:z, :z)::text::<type>, which stay parameters, so the
-- plan cache treats them as it treats the service's NULL binds.
\set c random(1, :ncards)
\set max_failures 3
\set right true
\set recent 5
\set z 0
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
SELECT * FROM cards WHERE card_no = (SELECT card_no FROM bench_cards WHERE i = :c) \gset card_
/* sqlx: release ping of checkout 2 */;
SELECT * FROM cards WHERE card_no = :card_card_no;
SELECT * FROM persons WHERE person_no = :card_person_no;
/* sqlx: release ping of checkout 4 */;
UPDATE cards SET password_checks_in_flight = 1 + CASE WHEN password_checks_since < now() - interval '1 minute' THEN 0 ELSE password_checks_in_flight END, password_checks_since = now()
          WHERE card_no = :card_card_no AND password_hash IS NOT NULL AND password_failures + CASE WHEN password_checks_since < now() - interval '1 minute' THEN 0 ELSE password_checks_in_flight END < :max_failures
          RETURNING password_hash;
/* sqlx: release ping of checkout 5 */;
UPDATE cards SET password_failures = CASE WHEN :right THEN 0 ELSE password_failures + 1 END,
                            password_checks_in_flight = greatest(password_checks_in_flight - 1, 0)
          WHERE card_no = :card_card_no RETURNING password_failures;
/* sqlx: release ping of checkout 6 */;
SELECT * FROM persons WHERE person_no = :card_person_no;
SELECT * FROM accounts WHERE person_no = :card_person_no;
SELECT s.*, i.name AS fixmedins_name, i.level AS fixmedins_level
      FROM settlements s JOIN institutions i ON i.institution_code = s.institution_code
          WHERE s.person_no = :card_person_no AND (s.settled_at AT TIME ZONE 'Asia/Shanghai')::date >= ((now() AT TIME ZONE 'Asia/Shanghai')::date - 366)
            AND (nullif(:z, :z)::text::date IS NULL OR (s.settled_at AT TIME ZONE 'Asia/Shanghai')::date <= nullif(:z, :z)::text::date)
            AND (nullif(:z, :z)::text::timestamptz IS NULL OR (s.settled_at, s.setl_id COLLATE "C") < (nullif(:z, :z)::text::timestamptz, nullif(:z, :z)::text))
          ORDER BY s.settled_at DESC, s.setl_id COLLATE "C" DESC LIMIT :recent;
INSERT INTO audit_events (occurred_at, actor_kind, actor_id, client_id, channel, request_id, action, subject_kind, subject_id, details) SELECT occurred_at, actor_kind, actor_id, client_id, channel, request_id, action, subject_kind, subject_id, details FROM (VALUES (now()::timestamptz, 'client'::text, :tok_client_id::text, :tok_client_id::text, :tok_client_kind::text, gen_random_uuid()::text, 'card.read'::text, 'person'::text,
                  :card_person_no::text, ('{"balance_shown": true, "card_state": "' || :card_state::text || '"}')::jsonb)) AS event (occurred_at, actor_kind, actor_id, client_id, channel, request_id, action, subject_kind, subject_id, details);
/* sqlx: release ping of checkout 7 */;
