//! Insured persons (参保人) and their insured status (参保状态): the person record, reading it
//! masked or in full, the status machine (its rules and applying them), and the one writer of
//! the status history. Enrolment and the hall's status changes, which also move money and
//! contributions, are orchestrated one level up, in `enrolment`.

mod history;
mod routes;
mod service;
mod status;
mod status_rules;
mod store;

pub use history::StatusEntryRow;
pub use routes::{EmployerBody, PersonResponse, TransitionResponse, parse_money_field, parse_person_no, router};
pub use service::{Disclosure, Joining, PersonRecord, get, lock, refuse_if_transferred_out};
pub use status::StatusRequest;
pub use status_rules::{InsuredStatus, RegionRole, StatusChange, StatusRule, TransitionInitiator};
pub use store::{BulkChange, PersonRow, bulk_change, set_contribution_base};

crate::service! {
    /// Reading persons, their history, and applying the status machine.
    Persons
}
