//! Authentication: API clients (OAuth2 client credentials), staff users and their sessions,
//! bearer tokens, and the caller extractor that admits a request by the scope table. The scope
//! vocabulary and matrices themselves are in `platform::caller`.

mod assertion_keys;
mod clients;
mod extract;
pub mod fence;
pub mod password;
mod routes;
mod staff;
mod store;
pub mod token;
mod tokens;

pub use assertion_keys::AssertionKey;
pub use clients::{ClientBinding, RegisteredClient};
pub use routes::router;
pub use staff::{CreatedStaff, StaffSession, same_person};
pub use store::clients::ClientRow;
pub use tokens::{IssuedToken, PersonToken};

crate::service! {
    /// Clients, staff and tokens.
    Auth
}
