//! Issuing a person's first (or next, after a final state) card.

use crate::cards::Cards;
use chrono::Months;
use serde_json::json;

use super::check_issuing_bank;
use crate::cards::CardState;
use crate::cards::history::{self, NewCardTransition};
use crate::cards::store::{self as store, CardRow};
use crate::domain::PersonNo;
use crate::params;
use crate::persons;
use crate::platform::audit::Subject;
use crate::platform::caller::Caller;
use crate::platform::error::{Error, Result, ResultExt};
use crate::registries::banks;

impl Cards<'_> {
    /// Issues a card from `bank_code` to a person who has no usable card (hall, or that bank).
    pub async fn issue_card(&self, caller: &Caller, person_no: &PersonNo, bank_code: &str) -> Result<CardRow> {
        let bank_code = bank_code.trim().to_ascii_uppercase();
        check_issuing_bank(caller, &bank_code)?;
        let actor = caller.actor().clone();
        let mut tx = self.pool.begin().await?;
        let person =
            persons::find_for_update(&mut tx, person_no).await?.ok_or(Error::NotFound { code: "person.not_found" })?;
        crate::persons::refuse_if_transferred_out(person.status)?;
        banks::find(&mut tx, &bank_code)
            .await?
            .ok_or_else(|| Error::invalid_field("card.unknown_bank", "bank_code", format!("no bank {bank_code}")))?;
        let card = self.new_card_row(store::next_card_no(&mut tx).await?, person_no, &bank_code, 1);
        store::insert(&mut tx, &card).await.on_constraint("cards_one_usable_per_person", || {
            Error::conflict("card.usable_card_exists", "the person already has a usable card", params! {})
        })?;
        let transition = NewCardTransition {
            card_no: &card.card_no,
            person_no,
            from: None,
            to: CardState::Unactivated,
            reason_code: "issued",
            reason: "card issued",
            actor: &actor,
            details: json!({ "bank_code": bank_code }),
            at: card.created_at,
        };
        history::insert(&mut tx, &transition).await?;
        let subject = Subject { kind: "card", id: card.card_no.as_str() };
        self.audit(
            &mut tx,
            &actor,
            "card.issue",
            Some(subject),
            json!({ "person_no": person_no, "bank_code": bank_code }),
        )
        .await?;
        tx.commit().await?;
        Ok(card)
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
