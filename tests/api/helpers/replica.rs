//! A primary with a streaming standby of its own, for the read-replica tests: a private cluster
//! and a `pg_basebackup` hot standby of it, started next to the suite's server whatever
//! `DATABASE_URL` says (a shared server cannot be base-backed-up by a test).

use std::sync::Arc;
use std::time::{Duration, Instant};

use medcard::platform::config::Settings;
use medcard::platform::db::{EMBEDDED_DATABASE, migrate};
use medcard::platform::embedded_pg::{Cluster, Durability};
use medcard::platform::replica::ReadReplica;
use sqlx::PgPool;
use sqlx::postgres::PgPoolOptions;

use super::TestApp;

/// The application on the primary, reading on the standby; and the standby itself.
pub struct Replicated {
    pub app: TestApp,
    pub replica: Arc<ReadReplica>,
    /// A superuser pool on the standby, to pause and resume its replay.
    standby: PgPool,
    // Dropped last: stopping them removes their folders.
    clusters: (Cluster, Cluster),
}

impl Replicated {
    /// A migrated primary, its standby caught up, and the application over both.
    pub async fn start(settings: Settings) -> Self {
        let base = std::env::temp_dir().join(format!("medcard-replica-{}", uuid::Uuid::new_v4().simple()));
        let primary =
            Cluster::start(&base.join("primary"), Durability::Throwaway).await.unwrap_or_else(|e| panic!("{e:#}"));
        primary.ensure_database(EMBEDDED_DATABASE).await.expect("creating the database");
        let pool = connect(&primary).await;
        migrate(&pool).await.expect("migrating the primary");
        let standby = primary.start_standby(&base.join("standby")).await.unwrap_or_else(|e| panic!("{e:#}"));
        let standby_pool = connect(&standby).await;
        let replica = ReadReplica::watch(pool.clone(), standby_pool.clone(), &settings.database);
        let app = TestApp::assemble(pool, settings, Some(replica.clone()));
        let replicated = Self { app, replica, standby: standby_pool, clusters: (primary, standby) };
        replicated.caught_up().await;
        replicated
    }

    /// URLs of the primary's and the standby's database, for a `medcard serve` process.
    pub fn urls(&self) -> (String, String) {
        let url = |cluster: &Cluster| {
            let options = cluster.connect_options(EMBEDDED_DATABASE);
            let (user, host, port) = (options.get_username(), options.get_host(), options.get_port());
            format!("postgres://{user}@{host}:{port}/{EMBEDDED_DATABASE}")
        };
        (url(&self.clusters.0), url(&self.clusters.1))
    }

    /// Stops the standby replaying: from now on it lags behind every write.
    pub async fn pause_replay(&self) {
        sqlx::query("SELECT pg_wal_replay_pause()").execute(&self.standby).await.expect("pausing replay");
    }

    /// Lets the standby replay again.
    pub async fn resume_replay(&self) {
        sqlx::query("SELECT pg_wal_replay_resume()").execute(&self.standby).await.expect("resuming replay");
    }

    /// Waits until the application knows the standby holds everything the primary has written.
    pub async fn caught_up(&self) {
        let written: i64 = sqlx::query_scalar("SELECT (pg_current_wal_lsn() - '0/0'::pg_lsn)::int8")
            .fetch_one(&self.app.pool)
            .await
            .expect("reading the primary's position");
        let started = Instant::now();
        while !self.replica.serves(Some(written as u64)) {
            assert!(started.elapsed() < Duration::from_secs(30), "the standby did not catch up within 30 s");
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
}

async fn connect(cluster: &Cluster) -> PgPool {
    PgPoolOptions::new()
        .max_connections(8)
        .connect_with(cluster.connect_options(EMBEDDED_DATABASE))
        .await
        .expect("connecting to the private cluster")
}
