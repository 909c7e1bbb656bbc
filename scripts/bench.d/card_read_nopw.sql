-- POST /v1/card-reads by an institution client token, body
-- {"mdtrt_cert_type":"03","mdtrt_cert_no":CARD} (no card_password): the read scripts/bench runs.
--
-- Run with -M prepared (as scripts/bench does); see me_account.sql for why.
--
-- What the service does, in order (no transaction anywhere: every statement autocommits, the
-- audit row included; each checkout is its own pool.acquire):
--   checkout 1 (the Caller extractor, auth/extract.rs -> auth/tokens.rs authenticate):
--     1. find_live                 src/auth/store/tokens.rs:76; a client token has no person, so
--        there is never a touch
--     -- release ping (sqlx-core pool/connection.rs:314: Sync -> ReadyForQuery)
--   checkout 2 (settlement/card_read.rs read_card, handed to Certificate::resolve_on and back):
--     2. SELECT * FROM cards       src/cards/store.rs:68 (cards/service/holder.rs presented_card_on
--        <- settlement/certificate.rs resolve_on); no password: no check, account_allowed = false
--     3. SELECT * FROM persons     src/persons/store.rs:85 (persons/service.rs get <- card_read.rs)
--        (no balance, no recent consumptions: they need account_allowed)
--     4. INSERT INTO audit_events  src/platform/audit/store.rs:73 (audit/mod.rs <- card_read.rs)
--     -- release ping
--
-- Round trips: 4 statements + 2 release pings = 6. No BEGIN/COMMIT. (Before: 9, the card read
-- twice, each on a checkout of its own.)
--
-- Differences from the service's text, inside the same round trips: $1 of find_live is
-- (SELECT token_hash FROM bench_client_tokens WHERE i = 1) and $2 is now(); the card number is
-- (SELECT card_no FROM bench_cards WHERE i = :c) where the service first binds it and the
-- \gset card_card_no afterwards (the service binds the same body value again); the person number
-- comes from the card row (\gset), as in the service; the audit row's $1 is now(), its actor
-- columns (kind 'client', id and client id = the client, channel = the client kind) come from the
-- token's row, its request id (x-request-id, a v4 UUID from SetRequestIdLayer, api.rs:94) is
-- gen_random_uuid()::text, and its details jsonb (serde_json, keys sorted) is built from text.
\set c random(1, :ncards)
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
SELECT * FROM persons WHERE person_no = :card_person_no;
INSERT INTO audit_events (occurred_at, actor_kind, actor_id, client_id, channel, request_id, action, subject_kind, subject_id, details) SELECT occurred_at, actor_kind, actor_id, client_id, channel, request_id, action, subject_kind, subject_id, details FROM (VALUES (now()::timestamptz, 'client'::text, :tok_client_id::text, :tok_client_id::text, :tok_client_kind::text, gen_random_uuid()::text, 'card.read'::text, 'person'::text,
                  :card_person_no::text, ('{"balance_shown": false, "card_state": "' || :card_state::text || '"}')::jsonb)) AS event (occurred_at, actor_kind, actor_id, client_id, channel, request_id, action, subject_kind, subject_id, details);
/* sqlx: release ping of checkout 2 */;
