//! Insured persons (参保人) and their insured status (参保状态): the person record, reading it
//! masked or in full, the status machine (its rules and applying them), and the one writer of
//! the status history. Enrolment and the hall's status changes, which also move money and
//! contributions, are orchestrated one level up, in `enrolment`.

mod contact;
mod contact_routes;
pub mod fields;
mod history;
mod me_routes;
mod routes;
mod service;
mod status;
mod status_rules;
mod store;

pub use contact::ContactChange;
pub use history::StatusEntryRow;
pub use history::import_status_history;
pub use routes::{EmployerBody, PersonResponse, TransitionResponse, parse_money_field, parse_person_no};
pub use service::{
    Disclosure, Joining, PersonRecord, find_by_id_number, find_by_phone, get, lock, lock_if_enrolled, lock_in_order,
    refuse_if_transferred_out,
};
pub use status::StatusRequest;
pub use status_rules::{InsuredStatus, RegionRole, StatusChange, StatusRule, TransitionInitiator};
pub use store::import_persons;
pub use store::{BulkChange, PersonRow, bulk_change, set_contribution_base};

crate::service! {
    /// Reading persons, their history, and applying the status machine.
    Persons
}

/// The person routes: the hall's and the person's own.
pub fn router() -> utoipa_axum::router::OpenApiRouter<crate::platform::http::AppState> {
    routes::router().merge(me_routes::router()).merge(contact_routes::router())
}
