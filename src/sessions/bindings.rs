//! Binding a channel account to a person (ID number, name, card, phone on record and an SMS
//! code, all matching), listing and ending bindings. A failed attempt is audited and counted
//! against the ID number and the client, and too many in an hour are refused outright.

use chrono::Duration;
use serde_json::json;
use sqlx::PgConnection;

use super::Sessions;
use super::bindings_store::{self as store, BindingRow, Ending};
use super::types::{ChannelUserRef, OpenedSession, SessionMethod, binds_accounts};
use crate::auth::Auth;
use crate::auth::token::hash_secret;
use crate::cards::holds_card;
use crate::domain::{BindingId, CardNo, IdNumber, PersonName, Phone};
use crate::params;
use crate::persons::{self, PersonRow};
use crate::platform::audit::Subject;
use crate::platform::caller::Caller;
use crate::platform::error::{Error, Result, ResultExt};
use crate::sms::{CheckedCode, PresentedCode, SmsCodes, SmsPurpose};

/// What a person presents to bind a channel account.
#[derive(Debug)]
pub struct BindingRequest {
    pub id_number: IdNumber,
    pub name: PersonName,
    pub card_no: CardNo,
    pub phone: Phone,
    pub sms_code: PresentedCode,
    pub channel_user_ref: ChannelUserRef,
}

/// A binding made (or found already made) and the session it opened.
#[derive(Debug)]
pub struct Bound {
    pub binding: BindingRow,
    pub session: OpenedSession,
    /// False when this account was already bound to this person.
    pub created: bool,
}

impl Sessions<'_> {
    /// Binds the caller's channel account to the person presented and opens a session.
    pub async fn bind(&self, caller: &Caller, request: &BindingRequest) -> Result<Bound> {
        check_binding_client(caller)?;
        let id_hash = hash_secret(request.id_number.as_str());
        self.check_failure_budget(caller, &id_hash).await?;
        let attempt = async {
            let code = SmsCodes::new(self).check_code(&request.phone, SmsPurpose::Binding, &request.sms_code).await?;
            self.bind_checked(caller, request, code).await
        };
        match attempt.await {
            Ok(bound) => Ok(bound),
            Err(error) => Err(self.binding_failed(caller, &id_hash, error).await),
        }
    }

    async fn bind_checked(&self, caller: &Caller, request: &BindingRequest, code: CheckedCode) -> Result<Bound> {
        let mut tx = self.pool.begin().await?;
        let person = matching_person(&mut tx, request).await?;
        let existing = store::find_live_by_ref(&mut tx, &caller.client_id, request.channel_user_ref.as_str()).await?;
        let (binding, created) = match existing {
            Some(b) if b.person_no == person.person_no => (b, false),
            Some(_) => return Err(ref_taken()),
            None => (self.new_binding(&mut tx, caller, &person, &request.channel_user_ref).await?, true),
        };
        SmsCodes::new(self).use_code(&mut tx, code).await?;
        let session = self.open_for(&mut tx, caller, &person, SessionMethod::Binding, Some(binding.binding_id)).await?;
        tx.commit().await?;
        Ok(Bound { binding, session, created })
    }

    /// Stores a binding, ending an older one of the person on this client (a new account
    /// replaces the old), and audits it.
    async fn new_binding(
        &self,
        conn: &mut PgConnection,
        caller: &Caller,
        person: &PersonRow,
        channel_user_ref: &ChannelUserRef,
    ) -> Result<BindingRow> {
        let now = self.clock.now();
        let ending = Ending { reason: "replaced", by: &caller.actor().id, at: now };
        for replaced in store::end_for_person(conn, &person.person_no, Some(&caller.client_id), ending).await? {
            Auth::new(self).revoke_person_sessions(conn, &person.person_no, Some(replaced.binding_id)).await?;
        }
        let row = BindingRow {
            binding_id: BindingId::new(),
            client_id: caller.client_id.clone(),
            channel: caller.client_kind.as_str().to_owned(),
            channel_user_ref: channel_user_ref.as_str().to_owned(),
            person_no: person.person_no.clone(),
            bound_at: now,
            ended_at: None,
            end_reason: None,
            ended_by: None,
        };
        store::insert(conn, &row).await.on_constraint("channel_bindings_one_person_per_ref", ref_taken)?;
        let binding_id = row.binding_id.to_string();
        let subject = Subject { kind: "binding", id: &binding_id };
        let details = json!({ "person_no": person.person_no.as_str(), "channel": row.channel });
        self.audit(conn, caller.actor(), "binding.create", Some(subject), details).await?;
        Ok(row)
    }

    /// Too many failed bindings this hour for this ID number or through this client: refused
    /// before anything is checked.
    async fn check_failure_budget(&self, caller: &Caller, id_hash: &[u8]) -> Result<()> {
        let rules = &self.settings.sessions;
        let since = self.clock.now() - Duration::hours(1);
        let mut conn = self.pool.acquire().await?;
        let (by_id, by_client) = store::count_failures(&mut conn, &caller.client_id, id_hash, since).await?;
        if by_id >= rules.binding_failures_per_id_number || by_client >= rules.binding_failures_per_client {
            return Err(Error::too_many(
                "binding.too_many_failures",
                "too many failed bindings in the last hour; try again later or bind at the service hall",
                3600,
            ));
        }
        Ok(())
    }

    /// Records a failed binding (audited; counted against the budgets when the identity or the
    /// phone did not match, the guesses a budget is for) and hands the refusal back.
    async fn binding_failed(&self, caller: &Caller, id_hash: &[u8], error: Error) -> Error {
        if matches!(error.code(), "binding.identity_mismatch" | "binding.phone_not_on_record") {
            let counted = async {
                let mut conn = self.pool.acquire().await?;
                store::insert_failure(&mut conn, &caller.client_id, id_hash, self.clock.now()).await
            };
            if let Err(failure) = counted.await {
                return failure.into();
            }
        }
        self.refused(caller, "binding.failed", SessionMethod::Binding, error).await
    }
}

/// Only the channels that bind accounts (official account, 豫事办, 郑好办, national app,
/// provincial platform) may bind.
fn check_binding_client(caller: &Caller) -> Result<()> {
    if binds_accounts(caller.client_kind) {
        return Ok(());
    }
    Err(Error::forbidden("binding.channel_not_allowed", "this channel does not bind accounts to persons"))
}

/// The person the request names, if ID number, name and a usable card all match and the phone
/// is the one on record. One error for any mismatch of the first three, so a guesser is not
/// told which was wrong.
async fn matching_person(conn: &mut PgConnection, request: &BindingRequest) -> Result<PersonRow> {
    let mismatch = || Error::Invalid {
        code: "binding.identity_mismatch",
        detail: "the ID number, name and card do not match an insured person's record".into(),
        params: params! {},
    };
    let person = persons::find_by_id_number(conn, &request.id_number).await?.ok_or_else(mismatch)?;
    let person = persons::lock(conn, &person.person_no).await?;
    if person.name != request.name.as_str() || !holds_card(conn, &person.person_no, &request.card_no).await? {
        return Err(mismatch());
    }
    if person.phone != request.phone.as_str() {
        return Err(Error::invalid_field(
            "binding.phone_not_on_record",
            "phone",
            "this phone is not the one on record; update the phone at the service hall first",
        ));
    }
    Ok(person)
}

fn ref_taken() -> Error {
    Error::conflict(
        "binding.ref_taken",
        "this channel account is bound to another person; unbind it there first",
        params! {},
    )
}
