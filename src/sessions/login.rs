//! `POST /v1/sessions`: identifying the person by the method presented, then opening the
//! session through [`open_for`](Sessions::open_for). A refused attempt is audited.

use secrecy::SecretString;

use super::Sessions;
use super::bindings_store;
use super::types::{ChannelUserRef, OpenedSession, SessionMethod};
use crate::cards::Cards;
use crate::domain::{BindingId, CardNo, IdNumber, PersonNo, Phone};
use crate::params;
use crate::persons::{self, PersonRow};
use crate::platform::caller::Caller;
use crate::platform::error::{Error, Result};
use crate::sms::{CheckedCode, PresentedCode, SmsCodes, SmsPurpose};

/// The card a terminal user presents: the card itself, or their ID number (their active card).
#[derive(Debug, Clone)]
pub enum PresentedCard {
    /// The card itself.
    Card(CardNo),
    /// The holder's ID number: their active card.
    IdNumber(IdNumber),
}

/// What a channel presents to open a person session.
#[derive(Debug)]
pub enum Credentials {
    /// A live binding's account reference on the calling channel.
    Binding { channel_user_ref: ChannelUserRef },
    /// A phone and the `login` or `password_reset` code sent to it; the ID number picks one of
    /// several persons sharing the phone.
    Sms { phone: Phone, sms_code: PresentedCode, purpose: SmsPurpose, id_number: Option<IdNumber> },
    /// The provincial platform's account password.
    Password { id_number: IdNumber, password: SecretString },
    /// A card (or the ID number of its holder) and the card password, at a terminal.
    CardPassword { card: PresentedCard, password: SecretString },
    /// A compact JWS signed by the channel (`verified_identity`) or the e-social-card issuer.
    Assertion { method: SessionMethod, compact: String },
}

impl Credentials {
    /// The method these credentials open a session by.
    pub fn method(&self) -> SessionMethod {
        match self {
            Self::Binding { .. } => SessionMethod::Binding,
            Self::Sms { .. } => SessionMethod::Sms,
            Self::Password { .. } => SessionMethod::Password,
            Self::CardPassword { .. } => SessionMethod::CardPassword,
            Self::Assertion { method, .. } => *method,
        }
    }
}

/// Who the credentials identified, and what the opening must still do.
struct Identified {
    person_no: PersonNo,
    binding_id: Option<BindingId>,
    code: Option<CheckedCode>,
}

impl Identified {
    fn person(person_no: PersonNo) -> Self {
        Self { person_no, binding_id: None, code: None }
    }
}

impl Sessions<'_> {
    /// Opens a person session for the caller's channel.
    pub async fn sign_in(&self, caller: &Caller, credentials: Credentials) -> Result<OpenedSession> {
        let method = credentials.method();
        let attempt = async {
            method.check_allowed(caller.client_kind)?;
            let identified = self.identify(caller, credentials).await?;
            self.open_identified(caller, identified, method).await
        };
        match attempt.await {
            Ok(session) => Ok(session),
            Err(error) => Err(self.refused(caller, "session.failed", method, error).await),
        }
    }

    async fn identify(&self, caller: &Caller, credentials: Credentials) -> Result<Identified> {
        match credentials {
            Credentials::Binding { channel_user_ref } => self.by_binding(caller, &channel_user_ref).await,
            Credentials::Sms { phone, sms_code, purpose, id_number } => {
                self.by_sms(&phone, &sms_code, purpose, id_number.as_ref()).await
            }
            Credentials::Password { id_number, password } => {
                Ok(Identified::person(self.by_account_password(caller, &id_number, password).await?))
            }
            Credentials::CardPassword { card, password } => {
                Ok(Identified::person(self.by_card_password(caller, card, password).await?))
            }
            Credentials::Assertion { method, compact } => {
                Ok(Identified::person(self.by_assertion(caller, method, &compact).await?))
            }
        }
    }

    /// One transaction: the person re-read and locked, the SMS code used up, the token stored.
    async fn open_identified(&self, caller: &Caller, who: Identified, method: SessionMethod) -> Result<OpenedSession> {
        let mut tx = self.pool.begin().await?;
        let person = persons::lock(&mut tx, &who.person_no).await?;
        if let Some(code) = who.code {
            SmsCodes::new(self).use_code(&mut tx, code).await?;
        }
        let session = self.open_for(&mut tx, caller, &person, method, who.binding_id).await?;
        tx.commit().await?;
        Ok(session)
    }

    async fn by_binding(&self, caller: &Caller, channel_user_ref: &ChannelUserRef) -> Result<Identified> {
        let mut conn = self.pool.acquire().await?;
        let binding = bindings_store::find_live_by_ref(&mut conn, &caller.client_id, channel_user_ref.as_str())
            .await?
            .ok_or(Error::unauthenticated(
                "session.unknown_binding",
                "no live binding of this channel account; bind it first (POST /v1/bindings)",
            ))?;
        Ok(Identified { person_no: binding.person_no, binding_id: Some(binding.binding_id), code: None })
    }

    async fn by_sms(
        &self,
        phone: &Phone,
        sms_code: &PresentedCode,
        purpose: SmsPurpose,
        id_number: Option<&IdNumber>,
    ) -> Result<Identified> {
        if !matches!(purpose, SmsPurpose::Login | SmsPurpose::PasswordReset) {
            return Err(Error::invalid_field(
                "session.sms_purpose",
                "purpose",
                "a login uses a login or password_reset code",
            ));
        }
        let code = SmsCodes::new(self).check_code(phone, purpose, sms_code).await?;
        let mut conn = self.pool.acquire().await?;
        let holders = persons::find_by_phone(&mut conn, phone).await?;
        let person = pick_holder(holders, id_number)?;
        Ok(Identified { person_no: person.person_no, binding_id: None, code: Some(code) })
    }

    async fn by_card_password(&self, caller: &Caller, card: PresentedCard, password: SecretString) -> Result<PersonNo> {
        let cards = Cards::new(self);
        let card_no = match card {
            PresentedCard::Card(card_no) => card_no,
            PresentedCard::IdNumber(id_number) => {
                let mut conn = self.pool.acquire().await?;
                let person = persons::find_by_id_number(&mut conn, &id_number)
                    .await?
                    .ok_or_else(|| Error::not_found("person.not_found", "no insured person has this ID number"))?;
                cards.active_card_of(&mut conn, &person.person_no).await?
            }
        };
        cards.sign_in_with_card(caller, &card_no, password).await
    }
}

/// The one person a phone identifies: several persons may share a phone (a family), and then
/// the ID number chooses.
fn pick_holder(holders: Vec<PersonRow>, id_number: Option<&IdNumber>) -> Result<PersonRow> {
    if holders.is_empty() {
        return Err(Error::unauthenticated(
            "session.phone_not_on_record",
            "no insured person has this phone on record; sign in another way or update it at the hall",
        ));
    }
    let count = holders.len();
    let mut chosen: Vec<PersonRow> = match id_number {
        Some(id) => holders.into_iter().filter(|p| p.id_number == id.as_str()).collect(),
        None => holders,
    };
    if chosen.len() == 1 {
        return Ok(chosen.remove(0));
    }
    if chosen.is_empty() && count == 1 {
        return Err(Error::unauthenticated(
            "session.phone_not_on_record",
            "no insured person has this phone and ID number on record; update the phone at the hall",
        ));
    }
    Err(Error::conflict(
        "session.phone_shared",
        "this phone is on record for several persons; add the ID number of the one signing in",
        params! { "persons" => count },
    ))
}
