//! The shape of the source tree, checked by reading it: every owned table has one writer, the
//! contexts depend on one another without cycles (and the platform and the domain on no
//! capability), and no function runs over sixty lines. Plain tests: no database, no runtime.
//!
//! The checkers are functions over a file's path and text, so that they can be fed synthetic
//! sources too. They read Rust through a small lexer that blanks comments and literals; it is no
//! parser, only enough for this codebase.

use std::collections::BTreeMap;
use std::fs;
use std::path::Path;
use std::sync::OnceLock;

/// The contexts: the capability folders under `src/`, and the two shared ones.
const CONTEXTS: [&str; 17] = [
    "platform",
    "domain",
    "auth",
    "persons",
    "registries",
    "cards",
    "ledger",
    "contributions",
    "enrolment",
    "sms",
    "sessions",
    "statements",
    "e_vouchers",
    "settlement",
    "remote",
    "family",
    "seed",
];

/// What the shared contexts may use: the platform only the domain, the domain nothing.
const FOUNDATIONS: [(&str, &[&str]); 2] = [("platform", &["domain"]), ("domain", &[])];

/// Each owned table and the one file whose SQL may write it.
const OWNERS: [(&str, &str); 21] = [
    ("account_entries", "src/ledger/writer.rs"),
    ("accounts", "src/ledger/writer.rs"),
    ("audit_events", "src/platform/audit/store.rs"),
    ("person_status_history", "src/persons/history.rs"),
    ("card_transitions", "src/cards/history.rs"),
    ("access_tokens", "src/auth/store/tokens.rs"),
    ("clients", "src/auth/store/clients.rs"),
    ("sms_codes", "src/sms/store.rs"),
    ("sms_outbox", "src/platform/sms_gateway.rs"),
    ("channel_bindings", "src/sessions/bindings_store.rs"),
    ("binding_failures", "src/sessions/bindings_store.rs"),
    ("person_passwords", "src/sessions/password_store.rs"),
    ("assertion_nonces", "src/sessions/nonce_store.rs"),
    ("person_contact_history", "src/persons/contact.rs"),
    ("e_vouchers", "src/e_vouchers/store.rs"),
    ("e_voucher_codes", "src/e_vouchers/store.rs"),
    ("remote_filings", "src/remote/store.rs"),
    ("remote_filing_sync_requests", "src/remote/store.rs"),
    ("remote_settlements", "src/remote/settlements_store.rs"),
    ("family_bindings", "src/family/store.rs"),
    ("family_payments", "src/family/store.rs"),
];

/// The SQL statements that write a table, as their keywords.
const VERBS: [&[&str]; 3] = [&["insert", "into"], &["update"], &["delete", "from"]];

/// The longest a function may be, from the line of its `fn` to its closing brace.
const MAX_FUNCTION_LINES: usize = 60;

/// Files the length rule does not apply to: data tables, not code.
const LENGTH_EXEMPT: [&str; 1] = ["src/platform/http/messages.rs"];

#[test]
fn only_the_ledger_writer_writes_account_entries_and_accounts() {
    assert_single_writer(&["account_entries", "accounts"]);
}

#[test]
fn only_the_filing_store_writes_filings_and_pull_requests() {
    assert_single_writer(&["remote_filings", "remote_filing_sync_requests"]);
}

#[test]
fn only_the_family_store_writes_bindings_and_payments() {
    assert_single_writer(&["family_bindings", "family_payments"]);
}

#[test]
fn only_the_remote_settlement_store_writes_remote_settlements() {
    assert_single_writer(&["remote_settlements"]);
}

#[test]
fn only_the_voucher_store_writes_vouchers_and_their_tokens() {
    assert_single_writer(&["e_vouchers", "e_voucher_codes"]);
}

#[test]
fn only_the_audit_store_writes_audit_events() {
    assert_single_writer(&["audit_events"]);
}

#[test]
fn only_the_person_history_writes_person_status_history() {
    assert_single_writer(&["person_status_history"]);
}

#[test]
fn only_the_card_history_writes_card_transitions() {
    assert_single_writer(&["card_transitions"]);
}

#[test]
fn each_table_of_the_person_side_has_one_writer() {
    assert_single_writer(&[
        "access_tokens",
        "clients",
        "sms_codes",
        "sms_outbox",
        "channel_bindings",
        "binding_failures",
        "person_passwords",
        "assertion_nonces",
        "person_contact_history",
    ]);
}

#[test]
fn a_second_writer_of_account_entries_is_caught() {
    let text = r#"
        sqlx::query("INSERT INTO account_entries (person_no) VALUES ($1)");
        sqlx::query("update account_adjustments SET state = 'approved'");
        sqlx::query("SELECT * FROM accounts WHERE person_no = $1 FOR UPDATE");
        sqlx::query(
            "WITH t AS (SELECT 1)
             UPDATE accounts a SET balance = 0 FROM t;
             delete   from
                 accounts WHERE person_no = $1",
        );
    "#;

    let ledger_tables = ["account_entries", "accounts"];
    let found = second_writers(&ledger_tables, "src/contributions/store/payments.rs", text);

    let expected = [
        "src/contributions/store/payments.rs:2: `INSERT INTO account_entries` outside src/ledger/writer.rs",
        "src/contributions/store/payments.rs:7: `UPDATE accounts` outside src/ledger/writer.rs",
        "src/contributions/store/payments.rs:8: `DELETE FROM accounts` outside src/ledger/writer.rs",
    ];
    assert_eq!(found, expected);
    assert!(second_writers(&ledger_tables, "src/ledger/writer.rs", text).is_empty(), "the owner itself may write");
}

#[test]
fn the_contexts_depend_on_each_other_without_cycles() {
    let graph = dependencies(sources());
    if let Some(cycle) = find_cycle(&graph) {
        panic!("the contexts depend on one another in a cycle:\n{}", describe_path(&graph, &cycle));
    }
}

#[test]
fn the_platform_uses_only_the_domain_and_the_domain_uses_nothing() {
    let graph = dependencies(sources());
    let mut violations = Vec::new();
    for (context, allowed) in FOUNDATIONS {
        for (dependency, site) in &graph[context] {
            if !allowed.contains(dependency) {
                violations.push(format!("{site}: {context} uses crate::{dependency}"));
            }
        }
    }
    assert!(violations.is_empty(), "a shared context uses more than it may:\n{}", violations.join("\n"));
}

#[test]
fn a_cycle_between_contexts_is_caught() {
    let files = [
        source("src/cards/service.rs", "use crate::persons::store as persons;"),
        source("src/persons/mod.rs", "crate::params! {}\nfn f() { crate::ledger::writer::open(); }"),
        source("src/ledger/mod.rs", "use crate::{domain::Money, cards::CardNo};"),
        source("src/platform/error.rs", "#[macro_export]\nmacro_rules! params { () => {} }"),
    ];

    let graph = dependencies(&files);

    let cycle = find_cycle(&graph).expect("persons → ledger → cards → persons is a cycle");
    assert_eq!(cycle, ["persons", "ledger", "cards", "persons"]);
    assert_eq!(graph["persons"]["platform"], "src/persons/mod.rs:1", "an exported macro belongs to its definer");
    assert_eq!(graph["ledger"]["domain"], "src/ledger/mod.rs:1");
}

#[test]
fn no_function_is_longer_than_sixty_lines() {
    let long: Vec<String> = sources().iter().flat_map(|file| long_functions(&file.path, &file.text)).collect();
    assert!(long.is_empty(), "functions over {MAX_FUNCTION_LINES} lines:\n{}", long.join("\n"));
}

#[test]
fn braces_in_literals_and_comments_do_not_end_a_function() {
    let text = "fn f<'a>(x: &'a str) {\n    let _ = ('{', '\\'', \"}\\\"}\", r#\"}\"#); // }\n    /* } */\n}\n";
    let body = format!("pub async fn g() -> Result<(), E> {{\n{}}}\nfn h();\n", "    step();\n".repeat(60));
    let found: Vec<(String, usize, usize)> =
        functions(&format!("{text}{body}")).into_iter().map(|f| (f.name, f.line, f.lines)).collect();
    assert_eq!(found, [("f".to_owned(), 1, 4), ("g".to_owned(), 5, 62)]);
    assert_eq!(long_functions("src/x.rs", &body), ["src/x.rs:1: fn g spans 62 lines"]);
}

// ---------------------------------------------------------------------------------------------
// The source tree

/// One source file: its path from the crate root with `/` separators, and its text.
struct Source {
    path: String,
    text: String,
}

/// A synthetic source file.
fn source(path: &str, text: &str) -> Source {
    Source { path: path.to_owned(), text: text.to_owned() }
}

/// Every `.rs` file under `src/`, sorted by path, read once.
fn sources() -> &'static [Source] {
    static SOURCES: OnceLock<Vec<Source>> = OnceLock::new();
    SOURCES.get_or_init(|| {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut found = Vec::new();
        collect(root, &root.join("src"), &mut found);
        found.sort_by(|a, b| a.path.cmp(&b.path));
        found
    })
}

/// Adds the `.rs` files under `dir` to `found`, their paths relative to `root`.
fn collect(root: &Path, dir: &Path, found: &mut Vec<Source>) {
    let entries = fs::read_dir(dir).unwrap_or_else(|e| panic!("reading {}: {e}", dir.display()));
    for entry in entries {
        let path = entry.expect("a directory entry").path();
        if path.is_dir() {
            collect(root, &path, found);
        } else if path.extension().is_some_and(|ext| ext == "rs") {
            let text = fs::read_to_string(&path).unwrap_or_else(|e| panic!("reading {}: {e}", path.display()));
            let relative = path.strip_prefix(root).expect("under the crate root");
            let parts: Vec<String> = relative.components().map(|c| c.as_os_str().to_string_lossy().into()).collect();
            found.push(Source { path: parts.join("/"), text });
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Check 1: one writer per owned table

/// Fails, naming file and line, if SQL outside the owner file writes one of `tables`.
fn assert_single_writer(tables: &[&str]) {
    let violations: Vec<String> =
        sources().iter().flat_map(|file| second_writers(tables, &file.path, &file.text)).collect();
    assert!(violations.is_empty(), "a second writer of {}:\n{}", tables.join(", "), violations.join("\n"));
}

/// Every write in `text` to one of `tables` when `path` is not the table's owner, each as one
/// line naming the file, the line, the statement and the owner.
fn second_writers(tables: &[&str], path: &str, text: &str) -> Vec<String> {
    let owned = OWNERS.iter().filter(|(table, owner)| tables.contains(table) && *owner != path);
    let owners: BTreeMap<&str, &str> = owned.map(|(table, owner)| (*table, *owner)).collect();
    writes(text)
        .into_iter()
        .filter_map(|(table, line, statement)| {
            owners.get(table).map(|owner| format!("{path}:{line}: `{statement}` outside {owner}"))
        })
        .collect()
}

/// Every write to an owned table in `text` (comments aside): the table, the line and the
/// statement, matched case-insensitively, any whitespace between the words, whole words only.
fn writes(text: &str) -> Vec<(&'static str, usize, String)> {
    let chars: Vec<char> = mask(text, true).iter().map(char::to_ascii_lowercase).collect();
    let mut found = Vec::new();
    for i in 0..chars.len() {
        if ident_before(&chars, i) {
            continue;
        }
        for verb in VERBS {
            if let Some(table) = written_table(&chars, i, verb) {
                found.push((table, line_of(&chars, i), format!("{} {table}", verb.join(" ").to_uppercase())));
            }
        }
    }
    found
}

/// The owned table written by the statement `verb` if one starts at `i`.
fn written_table(chars: &[char], i: usize, verb: &[&str]) -> Option<&'static str> {
    let end = phrase_end(chars, i, verb)?;
    let start = skip_whitespace(chars, end);
    if start == end {
        return None;
    }
    OWNERS
        .iter()
        .map(|(table, _)| *table)
        .find(|table| word_at(chars, start, table) && !ident_at(chars, start + table.len()))
}

/// If the words, one or more whitespace characters apart, start at `i`: the index after them.
fn phrase_end(chars: &[char], mut i: usize, words: &[&str]) -> Option<usize> {
    for (n, word) in words.iter().enumerate() {
        if n > 0 {
            let next = skip_whitespace(chars, i);
            if next == i {
                return None;
            }
            i = next;
        }
        if !word_at(chars, i, word) {
            return None;
        }
        i += word.chars().count();
    }
    Some(i)
}

// ---------------------------------------------------------------------------------------------
// Check 2: the dependency graph between contexts

/// For each context, the contexts its code names through `crate::` paths, each with the first
/// `path:line` that does. `super::` paths stay inside their context and are not followed.
type Graph = BTreeMap<&'static str, BTreeMap<&'static str, String>>;

/// The graph over `files`. A `crate::name` naming a `#[macro_export]` macro counts as a use of
/// the context that defines it; files outside the contexts (`api.rs`, `cli.rs`, …) are skipped.
fn dependencies(files: &[Source]) -> Graph {
    let macros = macro_owners(files);
    let mut graph: Graph = CONTEXTS.iter().map(|context| (*context, BTreeMap::new())).collect();
    for file in files {
        let Some(context) = context_of(&file.path) else { continue };
        let edges = graph.entry(context).or_default();
        for (name, line) in crate_paths(&file.text) {
            let target = CONTEXTS.iter().copied().find(|c| *c == name).or_else(|| macros.get(&name).copied());
            if let Some(target) = target.filter(|target| *target != context) {
                edges.entry(target).or_insert_with(|| format!("{}:{line}", file.path));
            }
        }
    }
    graph
}

/// Each `#[macro_export]` macro defined in a context (they live at the crate root, as
/// `crate::name!`), with that context.
fn macro_owners(files: &[Source]) -> BTreeMap<String, &'static str> {
    let mut owners = BTreeMap::new();
    for file in files {
        if let Some(context) = context_of(&file.path) {
            owners.extend(exported_macros(&file.text).into_iter().map(|name| (name, context)));
        }
    }
    owners
}

/// The context a file belongs to: the folder under `src/` it sits in, if that is a context.
fn context_of(path: &str) -> Option<&'static str> {
    let parts: Vec<&str> = path.split('/').collect();
    if parts.len() < 3 || parts[0] != "src" {
        return None;
    }
    CONTEXTS.iter().copied().find(|context| *context == parts[1])
}

/// The names of the `#[macro_export]` macros defined in `text`.
fn exported_macros(text: &str) -> Vec<String> {
    let code: String = mask(text, false).into_iter().collect();
    let mut names = Vec::new();
    for (at, _) in code.match_indices("#[macro_export]") {
        if let Some(found) = code[at..].find("macro_rules!") {
            let rest = code[at + found + "macro_rules!".len()..].trim_start();
            names.push(rest.chars().take_while(|c| is_ident(*c)).collect());
        }
    }
    names
}

/// The first segment and line of every `crate::` path in the code of `text`, each item of a
/// `crate::{a, b::c}` group counted.
fn crate_paths(text: &str) -> Vec<(String, usize)> {
    let chars = mask(text, false);
    let mut found = Vec::new();
    for i in 0..chars.len() {
        if ident_before(&chars, i) || !word_at(&chars, i, "crate::") {
            continue;
        }
        let start = skip_whitespace(&chars, i + "crate::".len());
        let line = line_of(&chars, i);
        if chars.get(start) == Some(&'{') {
            found.extend(group_heads(&chars, start).into_iter().map(|name| (name, line)));
        } else {
            found.push((ident_from(&chars, start), line));
        }
    }
    found
}

/// The first identifier of each top-level item of the `{…}` group opening at `open`.
fn group_heads(chars: &[char], open: usize) -> Vec<String> {
    let (mut heads, mut depth, mut expect, mut k) = (Vec::new(), 0, true, open);
    while k < chars.len() {
        let c = chars[k];
        if c == '{' {
            depth += 1;
        } else if c == '}' {
            depth -= 1;
            if depth == 0 {
                break;
            }
        } else if c == ',' && depth == 1 {
            expect = true;
        } else if depth == 1 && expect && is_ident(c) {
            let name = ident_from(chars, k);
            k += name.chars().count();
            heads.push(name);
            expect = false;
            continue;
        }
        k += 1;
    }
    heads
}

/// A cycle in the graph, as the contexts along it with the first repeated at the end.
fn find_cycle(graph: &Graph) -> Option<Vec<&'static str>> {
    let mut done = Vec::new();
    for context in CONTEXTS {
        if !done.contains(&context) {
            let cycle = visit(graph, context, &mut Vec::new(), &mut done);
            if cycle.is_some() {
                return cycle;
            }
        }
    }
    None
}

/// Depth-first from `node`, with `path` the contexts being visited: the first cycle met.
fn visit(
    graph: &Graph,
    node: &'static str,
    path: &mut Vec<&'static str>,
    done: &mut Vec<&'static str>,
) -> Option<Vec<&'static str>> {
    path.push(node);
    for dependency in graph[node].keys().copied() {
        if let Some(start) = path.iter().position(|on_path| *on_path == dependency) {
            let mut cycle = path[start..].to_vec();
            cycle.push(dependency);
            return Some(cycle);
        }
        if !done.contains(&dependency) {
            let cycle = visit(graph, dependency, path, done);
            if cycle.is_some() {
                return cycle;
            }
        }
    }
    path.pop();
    done.push(node);
    None
}

/// The edges along `path`, one a line, each with where it is first made.
fn describe_path(graph: &Graph, path: &[&str]) -> String {
    let edges = path.windows(2).map(|pair| format!("  {} → {} ({})", pair[0], pair[1], graph[pair[0]][pair[1]]));
    edges.collect::<Vec<_>>().join("\n")
}

// ---------------------------------------------------------------------------------------------
// Check 3: function length

/// A function with a body: its name, the line of its `fn` and how many lines it spans.
struct Function {
    name: String,
    line: usize,
    lines: usize,
}

/// Every function over the limit in `text`, as `path:line: fn name spans n lines`.
fn long_functions(path: &str, text: &str) -> Vec<String> {
    if LENGTH_EXEMPT.contains(&path) {
        return Vec::new();
    }
    let long = functions(text).into_iter().filter(|f| f.lines > MAX_FUNCTION_LINES);
    long.map(|f| format!("{path}:{}: fn {} spans {} lines", f.line, f.name, f.lines)).collect()
}

/// Every `fn` with a body in `text` (methods, nested functions and tests included).
fn functions(text: &str) -> Vec<Function> {
    let chars = mask(text, false);
    (0..chars.len()).filter_map(|i| function_at(&chars, i)).collect()
}

/// The function whose `fn` keyword starts at `i`, unless it is a bodiless declaration or a
/// `fn(…)` pointer type.
fn function_at(chars: &[char], i: usize) -> Option<Function> {
    if ident_before(chars, i) || !word_at(chars, i, "fn") || !chars.get(i + 2).is_some_and(|c| c.is_whitespace()) {
        return None;
    }
    let start = skip_whitespace(chars, i + 2);
    let name = ident_from(chars, start);
    if name.is_empty() || name.starts_with(|c: char| c.is_ascii_digit()) {
        return None;
    }
    let open = body_start(chars, start + name.chars().count())?;
    let line = line_of(chars, i);
    let lines = line_of(chars, matching_brace(chars, open)) - line + 1;
    Some(Function { name, line, lines })
}

/// The opening brace of the body after a signature starting at `i`; `None` at a `;` first.
fn body_start(chars: &[char], i: usize) -> Option<usize> {
    let mut depth = 0i32;
    for (k, c) in chars.iter().enumerate().skip(i) {
        match c {
            '(' | '[' => depth += 1,
            ')' | ']' => depth -= 1,
            '{' if depth == 0 => return Some(k),
            ';' if depth == 0 => return None,
            _ => {}
        }
    }
    None
}

/// The brace closing the one at `open` (the end of the text if none does).
fn matching_brace(chars: &[char], open: usize) -> usize {
    let mut depth = 0;
    for (k, c) in chars.iter().enumerate().skip(open) {
        if *c == '{' {
            depth += 1;
        } else if *c == '}' {
            depth -= 1;
            if depth == 0 {
                return k;
            }
        }
    }
    chars.len().saturating_sub(1)
}

// ---------------------------------------------------------------------------------------------
// The lexer

/// What a lexeme is: a comment, a string or char literal (with the range of its contents), or
/// anything else.
enum Lexeme {
    Comment,
    Literal(usize, usize),
    Code,
}

/// `text` as characters with every comment blanked and, unless `keep_literals`, the contents of
/// every string and char literal too. Newlines stay, so lines and columns do not move.
fn mask(text: &str, keep_literals: bool) -> Vec<char> {
    let chars: Vec<char> = text.chars().collect();
    let mut out = chars.clone();
    let mut i = 0;
    while i < chars.len() {
        let (lexeme, end) = lexeme(&chars, i);
        let blank = match lexeme {
            Lexeme::Comment => i..end,
            Lexeme::Literal(from, to) if !keep_literals => from..to,
            _ => 0..0,
        };
        for c in &mut out[blank.start.min(chars.len())..blank.end.min(chars.len())] {
            if *c != '\n' {
                *c = ' ';
            }
        }
        i = end;
    }
    out
}

/// The lexeme starting at `i` and the index just after it.
fn lexeme(chars: &[char], i: usize) -> (Lexeme, usize) {
    let len = chars.len();
    match (chars[i], chars.get(i + 1)) {
        ('/', Some('/')) => (Lexeme::Comment, (i..len).find(|k| chars[*k] == '\n').unwrap_or(len)),
        ('/', Some('*')) => (Lexeme::Comment, block_comment_end(chars, i)),
        _ if raw_string_start(chars, i).is_some() => {
            let (hashes, quote) = raw_string_start(chars, i).expect("a raw string");
            let close = raw_string_close(chars, quote, hashes);
            (Lexeme::Literal(quote + 1, close), (close + 1 + hashes).min(len))
        }
        ('"', _) => {
            let close = string_close(chars, i);
            (Lexeme::Literal(i + 1, close), (close + 1).min(len))
        }
        ('\'', _) => match char_literal_end(chars, i) {
            Some(end) => (Lexeme::Literal(i + 1, end - 1), end.min(len)),
            None => (Lexeme::Code, i + 1),
        },
        (c, _) if is_ident(c) => (Lexeme::Code, i + ident_from(chars, i).chars().count()),
        _ => (Lexeme::Code, i + 1),
    }
}

/// The index after the (possibly nested) block comment starting at `i`.
fn block_comment_end(chars: &[char], i: usize) -> usize {
    let (mut depth, mut k) = (1, i + 2);
    while k < chars.len() && depth > 0 {
        match (chars[k], chars.get(k + 1)) {
            ('/', Some('*')) => (depth, k) = (depth + 1, k + 2),
            ('*', Some('/')) => (depth, k) = (depth - 1, k + 2),
            _ => k += 1,
        }
    }
    k
}

/// If a raw string (`r"…"`, `r#"…"#`, `br"…"`, `cr"…"`) starts at `i`: its number of `#` and
/// the index of its opening quote. Raw identifiers (`r#type`) are not raw strings.
fn raw_string_start(chars: &[char], i: usize) -> Option<(usize, usize)> {
    let r = if matches!(chars.get(i), Some('b' | 'c')) { i + 1 } else { i };
    if chars.get(r) != Some(&'r') || ident_before(chars, i) {
        return None;
    }
    let hashes = chars[r + 1..].iter().take_while(|c| **c == '#').count();
    (chars.get(r + 1 + hashes) == Some(&'"')).then_some((hashes, r + 1 + hashes))
}

/// The index of the quote closing a raw string with `hashes` `#` opened at `quote`.
fn raw_string_close(chars: &[char], quote: usize, hashes: usize) -> usize {
    let closes = |k: usize| chars[k] == '"' && (1..=hashes).all(|h| chars.get(k + h) == Some(&'#'));
    (quote + 1..chars.len()).find(|k| closes(*k)).unwrap_or(chars.len())
}

/// The index of the quote closing the string opened at `i`, escapes skipped.
fn string_close(chars: &[char], i: usize) -> usize {
    let mut k = i + 1;
    while k < chars.len() && chars[k] != '"' {
        k += if chars[k] == '\\' { 2 } else { 1 };
    }
    k
}

/// If a char literal (`'{'`, `'\''`, `'\u{7b}'`) opens at `i`: the index after it. `None` for a
/// lifetime or label (`'a`).
fn char_literal_end(chars: &[char], i: usize) -> Option<usize> {
    if chars.get(i + 1) == Some(&'\\') {
        let quote = if chars.get(i + 2) == Some(&'\'') { i + 3 } else { i + 2 };
        let close = (quote..chars.len()).find(|k| chars[*k] == '\'' || chars[*k] == '\n').unwrap_or(chars.len());
        return Some(close + 1);
    }
    (chars.get(i + 2) == Some(&'\'')).then_some(i + 3)
}

// ---------------------------------------------------------------------------------------------
// Small helpers over characters

/// Whether `c` can be part of an identifier.
fn is_ident(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// Whether the character at `i` exists and can be part of an identifier.
fn ident_at(chars: &[char], i: usize) -> bool {
    chars.get(i).is_some_and(|c| is_ident(*c))
}

/// Whether the character before `i` can be part of an identifier (so `i` starts no word).
fn ident_before(chars: &[char], i: usize) -> bool {
    i.checked_sub(1).is_some_and(|before| ident_at(chars, before))
}

/// The identifier starting at `i` (empty if none does).
fn ident_from(chars: &[char], i: usize) -> String {
    chars.iter().skip(i).take_while(|c| is_ident(**c)).collect()
}

/// Whether `word` is spelled out at `i`.
fn word_at(chars: &[char], i: usize, word: &str) -> bool {
    word.chars().enumerate().all(|(k, c)| chars.get(i + k) == Some(&c))
}

/// The first index from `i` that is not whitespace.
fn skip_whitespace(chars: &[char], i: usize) -> usize {
    (i..chars.len()).find(|k| !chars[*k].is_whitespace()).unwrap_or(chars.len().max(i))
}

/// The line (from 1) the character at `index` is on.
fn line_of(chars: &[char], index: usize) -> usize {
    chars[..index.min(chars.len())].iter().filter(|c| **c == '\n').count() + 1
}
