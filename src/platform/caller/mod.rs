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

use sqlx::Postgres;
use sqlx::pool::PoolConnection;

use crate::platform::Core;
use crate::platform::error::Result;

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

/// A caller with the primary's connection its token was checked on, for a hot handler that goes
/// on with plain statements on it: one pool checkout for the whole request instead of one per
/// step (each costs a round trip when released). A handler that takes it must not ask the pool
/// for another connection while it holds this one; it drops it first.
#[derive(Debug)]
pub struct Connected {
    /// The admitted caller, as the [`Caller`] extractor gives it.
    pub caller: Caller,
    /// The primary connection the caller's token was checked on.
    pub conn: PoolConnection<Postgres>,
}

impl Connected {
    /// The connection a GET reads with: this one, or (dropping it) one on the replica when the
    /// replica holds the caller's writes, as [`Core::reading`] decides.
    pub async fn reading(self, core: &Core) -> Result<(Caller, PoolConnection<Postgres>)> {
        match core.replica_for(&self.caller) {
            Some(replica) => {
                drop(self.conn);
                Ok((self.caller, replica.pool().acquire().await?))
            }
            None => Ok((self.caller, self.conn)),
        }
    }
}
