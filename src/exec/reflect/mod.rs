//! Schema reflection: [`Engine::reflect`] reads tables from a live database into quarry's own
//! metadata ([`MetaData`], [`Table`], [`crate::ColumnDef`], [`crate::SqlType`], constraints,
//! indexes, comments, enum types).
//!
//! Each backend reads its catalog with a fixed number of queries whatever the number of tables
//! (PostgreSQL four, the MySQL family six, SQLite three), and the rows are interpreted by pure functions
//! in this module's children. The result is in the canonical form described in
//! [`crate::migrate::normalize`], which maps a declared schema to what reflection returns:
//! types map back to the natural declared type where that is unambiguous, and a type quarry
//! has no [`crate::SqlType`] for is [`crate::SqlType::Custom`] with the database's spelling,
//! never dropped.
//!
//! Indexes that back a primary key or unique constraint are not listed as indexes, nor (on
//! the MySQL family) the index the database adds on its own for a foreign key.

mod mysql;
mod postgres;
mod sqlite;

use super::Engine;
use crate::compile::normalize::{canonical_literal, canonical_order, Family};
use crate::error::{Error, Result};
use crate::schema::{FkAction, MetaData, ServerDefault, SqlType, Table};
use crate::value::{Row, Value};

/// Which tables [`Engine::reflect`] reads.
///
/// By default: every table of the default schema (PostgreSQL's `current_schema()`, the MySQL
/// connection's database, SQLite's `main`).
///
/// ```
/// use quarry::migrate::ReflectOptions;
/// let all = ReflectOptions::new();
/// let some = ReflectOptions::new().schema("app").only(["users", "orders"]);
/// let tests = ReflectOptions::new().prefix("t_");
/// assert_eq!(some.tables(), Some(&["users".to_owned(), "orders".to_owned()][..]));
/// assert_eq!(all.tables(), None);
/// assert_eq!(tests.table_prefix(), Some("t_"));
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ReflectOptions {
    schema: Option<String>,
    only: Option<Vec<String>>,
    prefix: Option<String>,
}

impl ReflectOptions {
    /// Every table of the default schema.
    ///
    /// ```
    /// assert_eq!(quarry::migrate::ReflectOptions::new(), Default::default());
    /// ```
    pub fn new() -> Self {
        ReflectOptions::default()
    }

    /// Reads schema `schema` (PostgreSQL schema, MySQL database) instead of the default one;
    /// the reflected tables then carry it as [`Table::schema`]. Ignored on SQLite, which reads
    /// `main`.
    ///
    /// ```
    /// let o = quarry::migrate::ReflectOptions::new().schema("audit");
    /// assert_eq!(o.schema_name(), Some("audit"));
    /// ```
    pub fn schema(mut self, schema: impl Into<String>) -> Self {
        self.schema = Some(schema.into());
        self
    }

    /// Reads these tables only; one that does not exist is [`Error::TableNotFound`].
    ///
    /// ```
    /// let o = quarry::migrate::ReflectOptions::new().only(["a", "b"]);
    /// assert_eq!(o.tables().map(<[String]>::len), Some(2));
    /// ```
    pub fn only<I, S>(mut self, tables: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.only = Some(tables.into_iter().map(Into::into).collect());
        self
    }

    /// Reads the tables whose name starts with `prefix` only (matched exactly, case included).
    ///
    /// ```
    /// let o = quarry::migrate::ReflectOptions::new().prefix("app_");
    /// assert_eq!(o.table_prefix(), Some("app_"));
    /// ```
    pub fn prefix(mut self, prefix: impl Into<String>) -> Self {
        self.prefix = Some(prefix.into());
        self
    }

    /// The schema given with [`ReflectOptions::schema`].
    ///
    /// ```
    /// assert_eq!(quarry::migrate::ReflectOptions::new().schema_name(), None);
    /// ```
    pub fn schema_name(&self) -> Option<&str> {
        self.schema.as_deref()
    }

    /// The tables given with [`ReflectOptions::only`].
    ///
    /// ```
    /// assert_eq!(quarry::migrate::ReflectOptions::new().tables(), None);
    /// ```
    pub fn tables(&self) -> Option<&[String]> {
        self.only.as_deref()
    }

    /// The prefix given with [`ReflectOptions::prefix`].
    ///
    /// ```
    /// assert_eq!(quarry::migrate::ReflectOptions::new().table_prefix(), None);
    /// ```
    pub fn table_prefix(&self) -> Option<&str> {
        self.prefix.as_deref()
    }

    /// Whether a table named `name` is wanted (the SQL filter is a first cut only: SQLite's
    /// LIKE ignores case).
    fn wants(&self, name: &str) -> bool {
        self.prefix.as_deref().is_none_or(|p| name.starts_with(p))
            && self
                .only
                .as_ref()
                .is_none_or(|only| only.iter().any(|o| o == name))
    }
}

/// Bound parameters of a catalog query, with the placeholder each takes.
struct Params {
    numbered: bool,
    values: Vec<Value>,
}

impl Params {
    fn new(numbered: bool) -> Self {
        Params {
            numbered,
            values: Vec::new(),
        }
    }

    fn push(&mut self, v: Value) -> String {
        self.values.push(v);
        if self.numbered {
            // Every catalog parameter is text; PostgreSQL is told so.
            format!("${}::text", self.values.len())
        } else {
            "?".to_owned()
        }
    }

    /// ` AND <column> IN (…)` / ` AND <column> LIKE 'prefix%'` for the options' table filter.
    fn table_filter(&mut self, column: &str, options: &ReflectOptions) -> String {
        let mut out = String::new();
        if let Some(only) = &options.only {
            out.push_str(" AND ");
            out.push_str(column);
            if only.is_empty() {
                out.push_str(" IS NULL");
            } else {
                out.push_str(" IN (");
                for (i, name) in only.iter().enumerate() {
                    if i > 0 {
                        out.push_str(", ");
                    }
                    out.push_str(&self.push(Value::Text(name.clone())));
                }
                out.push(')');
            }
        }
        if let Some(prefix) = &options.prefix {
            let mut pattern = String::new();
            for ch in prefix.chars() {
                if matches!(ch, '!' | '%' | '_') {
                    pattern.push('!');
                }
                pattern.push(ch);
            }
            pattern.push('%');
            out.push_str(" AND ");
            out.push_str(column);
            out.push_str(" LIKE ");
            out.push_str(&self.push(Value::Text(pattern)));
            out.push_str(" ESCAPE '!'");
        }
        out
    }
}

/// One catalog query: SQL text and its parameters.
struct Query {
    sql: String,
    params: Vec<Value>,
}

impl Engine {
    /// Reads the tables chosen by `options` from the database into [`MetaData`], in the
    /// canonical form of [`crate::migrate::normalize`] (see the rules there), with a fixed
    /// number of catalog queries whatever the number of tables (PostgreSQL four, the MySQL
    /// family six, SQLite three).
    ///
    /// Types map back to the declared type where that is unambiguous: PostgreSQL's
    /// `character varying(n)`, `numeric(p,s)`, `timestamp with time zone`, `json`/`jsonb`,
    /// named enums (with their values, and their schema when not the current one), identity
    /// and `serial` columns (`autoincrement`, no default); the MySQL family's `tinyint(1)`
    /// (Boolean, as quarry writes it), `float`, `longtext`/`longblob`, `time(6)`,
    /// `datetime(6)` (Timestamp), `uuid`, inline `ENUM(…)` (named after the column),
    /// MariaDB's `JSON` (LONGTEXT with a `json_valid` check, which is not listed as a check);
    /// SQLite's declared type text as quarry writes it, `INTEGER PRIMARY KEY` being the rowid
    /// (`autoincrement`). Anything else is [`crate::SqlType::Custom`] with the database's
    /// spelling (`inet`, `integer[]`, `set('a','b')`, `int(10) unsigned`, `WHATEVER`).
    /// Check expressions and index predicates are the database's text; an expression index
    /// column is its expression's text.
    ///
    /// ```no_run
    /// # async fn demo(engine: quarry::Engine) -> quarry::Result<()> {
    /// use quarry::migrate::ReflectOptions;
    /// let md = engine.reflect(&ReflectOptions::new().only(["users"])).await?;
    /// let users = md.table("users").expect("reflected");
    /// println!("{} columns, primary key {:?}", users.columns.len(), users.primary_key);
    /// # Ok(()) }
    /// ```
    pub async fn reflect(&self, options: &ReflectOptions) -> Result<MetaData> {
        let dialect = self.dialect();
        let family = Family::of(dialect);
        let queries = match family {
            Family::Postgres => postgres::queries(options),
            Family::MySql { mariadb } => mysql::queries(options, mariadb),
            Family::Sqlite => sqlite::queries(options),
        };
        let mut conn = self.acquire().await?;
        let mut results = Vec::with_capacity(queries.len());
        for q in &queries {
            results.push(conn.fetch_sql(&q.sql, &q.params).await?);
        }
        drop(conn);
        let mut tables = match family {
            Family::Postgres => postgres::interpret(&results, options)?,
            Family::MySql { .. } => mysql::interpret(&results, options)?,
            Family::Sqlite => sqlite::interpret(&results, options)?,
        };
        tables.retain(|t| options.wants(&t.name));
        if let Some(only) = &options.only {
            if let Some(missing) = only.iter().find(|n| !tables.iter().any(|t| &t.name == *n)) {
                return Err(Error::TableNotFound {
                    table: match &options.schema {
                        Some(s) if family != Family::Sqlite => format!("{s}.{missing}"),
                        _ => missing.clone(),
                    },
                });
            }
        }
        let mut md = MetaData::new();
        for mut t in tables {
            for c in &mut t.columns {
                c.primary_key = t
                    .primary_key
                    .as_ref()
                    .is_some_and(|pk| pk.columns.contains(&c.name));
            }
            canonical_order(&mut t);
            md = md.with(t);
        }
        Ok(md)
    }
}

/// Cell `i` of a catalog row as text (`None` for NULL); numbers and flags are written out.
fn text(row: &Row, i: usize) -> Result<Option<String>> {
    Ok(match row.value(i)? {
        Value::Null(_) => None,
        Value::Text(s) | Value::Json(s) => Some(s.clone()),
        Value::Bytes(b) => Some(String::from_utf8_lossy(b).into_owned()),
        Value::Bool(b) => Some(if *b { "1" } else { "0" }.to_owned()),
        Value::I16(n) => Some(n.to_string()),
        Value::I32(n) => Some(n.to_string()),
        Value::I64(n) => Some(n.to_string()),
        other => Some(format!("{other:?}")),
    })
}

/// Cell `i` as text, NULL being the empty string.
fn string(row: &Row, i: usize) -> Result<String> {
    Ok(text(row, i)?.unwrap_or_default())
}

/// Cell `i` as an integer (0 for NULL).
fn int(row: &Row, i: usize) -> Result<i64> {
    Ok(match row.value(i)? {
        Value::I16(n) => i64::from(*n),
        Value::I32(n) => i64::from(*n),
        Value::I64(n) => *n,
        Value::Bool(b) => i64::from(*b),
        v => match text(row, i)? {
            Some(s) => s.trim().parse().map_err(|_| Error::Decode {
                column: row.columns().get(i).cloned().unwrap_or_default(),
                message: format!("expected an integer, got {v:?}"),
            })?,
            None => 0,
        },
    })
}

/// Cell `i` as a flag: true, a non-zero number, `t`, `YES`.
fn flag(row: &Row, i: usize) -> Result<bool> {
    Ok(match row.value(i)? {
        Value::Bool(b) => *b,
        Value::Null(_) => false,
        _ => {
            matches!(
                string(row, i)?.to_ascii_lowercase().as_str(),
                "1" | "t" | "true" | "yes" | "y"
            ) || int(row, i).is_ok_and(|n| n != 0)
        }
    })
}

/// The table named `name` in `tables`, created (with `schema`) when missing.
fn table_mut<'t>(tables: &'t mut Vec<Table>, schema: Option<&str>, name: &str) -> &'t mut Table {
    // Rows come sorted by table, so the table is nearly always the last one.
    let pos = match tables.iter().rposition(|t| t.name == name) {
        Some(p) => p,
        None => {
            let mut t = Table::new(name);
            t.schema = schema.map(str::to_owned);
            tables.push(t);
            tables.len() - 1
        }
    };
    &mut tables[pos]
}

/// `s` without one pair of parentheses around the whole of it.
fn strip_parens(s: &str) -> &str {
    let t = s.trim();
    if !(t.starts_with('(') && t.ends_with(')')) {
        return t;
    }
    let toks = crate::compile::normalize::tokens_spanned(t);
    let mut depth = 0i32;
    for (k, (tok, _)) in toks.iter().enumerate() {
        match tok {
            crate::compile::normalize::Token::Open => depth += 1,
            crate::compile::normalize::Token::Close => {
                depth -= 1;
                if depth == 0 && k + 1 != toks.len() {
                    return t;
                }
            }
            _ => {}
        }
    }
    t[1..t.len() - 1].trim()
}

/// A single-quoted SQL string's content (`''` and, where `backslash`, `\x` unescaped), when
/// `s` is exactly one such literal; returns the rest after the closing quote too.
fn unquote(s: &str, backslash: bool) -> Option<(String, &str)> {
    let body = s.strip_prefix('\'')?;
    let mut out = String::new();
    let mut chars = body.char_indices();
    while let Some((i, c)) = chars.next() {
        match c {
            '\'' => {
                if body[i + 1..].starts_with('\'') {
                    chars.next();
                    out.push('\'');
                } else {
                    return Some((out, &body[i + 1..]));
                }
            }
            '\\' if backslash => match chars.next() {
                Some((_, 'n')) => out.push('\n'),
                Some((_, 't')) => out.push('\t'),
                Some((_, 'r')) => out.push('\r'),
                Some((_, '0')) => out.push('\0'),
                Some((_, 'Z')) => out.push('\u{1a}'),
                Some((_, other)) => out.push(other),
                None => return None,
            },
            c => out.push(c),
        }
    }
    None
}

/// Catalog rows for the interpretation tests: `width` columns, `None` for NULL, text cells.
#[cfg(test)]
pub(super) fn rows(width: usize, data: &[&[Option<&str>]]) -> Vec<Row> {
    let names: std::sync::Arc<[String]> = (0..width).map(|i| format!("c{i}")).collect();
    data.iter()
        .map(|r| {
            assert_eq!(r.len(), width, "row width");
            let values = r
                .iter()
                .map(|c| match c {
                    Some(s) => Value::Text((*s).to_owned()),
                    None => Value::Null(crate::value::ValueType::Text),
                })
                .collect();
            Row::new(names.clone(), values)
        })
        .collect()
}

/// A foreign-key action as the MySQL family's and SQLite's catalogs spell it.
fn fk_action(rule: &str) -> Option<FkAction> {
    match rule {
        "RESTRICT" => Some(FkAction::Restrict),
        "CASCADE" => Some(FkAction::Cascade),
        "SET NULL" => Some(FkAction::SetNull),
        "SET DEFAULT" => Some(FkAction::SetDefault),
        "NO ACTION" => Some(FkAction::NoAction),
        _ => None,
    }
}

/// A reflected default of a column of type `ty`: the `literal` read from its text `def` in
/// canonical form, or the text as an expression when it is no literal; `None` for a NULL
/// default.
fn reflected_default(literal: Option<Value>, ty: &SqlType, def: &str) -> Option<ServerDefault> {
    Some(match literal.map(|v| canonical_literal(&v, ty)) {
        Some(Some(v)) => ServerDefault::Literal(v),
        Some(None) => return None,
        None => ServerDefault::Expression(def.to_owned()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn options_filter_tables() {
        let o = ReflectOptions::new().prefix("rf_").only(["rf_a", "x"]);
        assert!(o.wants("rf_a"));
        assert!(!o.wants("x"), "the prefix applies too");
        assert!(!o.wants("RF_A"));
        let mut p = Params::new(true);
        p.push(Value::Text("public".into()));
        assert_eq!(
            p.table_filter("c.relname", &o),
            " AND c.relname IN ($2::text, $3::text) AND c.relname LIKE $4::text ESCAPE '!'"
        );
        assert_eq!(p.values[3], Value::Text("rf!_%".into()));
    }

    #[test]
    fn parentheses_and_quotes() {
        assert_eq!(strip_parens("(a > 0)"), "a > 0");
        assert_eq!(strip_parens("(a) + (b)"), "(a) + (b)");
        assert_eq!(strip_parens("('(')"), "'('");
        assert_eq!(
            unquote("'it''s'::text", false),
            Some(("it's".into(), "::text"))
        );
        assert_eq!(unquote(r"'a\'b'", true), Some(("a'b".into(), "")));
        assert_eq!(unquote("'open", false), None);
    }

    #[test]
    fn missing_table_error_names_it() {
        let e = Error::TableNotFound {
            table: "app.nope".into(),
        };
        assert_eq!(e.kind(), crate::error::ErrorKind::NotFound);
        assert!(e.to_string().contains("app.nope"));
    }
}
