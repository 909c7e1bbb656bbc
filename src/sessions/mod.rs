//! The person's way in: bindings of channel accounts (e.g. a WeChat openid) to persons, person
//! sessions opened by binding, SMS, account password, card password or a signed identity
//! assertion, and the account password itself. A person session is a bearer token bound to the
//! channel and the person that carries only the person's own scopes.

mod assertion;
mod binding_changes;
mod bindings;
mod bindings_store;
mod contact;
mod login;
mod nonce_store;
mod open;
mod password;
mod password_store;
mod routes;
mod types;

pub use bindings::{BindingRequest, Bound};
pub use bindings_store::BindingRow;
pub use login::{Credentials, PresentedCard};
pub use routes::router;
pub use types::{ChannelUserRef, OpenedSession, SessionMethod};

crate::service! {
    /// Bindings and person sessions.
    Sessions
}
