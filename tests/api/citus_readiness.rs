//! Citus readiness, read from the migrated database's catalogue (docs/SCALING.md). On Citus every
//! person-scoped table is distributed by the person number and colocated with `persons`, so all
//! of one person's rows live on one shard. Citus enforces a primary key or unique key only if it
//! includes the distribution column, keeps a foreign key between two distributed tables only if
//! it pairs their distribution columns, and keeps none from a table outside the person shards (a
//! reference or directory table) into them. These tests fail, naming every offending key, when
//! the schema breaks one of those rules.
//!
//! A table is person-scoped when it has a `person_no` column, unless [`NOT_PERSON_SCOPED`] says
//! otherwise; [`DISTRIBUTED_BY`] adds the ones distributed by a person column of another name.
//! [`AWAITING_DIRECTORY`] names the unique keys that wait for the `person_keys` directory.

use std::collections::BTreeMap;

use sqlx::PgPool;

use crate::helpers::fresh_pool;

/// Tables with a `person_no` column that are not distributed by it, each with its reason. Keep
/// this list short: a table belongs here only if it is looked up by another key alone.
const NOT_PERSON_SCOPED: [(&str, &str); 2] = [
    // Every request finds its bearer token by the hash alone; client and staff tokens name no
    // person. Distributed by token_hash.
    ("access_tokens", "a directory keyed by token_hash"),
    // An institution presents only the QR token; the code row leads to the person. Distributed
    // by token_hash.
    ("e_voucher_codes", "a directory keyed by token_hash"),
];

/// Person-scoped tables distributed by a person column not named `person_no`, and that column.
const DISTRIBUTED_BY: [(&str, &str); 2] = [
    // The relative's settlement reads the relative's active bindings and writes the payments of
    // its holders, so both tables live on the relative's shard.
    ("family_bindings", "relative_person_no"),
    ("family_payments", "relative_person_no"),
];

/// Unique keys of person-scoped tables that leave out the person number and stay until the
/// `person_keys` directory takes over their uniqueness (docs/SCALING.md, migration B): each
/// enforces a rule about a key that comes from outside, and the code names it, so dropping it
/// needs a code change. Each must still exist and still leave out the person number.
const AWAITING_DIRECTORY: [(&str, &str); 6] = [
    // An ID number enrols once; enrolment maps the violation by name (src/persons/service.rs).
    ("persons", "persons_id_number_key"),
    // A channel account binds one person at a time; binding maps the violation by name (src/sessions/bindings.rs).
    ("channel_bindings", "channel_bindings_one_person_per_ref"),
    // A payer's reference posts once; the payment maps the violation by name (src/contributions/service/payments.rs).
    ("contribution_payments", "contribution_payments_reference_key"),
    // An institution's msgid settles once: ON CONFLICT ON CONSTRAINT settlements_msgid_once (src/settlement/store.rs).
    ("settlements", "settlements_msgid_once"),
    // A filing number is stored once, national ones included: ON CONFLICT (filing_no) (src/remote/store.rs).
    ("remote_filings", "remote_filings_pkey"),
    // A delivered setl_sn counts once: ON CONFLICT (setl_sn) (src/remote/settlements_store.rs).
    ("remote_settlements", "remote_settlements_pkey"),
];

/// Every column of every table in the schema.
const COLUMNS_SQL: &str = "
    SELECT c.relname::text, a.attname::text
      FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
     WHERE c.relnamespace = current_schema()::regnamespace AND c.relkind IN ('r', 'p')
       AND a.attnum > 0 AND NOT a.attisdropped";

/// Every unique index (primary keys and unique constraints included) with its key columns; an
/// expression has no column name and so never counts as the person number.
const KEYS_SQL: &str = "
    SELECT c.relname::text AS table, i.relname::text AS name,
           array_remove(array_agg(a.attname::text ORDER BY k.ord), NULL) AS columns
      FROM pg_index x
      JOIN pg_class c ON c.oid = x.indrelid
      JOIN pg_class i ON i.oid = x.indexrelid
      CROSS JOIN LATERAL unnest(x.indkey::int2[]) WITH ORDINALITY AS k (attnum, ord)
      LEFT JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = k.attnum
     WHERE c.relnamespace = current_schema()::regnamespace AND x.indisunique AND k.ord <= x.indnkeyatts
     GROUP BY c.relname, i.relname";

/// Every foreign key with its column pairs, in order.
const FOREIGN_KEYS_SQL: &str = "
    SELECT con.conname::text AS name, c.relname::text AS child, p.relname::text AS parent,
           array_agg(ca.attname::text ORDER BY k.ord) AS child_columns,
           array_agg(pa.attname::text ORDER BY k.ord) AS parent_columns
      FROM pg_constraint con
      JOIN pg_class c ON c.oid = con.conrelid
      JOIN pg_class p ON p.oid = con.confrelid
      CROSS JOIN LATERAL unnest(con.conkey, con.confkey) WITH ORDINALITY AS k (child_attnum, parent_attnum, ord)
      JOIN pg_attribute ca ON ca.attrelid = con.conrelid AND ca.attnum = k.child_attnum
      JOIN pg_attribute pa ON pa.attrelid = con.confrelid AND pa.attnum = k.parent_attnum
     WHERE con.contype = 'f' AND con.connamespace = current_schema()::regnamespace
     GROUP BY con.conname, c.relname, p.relname";

/// A primary key, unique constraint or unique index.
#[derive(Debug, sqlx::FromRow)]
struct UniqueKey {
    table: String,
    name: String,
    columns: Vec<String>,
}

/// A foreign key: `child (child_columns)` refers to `parent (parent_columns)`, pair by pair.
#[derive(Debug, sqlx::FromRow)]
struct ForeignKey {
    name: String,
    child: String,
    parent: String,
    child_columns: Vec<String>,
    parent_columns: Vec<String>,
}

/// What the rules read from the catalogue.
#[derive(Debug)]
struct Catalogue {
    /// Each table and its columns.
    columns: BTreeMap<String, Vec<String>>,
    keys: Vec<UniqueKey>,
    foreign_keys: Vec<ForeignKey>,
}

impl Catalogue {
    /// The catalogue of the migrated test database.
    async fn read(pool: &PgPool) -> Self {
        let mut columns: BTreeMap<String, Vec<String>> = BTreeMap::new();
        let rows: Vec<(String, String)> = sqlx::query_as(COLUMNS_SQL).fetch_all(pool).await.expect("reading columns");
        for (table, column) in rows {
            columns.entry(table).or_default().push(column);
        }
        let keys = sqlx::query_as(KEYS_SQL).fetch_all(pool).await.expect("reading unique keys");
        let foreign_keys = sqlx::query_as(FOREIGN_KEYS_SQL).fetch_all(pool).await.expect("reading foreign keys");
        Self { columns, keys, foreign_keys }
    }

    /// Whether `table` has `column`.
    fn has(&self, table: &str, column: &str) -> bool {
        self.columns.get(table).is_some_and(|columns| columns.iter().any(|c| c == column))
    }

    /// Each person-scoped table and the column it would be distributed by.
    fn person_scoped(&self) -> BTreeMap<&str, &str> {
        let mut scoped: BTreeMap<&str, &str> = self
            .columns
            .keys()
            .map(String::as_str)
            .filter(|table| self.has(table, "person_no") && !is_listed(&NOT_PERSON_SCOPED, table))
            .map(|table| (table, "person_no"))
            .collect();
        for (table, column) in DISTRIBUTED_BY {
            if self.has(table, column) {
                scoped.insert(table, column);
            }
        }
        scoped
    }
}

/// Whether `table` is one of `list`'s tables.
fn is_listed(list: &[(&str, &str)], table: &str) -> bool {
    list.iter().any(|(listed, _)| *listed == table)
}

/// Whether `key` is one of [`AWAITING_DIRECTORY`]'s keys.
fn awaits_directory(key: &UniqueKey) -> bool {
    AWAITING_DIRECTORY.iter().any(|(table, name)| key.table == *table && key.name == *name)
}

/// Every primary key or unique key of a person-scoped table that leaves out its person number,
/// except those [`AWAITING_DIRECTORY`] names.
fn keys_without_person_no(catalogue: &Catalogue) -> Vec<String> {
    let scoped = catalogue.person_scoped();
    let mut offenders: Vec<String> = catalogue
        .keys
        .iter()
        .filter_map(|key| {
            let person = *scoped.get(key.table.as_str())?;
            (!key.columns.iter().any(|c| c == person) && !awaits_directory(key))
                .then(|| format!("{}: {} ({}) leaves out {person}", key.table, key.name, key.columns.join(", ")))
        })
        .collect();
    offenders.sort();
    offenders
}

/// Every foreign key from a person-scoped table that Citus could not keep: into another
/// person-scoped table without pairing the two person numbers, or into a directory table (the
/// two are distributed by different keys).
fn unkeepable_person_foreign_keys(catalogue: &Catalogue) -> Vec<String> {
    let scoped = catalogue.person_scoped();
    let mut offenders = Vec::new();
    for fk in &catalogue.foreign_keys {
        let Some(child_person) = scoped.get(fk.child.as_str()) else { continue };
        let why = match scoped.get(fk.parent.as_str()) {
            Some(parent_person) => {
                let mut pairs = fk.child_columns.iter().zip(&fk.parent_columns);
                if pairs.any(|(c, p)| c == child_person && p == parent_person) {
                    continue;
                }
                format!("does not pair {child_person} with {}.{parent_person}", fk.parent)
            }
            None if is_listed(&NOT_PERSON_SCOPED, &fk.parent) => format!("refers to the directory table {}", fk.parent),
            None => continue,
        };
        offenders.push(format!("{}: {} {why}", fk.child, describe(fk)));
    }
    offenders.sort();
    offenders
}

/// Every foreign key from a table outside the person shards into a person-scoped table.
fn references_into_person_shards(catalogue: &Catalogue) -> Vec<String> {
    let scoped = catalogue.person_scoped();
    let mut offenders: Vec<String> = catalogue
        .foreign_keys
        .iter()
        .filter(|fk| !scoped.contains_key(fk.child.as_str()) && scoped.contains_key(fk.parent.as_str()))
        .map(|fk| format!("{}: {} refers to the person-scoped table {}", fk.child, describe(fk), fk.parent))
        .collect();
    offenders.sort();
    offenders
}

/// Entries of the three lists that no longer describe the schema.
fn stale_exceptions(catalogue: &Catalogue) -> Vec<String> {
    let mut stale = Vec::new();
    for (table, _) in NOT_PERSON_SCOPED {
        if !catalogue.has(table, "person_no") {
            stale.push(format!("NOT_PERSON_SCOPED names {table}, which has no person_no column"));
        }
    }
    for (table, column) in DISTRIBUTED_BY {
        if !catalogue.has(table, column) || catalogue.has(table, "person_no") {
            stale.push(format!("DISTRIBUTED_BY names {table}.{column}: no such column, or the table has person_no"));
        }
    }
    let scoped = catalogue.person_scoped();
    for (table, name) in AWAITING_DIRECTORY {
        let key = catalogue.keys.iter().find(|key| key.table == table && key.name == name);
        let leaves_out_person = match (key, scoped.get(table)) {
            (Some(key), Some(person)) => !key.columns.iter().any(|c| c == person),
            _ => false,
        };
        if !leaves_out_person {
            stale.push(format!(
                "AWAITING_DIRECTORY names {table}.{name}: gone, not person-scoped, or has the person number"
            ));
        }
    }
    stale
}

/// `name (columns) → parent (columns)`.
fn describe(fk: &ForeignKey) -> String {
    format!("{} ({}) → {} ({})", fk.name, fk.child_columns.join(", "), fk.parent, fk.parent_columns.join(", "))
}

/// Fails listing every offender, one a line, under `rule`.
#[track_caller]
fn assert_none(rule: &str, offenders: &[String]) {
    assert!(
        offenders.is_empty(),
        "{rule} ({} offenders; see docs/SCALING.md):\n  {}",
        offenders.len(),
        offenders.join("\n  ")
    );
}

/// The catalogue of a freshly migrated database.
async fn migrated() -> Catalogue {
    Catalogue::read(&fresh_pool().await).await
}

#[tokio::test]
async fn every_person_scoped_key_includes_person_no() {
    let catalogue = migrated().await;
    assert_none(
        "every primary key and unique key of a person-scoped table includes its person number",
        &keys_without_person_no(&catalogue),
    );
}

#[tokio::test]
async fn every_foreign_key_between_person_scoped_tables_pairs_their_person_numbers() {
    let catalogue = migrated().await;
    assert_none(
        "a foreign key between person-scoped tables pairs their person numbers",
        &unkeepable_person_foreign_keys(&catalogue),
    );
}

#[tokio::test]
async fn no_reference_or_directory_table_refers_to_a_person_scoped_table() {
    let catalogue = migrated().await;
    assert_none(
        "a table outside the person shards has no foreign key into them",
        &references_into_person_shards(&catalogue),
    );
}

#[tokio::test]
async fn every_listed_exception_still_describes_the_schema() {
    let catalogue = migrated().await;
    assert_none("the exception lists match the schema", &stale_exceptions(&catalogue));
}

/// Owned strings of `columns`.
fn strings(columns: &[&str]) -> Vec<String> {
    columns.iter().map(|c| c.to_string()).collect()
}

/// A unique key of the synthetic catalogue.
fn key(table: &str, name: &str, columns: &[&str]) -> UniqueKey {
    UniqueKey { table: table.into(), name: name.into(), columns: strings(columns) }
}

/// A foreign key of the synthetic catalogue.
fn fk(name: &str, child: &str, child_columns: &[&str], parent: &str, parent_columns: &[&str]) -> ForeignKey {
    ForeignKey {
        name: name.into(),
        child: child.into(),
        parent: parent.into(),
        child_columns: strings(child_columns),
        parent_columns: strings(parent_columns),
    }
}

/// A synthetic catalogue: `persons` and `cards` person-scoped, `access_tokens` a directory,
/// `banks` a reference table, `family_payments` distributed by the relative;
/// `persons_id_number_key` awaits the directory, `persons_phone_key` does not.
fn synthetic() -> Catalogue {
    Catalogue {
        columns: BTreeMap::from([
            ("persons".to_owned(), strings(&["person_no", "id_number", "phone"])),
            ("cards".to_owned(), strings(&["card_no", "person_no", "replaced_by", "bank_code"])),
            ("access_tokens".to_owned(), strings(&["token_hash", "person_no"])),
            ("banks".to_owned(), strings(&["bank_code"])),
            ("family_payments".to_owned(), strings(&["id", "holder_person_no", "relative_person_no"])),
        ]),
        keys: vec![
            key("persons", "persons_pkey", &["person_no"]),
            key("persons", "persons_id_number_key", &["id_number"]),
            key("persons", "persons_phone_key", &["phone"]),
            key("cards", "cards_pkey", &["person_no", "card_no"]),
            key("access_tokens", "access_tokens_pkey", &["token_hash"]),
            key("family_payments", "family_payments_pkey", &["id"]),
        ],
        foreign_keys: vec![
            fk("cards_person_no_fkey", "cards", &["person_no"], "persons", &["person_no"]),
            fk("cards_replaced_by_fkey", "cards", &["replaced_by"], "cards", &["card_no"]),
            fk("cards_token_fkey", "cards", &["card_no"], "access_tokens", &["token_hash"]),
            fk("cards_bank_code_fkey", "cards", &["bank_code"], "banks", &["bank_code"]),
            fk("access_tokens_person_no_fkey", "access_tokens", &["person_no"], "persons", &["person_no"]),
            fk("family_payments_holder_fkey", "family_payments", &["holder_person_no"], "persons", &["person_no"]),
        ],
    }
}

#[test]
fn the_rules_name_each_key_and_foreign_key_that_leaves_the_person_out() {
    let catalogue = synthetic();
    assert_eq!(
        keys_without_person_no(&catalogue),
        [
            "family_payments: family_payments_pkey (id) leaves out relative_person_no",
            "persons: persons_phone_key (phone) leaves out person_no",
        ]
    );
    assert_eq!(
        unkeepable_person_foreign_keys(&catalogue),
        [
            "cards: cards_replaced_by_fkey (replaced_by) → cards (card_no) does not pair person_no with cards.person_no",
            "cards: cards_token_fkey (card_no) → access_tokens (token_hash) refers to the directory table access_tokens",
            "family_payments: family_payments_holder_fkey (holder_person_no) → persons (person_no) does not pair \
             relative_person_no with persons.person_no",
        ]
    );
    assert_eq!(
        references_into_person_shards(&catalogue),
        ["access_tokens: access_tokens_person_no_fkey (person_no) → persons (person_no) refers to the person-scoped \
          table persons"]
    );
    // An awaited key that exists and leaves out the person number is not stale; one that is gone is.
    let stale = stale_exceptions(&catalogue);
    assert!(!stale.iter().any(|s| s.contains("persons.persons_id_number_key")), "{stale:?}");
    assert!(
        stale.iter().any(|s| s.starts_with("AWAITING_DIRECTORY names settlements.settlements_msgid_once")),
        "{stale:?}"
    );
}
