//! medcard: the back office of the Zhengzhou medical-insurance card.
//!
//! One folder per capability, each with its routes (parse, authorise, shape responses), its
//! service (the rules and state machines), its store (the only SQL that touches its tables) and
//! its types, behind a small public API in its `mod.rs`. They depend on one another in one
//! direction only:
//!
//! ```text
//! domain ← platform ← every capability             (arrows point at what is used)
//! registries ← auth ← cards → persons, registries
//! persons, auth ← ledger ← contributions ← enrolment → persons, ledger, sessions
//! persons ← sms ← sessions → auth, cards, persons
//! persons, ledger, contributions ← statements
//! ```
//!
//! `tests/api/architecture.rs` keeps it so: no cycles, one writer per table of record.
//!
//! [`platform`] is the shared plumbing, [`domain`] the parsed value types; [`api`], [`jobs`],
//! [`startup`] and [`cli`] put the capabilities together.

pub mod api;
pub mod auth;
pub mod cards;
pub mod cli;
pub mod contributions;
pub mod domain;
pub mod e_vouchers;
pub mod enrolment;
pub mod family;
pub mod jobs;
pub mod ledger;
pub mod persons;
pub mod platform;
pub mod registries;
pub mod remote;
pub mod seed;
pub mod sessions;
pub mod settlement;
pub mod sms;
pub mod startup;
pub mod statements;
