//! A read replica (`DATABASE_READ_URL`): a pool on a streaming standby of the primary, and how far
//! the standby has replayed the primary's WAL, read every `database.read_poll_ms` by a background
//! task. A GET reads there when the standby has replayed past the caller's read fence (the
//! primary's position just after the caller's last write, so a caller reads its own writes) and
//! trails the primary by no more than `database.read_max_lag_bytes`; otherwise on the primary.
//!
//! The position kept is the last one read, never ahead of the standby's real one: a fence it has
//! passed is truly passed. While the standby cannot be reached, or trails too far, the position
//! kept is zero and every read goes to the primary.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use sqlx::PgPool;
use tokio::time::MissedTickBehavior;

use crate::platform::config::DatabaseSettings;

/// Longest wait for the positions: a standby that does not answer within it serves no reads.
const POLL_TIMEOUT: Duration = Duration::from_secs(1);

/// The standby's pool and its last known replayed WAL position.
#[derive(Debug)]
pub struct ReadReplica {
    pool: PgPool,
    /// Replayed WAL position (bytes from 0/0) while the standby is fit to serve reads, else 0.
    replayed: AtomicU64,
}

impl ReadReplica {
    /// The replica on `pool`, watched against `primary` until the returned handle is dropped.
    pub fn watch(primary: PgPool, pool: PgPool, settings: &DatabaseSettings) -> Arc<Self> {
        let replica = Arc::new(Self { pool, replayed: AtomicU64::new(0) });
        let watched = Arc::downgrade(&replica);
        let every = Duration::from_millis(settings.read_poll_ms);
        let max_lag = settings.read_max_lag_bytes;
        tokio::spawn(async move {
            let mut ticker = tokio::time::interval(every);
            ticker.set_missed_tick_behavior(MissedTickBehavior::Delay);
            loop {
                ticker.tick().await;
                let Some(replica) = watched.upgrade() else { return };
                let position = replica.fit_position(&primary, max_lag).await;
                replica.replayed.store(position, Ordering::Release);
            }
        });
        replica
    }

    /// The standby's pool.
    pub fn pool(&self) -> &PgPool {
        &self.pool
    }

    /// Whether a read by a caller whose last write is at `fence` (none: it never wrote) may be
    /// served here: the standby is fit and has replayed that write.
    pub fn serves(&self, fence: Option<u64>) -> bool {
        let replayed = self.replayed.load(Ordering::Acquire);
        replayed > 0 && fence.is_none_or(|written| written <= replayed)
    }

    /// The standby's replayed position, or 0 when it cannot be read or trails by over `max_lag`.
    /// The standby is read first: the primary's position read after it only overstates the lag.
    async fn fit_position(&self, primary: &PgPool, max_lag: u64) -> u64 {
        let positions = async {
            let replayed = replayed_position(&self.pool).await?;
            let current = current_position(primary).await?;
            Ok::<_, sqlx::Error>((replayed, current))
        };
        match tokio::time::timeout(POLL_TIMEOUT, positions).await.unwrap_or(Err(sqlx::Error::PoolTimedOut)) {
            Ok((replayed, current)) => {
                let lag = current.saturating_sub(replayed);
                metrics::gauge!("database_replica_lag_bytes").set(lag as f64);
                if lag > max_lag { 0 } else { replayed }
            }
            Err(error) => {
                metrics::gauge!("database_replica_lag_bytes").set(f64::NAN);
                tracing::warn!(%error, "the read replica cannot be reached: reading on the primary");
                0
            }
        }
    }
}

/// How far a standby has replayed (a server that is not in recovery has everything it wrote).
async fn replayed_position(pool: &PgPool) -> sqlx::Result<u64> {
    let position: Option<i64> = sqlx::query_scalar(
        "SELECT (CASE WHEN pg_is_in_recovery() THEN pg_last_wal_replay_lsn() ELSE pg_current_wal_lsn() END
                 - '0/0'::pg_lsn)::int8",
    )
    .fetch_one(pool)
    .await?;
    Ok(position.map_or(0, |p| u64::try_from(p).unwrap_or(0)))
}

/// How far the primary has written.
async fn current_position(pool: &PgPool) -> sqlx::Result<u64> {
    let position: i64 =
        sqlx::query_scalar("SELECT (pg_current_wal_lsn() - '0/0'::pg_lsn)::int8").fetch_one(pool).await?;
    Ok(u64::try_from(position).unwrap_or(0))
}
