//! The electronic medical-insurance voucher (电子医保凭证, SPEC §2: not activated → active →
//! suspended). Activated in a national-app or 郑好办 session opened by a face / real-name check,
//! with a 6-digit PIN; it shows single-use QR tokens (`ec_token`) that institutions accept
//! instead of the card (certificate type `01`), and a lost or frozen card never blocks it. The
//! hall suspends it after an anomaly and resumes it.

mod code;
mod codes;
mod hall;
mod routes;
mod service;
mod store;
mod types;

pub use code::EcToken;
pub use codes::IssuedCode;
pub use routes::router;
pub use store::VoucherRow;
pub use types::{HallAction, VoucherState};

crate::service! {
    /// Activation, tokens, the PIN and the hall's suspension.
    EVouchers
}
