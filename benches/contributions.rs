//! Benchmark: the monthly contribution jobs over many persons (default 1,000,000; set
//! `BENCH_PERSONS`). Prints the time and rows per second of the assessment, the arrears sweep
//! and the allocation run (arrival of every paid month with its ledger entries), beside the
//! time PostgreSQL itself takes for a plain update and a plain insert of as many rows — the
//! floor any set-based job is measured against.
//!
//! Run with `cargo bench --bench contributions` (uses `DATABASE_URL` when set, otherwise a
//! throwaway private cluster). Not a test: nothing here asserts a speed.

use std::sync::Arc;
use std::time::Instant;

use chrono::TimeZone;
use medcard::contributions::{Arrival, ArrivalKind, Contributions};
use medcard::domain::PaymentId;
use medcard::ledger::Ledger;
use medcard::platform::caller::Actor;
use medcard::platform::clock::{SettableClock, china_offset};
use medcard::platform::config::Settings;
use medcard::platform::embedded_pg::{Cluster, Durability};
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::{ConnectOptions, Connection, Executor, PgPool};

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let persons: i64 = std::env::var("BENCH_PERSONS").ok().and_then(|v| v.parse().ok()).unwrap_or(1_000_000);
    let (pool, _cluster) = database().await?;
    medcard::platform::db::migrate(&pool).await?;
    println!("medcard contribution jobs over {persons} persons (PostgreSQL {})", server_version(&pool).await?);

    let seconds = timed(|| seed_persons(&pool, persons)).await?;
    report("seed persons + accounts (setup)", persons as u64, seconds);

    let clock = SettableClock::new(at(2026, 11, 1));
    let state = medcard::startup::state(pool.clone(), Arc::new(clock.clone()), Arc::new(Settings::defaults()));
    let core = state.core;
    let contributions = Contributions::new(&core);

    let (rows, seconds) = timed_rows(|| contributions.assess_contributions()).await?;
    report("assessment: owe 2026-11 (insert-select)", rows, seconds);

    let seconds = timed(|| pay_every_other(&pool)).await?;
    report("payments for half the persons (setup)", (persons / 2) as u64, seconds);

    clock.set(at(2026, 11, 26));
    let (rows, seconds) = timed_rows(|| contributions.sweep_arrears()).await?;
    report("arrears sweep: unpaid half -> in_arrears", rows, seconds);

    let ids: Vec<PaymentId> =
        sqlx::query_scalar("SELECT payment_id FROM contribution_payments").fetch_all(&pool).await?;
    let actor = Actor::system("bench");
    let started = Instant::now();
    let mut tx = pool.begin().await?;
    let arrival = Arrival { at: clock_now(&clock), kind: ArrivalKind::Automatic, receipt_no: None, actor: &actor };
    let outcome = contributions.arrive_payments(&mut tx, &ids, &arrival).await?;
    tx.commit().await?;
    report("allocation run: arrive + ledger entries", outcome.allocations, started.elapsed().as_secs_f64());

    let seconds = timed(|| baseline_update(&pool)).await?;
    report("PostgreSQL floor: plain UPDATE of every person", persons as u64, seconds);
    let seconds = timed(|| baseline_insert(&pool, persons)).await?;
    report("PostgreSQL floor: plain INSERT of as many rows", persons as u64, seconds);

    let check = Ledger::new(&core).check_ledger().await?;
    println!(
        "ledger check: {} accounts, {} entries, {} mismatches",
        check.accounts,
        check.entries,
        check.mismatched.len()
    );
    Ok(())
}

/// `DATABASE_URL` (a fresh database on it), or a throwaway private cluster.
async fn database() -> anyhow::Result<(PgPool, Option<Cluster>)> {
    let name = format!("medcard_bench_{}", std::process::id());
    let (admin, cluster) = match std::env::var("DATABASE_URL") {
        Ok(url) => (url.parse::<PgConnectOptions>()?, None),
        Err(_) => {
            let dir = std::env::temp_dir().join(&name);
            let cluster = Cluster::start(&dir, Durability::Throwaway).await?;
            (cluster.connect_options("postgres"), Some(cluster))
        }
    };
    let mut conn = admin.clone().disable_statement_logging().connect().await?;
    conn.execute(format!("CREATE DATABASE \"{name}\"").as_str()).await?;
    conn.close().await?;
    let pool = PgPoolOptions::new().max_connections(4).connect_with(admin.database(&name)).await?;
    Ok((pool, cluster))
}

async fn server_version(pool: &PgPool) -> anyhow::Result<String> {
    Ok(sqlx::query_scalar("SHOW server_version").fetch_one(pool).await?)
}

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

async fn baseline_update(pool: &PgPool) -> anyhow::Result<()> {
    sqlx::query("UPDATE persons SET status_changed_at = status_changed_at + interval '1 second'").execute(pool).await?;
    Ok(())
}

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

fn at(year: i32, month: u32, day: u32) -> chrono::DateTime<chrono::Utc> {
    china_offset().with_ymd_and_hms(year, month, day, 9, 0, 0).unwrap().with_timezone(&chrono::Utc)
}

fn clock_now(clock: &SettableClock) -> chrono::DateTime<chrono::Utc> {
    use medcard::platform::clock::Clock;
    clock.now()
}

async fn timed<F, Fut>(work: F) -> anyhow::Result<f64>
where
    F: FnOnce() -> Fut,
    Fut: std::future::Future<Output = anyhow::Result<()>>,
{
    let started = Instant::now();
    work().await?;
    Ok(started.elapsed().as_secs_f64())
}

async fn timed_rows<F, Fut>(work: F) -> anyhow::Result<(u64, f64)>
where
    F: FnOnce() -> Fut,
    Fut: std::future::Future<Output = medcard::platform::error::Result<u64>>,
{
    let started = Instant::now();
    let rows = work().await.map_err(|e| anyhow::anyhow!("{e}"))?;
    Ok((rows, started.elapsed().as_secs_f64()))
}

fn report(what: &str, rows: u64, seconds: f64) {
    let rate = if seconds > 0.0 { rows as f64 / seconds } else { 0.0 };
    println!("{what:<48} {rows:>9} rows  {seconds:>7.2} s  {rate:>10.0} rows/s");
}
