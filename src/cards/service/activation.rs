//! Activation: at the issuing bank (any branch), at institutions that offer it, at terminals
//! and at the hall; identity checked, proxies with proof, the financial password set.

use crate::cards::Cards;
use chrono::{Datelike, NaiveDate};
use secrecy::SecretString;
use serde_json::json;

use super::{PresentedIdentity, check_identity, check_issuing_bank, ensure_step, holder_of, load_for_update};
use crate::auth::password;
use crate::cards::CardAction;
use crate::cards::store::{self as store, CardRow};
use crate::domain::{BranchCode, CardNo, CardPassword, IdNumber, MINOR_AGE, PersonName, ProofKind, Relationship};
use crate::params;
use crate::persons::PersonRow;
use crate::persons::refuse_if_transferred_out;
use crate::platform::caller::{Caller, ClientKind};
use crate::platform::error::{Error, Result};
use crate::registries::{banks, institutions};

/// An agent acting for the holder (代办).
#[derive(Debug, Clone)]
pub struct AgentInfo {
    pub id_number: String,
    pub name: String,
    pub relationship: Relationship,
    pub proof: ProofKind,
}

/// An activation request.
#[derive(Debug, Clone)]
pub struct Activation {
    pub holder: PresentedIdentity,
    pub password: SecretString,
    /// The bank branch (required when a bank activates).
    pub branch_code: Option<BranchCode>,
    pub agent: Option<AgentInfo>,
}

impl Cards<'_> {
    /// Activates an unactivated card and sets its financial password.
    pub async fn activate_card(&self, caller: &Caller, card_no: &CardNo, activation: Activation) -> Result<CardRow> {
        let today = self.clock.today();
        let actor = caller.actor().clone();
        let mut tx = self.pool.begin().await?;
        let mut card = load_for_update(&mut tx, card_no).await?;
        ensure_step(&card, CardAction::Activate)?;
        self.check_channel_may_activate(&mut tx, caller, &card, activation.branch_code.as_ref()).await?;
        check_collected(&card)?;
        let holder = holder_of(&mut tx, &card).await?;
        refuse_if_transferred_out(holder.status)?;
        check_identity(&holder, &activation.holder, today)?;
        let agent = check_agent(&holder, activation.agent.as_ref(), today)?;
        let password = CardPassword::parse_new(&activation.password, &holder.id_number, holder.birth_date)
            .map_err(|e| Error::invalid_field(e.code(), "password", e))?;
        let hash = password::hash(password.secret(), self.settings.auth.argon2_params()).await?;
        let details =
            json!({ "channel": caller.client_kind.as_str(), "branch_code": activation.branch_code, "agent": agent });
        self.move_card(&mut tx, &actor, &mut card, CardAction::Activate, "activation", details).await?;
        card.activated_at = Some(self.clock.now());
        card.usable_from = Some(self.activation_effective_at(&mut tx, caller, &card).await?);
        card.activation_channel = Some(caller.client_kind.as_str().to_owned());
        card.activation_branch = activation.branch_code.map(|b| b.as_str().to_owned());
        card.password_hash = Some(hash);
        card.password_failures = 0;
        store::record_activation(&mut tx, &card).await?;
        tx.commit().await?;
        Ok(card)
    }

    async fn check_channel_may_activate(
        &self,
        conn: &mut sqlx::PgConnection,
        caller: &Caller,
        card: &CardRow,
        branch_code: Option<&BranchCode>,
    ) -> Result<()> {
        match caller.client_kind {
            ClientKind::Bank => {
                check_issuing_bank(caller, &card.bank_code)?;
                if branch_code.is_none() {
                    return Err(Error::invalid_field(
                        "card.branch_required",
                        "branch_code",
                        "a bank names the branch where the card is activated (branch_code)",
                    ));
                }
            }
            ClientKind::Institution => {
                let code = caller.institution_code.as_deref().unwrap_or_default();
                let offers = institutions::find(conn, code).await?.is_some_and(|i| i.offers_activation);
                if !offers {
                    return Err(Error::forbidden(
                        "card.institution_no_activation",
                        "this institution does not offer activation",
                    ));
                }
            }
            _ => {}
        }
        Ok(())
    }

    /// Now, or the start of the next working day when the issuing bank activates that way.
    async fn activation_effective_at(
        &self,
        conn: &mut sqlx::PgConnection,
        caller: &Caller,
        card: &CardRow,
    ) -> Result<chrono::DateTime<chrono::Utc>> {
        if caller.client_kind == ClientKind::Bank {
            let bank = banks::find(conn, &card.bank_code).await?;
            if bank.is_some_and(|b| b.activation_effect == "next_working_day") {
                return Ok(self.start_of_next_working_day());
            }
        }
        Ok(self.clock.now())
    }
}

/// A replacement card is activated only once it has been collected.
fn check_collected(card: &CardRow) -> Result<()> {
    match card.fulfilment.as_deref() {
        None | Some("collected") => Ok(()),
        Some(other) => Err(Error::conflict(
            "card.not_collected",
            "the replacement card has not been collected yet",
            params! { "fulfilment" => other },
        )),
    }
}

/// Minors need a parent or guardian; an agent proves the relation with a fitting document.
/// Returns what is recorded about the agent (ID number masked).
fn check_agent(holder: &PersonRow, agent: Option<&AgentInfo>, today: NaiveDate) -> Result<Option<serde_json::Value>> {
    let minor = age_on(holder.birth_date, today) < MINOR_AGE;
    let Some(agent) = agent else {
        if minor {
            return Err(Error::invalid_field(
                "card.minor_needs_guardian",
                "agent",
                "a minor's card is activated by a parent or guardian",
            ));
        }
        return Ok(None);
    };
    let id =
        IdNumber::parse(&agent.id_number, today).map_err(|e| Error::invalid_field(e.code(), "agent.id_number", e))?;
    PersonName::parse(&agent.name).map_err(|e| Error::invalid_field("person.name", "agent.name", e))?;
    if id.as_str() == holder.id_number {
        return Err(Error::invalid_field(
            "card.agent_is_holder",
            "agent",
            "the holder does not act as their own agent",
        ));
    }
    if minor && !agent.relationship.may_act_for_minor() {
        return Err(Error::invalid_field(
            "card.agent_not_guardian",
            "agent.relationship",
            "only a parent or guardian acts for a minor",
        ));
    }
    if !agent.relationship.accepted_proofs().contains(&agent.proof) {
        return Err(Error::invalid_field(
            "card.proof_not_accepted",
            "agent.proof",
            format!("{} does not prove a {} relation", agent.proof.as_str(), agent.relationship.as_str()),
        ));
    }
    Ok(Some(json!({
        "id_number": id.masked(),
        "relationship": agent.relationship.as_str(),
        "proof": agent.proof.as_str(),
    })))
}

/// Completed years of age on `today`.
fn age_on(birth: NaiveDate, today: NaiveDate) -> u32 {
    let years = today.year() - birth.year() - i32::from((today.month(), today.day()) < (birth.month(), birth.day()));
    years.max(0) as u32
}
