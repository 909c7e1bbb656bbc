//! Bulk loading with PostgreSQL's `COPY … FROM STDIN` (text format): a row buffer that escapes
//! what the format needs escaped, and the one call that sends it. A store that offers a bulk
//! import names its table and columns; the caller fills the rows in that column order.

use std::fmt::Display;

use sqlx::PgConnection;

/// Rows in COPY text format: tab-separated fields, `\N` for NULL, one row per line.
#[derive(Debug, Default)]
pub struct CopyRows {
    text: String,
    rows: u64,
    fields_in_row: usize,
}

impl CopyRows {
    /// An empty buffer.
    pub fn new() -> Self {
        Self::default()
    }

    /// Appends a text field, escaping backslash, tab, newline and carriage return.
    pub fn text(&mut self, value: &str) -> &mut Self {
        self.separate();
        for c in value.chars() {
            match c {
                '\\' => self.text.push_str("\\\\"),
                '\t' => self.text.push_str("\\t"),
                '\n' => self.text.push_str("\\n"),
                '\r' => self.text.push_str("\\r"),
                c => self.text.push(c),
            }
        }
        self
    }

    /// Appends a field whose text form needs no escaping (numbers, dates, timestamps, UUIDs).
    pub fn plain(&mut self, value: impl Display) -> &mut Self {
        use std::fmt::Write;
        self.separate();
        let _ = write!(self.text, "{value}");
        self
    }

    /// Appends a text field or NULL.
    pub fn opt_text(&mut self, value: Option<&str>) -> &mut Self {
        match value {
            Some(v) => self.text(v),
            None => self.null(),
        }
    }

    /// Appends a plain field or NULL.
    pub fn opt_plain(&mut self, value: Option<impl Display>) -> &mut Self {
        match value {
            Some(v) => self.plain(v),
            None => self.null(),
        }
    }

    /// Appends NULL.
    pub fn null(&mut self) -> &mut Self {
        self.separate();
        self.text.push_str("\\N");
        self
    }

    /// Ends the current row.
    pub fn end_row(&mut self) {
        self.text.push('\n');
        self.rows += 1;
        self.fields_in_row = 0;
    }

    /// How many rows are complete.
    pub fn rows(&self) -> u64 {
        self.rows
    }

    /// Whether no row was written.
    pub fn is_empty(&self) -> bool {
        self.rows == 0
    }

    fn separate(&mut self) {
        if self.fields_in_row > 0 {
            self.text.push('\t');
        }
        self.fields_in_row += 1;
    }
}

/// Sends `rows` with `COPY {target} FROM STDIN`, where `target` is `table (columns…)`; returns
/// the rows PostgreSQL stored.
pub async fn copy_in(conn: &mut PgConnection, target: &str, rows: CopyRows) -> sqlx::Result<u64> {
    if rows.is_empty() {
        return Ok(0);
    }
    let mut copy = conn.copy_in_raw(&format!("COPY {target} FROM STDIN")).await?;
    copy.send(rows.text.into_bytes()).await?;
    copy.finish().await
}

/// The secondary indexes and foreign keys of some tables, set aside for a bulk load and put back
/// after it, as `pg_restore` does: building an index once over all the rows and validating a
/// foreign key in one join is many times faster than maintaining them row by row. Primary keys
/// and unique constraints stay, so duplicates are refused as they arrive; everything set aside
/// is rebuilt (and so re-checked) in the same transaction before it commits.
#[derive(Debug, Default)]
pub struct SetAside {
    restore: Vec<String>,
}

/// Drops the foreign keys declared on `tables` and their indexes that back no constraint.
/// Their tables stay locked until the transaction ends.
pub async fn set_aside_indexes_and_foreign_keys(conn: &mut PgConnection, tables: &[&str]) -> sqlx::Result<SetAside> {
    let foreign_keys: Vec<(String, String, String)> = sqlx::query_as(
        "SELECT conrelid::regclass::text, quote_ident(conname), pg_get_constraintdef(oid)
           FROM pg_constraint WHERE contype = 'f' AND conrelid = ANY($1::text[]::regclass[]) ORDER BY oid",
    )
    .bind(tables)
    .fetch_all(&mut *conn)
    .await?;
    let indexes: Vec<(String, String)> = sqlx::query_as(
        "SELECT x.indexrelid::regclass::text, pg_get_indexdef(x.indexrelid)
           FROM pg_index x
          WHERE x.indrelid = ANY($1::text[]::regclass[])
            AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = x.indexrelid)
          ORDER BY x.indexrelid",
    )
    .bind(tables)
    .fetch_all(&mut *conn)
    .await?;
    let mut set_aside = SetAside::default();
    for (table, name, definition) in foreign_keys {
        sqlx::query(&format!("ALTER TABLE {table} DROP CONSTRAINT {name}")).execute(&mut *conn).await?;
        set_aside.restore.push(format!("ALTER TABLE {table} ADD CONSTRAINT {name} {definition}"));
    }
    for (index, definition) in indexes {
        sqlx::query(&format!("DROP INDEX {index}")).execute(&mut *conn).await?;
        // Indexes before the foreign keys that may rest on them.
        set_aside.restore.insert(0, definition);
    }
    Ok(set_aside)
}

impl SetAside {
    /// Rebuilds every index and foreign key, checking the loaded rows against them.
    pub async fn restore(self, conn: &mut PgConnection) -> sqlx::Result<()> {
        for statement in self.restore {
            sqlx::query(&statement).execute(&mut *conn).await?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_are_tab_separated_and_escaped() {
        let mut rows = CopyRows::new();
        rows.text("a\tb\\c\nd").plain(42).null().opt_text(Some("x")).opt_plain(None::<i64>);
        rows.end_row();
        rows.plain("2026-12-03").end_row();
        assert_eq!(rows.text, "a\\tb\\\\c\\nd\t42\t\\N\tx\t\\N\n2026-12-03\n");
        assert_eq!(rows.rows(), 2);
    }
}
