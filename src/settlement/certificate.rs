//! The medical certificate (医保凭证) an institution presents: `02` the ID card or `03` the card,
//! whose password, when given and right, lets the personal account pay. The e-voucher (`01`) is
//! not issued yet (issue 9 item 7) and is refused as such.

use secrecy::SecretString;

use crate::cards::{CardState, Cards};
use crate::domain::{CardNo, IdNumber, PersonNo};
use crate::params;
use crate::persons;
use crate::platform::Core;
use crate::platform::caller::Caller;
use crate::platform::error::{Error, Result};

/// A certificate as presented.
#[derive(Debug)]
pub enum Certificate {
    /// `02`: the ID card; the personal account cannot be used with it.
    IdCard(IdNumber),
    /// `03`: the card, with its password when the account is to be used.
    Card { card_no: CardNo, password: Option<SecretString> },
}

/// Whose certificate it is and whether it lets the personal account pay.
#[derive(Debug, Clone)]
pub struct Presented {
    pub person_no: PersonNo,
    pub account_allowed: bool,
}

impl Certificate {
    /// Resolves the certificate: an active card whose password was verified allows the account;
    /// an unactivated card only the pooled fund; a lost, frozen or replaced card cannot settle.
    pub async fn resolve(self, core: &Core, caller: &Caller) -> Result<Presented> {
        match self {
            Self::IdCard(id_number) => {
                let mut conn = core.pool.acquire().await?;
                let person = persons::find_by_id_number(&mut conn, &id_number)
                    .await?
                    .ok_or_else(|| Error::not_found("person.not_found", "no insured person has this ID number"))?;
                Ok(Presented { person_no: person.person_no, account_allowed: false })
            }
            Self::Card { card_no, password } => {
                let cards = Cards::new(core);
                let (person_no, state) = cards.presented_card(&card_no).await?;
                match (state, password) {
                    (CardState::Active, Some(password)) => {
                        cards.sign_in_with_card(caller, &card_no, password).await?;
                        Ok(Presented { person_no, account_allowed: true })
                    }
                    (CardState::Active | CardState::Unactivated, _) => {
                        Ok(Presented { person_no, account_allowed: false })
                    }
                    (state, _) => Err(Error::conflict(
                        "settlement.card_not_usable",
                        format!("a {} card cannot settle; the e-voucher or the ID card still can", state.code()),
                        params! { "current_state" => state.code() },
                    )),
                }
            }
        }
    }
}
