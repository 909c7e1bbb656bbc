//! SMS verification codes: sending one to a phone (rate limited per phone, the same answer
//! whether or not the phone belongs to anyone) and checking one presented by a binding, a login
//! or a contact change (single use, a few checks, short-lived). Codes are stored only hashed
//! and leave through the SMS gateway, never in a response or a log line.

mod code;
mod routes;
mod service;
mod store;

pub use code::{PresentedCode, SmsPurpose};
pub use routes::router;
pub use service::{CheckedCode, SentCode};

crate::service! {
    /// Sending and checking SMS codes.
    SmsCodes
}
