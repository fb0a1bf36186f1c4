//! What a declared schema looks like once a database has stored it: [`normalize`].
//!
//! [`crate::Engine::reflect`] reads tables back in one canonical form, and `normalize` maps
//! declared metadata to that same form for a dialect, so that comparing the two (as
//! `quarry::migrate` does) finds no difference for an up-to-date database.
//!
//! The rules are listed in the documentation of [`normalize`].

use super::dialect::{CommentStyle, EnumStyle, Features};
use super::{validate, Dialect, SqlWriter};
use crate::schema::{
    Check, ColumnDef, FkAction, MetaData, PrimaryKey, ServerDefault, SqlType, Table, Unique,
};
use crate::value::Value;
use std::collections::HashSet;

/// Which catalog family a dialect reads, by its name.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Family {
    Postgres,
    MySql { mariadb: bool },
    Sqlite,
}

impl Family {
    pub(crate) fn of(d: &dyn Dialect) -> Family {
        match d.name() {
            "mysql" => Family::MySql { mariadb: false },
            "mariadb" => Family::MySql { mariadb: true },
            "sqlite" => Family::Sqlite,
            _ => Family::Postgres,
        }
    }
}

/// The metadata `metadata` turns into once created on `dialect` and read back with
/// [`crate::Engine::reflect`], so that comparing the two finds no difference for an
/// up-to-date database.
///
/// # The canonical form
///
/// - Columns keep their declared order. `default` (quarry's client-side default) and
///   `foreign_key` are `None` and `unique` is `false`: single-column uniques and foreign keys
///   live in the table's lists.
/// - A primary key is always `Table::primary_key` (with the database's name for it), and each
///   of its columns also has `primary_key` set and is NOT NULL.
/// - Foreign keys, uniques and checks are sorted by name (then columns / expression), indexes
///   by name; `ref_schema` is `None` when it is the table's own schema.
///
/// # Normalisations, per dialect
///
/// Every dialect:
/// 1. A column-level `unique` becomes a [`Unique`] on that column (after the PK and before the
///    table-level ones, the order in which the database names them).
/// 2. Unnamed constraints get the name the database generates (below); SQLite keeps no name for
///    primary keys, uniques and foreign keys, so those names are dropped there.
/// 3. `ON DELETE` / `ON UPDATE NO ACTION` is the default and becomes `None`; on the MySQL
///    family, whose catalog reports an action left out as `RESTRICT` (and an explicit
///    `NO ACTION` as such), `None` becomes `Some(Restrict)`.
/// 4. Literal server defaults take one value type per column type: integers `I64`, floats
///    `F64`, booleans `Bool` (`1`/`0` on a boolean column too), everything else `Text` with the
///    text the literal has in SQL (a decimal's digits, a date's `YYYY-MM-DD`); `NULL` is no
///    default. Expression defaults are compared as the database prints them: only the spellings
///    listed below are rewritten.
/// 5. An index's access method `btree` is the default and becomes `None`.
/// 6. Quarry's own deferred foreign keys (those in a reference cycle, added by ALTER TABLE on
///    PostgreSQL and the MySQL family) are named `fk_<table>_<columns>` as
///    `MetaData::create_all_ddl` names them.
///
/// PostgreSQL:
/// 7. Unnamed constraints are named as PostgreSQL does: `<table>_pkey`,
///    `<table>_<columns>_key` (unique), `<table>_<columns>_fkey`, `<table>_<column>_check` for a
///    check that names one column and `<table>_check` otherwise, each cut to 63 bytes as
///    PostgreSQL cuts them and numbered (`…_check1`) when taken.
/// 8. `Enum` types get the schema `None` when declared in the default schema.
///
/// MySQL / MariaDB:
/// 9. `TimestampTz` is `Timestamp` (both are `DATETIME(6)`); `Uuid` is `Char(36)` on MySQL
///    (MariaDB has `UUID`); `Text` in a key is `Varchar(255)` ([`Features::text_key_varchar`]).
/// 10. An enum becomes an inline `ENUM`, reflected with the column's name as its name.
/// 11. The primary key is named `PRIMARY`; an unnamed unique takes its first column's name
///     (`col_2`, `col_3`… when taken); an unnamed foreign key is `<table>_ibfk_<n>`, an unnamed
///     check `CONSTRAINT_<n>`, numbered in declaration order.
/// 12. A unique index whose columns are all ascending is a unique constraint there, so it
///     becomes a [`Unique`] named after the index.
/// 13. Comments: an empty comment is no comment.
/// 14. `CURRENT_TIMESTAMP` as a default expression is printed `current_timestamp(6)` on a
///     `DATETIME(6)` column (`current_timestamp()` elsewhere); a `DECIMAL` literal default is
///     printed with all its scale's digits (`1.5` → `1.50`).
///
/// SQLite:
/// 15. `Uuid` is `Char(36)`, `Json` is `Text`, an `Enum` is `Varchar(longest value)` plus an
///     unnamed check `col IN ('a', …)`.
/// 16. An integer column that is the whole primary key is SQLite's rowid (`INTEGER`): its type
///     becomes `Integer` and `autoincrement` is set; `autoincrement` is cleared elsewhere.
/// 17. Comments are dropped (SQLite has none).
/// 18. Default expressions are kept as written, without the parentheses quarry's DDL puts
///     around them (SQLite stores the text inside them).
///
/// # Not normalised
///
/// Check expressions, partial-index predicates and default expressions are compared as text:
/// a database that rewrites them (PostgreSQL adds casts such as `role::text <> ''::text`,
/// MariaDB lower-cases keywords) reflects its own spelling, which `normalize` does not predict
/// (`Engine::migrate_to` therefore compares them by name).
/// Collations and other clauses inside a [`SqlType::Custom`] are not read back (the reflected
/// type is the base type). Duplicate unique constraints that a database merges stay two. A
/// generated PostgreSQL name that some other relation of the schema already has is numbered by
/// PostgreSQL (`t_a_key1`), which `normalize`, seeing one table at a time, cannot know.
///
/// # Example
///
/// ```
/// use quarry::{MetaData, Table, ColumnDef, SqlType, Postgres, MariaDb, Sqlite, migrate::normalize};
/// let md = MetaData::new().with(
///     Table::new("users")
///         .column(ColumnDef::new("id", SqlType::BigInt).primary_key().autoincrement())
///         .column(ColumnDef::new("email", SqlType::Text).unique())
///         .column(ColumnDef::new("seen", SqlType::TimestampTz)),
/// );
/// let pg = normalize(&md, &Postgres);
/// let t = &pg.tables()[0];
/// assert_eq!(t.primary_key.as_ref().unwrap().name.as_deref(), Some("users_pkey"));
/// assert_eq!(t.uniques[0].name.as_deref(), Some("users_email_key"));
///
/// let my = normalize(&md, &MariaDb);
/// let t = &my.tables()[0];
/// assert_eq!(t.columns[1].sql_type, SqlType::Varchar(255)); // a TEXT key column
/// assert_eq!(t.columns[2].sql_type, SqlType::Timestamp);
/// assert_eq!(t.uniques[0].name.as_deref(), Some("email"));
///
/// let lite = normalize(&md, &Sqlite);
/// let t = &lite.tables()[0];
/// assert_eq!(t.columns[0].sql_type, SqlType::Integer); // the rowid
/// assert_eq!(t.primary_key.as_ref().unwrap().name, None);
/// ```
pub fn normalize(metadata: &MetaData, dialect: &dyn Dialect) -> MetaData {
    let order = metadata.order();
    let defer = dialect.features().alter_add_foreign_key;
    let mut out = MetaData::new();
    for (i, t) in metadata.tables().iter().enumerate() {
        let deferred: Vec<usize> = if defer {
            order
                .cyclic
                .iter()
                .filter(|c| c.0 == i)
                .map(|c| c.1)
                .collect()
        } else {
            Vec::new()
        };
        out = out.with(normalize_table(t, dialect, &deferred));
    }
    out
}

fn normalize_table(t: &Table, d: &dyn Dialect, deferred: &[usize]) -> Table {
    let f = d.features();
    let family = Family::of(d);
    let pk_cols: Vec<String> = t
        .primary_key_columns()
        .into_iter()
        .map(str::to_owned)
        .collect();
    let rowid = family == Family::Sqlite
        && pk_cols.len() == 1
        && t.get_column(&pk_cols[0]).is_some_and(|c| {
            c.sql_type.is_integer() && (c.autoincrement || c.sql_type == SqlType::Integer)
        });
    let mut out = Table::new(t.name.clone());
    out.schema = t.schema.clone();
    out.comment = comment(f, t.comment.as_deref());
    let mut extra_checks = Vec::new();
    for c in &t.columns {
        let in_pk = pk_cols.contains(&c.name);
        let keyed = validate::in_key(t, &c.name);
        let mut col = ColumnDef::new(c.name.clone(), normalize_type(&c.sql_type, d, keyed));
        col.nullable = c.nullable && !in_pk;
        col.primary_key = in_pk;
        col.comment = comment(f, c.comment.as_deref());
        col.autoincrement = match family {
            Family::Sqlite => in_pk && rowid,
            _ => c.autoincrement,
        };
        if family == Family::Sqlite && col.autoincrement {
            col.sql_type = SqlType::Integer;
        }
        col.server_default = c
            .server_default
            .as_ref()
            .and_then(|sd| normalize_default(sd, &col.sql_type, family));
        if let (SqlType::Enum(e), EnumStyle::Check) = (&c.sql_type, f.enum_style) {
            let mut w = SqlWriter::new(d);
            w.push_ident(&c.name);
            w.push(" IN (");
            for (i, v) in e.values.iter().enumerate() {
                if i > 0 {
                    w.push(", ");
                }
                w.push_string_literal(v);
            }
            w.push_char(')');
            extra_checks.push(Check::new(w.sql()));
        }
        if let SqlType::Enum(e) = &mut col.sql_type {
            if family == Family::Postgres && e.schema.as_deref() == Some("public") {
                e.schema = None;
            }
            if matches!(family, Family::MySql { .. }) {
                e.name = c.name.clone();
                e.schema = None;
            }
        }
        out.columns.push(col);
    }

    // Names the database gives, in the order it gives them.
    let mut used: HashSet<String> = HashSet::new();
    let declared_names = t
        .uniques
        .iter()
        .filter_map(|u| u.name.clone())
        .chain(t.foreign_keys.iter().filter_map(|k| k.name.clone()))
        .chain(t.checks.iter().filter_map(|k| k.name.clone()))
        .chain(t.indexes.iter().map(|i| i.name.clone()))
        .chain(t.primary_key.as_ref().and_then(|p| p.name.clone()));
    used.extend(declared_names);
    let mut uniques: Vec<Unique> = Vec::new();
    let col_uniques: Vec<Unique> = t
        .columns
        .iter()
        .filter(|c| c.unique)
        .map(|c| Unique::new([c.name.clone()]))
        .collect();
    if !pk_cols.is_empty() {
        let declared = t.primary_key.as_ref().and_then(|p| p.name.clone());
        let name = match family {
            Family::Postgres => {
                Some(declared.unwrap_or_else(|| pg_choose(&t.name, None, "pkey", &mut used)))
            }
            Family::MySql { .. } => Some("PRIMARY".to_owned()),
            Family::Sqlite => None,
        };
        out.primary_key = Some(PrimaryKey {
            name,
            columns: pk_cols.clone(),
        });
    }
    let mut my_key_names: HashSet<String> = HashSet::from(["PRIMARY".to_owned()]);
    my_key_names.extend(t.uniques.iter().filter_map(|u| u.name.clone()));
    my_key_names.extend(t.indexes.iter().map(|i| i.name.clone()));
    for u in col_uniques.iter().chain(&t.uniques) {
        let name = match (family, &u.name) {
            (Family::Sqlite, _) => None,
            (_, Some(n)) => Some(n.clone()),
            (Family::Postgres, None) => {
                let cols = u.columns.join("_");
                Some(pg_choose(&t.name, Some(&cols), "key", &mut used))
            }
            (Family::MySql { .. }, None) => {
                let first = u.columns.first().cloned().unwrap_or_default();
                let mut name = first.clone();
                let mut n = 2;
                while my_key_names.contains(&name) {
                    name = format!("{first}_{n}");
                    n += 1;
                }
                my_key_names.insert(name.clone());
                Some(name)
            }
        };
        uniques.push(Unique {
            name,
            columns: u.columns.clone(),
        });
    }
    let mut indexes = Vec::new();
    for ix in &t.indexes {
        let mut ix = ix.clone();
        if ix
            .using
            .as_deref()
            .is_some_and(|m| m.eq_ignore_ascii_case("btree"))
        {
            ix.using = None;
        }
        let all_asc = ix.columns.iter().all(|c| !c.descending);
        if matches!(family, Family::MySql { .. }) && ix.unique && all_asc && ix.filter.is_none() {
            uniques.push(Unique {
                name: Some(ix.name.clone()),
                columns: ix.columns.iter().map(|c| c.name.clone()).collect(),
            });
        } else {
            indexes.push(ix);
        }
    }
    let mut ibfk = 0;
    let mut fks = Vec::new();
    for (j, fk) in t.foreign_keys.iter().enumerate() {
        let mut fk = fk.clone();
        if fk.ref_schema.is_some() && fk.ref_schema == t.schema {
            fk.ref_schema = None;
        }
        if family == Family::Postgres && fk.ref_schema.as_deref() == Some("public") {
            fk.ref_schema = None;
        }
        let default_action = match family {
            Family::MySql { .. } => Some(FkAction::Restrict),
            _ => None,
        };
        let action = |a: Option<FkAction>| match (family, a) {
            (_, None) => default_action,
            (Family::Postgres | Family::Sqlite, Some(FkAction::NoAction)) => None,
            (_, other) => other,
        };
        fk.on_delete = action(fk.on_delete);
        fk.on_update = action(fk.on_update);
        if deferred.contains(&j) && fk.name.is_none() {
            fk = super::ddl::named_fk(d, t, &fk);
        }
        fk.name = match (family, fk.name.take()) {
            (Family::Sqlite, _) => None,
            (_, Some(n)) => Some(n),
            (Family::Postgres, None) => {
                let cols = fk.columns.join("_");
                Some(pg_choose(&t.name, Some(&cols), "fkey", &mut used))
            }
            (Family::MySql { .. }, None) => {
                ibfk += 1;
                Some(format!("{}_ibfk_{ibfk}", t.name))
            }
        };
        fks.push(fk);
    }
    let mut checks = Vec::new();
    let mut my_check = 0;
    let column_names: Vec<&str> = t.columns.iter().map(|c| c.name.as_str()).collect();
    for ck in t.checks.iter().chain(&extra_checks) {
        let name = match (family, &ck.name) {
            (_, Some(n)) => Some(n.clone()),
            (Family::Sqlite, None) => None,
            (Family::Postgres, None) => {
                let cols = referenced_columns(&ck.expr, &column_names);
                let col = match cols[..] {
                    [one] => Some(one),
                    _ => None,
                };
                Some(pg_choose(&t.name, col, "check", &mut used))
            }
            (Family::MySql { .. }, None) => {
                my_check += 1;
                Some(format!("CONSTRAINT_{my_check}"))
            }
        };
        checks.push(Check {
            name,
            expr: ck.expr.clone(),
        });
    }
    out.uniques = uniques;
    out.foreign_keys = fks;
    out.checks = checks;
    out.indexes = indexes;
    canonical_order(&mut out);
    out
}

/// Sorts a table's constraint lists in the canonical order: foreign keys, uniques and checks by
/// name then content, indexes by name.
pub(crate) fn canonical_order(t: &mut Table) {
    t.foreign_keys
        .sort_by(|a, b| (&a.name, &a.columns).cmp(&(&b.name, &b.columns)));
    t.uniques
        .sort_by(|a, b| (&a.name, &a.columns).cmp(&(&b.name, &b.columns)));
    t.checks
        .sort_by(|a, b| (&a.name, &a.expr).cmp(&(&b.name, &b.expr)));
    t.indexes.sort_by(|a, b| a.name.cmp(&b.name));
}

fn comment(f: &Features, c: Option<&str>) -> Option<String> {
    match (f.comments, c) {
        (CommentStyle::Ignored, _) | (_, None) => None,
        (CommentStyle::Inline, Some("")) => None,
        (_, Some(c)) => Some(c.to_owned()),
    }
}

/// The type a column of declared type `ty` has once stored; `keyed` when it is in a key.
fn normalize_type(ty: &SqlType, d: &dyn Dialect, keyed: bool) -> SqlType {
    let f = d.features();
    match (Family::of(d), ty) {
        (Family::MySql { .. }, SqlType::TimestampTz) => SqlType::Timestamp,
        (Family::MySql { mariadb: false }, SqlType::Uuid) => SqlType::Char(36),
        (Family::MySql { .. }, SqlType::Text) if keyed => {
            SqlType::Varchar(f.text_key_varchar.unwrap_or(255))
        }
        (Family::Sqlite, SqlType::Uuid) => SqlType::Char(36),
        (Family::Sqlite, SqlType::Json) => SqlType::Text,
        (Family::Sqlite, SqlType::Enum(e)) => {
            let longest = e
                .values
                .iter()
                .map(|v| v.chars().count())
                .max()
                .unwrap_or(1);
            SqlType::Varchar(longest.max(1) as u32)
        }
        _ => ty.clone(),
    }
}

fn normalize_default(sd: &ServerDefault, ty: &SqlType, family: Family) -> Option<ServerDefault> {
    match sd {
        ServerDefault::Literal(v) => {
            let v = canonical_literal(v, ty)?;
            let v = match (family, ty, v) {
                (Family::MySql { .. }, SqlType::Numeric { scale, .. }, Value::Text(t)) => {
                    Value::Text(pad_scale(&t, *scale))
                }
                (_, _, v) => v,
            };
            Some(ServerDefault::Literal(v))
        }
        ServerDefault::Expression(e) => {
            let e = match family {
                Family::MySql { .. } if e.trim().eq_ignore_ascii_case("CURRENT_TIMESTAMP") => {
                    if matches!(ty, SqlType::Timestamp | SqlType::TimestampTz) {
                        "current_timestamp(6)".to_owned()
                    } else {
                        "current_timestamp()".to_owned()
                    }
                }
                _ => e.clone(),
            };
            Some(ServerDefault::Expression(e))
        }
    }
}

/// A decimal's digits with exactly `scale` of them after the point, as the MySQL family
/// prints a `DECIMAL` default (`1.5` → `1.50`); other text is kept.
fn pad_scale(t: &str, scale: u16) -> String {
    if parse_number(t).is_none() || t.contains(['e', 'E']) {
        return t.to_owned();
    }
    let (int, frac) = t.split_once('.').unwrap_or((t, ""));
    let scale = usize::from(scale);
    if frac.len() > scale {
        return t.to_owned();
    }
    if scale == 0 {
        return int.to_owned();
    }
    format!("{int}.{frac:0<scale$}")
}

/// The canonical value of a literal default on a column of type `ty` (rule 4 of the module
/// documentation); `None` for `NULL`.
pub(crate) fn canonical_literal(v: &Value, ty: &SqlType) -> Option<Value> {
    let int = |n: i64| {
        if *ty == SqlType::Boolean {
            Value::Bool(n != 0)
        } else if matches!(ty, SqlType::Real | SqlType::Double) {
            Value::F64(n as f64)
        } else if ty.is_integer() {
            Value::I64(n)
        } else {
            Value::Text(n.to_string())
        }
    };
    Some(match v {
        Value::Null(_) => return None,
        Value::Bool(b) => match ty {
            SqlType::Boolean => Value::Bool(*b),
            _ => int(i64::from(*b)),
        },
        Value::I16(n) => int(i64::from(*n)),
        Value::I32(n) => int(i64::from(*n)),
        Value::I64(n) => int(*n),
        Value::F32(x) => Value::F64(f64::from(*x)),
        Value::F64(x) => Value::F64(*x),
        Value::Text(s) => match ty {
            SqlType::Boolean | SqlType::SmallInt | SqlType::Integer | SqlType::BigInt => {
                match parse_number(s) {
                    Some(Number::Int(n)) => int(n),
                    _ => Value::Text(s.clone()),
                }
            }
            SqlType::Real | SqlType::Double => match s.parse::<f64>() {
                Ok(x) => Value::F64(x),
                Err(_) => Value::Text(s.clone()),
            },
            _ => Value::Text(s.clone()),
        },
        Value::Json(s) => Value::Text(s.clone()),
        other => Value::Text(literal_text(other)),
    })
}

/// The text inside the quotes of a literal as standard SQL writes it.
fn literal_text(v: &Value) -> String {
    let mut w = SqlWriter::new(&super::Sqlite);
    if w.push_literal(v).is_err() {
        return format!("{v:?}");
    }
    let s = w.sql();
    match s.strip_prefix('\'').and_then(|s| s.strip_suffix('\'')) {
        Some(inner) => inner.replace("''", "'"),
        None => s.to_owned(),
    }
}

/// A number in a default's text.
#[derive(Debug, PartialEq)]
pub(crate) enum Number {
    Int(i64),
    Float(f64),
}

pub(crate) fn parse_number(s: &str) -> Option<Number> {
    let s = s.trim();
    let body = s.strip_prefix(['-', '+']).unwrap_or(s);
    if body.is_empty()
        || !body
            .bytes()
            .next()
            .is_some_and(|b| b.is_ascii_digit() || b == b'.')
    {
        return None;
    }
    if let Ok(n) = s.parse::<i64>() {
        return Some(Number::Int(n));
    }
    s.parse::<f64>().ok().map(Number::Float)
}

/// PostgreSQL's `makeObjectName`: `name1[_name2]_label`, with `name1` and `name2` cut (the
/// longer first) so the whole fits in 63 bytes.
pub(crate) fn pg_object_name(name1: &str, name2: Option<&str>, label: &str) -> String {
    const MAX: usize = 63;
    let overhead = label.len() + 1 + name2.map_or(0, |_| 1);
    let avail = MAX.saturating_sub(overhead);
    let mut n1 = name1.len();
    let mut n2 = name2.map_or(0, str::len);
    while n1 + n2 > avail {
        if n1 > n2 {
            n1 -= 1;
        } else {
            n2 -= 1;
        }
    }
    let clip = |s: &str, mut n: usize| {
        while !s.is_char_boundary(n) {
            n -= 1;
        }
        s[..n].to_owned()
    };
    let mut out = clip(name1, n1);
    if let Some(n) = name2 {
        out.push('_');
        out.push_str(&clip(n, n2));
    }
    out.push('_');
    out.push_str(label);
    out
}

/// PostgreSQL's `ChooseConstraintName` / `ChooseRelationName`: the object name, numbered
/// (`label1`, `label2`…) until it is not in `used`.
pub(crate) fn pg_choose(
    name1: &str,
    name2: Option<&str>,
    label: &str,
    used: &mut HashSet<String>,
) -> String {
    let mut name = pg_object_name(name1, name2, label);
    let mut pass = 0;
    while used.contains(&name) {
        pass += 1;
        name = pg_object_name(name1, name2, &format!("{label}{pass}"));
    }
    used.insert(name.clone());
    name
}

/// The distinct columns of `columns` that the SQL expression `expr` names, in order of first
/// appearance.
pub(crate) fn referenced_columns<'c>(expr: &str, columns: &[&'c str]) -> Vec<&'c str> {
    let mut out: Vec<&'c str> = Vec::new();
    for tok in tokens(expr) {
        let name = match tok {
            Token::Word(w) => columns.iter().find(|c| c.eq_ignore_ascii_case(w)).copied(),
            Token::Quoted(q) => columns.iter().find(|c| **c == q).copied(),
            _ => None,
        };
        if let Some(n) = name {
            if !out.contains(&n) {
                out.push(n);
            }
        }
    }
    out
}

/// A token of SQL text, enough to find identifiers, strings and parentheses.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Token<'a> {
    /// A bare word (keyword or identifier), as written.
    Word(&'a str),
    /// A quoted identifier (`"x"`, `` `x` `` or `[x]`), unquoted.
    Quoted(String),
    /// A string literal, as written (quotes included).
    Str(&'a str),
    /// `(`.
    Open,
    /// `)`.
    Close,
    /// `,`.
    Comma,
    /// Anything else, one character or a number.
    Other(&'a str),
}

/// A token with its byte range in the text.
pub(crate) type Spanned<'a> = (Token<'a>, std::ops::Range<usize>);

/// Splits SQL text into tokens with their byte ranges; comments are skipped.
pub(crate) fn tokens_spanned(s: &str) -> Vec<Spanned<'_>> {
    let b = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        let start = i;
        match c {
            b' ' | b'\t' | b'\n' | b'\r' => {
                i += 1;
                continue;
            }
            b'-' if b.get(i + 1) == Some(&b'-') => {
                while i < b.len() && b[i] != b'\n' {
                    i += 1;
                }
                continue;
            }
            b'/' if b.get(i + 1) == Some(&b'*') => {
                i += 2;
                while i + 1 < b.len() && !(b[i] == b'*' && b[i + 1] == b'/') {
                    i += 1;
                }
                i = (i + 2).min(b.len());
                continue;
            }
            b'\'' => {
                i += 1;
                while i < b.len() {
                    if b[i] == b'\'' {
                        if b.get(i + 1) == Some(&b'\'') {
                            i += 2;
                            continue;
                        }
                        break;
                    }
                    i += 1;
                }
                i = (i + 1).min(b.len());
                out.push((Token::Str(&s[start..i]), start..i));
            }
            b'"' | b'`' | b'[' => {
                let close = if c == b'[' { b']' } else { c };
                i += 1;
                let mut name = String::new();
                let mut seg = i;
                while i < b.len() {
                    if b[i] == close {
                        if close != b']' && b.get(i + 1) == Some(&close) {
                            name.push_str(&s[seg..=i]);
                            i += 2;
                            seg = i;
                            continue;
                        }
                        break;
                    }
                    i += 1;
                }
                name.push_str(&s[seg..i.min(b.len())]);
                i = (i + 1).min(b.len());
                out.push((Token::Quoted(name), start..i));
            }
            b'(' => {
                i += 1;
                out.push((Token::Open, start..i));
            }
            b')' => {
                i += 1;
                out.push((Token::Close, start..i));
            }
            b',' => {
                i += 1;
                out.push((Token::Comma, start..i));
            }
            c if c.is_ascii_alphabetic() || c == b'_' || c >= 0x80 => {
                while i < b.len()
                    && (b[i].is_ascii_alphanumeric()
                        || b[i] == b'_'
                        || b[i] == b'$'
                        || b[i] >= 0x80)
                {
                    i += 1;
                }
                out.push((Token::Word(&s[start..i]), start..i));
            }
            c if c.is_ascii_digit() => {
                while i < b.len() && (b[i].is_ascii_alphanumeric() || b[i] == b'.') {
                    i += 1;
                }
                out.push((Token::Other(&s[start..i]), start..i));
            }
            _ => {
                i += 1;
                while !s.is_char_boundary(i) {
                    i += 1;
                }
                out.push((Token::Other(&s[start..i]), start..i));
            }
        }
    }
    out
}

/// The tokens of `s` without their ranges.
pub(crate) fn tokens(s: &str) -> Vec<Token<'_>> {
    tokens_spanned(s).into_iter().map(|(t, _)| t).collect()
}

#[cfg(test)]
mod tests {
    use super::super::{MariaDb, Postgres, Sqlite};
    use super::*;
    use crate::schema::Index;

    #[test]
    fn pg_names_are_cut_like_postgres() {
        assert_eq!(pg_object_name("t", Some("a_b"), "key"), "t_a_b_key");
        let long = "x".repeat(60);
        let name = pg_object_name(&long, Some("col"), "fkey");
        assert_eq!(name.len(), 63);
        assert!(name.ends_with("_col_fkey"));
        let mut used = HashSet::new();
        assert_eq!(pg_choose("t", None, "check", &mut used), "t_check");
        assert_eq!(pg_choose("t", None, "check", &mut used), "t_check1");
    }

    #[test]
    fn referenced_columns_skip_strings_and_keywords() {
        let cols = ["qty", "name", "Mixed"];
        assert_eq!(referenced_columns("qty > 0", &cols), ["qty"]);
        assert_eq!(
            referenced_columns("name <> 'qty' AND \"Mixed\" IS NOT NULL", &cols),
            ["name", "Mixed"]
        );
    }

    #[test]
    fn tokens_handle_quotes_and_nesting() {
        let t = tokens("CHECK (a IN ('x)', 'y''z')) \"q\"\"d\" `b` -- c\n/* d */ e");
        assert_eq!(
            t,
            [
                Token::Word("CHECK"),
                Token::Open,
                Token::Word("a"),
                Token::Word("IN"),
                Token::Open,
                Token::Str("'x)'"),
                Token::Comma,
                Token::Str("'y''z'"),
                Token::Close,
                Token::Close,
                Token::Quoted("q\"d".into()),
                Token::Quoted("b".into()),
                Token::Word("e"),
            ]
        );
    }

    fn sample() -> MetaData {
        MetaData::new()
            .with(
                Table::new("p")
                    .column(
                        ColumnDef::new("id", SqlType::BigInt)
                            .primary_key()
                            .autoincrement(),
                    )
                    .column(ColumnDef::new("code", SqlType::Text).unique())
                    .column(ColumnDef::new(
                        "mood",
                        SqlType::enumeration("mood", ["a", "bb"]),
                    ))
                    .column(ColumnDef::new("n", SqlType::Integer).server_default(5_i32))
                    .check(Check::new("n > 0"))
                    .index(Index::on("ix_p_n", ["n"]).unique()),
            )
            .with(
                Table::new("c")
                    .column(ColumnDef::new("id", SqlType::Integer).primary_key())
                    .column(ColumnDef::new("p", SqlType::BigInt).references("p", "id"))
                    .comment("kids"),
            )
    }

    #[test]
    fn postgres_names_and_types() {
        let md = normalize(&sample(), &Postgres);
        let p = &md.tables()[0];
        assert_eq!(p.uniques, [Unique::new(["code"]).named("p_code_key")]);
        assert_eq!(p.checks, [Check::new("n > 0").named("p_n_check")]);
        assert_eq!(p.indexes.len(), 1);
        assert_eq!(
            p.columns[3].server_default,
            Some(ServerDefault::Literal(Value::I64(5)))
        );
        let c = &md.tables()[1];
        assert_eq!(c.foreign_keys[0].name.as_deref(), Some("c_p_fkey"));
        assert_eq!(c.foreign_keys[0].on_delete, None);
        assert_eq!(c.comment.as_deref(), Some("kids"));
        assert!(c.columns[0].primary_key && !c.columns[0].autoincrement);
    }

    #[test]
    fn mariadb_names_and_types() {
        let md = normalize(&sample(), &MariaDb);
        let p = &md.tables()[0];
        assert_eq!(p.columns[1].sql_type, SqlType::Varchar(255));
        assert_eq!(
            p.uniques,
            [
                Unique::new(["code"]).named("code"),
                Unique::new(["n"]).named("ix_p_n")
            ]
        );
        assert!(p.indexes.is_empty());
        assert_eq!(p.checks[0].name.as_deref(), Some("CONSTRAINT_1"));
        assert_eq!(
            p.primary_key.as_ref().unwrap().name.as_deref(),
            Some("PRIMARY")
        );
        let SqlType::Enum(e) = &p.columns[2].sql_type else {
            panic!("an enum")
        };
        assert_eq!(e.name, "mood");
        let c = &md.tables()[1];
        assert_eq!(c.foreign_keys[0].name.as_deref(), Some("c_ibfk_1"));
        assert_eq!(c.foreign_keys[0].on_delete, Some(FkAction::Restrict));
    }

    #[test]
    fn sqlite_rowid_enum_and_names() {
        let md = normalize(&sample(), &Sqlite);
        let p = &md.tables()[0];
        assert_eq!(p.columns[0].sql_type, SqlType::Integer);
        assert!(p.columns[0].autoincrement);
        assert_eq!(p.columns[2].sql_type, SqlType::Varchar(2));
        assert_eq!(
            p.checks,
            [Check::new("mood IN ('a', 'bb')"), Check::new("n > 0")]
        );
        assert_eq!(p.uniques, [Unique::new(["code"])]);
        let c = &md.tables()[1];
        assert!(
            c.columns[0].autoincrement,
            "INTEGER PRIMARY KEY is the rowid"
        );
        assert_eq!(c.comment, None);
        assert_eq!(c.foreign_keys[0].name, None);
    }

    #[test]
    fn literals_take_one_type_per_column_type() {
        assert_eq!(
            canonical_literal(&Value::I32(1), &SqlType::Boolean),
            Some(Value::Bool(true))
        );
        assert_eq!(
            canonical_literal(&Value::Null(crate::value::ValueType::I64), &SqlType::BigInt),
            None
        );
        assert_eq!(
            canonical_literal(&Value::Text("7".into()), &SqlType::Integer),
            Some(Value::I64(7))
        );
        assert_eq!(parse_number("-5"), Some(Number::Int(-5)));
        assert_eq!(parse_number("1.5"), Some(Number::Float(1.5)));
        assert_eq!(parse_number("abc"), None);
    }
}
