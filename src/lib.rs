//! medcard: the back office of the Zhengzhou medical-insurance card.
//!
//! Layers, outside in: [`http`] (parse, authorise, shape responses) → [`services`] (the rules
//! and state machines) → [`storage`] (SQL). [`domain`] holds the parsed value types all three
//! share.

pub mod auth;
pub mod calendar;
pub mod cli;
pub mod clock;
pub mod config;
pub mod db;
pub mod domain;
pub mod embedded_pg;
pub mod error;
pub mod http;
pub mod jobs;
pub mod services;
pub mod startup;
pub mod storage;
pub mod telemetry;
