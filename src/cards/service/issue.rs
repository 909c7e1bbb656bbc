//! Issuing a person's first (or next, after a final state) card.

use crate::cards::Cards;
use chrono::Months;
use serde_json::json;
use sqlx::PgConnection;

use super::check_issuing_bank;
use crate::cards::CardState;
use crate::cards::history::{self, NewCardTransition};
use crate::cards::store::{self as store, CardRow};
use crate::domain::PersonNo;
use crate::params;
use crate::persons;
use crate::platform::audit::Subject;
use crate::platform::caller::{Actor, Caller};
use crate::platform::error::{Error, Result, ResultExt};
use crate::registries::banks;

impl Cards<'_> {
    /// Issues a card from `bank_code` to a person who has no usable card (hall, or that bank).
    pub async fn issue_card(&self, caller: &Caller, person_no: &PersonNo, bank_code: &str) -> Result<CardRow> {
        let bank_code = bank_code.trim().to_ascii_uppercase();
        check_issuing_bank(caller, &bank_code)?;
        let actor = caller.actor().clone();
        let mut tx = self.pool.begin().await?;
        let person = persons::lock(&mut tx, person_no).await?;
        crate::persons::refuse_if_transferred_out(person.status)?;
        banks::find(&mut tx, &bank_code)
            .await?
            .ok_or_else(|| Error::invalid_field("card.unknown_bank", "bank_code", format!("no bank {bank_code}")))?;
        let card = self.new_card_row(store::next_card_no(&mut tx).await?, person_no, &bank_code, 1);
        let birth =
            CardBirth { reason_code: "issued", reason: "card issued", details: json!({ "bank_code": bank_code }) };
        self.record_new_card(&mut tx, &actor, &card, birth).await?;
        let subject = Subject { kind: "card", id: card.card_no.as_str() };
        let details = json!({ "person_no": person_no, "bank_code": bank_code });
        self.audit(&mut tx, &actor, "card.issue", Some(subject), details).await?;
        tx.commit().await?;
        Ok(card)
    }

    /// Stores a new card and the first row of its history (from none to unactivated). A person
    /// has at most one usable card: a second one is refused.
    pub(super) async fn record_new_card(
        &self,
        conn: &mut PgConnection,
        actor: &Actor,
        card: &CardRow,
        birth: CardBirth,
    ) -> Result<()> {
        store::insert(conn, card).await.on_constraint("cards_one_usable_per_person", || {
            Error::conflict(
                "card.usable_card_exists",
                "a person holds at most one usable card; report the current one lost or replace it first",
                params! {},
            )
        })?;
        let transition = NewCardTransition {
            card_no: &card.card_no,
            person_no: &card.person_no,
            from: None,
            to: CardState::Unactivated,
            reason_code: birth.reason_code,
            reason: birth.reason,
            actor,
            details: birth.details,
            at: card.created_at,
        };
        history::insert(conn, &transition).await?;
        Ok(())
    }

    /// A new unactivated card valid for the configured years from today.
    pub(crate) fn new_card_row(
        &self,
        card_no: crate::domain::CardNo,
        person_no: &PersonNo,
        bank_code: &str,
        generation: i32,
    ) -> CardRow {
        let today = self.clock.today();
        let now = self.clock.now();
        let validity = Months::new(12 * self.settings.cards.validity_years);
        CardRow {
            card_no,
            person_no: person_no.clone(),
            bank_code: bank_code.to_owned(),
            generation,
            issued_on: today,
            expires_on: today.checked_add_months(validity).unwrap_or(today),
            state: CardState::Unactivated,
            frozen_from: None,
            replacement_for: None,
            replaced_by: None,
            fulfilment: None,
            expected_ready_on: None,
            activated_at: None,
            usable_from: None,
            activation_channel: None,
            activation_branch: None,
            password_hash: None,
            password_failures: 0,
            temporary_loss_until: None,
            created_at: now,
            state_changed_at: now,
        }
    }
}

/// Why a card came into being, for the first row of its history.
pub(super) struct CardBirth {
    pub reason_code: &'static str,
    pub reason: &'static str,
    pub details: serde_json::Value,
}
