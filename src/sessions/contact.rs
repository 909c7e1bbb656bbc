//! The person's own contact change: a new phone must be proven by a `phone_change` code sent
//! to it, used up in the transaction that changes the record, in a session that proved the
//! person (not merely the channel account of a binding).

use super::Sessions;
use super::types::SessionMethod;
use crate::persons::{ContactChange, PersonRow, Persons};
use crate::platform::caller::Caller;
use crate::platform::error::{Error, Result};
use crate::sms::{PresentedCode, SmsCodes, SmsPurpose};

impl Sessions<'_> {
    /// Changes the session person's phone and/or address.
    pub async fn change_own_contact(
        &self,
        caller: &Caller,
        change: &ContactChange,
        code: Option<&PresentedCode>,
    ) -> Result<PersonRow> {
        let session = caller.person_session()?;
        let person_no = session.person_no.clone();
        change.require_some()?;
        // A binding session proves only that someone holds the channel account; moving the
        // phone (the key to SMS sign-in and password reset) needs the person themselves.
        if change.phone.is_some() && SessionMethod::parse(&session.method) == Some(SessionMethod::Binding) {
            return Err(Error::forbidden(
                "session.stronger_sign_in_required",
                "changing the phone needs a session opened by SMS, password, card password or a verified identity",
            ));
        }
        let checked = match (&change.phone, code) {
            (Some(phone), Some(code)) => {
                Some(SmsCodes::new(self).check_code(phone, SmsPurpose::PhoneChange, code).await?)
            }
            (Some(_), None) => {
                return Err(Error::invalid_field(
                    "person.phone_change_code",
                    "sms_code",
                    "a new phone needs the phone_change code sent to it",
                ));
            }
            (None, _) => None,
        };
        let mut tx = self.pool.begin().await?;
        if let Some(checked) = checked {
            SmsCodes::new(self).use_code(&mut tx, checked).await?;
        }
        let reason = "changed by the person online";
        let row = Persons::new(self).change_contact(&mut tx, caller.actor(), &person_no, change, reason).await?;
        tx.commit().await?;
        Ok(row)
    }
}
