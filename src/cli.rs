//! The command line: `serve` (the default), `migrate`, `client create`, `staff create`, `sms outbox`, ….

use std::io::{BufRead, IsTerminal};
use std::net::SocketAddr;
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::Context;
use clap::{Parser, Subcommand};
use secrecy::SecretString;
use serde_json::json;

use crate::auth::{AssertionKey, Auth, ClientBinding};
use crate::domain::{IdNumber, Money};
use crate::ledger::Ledger;
use crate::platform::Core;
use crate::platform::caller::{Actor, ClientKind, Role};
use crate::platform::clock::SystemClock;
use crate::platform::config::Settings;
use crate::platform::db::{self, Database};
use crate::platform::error::{Error, Result};
use crate::registries::{InstitutionLevel, NewInstitution, Registries};
use crate::startup::Application;

/// medcard: back office of the Zhengzhou medical-insurance card.
#[derive(Debug, Parser)]
#[command(name = "medcard", version)]
pub struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Serve the HTTP API (the default command).
    Serve {
        /// Address to listen on; defaults to `server.listen` (127.0.0.1:8080).
        #[arg(long)]
        listen: Option<SocketAddr>,
    },
    /// Apply pending database migrations and exit.
    Migrate,
    /// Manage API clients (channels).
    Client {
        #[command(subcommand)]
        command: ClientCommand,
    },
    /// Manage staff accounts.
    Staff {
        #[command(subcommand)]
        command: StaffCommand,
    },
    /// Manage designated institutions.
    Institution {
        #[command(subcommand)]
        command: InstitutionCommand,
    },
    /// The personal-account ledger.
    Ledger {
        #[command(subcommand)]
        command: LedgerCommand,
    },
    /// Load a realistic, deterministic demo data set (persons, cards, three years of
    /// contributions, consumption, filings, family bindings) into a database that has none.
    Seed {
        /// How many insured persons.
        #[arg(long, default_value_t = 10_000, value_parser = clap::value_parser!(u64).range(1..=20_000_000))]
        persons: u64,
        /// The data set: the same seed gives the same persons.
        #[arg(long, default_value_t = 1)]
        seed: u64,
    },
    /// Background jobs.
    Jobs {
        #[command(subcommand)]
        command: JobsCommand,
    },
    /// The SMS outbox (what the default SMS gateway has queued).
    Sms {
        #[command(subcommand)]
        command: SmsCommand,
    },
}

#[derive(Debug, Subcommand)]
enum SmsCommand {
    /// Print the latest queued messages, newest first, as JSON (for an operator or a demo).
    Outbox {
        /// Only messages to this phone.
        #[arg(long)]
        phone: Option<String>,
        /// How many messages.
        #[arg(long, default_value_t = 5)]
        limit: i64,
    },
}

#[derive(Debug, Subcommand)]
enum ClientCommand {
    /// Register a client; prints its id and secret (shown once) as JSON.
    Create {
        #[arg(long, value_enum)]
        kind: ClientKind,
        #[arg(long)]
        name: String,
        /// The bank a `bank` client acts for (e.g. ICBC, CCB, ABC, BOC, BOCOM).
        #[arg(long)]
        bank: Option<String>,
        /// The institution an `institution` client acts for (see `institution create`).
        #[arg(long)]
        institution: Option<String>,
        /// The Ed25519 public key the channel signs identity assertions with (PEM SPKI or
        /// base64url of the 32 raw bytes).
        #[arg(long)]
        assertion_key: Option<String>,
    },
}

#[derive(Debug, Subcommand)]
enum InstitutionCommand {
    /// Register a designated hospital or pharmacy; prints it as JSON.
    Create {
        #[arg(long)]
        code: String,
        #[arg(long)]
        name: String,
        /// `hospital` or `pharmacy`.
        #[arg(long, default_value = "hospital")]
        kind: String,
        /// Whether it activates cards at its counter.
        #[arg(long)]
        offers_activation: bool,
        /// 1, 2 or 3 (一级, 二级, 三级).
        #[arg(long, default_value_t = 1)]
        level: i16,
        /// The Zhengzhou region it is in (4101xx).
        #[arg(long, default_value = "410105")]
        region: String,
    },
}

#[derive(Debug, Subcommand)]
enum LedgerCommand {
    /// Verify every personal account: balance equals the sum of its entries, never negative.
    /// Exits non-zero on a mismatch.
    Check,
}

#[derive(Debug, Subcommand)]
enum JobsCommand {
    /// Run every background job once (what `serve` does every `jobs.interval_secs`).
    Run,
}

#[derive(Debug, Subcommand)]
enum StaffCommand {
    /// Create a staff account; the password comes from MEDCARD_STAFF_PASSWORD or standard input.
    Create {
        #[arg(long)]
        username: String,
        #[arg(long, value_enum)]
        role: Role,
        /// The staff member's citizen ID number: one staff account per person, so four-eyes
        /// work is done by two people.
        #[arg(long)]
        id_number: String,
    },
    /// Record the ID number of an account made before ID numbers were kept (once).
    Identify {
        #[arg(long)]
        username: String,
        #[arg(long)]
        id_number: String,
    },
}

/// Runs the command line and turns failures into one clear message and exit code 1.
pub async fn main() -> ExitCode {
    let cli = Cli::parse();
    let settings = match Settings::load() {
        Ok(settings) => settings,
        Err(err) => {
            eprintln!("medcard: configuration error: {err}");
            return ExitCode::FAILURE;
        }
    };
    crate::platform::telemetry::init(&settings.log);
    match run(cli, settings).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("medcard: {err:#}");
            ExitCode::FAILURE
        }
    }
}

async fn run(cli: Cli, settings: Settings) -> anyhow::Result<()> {
    match cli.command.unwrap_or(Command::Serve { listen: None }) {
        Command::Serve { listen } => {
            let listen = listen.unwrap_or(settings.server.listen);
            Application::build(settings, listen).await?.run_until_stopped().await
        }
        Command::Migrate => with_core(settings, |_| async { Ok(()) }).await,
        Command::Client { command: ClientCommand::Create { kind, name, bank, institution, assertion_key } } => {
            let binding = ClientBinding { bank_code: bank, institution_code: institution };
            let key = assertion_key.map(|k| AssertionKey::parse(&k)).transpose()?;
            with_core(settings, |core| create_client(core, kind, name, binding, key)).await
        }
        Command::Institution {
            command: InstitutionCommand::Create { code, name, kind, offers_activation, level, region },
        } => {
            let level = InstitutionLevel::new(level).ok_or_else(|| anyhow::anyhow!("--level is 1, 2 or 3"))?;
            let new = NewInstitution { code, name, kind, offers_activation, level, region_code: region };
            with_core(settings, |core| create_institution(core, new)).await
        }
        Command::Ledger { command: LedgerCommand::Check } => with_core(settings, check_ledger).await,
        Command::Seed { persons, seed } => {
            with_core(settings, |core| seed_data_set(core, crate::seed::SeedOptions { persons, seed })).await
        }
        Command::Jobs { command: JobsCommand::Run } => with_core(settings, run_jobs).await,
        Command::Sms { command: SmsCommand::Outbox { phone, limit } } => {
            with_core(settings, |core| print_outbox(core, phone, limit)).await
        }
        Command::Staff { command: StaffCommand::Create { username, role, id_number } } => {
            let id_number = parse_id_number(&id_number)?;
            let password = staff_password()?;
            with_core(settings, |core| create_staff(core, username, role, id_number, password)).await
        }
        Command::Staff { command: StaffCommand::Identify { username, id_number } } => {
            let id_number = parse_id_number(&id_number)?;
            with_core(settings, |core| async move {
                Auth::new(&core).identify_staff(&Actor::system("cli"), &username, &id_number).await?;
                print_json(&json!({ "username": username, "identified": true }));
                Ok(())
            })
            .await
        }
    }
}

/// `client create`: registers a client and prints its one-time secret.
async fn create_client(
    core: Core,
    kind: ClientKind,
    name: String,
    binding: ClientBinding,
    key: Option<AssertionKey>,
) -> Result<()> {
    let auth = Auth::new(&core);
    let actor = Actor::system("cli");
    let client = auth.register_client(&actor, kind, &name, &binding).await?;
    if let Some(key) = key {
        auth.register_assertion_key(&actor, client.client_id.as_str(), &key).await?;
    }
    print_json(&json!({
        "client_id": client.client_id,
        "client_secret": client.client_secret.expose(),
        "kind": client.kind,
        "name": client.name,
    }));
    Ok(())
}

/// `institution create`.
async fn create_institution(core: Core, new: NewInstitution) -> Result<()> {
    let row = Registries::new(&core).create_institution(&Actor::system("cli"), new).await?;
    print_json(&json!({
        "institution_code": row.institution_code,
        "name": row.name,
        "kind": row.kind,
        "offers_activation": row.offers_activation,
        "level": row.level,
        "region_code": row.region_code,
    }));
    Ok(())
}

/// `ledger check`: prints what it checked and every account that does not reconcile.
async fn check_ledger(core: Core) -> Result<()> {
    let check = Ledger::new(&core).check_ledger().await?;
    println!("checked {} accounts and {} entries", check.accounts, check.entries);
    if check.mismatched.is_empty() {
        println!("ok: every balance equals the sum of its entries and none is negative");
        return Ok(());
    }
    for m in &check.mismatched {
        let last = m.last_balance_after.map_or("none".to_owned(), |b| Money::from_fen(b).to_string());
        println!(
            "MISMATCH {}: balance {} but entries sum to {} (last entry's balance after: {last})",
            m.person_no,
            Money::from_fen(m.balance),
            Money::from_fen(m.sum_of_entries),
        );
    }
    Err(Error::Internal(anyhow::anyhow!("{} account(s) do not reconcile", check.mismatched.len())))
}

/// `seed`: loads the data set, printing progress to stderr and its report as JSON (with the
/// ledger check of the whole database).
async fn seed_data_set(core: Core, options: crate::seed::SeedOptions) -> Result<()> {
    let mut progress = |line: String| eprintln!("{line}");
    let report = crate::seed::seed(&core, options, &mut progress).await?;
    let check = Ledger::new(&core).check_ledger().await?;
    let mut summary = serde_json::to_value(&report).map_err(anyhow::Error::from)?;
    summary["ledger_check"] =
        json!({ "accounts": check.accounts, "entries": check.entries, "mismatched": check.mismatched.len() });
    print_json(&summary);
    if check.mismatched.is_empty() {
        Ok(())
    } else {
        Err(Error::Internal(anyhow::anyhow!("the ledger does not reconcile; see `medcard ledger check`")))
    }
}

/// `jobs run`: every job once, printing the rows each changed.
async fn run_jobs(core: Core) -> Result<()> {
    let done = crate::jobs::run_all_once(&core).await;
    let rows: serde_json::Map<String, serde_json::Value> =
        done.into_iter().map(|(job, rows)| (job.name().to_owned(), json!(rows))).collect();
    print_json(&serde_json::Value::Object(rows));
    Ok(())
}

/// An `--id-number` argument.
fn parse_id_number(raw: &str) -> anyhow::Result<IdNumber> {
    IdNumber::parse(raw, chrono::Utc::now().date_naive()).map_err(|e| anyhow::anyhow!("--id-number: {e}"))
}

/// `staff create`.
async fn create_staff(
    core: Core,
    username: String,
    role: Role,
    id_number: IdNumber,
    password: SecretString,
) -> Result<()> {
    let staff = Auth::new(&core).create_staff(&Actor::system("cli"), &username, role, &id_number, password).await?;
    print_json(&json!({ "staff_id": staff.staff_id, "username": staff.username, "role": staff.role }));
    Ok(())
}

/// Opens and migrates the database, runs `work`, and closes everything again.
async fn with_core<F, Fut>(settings: Settings, work: F) -> anyhow::Result<()>
where
    F: FnOnce(Core) -> Fut,
    Fut: std::future::Future<Output = Result<()>>,
{
    let database = Database::open(&settings.database).await?;
    let outcome = async {
        db::migrate(&database.pool).await?;
        let state = crate::startup::state(database.pool.clone(), Arc::new(SystemClock), Arc::new(settings));
        work(state.core).await.map_err(describe)
    }
    .await;
    database.close().await;
    outcome
}

/// A service error as a one-line message for the terminal.
fn describe(err: crate::platform::error::Error) -> anyhow::Error {
    match err {
        crate::platform::error::Error::Internal(inner) => inner,
        other => anyhow::anyhow!("{other}"),
    }
}

fn staff_password() -> anyhow::Result<SecretString> {
    if let Ok(password) = std::env::var("MEDCARD_STAFF_PASSWORD") {
        return Ok(SecretString::from(password));
    }
    let stdin = std::io::stdin();
    if stdin.is_terminal() {
        eprintln!("password for the new staff account (input is shown; prefer MEDCARD_STAFF_PASSWORD):");
    }
    let mut line = String::new();
    stdin.lock().read_line(&mut line).context("reading the password from standard input")?;
    Ok(SecretString::from(line.trim_end_matches(['\r', '\n']).to_owned()))
}

/// `sms outbox`: the latest messages of the default gateway.
async fn print_outbox(core: Core, phone: Option<String>, limit: i64) -> Result<()> {
    let messages = crate::platform::sms_gateway::OutboxGateway::recent(&core.pool, phone.as_deref(), limit).await?;
    print_json(&serde_json::to_value(messages)?);
    Ok(())
}

fn print_json(value: &serde_json::Value) {
    println!("{}", serde_json::to_string_pretty(value).expect("JSON values serialise"));
}
