//! The card operations: issuance, activation, loss, replacement, freeze and the card password.
//! Every change of state goes through `move_card`, which asks the lifecycle table
//! ([`super::next_card_state`]) and writes the history row (through `history`) and the audit row.

mod activation;
mod holder;
mod issue;
mod loss;
mod password;
mod replacement;

pub use activation::{Activation, AgentInfo};
pub use holder::holds_card;
pub use loss::LossKind;
pub use password::PasswordCheck;
pub use replacement::ReplacementReason;

use super::Cards;
use chrono::{DateTime, NaiveTime, TimeZone, Utc};
use serde_json::{Value, json};
use sqlx::PgConnection;

use crate::cards::history::{self, CardTransitionRow, NewCardTransition};
use crate::cards::store::{self as store, CardRow};
use crate::cards::{CardAction, CardState, next_card_state};
use crate::domain::{CardNo, IdNumber, PersonNo};
use crate::params;
use crate::persons::{self, PersonRow};
use crate::platform::audit::Subject;
use crate::platform::caller::{Actor, Caller, ClientKind, Scope};
use crate::platform::clock::china_offset;
use crate::platform::error::{Error, Result};

/// The holder's identity as presented at a counter or in an app: ID number and name.
#[derive(Debug, Clone)]
pub struct PresentedIdentity {
    pub id_number: String,
    pub name: String,
}

impl Cards<'_> {
    /// Reads a card (hall staff, or the issuing bank for its own cards).
    pub async fn card(&self, caller: &Caller, card_no: &CardNo) -> Result<CardRow> {
        check_may_read_by_number(caller)?;
        let mut conn = self.pool.acquire().await?;
        let card = load(&mut conn, card_no).await?;
        check_may_read(caller, &card)?;
        Ok(card)
    }

    /// A person's cards, oldest first (the hall, and the person's own view).
    pub async fn person_cards(&self, person_no: &PersonNo) -> Result<Vec<CardRow>> {
        let mut conn = self.pool.acquire().await?;
        persons::get(&mut conn, person_no).await?;
        Ok(store::list_for_person(&mut conn, person_no).await?)
    }

    /// A card's state history, oldest first.
    pub async fn card_history(&self, caller: &Caller, card_no: &CardNo) -> Result<Vec<CardTransitionRow>> {
        check_may_read_by_number(caller)?;
        let mut conn = self.pool.acquire().await?;
        let card = load(&mut conn, card_no).await?;
        check_may_read(caller, &card)?;
        Ok(history::list(&mut conn, card_no).await?)
    }

    /// Freezes a card at the hall after an anomaly.
    pub async fn freeze_card(&self, caller: &Caller, card_no: &CardNo, reason: &str) -> Result<CardRow> {
        self.hall_card_action(caller, card_no, CardAction::Freeze, reason).await
    }

    /// Unfreezes a card: it returns to the state it was frozen from.
    pub async fn unfreeze_card(&self, caller: &Caller, card_no: &CardNo, reason: &str) -> Result<CardRow> {
        self.hall_card_action(caller, card_no, CardAction::Unfreeze, reason).await
    }

    async fn hall_card_action(
        &self,
        caller: &Caller,
        card_no: &CardNo,
        action: CardAction,
        reason: &str,
    ) -> Result<CardRow> {
        let reason = reason_text(reason)?;
        let actor = caller.actor().clone();
        let mut tx = self.pool.begin().await?;
        let mut card = load_for_update(&mut tx, card_no).await?;
        self.move_card(&mut tx, &actor, &mut card, action, reason, json!({})).await?;
        tx.commit().await?;
        Ok(card)
    }

    /// Applies one lifecycle step to a locked card: refuses what the table forbids, then writes
    /// the new state, the history row and the audit row.
    pub(super) async fn move_card(
        &self,
        conn: &mut PgConnection,
        actor: &Actor,
        card: &mut CardRow,
        action: CardAction,
        reason: &str,
        details: Value,
    ) -> Result<()> {
        let from = card.state;
        let to = next_card_state(from, action, card.frozen_from).ok_or_else(|| illegal_card_step(from))?;
        if makes_usable(action) {
            // A transferred-out record is read-only, but loss reports and freezes still protect it.
            let holder = holder_of(conn, card).await?;
            crate::persons::refuse_if_transferred_out(holder.status)?;
        }
        card.frozen_from = if action == CardAction::Freeze { Some(from) } else { None };
        card.temporary_loss_until = (to == CardState::TemporarilyLost).then(|| {
            self.calendar.add_working_days(self.clock.today(), self.settings.cards.temporary_loss_working_days)
        });
        card.state = to;
        card.state_changed_at = self.clock.now();
        store::update_state(conn, card).await?;
        let transition = NewCardTransition {
            card_no: &card.card_no,
            person_no: &card.person_no,
            from: Some(from),
            to,
            reason_code: action.code(),
            reason,
            actor,
            details: details.clone(),
            at: card.state_changed_at,
        };
        history::insert(conn, &transition).await?;
        let subject = Subject { kind: "card", id: card.card_no.as_str() };
        let action_name = format!("card.{}", action.code());
        self.audit(conn, actor, &action_name, Some(subject), details).await
    }

    /// The start (00:00 in Zhengzhou) of the working day after today.
    fn start_of_next_working_day(&self) -> DateTime<Utc> {
        let day = self.calendar.next_working_day(self.clock.today());
        china_offset()
            .from_local_datetime(&day.and_time(NaiveTime::MIN))
            .single()
            .expect("UTC+8 has no gaps")
            .with_timezone(&Utc)
    }
}

/// Steps that put a card (back) into use.
fn makes_usable(action: CardAction) -> bool {
    matches!(
        action,
        CardAction::Activate | CardAction::Unfreeze | CardAction::CancelTemporaryLoss | CardAction::LapseTemporaryLoss
    )
}

/// Loads a card, or 404.
pub(super) async fn load(conn: &mut PgConnection, card_no: &CardNo) -> Result<CardRow> {
    store::find(conn, card_no).await?.ok_or_else(card_not_found)
}

/// Loads and locks a card, or 404.
pub(super) async fn load_for_update(conn: &mut PgConnection, card_no: &CardNo) -> Result<CardRow> {
    store::find_for_update(conn, card_no).await?.ok_or_else(card_not_found)
}

pub(super) fn card_not_found() -> Error {
    Error::not_found("card.not_found", "no card has this card number")
}

/// Loads the card's holder.
pub(super) async fn holder_of(conn: &mut PgConnection, card: &CardRow) -> Result<PersonRow> {
    // Every card has a holder (a foreign key), so this finds one.
    persons::get(conn, &card.person_no).await
}

/// Refuses early, before identity and other checks, a step the lifecycle forbids.
pub(super) fn ensure_step(card: &CardRow, action: CardAction) -> Result<()> {
    next_card_state(card.state, action, card.frozen_from).map(|_| ()).ok_or_else(|| illegal_card_step(card.state))
}

/// The refusal of a step the lifecycle forbids, naming the current state.
fn illegal_card_step(current: CardState) -> Error {
    Error::conflict(
        "card.illegal_transition",
        format!("the card is {}; this step is not possible from there", current.code()),
        params! { "current_state" => current.code(), "current_state_label" => current.label_zh() },
    )
}

/// A bank acts only on the cards it issued.
pub(super) fn check_issuing_bank(caller: &Caller, bank_code: &str) -> Result<()> {
    if caller.client_kind == ClientKind::Bank && caller.bank_code.as_deref() != Some(bank_code) {
        return Err(Error::forbidden(
            "card.not_issuing_bank",
            "this card was issued by another bank; a bank acts only on the cards it issued",
        ));
    }
    Ok(())
}

/// Who may read a card by its number at all: hall staff and banks. Checked before the card is
/// looked up, so nobody else learns whether a number exists. Institutions and terminals read a
/// card only when it is presented (with the password or an e-voucher), never by number alone.
fn check_may_read_by_number(caller: &Caller) -> Result<()> {
    if caller.client_kind == ClientKind::Bank {
        return Ok(());
    }
    caller.require(Scope::PersonsRead)
}

/// A bank reads only the cards it issued.
fn check_may_read(caller: &Caller, card: &CardRow) -> Result<()> {
    if caller.has(Scope::PersonsRead) {
        return Ok(());
    }
    check_issuing_bank(caller, &card.bank_code)
}

/// Checks the presented ID number and name against the holder's.
pub(super) fn check_identity(
    holder: &PersonRow,
    presented: &PresentedIdentity,
    today: chrono::NaiveDate,
) -> Result<()> {
    let id =
        IdNumber::parse(&presented.id_number, today).map_err(|e| Error::invalid_field(e.code(), "id_number", e))?;
    if id.as_str() != holder.id_number || holder.name != presented.name.trim() {
        return Err(Error::invalid_field(
            "card.identity_mismatch",
            "id_number",
            "the ID number and name do not match the card holder",
        ));
    }
    Ok(())
}

/// A reason text of 1 to 500 characters.
pub(super) fn reason_text(reason: &str) -> Result<&str> {
    crate::domain::reason_text(reason)
        .ok_or_else(|| Error::invalid_field("card.reason_text", "reason", crate::domain::REASON_RULE))
}
