//! Activation and the PIN: both need a session opened by a verified identity (the channel's
//! real-name and face check), because the PIN lets a shown token pay from the personal account.

use secrecy::SecretString;
use serde_json::json;

use super::store::{self, VoucherRow};
use super::{EVouchers, VoucherState};
use crate::auth::password;
use crate::domain::{CardPassword, PersonNo};
use crate::params;
use crate::persons::{self, refuse_if_transferred_out};
use crate::platform::audit::Subject;
use crate::platform::caller::Caller;
use crate::platform::error::{Error, Result};
use crate::sessions::SessionMethod;

impl EVouchers<'_> {
    /// Activates the session person's voucher with a new 6-digit PIN.
    pub async fn activate(&self, caller: &Caller, pin: SecretString) -> Result<VoucherRow> {
        let person_no = verified_person(caller)?;
        let hash = self.new_pin_hash(&person_no, &pin).await?;
        let mut tx = self.pool.begin().await?;
        let person = persons::lock(&mut tx, &person_no).await?;
        refuse_if_transferred_out(person.status)?;
        let now = self.clock.now();
        let row =
            store::activate(&mut tx, &person_no, &hash, caller.client_id.as_str(), now).await?.ok_or_else(|| {
                Error::conflict(
                    "e_voucher.already_activated",
                    "the electronic voucher is already activated; change its PIN instead",
                    params! {},
                )
            })?;
        let subject = Subject { kind: "person", id: person_no.as_str() };
        self.audit(&mut tx, caller.actor(), "e_voucher.activate", Some(subject), json!({})).await?;
        tx.commit().await?;
        Ok(row)
    }

    /// Sets a new PIN for the session person's voucher: also how a locked PIN is unlocked.
    pub async fn change_pin(&self, caller: &Caller, pin: SecretString) -> Result<()> {
        let person_no = verified_person(caller)?;
        let hash = self.new_pin_hash(&person_no, &pin).await?;
        let mut tx = self.pool.begin().await?;
        if !store::set_pin(&mut tx, &person_no, &hash).await? {
            return Err(not_activated());
        }
        let subject = Subject { kind: "person", id: person_no.as_str() };
        self.audit(&mut tx, caller.actor(), "e_voucher.pin_set", Some(subject), json!({})).await?;
        tx.commit().await?;
        Ok(())
    }

    /// The person's voucher; `None` while not activated (404 for an unknown person).
    pub async fn voucher_of(&self, person_no: &PersonNo) -> Result<Option<VoucherRow>> {
        let mut conn = self.pool.acquire().await?;
        persons::get(&mut conn, person_no).await?;
        Ok(store::find(&mut conn, person_no).await?)
    }

    /// A PIN checked against the card password's rules for this holder, hashed (with no
    /// connection held while hashing).
    async fn new_pin_hash(&self, person_no: &PersonNo, pin: &SecretString) -> Result<String> {
        let person = {
            let mut conn = self.pool.acquire().await?;
            persons::get(&mut conn, person_no).await?
        };
        let pin = CardPassword::parse_new(pin, &person.id_number, person.birth_date)
            .map_err(|e| Error::invalid_field(e.code(), "pin", e))?;
        password::hash(pin.secret(), self.settings.auth.argon2_params()).await
    }
}

/// The session's person, when the session was opened by a verified identity.
fn verified_person(caller: &Caller) -> Result<PersonNo> {
    let session = caller.person_session()?;
    if SessionMethod::parse(&session.method) != Some(SessionMethod::VerifiedIdentity) {
        return Err(Error::forbidden(
            "e_voucher.verified_identity_required",
            "activating the voucher or setting its PIN needs a session opened by a face / real-name check",
        ));
    }
    Ok(session.person_no.clone())
}

/// The refusal for a person whose voucher was never activated.
pub(super) fn not_activated() -> Error {
    Error::conflict(
        "e_voucher.not_activated",
        "the electronic voucher is not activated (national app or 郑好办, after a face check)",
        params! { "current_state" => VoucherState::NotActivated.code() },
    )
}
