//! Statements (对账单) of a person for a period: the contributions of its months and the
//! personal-account flow with opening and closing balance, as CSV (UTF-8 with BOM, opens in
//! Excel with Chinese intact, streamed page by page) or as a printable A4 PDF with an embedded
//! CJK font subset. The closing balance is the opening balance plus the period's entries and is
//! checked against the ledger's own running balance.

mod csv;
mod labels;
mod pdf;
mod routes;
mod service;

pub use routes::router;
pub use service::{Statement, StatementFormat, StatementPeriod};

crate::service! {
    /// Building statements.
    Statements
}
