-- Fake data for trying scripts/bench.d/*.sql by hand on an empty, migrated database (the
-- harness, scripts/bench, does not use this: it seeds with `medcard seed`, opens real sessions
-- over HTTP and fills the bench_* tables itself).
--
--   createdb -h 127.0.0.1 -U postgres bench_scratch_sql
--   for f in migrations/*.sql; do psql -v ON_ERROR_STOP=1 -h 127.0.0.1 -U postgres -d bench_scratch_sql -q -f $f; done
--   psql -v ON_ERROR_STOP=1 -h 127.0.0.1 -U postgres -d bench_scratch_sql -q -f scripts/bench.d/fixture.sql
--   pgbench -n -M prepared -h 127.0.0.1 -U postgres -D ntokens=3 -D ncards=3 -t 20 \
--           -f scripts/bench.d/me_account.sql bench_scratch_sql
--
-- Three employees (310, normal), each with an account, an active card with a password set, a
-- WeChat official-account binding and a person session opened through it (method `binding`, as
-- the official account opens them), a few settlements of this year; one institution (level 3,
-- like the harness's HBENCH00001) with an institution client and its client-credentials token.
-- Plain tokens are 'mcat_bench_person_<n>' and 'mcat_bench_hospital'; the stored hash is
-- SHA-256 of the UTF-8 token, as auth::token::hash_secret computes it.

BEGIN;

INSERT INTO institutions (institution_code, name, kind, offers_activation, created_at, level, region_code)
VALUES ('HBENCH00001', '基准测试医院', 'hospital', false, now(), 3, '410105');

INSERT INTO clients (client_id, name, kind, secret_hash, created_at, bank_code, institution_code) VALUES
    ('mc_benchwechat000000', 'bench official account', 'wechat_official_account',
     sha256(convert_to('mccs_bench_wechat', 'UTF8')), now(), NULL, NULL),
    ('mc_benchhospital0000', 'bench HIS', 'institution',
     sha256(convert_to('mccs_bench_hospital', 'UTF8')), now(), NULL, 'HBENCH00001');

INSERT INTO persons (person_no, id_number, name, gender, birth_date, phone, insurance_type, region_code,
                     employer_credit_code, employer_name, status, enrolled_at, status_changed_at,
                     contribution_base, address)
SELECT '41010000000' || lpad(n::text, 5, '0'),
       '41010519800101' || lpad(n::text, 3, '0') || 'X',
       '基准' || n, 'male', date '1980-01-01', '1380000' || lpad(n::text, 4, '0'), '310', '410105',
       '91410100MA00000000', '郑州基准有限公司', 'normal', now() - interval '3 years', now() - interval '3 years',
       800000, NULL
  FROM generate_series(1, 3) n;

INSERT INTO accounts (person_no, balance, last_entry_at, created_at)
SELECT '41010000000' || lpad(n::text, 5, '0'), 123456, now() - interval '1 day', now() - interval '3 years'
  FROM generate_series(1, 3) n;

INSERT INTO cards (card_no, person_no, bank_code, generation, issued_on, expires_on, state, activated_at,
                   usable_from, activation_channel, password_hash, created_at, state_changed_at)
SELECT 'A' || lpad(n::text, 8, '0'), '41010000000' || lpad(n::text, 5, '0'), 'ICBC', 1,
       current_date - 400, current_date + 3250, 'active', now() - interval '390 days', now() - interval '390 days',
       'bank', '$argon2id$v=19$m=19456,t=2,p=1$YmVuY2hzYWx0YmVuY2g$0000000000000000000000000000000000000000000',
       now() - interval '400 days', now() - interval '390 days'
  FROM generate_series(1, 3) n;

INSERT INTO channel_bindings (binding_id, client_id, channel, channel_user_ref, person_no, bound_at)
SELECT ('00000000-0000-4000-8000-' || lpad(n::text, 12, '0'))::uuid, 'mc_benchwechat000000',
       'wechat_official_account', 'openid-bench-' || n, '41010000000' || lpad(n::text, 5, '0'), now() - interval '30 days'
  FROM generate_series(1, 3) n;

-- Person sessions as sessions::open_for writes them through auth::store::tokens::insert;
-- last used a minute ago, so the first request of each touches it (auth/tokens.rs:162).
INSERT INTO access_tokens (token_hash, client_id, staff_id, scopes, issued_at, expires_at,
                           person_no, session_method, binding_id, idle_timeout_secs, last_used_at)
SELECT sha256(convert_to('mcat_bench_person_' || n, 'UTF8')), 'mc_benchwechat000000', NULL,
       ARRAY['self:read', 'self:cards_loss', 'self:contact'], now() - interval '1 minute', now() + interval '2 hours',
       '41010000000' || lpad(n::text, 5, '0'), 'binding', ('00000000-0000-4000-8000-' || lpad(n::text, 12, '0'))::uuid,
       900, now() - interval '1 minute'
  FROM generate_series(1, 3) n;

-- The institution's client-credentials token (auth/tokens.rs:92, store_token).
INSERT INTO access_tokens (token_hash, client_id, scopes, issued_at, expires_at)
VALUES (sha256(convert_to('mcat_bench_hospital', 'UTF8')), 'mc_benchhospital0000',
        ARRAY['card_holder:read', 'cards:activate', 'cards:verify_password', 'settlements:write'],
        now(), now() + interval '1 day');

-- A little history: settlements of this year (the card read with password lists the last five)
-- and their accumulators.
INSERT INTO settlements (setl_id, institution_code, client_id, msgid, person_no, mdtrt_cert_type, med_type, insutype,
                         medfee_sumamt, fulamt_ownpay_amt, inscp_scp_amt, act_pay_dedc, fund_pay_sumamt,
                         psn_part_amt, acct_pay, acct_mulaid_pay, psn_cash_pay, balc, year, settled_at, state)
SELECT 'MC' || upper(substr(md5(n || '-' || v), 1, 22)), 'HBENCH00001', 'mc_benchhospital0000', 'fixture-' || n || '-' || v,
       '41010000000' || lpad(n::text, 5, '0'), '03', '11', '310',
       100000, 0, 100000, 50000, 32500, 67500, 0, 0, 67500, 123456,
       extract(year FROM now() AT TIME ZONE 'Asia/Shanghai')::int, now() - v * interval '3 days', 'settled'
  FROM generate_series(1, 3) n, generate_series(1, 8) v;

INSERT INTO settlement_accumulators (person_no, year, med_type, deductible_used, fund_paid)
SELECT '41010000000' || lpad(n::text, 5, '0'), extract(year FROM now() AT TIME ZONE 'Asia/Shanghai')::int, '11',
       50000, 8 * 32500
  FROM generate_series(1, 3) n;

-- The harness's helper tables (scripts/bench creates and fills the same three).
CREATE TABLE bench_person_tokens (i int PRIMARY KEY, token_hash bytea NOT NULL);
CREATE TABLE bench_client_tokens (i int PRIMARY KEY, token_hash bytea NOT NULL);
CREATE TABLE bench_cards (i int PRIMARY KEY, card_no text NOT NULL, person_no text NOT NULL);
INSERT INTO bench_person_tokens SELECT n, sha256(convert_to('mcat_bench_person_' || n, 'UTF8')) FROM generate_series(1, 3) n;
INSERT INTO bench_client_tokens VALUES (1, sha256(convert_to('mcat_bench_hospital', 'UTF8')));
INSERT INTO bench_cards SELECT n, 'A' || lpad(n::text, 8, '0'), '41010000000' || lpad(n::text, 5, '0') FROM generate_series(1, 3) n;

COMMIT;
ANALYZE;
