//! A private PostgreSQL cluster run from the binaries already installed on the machine, so that
//! `cargo run` and `cargo test` need no database set-up. Nothing is downloaded.
//!
//! The server runs under a small `sh` watchdog that holds our end of a pipe on its standard
//! input: when this process ends, however it ends, the pipe closes and the watchdog shuts the
//! server down. `initdb` refuses to run as root, so as root the cluster belongs to the `postgres`
//! system user and every command runs through `runuser`.

use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use sqlx::postgres::PgConnectOptions;
use sqlx::{ConnectOptions, Connection, Executor};
use std::process::{Child, ChildStdin, Command};

/// The superuser `initdb` creates; local connections are trusted.
const SUPERUSER: &str = "medcard";

/// How long a starting server may take to accept connections.
const READY_TIMEOUT: Duration = Duration::from_secs(60);

/// What the watchdog runs: start the server, wait for our pipe to close, stop it, and for a
/// throwaway cluster remove its folder.
const WATCHDOG: &str = r#"exec >>"$2/server.log" 2>&1
"$1/postgres" -D "$2/data" -p "$3" -c listen_addresses=127.0.0.1 -c unix_socket_directories= $5 &
pid=$!
read -r _
kill -INT "$pid"
wait "$pid"
if [ "$4" = throwaway ]; then rm -rf "$2"; fi"#;

/// Durable keeps fsync on (the `serve` default); throwaway trades safety for speed and deletes
/// itself when stopped (tests).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Durability {
    Durable,
    Throwaway,
}

/// A running private cluster. Dropping it (or ending the process) stops a server it started.
#[derive(Debug)]
pub struct Cluster {
    port: u16,
    watchdog: Option<(Child, ChildStdin)>,
}

impl Cluster {
    /// Starts the cluster in `dir` (initialising it the first time), or reuses one already
    /// running there.
    pub async fn start(dir: &Path, durability: Durability) -> anyhow::Result<Self> {
        let (bin_dir, owner, dir) = prepare(dir)?;
        if !dir.join("data/PG_VERSION").exists() {
            initdb(&bin_dir, &dir, &owner).await?;
        }
        if let Some(port) = running_port(&dir).await {
            tracing::info!(port, dir = %dir.display(), "reusing the running private PostgreSQL");
            return Ok(Self { port, watchdog: None });
        }
        let port = free_port()?;
        let watchdog = spawn_watchdog(&bin_dir, &dir, port, durability, &owner)?;
        let cluster = Self { port, watchdog: Some(watchdog) };
        wait_until_ready(port, &dir).await?;
        tracing::info!(port, dir = %dir.display(), "started the private PostgreSQL");
        Ok(cluster)
    }

    /// Starts a hot standby of this cluster in `dir`, streaming from it: a base backup
    /// (`pg_basebackup -R`) started throwaway, as tests of the read replica need.
    pub async fn start_standby(&self, dir: &Path) -> anyhow::Result<Self> {
        let (bin_dir, owner, dir) = prepare(dir)?;
        let output = tokio::process::Command::from(owner.command(&bin_dir.join("pg_basebackup")))
            .arg("-D")
            .arg(dir.join("data"))
            .args(["-h", "127.0.0.1", "-p", &self.port.to_string(), "-U", SUPERUSER])
            .args(["-R", "-X", "stream", "-c", "fast", "--no-sync"])
            .stdin(Stdio::null())
            .output()
            .await
            .context("running pg_basebackup")?;
        if !output.status.success() {
            bail!("pg_basebackup failed: {}", String::from_utf8_lossy(&output.stderr).trim());
        }
        let port = free_port()?;
        let watchdog = spawn_watchdog(&bin_dir, &dir, port, Durability::Throwaway, &owner)?;
        let standby = Self { port, watchdog: Some(watchdog) };
        wait_until_ready(port, &dir).await?;
        tracing::info!(port, dir = %dir.display(), "started a standby of the private PostgreSQL");
        Ok(standby)
    }

    /// Connection options for `database` on this cluster.
    pub fn connect_options(&self, database: &str) -> PgConnectOptions {
        options(self.port).database(database)
    }

    /// Creates `database` unless it exists.
    pub async fn ensure_database(&self, database: &str) -> anyhow::Result<()> {
        let mut conn = self.connect_options("postgres").connect().await?;
        let exists: bool = sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)")
            .bind(database)
            .fetch_one(&mut conn)
            .await?;
        if !exists {
            conn.execute(format!("CREATE DATABASE \"{database}\"").as_str()).await?;
        }
        conn.close().await?;
        Ok(())
    }

    /// Stops a server this process started and waits for it to finish.
    pub async fn stop(mut self) {
        if let Some((mut child, stdin)) = self.watchdog.take() {
            drop(stdin);
            let started = Instant::now();
            while started.elapsed() < Duration::from_secs(30) {
                if !matches!(child.try_wait(), Ok(None)) {
                    tracing::info!("stopped the private PostgreSQL");
                    return;
                }
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
            tracing::warn!("the private PostgreSQL did not stop within 30 s");
        }
    }
}

/// The server binaries, the cluster's owner, and `dir` created, canonical and owned by it.
fn prepare(dir: &Path) -> anyhow::Result<(PathBuf, ClusterOwner, PathBuf)> {
    let bin_dir = locate_binaries()?;
    let owner = ClusterOwner::detect()?;
    std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    let dir = dir.canonicalize()?;
    owner.take_ownership(&dir)?;
    Ok((bin_dir, owner, dir))
}

fn options(port: u16) -> PgConnectOptions {
    PgConnectOptions::new().host("127.0.0.1").port(port).username(SUPERUSER).disable_statement_logging()
}

/// Finds the directory holding `initdb` and `postgres`.
pub fn locate_binaries() -> anyhow::Result<PathBuf> {
    let has_server = |dir: &Path| dir.join("initdb").is_file() && dir.join("postgres").is_file();
    let from_pg_config = std::process::Command::new("pg_config")
        .arg("--bindir")
        .output()
        .ok()
        .map(|out| PathBuf::from(String::from_utf8_lossy(&out.stdout).trim()));
    let candidates = from_pg_config
        .into_iter()
        .chain(versioned_dirs("/usr/lib/postgresql", "bin"))
        .chain(versioned_dirs("/usr/pgsql-", "bin"))
        .chain(["/usr/local/pgsql/bin", "/opt/homebrew/bin", "/usr/local/bin", "/usr/bin"].map(PathBuf::from))
        .chain(std::env::var_os("PATH").iter().flat_map(std::env::split_paths).collect::<Vec<_>>());
    for dir in candidates {
        if has_server(&dir) {
            return Ok(dir);
        }
    }
    bail!(
        "no PostgreSQL server binaries (initdb, postgres) found: install PostgreSQL \
         (e.g. `apt-get install postgresql`) or set DATABASE_URL to an existing server"
    )
}

/// `/usr/lib/postgresql/<major>/bin` style folders, newest major first.
fn versioned_dirs(prefix: &str, suffix: &str) -> Vec<PathBuf> {
    let (parent, stem) = match prefix.rsplit_once('/') {
        Some((parent, stem)) => (parent, stem),
        None => return Vec::new(),
    };
    let Ok(entries) = std::fs::read_dir(parent) else {
        return Vec::new();
    };
    let mut found: Vec<(u32, PathBuf)> = entries
        .flatten()
        .filter_map(|e| {
            let name = e.file_name().into_string().ok()?;
            let major: u32 = name.strip_prefix(stem)?.split('.').next()?.parse().ok()?;
            Some((major, e.path().join(suffix)))
        })
        .collect();
    found.sort_by_key(|(major, _)| std::cmp::Reverse(*major));
    found.into_iter().map(|(_, p)| p).collect()
}

/// Whose files the cluster is: ours, or (when we are root) the `postgres` system user's.
#[derive(Debug)]
enum ClusterOwner {
    CurrentUser,
    SystemUser { uid: u32, gid: u32 },
}

impl ClusterOwner {
    fn detect() -> anyhow::Result<Self> {
        if std::fs::metadata("/proc/self").map(|m| m.uid()).unwrap_or(1) != 0 {
            return Ok(Self::CurrentUser);
        }
        let passwd = std::fs::read_to_string("/etc/passwd").unwrap_or_default();
        let entry = passwd.lines().find_map(|line| {
            let fields: Vec<&str> = line.split(':').collect();
            (fields.first() == Some(&"postgres") && fields.len() > 3)
                .then(|| Some((fields[2].parse().ok()?, fields[3].parse().ok()?)))
                .flatten()
        });
        match entry {
            Some((uid, gid)) => Ok(Self::SystemUser { uid, gid }),
            None => bail!(
                "running as root, and initdb refuses root: create a `postgres` system user \
                 (installing PostgreSQL's packages does) or set DATABASE_URL"
            ),
        }
    }

    fn take_ownership(&self, dir: &Path) -> anyhow::Result<()> {
        if let Self::SystemUser { uid, gid } = self {
            std::os::unix::fs::chown(dir, Some(*uid), Some(*gid))
                .with_context(|| format!("giving {} to the postgres user", dir.display()))?;
        }
        Ok(())
    }

    /// A command that runs `program` as the cluster's owner.
    fn command(&self, program: &Path) -> Command {
        match self {
            Self::CurrentUser => Command::new(program),
            Self::SystemUser { .. } => {
                let mut cmd = Command::new(runuser());
                cmd.args(["-u", "postgres", "--"]).arg(program);
                cmd
            }
        }
    }
}

fn runuser() -> PathBuf {
    ["/usr/sbin/runuser", "/sbin/runuser", "/usr/bin/runuser"]
        .map(PathBuf::from)
        .into_iter()
        .find(|p| p.is_file())
        .unwrap_or_else(|| PathBuf::from("runuser"))
}

async fn initdb(bin_dir: &Path, dir: &Path, owner: &ClusterOwner) -> anyhow::Result<()> {
    let output = tokio::process::Command::from(owner.command(&bin_dir.join("initdb")))
        .arg("-D")
        .arg(dir.join("data"))
        .args(["-U", SUPERUSER, "-A", "trust", "-E", "UTF8", "--locale=C", "--no-sync"])
        .stdin(Stdio::null())
        .output()
        .await
        .context("running initdb")?;
    if !output.status.success() {
        bail!("initdb failed: {}", String::from_utf8_lossy(&output.stderr).trim());
    }
    Ok(())
}

/// The port of a server already running on this data folder, if it accepts connections.
async fn running_port(dir: &Path) -> Option<u16> {
    let pid_file = std::fs::read_to_string(dir.join("data/postmaster.pid")).ok()?;
    let mut lines = pid_file.lines();
    let pid = lines.next()?.trim();
    let port: u16 = lines.nth(2)?.trim().parse().ok()?;
    if !Path::new("/proc").join(pid).exists() {
        return None;
    }
    let conn = options(port).database("postgres").connect().await.ok()?;
    conn.close().await.ok()?;
    Some(port)
}

fn free_port() -> anyhow::Result<u16> {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").context("finding a free port")?;
    Ok(listener.local_addr()?.port())
}

fn spawn_watchdog(
    bin_dir: &Path,
    dir: &Path,
    port: u16,
    durability: Durability,
    owner: &ClusterOwner,
) -> anyhow::Result<(Child, ChildStdin)> {
    let (mode, tuning) = match durability {
        Durability::Durable => ("durable", ""),
        Durability::Throwaway => {
            ("throwaway", "-c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300")
        }
    };
    // A std (not tokio) child: the cluster outlives the runtime that started it in tests.
    let mut child = owner
        .command(Path::new("/bin/sh"))
        .args(["-c", WATCHDOG, "medcard-postgres"])
        .arg(bin_dir)
        .arg(dir)
        .arg(port.to_string())
        .args([mode, tuning])
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .context("starting the PostgreSQL watchdog")?;
    let stdin = child.stdin.take().expect("stdin was piped");
    Ok((child, stdin))
}

async fn wait_until_ready(port: u16, dir: &Path) -> anyhow::Result<()> {
    let started = Instant::now();
    loop {
        if let Ok(conn) = options(port).database("postgres").connect().await {
            conn.close().await.ok();
            return Ok(());
        }
        if started.elapsed() > READY_TIMEOUT {
            let log = std::fs::read_to_string(dir.join("server.log")).unwrap_or_default();
            let tail: Vec<&str> = log.lines().rev().take(10).collect();
            bail!(
                "the private PostgreSQL did not accept connections within {} s; its log ends:\n{}",
                READY_TIMEOUT.as_secs(),
                tail.into_iter().rev().collect::<Vec<_>>().join("\n")
            );
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}
