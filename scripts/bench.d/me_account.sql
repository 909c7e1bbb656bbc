-- GET /v1/me/account with a person-session bearer token (scripts/bench: wrk me_account).
--
-- Run with -M prepared (as scripts/bench does): sqlx sends every query below as a named prepared
-- statement over the extended protocol (one Bind/Execute/Sync round trip each once cached), and
-- the values the service binds are bound here too (:vars), so -M simple would neither match the
-- service nor parse (text variables would be pasted in unquoted).
--
-- What the service does, in order (no transaction: every statement autocommits), all on one
-- pool checkout (the Connected extractor, auth/extract.rs, hands the connection the token was
-- checked on to the handler, ledger/me_routes.rs own_account):
--     1. find_live                     src/auth/store/tokens.rs:76  (auth/tokens.rs authenticate)
--        $1 = SHA-256 of the bearer token, $2 = the app clock's now.
--     2. touch (only when last_used_at is NULL or more than 30 s old, auth/tokens.rs person_of;
--        so at most once per token per 30 s, not per request)
--                                      src/auth/store/tokens.rs (touch)
--     3. SELECT * FROM persons          src/persons/store.rs:85 (persons/service.rs get <- ledger/service.rs account_of)
--     4. SELECT * FROM accounts         src/ledger/store.rs:40  (ledger/service.rs employee_account)
--     -- connection released: sqlx pings it (sqlx-core pool/connection.rs:314, a bare Sync ->
--        ReadyForQuery), emulated by the empty statement "/* sqlx ... */;"
--
-- Round trips: 3 statements + 1 release ping = 4 (5 when the session is touched, i.e. once per
-- token per 30 s). No BEGIN/COMMIT. OwnView::of, the scope check and the response are CPU only.
-- (Before the Connected extractor: 5, the token checked on a checkout of its own.)
--
-- Differences from the service's text, all inside the same round trip:
--   * $1 (token hash) is (SELECT token_hash FROM bench_person_tokens WHERE i = :t);
--   * $2 (the app clock) is now();
--   * find_live has one extra output column, bench_touch, which is the service's Rust-side test
--     "last_used_at is none or now - last_used_at > 30 s" (auth/tokens.rs:162) evaluated in SQL, so
--     that \if can send the touch exactly when the service would;
--   * person_no comes from find_live's row (\gset), as the service takes it from the grant.
\set t random(1, :ntokens)
SELECT t.client_id, c.kind AS client_kind, c.bank_code, c.institution_code, t.scopes, t.staff_id,
                s.username AS staff_username, s.role AS staff_role, s.id_number IS NOT NULL AS staff_identified,
                t.person_no, t.session_method, t.binding_id, t.last_used_at,
                (t.read_fence_lsn - '0/0'::pg_lsn)::int8 AS read_fence,
                (t.last_used_at IS NULL OR t.last_used_at < now() - interval '30 seconds') AS bench_touch
           FROM access_tokens t
           JOIN clients c ON c.client_id = t.client_id
           LEFT JOIN staff_users s ON s.staff_id = t.staff_id
          WHERE t.token_hash = (SELECT token_hash FROM bench_person_tokens WHERE i = :t) AND t.revoked_at IS NULL AND t.expires_at > now()
            AND c.disabled_at IS NULL
            AND (t.idle_timeout_secs IS NULL OR t.last_used_at + make_interval(secs => t.idle_timeout_secs) > now())
            AND (t.binding_id IS NULL OR EXISTS (SELECT 1 FROM channel_bindings b
                                                   WHERE b.binding_id = t.binding_id AND b.ended_at IS NULL)) \gset tok_
\if :tok_bench_touch
UPDATE access_tokens SET last_used_at = now() WHERE token_hash = (SELECT token_hash FROM bench_person_tokens WHERE i = :t) AND last_used_at < now();
\endif
SELECT * FROM persons WHERE person_no = :tok_person_no;
SELECT * FROM accounts WHERE person_no = :tok_person_no;
/* sqlx: release ping of the one checkout */;
