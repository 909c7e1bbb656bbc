//! The person's own contact change: a new phone must be proven by a `phone_change` code sent
//! to it, used up in the transaction that changes the record.

use super::Sessions;
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
        let person_no = caller.person_session()?.person_no.clone();
        change.require_some()?;
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
