//! The `remote_filings` and `remote_filing_sync_requests` tables.

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::PgConnection;

use super::{FilingKind, FilingState};
use crate::domain::PersonNo;

/// A stored filing.
#[derive(Debug, Clone, serde::Serialize, sqlx::FromRow)]
pub struct FilingRow {
    pub filing_no: String,
    pub person_no: PersonNo,
    pub kind: FilingKind,
    pub target_region: String,
    pub begin_date: NaiveDate,
    /// `None`: a long-term filing that stays until changed.
    pub end_date: Option<NaiveDate>,
    pub state: FilingState,
    /// `local` (豫事办, the hall) or `national` (the national app, through the national platform).
    pub source: String,
    /// The client it was filed (or pushed) through.
    pub client_id: String,
    pub contact_phone: String,
    pub address: String,
    pub referral_institution: Option<String>,
    pub diagnosis: Option<String>,
    /// Who filed for the person at the hall (代办), when someone did.
    pub agent: Option<serde_json::Value>,
    pub filed_at: DateTime<Utc>,
    pub effective_at: Option<DateTime<Utc>>,
    /// When it expired or was revoked.
    pub ended_at: Option<DateTime<Utc>>,
    pub revocation_reason: Option<String>,
    pub revoked_by: Option<String>,
    pub updated_at: DateTime<Utc>,
}

/// The next local filing number: `YD410100`, the Zhengzhou date and six digits.
pub async fn next_filing_no(conn: &mut PgConnection, today: NaiveDate) -> sqlx::Result<String> {
    let n: i64 = sqlx::query_scalar("SELECT nextval('remote_filing_numbers')").fetch_one(conn).await?;
    Ok(filing_no(today, n))
}

/// The filing number for a value of `remote_filing_numbers` drawn on `day`.
pub fn filing_no(day: NaiveDate, n: i64) -> String {
    format!("YD410100{}{:06}", day.format("%Y%m%d"), n % 1_000_000)
}

/// Stores a filing; false when its number is taken.
pub async fn insert(conn: &mut PgConnection, row: &FilingRow) -> sqlx::Result<bool> {
    let done = sqlx::query(
        "INSERT INTO remote_filings (filing_no, person_no, kind, target_region, begin_date, end_date, state, source,
                                     client_id, contact_phone, address, referral_institution, diagnosis, agent,
                                     filed_at, effective_at, ended_at, revoked_by, revocation_reason, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20)
         ON CONFLICT (filing_no) DO NOTHING",
    )
    .bind(&row.filing_no)
    .bind(&row.person_no)
    .bind(row.kind)
    .bind(&row.target_region)
    .bind(row.begin_date)
    .bind(row.end_date)
    .bind(row.state)
    .bind(&row.source)
    .bind(&row.client_id)
    .bind(&row.contact_phone)
    .bind(&row.address)
    .bind(&row.referral_institution)
    .bind(&row.diagnosis)
    .bind(&row.agent)
    .bind(row.filed_at)
    .bind(row.effective_at)
    .bind(row.ended_at)
    .bind(&row.revoked_by)
    .bind(&row.revocation_reason)
    .bind(row.updated_at)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// One filing.
pub async fn find(conn: &mut PgConnection, filing_no: &str) -> sqlx::Result<Option<FilingRow>> {
    sqlx::query_as("SELECT * FROM remote_filings WHERE filing_no = $1").bind(filing_no).fetch_optional(conn).await
}

/// One filing, locked for a change.
pub async fn lock(conn: &mut PgConnection, filing_no: &str) -> sqlx::Result<Option<FilingRow>> {
    sqlx::query_as("SELECT * FROM remote_filings WHERE filing_no = $1 FOR UPDATE")
        .bind(filing_no)
        .fetch_optional(conn)
        .await
}

/// A person's live filing of `kind` for `region` whose dates meet `[begin, end]` (open ends
/// meet everything after them), other than `except`.
pub async fn overlapping(
    conn: &mut PgConnection,
    person_no: &PersonNo,
    (kind, region): (FilingKind, &str),
    (begin, end): (NaiveDate, Option<NaiveDate>),
    except: &str,
) -> sqlx::Result<Option<String>> {
    sqlx::query_scalar(
        "SELECT filing_no FROM remote_filings
          WHERE person_no = $1 AND kind = $2 AND target_region = $3 AND state IN ('filed', 'effective')
            AND filing_no <> $6
            AND begin_date <= coalesce($5, 'infinity'::date) AND coalesce(end_date, 'infinity'::date) >= $4
          LIMIT 1",
    )
    .bind(person_no)
    .bind(kind)
    .bind(region)
    .bind(begin)
    .bind(end)
    .bind(except)
    .fetch_optional(conn)
    .await
}

/// A person's filings that stood at some time in `days` (Zhengzhou days: filed by its end, not
/// ended before its start), newest first, after the `(filed_at, filing_no)` of the previous page.
pub async fn list_for_person(
    conn: &mut PgConnection,
    person_no: &PersonNo,
    days: (NaiveDate, Option<NaiveDate>),
    after: Option<(DateTime<Utc>, String)>,
    limit: i64,
) -> sqlx::Result<Vec<FilingRow>> {
    let (after_at, after_no) = after.unzip();
    sqlx::query_as(
        "SELECT * FROM remote_filings
          WHERE person_no = $1 AND ($2::timestamptz IS NULL OR (filed_at, filing_no) < ($2, $3))
            AND (ended_at IS NULL OR (ended_at AT TIME ZONE 'Asia/Shanghai')::date >= $5)
            AND ($6::date IS NULL OR (filed_at AT TIME ZONE 'Asia/Shanghai')::date <= $6)
          ORDER BY filed_at DESC, filing_no DESC LIMIT $4",
    )
    .bind(person_no)
    .bind(after_at)
    .bind(after_no)
    .bind(limit)
    .bind(days.0)
    .bind(days.1)
    .fetch_all(conn)
    .await
}

/// Makes a filed filing effective (synchronised).
pub async fn make_effective(conn: &mut PgConnection, filing_no: &str, now: DateTime<Utc>) -> sqlx::Result<FilingRow> {
    sqlx::query_as(
        "UPDATE remote_filings SET state = 'effective', effective_at = $2, updated_at = $2
          WHERE filing_no = $1 RETURNING *",
    )
    .bind(filing_no)
    .bind(now)
    .fetch_one(conn)
    .await
}

/// Revokes a locked filing.
pub async fn revoke(
    conn: &mut PgConnection,
    filing_no: &str,
    (by, reason): (&str, Option<&str>),
    now: DateTime<Utc>,
) -> sqlx::Result<FilingRow> {
    sqlx::query_as(
        "UPDATE remote_filings SET state = 'revoked', ended_at = $4, revoked_by = $2, revocation_reason = $3,
                                   updated_at = $4
          WHERE filing_no = $1 RETURNING *",
    )
    .bind(filing_no)
    .bind(by)
    .bind(reason)
    .bind(now)
    .fetch_one(conn)
    .await
}

/// Replaces what the national platform may change of a filing it pushed for the same person
/// (its dates, contact, state), keeping who filed it and when; `None` when the number is not
/// that person's national filing.
pub async fn replace_national(conn: &mut PgConnection, row: &FilingRow) -> sqlx::Result<Option<FilingRow>> {
    sqlx::query_as(
        "UPDATE remote_filings
            SET kind = $2, target_region = $3, begin_date = $4, end_date = $5, state = $6, contact_phone = $7,
                address = $8, referral_institution = $9, diagnosis = $10, ended_at = $11, revoked_by = $12,
                revocation_reason = $13, updated_at = $14
          WHERE filing_no = $1 AND source = 'national' AND person_no = $15 RETURNING *",
    )
    .bind(&row.filing_no)
    .bind(row.kind)
    .bind(&row.target_region)
    .bind(row.begin_date)
    .bind(row.end_date)
    .bind(row.state)
    .bind(&row.contact_phone)
    .bind(&row.address)
    .bind(&row.referral_institution)
    .bind(&row.diagnosis)
    .bind(row.ended_at)
    .bind(&row.revoked_by)
    .bind(&row.revocation_reason)
    .bind(row.updated_at)
    .bind(&row.person_no)
    .fetch_optional(conn)
    .await
}

/// Expires the live filings whose end date is before `today` (rows another instance holds are
/// left for its run); returns them.
pub async fn expire_due(conn: &mut PgConnection, today: NaiveDate, now: DateTime<Utc>) -> sqlx::Result<Vec<FilingRow>> {
    sqlx::query_as(
        "WITH due AS (
            SELECT filing_no FROM remote_filings
             WHERE state IN ('filed', 'effective') AND end_date < $1
             ORDER BY filing_no FOR UPDATE SKIP LOCKED)
         UPDATE remote_filings f SET state = 'expired', ended_at = $2, updated_at = $2
           FROM due WHERE f.filing_no = due.filing_no RETURNING f.*",
    )
    .bind(today)
    .bind(now)
    .fetch_all(conn)
    .await
}

/// Whether a remote settlement was made under the filing (it covered the row).
pub async fn used(conn: &mut PgConnection, filing_no: &str) -> sqlx::Result<bool> {
    sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM remote_settlements WHERE filing_no = $1 AND filing_covered)")
        .bind(filing_no)
        .fetch_one(conn)
        .await
}

/// Records the hall's request to pull a filing (once per number while it is open).
pub async fn request_sync(conn: &mut PgConnection, filing_no: &str, by: &str, now: DateTime<Utc>) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO remote_filing_sync_requests (filing_no, requested_at, requested_by) VALUES ($1, $2, $3)
         ON CONFLICT (filing_no) DO UPDATE SET fulfilled_at = NULL, requested_at = EXCLUDED.requested_at,
                                               requested_by = EXCLUDED.requested_by
          WHERE remote_filing_sync_requests.fulfilled_at IS NOT NULL",
    )
    .bind(filing_no)
    .bind(now)
    .bind(by)
    .execute(conn)
    .await?;
    Ok(())
}

/// Marks a pull request answered (the filing arrived).
pub async fn fulfil_sync(conn: &mut PgConnection, filing_no: &str, now: DateTime<Utc>) -> sqlx::Result<()> {
    sqlx::query(
        "UPDATE remote_filing_sync_requests SET fulfilled_at = $2 WHERE filing_no = $1 AND fulfilled_at IS NULL",
    )
    .bind(filing_no)
    .bind(now)
    .execute(conn)
    .await?;
    Ok(())
}

/// The open pull requests, oldest first, after the `(requested_at, filing_no)` of the last page.
pub async fn open_sync_requests(
    conn: &mut PgConnection,
    after: Option<(DateTime<Utc>, String)>,
    limit: i64,
) -> sqlx::Result<Vec<(String, DateTime<Utc>)>> {
    let (after_at, after_no) = after.unzip();
    sqlx::query_as(
        "SELECT filing_no, requested_at FROM remote_filing_sync_requests
          WHERE fulfilled_at IS NULL AND ($2::timestamptz IS NULL OR (requested_at, filing_no) > ($2, $3))
          ORDER BY requested_at, filing_no LIMIT $1",
    )
    .bind(limit)
    .bind(after_at)
    .bind(after_no)
    .fetch_all(conn)
    .await
}

/// Bulk-loads remote-treatment filings (the demo data set): one row per line, fields in the order
/// `filing_no, person_no, kind, target_region, begin_date, end_date, state, source, client_id, contact_phone, address, referral_institution, diagnosis, filed_at, effective_at, ended_at, updated_at`.
pub async fn import_filings(conn: &mut PgConnection, rows: crate::platform::copy::CopyRows) -> sqlx::Result<u64> {
    crate::platform::copy::copy_in(conn, "remote_filings (filing_no, person_no, kind, target_region, begin_date, end_date, state, source, client_id, contact_phone, address, referral_institution, diagnosis, filed_at, effective_at, ended_at, updated_at)", rows).await
}
