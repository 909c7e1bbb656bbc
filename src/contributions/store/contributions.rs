//! The `contributions` table: what each person owes per period, and its state.

use chrono::{DateTime, Utc};
use sqlx::PgConnection;

use crate::contributions::{ArrivalKind, ContributionState, PaymentChannel};
use crate::domain::{Money, PaymentId, PersonNo};

/// A stored contribution.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ContributionRow {
    pub person_no: PersonNo,
    pub period: String,
    pub base: Option<Money>,
    pub employer_part: Money,
    pub personal_part: Money,
    pub amount_due: Money,
    pub allocation: Money,
    pub state: ContributionState,
    pub payment_id: Option<PaymentId>,
    pub paid_at: Option<DateTime<Utc>>,
    pub paid_channel: Option<PaymentChannel>,
    pub arrived_at: Option<DateTime<Utc>>,
    pub arrival_kind: Option<ArrivalKind>,
    pub created_at: DateTime<Utc>,
}

/// The rates that turn a base into parts and an allocation, in basis points.
#[derive(Debug, Clone, Copy)]
pub struct Rates {
    pub employer_bp: i64,
    pub personal_bp: i64,
    pub employer_to_account_bp: i64,
    pub personal_to_account_bp: i64,
}

/// One month of an employee's contribution: the employer's part, the person's part, and what
/// arrival credits to the personal account.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MonthParts {
    pub employer: Money,
    pub personal: Money,
    pub allocation: Money,
}

impl Rates {
    /// The configured rates.
    pub fn of(c: &crate::platform::config::ContributionSettings) -> Self {
        Self {
            employer_bp: c.employer_rate_bp,
            personal_bp: c.personal_rate_bp,
            employer_to_account_bp: c.employer_to_account_bp,
            personal_to_account_bp: c.personal_to_account_bp,
        }
    }

    /// A month's parts for `base`.
    pub fn month(self, base: Money) -> MonthParts {
        let employer = base.share(self.employer_bp);
        let personal = base.share(self.personal_bp);
        let allocation = employer.share(self.employer_to_account_bp) + personal.share(self.personal_to_account_bp);
        MonthParts { employer, personal, allocation }
    }
}

/// Inserts a period's contribution unless it exists.
pub async fn insert_if_missing(conn: &mut PgConnection, row: &ContributionRow) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO contributions (person_no, period, base, employer_part, personal_part, amount_due, allocation,
                                    state, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, 'due', $8) ON CONFLICT DO NOTHING",
    )
    .bind(&row.person_no)
    .bind(&row.period)
    .bind(row.base)
    .bind(row.employer_part)
    .bind(row.personal_part)
    .bind(row.amount_due)
    .bind(row.allocation)
    .bind(row.created_at)
    .execute(conn)
    .await?;
    Ok(())
}

/// Creates the month's contribution for every contributing employee (normal or in arrears)
/// that has none, in one statement; returns how many were created.
pub async fn assess_employees(
    conn: &mut PgConnection,
    period: &str,
    rates: Rates,
    at: DateTime<Utc>,
) -> sqlx::Result<u64> {
    let done = sqlx::query(
        "INSERT INTO contributions (person_no, period, base, employer_part, personal_part, amount_due, allocation,
                                    state, created_at)
         SELECT person_no, $1, base, employer_part, personal_part, employer_part + personal_part,
                round(employer_part::numeric * $4 / 10000)::bigint + round(personal_part::numeric * $5 / 10000)::bigint,
                'due', $6
           FROM (SELECT person_no, contribution_base AS base,
                        round(contribution_base::numeric * $2 / 10000)::bigint AS employer_part,
                        round(contribution_base::numeric * $3 / 10000)::bigint AS personal_part
                   FROM persons
                  WHERE insurance_type = '310' AND status IN ('normal', 'in_arrears')
                    AND contribution_base IS NOT NULL) p
         ON CONFLICT DO NOTHING",
    )
    .bind(period)
    .bind(rates.employer_bp)
    .bind(rates.personal_bp)
    .bind(rates.employer_to_account_bp)
    .bind(rates.personal_to_account_bp)
    .bind(at)
    .execute(conn)
    .await?;
    Ok(done.rows_affected())
}

/// Creates the year's contribution for every resident that has none.
pub async fn assess_residents(
    conn: &mut PgConnection,
    year: &str,
    amount: Money,
    at: DateTime<Utc>,
) -> sqlx::Result<u64> {
    let done = sqlx::query(
        "INSERT INTO contributions (person_no, period, base, employer_part, personal_part, amount_due, allocation,
                                    state, created_at)
         SELECT person_no, $1, NULL, 0, $2, $2, 0, 'due', $3
           FROM persons WHERE insurance_type = '390' AND status IN ('normal', 'in_arrears')
         ON CONFLICT DO NOTHING",
    )
    .bind(year)
    .bind(amount)
    .bind(at)
    .execute(conn)
    .await?;
    Ok(done.rows_affected())
}

/// Re-prices a person's unpaid contributions from `from_period` on after a change of base.
pub async fn reprice_unpaid(
    conn: &mut PgConnection,
    person_no: &PersonNo,
    from_period: &str,
    base: Money,
    rates: Rates,
) -> sqlx::Result<u64> {
    let done = sqlx::query(
        "UPDATE contributions c SET base = $3, employer_part = p.employer_part, personal_part = p.personal_part,
                amount_due = p.employer_part + p.personal_part,
                allocation = round(p.employer_part::numeric * $6 / 10000)::bigint
                           + round(p.personal_part::numeric * $7 / 10000)::bigint
           FROM (SELECT round($3::numeric * $4 / 10000)::bigint AS employer_part,
                        round($3::numeric * $5 / 10000)::bigint AS personal_part) p
          WHERE c.person_no = $1 AND c.period >= $2 AND c.state = 'due'",
    )
    .bind(person_no)
    .bind(from_period)
    .bind(base)
    .bind(rates.employer_bp)
    .bind(rates.personal_bp)
    .bind(rates.employer_to_account_bp)
    .bind(rates.personal_to_account_bp)
    .execute(conn)
    .await?;
    Ok(done.rows_affected())
}

/// The person's contributions for `periods`, locked for payment.
pub async fn lock_periods(
    conn: &mut PgConnection,
    person_no: &PersonNo,
    periods: &[String],
) -> sqlx::Result<Vec<ContributionRow>> {
    sqlx::query_as("SELECT * FROM contributions WHERE person_no = $1 AND period = ANY($2) ORDER BY period FOR UPDATE")
        .bind(person_no)
        .bind(periods)
        .fetch_all(conn)
        .await
}

/// Marks periods paid by a payment.
pub async fn mark_paid(
    conn: &mut PgConnection,
    person_no: &PersonNo,
    periods: &[String],
    payment_id: PaymentId,
    paid_at: DateTime<Utc>,
    channel: PaymentChannel,
) -> sqlx::Result<()> {
    sqlx::query(
        "UPDATE contributions SET state = 'paid', payment_id = $3, paid_at = $4, paid_channel = $5
          WHERE person_no = $1 AND period = ANY($2) AND state = 'due'",
    )
    .bind(person_no)
    .bind(periods)
    .bind(payment_id)
    .bind(paid_at)
    .bind(channel)
    .execute(conn)
    .await?;
    Ok(())
}

/// A page of a person's contributions between two periods (inclusive), oldest first.
pub async fn list(
    conn: &mut PgConnection,
    person_no: &PersonNo,
    from: Option<&str>,
    to: Option<&str>,
    after: Option<&str>,
    limit: i64,
) -> sqlx::Result<Vec<ContributionRow>> {
    sqlx::query_as(
        "SELECT * FROM contributions
          WHERE person_no = $1
            AND ($2::text IS NULL OR period >= $2)
            AND ($3::text IS NULL OR period <= $3)
            AND ($4::text IS NULL OR period > $4)
          ORDER BY period
          LIMIT $5",
    )
    .bind(person_no)
    .bind(from)
    .bind(to)
    .bind(after)
    .bind(limit)
    .fetch_all(conn)
    .await
}

/// Bulk-loads contributions (the demo data set): one row per line, fields in the order
/// `person_no, period, base, employer_part, personal_part, amount_due, allocation, state, payment_id, paid_at, paid_channel, arrived_at, arrival_kind, created_at`.
pub async fn import_contributions(conn: &mut PgConnection, rows: crate::platform::copy::CopyRows) -> sqlx::Result<u64> {
    crate::platform::copy::copy_in(conn, "contributions (person_no, period, base, employer_part, personal_part, amount_due, allocation, state, payment_id, paid_at, paid_channel, arrived_at, arrival_kind, created_at)", rows).await
}
