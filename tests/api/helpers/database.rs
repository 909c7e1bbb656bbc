//! One fresh database per test, cloned from a template migrated once per test run. The server
//! is `DATABASE_URL` when set, otherwise a throwaway private cluster started once per run.

use std::str::FromStr;
use std::time::{SystemTime, UNIX_EPOCH};

use medcard::platform::embedded_pg::{Cluster, Durability};
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::{ConnectOptions, Connection, Executor, PgPool};
use tokio::sync::OnceCell;

/// Where test databases are created, and the migrated template to clone.
struct Server {
    admin: PgConnectOptions,
    template: String,
    // Kept alive for the whole run; the cluster stops itself when the process ends.
    _cluster: Option<Cluster>,
}

static SERVER: OnceCell<Server> = OnceCell::const_new();

/// Databases of earlier runs older than this are dropped from a shared server.
const STALE_AFTER_SECS: u64 = 6 * 3600;

/// A pool on a brand-new, fully migrated database.
pub async fn fresh_pool() -> PgPool {
    let (server, name) = fresh_database().await;
    PgPoolOptions::new()
        .max_connections(8)
        .connect_with(server.admin.clone().database(&name))
        .await
        .expect("connecting to the test database")
}

/// A URL of a brand-new, fully migrated database, for a `medcard` process to use.
pub async fn fresh_database_url() -> String {
    let (server, name) = fresh_database().await;
    match std::env::var("DATABASE_URL") {
        Ok(url) => {
            let (base, query) = url.split_once('?').map_or((url.as_str(), None), |(b, q)| (b, Some(q)));
            let server_part = base.rsplit_once('/').map_or(base, |(s, _)| s);
            format!("{server_part}/{name}{}", query.map(|q| format!("?{q}")).unwrap_or_default())
        }
        Err(_) => {
            let a = &server.admin;
            format!("postgres://{}@{}:{}/{name}", a.get_username(), a.get_host(), a.get_port())
        }
    }
}

async fn fresh_database() -> (&'static Server, String) {
    let server = SERVER.get_or_init(start_server).await;
    let name = unique_name("medcard_t");
    let mut admin = server.admin.connect().await.expect("connecting to the test server");
    admin
        .execute(format!("CREATE DATABASE \"{name}\" TEMPLATE \"{}\"", server.template).as_str())
        .await
        .expect("creating a test database from the template");
    admin.close().await.ok();
    (server, name)
}

async fn start_server() -> Server {
    let (admin, cluster) = match std::env::var("DATABASE_URL") {
        Ok(url) => {
            let options = PgConnectOptions::from_str(&url).expect("DATABASE_URL parses");
            (options.disable_statement_logging(), None)
        }
        Err(_) => {
            let dir = std::env::temp_dir().join(unique_name("medcard-test-pg"));
            let cluster = Cluster::start(&dir, Durability::Throwaway).await.unwrap_or_else(|e| panic!("{e:#}"));
            (cluster.connect_options("postgres"), Some(cluster))
        }
    };
    drop_stale_databases(&admin).await;
    let template = unique_name("medcard_tpl");
    let mut conn = admin.connect().await.expect("connecting to the test server");
    conn.execute(format!("CREATE DATABASE \"{template}\"").as_str()).await.expect("creating the template");
    conn.close().await.ok();
    let pool = PgPoolOptions::new()
        .max_connections(1)
        .connect_with(admin.clone().database(&template))
        .await
        .expect("connecting to the template");
    medcard::platform::db::migrate(&pool).await.expect("migrating the template");
    pool.close().await;
    Server { admin, template, _cluster: cluster }
}

/// `prefix_<unix seconds>_<random>`: unique, and its age can be read back.
fn unique_name(prefix: &str) -> String {
    let secs = SystemTime::now().duration_since(UNIX_EPOCH).expect("after 1970").as_secs();
    let random = &uuid::Uuid::new_v4().simple().to_string()[..8];
    format!("{prefix}_{secs}_{random}")
}

/// On a shared server, removes what crashed or interrupted runs left behind.
async fn drop_stale_databases(admin: &PgConnectOptions) {
    let Ok(mut conn) = admin.connect().await else {
        return;
    };
    let names: Vec<String> = sqlx::query_scalar(
        "SELECT datname FROM pg_database WHERE datname LIKE 'medcard\\_t\\_%' OR datname LIKE 'medcard\\_tpl\\_%'",
    )
    .fetch_all(&mut conn)
    .await
    .unwrap_or_default();
    let now = SystemTime::now().duration_since(UNIX_EPOCH).expect("after 1970").as_secs();
    for name in names {
        let created: Option<u64> = name.rsplit('_').nth(1).and_then(|s| s.parse().ok());
        if created.is_some_and(|c| now.saturating_sub(c) > STALE_AFTER_SECS) {
            let _ = conn.execute(format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)").as_str()).await;
        }
    }
    conn.close().await.ok();
}
