//! The holder's own card operations: checking that a presented card is theirs (bindings),
//! signing in at a terminal with the card password, and reporting or cancelling a temporary
//! loss in a person session. A card that is not the session person's is answered as unknown,
//! so a session learns nothing about other people's cards.

use serde_json::json;
use sqlx::PgConnection;

use super::{card_not_found, ensure_step, load_for_update};
use crate::cards::store::{self as store, CardRow};
use crate::cards::{CardAction, CardState, Cards};
use crate::domain::{CardNo, PersonNo};
use crate::platform::caller::Caller;
use crate::platform::error::{Error, Result};

/// Whether `card_no` is a card of this person that is not in a final state (lost, replaced,
/// expired, damaged).
pub async fn holds_card(conn: &mut PgConnection, person_no: &PersonNo, card_no: &CardNo) -> Result<bool> {
    let card = store::find(conn, card_no).await?;
    Ok(card.is_some_and(|c| &c.person_no == person_no && !c.state.is_final()))
}

impl Cards<'_> {
    /// A card presented at an institution: its holder and state (404 for an unknown card).
    pub async fn presented_card(&self, card_no: &CardNo) -> Result<(PersonNo, CardState)> {
        let mut conn = self.pool.acquire().await?;
        self.presented_card_on(&mut conn, card_no).await
    }

    /// The same on a connection the request already holds.
    pub async fn presented_card_on(&self, conn: &mut PgConnection, card_no: &CardNo) -> Result<(PersonNo, CardState)> {
        let card = super::load(conn, card_no).await?;
        Ok((card.person_no, card.state))
    }

    /// The state of a presented card, held until the caller's transaction ends, so the card
    /// cannot be frozen or reported lost while a settlement relying on it commits.
    pub async fn hold_presented(&self, conn: &mut PgConnection, card_no: &CardNo) -> Result<CardState> {
        store::state_for_share(conn, card_no).await?.ok_or_else(card_not_found)
    }

    /// A terminal sign-in: the card password of the card presented (the 3-strike lock applies);
    /// answers the holder.
    pub async fn sign_in_with_card(
        &self,
        caller: &Caller,
        card_no: &CardNo,
        password: secrecy::SecretString,
    ) -> Result<PersonNo> {
        let card = self.check_password(&caller.actor().clone(), card_no, password).await?;
        Ok(card.person_no)
    }

    /// The active card of a person, for a terminal sign-in by ID number; 409 when none is active.
    pub async fn active_card_of(&self, conn: &mut PgConnection, person_no: &PersonNo) -> Result<CardNo> {
        let cards = store::list_for_person(conn, person_no).await?;
        cards.into_iter().find(|c| c.state == CardState::Active).map(|c| c.card_no).ok_or_else(|| {
            Error::conflict(
                "card.none_active",
                "the person has no active card; sign in with the card itself or activate it first",
                crate::params! {},
            )
        })
    }

    /// Reports or cancels a temporary loss of the session person's own card.
    pub async fn own_temporary_loss(&self, caller: &Caller, card_no: &CardNo, report: bool) -> Result<CardRow> {
        let person_no = caller.person_session()?.person_no.clone();
        let action = if report { CardAction::ReportTemporaryLoss } else { CardAction::CancelTemporaryLoss };
        let mut tx = self.pool.begin().await?;
        let mut card = load_for_update(&mut tx, card_no).await?;
        if card.person_no != person_no {
            return Err(card_not_found());
        }
        ensure_step(&card, action)?;
        let reason =
            if report { "temporary loss reported by the holder" } else { "temporary loss cancelled by the holder" };
        let details = json!({ "channel": caller.client_kind.as_str(), "session": true });
        self.move_card(&mut tx, caller.actor(), &mut card, action, reason, details).await?;
        tx.commit().await?;
        Ok(card)
    }
}
