//! The card password: change (old and new), reset at the hall with identity verified, and
//! verification by institutions and terminals. Three wrong tries in a row lock it; the attempt
//! is taken atomically before the check, so concurrent wrong tries cannot exceed the limit.

use crate::cards::Cards;
use secrecy::SecretString;
use serde_json::json;

use super::{PresentedIdentity, check_identity, holder_of, load, load_for_update};
use crate::auth::password;
use crate::cards::CardState;
use crate::cards::store::{self as store, CardRow};
use crate::domain::{CardNo, CardPassword};
use crate::params;
use crate::persons::refuse_if_transferred_out;
use crate::platform::audit::Subject;
use crate::platform::caller::{Actor, Caller};
use crate::platform::counted_secret::{self, Reservation};
use crate::platform::error::{Error, Result};

/// The answer to a password check.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PasswordCheck {
    pub verified: bool,
}

impl Cards<'_> {
    /// Whether the card's password is locked: as many wrong tries in a row as the configured
    /// limit. Only the hall's reset unlocks it.
    pub fn password_locked(&self, card: &CardRow) -> bool {
        card.password_failures >= self.settings.cards.password_max_failures
    }

    /// Checks a card password (institutions, terminals).
    pub async fn verify_card_password(
        &self,
        caller: &Caller,
        card_no: &CardNo,
        password: SecretString,
    ) -> Result<PasswordCheck> {
        self.check_password(&caller.actor().clone(), card_no, password).await?;
        Ok(PasswordCheck { verified: true })
    }

    /// Changes the password: the old one is checked like any attempt.
    pub async fn change_card_password(
        &self,
        caller: &Caller,
        card_no: &CardNo,
        old: SecretString,
        new: SecretString,
    ) -> Result<()> {
        let actor = caller.actor().clone();
        // The attempt counter lives outside any transaction (a wrong try must count even if the
        // request fails later); the change itself re-locks the card and checks it again.
        self.check_password(&actor, card_no, old).await?;
        self.set_new_password(&actor, card_no, None, new, "card.password_change").await
    }

    /// Resets the password at the hall with the holder's identity verified; unlocks it.
    pub async fn reset_card_password(
        &self,
        caller: &Caller,
        card_no: &CardNo,
        holder: &PresentedIdentity,
        new: SecretString,
    ) -> Result<()> {
        let actor = caller.actor().clone();
        self.set_new_password(&actor, card_no, Some(holder), new, "card.password_reset").await
    }

    /// Locks the active card, checks the holder's identity when one is presented, and stores a
    /// new password that passes the strength rules (clearing the failure counter).
    async fn set_new_password(
        &self,
        actor: &Actor,
        card_no: &CardNo,
        presented: Option<&PresentedIdentity>,
        new: SecretString,
        action: &str,
    ) -> Result<()> {
        let mut tx = self.pool.begin().await?;
        let card = load_for_update(&mut tx, card_no).await?;
        require_active(&card)?;
        let holder = holder_of(&mut tx, &card).await?;
        if let Some(presented) = presented {
            check_identity(&holder, presented, self.clock.today())?;
        }
        let new = CardPassword::parse_new(&new, &holder.id_number, holder.birth_date)
            .map_err(|e| Error::invalid_field(e.code(), "new_password", e))?;
        let hash = password::hash(new.secret(), self.settings.auth.argon2_params()).await?;
        store::set_password(&mut tx, card_no, &hash).await?;
        self.audit(&mut tx, actor, action, Some(Subject { kind: "card", id: card_no.as_str() }), json!({})).await?;
        tx.commit().await?;
        Ok(())
    }

    /// One counted check: reserve a slot, compare off the runtime and without holding a
    /// connection, then settle it. Concurrent right passwords wait for a slot rather than being
    /// told the card is locked; concurrent wrong ones are evaluated at most the limit.
    pub(super) async fn check_password(
        &self,
        actor: &Actor,
        card_no: &CardNo,
        presented: SecretString,
    ) -> Result<CardRow> {
        let card = {
            let mut conn = self.pool.acquire().await?;
            let card = load(&mut conn, card_no).await?;
            require_active(&card)?;
            refuse_if_transferred_out(holder_of(&mut conn, &card).await?.status)?;
            card
        };
        let hash = self.reserve_check(card_no).await?;
        let right = password::verify(presented, hash).await;
        let mut conn = self.pool.acquire().await?;
        let failures = store::settle_password_check(&mut conn, card_no, matches!(right, Ok(true))).await?;
        if right? {
            return Ok(card);
        }
        let max = self.settings.cards.password_max_failures;
        let locked = counted_secret::is_locked(failures, max);
        let action = if locked { "card.password_locked" } else { "card.password_wrong" };
        let subject = Some(Subject { kind: "card", id: card_no.as_str() });
        self.audit(&mut conn, actor, action, subject, json!({ "failures": failures })).await?;
        if locked {
            return Err(password_locked());
        }
        Err(Error::invalid_field("card.password_wrong", "password", "the card password is wrong")
            .with_param("remaining_attempts", max - failures))
    }

    /// Waits (briefly) for a free check slot and returns the hash to compare against.
    async fn reserve_check(&self, card_no: &CardNo) -> Result<String> {
        let max = self.settings.cards.password_max_failures;
        match store::reserve_password_check(&self.pool, card_no, max, self.clock.now()).await? {
            Reservation::Reserved { hash } => Ok(hash),
            Reservation::Locked | Reservation::NotSet => Err(password_locked()),
            Reservation::Busy => {
                Err(Error::unavailable("card.password_busy", "too many checks of this card at once", 1))
            }
        }
    }
}

fn password_locked() -> Error {
    Error::locked(
        "card.password_locked",
        "too many wrong card passwords in a row; the hall resets the password",
        params! {},
    )
}

/// Password operations need an active card.
fn require_active(card: &CardRow) -> Result<()> {
    if card.state != CardState::Active {
        return Err(Error::conflict(
            "card.not_active",
            format!("the card is {}", card.state.code()),
            params! { "current_state" => card.state.code(), "current_state_label" => card.state.label_zh() },
        ));
    }
    Ok(())
}
