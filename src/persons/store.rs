//! The `persons` table.

use crate::platform::actor_sql::{BindActor, actor_columns};
use chrono::{DateTime, NaiveDate, Utc};
use sqlx::PgConnection;

use crate::domain::{Gender, InsuranceType, Money, PersonNo};
use crate::persons::InsuredStatus;
use crate::platform::caller::Actor;

/// A stored insured person.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct PersonRow {
    pub person_no: PersonNo,
    pub id_number: String,
    pub name: String,
    pub gender: Gender,
    pub birth_date: NaiveDate,
    pub phone: String,
    pub insurance_type: InsuranceType,
    pub region_code: String,
    pub employer_credit_code: Option<String>,
    pub employer_name: Option<String>,
    pub status: InsuredStatus,
    pub benefits_suspended_from: Option<NaiveDate>,
    pub other_region: Option<String>,
    pub enrolled_at: DateTime<Utc>,
    pub status_changed_at: DateTime<Utc>,
    /// Employees' monthly contribution base; residents have none.
    pub contribution_base: Option<Money>,
    /// Postal address, when the person or the hall gave one.
    pub address: Option<String>,
}

impl PersonRow {
    /// Whether pooled-fund benefits are active on `day`: insured normally, or in arrears before
    /// the suspension starts; never while sealed or transferred out.
    pub fn benefits_active_on(&self, day: NaiveDate) -> bool {
        match self.status {
            InsuredStatus::Normal => true,
            InsuredStatus::InArrears => self.benefits_suspended_from.is_none_or(|from| day < from),
            InsuredStatus::Sealed | InsuredStatus::TransferredOut => false,
        }
    }
}

/// Draws the next person number.
pub async fn next_person_no(conn: &mut PgConnection) -> sqlx::Result<PersonNo> {
    let value: i64 = sqlx::query_scalar("SELECT nextval('person_no_seq')").fetch_one(conn).await?;
    Ok(PersonNo::from_sequence(value))
}

/// Inserts a person.
pub async fn insert(conn: &mut PgConnection, row: &PersonRow) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO persons (person_no, id_number, name, gender, birth_date, phone, insurance_type,
                              region_code, employer_credit_code, employer_name, status,
                              benefits_suspended_from, other_region, enrolled_at, status_changed_at,
                              contribution_base)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)",
    )
    .bind(&row.person_no)
    .bind(&row.id_number)
    .bind(&row.name)
    .bind(row.gender)
    .bind(row.birth_date)
    .bind(&row.phone)
    .bind(row.insurance_type)
    .bind(&row.region_code)
    .bind(&row.employer_credit_code)
    .bind(&row.employer_name)
    .bind(row.status)
    .bind(row.benefits_suspended_from)
    .bind(&row.other_region)
    .bind(row.enrolled_at)
    .bind(row.status_changed_at)
    .bind(row.contribution_base)
    .execute(conn)
    .await?;
    Ok(())
}

/// Finds a person by number.
pub async fn find(conn: &mut PgConnection, person_no: &PersonNo) -> sqlx::Result<Option<PersonRow>> {
    sqlx::query_as("SELECT * FROM persons WHERE person_no = $1").bind(person_no).fetch_optional(conn).await
}

/// Finds and locks a person for a read-modify-write.
pub async fn find_for_update(conn: &mut PgConnection, person_no: &PersonNo) -> sqlx::Result<Option<PersonRow>> {
    sqlx::query_as("SELECT * FROM persons WHERE person_no = $1 FOR NO KEY UPDATE")
        .bind(person_no)
        .fetch_optional(conn)
        .await
}

/// Finds a person by full ID number.
pub async fn find_by_id_number(conn: &mut PgConnection, id_number: &str) -> sqlx::Result<Option<PersonRow>> {
    sqlx::query_as("SELECT * FROM persons WHERE id_number = $1").bind(id_number).fetch_optional(conn).await
}

/// The persons whose phone on record is `phone` (family members may share one).
pub async fn find_by_phone(conn: &mut PgConnection, phone: &str) -> sqlx::Result<Vec<PersonRow>> {
    sqlx::query_as("SELECT * FROM persons WHERE phone = $1 ORDER BY person_no LIMIT 20")
        .bind(phone)
        .fetch_all(conn)
        .await
}

/// Writes a person's phone and address; returns the row as it now is.
pub async fn set_contact(
    conn: &mut PgConnection,
    person_no: &PersonNo,
    phone: &str,
    address: Option<&str>,
) -> sqlx::Result<PersonRow> {
    sqlx::query_as("UPDATE persons SET phone = $2, address = $3 WHERE person_no = $1 RETURNING *")
        .bind(person_no)
        .bind(phone)
        .bind(address)
        .fetch_one(conn)
        .await
}

/// The status columns a transition changes.
#[derive(Debug)]
pub struct StatusUpdate<'a> {
    pub status: InsuredStatus,
    pub benefits_suspended_from: Option<NaiveDate>,
    pub other_region: Option<&'a str>,
    pub at: DateTime<Utc>,
}

/// Writes a new status.
pub async fn update_status(
    conn: &mut PgConnection,
    person_no: &PersonNo,
    update: &StatusUpdate<'_>,
) -> sqlx::Result<()> {
    sqlx::query(
        "UPDATE persons SET status = $2, benefits_suspended_from = $3, other_region = $4,
                            status_changed_at = $5
          WHERE person_no = $1",
    )
    .bind(person_no)
    .bind(update.status)
    .bind(update.benefits_suspended_from)
    .bind(update.other_region)
    .bind(update.at)
    .execute(conn)
    .await?;
    Ok(())
}

/// Sets an employee's contribution base.
pub async fn set_contribution_base(conn: &mut PgConnection, person_no: &PersonNo, base: Money) -> sqlx::Result<()> {
    sqlx::query("UPDATE persons SET contribution_base = $2 WHERE person_no = $1")
        .bind(person_no)
        .bind(base)
        .execute(conn)
        .await?;
    Ok(())
}

/// One status change applied to many persons (the arrears sweep, the end of arrears on arrival).
#[derive(Debug)]
pub struct BulkChange<'a> {
    pub from: InsuredStatus,
    pub to: InsuredStatus,
    pub reason_code: &'a str,
    pub reason: &'a str,
    pub actor: &'a Actor,
    pub at: DateTime<Utc>,
    pub effective_date: NaiveDate,
    /// Set when entering arrears; cleared otherwise.
    pub benefits_suspended_from: Option<NaiveDate>,
}

/// Moves those of `persons` still in `change.from` (re-checked on the row, so a change committed
/// meanwhile wins) to `change.to`, and writes their history and audit rows, in one statement.
/// Returns how many moved.
pub async fn bulk_change(conn: &mut PgConnection, persons: &[PersonNo], change: &BulkChange<'_>) -> sqlx::Result<u64> {
    if persons.is_empty() {
        return Ok(0);
    }
    let actor = actor_columns(8);
    let history_source = format!(
        "(SELECT person_no, $2::text AS from_status, $3::text AS to_status, $6::text AS reason_code,
                 $7::text AS reason, NULL::text AS other_region, {actor}, $5::timestamptz AS occurred_at,
                 $13::date AS effective_date FROM moved) AS change"
    );
    let audit_source = format!(
        "(SELECT $5::timestamptz AS occurred_at, {actor}, 'person.status_change'::text AS action,
                 'person'::text AS subject_kind, person_no AS subject_id,
                 jsonb_build_object('from', $2::text, 'to', $3::text, 'reason_code', $6::text) AS details
            FROM moved) AS change_audit"
    );
    let sql = format!(
        "WITH moved AS (
             UPDATE persons SET status = $3, benefits_suspended_from = $4, status_changed_at = $5
              WHERE person_no = ANY($1) AND status = $2
             RETURNING person_no
         ), history AS ({}), audit AS ({})
         SELECT count(*) FROM moved",
        super::history::insert_from(&history_source),
        crate::platform::audit::store::insert_from(&audit_source),
    );
    let moved: i64 = sqlx::query_scalar(&sql)
        .bind(persons)
        .bind(change.from)
        .bind(change.to)
        .bind(change.benefits_suspended_from)
        .bind(change.at)
        .bind(change.reason_code)
        .bind(change.reason)
        .bind_actor(change.actor)
        .bind(change.effective_date)
        .fetch_one(conn)
        .await?;
    Ok(moved as u64)
}

/// Bulk-loads persons (the demo data set): one row per line, fields in the order
/// `person_no, id_number, name, gender, birth_date, phone, insurance_type, region_code, employer_credit_code, employer_name, status, benefits_suspended_from, other_region, enrolled_at, status_changed_at, contribution_base, address`.
pub async fn import_persons(conn: &mut PgConnection, rows: crate::platform::copy::CopyRows) -> sqlx::Result<u64> {
    crate::platform::copy::copy_in(conn, "persons (person_no, id_number, name, gender, birth_date, phone, insurance_type, region_code, employer_credit_code, employer_name, status, benefits_suspended_from, other_region, enrolled_at, status_changed_at, contribution_base, address)", rows).await
}
