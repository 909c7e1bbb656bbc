//! The `settlement_accumulators` table.

use sqlx::PgConnection;

use super::{Accumulated, MedType};
use crate::domain::{Money, PersonNo};

/// The year so far: the deductible used for `med_type`, and the fund paid for any visit type.
pub async fn accumulated(
    conn: &mut PgConnection,
    person_no: &PersonNo,
    year: i32,
    med_type: MedType,
) -> sqlx::Result<Accumulated> {
    let (deductible, fund): (Option<i64>, Option<i64>) = sqlx::query_as(
        "SELECT sum(deductible_used) FILTER (WHERE med_type = $3)::bigint, sum(fund_paid)::bigint
           FROM settlement_accumulators WHERE person_no = $1 AND year = $2",
    )
    .bind(person_no)
    .bind(year)
    .bind(med_type.code())
    .fetch_one(conn)
    .await?;
    Ok(Accumulated {
        deductible_used: Money::from_fen(deductible.unwrap_or(0)),
        fund_paid: Money::from_fen(fund.unwrap_or(0)),
    })
}

/// Adds (or, for a reversal, takes back) a settlement's deductible and fund to the year's totals.
pub async fn add_to_accumulators(
    conn: &mut PgConnection,
    key: (&PersonNo, i32, MedType),
    deductible: Money,
    fund: Money,
) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO settlement_accumulators (person_no, year, med_type, deductible_used, fund_paid)
         VALUES ($1, $2, $3, greatest($4, 0), greatest($5, 0))
         ON CONFLICT (person_no, year, med_type) DO UPDATE
            SET deductible_used = greatest(settlement_accumulators.deductible_used + $4, 0),
                fund_paid = greatest(settlement_accumulators.fund_paid + $5, 0)",
    )
    .bind(key.0)
    .bind(key.1)
    .bind(key.2.code())
    .bind(deductible.fen())
    .bind(fund.fen())
    .execute(conn)
    .await?;
    Ok(())
}

/// A stored settlement.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize, sqlx::FromRow)]
pub struct SettlementRow {
    pub setl_id: String,
    pub institution_code: String,
    pub client_id: String,
    pub msgid: String,
    pub person_no: PersonNo,
    pub mdtrt_cert_type: String,
    pub med_type: String,
    pub insutype: String,
    pub medfee_sumamt: Money,
    pub fulamt_ownpay_amt: Money,
    pub inscp_scp_amt: Money,
    pub act_pay_dedc: Money,
    pub fund_pay_sumamt: Money,
    pub psn_part_amt: Money,
    pub acct_pay: Money,
    pub acct_mulaid_pay: Money,
    pub psn_cash_pay: Money,
    pub balc: Money,
    pub year: i32,
    pub settled_at: chrono::DateTime<chrono::Utc>,
    pub state: String,
    pub reversed_at: Option<chrono::DateTime<chrono::Utc>>,
    pub reversal_msgid: Option<String>,
    /// The institution's name and level (`fixmedins_name`, 1–3), joined in on reads.
    #[sqlx(default)]
    #[serde(default)]
    pub fixmedins_name: Option<String>,
    #[sqlx(default)]
    #[serde(default)]
    pub fixmedins_level: Option<i16>,
}

/// A settlement with its institution's name and level.
const WITH_INSTITUTION: &str = "SELECT s.*, i.name AS fixmedins_name, i.level AS fixmedins_level
      FROM settlements s JOIN institutions i ON i.institution_code = s.institution_code";

/// Stores a settlement; false when the institution used this `msgid` before.
pub async fn insert(conn: &mut PgConnection, row: &SettlementRow) -> sqlx::Result<bool> {
    let done = sqlx::query(
        "INSERT INTO settlements (setl_id, institution_code, client_id, msgid, person_no, mdtrt_cert_type, med_type,
                                  insutype, medfee_sumamt, fulamt_ownpay_amt, inscp_scp_amt, act_pay_dedc,
                                  fund_pay_sumamt, psn_part_amt, acct_pay, acct_mulaid_pay, psn_cash_pay, balc,
                                  year, settled_at, state)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, 'settled')
         ON CONFLICT ON CONSTRAINT settlements_msgid_once DO NOTHING",
    )
    .bind(&row.setl_id)
    .bind(&row.institution_code)
    .bind(&row.client_id)
    .bind(&row.msgid)
    .bind(&row.person_no)
    .bind(&row.mdtrt_cert_type)
    .bind(&row.med_type)
    .bind(&row.insutype)
    .bind(row.medfee_sumamt)
    .bind(row.fulamt_ownpay_amt)
    .bind(row.inscp_scp_amt)
    .bind(row.act_pay_dedc)
    .bind(row.fund_pay_sumamt)
    .bind(row.psn_part_amt)
    .bind(row.acct_pay)
    .bind(row.acct_mulaid_pay)
    .bind(row.psn_cash_pay)
    .bind(row.balc)
    .bind(row.year)
    .bind(row.settled_at)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// One settlement, locked for its reversal.
pub async fn find_for_update(conn: &mut PgConnection, setl_id: &str) -> sqlx::Result<Option<SettlementRow>> {
    sqlx::query_as(&format!("{WITH_INSTITUTION} WHERE s.setl_id = $1 FOR UPDATE OF s"))
        .bind(setl_id)
        .fetch_optional(conn)
        .await
}

/// The settlement an institution made for its message `msgid`.
pub async fn find_by_msgid(
    conn: &mut PgConnection,
    institution_code: &str,
    msgid: &str,
) -> sqlx::Result<Option<String>> {
    sqlx::query_scalar("SELECT setl_id FROM settlements WHERE institution_code = $1 AND msgid = $2")
        .bind(institution_code)
        .bind(msgid)
        .fetch_optional(conn)
        .await
}

/// One settlement.
pub async fn find(conn: &mut PgConnection, setl_id: &str) -> sqlx::Result<Option<SettlementRow>> {
    sqlx::query_as(&format!("{WITH_INSTITUTION} WHERE s.setl_id = $1")).bind(setl_id).fetch_optional(conn).await
}

/// Marks a settlement reversed.
pub async fn mark_reversed(
    conn: &mut PgConnection,
    setl_id: &str,
    at: chrono::DateTime<chrono::Utc>,
    msgid: Option<&str>,
) -> sqlx::Result<SettlementRow> {
    sqlx::query_as(
        "WITH s AS (UPDATE settlements SET state = 'reversed', reversed_at = $2, reversal_msgid = $3
                     WHERE setl_id = $1 RETURNING *)
         SELECT s.*, i.name AS fixmedins_name, i.level AS fixmedins_level
           FROM s JOIN institutions i ON i.institution_code = s.institution_code",
    )
    .bind(setl_id)
    .bind(at)
    .bind(msgid)
    .fetch_one(conn)
    .await
}

/// A person's settlements in `days` (Zhengzhou days, `to` open when `None`), newest first, after
/// the `(settled_at, setl_id)` of the previous page's last row.
pub async fn list_for_person(
    conn: &mut PgConnection,
    person_no: &PersonNo,
    days: (chrono::NaiveDate, Option<chrono::NaiveDate>),
    after: Option<(chrono::DateTime<chrono::Utc>, String)>,
    limit: i64,
) -> sqlx::Result<Vec<SettlementRow>> {
    let (after_at, after_id) = after.unzip();
    sqlx::query_as(&format!(
        "{WITH_INSTITUTION}
          WHERE s.person_no = $1 AND (s.settled_at AT TIME ZONE 'Asia/Shanghai')::date >= $2
            AND ($3::date IS NULL OR (s.settled_at AT TIME ZONE 'Asia/Shanghai')::date <= $3)
            AND ($4::timestamptz IS NULL OR (s.settled_at, s.setl_id COLLATE \"C\") < ($4, $5))
          ORDER BY s.settled_at DESC, s.setl_id COLLATE \"C\" DESC LIMIT $6"
    ))
    .bind(person_no)
    .bind(days.0)
    .bind(days.1)
    .bind(after_at)
    .bind(after_id)
    .bind(limit)
    .fetch_all(conn)
    .await
}

/// Bulk-loads settlements (the demo data set): one row per line, fields in the order
/// `setl_id, institution_code, client_id, msgid, person_no, mdtrt_cert_type, med_type, insutype, medfee_sumamt, fulamt_ownpay_amt, inscp_scp_amt, act_pay_dedc, fund_pay_sumamt, psn_part_amt, acct_pay, acct_mulaid_pay, psn_cash_pay, balc, year, settled_at, state`.
pub async fn import_settlements(conn: &mut PgConnection, rows: crate::platform::copy::CopyRows) -> sqlx::Result<u64> {
    crate::platform::copy::copy_in(conn, "settlements (setl_id, institution_code, client_id, msgid, person_no, mdtrt_cert_type, med_type, insutype, medfee_sumamt, fulamt_ownpay_amt, inscp_scp_amt, act_pay_dedc, fund_pay_sumamt, psn_part_amt, acct_pay, acct_mulaid_pay, psn_cash_pay, balc, year, settled_at, state)", rows).await
}

/// Bulk-loads each person's yearly settlement totals per visit type (which must equal the sum of their imported settlements) (the demo data set): one row per line, fields in the order
/// `person_no, year, med_type, deductible_used, fund_paid`.
pub async fn import_accumulators(conn: &mut PgConnection, rows: crate::platform::copy::CopyRows) -> sqlx::Result<u64> {
    crate::platform::copy::copy_in(
        conn,
        "settlement_accumulators (person_no, year, med_type, deductible_used, fund_paid)",
        rows,
    )
    .await
}
