//! The `remote_settlements` table (and, read only, the filings that cover a settlement).

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::PgConnection;

use crate::domain::{Money, PersonNo};

/// A stored remote settlement.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize, sqlx::FromRow)]
pub struct RemoteRow {
    pub setl_sn: String,
    pub person_no: PersonNo,
    pub treating_region: String,
    pub fixmedins_code: String,
    pub fixmedins_name: String,
    pub setl_time: DateTime<Utc>,
    pub med_type: String,
    pub medfee_sumamt: Money,
    pub fund_pay_sumamt: Money,
    pub acct_pay: Money,
    pub psn_cash_pay: Money,
    pub filing_no: Option<String>,
    /// Whether an effective filing covered the person there at `setl_time`.
    pub filing_covered: bool,
    /// `posted` (the account paid), `exception` (the balance did not cover it) or `resolved`.
    pub state: String,
    #[serde(skip)]
    pub fingerprint: Vec<u8>,
    pub client_id: String,
    /// When it arrived here (days after `setl_time`).
    pub recorded_at: DateTime<Utc>,
    pub resolution: Option<String>,
    pub resolution_note: Option<String>,
    pub resolved_by: Option<String>,
    pub resolved_at: Option<DateTime<Utc>>,
}

/// Stores a row; false when its `setl_sn` is taken.
pub async fn insert(conn: &mut PgConnection, row: &RemoteRow) -> sqlx::Result<bool> {
    let done = sqlx::query(
        "INSERT INTO remote_settlements (setl_sn, person_no, treating_region, fixmedins_code, fixmedins_name, setl_time,
                                         med_type, medfee_sumamt, fund_pay_sumamt, acct_pay, psn_cash_pay, filing_no,
                                         filing_covered, state, fingerprint, client_id, recorded_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)
         ON CONFLICT (setl_sn) DO NOTHING",
    )
    .bind(&row.setl_sn)
    .bind(&row.person_no)
    .bind(&row.treating_region)
    .bind(&row.fixmedins_code)
    .bind(&row.fixmedins_name)
    .bind(row.setl_time)
    .bind(&row.med_type)
    .bind(row.medfee_sumamt)
    .bind(row.fund_pay_sumamt)
    .bind(row.acct_pay)
    .bind(row.psn_cash_pay)
    .bind(&row.filing_no)
    .bind(row.filing_covered)
    .bind(&row.state)
    .bind(&row.fingerprint)
    .bind(&row.client_id)
    .bind(row.recorded_at)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// One row.
pub async fn find(conn: &mut PgConnection, setl_sn: &str) -> sqlx::Result<Option<RemoteRow>> {
    sqlx::query_as("SELECT * FROM remote_settlements WHERE setl_sn = $1").bind(setl_sn).fetch_optional(conn).await
}

/// One row, locked for its resolution.
pub async fn lock(conn: &mut PgConnection, setl_sn: &str) -> sqlx::Result<Option<RemoteRow>> {
    sqlx::query_as("SELECT * FROM remote_settlements WHERE setl_sn = $1 FOR UPDATE")
        .bind(setl_sn)
        .fetch_optional(conn)
        .await
}

/// The filing that covered the person in `region`'s city on the day of `at`: one that was
/// effective (and not ended before `at`) and whose dates include that day. `wanted` narrows it
/// to the filing the row names.
pub async fn covering_filing(
    conn: &mut PgConnection,
    person_no: &PersonNo,
    region: &str,
    (at, day): (DateTime<Utc>, NaiveDate),
    wanted: Option<&str>,
) -> sqlx::Result<Option<String>> {
    sqlx::query_scalar(
        "SELECT filing_no FROM remote_filings
          WHERE person_no = $1 AND left(target_region, 4) = left($2, 4) AND state <> 'filed'
            AND (ended_at IS NULL OR ended_at > $3)
            AND begin_date <= $4 AND coalesce(end_date, 'infinity'::date) >= $4
            AND ($5::text IS NULL OR filing_no = $5)
          ORDER BY begin_date DESC LIMIT 1",
    )
    .bind(person_no)
    .bind(region)
    .bind(at)
    .bind(day)
    .bind(wanted)
    .fetch_optional(conn)
    .await
}

/// Resolves a locked exception.
pub async fn resolve(
    conn: &mut PgConnection,
    setl_sn: &str,
    (resolution, note): (&str, &str),
    by: &str,
    now: DateTime<Utc>,
) -> sqlx::Result<RemoteRow> {
    sqlx::query_as(
        "UPDATE remote_settlements SET state = 'resolved', resolution = $2, resolution_note = $3, resolved_by = $4,
                                       resolved_at = $5
          WHERE setl_sn = $1 RETURNING *",
    )
    .bind(setl_sn)
    .bind(resolution)
    .bind(note)
    .bind(by)
    .bind(now)
    .fetch_one(conn)
    .await
}

/// Rows in `state`, oldest recorded first, after the `(recorded_at, setl_sn)` of the last page.
pub async fn list_in_state(
    conn: &mut PgConnection,
    state: &str,
    after: Option<(DateTime<Utc>, String)>,
    limit: i64,
) -> sqlx::Result<Vec<RemoteRow>> {
    let (after_at, after_sn) = after.unzip();
    sqlx::query_as(
        "SELECT * FROM remote_settlements
          WHERE state = $1 AND ($2::timestamptz IS NULL OR (recorded_at, setl_sn) > ($2, $3))
          ORDER BY recorded_at, setl_sn LIMIT $4",
    )
    .bind(state)
    .bind(after_at)
    .bind(after_sn)
    .bind(limit)
    .fetch_all(conn)
    .await
}

/// A person's rows settled in `days` (Zhengzhou days), newest first, before the
/// `(setl_time, setl_sn)` of the previous page's last row.
pub async fn list_for_person(
    conn: &mut PgConnection,
    person_no: &PersonNo,
    days: (NaiveDate, Option<NaiveDate>),
    before: Option<(DateTime<Utc>, String)>,
    limit: i64,
) -> sqlx::Result<Vec<RemoteRow>> {
    let (before_at, before_sn) = before.unzip();
    sqlx::query_as(
        "SELECT * FROM remote_settlements
          WHERE person_no = $1 AND (setl_time AT TIME ZONE 'Asia/Shanghai')::date >= $2
            AND ($3::date IS NULL OR (setl_time AT TIME ZONE 'Asia/Shanghai')::date <= $3)
            AND ($4::timestamptz IS NULL OR (setl_time, setl_sn COLLATE \"C\") < ($4, $5))
          ORDER BY setl_time DESC, setl_sn COLLATE \"C\" DESC LIMIT $6",
    )
    .bind(person_no)
    .bind(days.0)
    .bind(days.1)
    .bind(before_at)
    .bind(before_sn)
    .bind(limit)
    .fetch_all(conn)
    .await
}

/// Marks covered the person's uncovered rows that `filing_no` covers (settled in its region's
/// city within its dates, before it ended): a filing that arrives after its settlements (the
/// national platform's sync lags) still covers them. Returns how many.
pub async fn cover_with(conn: &mut PgConnection, filing_no: &str) -> sqlx::Result<u64> {
    let done = sqlx::query(
        "UPDATE remote_settlements r SET filing_covered = true, filing_no = f.filing_no
           FROM remote_filings f
          WHERE f.filing_no = $1 AND f.state <> 'filed' AND r.person_no = f.person_no AND NOT r.filing_covered
            AND left(r.treating_region, 4) = left(f.target_region, 4)
            AND (f.ended_at IS NULL OR f.ended_at > r.setl_time)
            AND (r.setl_time AT TIME ZONE 'Asia/Shanghai')::date >= f.begin_date
            AND (r.setl_time AT TIME ZONE 'Asia/Shanghai')::date <= coalesce(f.end_date, 'infinity'::date)",
    )
    .bind(filing_no)
    .execute(conn)
    .await?;
    Ok(done.rows_affected())
}
