//! The database: connecting (to `DATABASE_URL` or the private cluster), the pool, migrations.

use std::str::FromStr;
use std::time::Duration;

use anyhow::Context;
use secrecy::ExposeSecret;
use sqlx::PgPool;
use sqlx::migrate::Migrator;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};

use crate::platform::config::DatabaseSettings;
use crate::platform::embedded_pg::{Cluster, Durability};

/// The migrations in `migrations/`, compiled in.
pub static MIGRATOR: Migrator = sqlx::migrate!("./migrations");

/// The database name used inside the private cluster.
pub const EMBEDDED_DATABASE: &str = "medcard";

/// An open database: the pool, the read replica's pool when `database.read_url` names one, and
/// the private cluster when one was started for it.
#[derive(Debug)]
pub struct Database {
    pub pool: PgPool,
    /// The pool on the read replica (`DATABASE_READ_URL`), when there is one.
    pub read_pool: Option<PgPool>,
    cluster: Option<Cluster>,
}

impl Database {
    /// Connects to `database.url`, or starts (or reuses) the private cluster when it is unset.
    pub async fn open(settings: &DatabaseSettings) -> anyhow::Result<Self> {
        let read_pool = match &settings.read_url {
            Some(url) => {
                let options = PgConnectOptions::from_str(url.expose_secret()).context("parsing DATABASE_READ_URL")?;
                Some(pool(options, settings))
            }
            None => None,
        };
        match &settings.url {
            Some(url) => {
                let options = PgConnectOptions::from_str(url.expose_secret()).context("parsing DATABASE_URL")?;
                Ok(Self { pool: pool(options, settings), read_pool, cluster: None })
            }
            None => {
                let cluster = Cluster::start(&settings.embedded_dir, Durability::Durable).await?;
                cluster.ensure_database(EMBEDDED_DATABASE).await?;
                let pool = pool(cluster.connect_options(EMBEDDED_DATABASE), settings);
                Ok(Self { pool, read_pool, cluster: Some(cluster) })
            }
        }
    }

    /// Closes the pool and stops a cluster this process started.
    pub async fn close(self) {
        self.pool.close().await;
        if let Some(read_pool) = self.read_pool {
            read_pool.close().await;
        }
        if let Some(cluster) = self.cluster {
            cluster.stop().await;
        }
    }
}

/// A pool with the settings' size and timeouts. Connections are not pinged on every acquire
/// (a round trip per request for nothing); broken ones fail and are replaced.
pub fn pool(options: PgConnectOptions, settings: &DatabaseSettings) -> PgPool {
    PgPoolOptions::new()
        .max_connections(settings.max_connections)
        .acquire_timeout(Duration::from_secs(settings.acquire_timeout_secs))
        .test_before_acquire(false)
        .connect_lazy_with(options)
}

/// Applies pending migrations.
pub async fn migrate(pool: &PgPool) -> anyhow::Result<()> {
    MIGRATOR.run(pool).await.context("applying migrations")
}

/// Whether every compiled-in migration has been applied.
pub async fn migrations_applied(pool: &PgPool) -> anyhow::Result<bool> {
    let applied: i64 =
        sqlx::query_scalar("SELECT count(*) FROM _sqlx_migrations WHERE success").fetch_one(pool).await?;
    Ok(applied as usize >= MIGRATOR.iter().count())
}
