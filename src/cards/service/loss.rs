//! Loss reports: temporary (online channels and the hall, lapses after N working days unless
//! made formal) and formal (hall or issuing bank, final); and the lapse job.

use crate::cards::Cards;
use serde_json::json;

use super::{PresentedIdentity, check_identity, check_issuing_bank, ensure_step, holder_of, load_for_update};
use crate::cards::CardAction;
use crate::cards::store::{self as store, CardRow};
use crate::domain::CardNo;
use crate::platform::caller::{Actor, Caller, Scope};
use crate::platform::error::Result;

/// Which loss report.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LossKind {
    Temporary,
    Formal,
}

impl Cards<'_> {
    /// Reports a card lost, with the holder's identity.
    pub async fn report_loss(
        &self,
        caller: &Caller,
        card_no: &CardNo,
        kind: LossKind,
        holder: &PresentedIdentity,
    ) -> Result<CardRow> {
        let action = match kind {
            LossKind::Temporary => {
                caller.require(Scope::CardsLossTemporary)?;
                CardAction::ReportTemporaryLoss
            }
            LossKind::Formal => {
                caller.require(Scope::CardsLossFormal)?;
                CardAction::ReportFormalLoss
            }
        };
        self.identified_card_step(caller, card_no, action, holder).await
    }

    /// Cancels a temporary loss (the card was found), with the holder's identity.
    pub async fn cancel_temporary_loss(
        &self,
        caller: &Caller,
        card_no: &CardNo,
        holder: &PresentedIdentity,
    ) -> Result<CardRow> {
        self.identified_card_step(caller, card_no, CardAction::CancelTemporaryLoss, holder).await
    }

    async fn identified_card_step(
        &self,
        caller: &Caller,
        card_no: &CardNo,
        action: CardAction,
        holder: &PresentedIdentity,
    ) -> Result<CardRow> {
        let actor = caller.actor().clone();
        let mut tx = self.pool.begin().await?;
        let mut card = load_for_update(&mut tx, card_no).await?;
        ensure_step(&card, action)?;
        check_issuing_bank(caller, &card.bank_code)?;
        let person = holder_of(&mut tx, &card).await?;
        check_identity(&person, holder, self.clock.today())?;
        let reason = match action {
            CardAction::ReportTemporaryLoss => "temporary loss reported",
            CardAction::CancelTemporaryLoss => "temporary loss cancelled: card found",
            _ => "formal loss reported",
        };
        let details = json!({ "channel": caller.client_kind.as_str() });
        self.move_card(&mut tx, &actor, &mut card, action, reason, details).await?;
        tx.commit().await?;
        Ok(card)
    }

    /// The job: temporary losses whose protection ended before today lapse back to active.
    /// Each card moves through the lifecycle table like any other step. Idempotent, and safe
    /// with several instances (rows being lapsed elsewhere are skipped).
    pub async fn lapse_temporary_losses(&self) -> Result<u64> {
        let actor = Actor::system("temporary_loss_lapse");
        let today = self.clock.today();
        let mut tx = self.pool.begin().await?;
        let due = store::lock_lapsing(&mut tx, today).await?;
        let reason = "temporary loss not made formal in time";
        for mut card in due.iter().cloned() {
            let details = json!({ "person_no": card.person_no, "today": today });
            self.move_card(&mut tx, &actor, &mut card, CardAction::LapseTemporaryLoss, reason, details).await?;
        }
        tx.commit().await?;
        Ok(due.len() as u64)
    }
}
