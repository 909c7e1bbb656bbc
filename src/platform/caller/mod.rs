//! Who is calling and what they may do: the principal behind a bearer token, the actor written
//! on every history and audit row, the caller context a request carries down to the services,
//! and the scope matrices (channel kinds and staff roles; the scope each operation needs).

pub mod operations;
mod own_view;
mod principal;
mod scopes;

pub use own_view::OwnView;
pub use principal::{Actor, ActorKind, PersonSession, Principal, StaffIdentity};
pub use scopes::{ClientKind, Role, Scope};

/// The caller context, extracted once per request and passed down as one value: the principal
/// (client, staff user, scopes) and the actor its changes are recorded as, with the request id.
#[derive(Debug, Clone)]
pub struct Caller {
    principal: Principal,
    actor: Actor,
}

impl Caller {
    /// The context of `principal` in the request `request_id`. Only the extractor that has
    /// admitted the request by the scope table makes one.
    pub(crate) fn new(principal: Principal, request_id: Option<String>) -> Self {
        let actor = principal.actor(request_id);
        Self { principal, actor }
    }

    /// Who is calling.
    pub fn principal(&self) -> &Principal {
        &self.principal
    }

    /// Whom histories and the audit log name for this request.
    pub fn actor(&self) -> &Actor {
        &self.actor
    }
}

impl std::ops::Deref for Caller {
    type Target = Principal;

    fn deref(&self) -> &Principal {
        &self.principal
    }
}
