//! The vocabulary of person sessions: how a session is opened, which channel may open it how,
//! the channel's account reference, and what an opened session hands back.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::auth::IssuedToken;
use crate::domain::PersonNo;
use crate::platform::caller::ClientKind;
use crate::platform::error::{Error, Result};

/// How a person session was opened.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum SessionMethod {
    /// The channel presents the account reference of an existing binding (official account).
    Binding,
    /// Phone and SMS code.
    Sms,
    /// The provincial platform's account password.
    Password,
    /// Card (or ID number) and card password at a self-service terminal.
    CardPassword,
    /// A face or real-name check signed by the channel.
    VerifiedIdentity,
    /// The provincial platform's e-social-card QR login, signed by the issuer.
    ESocialCard,
}

impl SessionMethod {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Binding => "binding",
            Self::Sms => "sms",
            Self::Password => "password",
            Self::CardPassword => "card_password",
            Self::VerifiedIdentity => "verified_identity",
            Self::ESocialCard => "e_social_card",
        }
    }

    /// Parses the stored name.
    pub fn parse(raw: &str) -> Option<Self> {
        use SessionMethod::*;
        [Binding, Sms, Password, CardPassword, VerifiedIdentity, ESocialCard].into_iter().find(|m| m.as_str() == raw)
    }

    /// Whether a client of `kind` may open sessions this way (SPEC §4 and issue 8).
    pub fn allowed_for(self, kind: ClientKind) -> bool {
        use ClientKind::*;
        let online = kind.is_online_person_channel();
        match self {
            Self::Binding | Self::Sms => online,
            Self::Password | Self::ESocialCard => kind == ProvincialPlatform,
            Self::VerifiedIdentity => matches!(kind, Yushiban | NationalApp | Zhenghaoban),
            Self::CardPassword => kind == Terminal,
        }
    }

    /// Refuses a method the client kind may not use.
    pub fn check_allowed(self, kind: ClientKind) -> Result<()> {
        if self.allowed_for(kind) {
            return Ok(());
        }
        Err(Error::forbidden(
            "session.method_not_allowed",
            format!("a {} client cannot open sessions by {}", kind.as_str(), self.as_str()),
        ))
    }
}

/// Which clients bind channel accounts to persons.
pub fn binds_accounts(kind: ClientKind) -> bool {
    SessionMethod::Binding.allowed_for(kind)
}

/// The channel's own reference of its user (e.g. a WeChat openid): 1–128 visible ASCII
/// characters without spaces.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChannelUserRef(String);

impl ChannelUserRef {
    /// Parses the `channel_user_ref` field.
    pub fn parse(raw: &str) -> Result<Self> {
        let ok = (1..=128).contains(&raw.len()) && raw.bytes().all(|b| b.is_ascii_graphic());
        if ok {
            Ok(Self(raw.to_owned()))
        } else {
            Err(Error::invalid_field(
                "binding.channel_user_ref",
                "channel_user_ref",
                "1 to 128 visible ASCII characters without spaces",
            ))
        }
    }

    /// The reference as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A person session just opened: the token (shown once) and what it is bound to.
#[derive(Debug)]
pub struct OpenedSession {
    pub token: IssuedToken,
    pub person_no: PersonNo,
    pub method: SessionMethod,
    pub idle_timeout_secs: i32,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_channel_signs_in_only_the_ways_spec_section_4_gives_it() {
        use ClientKind::*;
        use SessionMethod::*;
        let expected: &[(SessionMethod, &[ClientKind])] = &[
            (Binding, &[WechatOfficialAccount, Yushiban, ProvincialPlatform, NationalApp, Zhenghaoban]),
            (Sms, &[WechatOfficialAccount, Yushiban, ProvincialPlatform, NationalApp, Zhenghaoban]),
            (Password, &[ProvincialPlatform]),
            (ESocialCard, &[ProvincialPlatform]),
            (VerifiedIdentity, &[Yushiban, NationalApp, Zhenghaoban]),
            (CardPassword, &[Terminal]),
        ];
        for (method, kinds) in expected {
            for kind in ClientKind::ALL {
                assert_eq!(method.allowed_for(kind), kinds.contains(&kind), "{method:?} on {kind:?}");
            }
            assert_eq!(SessionMethod::parse(method.as_str()), Some(*method));
        }
    }

    #[test]
    fn a_channel_user_ref_is_visible_ascii_of_at_most_128_characters() {
        for good in ["oWx-openid-0001", "a", &"x".repeat(128), "user@channel:42"] {
            assert!(ChannelUserRef::parse(good).is_ok(), "{good}");
        }
        for bad in ["", " ", "has space", &"x".repeat(129), "微信", "tab\there"] {
            assert!(ChannelUserRef::parse(bad).is_err(), "{bad}");
        }
    }
}
