//! Benchmark: the monthly contribution jobs over many persons (default 1,000,000; set
//! `BENCH_PERSONS`). Prints the time and rows per second of the assessment, the arrears sweep
//! and the allocation run (arrival of every paid month with its ledger entries), each beside
//! the same work done by bare set-based SQL (sent straight to the pool, no medcard code) on a
//! copy of the database taken just before the job (`CREATE DATABASE … TEMPLATE`), with the
//! ratio the goal bounds (medcard ≤ 1.2× bare SQL). Then the time PostgreSQL itself takes for a
//! plain update and a plain insert of as many rows — the floor any set-based job is measured
//! against.
//!
//! Run with `cargo bench --bench contributions` (uses `DATABASE_URL` when set, otherwise a
//! throwaway private cluster). Not a test: nothing here asserts a speed.

use std::sync::Arc;
use std::time::Instant;

use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use medcard::contributions::{Arrival, ArrivalKind, Contributions};
use medcard::domain::PaymentId;
use medcard::ledger::Ledger;
use medcard::platform::Core;
use medcard::platform::caller::Actor;
use medcard::platform::clock::{SettableClock, china_offset};
use medcard::platform::config::{ContributionSettings, Settings};
use medcard::platform::embedded_pg::{Cluster, Durability};
use sqlx::postgres::{PgArguments, PgConnectOptions, PgPoolOptions};
use sqlx::query::Query;
use sqlx::{ConnectOptions, Connection, Executor, PgConnection, PgPool, Postgres};

/// The month the bench's clock assesses, sweeps and closes (its 1st, then its 26th).
const PERIOD: &str = "2026-11";
/// The residents' yearly period of the same date.
const YEAR: &str = "2026";

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let persons: i64 = std::env::var("BENCH_PERSONS").ok().and_then(|v| v.parse().ok()).unwrap_or(1_000_000);
    let server = Server::start().await?;
    let pool = server.create().await?;
    medcard::platform::db::migrate(&pool).await?;
    println!("medcard contribution jobs over {persons} persons (PostgreSQL {})", server_version(&pool).await?);

    let seconds = timed(|| seed_persons(&pool, persons)).await?;
    report("seed persons + accounts (setup)", persons as u64, seconds);

    let clock = SettableClock::new(at(2026, 11, 1));
    let pool = assessment(&server, pool, &clock).await?;

    let seconds = timed(|| pay_every_other(&pool)).await?;
    report("payments for half the persons (setup)", (persons / 2) as u64, seconds);

    clock.set(at(2026, 11, 26));
    let pool = sweep(&server, pool, &clock).await?;
    let pool = allocation(&server, pool, &clock).await?;

    let seconds = timed(|| baseline_update(&pool)).await?;
    report("PostgreSQL floor: plain UPDATE of every person", persons as u64, seconds);
    let seconds = timed(|| baseline_insert(&pool, persons)).await?;
    report("PostgreSQL floor: plain INSERT of as many rows", persons as u64, seconds);

    let core = medcard_core(&pool, &clock);
    let check = Ledger::new(&core).check_ledger().await?;
    println!(
        "ledger check: {} accounts, {} entries, {} mismatches",
        check.accounts,
        check.entries,
        check.mismatched.len()
    );
    Ok(())
}

/// The server the bench's databases live on, and the bench database's name. Holds the private
/// cluster, if one was started, for as long as the bench runs.
struct Server {
    admin: PgConnectOptions,
    name: String,
    _cluster: Option<Cluster>,
}

impl Server {
    /// `DATABASE_URL`'s server, or a throwaway private cluster.
    async fn start() -> anyhow::Result<Self> {
        let name = format!("medcard_bench_{}", std::process::id());
        let (admin, cluster) = match std::env::var("DATABASE_URL") {
            Ok(url) => (url.parse::<PgConnectOptions>()?, None),
            Err(_) => {
                let dir = std::env::temp_dir().join(&name);
                let cluster = Cluster::start(&dir, Durability::Throwaway).await?;
                (cluster.connect_options("postgres"), Some(cluster))
            }
        };
        Ok(Self { admin, name, _cluster: cluster })
    }

    /// Creates the (fresh) bench database and opens a pool on it.
    async fn create(&self) -> anyhow::Result<PgPool> {
        self.admin(&format!("CREATE DATABASE \"{}\"", self.name)).await?;
        self.pool(&self.name).await
    }

    /// Runs one statement on a fresh connection to the admin database (CREATE / DROP DATABASE).
    async fn admin(&self, sql: &str) -> anyhow::Result<()> {
        let mut conn = self.admin.clone().disable_statement_logging().connect().await?;
        conn.execute(sql).await?;
        conn.close().await?;
        Ok(())
    }

    /// A pool on database `name`.
    async fn pool(&self, name: &str) -> anyhow::Result<PgPool> {
        Ok(PgPoolOptions::new().max_connections(4).connect_with(self.admin.clone().database(name)).await?)
    }

    /// Copies the bench database as it is now to `<name>_<tag>`. Closes `pool` first (and every
    /// clone of it), since a template database may have no connections; returns a new pool on
    /// the bench database, a pool on the copy, and the copy's name.
    async fn snapshot(&self, pool: PgPool, tag: &str) -> anyhow::Result<(PgPool, PgPool, String)> {
        pool.close().await;
        let copy = format!("{}_{tag}", self.name);
        let create = format!("CREATE DATABASE \"{copy}\" TEMPLATE \"{}\"", self.name);
        // A closed pool's server processes may still be ending (and autovacuum may come by):
        // end them, and retry for a few seconds.
        let mut tries = 0;
        while let Err(error) = self.admin(&create).await {
            tries += 1;
            if tries == 50 || !error.to_string().contains("being accessed by other users") {
                return Err(error);
            }
            let ending = "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1";
            let admin = self.pool("postgres").await?;
            sqlx::query(ending).bind(&self.name).execute(&admin).await?;
            admin.close().await;
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        Ok((self.pool(&self.name).await?, self.pool(&copy).await?, copy))
    }

    /// Closes `pool` and drops its database `name` (a copy made by [`Server::snapshot`]).
    async fn discard(&self, pool: PgPool, name: &str) -> anyhow::Result<()> {
        pool.close().await;
        self.admin(&format!("DROP DATABASE \"{name}\" WITH (FORCE)")).await
    }
}

/// medcard's shared core over `pool`, on the bench's clock and the default settings
/// (`config/default.toml`).
fn medcard_core(pool: &PgPool, clock: &SettableClock) -> Core {
    medcard::startup::state(pool.clone(), Arc::new(clock.clone()), Arc::new(Settings::defaults())).core
}

/// The assessment through medcard on the bench database, then as bare SQL on a copy of the
/// database taken just before it.
async fn assessment(server: &Server, pool: PgPool, clock: &SettableClock) -> anyhow::Result<PgPool> {
    let (pool, bare_pool, copy) = server.snapshot(pool, "assessment").await?;
    let core = medcard_core(&pool, clock);
    let contributions = Contributions::new(&core);
    let medcard = timed_rows(|| contributions.assess_contributions()).await?;
    report("assessment: owe 2026-11 (insert-select)", medcard.0, medcard.1);
    let settings = &core.settings.contributions;
    let bare = timed_bare(|| bare_assessment(&bare_pool, settings, clock_now(clock))).await?;
    report("assessment: bare SQL", bare.0, bare.1);
    compare("assessment", medcard, bare);
    server.discard(bare_pool, &copy).await?;
    Ok(pool)
}

/// The arrears sweep through medcard on the bench database, then as bare SQL on a copy of the
/// database taken just before it.
async fn sweep(server: &Server, pool: PgPool, clock: &SettableClock) -> anyhow::Result<PgPool> {
    let (pool, bare_pool, copy) = server.snapshot(pool, "sweep").await?;
    let core = medcard_core(&pool, clock);
    let contributions = Contributions::new(&core);
    let medcard = timed_rows(|| contributions.sweep_arrears()).await?;
    report("arrears sweep: unpaid half -> in_arrears", medcard.0, medcard.1);
    let bare = timed_bare(|| bare_sweep(&bare_pool, clock_now(clock))).await?;
    report("arrears sweep: bare SQL", bare.0, bare.1);
    compare("arrears sweep", medcard, bare);
    server.discard(bare_pool, &copy).await?;
    Ok(pool)
}

/// The allocation run (every payment arrives, in one transaction) through medcard on the bench
/// database, then as bare SQL on a copy of the database taken just before it.
async fn allocation(server: &Server, pool: PgPool, clock: &SettableClock) -> anyhow::Result<PgPool> {
    let ids: Vec<PaymentId> =
        sqlx::query_scalar("SELECT payment_id FROM contribution_payments").fetch_all(&pool).await?;
    let (pool, bare_pool, copy) = server.snapshot(pool, "allocation").await?;
    let core = medcard_core(&pool, clock);
    let actor = Actor::system("bench");
    let started = Instant::now();
    let mut tx = pool.begin().await?;
    let arrival = Arrival { at: clock_now(clock), kind: ArrivalKind::Automatic, receipt_no: None, actor: &actor };
    let outcome = Contributions::new(&core).arrive_payments(&mut tx, &ids, &arrival).await?;
    tx.commit().await?;
    let medcard = (outcome.allocations, started.elapsed().as_secs_f64());
    report("allocation run: arrive + ledger entries", medcard.0, medcard.1);
    let bare = timed_bare(|| bare_arrival(&bare_pool, &ids, &actor, clock_now(clock))).await?;
    report("allocation run: bare SQL", bare.0, bare.1);
    compare("allocation run", medcard, bare);
    server.discard(bare_pool, &copy).await?;
    Ok(pool)
}

/// The bare assessment: this month's contribution for every contributing employee with a base
/// (parts from the base at the configured rates, rounded half away from zero as `Money::share`
/// does; allocation from the parts) and this year's for every contributing resident, in one
/// INSERT … SELECT. `$1` month, `$2..$5` employer, personal, employer-to-account and
/// personal-to-account rates (basis points), `$6` year, `$7` the residents' yearly amount (fen),
/// `$8` now.
const BARE_ASSESSMENT: &str = "
    INSERT INTO contributions (person_no, period, base, employer_part, personal_part, amount_due, allocation,
                               state, created_at)
    SELECT person_no, $1, base, employer_part, personal_part, employer_part + personal_part,
           round(employer_part::numeric * $4 / 10000)::bigint + round(personal_part::numeric * $5 / 10000)::bigint,
           'due', $8
      FROM (SELECT person_no, contribution_base AS base,
                   round(contribution_base::numeric * $2 / 10000)::bigint AS employer_part,
                   round(contribution_base::numeric * $3 / 10000)::bigint AS personal_part
              FROM persons
             WHERE insurance_type = '310' AND status IN ('normal', 'in_arrears')
               AND contribution_base IS NOT NULL) employees
    UNION ALL
    SELECT person_no, $6, NULL::bigint, 0, $7, $7, 0, 'due', $8
      FROM persons WHERE insurance_type = '390' AND status IN ('normal', 'in_arrears')
    ON CONFLICT DO NOTHING";

/// The persons the bare sweep moves: normal persons of type `$2` with a `due` month up to `$1`,
/// into arrears with benefits suspended from `$4`, changed at `$3`.
const SWEPT: &str = "
    UPDATE persons p SET status = 'in_arrears', benefits_suspended_from = $4, status_changed_at = $3
     WHERE p.status = 'normal' AND p.insurance_type = $2
       AND EXISTS (SELECT 1 FROM contributions c
                    WHERE c.person_no = p.person_no AND c.state = 'due'
                      AND length(c.period) = 7 AND c.period <= $1)
    RETURNING p.person_no";

/// The persons the bare arrival restores: payers of the payments `$1` in arrears who owe no
/// unarrived month up to `$2` (seen after the first statement has arrived theirs), back to
/// normal (`$4` is NULL), changed at `$3`.
const RESTORED: &str = "
    UPDATE persons p SET status = 'normal', benefits_suspended_from = $4, status_changed_at = $3
     WHERE p.person_no IN (SELECT person_no FROM contribution_payments WHERE payment_id = ANY($1))
       AND p.status = 'in_arrears'
       AND NOT EXISTS (SELECT 1 FROM contributions c
                        WHERE c.person_no = p.person_no AND c.state <> 'arrived'
                          AND length(c.period) = 7 AND c.period <= $2)
    RETURNING p.person_no";

/// The bare arrival, one statement: the payments `$1` still `paid` and their contributions
/// arrive (automatic, at `$2`, no receipt, by `$4`); every arrived contribution with an
/// allocation, of an employee not sealed or transferred out, credits the account (one balance
/// update per person, `last_entry_at` = `$2`) and writes its ledger entry (balance after, in
/// person and period order) and the entry's audit row. `$3..$7` the actor (kind, id, client id,
/// channel, request id). Allocations are credits, so no balance can go below zero: the writer's
/// negative-balance refusal has nothing to refuse here and is left out. Its row count is the
/// number of entries.
const BARE_ARRIVAL: &str = "
    WITH paid AS (
        UPDATE contribution_payments
           SET state = 'arrived', arrived_at = $2, arrival_kind = 'automatic', receipt_no = NULL, arrived_by = $4
         WHERE payment_id = ANY($1) AND state = 'paid'
        RETURNING payment_id
    ), arrived AS (
        UPDATE contributions c SET state = 'arrived', arrived_at = $2, arrival_kind = 'automatic'
          FROM paid WHERE c.payment_id = paid.payment_id
        RETURNING c.person_no, c.period, c.payment_id, c.allocation
    ), due AS (
        SELECT a.person_no, a.period, a.payment_id, a.allocation
          FROM arrived a JOIN persons p ON p.person_no = a.person_no
         WHERE a.allocation > 0 AND p.insurance_type = '310' AND p.status IN ('normal', 'in_arrears')
    ), credited AS (
        UPDATE accounts a SET balance = a.balance + t.total, last_entry_at = $2
          FROM (SELECT person_no, sum(allocation) AS total FROM due GROUP BY person_no) t
         WHERE a.person_no = t.person_no
        RETURNING a.person_no, a.balance
    ), entries AS (
        INSERT INTO account_entries (person_no, kind, amount, balance_after, period, payment_id, reason, approver,
                                     actor_kind, actor_id, channel, request_id, occurred_at, value_at)
        SELECT d.person_no, 'allocation', d.allocation,
               m.balance - coalesce(sum(d.allocation) OVER (PARTITION BY d.person_no ORDER BY d.period
                                     ROWS BETWEEN 1 FOLLOWING AND UNBOUNDED FOLLOWING), 0),
               d.period, d.payment_id, 'contribution arrived', NULL::text, $3, $4, $6, $7, $2, NULL::timestamptz
          FROM due d JOIN credited m ON m.person_no = d.person_no
         ORDER BY d.person_no, d.period
        RETURNING id, person_no, kind, amount, balance_after, period
    )
    INSERT INTO audit_events (occurred_at, actor_kind, actor_id, client_id, channel, request_id, action,
                              subject_kind, subject_id, details)
    SELECT $2, $3, $4, $5, $6, $7, 'account.entry', 'person', person_no,
           jsonb_build_object('kind', kind, 'entry_id', id, 'period', period, 'amount', amount,
                              'balance_after', balance_after)
      FROM entries";

/// A bare status change in one statement: `moved` (an UPDATE of persons over `$1`, `$2` from
/// status `from` to `to`, returning `person_no`), then one audit row and one status-history row
/// per person moved, as the persons' bulk change writes them; `$3..$12` as [`bind_change`] binds
/// them. Its row count is the number of persons moved.
fn status_change_sql(moved: &str, from: &str, to: &str) -> String {
    format!(
        "WITH moved AS ({moved}), audit AS (
             INSERT INTO audit_events (occurred_at, actor_kind, actor_id, client_id, channel, request_id, action,
                                       subject_kind, subject_id, details)
             SELECT $3, $8, $9, $10, $11, $12, 'person.status_change', 'person', person_no,
                    jsonb_build_object('from', '{from}'::text, 'to', '{to}'::text, 'reason_code', $5::text)
               FROM moved
         )
         INSERT INTO person_status_history (person_no, from_status, to_status, reason_code, reason, other_region,
                                            actor_kind, actor_id, client_id, channel, request_id, occurred_at,
                                            effective_date)
         SELECT person_no, '{from}', '{to}', $5, $6, NULL::text, $8, $9, $10, $11, $12, $3, $7 FROM moved"
    )
}

/// What a bare status change writes besides whom it selects.
struct Change<'a> {
    at: DateTime<Utc>,
    suspended_from: Option<NaiveDate>,
    reason_code: &'a str,
    reason: &'a str,
    effective: NaiveDate,
    actor: &'a Actor,
}

/// Binds `$3..$12` of [`status_change_sql`] (after the selection's `$1`, `$2`): the time, the
/// suspension date, reason code and text, effective date, and the actor's five columns.
fn bind_change<'q>(
    query: Query<'q, Postgres, PgArguments>,
    change: &'q Change<'q>,
) -> Query<'q, Postgres, PgArguments> {
    query
        .bind(change.at)
        .bind(change.suspended_from)
        .bind(change.reason_code)
        .bind(change.reason)
        .bind(change.effective)
        .bind(change.actor.kind.as_str())
        .bind(&change.actor.id)
        .bind(change.actor.client_id.as_deref())
        .bind(&change.actor.channel)
        .bind(change.actor.request_id.as_deref())
}

/// The `job_runs` row the service records for a finished job. The bare runs write it too (one
/// row); they skip the service's advisory lock and has-it-run check.
async fn record_run(conn: &mut PgConnection, job: &str, rows: u64, at: DateTime<Utc>) -> anyhow::Result<()> {
    sqlx::query("INSERT INTO job_runs (job, period, rows, finished_at) VALUES ($1, $2, $3, $4)")
        .bind(job)
        .bind(PERIOD)
        .bind(i64::try_from(rows)?)
        .bind(at)
        .execute(conn)
        .await?;
    Ok(())
}

/// The assessment as bare SQL: [`BARE_ASSESSMENT`] and the `job_runs` row, in one transaction;
/// returns the contributions created.
async fn bare_assessment(pool: &PgPool, rates: &ContributionSettings, at: DateTime<Utc>) -> anyhow::Result<u64> {
    let mut tx = pool.begin().await?;
    let created = sqlx::query(BARE_ASSESSMENT)
        .bind(PERIOD)
        .bind(rates.employer_rate_bp)
        .bind(rates.personal_rate_bp)
        .bind(rates.employer_to_account_bp)
        .bind(rates.personal_to_account_bp)
        .bind(YEAR)
        .bind(rates.resident_yearly_amount.fen())
        .bind(at)
        .execute(&mut *tx)
        .await?
        .rows_affected();
    record_run(&mut tx, "contribution_assessment", created, at).await?;
    tx.commit().await?;
    Ok(created)
}

/// The arrears sweep as bare SQL: [`SWEPT`] with its history and audit rows in one statement,
/// and the `job_runs` row, in one transaction; returns the persons moved. The service's dates:
/// cut-off 2026-11-25, so suspended (and effective) from 2026-12-01.
async fn bare_sweep(pool: &PgPool, at: DateTime<Utc>) -> anyhow::Result<u64> {
    let actor = Actor::system("arrears_sweep");
    let suspended = date(2026, 12, 1)?;
    let change = Change {
        at,
        suspended_from: Some(suspended),
        reason_code: "contribution_unpaid",
        reason: "month not fully paid by the cut-off",
        effective: suspended,
        actor: &actor,
    };
    let sql = status_change_sql(SWEPT, "normal", "in_arrears");
    let mut tx = pool.begin().await?;
    let query = sqlx::query(&sql).bind(PERIOD).bind("310");
    let moved = bind_change(query, &change).execute(&mut *tx).await?.rows_affected();
    record_run(&mut tx, "arrears_sweep", moved, at).await?;
    tx.commit().await?;
    Ok(moved)
}

/// The allocation run as bare SQL, in one transaction: [`BARE_ARRIVAL`], then [`RESTORED`] with
/// its history and audit rows (a second statement, so it sees the months just arrived); returns
/// the ledger entries written. No `job_runs` row: the service writes none for arrivals.
async fn bare_arrival(pool: &PgPool, ids: &[PaymentId], actor: &Actor, at: DateTime<Utc>) -> anyhow::Result<u64> {
    let mut tx = pool.begin().await?;
    let entries = sqlx::query(BARE_ARRIVAL)
        .bind(ids)
        .bind(at)
        .bind(actor.kind.as_str())
        .bind(&actor.id)
        .bind(actor.client_id.as_deref())
        .bind(&actor.channel)
        .bind(actor.request_id.as_deref())
        .execute(&mut *tx)
        .await?
        .rows_affected();
    let change = Change {
        at,
        suspended_from: None,
        reason_code: "contributions_arrived",
        reason: "every owed month has arrived",
        effective: at.with_timezone(&china_offset()).date_naive(),
        actor,
    };
    let sql = status_change_sql(RESTORED, "in_arrears", "normal");
    let query = sqlx::query(&sql).bind(ids).bind(PERIOD);
    bind_change(query, &change).execute(&mut *tx).await?;
    tx.commit().await?;
    Ok(entries)
}

/// The server's version, for the header line.
async fn server_version(pool: &PgPool) -> anyhow::Result<String> {
    Ok(sqlx::query_scalar("SHOW server_version").fetch_one(pool).await?)
}

/// `n` employees in `normal` with a base of 6000.00 yuan, and their (empty) accounts.
async fn seed_persons(pool: &PgPool, n: i64) -> anyhow::Result<()> {
    sqlx::query(
        "INSERT INTO persons (person_no, id_number, name, gender, birth_date, phone, insurance_type, region_code,
                              employer_credit_code, employer_name, status, enrolled_at, status_changed_at,
                              contribution_base)
         SELECT '4101' || lpad(i::text, 12, '0'), '410105' || lpad(i::text, 12, '0'), '测试' || i,
                CASE WHEN i % 2 = 0 THEN 'female' ELSE 'male' END, date '1980-01-01' + (i % 9000)::int,
                '138' || lpad((i % 100000000)::text, 8, '0'), '310', '410105',
                '91350100M000100Y43', '郑州示例科技有限公司', 'normal', now(), now(), 600000
           FROM generate_series(1, $1) AS i",
    )
    .bind(n)
    .execute(pool)
    .await?;
    sqlx::query("INSERT INTO accounts (person_no, created_at) SELECT person_no, now() FROM persons")
        .execute(pool)
        .await?;
    sqlx::query("ANALYZE").execute(pool).await?;
    Ok(())
}

/// Every other person pays November.
async fn pay_every_other(pool: &PgPool) -> anyhow::Result<()> {
    sqlx::query(
        "INSERT INTO clients (client_id, name, kind, secret_hash, bank_code, created_at)
         VALUES ('bench-bank', 'bench', 'bank', '\\x00', 'ICBC', now())",
    )
    .execute(pool)
    .await?;
    sqlx::query(
        "WITH paid AS (
             INSERT INTO contribution_payments (payment_id, person_no, periods, amount, paid_at, channel, reference,
                                                client_id, state, created_at)
             SELECT gen_random_uuid(), person_no, ARRAY['2026-11'], amount_due, now(), 'bank_withholding',
                    'bench-' || person_no, 'bench-bank', 'paid', now()
               FROM contributions WHERE period = '2026-11' AND right(person_no, 1)::int % 2 = 0
             RETURNING payment_id, person_no
         )
         UPDATE contributions c SET state = 'paid', payment_id = paid.payment_id, paid_at = now(),
                                    paid_channel = 'bank_withholding'
           FROM paid WHERE c.person_no = paid.person_no AND c.period = '2026-11'",
    )
    .execute(pool)
    .await?;
    Ok(())
}

/// The floor: a plain UPDATE of every person.
async fn baseline_update(pool: &PgPool) -> anyhow::Result<()> {
    sqlx::query("UPDATE persons SET status_changed_at = status_changed_at + interval '1 second'").execute(pool).await?;
    Ok(())
}

/// The floor: a plain INSERT of `n` rows into a new table.
async fn baseline_insert(pool: &PgPool, n: i64) -> anyhow::Result<()> {
    sqlx::query("CREATE TABLE bench_floor (person_no text, amount bigint, at timestamptz)").execute(pool).await?;
    sqlx::query(
        "INSERT INTO bench_floor SELECT '4101' || lpad(i::text, 12, '0'), 12000, now() FROM generate_series(1, $1) i",
    )
    .bind(n)
    .execute(pool)
    .await?;
    Ok(())
}

/// 09:00 in Zhengzhou on that day.
fn at(year: i32, month: u32, day: u32) -> DateTime<Utc> {
    china_offset().with_ymd_and_hms(year, month, day, 9, 0, 0).unwrap().with_timezone(&Utc)
}

/// The bench clock's time.
fn clock_now(clock: &SettableClock) -> DateTime<Utc> {
    use medcard::platform::clock::Clock;
    clock.now()
}

/// Times setup work.
async fn timed<F, Fut>(work: F) -> anyhow::Result<f64>
where
    F: FnOnce() -> Fut,
    Fut: std::future::Future<Output = anyhow::Result<()>>,
{
    let started = Instant::now();
    work().await?;
    Ok(started.elapsed().as_secs_f64())
}

/// Times a medcard job that returns its row count.
async fn timed_rows<F, Fut>(work: F) -> anyhow::Result<(u64, f64)>
where
    F: FnOnce() -> Fut,
    Fut: std::future::Future<Output = medcard::platform::error::Result<u64>>,
{
    let started = Instant::now();
    let rows = work().await.map_err(|e| anyhow::anyhow!("{e}"))?;
    Ok((rows, started.elapsed().as_secs_f64()))
}

/// Times bare SQL work that returns its row count.
async fn timed_bare<F, Fut>(work: F) -> anyhow::Result<(u64, f64)>
where
    F: FnOnce() -> Fut,
    Fut: std::future::Future<Output = anyhow::Result<u64>>,
{
    let started = Instant::now();
    let rows = work().await?;
    Ok((rows, started.elapsed().as_secs_f64()))
}

/// A date, or an error if there is no such day.
fn date(year: i32, month: u32, day: u32) -> anyhow::Result<NaiveDate> {
    NaiveDate::from_ymd_opt(year, month, day).ok_or_else(|| anyhow::anyhow!("no date {year}-{month}-{day}"))
}

/// Prints a job's medcard time beside the bare SQL's (each as rows and seconds) and their ratio,
/// and warns when the two did not write as many rows.
fn compare(job: &str, medcard: (u64, f64), bare: (u64, f64)) {
    let ratio = if bare.1 > 0.0 { medcard.1 / bare.1 } else { f64::NAN };
    println!("{job}: medcard {:.2} s, bare SQL {:.2} s, ratio {ratio:.2} (goal <= 1.2)", medcard.1, bare.1);
    if medcard.0 != bare.0 {
        println!("  warning: medcard wrote {} rows, bare SQL {}: not the same work", medcard.0, bare.0);
    }
}

/// One line of the report: rows, seconds and rows per second.
fn report(what: &str, rows: u64, seconds: f64) {
    let rate = if seconds > 0.0 { rows as f64 / seconds } else { 0.0 };
    println!("{what:<48} {rows:>9} rows  {seconds:>7.2} s  {rate:>10.0} rows/s");
}
