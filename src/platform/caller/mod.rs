//! Who is calling and what they may do: the principal behind a bearer token, the actor written
//! on every history and audit row, the caller context a request carries down to the services,
//! and the scope matrix (channel kinds and staff roles, and which scope each operation needs).

mod principal;
mod scopes;

pub use principal::{Actor, ActorKind, Principal, StaffIdentity};
pub use scopes::{ClientKind, Role, Scope};
