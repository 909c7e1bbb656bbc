//! Authentication and authorisation: API clients (OAuth2 client credentials), staff sessions,
//! bearer tokens and the scope matrix.

pub mod password;
mod principal;
mod scopes;
pub mod token;

pub use principal::{Actor, ActorKind, Principal, StaffIdentity};
pub use scopes::{ClientKind, Role, Scope};
