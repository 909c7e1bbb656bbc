//! The `cards` table.

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::PgConnection;

use crate::cards::CardState;
use crate::domain::{CardNo, PersonNo};
use crate::platform::counted_secret::{self, CountedSecret, Reservation};

/// A stored card.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct CardRow {
    pub card_no: CardNo,
    pub person_no: PersonNo,
    pub bank_code: String,
    pub generation: i32,
    pub issued_on: NaiveDate,
    pub expires_on: NaiveDate,
    pub state: CardState,
    pub frozen_from: Option<CardState>,
    pub replacement_for: Option<CardNo>,
    pub replaced_by: Option<CardNo>,
    pub fulfilment: Option<String>,
    pub expected_ready_on: Option<NaiveDate>,
    pub activated_at: Option<DateTime<Utc>>,
    pub usable_from: Option<DateTime<Utc>>,
    pub activation_channel: Option<String>,
    pub activation_branch: Option<String>,
    pub password_hash: Option<String>,
    pub password_failures: i32,
    pub temporary_loss_until: Option<NaiveDate>,
    pub created_at: DateTime<Utc>,
    pub state_changed_at: DateTime<Utc>,
}

/// Draws the next card number.
pub async fn next_card_no(conn: &mut PgConnection) -> sqlx::Result<CardNo> {
    let value: i64 = sqlx::query_scalar("SELECT nextval('card_no_seq')").fetch_one(conn).await?;
    Ok(CardNo::from_sequence(value))
}

/// Inserts a new card.
pub async fn insert(conn: &mut PgConnection, row: &CardRow) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO cards (card_no, person_no, bank_code, generation, issued_on, expires_on, state,
                            replacement_for, fulfilment, expected_ready_on, created_at, state_changed_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
    )
    .bind(&row.card_no)
    .bind(&row.person_no)
    .bind(&row.bank_code)
    .bind(row.generation)
    .bind(row.issued_on)
    .bind(row.expires_on)
    .bind(row.state)
    .bind(&row.replacement_for)
    .bind(&row.fulfilment)
    .bind(row.expected_ready_on)
    .bind(row.created_at)
    .bind(row.state_changed_at)
    .execute(conn)
    .await?;
    Ok(())
}

/// Finds a card.
pub async fn find(conn: &mut PgConnection, card_no: &CardNo) -> sqlx::Result<Option<CardRow>> {
    sqlx::query_as("SELECT * FROM cards WHERE card_no = $1").bind(card_no).fetch_optional(conn).await
}

/// A card's state, held (`FOR SHARE`) until the transaction ends: a freeze or loss report of it
/// waits for the transaction that relies on the state.
pub async fn state_for_share(conn: &mut PgConnection, card_no: &CardNo) -> sqlx::Result<Option<CardState>> {
    sqlx::query_scalar("SELECT state FROM cards WHERE card_no = $1 FOR SHARE").bind(card_no).fetch_optional(conn).await
}

/// Finds and locks a card for a read-modify-write.
pub async fn find_for_update(conn: &mut PgConnection, card_no: &CardNo) -> sqlx::Result<Option<CardRow>> {
    sqlx::query_as("SELECT * FROM cards WHERE card_no = $1 FOR UPDATE").bind(card_no).fetch_optional(conn).await
}

/// A person's cards, oldest first.
pub async fn list_for_person(conn: &mut PgConnection, person_no: &PersonNo) -> sqlx::Result<Vec<CardRow>> {
    sqlx::query_as("SELECT * FROM cards WHERE person_no = $1 ORDER BY generation, created_at")
        .bind(person_no)
        .fetch_all(conn)
        .await
}

/// Writes the state columns of a card.
pub async fn update_state(conn: &mut PgConnection, card: &CardRow) -> sqlx::Result<()> {
    sqlx::query(
        "UPDATE cards SET state = $2, frozen_from = $3, temporary_loss_until = $4, state_changed_at = $5
          WHERE card_no = $1",
    )
    .bind(&card.card_no)
    .bind(card.state)
    .bind(card.frozen_from)
    .bind(card.temporary_loss_until)
    .bind(card.state_changed_at)
    .execute(conn)
    .await?;
    Ok(())
}

/// Records an activation and the first password.
pub async fn record_activation(conn: &mut PgConnection, card: &CardRow) -> sqlx::Result<()> {
    sqlx::query(
        "UPDATE cards SET activated_at = $2, usable_from = $3, activation_channel = $4, activation_branch = $5,
                          password_hash = $6, password_failures = 0
          WHERE card_no = $1",
    )
    .bind(&card.card_no)
    .bind(card.activated_at)
    .bind(card.usable_from)
    .bind(&card.activation_channel)
    .bind(&card.activation_branch)
    .bind(&card.password_hash)
    .execute(conn)
    .await?;
    Ok(())
}

/// Links a card to its replacement.
pub async fn set_replaced_by(conn: &mut PgConnection, card_no: &CardNo, replacement: &CardNo) -> sqlx::Result<()> {
    sqlx::query("UPDATE cards SET replaced_by = $2 WHERE card_no = $1")
        .bind(card_no)
        .bind(replacement)
        .execute(conn)
        .await?;
    Ok(())
}

/// Moves a replacement card's fulfilment on.
pub async fn set_fulfilment(conn: &mut PgConnection, card_no: &CardNo, fulfilment: &str) -> sqlx::Result<()> {
    sqlx::query("UPDATE cards SET fulfilment = $2 WHERE card_no = $1")
        .bind(card_no)
        .bind(fulfilment)
        .execute(conn)
        .await?;
    Ok(())
}

/// Sets a new password hash and clears the failure counter (change, reset).
pub async fn set_password(conn: &mut PgConnection, card_no: &CardNo, hash: &str) -> sqlx::Result<()> {
    sqlx::query("UPDATE cards SET password_hash = $2, password_failures = 0 WHERE card_no = $1")
        .bind(card_no)
        .bind(hash)
        .execute(conn)
        .await?;
    Ok(())
}

/// The card password's counted checks (3 wrong in a row lock it).
const PASSWORD: CountedSecret = CountedSecret {
    table: "cards",
    key: "card_no",
    hash: "password_hash",
    failures: "password_failures",
    in_flight: "password_checks_in_flight",
    since: "password_checks_since",
};

/// Reserves one card-password check (see [`counted_secret::reserve`]).
pub async fn reserve_password_check(
    pool: &sqlx::PgPool,
    card_no: &CardNo,
    max: i32,
    now: DateTime<Utc>,
) -> sqlx::Result<Reservation> {
    counted_secret::reserve(pool, &PASSWORD, card_no.as_str(), max, now).await
}

/// Settles a reserved card-password check; returns the failures after it.
pub async fn settle_password_check(conn: &mut PgConnection, card_no: &CardNo, right: bool) -> sqlx::Result<i32> {
    counted_secret::settle(conn, &PASSWORD, card_no.as_str(), right).await
}

/// Locks the cards whose temporary loss protection ended before `today` (holders still insured
/// here). Rows another instance is lapsing right now are skipped; the next run takes them.
pub async fn lock_lapsing(conn: &mut PgConnection, today: NaiveDate) -> sqlx::Result<Vec<CardRow>> {
    sqlx::query_as(
        "SELECT c.* FROM cards c JOIN persons p ON p.person_no = c.person_no
          WHERE c.state = 'temporarily_lost' AND c.temporary_loss_until < $1
            AND p.status <> 'transferred_out'
          ORDER BY c.card_no
          FOR UPDATE OF c SKIP LOCKED",
    )
    .bind(today)
    .fetch_all(conn)
    .await
}

/// Bulk-loads cards (the demo data set): one row per line, fields in the order
/// `card_no, person_no, bank_code, generation, issued_on, expires_on, state, frozen_from, replacement_for, replaced_by, fulfilment, expected_ready_on, activated_at, usable_from, activation_channel, activation_branch, password_hash, temporary_loss_until, created_at, state_changed_at`.
pub async fn import_cards(conn: &mut PgConnection, rows: crate::platform::copy::CopyRows) -> sqlx::Result<u64> {
    crate::platform::copy::copy_in(conn, "cards (card_no, person_no, bank_code, generation, issued_on, expires_on, state, frozen_from, replacement_for, replaced_by, fulfilment, expected_ready_on, activated_at, usable_from, activation_channel, activation_branch, password_hash, temporary_loss_until, created_at, state_changed_at)", rows).await
}
