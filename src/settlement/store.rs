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
