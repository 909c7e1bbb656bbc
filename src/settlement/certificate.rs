//! The medical certificate (医保凭证) an institution presents: `01` an e-voucher QR token,
//! `02` the ID card, or `03` the card, whose password, when given and right, lets the personal
//! account pay. What a presented certificate allows is decided here, twice: when it is
//! presented, and again inside the settlement's transaction, where the card's state is held and
//! the token used up, so a freeze, a loss report or a second bill cannot slip in between.

use secrecy::SecretString;
use sqlx::PgConnection;

use crate::cards::{CardState, Cards};
use crate::domain::{CardNo, IdNumber, PersonNo};
use crate::e_vouchers::{EVouchers, EcToken};
use crate::params;
use crate::persons;
use crate::platform::Core;
use crate::platform::caller::Caller;
use crate::platform::error::{Error, Result};

/// A certificate as presented.
#[derive(Debug)]
pub enum Certificate {
    /// `01`: a QR token of an active e-voucher; it lets the account pay, whatever the card.
    EVoucher(EcToken),
    /// `02`: the ID card; the personal account cannot be used with it.
    IdCard(IdNumber),
    /// `03`: the card, with its password when the account is to be used.
    Card { card_no: CardNo, password: Option<SecretString> },
}

/// Whose certificate it is, whether it lets the personal account pay, and what the settlement's
/// transaction must hold.
#[derive(Debug, Clone)]
pub struct Presented {
    /// Whose certificate it is.
    pub person_no: PersonNo,
    /// Whether it lets the personal account pay.
    pub account_allowed: bool,
    /// `mdtrt_cert_type`: `01`, `02` or `03`.
    pub cert_type: &'static str,
    held: Held,
}

#[derive(Debug, Clone)]
enum Held {
    Nothing,
    Card(CardNo),
    Token(EcToken),
}

impl Certificate {
    /// Resolves the certificate: a token of an active voucher (bound to the calling institution
    /// from now on), an active card whose password was verified (both allow the account), an
    /// unactivated card (the pooled fund only); a lost, frozen or replaced card cannot settle.
    pub async fn resolve(self, core: &Core, caller: &Caller) -> Result<Presented> {
        match self {
            Self::EVoucher(token) => {
                let person_no = EVouchers::new(core).present(&token, caller.institution_code.as_deref()).await?;
                Ok(Presented { person_no, account_allowed: true, cert_type: "01", held: Held::Token(token) })
            }
            Self::IdCard(id_number) => {
                let mut conn = core.pool.acquire().await?;
                let person = persons::find_by_id_number(&mut conn, &id_number)
                    .await?
                    .ok_or_else(|| Error::not_found("person.not_found", "no insured person has this ID number"))?;
                Ok(Presented {
                    person_no: person.person_no,
                    account_allowed: false,
                    cert_type: "02",
                    held: Held::Nothing,
                })
            }
            Self::Card { card_no, password } => {
                let cards = Cards::new(core);
                let (person_no, state) = cards.presented_card(&card_no).await?;
                let with_password = state == CardState::Active && password.is_some();
                card_may_settle(state, with_password)?;
                if let (true, Some(password)) = (with_password, password) {
                    cards.sign_in_with_card(caller, &card_no, password).await?;
                }
                let held = Held::Card(card_no);
                Ok(Presented { person_no, account_allowed: with_password, cert_type: "03", held })
            }
        }
    }
}

impl Presented {
    /// Refuses a certificate of someone other than the person the institution expects.
    pub fn belongs_to(&self, expected: Option<&PersonNo>) -> Result<()> {
        match expected {
            Some(expected) if *expected != self.person_no => Err(Error::conflict(
                "settlement.person_mismatch",
                "the certificate belongs to someone other than psn_no",
                params! { "psn_no" => expected.to_string() },
            )),
            _ => Ok(()),
        }
    }

    /// Inside the settlement's transaction: holds the card's state (and checks it again) or uses
    /// the token up for `setl_id`.
    pub async fn hold(&self, core: &Core, conn: &mut PgConnection, caller: &Caller, setl_id: &str) -> Result<()> {
        match &self.held {
            Held::Nothing => Ok(()),
            Held::Card(card_no) => {
                let state = Cards::new(core).hold_presented(conn, card_no).await?;
                card_may_settle(state, self.account_allowed)
            }
            Held::Token(token) => {
                let institution = caller.institution_code.as_deref();
                EVouchers::new(core).use_for(conn, token, institution, setl_id).await.map(drop)
            }
        }
    }
}

/// Whether a card in `state` may settle: active always; unactivated only for the pooled fund
/// (no password, no account); nothing else.
fn card_may_settle(state: CardState, account: bool) -> Result<()> {
    match (state, account) {
        (CardState::Active, _) | (CardState::Unactivated, false) => Ok(()),
        (state, _) => Err(Error::conflict(
            "settlement.card_not_usable",
            format!("a {} card cannot settle; the e-voucher or the ID card still can", state.code()),
            params! { "current_state" => state.code() },
        )),
    }
}
