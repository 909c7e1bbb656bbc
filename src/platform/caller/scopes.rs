//! Who may do what: the channel kinds of SPEC §4 with their fixed scopes, and the staff roles
//! with their permissions. This file is the matrix; nothing else grants a scope.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// Declares the scope enum together with its wire names, so the two cannot drift apart.
macro_rules! scopes {
    ($($(#[doc = $doc:literal])* $variant:ident => $name:literal,)*) => {
        /// One right carried by a token.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
        pub enum Scope {
            $($(#[doc = $doc])* #[serde(rename = $name)] $variant,)*
        }

        impl Scope {
            /// Every scope.
            pub const ALL: &'static [Scope] = &[$(Scope::$variant,)*];

            /// The wire name (`persons:read`).
            pub fn as_str(self) -> &'static str {
                match self { $(Scope::$variant => $name,)* }
            }

            /// Parses a wire name.
            pub fn parse(raw: &str) -> Option<Self> {
                match raw { $($name => Some(Scope::$variant),)* _ => None }
            }
        }
    };
}

scopes! {
    /// Open staff sessions (the hall's window application).
    StaffSessionsOpen => "staff_sessions:open",
    /// Bind a person to the channel, send SMS codes, open person sessions (online channels).
    PersonSessionsOpen => "person_sessions:open",
    /// Open a person session with the card and its password (self-service terminals).
    TerminalSessionsOpen => "terminal_sessions:open",
    /// A person's own balance, contributions, consumption and filings (person sessions only).
    SelfRead => "self:read",
    /// Report and cancel a temporary loss of one's own card (person sessions only).
    SelfCardsLoss => "self:cards_loss",
    /// Change one's own phone, address and bindings (person sessions only).
    SelfContact => "self:contact",
    /// Set one's own provincial-platform account password (its person sessions only).
    SelfPassword => "self:password",
    /// End a person's channel bindings (hall).
    BindingsManage => "bindings:manage",
    /// The records of the holder of a presented card or e-voucher.
    CardHolderRead => "card_holder:read",
    /// Any person's records (hall).
    PersonsRead => "persons:read",
    /// Enrol insured persons.
    PersonsEnrol => "persons:enrol",
    /// Seal, unseal, transfer out and in.
    PersonsStatus => "persons:status",
    /// See ID numbers and phones unmasked (each read is audited).
    PiiRead => "pii:read",
    /// Read the audit log.
    AuditRead => "audit:read",
    /// Issue cards.
    CardsIssue => "cards:issue",
    /// Activate cards.
    CardsActivate => "cards:activate",
    /// Report and cancel a temporary loss.
    CardsLossTemporary => "cards:loss_temporary",
    /// Report a formal (final) loss.
    CardsLossFormal => "cards:loss_formal",
    /// Order replacement cards.
    CardsReplace => "cards:replace",
    /// Freeze and unfreeze cards.
    CardsFreeze => "cards:freeze",
    /// Change a card password (old and new).
    CardsPassword => "cards:password",
    /// Reset a card password with the holder's identity verified (hall); unlocks it.
    CardsPasswordReset => "cards:password_reset",
    /// Verify a card password.
    CardsVerifyPassword => "cards:verify_password",
    /// Activate the electronic voucher, set its PIN and show its QR tokens (person sessions).
    EVouchersActivate => "e_vouchers:activate",
    /// Suspend and resume a person's electronic voucher (hall).
    EVouchersManage => "e_vouchers:manage",
    /// File remote-treatment registrations.
    RemoteFilingsWrite => "remote_filings:write",
    /// Deliver national-app filings and confirm the ones made here (the national platform).
    RemoteFilingsSync => "remote_filings:sync",
    /// Deliver settlements made elsewhere (the national platform).
    RemoteSettlementsPost => "remote_settlements:post",
    /// Bind and unbind family accounts.
    FamilyWrite => "family:write",
    /// Export CSV / print PDF statements.
    StatementsExport => "statements:export",
    /// Settle and reverse bills at a designated institution.
    SettlementsWrite => "settlements:write",
    /// Post contribution payments.
    ContributionsPay => "contributions:pay",
    /// Post contribution arrivals.
    ContributionsArrive => "contributions:arrive",
    /// Post staff adjustments to personal accounts (approved by another supervisor).
    AccountsAdjust => "accounts:adjust",
    /// Post a manual arrival with a bank receipt (hall).
    ContributionsManualArrival => "contributions:manual_arrival",
    /// Register API clients.
    ClientsManage => "clients:manage",
    /// Create staff accounts.
    StaffManage => "staff:manage",
}

/// The kind of an API client: one per channel of SPEC §4.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema, clap::ValueEnum)]
#[serde(rename_all = "snake_case")]
#[value(rename_all = "snake_case")]
pub enum ClientKind {
    WechatOfficialAccount,
    Yushiban,
    ProvincialPlatform,
    NationalApp,
    Zhenghaoban,
    ServiceHall,
    Institution,
    Terminal,
    Bank,
    TaxBureau,
    /// The national medical-security platform: filings made in the national app, confirmations
    /// of the ones made here, remote settlements.
    NationalPlatform,
}

impl ClientKind {
    /// Every kind, for tests and documentation.
    pub const ALL: [Self; 11] = [
        Self::WechatOfficialAccount,
        Self::Yushiban,
        Self::ProvincialPlatform,
        Self::NationalApp,
        Self::Zhenghaoban,
        Self::ServiceHall,
        Self::Institution,
        Self::Terminal,
        Self::Bank,
        Self::TaxBureau,
        Self::NationalPlatform,
    ];

    /// The snake_case name stored and shown as the channel.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::WechatOfficialAccount => "wechat_official_account",
            Self::Yushiban => "yushiban",
            Self::ProvincialPlatform => "provincial_platform",
            Self::NationalApp => "national_app",
            Self::Zhenghaoban => "zhenghaoban",
            Self::ServiceHall => "service_hall",
            Self::Institution => "institution",
            Self::Terminal => "terminal",
            Self::Bank => "bank",
            Self::TaxBureau => "tax_bureau",
            Self::NationalPlatform => "national_platform",
        }
    }

    /// Parses the stored name.
    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == raw)
    }

    /// The scopes a client of this kind may hold (the columns of the SPEC §4 matrix). Hall
    /// business is done by staff, so a hall client itself only opens staff sessions.
    pub fn scopes(self) -> &'static [Scope] {
        use Scope::*;
        match self {
            Self::WechatOfficialAccount
            | Self::Yushiban
            | Self::ProvincialPlatform
            | Self::NationalApp
            | Self::Zhenghaoban => &[PersonSessionsOpen],
            Self::ServiceHall => &[StaffSessionsOpen],
            Self::Institution => &[CardHolderRead, CardsActivate, CardsVerifyPassword, SettlementsWrite],
            Self::Terminal => {
                &[TerminalSessionsOpen, CardHolderRead, CardsActivate, CardsPassword, CardsVerifyPassword]
            }
            Self::Bank => {
                &[CardsIssue, CardsActivate, CardsLossFormal, CardsReplace, ContributionsPay, ContributionsArrive]
            }
            Self::TaxBureau => &[ContributionsPay, ContributionsArrive],
            Self::NationalPlatform => &[RemoteFilingsSync, RemoteSettlementsPost],
        }
    }

    /// Whether this is one of the online channels through which persons bind accounts, receive
    /// SMS codes and sign in (official account, 豫事办, provincial platform, national app, 郑好办).
    pub fn is_online_person_channel(self) -> bool {
        matches!(
            self,
            Self::WechatOfficialAccount
                | Self::Yushiban
                | Self::ProvincialPlatform
                | Self::NationalApp
                | Self::Zhenghaoban
        )
    }

    /// The scopes of a person session opened through a client of this kind: only the person's
    /// own records and actions, never another person's (the SPEC §4 columns, person side).
    pub fn session_scopes(self) -> &'static [Scope] {
        use Scope::*;
        match self {
            Self::WechatOfficialAccount => &[SelfRead, SelfCardsLoss, SelfContact],
            Self::Yushiban => &[SelfRead, SelfCardsLoss, SelfContact, RemoteFilingsWrite, FamilyWrite],
            Self::ProvincialPlatform => &[SelfRead, SelfContact, SelfPassword, StatementsExport],
            Self::NationalApp => {
                &[SelfRead, SelfCardsLoss, SelfContact, EVouchersActivate, RemoteFilingsWrite, FamilyWrite]
            }
            Self::Zhenghaoban => &[SelfRead, SelfCardsLoss, SelfContact, EVouchersActivate],
            Self::Terminal => &[SelfRead, StatementsExport],
            _ => &[],
        }
    }
}

/// A staff role at the service hall.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema, clap::ValueEnum)]
#[serde(rename_all = "snake_case")]
#[value(rename_all = "snake_case")]
pub enum Role {
    /// Window clerk: enrolment, cards, status changes; sees masked PII.
    Clerk,
    /// Clerk's rights plus unmasked PII and manual arrival.
    Supervisor,
    /// Read-only: persons, unmasked PII and the audit log.
    Auditor,
    /// Registers clients and staff; reads the audit log.
    Admin,
}

impl Role {
    /// Every role.
    pub const ALL: [Self; 4] = [Self::Clerk, Self::Supervisor, Self::Auditor, Self::Admin];

    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Clerk => "clerk",
            Self::Supervisor => "supervisor",
            Self::Auditor => "auditor",
            Self::Admin => "admin",
        }
    }

    /// Parses the stored name.
    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.as_str() == raw)
    }

    /// The permissions a staff token of this role carries.
    pub fn permissions(self) -> Vec<Scope> {
        use Scope::*;
        const CLERK: &[Scope] = &[
            PersonsRead,
            PersonsEnrol,
            PersonsStatus,
            CardsIssue,
            CardsActivate,
            CardsLossTemporary,
            CardsLossFormal,
            CardsReplace,
            CardsFreeze,
            CardsPassword,
            CardsPasswordReset,
            EVouchersManage,
            RemoteFilingsWrite,
            FamilyWrite,
            StatementsExport,
            BindingsManage,
        ];
        // A supervisor holds a clerk's rights and these.
        const SUPERVISOR_ONLY: &[Scope] = &[PiiRead, ContributionsManualArrival, AccountsAdjust];
        match self {
            Self::Clerk => CLERK.to_vec(),
            Self::Supervisor => [CLERK, SUPERVISOR_ONLY].concat(),
            Self::Auditor => vec![PersonsRead, PiiRead, AuditRead],
            Self::Admin => vec![PersonsRead, AuditRead, ClientsManage, StaffManage],
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_scope_round_trips_through_its_wire_name() {
        for scope in Scope::ALL {
            assert_eq!(Scope::parse(scope.as_str()), Some(*scope));
            let json = serde_json::to_value(scope).unwrap();
            assert_eq!(json, scope.as_str());
        }
    }

    #[test]
    fn only_hall_staff_and_no_channel_may_read_pii() {
        for kind in ClientKind::ALL {
            assert!(!kind.scopes().contains(&Scope::PiiRead), "{kind:?}");
        }
        assert!(!Role::Clerk.permissions().contains(&Scope::PiiRead));
        assert!(Role::Supervisor.permissions().contains(&Scope::PiiRead));
    }

    #[test]
    fn a_supervisor_holds_every_clerk_permission() {
        for scope in Role::Clerk.permissions() {
            assert!(Role::Supervisor.permissions().contains(&scope), "{scope:?}");
        }
    }
}
