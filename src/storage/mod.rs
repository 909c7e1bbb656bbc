//! Storage: plain async functions over a connection, one file per table group. No rules of the
//! domain live here; the services decide, these functions read and write.

pub mod adjustments;
pub mod arrears;
pub mod audit;
pub mod banks;
pub mod card_transitions;
pub mod cards;
pub mod clients;
pub mod contributions;
pub mod idempotency;
pub mod institutions;
pub mod job_runs;
pub mod ledger;
pub mod payments;
pub mod persons;
pub mod staff;
pub mod status_history;
pub mod tokens;
