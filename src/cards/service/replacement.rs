//! Replacement cards: a new number linked both ways, fulfilment (ordered → produced → ready
//! for collection → collected) and, when collected, activation like any new card. The personal
//! account belongs to the person, so nothing of the balance moves.

use crate::cards::Cards;
use chrono::Duration;
use serde_json::json;
use sqlx::PgConnection;

use super::issue::CardBirth;
use super::{PresentedIdentity, check_identity, check_issuing_bank, ensure_step, holder_of, load_for_update};
use crate::cards::history::{self, NewCardTransition};
use crate::cards::store::{self as store, CardRow};
use crate::cards::{CardAction, CardState};
use crate::domain::CardNo;
use crate::params;
use crate::persons::refuse_if_transferred_out;
use crate::platform::audit::Subject;
use crate::platform::caller::{Actor, Caller};
use crate::platform::error::{Error, Result};

/// Why a card is replaced.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReplacementReason {
    Lost,
    Damaged,
    Expired,
}

impl ReplacementReason {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Lost => "lost",
            Self::Damaged => "damaged",
            Self::Expired => "expired",
        }
    }
}

/// The fulfilment steps of a replacement card, in order.
pub const FULFILMENT: [&str; 4] = ["ordered", "produced", "ready_for_collection", "collected"];

impl Cards<'_> {
    /// Orders a replacement for a lost, damaged or expiring card; returns `(old, new)`.
    pub async fn replace_card(
        &self,
        caller: &Caller,
        card_no: &CardNo,
        reason: ReplacementReason,
        holder: &PresentedIdentity,
    ) -> Result<(CardRow, CardRow)> {
        let actor = caller.actor();
        let mut tx = self.pool.begin().await?;
        let mut old = load_for_update(&mut tx, card_no).await?;
        let retire = self.check_replaceable(&mut tx, caller, &old, reason, holder).await?;
        let details = json!({ "replacement_reason": reason.as_str() });
        if let Some(action) = retire {
            self.move_card(&mut tx, actor, &mut old, action, "replacement ordered", details).await?;
        }
        let new = self.order_replacement(&mut tx, actor, &mut old, reason).await?;
        let subject = Subject { kind: "card", id: new.card_no.as_str() };
        let details = json!({ "replaces": old.card_no, "reason": reason.as_str() });
        self.audit(&mut tx, actor, "card.replace", Some(subject), details).await?;
        tx.commit().await?;
        Ok((old, new))
    }

    /// Refuses a replacement the card, the reason or the holder does not allow; returns the step
    /// that retires the old card, if it needs one.
    async fn check_replaceable(
        &self,
        conn: &mut PgConnection,
        caller: &Caller,
        old: &CardRow,
        reason: ReplacementReason,
        holder: &PresentedIdentity,
    ) -> Result<Option<CardAction>> {
        check_issuing_bank(caller, &old.bank_code)?;
        if let Some(by) = &old.replaced_by {
            return Err(Error::conflict(
                "card.already_replaced",
                "a card is replaced only once; act on the card named in replaced_by",
                params! { "replaced_by" => by.as_str() },
            ));
        }
        let retire = retiring_step(old, reason)?;
        if let Some(action) = retire {
            ensure_step(old, action)?;
        }
        self.check_expiry_window(old, reason)?;
        let person = holder_of(conn, old).await?;
        refuse_if_transferred_out(person.status)?;
        check_identity(&person, holder, self.clock.today())?;
        Ok(retire)
    }

    /// The new card of the next generation, ordered for collection and linked both ways.
    async fn order_replacement(
        &self,
        conn: &mut PgConnection,
        actor: &Actor,
        old: &mut CardRow,
        reason: ReplacementReason,
    ) -> Result<CardRow> {
        let card_no = store::next_card_no(conn).await?;
        let mut new = self.new_card_row(card_no, &old.person_no, &old.bank_code, old.generation + 1);
        new.replacement_for = Some(old.card_no.clone());
        new.fulfilment = Some(FULFILMENT[0].to_owned());
        let ready_in = self.settings.cards.replacement_ready_working_days;
        new.expected_ready_on = Some(self.calendar.add_working_days(self.clock.today(), ready_in));
        // A lost card may be replaced after the person was issued a new card elsewhere: then the
        // replacement would be a second usable card (refused by record_new_card).
        let details = json!({ "replaces": old.card_no, "replacement_reason": reason.as_str() });
        let birth = CardBirth { reason_code: "replacement_ordered", reason: "replacement card ordered", details };
        self.record_new_card(conn, actor, &new, birth).await?;
        store::set_replaced_by(conn, &old.card_no, &new.card_no).await?;
        old.replaced_by = Some(new.card_no.clone());
        Ok(new)
    }

    /// Moves a replacement card's fulfilment one step on (hall or issuing bank).
    pub async fn advance_fulfilment(&self, caller: &Caller, card_no: &CardNo, step: &str) -> Result<CardRow> {
        let actor = caller.actor().clone();
        let mut tx = self.pool.begin().await?;
        let mut card = load_for_update(&mut tx, card_no).await?;
        check_issuing_bank(caller, &card.bank_code)?;
        let current = card.fulfilment.clone().ok_or_else(|| {
            Error::conflict("card.no_fulfilment", "only replacement cards go through fulfilment", params! {})
        })?;
        let position = FULFILMENT.iter().position(|s| *s == current).unwrap_or(FULFILMENT.len());
        if FULFILMENT.get(position + 1) != Some(&step) || card.state.is_final() {
            return Err(Error::conflict(
                "card.fulfilment_out_of_order",
                format!("the card is {current}; the next step is not {step}"),
                params! { "current_fulfilment" => current },
            ));
        }
        store::set_fulfilment(&mut tx, card_no, step).await?;
        card.fulfilment = Some(step.to_owned());
        let transition = NewCardTransition {
            card_no,
            person_no: &card.person_no,
            from: Some(card.state),
            to: card.state,
            reason_code: "fulfilment",
            reason: step,
            actor: &actor,
            details: json!({ "fulfilment": step }),
            at: self.clock.now(),
        };
        history::insert(&mut tx, &transition).await?;
        let subject = Subject { kind: "card", id: card_no.as_str() };
        self.audit(&mut tx, &actor, "card.fulfilment", Some(subject), json!({ "fulfilment": step })).await?;
        tx.commit().await?;
        Ok(card)
    }

    /// A card is replaced for expiry only from the configured window before its expiry date.
    fn check_expiry_window(&self, card: &CardRow, reason: ReplacementReason) -> Result<()> {
        let window = Duration::days(self.settings.cards.expiry_replacement_window_days);
        if reason == ReplacementReason::Expired && card.expires_on > self.clock.today() + window {
            return Err(Error::invalid_field(
                "card.not_expiring",
                "reason",
                format!(
                    "the card expires on {}; replace it for expiry from {} days before",
                    card.expires_on,
                    window.num_days()
                ),
            ));
        }
        Ok(())
    }
}

/// How the old card leaves the usable states: a lost card is formally lost (if it is not
/// already), a damaged or expiring one is withdrawn.
fn retiring_step(card: &CardRow, reason: ReplacementReason) -> Result<Option<CardAction>> {
    Ok(match (reason, card.state) {
        (ReplacementReason::Lost, CardState::Lost) => None,
        (ReplacementReason::Lost, _) => Some(CardAction::ReportFormalLoss),
        (_, CardState::Lost) => {
            return Err(Error::invalid_field(
                "card.replacement_reason",
                "reason",
                "a lost card is replaced with reason lost",
            ));
        }
        _ => Some(CardAction::Withdraw),
    })
}
