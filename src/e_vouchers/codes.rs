//! QR tokens: issued to the person (with the voucher PIN, counted like a card password), shown
//! at an institution, which a card read or pre-settlement binds them to, and used up by the one
//! settlement they pay, inside that settlement's transaction.

use chrono::{DateTime, Utc};
use secrecy::SecretString;
use serde_json::json;
use sqlx::PgConnection;

use super::service::not_activated;
use super::store::{self, CodeRow};
use super::{EVouchers, EcToken, VoucherState};
use crate::auth::password;
use crate::domain::PersonNo;
use crate::params;
use crate::platform::audit::Subject;
use crate::platform::caller::Caller;
use crate::platform::counted_secret::{self, Reservation};
use crate::platform::error::{Error, Result};
use secrecy::ExposeSecret;

/// A token as handed to the person.
#[derive(Debug, Clone)]
pub struct IssuedCode {
    /// The token for the QR code.
    pub token: EcToken,
    /// When it stops being accepted.
    pub expires_at: DateTime<Utc>,
}

impl EVouchers<'_> {
    /// A new token for the session person's active voucher, once the PIN is right.
    pub async fn issue_code(&self, caller: &Caller, pin: SecretString) -> Result<IssuedCode> {
        let person_no = caller.person_session()?.person_no.clone();
        // Only a well-formed PIN of a usable voucher is worth a counted try.
        if !is_six_digits(&pin) {
            return Err(Error::invalid_field("e_voucher.pin_format", "pin", "a voucher PIN has six digits"));
        }
        {
            let mut conn = self.pool.acquire().await?;
            let voucher = store::find(&mut conn, &person_no).await?.ok_or_else(not_activated)?;
            refuse_unless_active(voucher.state)?;
        }
        self.check_pin(caller, &person_no, pin).await?;
        let token = EcToken::generate();
        let now = self.clock.now();
        let expires_at = now + chrono::Duration::seconds(self.settings.vouchers.code_ttl_secs);
        let mut tx = self.pool.begin().await?;
        let voucher = store::lock(&mut tx, &person_no, false).await?.ok_or_else(not_activated)?;
        refuse_unless_active(voucher.state)?;
        store::insert_code(&mut tx, &token.digest(), &person_no, caller.client_id.as_str(), (now, expires_at)).await?;
        let subject = Subject { kind: "person", id: person_no.as_str() };
        self.audit(&mut tx, caller.actor(), "e_voucher.code_issued", Some(subject), json!({})).await?;
        tx.commit().await?;
        Ok(IssuedCode { token, expires_at })
    }

    /// The holder of a token shown at `institution_code` (a card read, a pre-settlement): the
    /// first institution to see a token is the only one that may use it. A terminal (no
    /// institution) reads it without binding it.
    pub async fn present(&self, token: &EcToken, institution_code: Option<&str>) -> Result<PersonNo> {
        let mut tx = self.pool.begin().await?;
        let person_no = claim(&mut tx, token, institution_code, self.clock.now()).await?;
        tx.commit().await?;
        Ok(person_no)
    }

    /// Uses the token up for settlement `setl_id`, inside the settlement's transaction (the
    /// token row stays locked until it commits, so one token pays one bill).
    pub async fn use_for(
        &self,
        conn: &mut PgConnection,
        token: &EcToken,
        institution_code: Option<&str>,
        setl_id: &str,
    ) -> Result<PersonNo> {
        let now = self.clock.now();
        let person_no = claim(conn, token, institution_code, now).await?;
        if !store::mark_used(conn, &token.digest(), setl_id, now).await? {
            return Err(anyhow::anyhow!("a locked, unused token could not be used").into());
        }
        Ok(person_no)
    }

    async fn check_pin(&self, caller: &Caller, person_no: &PersonNo, pin: SecretString) -> Result<()> {
        let max = self.settings.vouchers.pin_max_failures;
        let hash = match store::reserve_pin_check(&self.pool, person_no, max, self.clock.now()).await? {
            Reservation::Reserved { hash } => hash,
            Reservation::NotSet => return Err(not_activated()),
            Reservation::Locked => return Err(pin_locked()),
            Reservation::Busy => {
                return Err(Error::unavailable("e_voucher.pin_busy", "too many PIN checks at once", 1));
            }
        };
        let right = password::verify(pin, hash).await;
        let mut conn = self.pool.acquire().await?;
        let failures = store::settle_pin_check(&mut conn, person_no, matches!(right, Ok(true))).await?;
        if right? {
            return Ok(());
        }
        let subject = Some(Subject { kind: "person", id: person_no.as_str() });
        self.audit(&mut conn, caller.actor(), "e_voucher.pin_wrong", subject, json!({ "failures": failures })).await?;
        if counted_secret::is_locked(failures, max) {
            return Err(pin_locked());
        }
        Err(Error::invalid_field("e_voucher.pin_wrong", "pin", "the voucher PIN is wrong")
            .with_param("remaining_attempts", max - failures))
    }
}

/// Locks a presented token and checks it may pay at `institution_code` now, binding it there
/// when this is its first showing.
async fn claim(
    conn: &mut PgConnection,
    token: &EcToken,
    institution_code: Option<&str>,
    now: DateTime<Utc>,
) -> Result<PersonNo> {
    let digest = token.digest();
    let code = store::lock_code(conn, &digest)
        .await?
        .ok_or_else(|| Error::not_found("e_voucher.token_unknown", "no voucher token is known by this ec_token"))?;
    refuse_unusable(&code, institution_code, now)?;
    if let (None, Some(institution_code)) = (&code.institution_code, institution_code) {
        store::claim(conn, &digest, institution_code).await?;
    }
    Ok(code.person_no)
}

/// The refusals of a token, most decisive first.
fn refuse_unusable(code: &CodeRow, institution_code: Option<&str>, now: DateTime<Utc>) -> Result<()> {
    if code.used_at.is_some() {
        return Err(Error::conflict(
            "e_voucher.token_used",
            "this token already paid a bill; show a new one",
            params! {},
        ));
    }
    if code.expires_at <= now {
        let expired = params! { "expires_at" => code.expires_at.to_rfc3339() };
        return Err(Error::conflict("e_voucher.token_expired", "this token has expired; show a new one", expired));
    }
    if let (Some(shown_at), Some(here)) = (code.institution_code.as_deref(), institution_code)
        && shown_at != here
    {
        return Err(Error::conflict(
            "e_voucher.token_elsewhere",
            "this token was shown at another institution; show a new one",
            params! {},
        ));
    }
    refuse_unless_active(code.voucher_state)
}

fn refuse_unless_active(state: VoucherState) -> Result<()> {
    if state == VoucherState::Suspended {
        return Err(Error::conflict(
            "e_voucher.suspended",
            "the electronic voucher is suspended; the hall resumes it",
            params! { "current_state" => state.code() },
        ));
    }
    Ok(())
}

fn pin_locked() -> Error {
    Error::locked(
        "e_voucher.pin_locked",
        "too many wrong voucher PINs in a row; set a new PIN after a face check",
        params! {},
    )
}

fn is_six_digits(pin: &SecretString) -> bool {
    let pin = pin.expose_secret();
    pin.len() == 6 && pin.bytes().all(|b| b.is_ascii_digit())
}
