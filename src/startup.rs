//! Building and running the service: state, listener, graceful shutdown.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use axum::Router;
use tokio::net::TcpListener;

use crate::api;
use crate::jobs;
use crate::platform::Core;
use crate::platform::calendar::WorkingCalendar;
use crate::platform::clock::{SharedClock, SystemClock};
use crate::platform::config::Settings;
use crate::platform::db::{self, Database};
use crate::platform::http::{AppState, metrics};
use crate::platform::replica::ReadReplica;

/// The shared state for a pool, a clock and settings.
pub fn state(pool: sqlx::PgPool, clock: SharedClock, settings: Arc<Settings>) -> AppState {
    let calendar = Arc::new(WorkingCalendar::standard());
    let sms = Arc::new(crate::platform::sms_gateway::OutboxGateway);
    let core = Core { pool, clock, calendar, settings, sms, replica: None };
    let limits = Arc::new(crate::platform::http::rate_limit::SignInLimits::new(&core.settings.throttle));
    AppState { core, metrics: metrics::handle(), limits }
}

/// A bound, migrated, ready-to-serve application.
pub struct Application {
    listener: TcpListener,
    router: Router,
    core: Core,
    database: Database,
}

impl Application {
    /// Opens the database, applies migrations and binds `listen` (port 0 picks a free port).
    pub async fn build(settings: Settings, listen: SocketAddr) -> anyhow::Result<Self> {
        let database = Database::open(&settings.database).await?;
        db::migrate(&database.pool).await?;
        let listener = TcpListener::bind(listen).await.with_context(|| format!("binding {listen}"))?;
        let mut state = state(database.pool.clone(), Arc::new(SystemClock), Arc::new(settings));
        state.core.replica = database
            .read_pool
            .clone()
            .map(|replica| ReadReplica::watch(database.pool.clone(), replica, &state.core.settings.database));
        let core = state.core.clone();
        warn_if_calendar_is_short(&core);
        Ok(Self { listener, router: api::app(state), core, database })
    }

    /// The address actually bound.
    pub fn local_addr(&self) -> SocketAddr {
        self.listener.local_addr().expect("a bound listener has an address")
    }

    /// Serves until SIGTERM or Ctrl-C, lets requests in flight finish, then closes the database.
    pub async fn run_until_stopped(self) -> anyhow::Result<()> {
        tracing::info!(addr = %self.local_addr(), "medcard is serving");
        let (stop_jobs, stop_signal) = tokio::sync::watch::channel(false);
        let interval = Duration::from_secs(self.core.settings.jobs.interval_secs.max(1));
        let jobs = tokio::spawn(jobs::run_until_stopped(self.core.clone(), interval, stop_signal));
        tokio::spawn(metrics::upkeep_forever());
        let service = self.router.into_make_service_with_connect_info::<SocketAddr>();
        axum::serve(self.listener, service).with_graceful_shutdown(shutdown_signal()).await?;
        tracing::info!("shutting down");
        stop_jobs.send(true).ok();
        jobs.await.ok();
        self.database.close().await;
        Ok(())
    }
}

/// Working-day rules past the calendar's last year fall back to Monday–Friday: say so, for this
/// year and the next, naming the year.
fn warn_if_calendar_is_short(core: &Core) {
    use chrono::Datelike;
    let year = core.clock.today().year();
    for y in [year, year + 1] {
        if !core.calendar.covers(y) {
            tracing::warn!(year = y, "config/calendar.toml has no holidays for {y}: only weekends are skipped there");
        } else if core.calendar.is_provisional(y) {
            tracing::warn!(year = y, "the calendar for {y} is provisional until the State Council notice is added");
        }
    }
}

async fn shutdown_signal() {
    let ctrl_c = async {
        tokio::signal::ctrl_c().await.ok();
    };
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
}
