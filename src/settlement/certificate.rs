//! The medical certificate (医保凭证) an institution presents: `01` an e-voucher QR token,
//! `02` the ID card, or `03` the card, whose password, when given and right, lets the personal
//! account pay. What a presented certificate allows is decided here, twice: when it is
//! presented, and again inside the settlement's transaction, where the card's state is held and
//! the token used up, so a freeze, a loss report or a second bill cannot slip in between.

use secrecy::SecretString;
use sqlx::pool::PoolConnection;
use sqlx::{PgConnection, Postgres};

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
    /// The card's state as presented, for a card (`03`).
    pub card_state: Option<CardState>,
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
            Self::EVoucher(token) => by_token(core, caller, token).await,
            other => {
                let conn = core.pool.acquire().await?;
                Ok(other.resolve_on(core, caller, conn).await?.0)
            }
        }
    }

    /// Resolves it as [`resolve`](Self::resolve) does, on the connection the request holds, and
    /// hands that back for what follows; but when a check takes connections of its own (a card
    /// password, a voucher token), `conn` is let go first and `None` comes back.
    pub async fn resolve_on(
        self,
        core: &Core,
        caller: &Caller,
        mut conn: PoolConnection<Postgres>,
    ) -> Result<(Presented, Option<PoolConnection<Postgres>>)> {
        match self {
            Self::IdCard(id_number) => {
                let person = persons::find_by_id_number(&mut conn, &id_number)
                    .await?
                    .ok_or_else(|| Error::not_found("person.not_found", "no insured person has this ID number"))?;
                let person_no = person.person_no;
                let presented = Presented {
                    person_no,
                    account_allowed: false,
                    cert_type: "02",
                    card_state: None,
                    held: Held::Nothing,
                };
                Ok((presented, Some(conn)))
            }
            Self::Card { card_no, password } => {
                let cards = Cards::new(core);
                let (person_no, state) = cards.presented_card_on(&mut conn, &card_no).await?;
                let password = password.filter(|_| state == CardState::Active);
                card_may_settle(state, password.is_some())?;
                let account_allowed = password.is_some();
                let held = Held::Card(card_no.clone());
                let presented =
                    Presented { person_no, account_allowed, cert_type: "03", card_state: Some(state), held };
                let Some(password) = password else { return Ok((presented, Some(conn))) };
                drop(conn);
                cards.sign_in_with_card(caller, &card_no, password).await?;
                Ok((presented, None))
            }
            Self::EVoucher(token) => {
                drop(conn);
                Ok((by_token(core, caller, token).await?, None))
            }
        }
    }
}

/// A voucher's QR token, bound to the calling institution from now on.
async fn by_token(core: &Core, caller: &Caller, token: EcToken) -> Result<Presented> {
    let person_no = EVouchers::new(core).present(&token, caller.institution_code.as_deref()).await?;
    let held = Held::Token(token);
    Ok(Presented { person_no, account_allowed: true, cert_type: "01", card_state: None, held })
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
