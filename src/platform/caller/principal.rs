//! Who is calling: the authenticated principal behind a bearer token, and the actor recorded in
//! histories and the audit log.

use crate::domain::{BindingId, ClientId, PersonNo, StaffId};

use super::{ClientKind, Role, Scope};
use crate::platform::error::{Error, Result};

/// A staff user acting through a hall client.
#[derive(Debug, Clone)]
pub struct StaffIdentity {
    pub staff_id: StaffId,
    pub username: String,
    pub role: Role,
    /// Whether the account names its person (an ID number on record), which four-eyes work
    /// needs; accounts made before ID numbers were kept may lack one.
    pub identified: bool,
}

/// The person behind a person session, and how the session was opened.
#[derive(Debug, Clone)]
pub struct PersonSession {
    pub person_no: PersonNo,
    /// `binding`, `sms`, `password`, `card_password`, `verified_identity` or `e_social_card`.
    pub method: String,
    /// The binding a `binding` session (or the binding that opened it) came through.
    pub binding_id: Option<BindingId>,
}

/// The holder of a valid bearer token: always a client (the channel), for staff sessions also
/// the staff user, and for person sessions the person.
#[derive(Debug, Clone)]
pub struct Principal {
    pub client_id: ClientId,
    pub client_kind: ClientKind,
    pub staff: Option<StaffIdentity>,
    pub person: Option<PersonSession>,
    pub scopes: Vec<Scope>,
    /// The bank a bank client acts for.
    pub bank_code: Option<String>,
    /// The institution an institution client acts for.
    pub institution_code: Option<String>,
    /// SHA-256 of the presented token, so the session can be revoked.
    pub token_hash: Vec<u8>,
    /// The primary's WAL position after this token's last write: its reads go to a replica only
    /// once the replica has replayed that far (read-your-writes).
    pub read_fence: Option<u64>,
}

impl Principal {
    /// Refuses with 403 unless the token carries `scope`.
    pub fn require(&self, scope: Scope) -> Result<()> {
        if self.scopes.contains(&scope) {
            Ok(())
        } else {
            Err(Error::forbidden(
                "auth.insufficient_scope",
                format!("this operation needs the scope {}", scope.as_str()),
            ))
        }
    }

    /// Whether the token carries `scope`.
    pub fn has(&self, scope: Scope) -> bool {
        self.scopes.contains(&scope)
    }

    /// The person of a person session, or 403 for any other token.
    pub fn person_session(&self) -> Result<&PersonSession> {
        self.person.as_ref().ok_or_else(|| {
            Error::forbidden("session.not_a_person_session", "this needs a person session (POST /v1/sessions)")
        })
    }

    /// Whether ID numbers and phones may be shown unmasked.
    pub fn may_read_pii(&self) -> bool {
        self.scopes.contains(&Scope::PiiRead)
    }

    /// The actor to record for this request.
    pub fn actor(&self, request_id: Option<String>) -> Actor {
        let (kind, id) = match (&self.staff, &self.person) {
            (Some(staff), _) => (ActorKind::Staff, staff.username.clone()),
            (None, Some(person)) => (ActorKind::Person, person.person_no.to_string()),
            (None, None) => (ActorKind::Client, self.client_id.to_string()),
        };
        Actor {
            kind,
            id,
            client_id: Some(self.client_id.to_string()),
            channel: self.client_kind.as_str().to_owned(),
            request_id,
        }
    }
}

/// What kind of actor made a change.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ActorKind {
    Client,
    Staff,
    /// The insured person, in a person session.
    Person,
    System,
}

impl ActorKind {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Client => "client",
            Self::Staff => "staff",
            Self::Person => "person",
            Self::System => "system",
        }
    }
}

/// Who did something, through which channel, in which request: written on every history and
/// audit row.
#[derive(Debug, Clone)]
pub struct Actor {
    pub kind: ActorKind,
    /// Staff username, client id, or the job's name.
    pub id: String,
    pub client_id: Option<String>,
    /// The client kind, or `system` for jobs and commands.
    pub channel: String,
    pub request_id: Option<String>,
}

impl Actor {
    /// A background job or command-line action.
    pub fn system(name: &str) -> Self {
        Self {
            kind: ActorKind::System,
            id: name.to_owned(),
            client_id: None,
            channel: "system".to_owned(),
            request_id: None,
        }
    }
}
