//! Whom the contribution rules move between normal and in arrears: the selections over the
//! contribution tables. The change itself is the persons' bulk status change.

use sqlx::PgConnection;

use crate::domain::{PaymentId, PersonNo};

/// Persons of insurance type `$2` (employees) in `normal` with an unpaid (`due`) month up to `$1`.
const OWING: &str = "SELECT p.person_no FROM persons p
              WHERE p.status = 'normal' AND p.insurance_type = $2
                AND EXISTS (SELECT 1 FROM contributions c
                             WHERE c.person_no = p.person_no AND c.state = 'due'
                               AND length(c.period) = 7 AND c.period <= $1)";

/// Persons in arrears among the payers of the payments `$1` who owe no unarrived month up to `$2`.
const SETTLED: &str = "SELECT DISTINCT p.person_no FROM persons p
               JOIN contribution_payments cp ON cp.person_no = p.person_no
              WHERE cp.payment_id = ANY($1) AND p.status = 'in_arrears'
                AND NOT EXISTS (SELECT 1 FROM contributions c
                                 WHERE c.person_no = p.person_no AND c.state <> 'arrived'
                                   AND length(c.period) = 7 AND c.period <= $2)";

/// Locks every normal employee with an unpaid month up to `period`. The sweep runs after this
/// in a second statement, whose fresh snapshot sees any payment that committed meanwhile, and no
/// payment or status change can slip in between (they lock the person too).
pub async fn lock_sweep_candidates(conn: &mut PgConnection, period: &str) -> sqlx::Result<()> {
    let sql = format!("SELECT count(*) FROM ({OWING} ORDER BY p.person_no FOR NO KEY UPDATE OF p) locked");
    sqlx::query(&sql).bind(period).bind(EMPLOYEE).execute(conn).await?;
    Ok(())
}

/// Only employees owe months; residents' yearly contribution is not swept.
const EMPLOYEE: &str = "310";

/// The persons the sweep moves into arrears: normal employees with a month up to `period`
/// still unpaid. Run after [`lock_sweep_candidates`].
pub async fn sweep_candidates(conn: &mut PgConnection, period: &str) -> sqlx::Result<Vec<PersonNo>> {
    sqlx::query_scalar(OWING).bind(period).bind(EMPLOYEE).fetch_all(conn).await
}

/// The payers of `payment_ids` in arrears who no longer owe a month up to `closed_through`.
pub async fn settled_payers(
    conn: &mut PgConnection,
    payment_ids: &[PaymentId],
    closed_through: &str,
) -> sqlx::Result<Vec<PersonNo>> {
    sqlx::query_scalar(SETTLED).bind(payment_ids).bind(closed_through).fetch_all(conn).await
}
