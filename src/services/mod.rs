//! Services: the rules of the domain. Each operation runs in one transaction, checks who may do
//! it, applies the state machines, and writes its history and audit rows.

pub mod adjustments;
pub mod audit;
pub mod cards;
pub mod clients;
pub mod contributions;
pub mod idempotency;
pub mod institutions;
pub mod ledger;
pub mod persons;
pub mod staff;
pub mod status;
pub mod tokens;

use std::sync::Arc;

use sqlx::PgPool;

use crate::calendar::WorkingCalendar;
use crate::clock::SharedClock;
use crate::config::Settings;

/// What every service needs: the store, the clock, the working-day calendar and the settings.
#[derive(Debug, Clone)]
pub struct Services {
    pub pool: PgPool,
    pub clock: SharedClock,
    pub calendar: Arc<WorkingCalendar>,
    pub settings: Arc<Settings>,
}
