//! Shared plumbing every capability uses and none owns: errors and problem+json, extractors and
//! paging, the caller context, the idempotent operation, the audit writer, the database, the
//! clock, the working-day calendar, configuration and telemetry. No code here calls a
//! capability (the capabilities — `persons`, `cards`, `ledger`, … — build on it); only its
//! tables name them: the scope each route needs, and the message of each problem code.

pub mod actor_sql;
pub mod audit;
pub mod calendar;
pub mod caller;
pub mod clock;
pub mod config;
pub mod copy;
pub mod counted_secret;
pub mod db;
pub mod embedded_pg;
pub mod error;
pub mod http;
pub mod idempotency;
pub mod job_runs;
pub mod replica;
pub mod sms_gateway;
pub mod telemetry;

use std::sync::Arc;

use sqlx::PgPool;

use calendar::WorkingCalendar;
use clock::SharedClock;
use config::Settings;

/// What every capability's service works with: the store, the clock, the working-day calendar
/// the settings and the SMS gateway. Cheap to clone.
#[derive(Debug, Clone)]
pub struct Core {
    pub pool: PgPool,
    pub clock: SharedClock,
    pub calendar: Arc<WorkingCalendar>,
    pub settings: Arc<Settings>,
    /// Where SMS codes go out (the outbox table unless another gateway is plugged in).
    pub sms: Arc<dyn sms_gateway::SmsGateway>,
    /// The streaming replica person and institution GETs may read on (`DATABASE_READ_URL`).
    pub replica: Option<Arc<replica::ReadReplica>>,
}

impl Core {
    /// The core a GET by `principal` reads with: on the replica when it has replayed the
    /// principal's last write, else this one (the primary). Only for reads: nothing done with
    /// the returned core may write.
    pub fn reading(&self, principal: &caller::Principal) -> Core {
        match self.replica_for(principal) {
            Some(replica) => Core { pool: replica.pool().clone(), ..self.clone() },
            None => self.clone(),
        }
    }

    /// The replica a GET by `principal` reads on, if any may serve it (counted either way).
    pub fn replica_for(&self, principal: &caller::Principal) -> Option<&replica::ReadReplica> {
        let on_replica = self.replica.as_deref().filter(|replica| replica.serves(principal.read_fence));
        metrics::counter!("database_reads_total", "on" => if on_replica.is_some() { "replica" } else { "primary" })
            .increment(1);
        on_replica
    }
}

/// Declares a capability's service: a borrow of the [`Core`] whose methods are the
/// capability's operations. `Cards::new(&core).activate(…)`.
#[macro_export]
macro_rules! service {
    ($(#[doc = $doc:literal])* $name:ident) => {
        $(#[doc = $doc])*
        #[derive(Debug, Clone, Copy)]
        pub struct $name<'a> {
            core: &'a $crate::platform::Core,
        }

        impl<'a> $name<'a> {
            /// The service over these shared resources.
            pub fn new(core: &'a $crate::platform::Core) -> Self {
                Self { core }
            }
        }

        impl std::ops::Deref for $name<'_> {
            type Target = $crate::platform::Core;

            fn deref(&self) -> &Self::Target {
                self.core
            }
        }
    };
}
