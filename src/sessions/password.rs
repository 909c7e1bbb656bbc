//! The provincial platform's account password: set in a session opened by SMS (which is also
//! how a forgotten or locked one is reset), checked at a password sign-in with the same
//! reserve-compare-settle counting as card passwords, locked after five wrong tries in a row.

use secrecy::{ExposeSecret, SecretString};
use serde_json::json;

use super::Sessions;
use super::password_store as store;
use super::types::SessionMethod;
use crate::auth::password;
use crate::domain::{IdNumber, PersonNo};
use crate::params;
use crate::persons;
use crate::platform::audit::Subject;
use crate::platform::caller::Caller;
use crate::platform::counted_secret::{self, Reservation};
use crate::platform::error::{Error, Result};

impl Sessions<'_> {
    /// Sets the session person's account password; only a session opened by SMS may.
    pub async fn set_account_password(&self, caller: &Caller, new: SecretString) -> Result<()> {
        let session = caller.person_session()?;
        if SessionMethod::parse(&session.method) != Some(SessionMethod::Sms) {
            return Err(Error::forbidden(
                "session.sms_required",
                "setting the account password needs a session opened by SMS",
            ));
        }
        check_strength(&new)?;
        let hash = password::hash(new, self.settings.auth.argon2_params()).await?;
        let mut tx = self.pool.begin().await?;
        persons::lock(&mut tx, &session.person_no).await?;
        store::set(&mut tx, &session.person_no, &hash, self.clock.now()).await?;
        let subject = Subject { kind: "person", id: session.person_no.as_str() };
        self.audit(&mut tx, caller.actor(), "person.account_password_set", Some(subject), json!({})).await?;
        tx.commit().await?;
        Ok(())
    }

    /// A password sign-in: the person by ID number, their password checked and counted.
    pub(super) async fn by_account_password(
        &self,
        caller: &Caller,
        id_number: &IdNumber,
        presented: SecretString,
    ) -> Result<PersonNo> {
        let person = {
            let mut conn = self.pool.acquire().await?;
            persons::find_by_id_number(&mut conn, id_number).await?
        };
        // An unknown ID number and a person without a password get the same work and answer as
        // a wrong password, so sign-ins cannot tell who is enrolled or has set one.
        let reserved = match &person {
            Some(person) => self.reserve_check(&person.person_no).await?,
            None => None,
        };
        let (Some(person), Some(hash)) = (person, reserved) else {
            let _ = password::verify(presented, password::DUMMY_HASH.to_owned()).await?;
            return Err(wrong_password());
        };
        let right = password::verify(presented, hash).await;
        let mut conn = self.pool.acquire().await?;
        let failures = store::settle(&mut conn, &person.person_no, matches!(right, Ok(true))).await?;
        if right? {
            return Ok(person.person_no);
        }
        let max = self.settings.sessions.password_max_failures;
        let subject = Some(Subject { kind: "person", id: person.person_no.as_str() });
        self.audit(
            &mut conn,
            caller.actor(),
            "person.account_password_wrong",
            subject,
            json!({ "failures": failures }),
        )
        .await?;
        if counted_secret::is_locked(failures, max) {
            return Err(locked());
        }
        Err(wrong_password())
    }

    /// A slot for one check and the hash to compare, or `None` when no password is set. Checks
    /// beyond the free slots wait briefly for one rather than being told the password is locked.
    async fn reserve_check(&self, person_no: &PersonNo) -> Result<Option<String>> {
        let max = self.settings.sessions.password_max_failures;
        let now = self.clock.now();
        match store::reserve(&self.pool, person_no, max, now).await? {
            Reservation::Reserved { hash } => Ok(Some(hash)),
            Reservation::NotSet => Ok(None),
            Reservation::Locked => Err(locked()),
            Reservation::Busy => Err(Error::unavailable("session.password_busy", "too many checks at once", 1)),
        }
    }
}

/// 8 to 64 characters, not all of one kind.
fn check_strength(new: &SecretString) -> Result<()> {
    let text = new.expose_secret();
    let length = text.chars().count();
    let letters = text.chars().any(|c| c.is_alphabetic());
    let digits = text.chars().any(|c| c.is_ascii_digit());
    if (8..=64).contains(&length) && letters && digits {
        return Ok(());
    }
    Err(Error::invalid_field(
        "session.weak_password",
        "password",
        "an account password has 8 to 64 characters with letters and digits",
    ))
}

fn wrong_password() -> Error {
    Error::Invalid {
        code: "session.wrong_password",
        detail: "the ID number or password is wrong, or no password is set (sign in by SMS to set one)".into(),
        params: params! { "field" => "password" },
    }
}

fn locked() -> Error {
    Error::locked(
        "session.password_locked",
        "too many wrong passwords in a row; sign in by SMS and set a new password",
        params! {},
    )
}
