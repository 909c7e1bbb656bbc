//! The one integration-test binary: every module below talks to a real PostgreSQL through the
//! real router (and, in `end_to_end`, over a real socket).

mod account_password;
mod adjustment_rules;
mod architecture;
mod assertions;
mod auth;
mod authorisation;
mod authorisation_matrix;
mod bindings;
mod card_activation;
mod card_jobs;
mod card_password;
mod card_sequences;
mod cards;
mod catalogue;
mod clients;
mod contributions;
mod disconnects;
mod documented_statuses;
mod end_to_end;
mod helpers;
mod id_number_properties;
mod institutions;
mod ledger;
mod ledger_writer;
mod me;
mod person_sessions;
mod persons;
mod problems;
mod rate_limits;
mod settlement_previews;
mod settlements;
mod sms_codes;
mod statements;
mod status_transitions;
mod text_inputs;
