//! Loading the data set: persons are generated in chunks on a thread of their own while the
//! previous chunk is copied in, all in one transaction that also reserves the numbers it uses
//! (person, card and filing sequences) and records that the data set was loaded.

use std::time::Instant;

use secrecy::SecretString;
use serde::{Deserialize, Serialize};
use sqlx::PgConnection;

use super::rows::{self, Chunk};
use super::setup::{self, SeedClients};
use super::{DEMO_CARD_PASSWORD, Window, account, cards, extras, life, paying, visits};
use crate::auth::password;
use crate::domain::PersonNo;
use crate::params;
use crate::platform::Core;
use crate::platform::audit::store::{self as audit, NewAuditEvent};
use crate::platform::caller::Actor;
use crate::platform::error::{Error, Result};
use crate::platform::{copy, job_runs};

/// What to seed.
#[derive(Debug, Clone, Copy)]
pub struct SeedOptions {
    pub persons: u64,
    pub seed: u64,
}

/// What was seeded (also kept in the `seed.load` audit event, and answered again when the
/// same data set is asked for twice).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct SeedReport {
    #[serde(flatten)]
    pub counts: Counts,
    pub seed: u64,
    /// The first and last person numbers seeded.
    pub person_nos: (String, String),
    /// A few persons to try the API with (insured normally, an active card, money on account).
    pub examples: Vec<Example>,
    /// The password of every activated seeded card.
    pub card_password: String,
    pub seconds: f64,
    /// True when the data set was already there and nothing was loaded.
    #[serde(default)]
    pub already_loaded: bool,
}

/// A seeded person to try the API with.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Example {
    pub person_no: String,
    pub name: String,
    pub id_number: String,
    pub phone: String,
    pub card_no: String,
    pub insurance_type: String,
    pub balance: String,
}

/// Rows seeded, by kind.
#[derive(Debug, Clone, Copy, Default, Serialize, Deserialize)]
pub struct Counts {
    pub persons: u64,
    pub employees: u64,
    pub cards: u64,
    pub contributions: u64,
    pub payments: u64,
    pub entries: u64,
    pub settlements: u64,
    pub filings: u64,
    pub bindings: u64,
}

const CHUNK: u64 = 10_000;

/// The tables the data set fills.
const SEEDED_TABLES: [&str; 12] = [
    "persons",
    "person_status_history",
    "accounts",
    "account_entries",
    "cards",
    "card_transitions",
    "contributions",
    "contribution_payments",
    "settlements",
    "settlement_accumulators",
    "family_bindings",
    "remote_filings",
];
const JOB: &str = "seed";
const AUDIT_ACTION: &str = "seed.load";

/// Seeds `options.persons` persons; `progress` hears about each chunk.
pub async fn seed(core: &Core, options: SeedOptions, progress: &mut (dyn FnMut(String) + Send)) -> Result<SeedReport> {
    let started = Instant::now();
    let actor = Actor::system("seed");
    let mut tx = core.pool.begin().await?;
    if let Some(loaded) = loaded_data_set(&mut tx).await? {
        // Ended here, not on drop: a dropped transaction is rolled back later, on the pooled
        // connection, and its advisory lock would refuse the next seed as one in progress.
        tx.rollback().await?;
        return same_data_set(loaded, &options);
    }
    let clients = setup::prepare(core, &actor).await?;
    let password_hash =
        password::hash(SecretString::from(DEMO_CARD_PASSWORD), core.settings.auth.argon2_params()).await?;
    let window = Window::new(options.seed, core.clock.now(), core.settings.clone());
    let numbers = reserve(&mut tx, options.persons).await?;
    sqlx::query("SET LOCAL maintenance_work_mem = '256MB'").execute(&mut *tx).await?;
    let aside = copy::set_aside_indexes_and_foreign_keys(&mut tx, &SEEDED_TABLES).await?;
    let (sender, mut chunks) = tokio::sync::mpsc::channel::<(Chunk, Counts)>(2);
    let plan = Plan { window, clients, password_hash, numbers, persons: options.persons };
    let generator = std::thread::spawn(move || plan.generate_all(&sender));
    let mut counts = Counts::default();
    while let Some((chunk, chunk_counts)) = chunks.recv().await {
        load_chunk(&mut tx, chunk).await?;
        counts.add(chunk_counts);
        progress(format!(
            "seeded {} of {} persons ({:.1} s)",
            counts.persons,
            options.persons,
            started.elapsed().as_secs_f64()
        ));
    }
    progress("rebuilding the indexes and checking the foreign keys".to_owned());
    aside.restore(&mut tx).await?;
    let (next_card, examples) =
        generator.join().map_err(|_| Error::Internal(anyhow::anyhow!("the seed generator stopped")))?;
    let last_person = numbers.first_person + options.persons as i64 - 1;
    let report = SeedReport {
        counts,
        seed: options.seed,
        person_nos: (person_no(numbers.first_person), person_no(last_person)),
        examples,
        card_password: DEMO_CARD_PASSWORD.to_owned(),
        seconds: started.elapsed().as_secs_f64(),
        already_loaded: false,
    };
    finish(&mut tx, &actor, core, &report, next_card).await?;
    tx.commit().await?;
    progress("analysing the tables".to_owned());
    sqlx::query("ANALYZE").execute(&core.pool).await?;
    Ok(report)
}

fn person_no(value: i64) -> String {
    PersonNo::from_sequence(value).as_str().to_owned()
}

/// Asked again for the data set that is loaded: its report; asked for another: refused.
fn same_data_set(mut loaded: SeedReport, options: &SeedOptions) -> Result<SeedReport> {
    if loaded.counts.persons != options.persons || loaded.seed != options.seed {
        return Err(Error::conflict(
            "seed.already_loaded",
            format!(
                "this database already holds the data set of {} persons from seed {}; seed a fresh database for another",
                loaded.counts.persons, loaded.seed
            ),
            params! {},
        ));
    }
    loaded.already_loaded = true;
    Ok(loaded)
}

/// The report of the data set already loaded, if one is; refused while another seed runs.
async fn loaded_data_set(conn: &mut PgConnection) -> Result<Option<SeedReport>> {
    if !job_runs::try_lock(conn, JOB).await? {
        return Err(Error::conflict("seed.in_progress", "another seed is loading into this database", params! {}));
    }
    if !job_runs::has_run(conn, JOB, "data_set").await? {
        return Ok(None);
    }
    let filter =
        audit::AuditFilter { action: Some(AUDIT_ACTION.to_owned()), limit: 1, ..audit::AuditFilter::default() };
    let event = audit::list(conn, &filter).await?.into_iter().next();
    let report = event.and_then(|e| serde_json::from_value(e.details).ok()).unwrap_or_default();
    Ok(Some(report))
}

/// The first numbers of each sequence the data set uses.
#[derive(Debug, Clone, Copy)]
struct Numbers {
    first_person: i64,
    first_card: i64,
    first_filing: i64,
}

/// Takes blocks of the person, card and filing sequences (a person has at most two cards, and
/// one filing at most).
async fn reserve(conn: &mut PgConnection, persons: u64) -> Result<Numbers> {
    let n = persons as i64;
    let block = |seq: &'static str, size: i64| {
        sqlx::query_scalar::<_, i64>("SELECT setval($1::regclass, nextval($1::regclass) + $2 - 1) - $2 + 1")
            .bind(seq)
            .bind(size.max(1))
    };
    let first_person = block("person_no_seq", n).fetch_one(&mut *conn).await?;
    let first_card = block("card_no_seq", 2 * n).fetch_one(&mut *conn).await?;
    let first_filing = block("remote_filing_numbers", n).fetch_one(&mut *conn).await?;
    Ok(Numbers { first_person, first_card, first_filing })
}

/// Copies one chunk, parents before children.
async fn load_chunk(conn: &mut PgConnection, c: Chunk) -> Result<()> {
    named("persons", crate::persons::import_persons(conn, c.persons).await)?;
    named("person_status_history", crate::persons::import_status_history(conn, c.history).await)?;
    named("accounts", crate::ledger::writer::import_accounts(conn, c.accounts).await)?;
    named("cards", crate::cards::import_cards(conn, c.cards).await)?;
    named("card_transitions", crate::cards::import_card_transitions(conn, c.card_steps).await)?;
    named("contribution_payments", crate::contributions::import_payments(conn, c.payments).await)?;
    named("contributions", crate::contributions::import_contributions(conn, c.contributions).await)?;
    named("settlements", crate::settlement::import_settlements(conn, c.settlements).await)?;
    named("settlement_accumulators", crate::settlement::import_accumulators(conn, c.accumulators).await)?;
    named("account_entries", crate::ledger::writer::import_entries(conn, c.entries).await)?;
    named("family_bindings", crate::family::import_bindings(conn, c.bindings).await)?;
    named("remote_filings", crate::remote::import_filings(conn, c.filings).await)?;
    Ok(())
}

/// A failed copy says which table refused its rows (a bug in the generator, never the user's).
fn named(table: &str, outcome: sqlx::Result<u64>) -> Result<u64> {
    outcome.map_err(|e| Error::Internal(anyhow::anyhow!("seeding {table}: {e}")))
}

/// Gives back the card numbers not used, records the data set and audits it with its report.
async fn finish(
    conn: &mut PgConnection,
    actor: &Actor,
    core: &Core,
    report: &SeedReport,
    next_card: i64,
) -> Result<()> {
    sqlx::query("SELECT setval('card_no_seq', $1)").bind(next_card - 1).execute(&mut *conn).await?;
    let now = core.clock.now();
    job_runs::record(conn, JOB, "data_set", report.counts.persons, now).await?;
    let details = serde_json::to_value(report).map_err(anyhow::Error::from)?;
    let event = NewAuditEvent { actor, action: AUDIT_ACTION, subject_kind: None, subject_id: None, details, at: now };
    audit::insert(conn, &event).await?;
    Ok(())
}

impl Counts {
    fn add(&mut self, o: Counts) {
        self.persons += o.persons;
        self.employees += o.employees;
        self.cards += o.cards;
        self.contributions += o.contributions;
        self.payments += o.payments;
        self.entries += o.entries;
        self.settlements += o.settlements;
        self.filings += o.filings;
        self.bindings += o.bindings;
    }
}

/// Everything the generator thread needs.
struct Plan {
    window: Window,
    clients: SeedClients,
    password_hash: String,
    numbers: Numbers,
    persons: u64,
}

impl Plan {
    /// Generates every chunk in order; returns the next unused card sequence value and the
    /// example persons.
    fn generate_all(self, sender: &tokio::sync::mpsc::Sender<(Chunk, Counts)>) -> (i64, Vec<Example>) {
        let employers = super::people::employer_count(self.persons);
        let mut next_card = self.numbers.first_card;
        let mut next_filing = self.numbers.first_filing;
        let mut previous: Option<life::Person> = None;
        let mut examples = Vec::new();
        let mut start = 0;
        while start < self.persons {
            let end = (start + CHUNK).min(self.persons);
            let mut chunk = Chunk::default();
            let mut counts = Counts::default();
            for index in start..end {
                let person_no = PersonNo::from_sequence(self.numbers.first_person + index as i64);
                let (person, mut rng) = life::Person::new(&self.window, index, person_no, employers);
                let mut cursor =
                    Cursor { next_card: &mut next_card, next_filing: &mut next_filing, examples: &mut examples };
                self.person(&mut chunk, &mut counts, &person, &mut rng, &mut cursor);
                if let Some(holder) = previous.as_ref().filter(|_| index > start) {
                    self.family(&mut chunk, &mut counts, holder, &person, &mut rng);
                }
                previous = Some(person);
            }
            if sender.blocking_send((chunk, counts)).is_err() {
                break;
            }
            start = end;
        }
        (next_card, examples)
    }
}

/// The sequence values the generator hands out as it goes.
struct Cursor<'a> {
    next_card: &'a mut i64,
    next_filing: &'a mut i64,
    examples: &'a mut Vec<Example>,
}

impl Plan {
    fn person(
        &self,
        chunk: &mut Chunk,
        counts: &mut Counts,
        p: &life::Person,
        rng: &mut super::rng::Rng,
        cursor: &mut Cursor<'_>,
    ) {
        let w = &self.window;
        let owed = paying::contributions(w, p, rng);
        let planned = visits::visits(w, p, rng);
        let money = account::money(w, p, &owed, planned, rng);
        let steps = super::history::status_steps(w, p, &owed);
        rows::person(&mut chunk.persons, p, steps.last().map_or(p.enrolled_at, |s| s.at));
        for s in &steps {
            rows::status_step(&mut chunk.history, p, s, &self.clients, w);
        }
        for o in &owed {
            rows::contribution(chunk, p, o, &self.clients);
        }
        if p.is_employee() {
            rows::account(chunk, p, &money, &self.clients);
        }
        rows::settlements(chunk, p, &money, &self.clients);
        let seeded_cards = cards::cards(w, p, rng, cursor.next_card);
        for c in &seeded_cards {
            rows::card(chunk, p, c, &self.clients, &self.password_hash);
        }
        if let Some(example) = example(p, &seeded_cards, &money, cursor.examples) {
            cursor.examples.push(example);
        }
        if let Some(f) = extras::filing(w, p, rng) {
            rows::filing(
                chunk,
                p,
                &f,
                &crate::remote::filing_no(w.local_date(f.filed_at), *cursor.next_filing),
                &self.clients,
            );
            *cursor.next_filing += 1;
            counts.filings += 1;
        }
        counts.persons += 1;
        counts.employees += u64::from(p.is_employee());
        counts.cards += seeded_cards.len() as u64;
        counts.contributions += owed.len() as u64;
        counts.payments += owed.iter().filter(|o| o.paid.is_some()).count() as u64;
        counts.entries += money.entries.len() as u64;
        counts.settlements += money.settlements.len() as u64;
    }

    fn family(
        &self,
        chunk: &mut Chunk,
        counts: &mut Counts,
        holder: &life::Person,
        relative: &life::Person,
        rng: &mut super::rng::Rng,
    ) {
        if let Some(b) = extras::binding(&self.window, holder, relative, rng) {
            let id = uuid::Uuid::from_u64_pair(0x5EED_B1ED_0000_0000 | (self.window.seed & 0xFFFF_FFFF), holder.index);
            rows::binding(chunk, holder, relative, &b, &self.clients, id);
            counts.bindings += 1;
        }
    }
}

/// The person as an example, while fewer than three employees (and one resident) were taken:
/// insured normally, with an active card, and (employees) money on account.
fn example(
    p: &life::Person,
    cards: &[cards::SeedCard],
    money: &account::Finances,
    taken: &[Example],
) -> Option<Example> {
    let card = cards.last().filter(|c| c.state == crate::cards::CardState::Active)?;
    let kind = p.insurance.code();
    let wanted = if p.is_employee() { 3 } else { 1 };
    let room = taken.iter().filter(|e| e.insurance_type == kind).count() < wanted;
    let funded = !p.is_employee() || money.balance > crate::domain::Money::ZERO;
    (room && funded && p.fate == life::Fate::Normal).then(|| Example {
        person_no: p.person_no.as_str().to_owned(),
        name: p.name.clone(),
        id_number: p.id_number.clone(),
        phone: p.phone.clone(),
        card_no: card.card_no.as_str().to_owned(),
        insurance_type: kind.to_owned(),
        balance: money.balance.to_string(),
    })
}
