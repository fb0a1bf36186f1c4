//! Binding values, decoding rows, running statements and mapping SQLite errors.
//!
//! Everything here runs on the thread that owns the `rusqlite::Connection` (a connection's
//! dedicated thread, or a thread inside `block_in_place` / `spawn_blocking`).

use quarry::value::{Date, Decimal, Time, Timestamp, Uuid};
use quarry::{Error, ErrorKind, ExecResult, Result, Row, Value, ValueType};
use rusqlite::types::{ToSqlOutput, ValueRef};
use std::collections::HashMap;
use std::sync::Arc;

/// Most significant digits a decimal may have to be bound as a 64-bit float without loss.
pub(crate) const MAX_DECIMAL_DIGITS: usize = 15;

/// How the cells of a column are decoded, from its declared type.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Kind {
    /// No declared type (an expression) or BLOB.
    Any,
    /// INTEGER affinity.
    Int,
    /// REAL affinity.
    Float,
    /// TEXT affinity.
    Text,
    /// BOOLEAN: integers 0 and 1 decode as booleans.
    Bool,
    /// DATE: ISO text decodes as a date.
    Date,
    /// TIME: ISO text decodes as a time.
    Time,
    /// TIMESTAMP / DATETIME: ISO text decodes as a timestamp.
    Timestamp,
    /// TIMESTAMPTZ / TIMESTAMP WITH TIME ZONE: ISO text with an offset decodes as an instant.
    TimestampTz,
    /// UUID: UUID text decodes as a UUID.
    Uuid,
    /// CHAR(36), quarry's UUID column: canonical (lower-case, hyphenated) UUID text decodes as a
    /// UUID, anything else stays text.
    Char36,
    /// JSON: text decodes as JSON.
    Json,
    /// NUMERIC / DECIMAL with a scale: numbers decode as decimals with that scale.
    Decimal(u16),
    /// NUMERIC / DECIMAL without a scale: numbers stay numbers.
    Numeric,
}

impl Kind {
    /// The kind of a column declared with `decl` (case-insensitive; SQLite affinity rules for
    /// the rest).
    pub(crate) fn of(decl: Option<&str>) -> Kind {
        let Some(decl) = decl else { return Kind::Any };
        let d = decl.trim().to_ascii_uppercase();
        let base = d.split('(').next().unwrap_or_default().trim();
        match base {
            "BOOLEAN" | "BOOL" => return Kind::Bool,
            "DATE" => return Kind::Date,
            "TIME" => return Kind::Time,
            "TIMESTAMP" | "DATETIME" => return Kind::Timestamp,
            "TIMESTAMPTZ" | "TIMESTAMP WITH TIME ZONE" => return Kind::TimestampTz,
            "UUID" => return Kind::Uuid,
            "JSON" => return Kind::Json,
            "CHAR" if d.replace(' ', "") == "CHAR(36)" => return Kind::Char36,
            "NUMERIC" | "DECIMAL" => {
                return match d
                    .split_once('(')
                    .map(|(_, args)| args.trim_end_matches(')'))
                {
                    Some(args) => {
                        let scale = args
                            .split(',')
                            .nth(1)
                            .map_or(Some(0), |s| s.trim().parse().ok());
                        scale.map_or(Kind::Numeric, Kind::Decimal)
                    }
                    None => Kind::Numeric,
                };
            }
            _ => {}
        }
        if d.contains("INT") {
            Kind::Int
        } else if d.contains("CHAR") || d.contains("CLOB") || d.contains("TEXT") {
            Kind::Text
        } else if d.contains("BLOB") || d.is_empty() {
            Kind::Any
        } else if d.contains("REAL") || d.contains("FLOA") || d.contains("DOUB") {
            Kind::Float
        } else {
            Kind::Numeric
        }
    }

    /// The type of a NULL in such a column.
    fn null_type(self) -> ValueType {
        match self {
            Kind::Any => ValueType::Bytes,
            Kind::Int => ValueType::I64,
            Kind::Float => ValueType::F64,
            Kind::Text | Kind::Char36 => ValueType::Text,
            Kind::Bool => ValueType::Bool,
            Kind::Date => ValueType::Date,
            Kind::Time => ValueType::Time,
            Kind::Timestamp => ValueType::Timestamp,
            Kind::TimestampTz => ValueType::TimestampTz,
            Kind::Uuid => ValueType::Uuid,
            Kind::Json => ValueType::Json,
            Kind::Decimal(_) | Kind::Numeric => ValueType::Decimal,
        }
    }
}

/// The number of significant digits of a canonical decimal (leading and trailing zeros do not
/// count: they cost a float no precision).
pub(crate) fn significant_digits(d: &Decimal) -> usize {
    let digits: Vec<u8> = d.as_str().bytes().filter(u8::is_ascii_digit).collect();
    let start = digits.iter().position(|&b| b != b'0');
    let end = digits.iter().rposition(|&b| b != b'0');
    match (start, end) {
        (Some(s), Some(e)) => e - s + 1,
        _ => 0,
    }
}

/// A decimal as the float SQLite stores, or `Unsupported` when the float would lose digits.
pub(crate) fn decimal_to_f64(d: &Decimal) -> Result<f64> {
    let digits = significant_digits(d);
    let f: f64 = d.as_str().parse().unwrap_or(f64::NAN);
    if digits > MAX_DECIMAL_DIGITS
        || !f.is_finite()
        || (digits > 0 && (f == 0.0 || f.is_subnormal()))
    {
        return Err(Error::unsupported(
            "sqlite",
            format!(
                "the decimal {d} ({digits} significant digits): SQLite has no exact decimal type and \
                 stores NUMERIC values as 64-bit floats, which keep at most {MAX_DECIMAL_DIGITS} \
                 digits; bind it as text (Value::Text) into a TEXT column to keep every digit"
            ),
        ));
    }
    Ok(f)
}

/// A quarry value as a SQLite value: what is bound.
pub(crate) fn to_sql(v: &Value) -> Result<ToSqlOutput<'_>> {
    use rusqlite::types::Value as S;
    Ok(match v {
        Value::Null(_) => ToSqlOutput::Owned(S::Null),
        Value::Bool(b) => ToSqlOutput::Owned(S::Integer(i64::from(*b))),
        Value::I16(v) => ToSqlOutput::Owned(S::Integer(i64::from(*v))),
        Value::I32(v) => ToSqlOutput::Owned(S::Integer(i64::from(*v))),
        Value::I64(v) => ToSqlOutput::Owned(S::Integer(*v)),
        Value::F32(v) => ToSqlOutput::Owned(S::Real(f64::from(*v))),
        Value::F64(v) => ToSqlOutput::Owned(S::Real(*v)),
        Value::Text(s) | Value::Json(s) => ToSqlOutput::Borrowed(ValueRef::Text(s.as_bytes())),
        Value::Bytes(b) => ToSqlOutput::Borrowed(ValueRef::Blob(b)),
        Value::Date(d) => ToSqlOutput::Owned(S::Text(d.to_string())),
        Value::Time(t) => ToSqlOutput::Owned(S::Text(t.to_string())),
        Value::Timestamp(t) => ToSqlOutput::Owned(S::Text(t.to_string())),
        Value::TimestampTz(t) => ToSqlOutput::Owned(S::Text(format!("{t}+00:00"))),
        Value::Uuid(u) => ToSqlOutput::Owned(S::Text(u.to_string())),
        Value::Decimal(d) => ToSqlOutput::Owned(S::Real(decimal_to_f64(d)?)),
        Value::Array(items) => {
            return Err(Error::unsupported(
                "sqlite",
                format!(
                    "array parameters (a Value::Array of {} elements): only PostgreSQL binds \
                     arrays; bind one parameter per element (`IN (?, ?, …)`)",
                    items.len()
                ),
            ))
        }
        other => {
            return Err(Error::unsupported(
                "sqlite",
                format!("binding a value of type {:?}", other.value_type()),
            ))
        }
    })
}

/// Checks the parameter count and binds `params`.
fn bind(stmt: &mut rusqlite::Statement<'_>, params: &[Value], sql: &str) -> Result<()> {
    let expected = stmt.parameter_count();
    if expected != params.len() {
        return Err(error(
            rusqlite::Error::InvalidParameterCount(params.len(), expected),
            Some(sql),
        ));
    }
    for (i, p) in params.iter().enumerate() {
        let v = to_sql(p)?;
        stmt.raw_bind_parameter(i + 1, v)
            .map_err(|e| error(e, Some(sql)))?;
    }
    Ok(())
}

/// A result's column names (shared by its rows) and decoding kinds.
#[derive(Debug)]
pub(crate) struct Meta {
    columns: Arc<[String]>,
    kinds: Vec<Kind>,
    decls: Vec<Option<String>>,
}

impl Meta {
    fn build(stmt: &rusqlite::Statement<'_>) -> Meta {
        let mut names = Vec::with_capacity(stmt.column_count());
        let mut kinds = Vec::with_capacity(stmt.column_count());
        let mut decls = Vec::with_capacity(stmt.column_count());
        for c in stmt.columns() {
            names.push(c.name().to_owned());
            kinds.push(Kind::of(c.decl_type()));
            decls.push(c.decl_type().map(str::to_owned));
        }
        Meta {
            columns: names.into(),
            kinds,
            decls,
        }
    }

    /// Whether this still describes `stmt` (a schema change re-prepares a cached statement and
    /// may change its columns).
    fn matches(&self, stmt: &rusqlite::Statement<'_>) -> bool {
        self.columns.len() == stmt.column_count()
            && stmt
                .columns()
                .zip(self.columns.iter().zip(&self.decls))
                .all(|(c, (name, decl))| c.name() == name && c.decl_type() == decl.as_deref())
    }
}

/// Per-connection state kept beside rusqlite's statement cache: result metadata by SQL text.
#[derive(Debug, Default)]
pub(crate) struct Cache {
    meta: HashMap<Box<str>, Arc<Meta>>,
    capacity: usize,
    /// The work of the last statement: SQLite virtual-machine steps plus full-scan steps
    /// (a measure that, unlike a clock, does not depend on the machine's load).
    pub(crate) last_work: u64,
}

impl Cache {
    pub(crate) fn new(capacity: usize) -> Cache {
        Cache {
            meta: HashMap::new(),
            capacity: capacity.max(1),
            last_work: 0,
        }
    }

    fn meta(&mut self, sql: &str, stmt: &rusqlite::Statement<'_>) -> Arc<Meta> {
        if let Some(m) = self.meta.get(sql) {
            if m.matches(stmt) {
                return m.clone();
            }
        }
        let m = Arc::new(Meta::build(stmt));
        if self.meta.len() >= self.capacity {
            self.meta.clear();
        }
        self.meta.insert(sql.into(), m.clone());
        m
    }
}

fn parse_tz(s: &str) -> Option<Timestamp> {
    if let Ok(t) = s.parse::<Timestamp>() {
        return Some(t);
    }
    // `…±HH:MM` (or `±HHMM`, `±HH`): shift to UTC.
    let i = s.rfind(['+', '-'])?;
    let (body, off) = s.split_at(i);
    if body.len() < 10 || !body.contains([' ', 'T']) {
        return None;
    }
    let sign: i64 = if off.starts_with('-') { -1 } else { 1 };
    let digits: String = off[1..].chars().filter(|c| *c != ':').collect();
    if !(digits.len() == 2 || digits.len() == 4) || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let h: i64 = digits[..2].parse().ok()?;
    let m: i64 = if digits.len() == 4 {
        digits[2..].parse().ok()?
    } else {
        0
    };
    if h > 23 || m > 59 {
        return None;
    }
    let local: Timestamp = body.parse().ok()?;
    Timestamp::from_micros_since_epoch(
        local.micros_since_epoch() - sign * (h * 60 + m) * 60_000_000,
    )
}

fn decimal_from_f64(f: f64, scale: u16) -> Option<Decimal> {
    if !f.is_finite() {
        return None;
    }
    format!("{f:.prec$}", prec = usize::from(scale))
        .parse()
        .ok()
}

fn decimal_from_i64(n: i64, scale: u16) -> Option<Decimal> {
    let mut s = n.to_string();
    if scale > 0 {
        s.push('.');
        s.extend(std::iter::repeat_n('0', usize::from(scale)));
    }
    s.parse().ok()
}

/// The work `stmt` did since the last call (and resets its counters).
fn work(stmt: &rusqlite::Statement<'_>) -> u64 {
    use rusqlite::StatementStatus as S;
    let steps = stmt.reset_status(S::VmStep) + stmt.reset_status(S::FullscanStep);
    u64::try_from(steps).unwrap_or(0)
}

/// Decodes one cell of a column of kind `kind`.
fn decode(v: ValueRef<'_>, kind: Kind, column: &str) -> Result<Value> {
    Ok(match v {
        ValueRef::Null => Value::Null(kind.null_type()),
        ValueRef::Integer(n) => match kind {
            Kind::Bool if n == 0 || n == 1 => Value::Bool(n == 1),
            Kind::Decimal(s) => decimal_from_i64(n, s).map_or(Value::I64(n), Value::Decimal),
            _ => Value::I64(n),
        },
        ValueRef::Real(f) => match kind {
            Kind::Decimal(s) => decimal_from_f64(f, s).map_or(Value::F64(f), Value::Decimal),
            _ => Value::F64(f),
        },
        ValueRef::Text(t) => {
            let s = std::str::from_utf8(t).map_err(|_| Error::Decode {
                column: column.to_owned(),
                message: "text is not valid UTF-8".into(),
            })?;
            let typed = match kind {
                Kind::Date => s.parse::<Date>().ok().map(Value::Date),
                Kind::Time => s.parse::<Time>().ok().map(Value::Time),
                Kind::Timestamp => s.parse::<Timestamp>().ok().map(Value::Timestamp),
                Kind::TimestampTz => parse_tz(s).map(Value::TimestampTz),
                Kind::Uuid => s.parse::<Uuid>().ok().map(Value::Uuid),
                Kind::Char36 => s
                    .parse::<Uuid>()
                    .ok()
                    .filter(|u| u.to_string() == s)
                    .map(Value::Uuid),
                Kind::Json => Some(Value::Json(s.to_owned())),
                Kind::Decimal(_) | Kind::Numeric => s.parse::<Decimal>().ok().map(Value::Decimal),
                _ => None,
            };
            typed.unwrap_or_else(|| Value::Text(s.to_owned()))
        }
        ValueRef::Blob(b) => Value::Bytes(b.to_vec()),
    })
}

/// Decodes the current row of `row` described by `meta`.
fn decode_row(row: &rusqlite::Row<'_>, meta: &Meta, sql: &str) -> Result<Row> {
    let mut values = Vec::with_capacity(meta.kinds.len());
    for (i, kind) in meta.kinds.iter().enumerate() {
        let v = row.get_ref(i).map_err(|e| error(e, Some(sql)))?;
        values.push(decode(v, *kind, &meta.columns[i])?);
    }
    Ok(Row::new(meta.columns.clone(), values))
}

/// Whether `sql` starts with INSERT or REPLACE (after blanks and comments).
fn is_insert(sql: &str) -> bool {
    let mut s = sql;
    loop {
        s = s.trim_start();
        if let Some(rest) = s.strip_prefix("--") {
            s = rest.split_once('\n').map_or("", |(_, r)| r);
        } else if let Some(rest) = s.strip_prefix("/*") {
            s = rest.split_once("*/").map_or("", |(_, r)| r);
        } else {
            break;
        }
    }
    let word = s.as_bytes().get(..8).unwrap_or(s.as_bytes());
    let is = |kw: &[u8]| {
        word.len() >= kw.len()
            && word[..kw.len()].eq_ignore_ascii_case(kw)
            && !word
                .get(kw.len())
                .is_some_and(|b| b.is_ascii_alphanumeric() || *b == b'_')
    };
    is(b"INSERT") || is(b"REPLACE")
}

/// Runs one statement; returns the rows it changed and, after an INSERT, the last rowid.
/// Rows a query returns are read and dropped.
pub(crate) fn execute(
    conn: &rusqlite::Connection,
    cache: &mut Cache,
    sql: &str,
    params: &[Value],
) -> Result<ExecResult> {
    let mut stmt = conn.prepare_cached(sql).map_err(|e| error(e, Some(sql)))?;
    bind(&mut stmt, params, sql)?;
    let total = conn.total_changes();
    let rowid = conn.last_insert_rowid();
    let drained = {
        let mut rows = stmt.raw_query();
        let mut r = Ok(());
        loop {
            match rows.next() {
                Ok(Some(_)) => {}
                Ok(None) => break,
                Err(e) => {
                    r = Err(error(e, Some(sql)));
                    break;
                }
            }
        }
        r
    };
    cache.last_work = work(&stmt);
    drained?;
    let rows_affected = if conn.total_changes() == total {
        0
    } else {
        conn.changes()
    };
    let new_rowid = conn.last_insert_rowid();
    let last_insert_id =
        ((is_insert(sql) && rows_affected > 0) || new_rowid != rowid).then_some(new_rowid);
    Ok(ExecResult {
        rows_affected,
        last_insert_id,
    })
}

/// Runs a query and decodes every row.
pub(crate) fn fetch_all(
    conn: &rusqlite::Connection,
    cache: &mut Cache,
    sql: &str,
    params: &[Value],
) -> Result<Vec<Row>> {
    let mut out = Vec::new();
    fetch_each(conn, cache, sql, params, |row| match row {
        Ok(row) => {
            out.push(row);
            Ok(true)
        }
        Err(e) => Err(e),
    })?;
    Ok(out)
}

/// Runs a query and hands each decoded row to `emit`, which returns false to stop early (the
/// statement is then reset, as it is at the end) or an error to give up.
///
/// The result's metadata is read after the first step: a cached statement whose tables
/// changed is re-prepared by that step, and its declared types may change with it.
pub(crate) fn fetch_each(
    conn: &rusqlite::Connection,
    cache: &mut Cache,
    sql: &str,
    params: &[Value],
    mut emit: impl FnMut(Result<Row>) -> Result<bool>,
) -> Result<()> {
    let mut stmt = conn.prepare_cached(sql).map_err(|e| error(e, Some(sql)))?;
    bind(&mut stmt, params, sql)?;
    let out = {
        let mut rows = stmt.raw_query();
        let mut meta: Option<Arc<Meta>> = None;
        loop {
            match rows.next() {
                Ok(Some(row)) => {
                    let meta = meta.get_or_insert_with(|| cache.meta(sql, row.as_ref()));
                    match emit(decode_row(row, meta, sql)) {
                        Ok(true) => {}
                        Ok(false) => break Ok(()),
                        Err(e) => break Err(e),
                    }
                }
                Ok(None) => break Ok(()),
                Err(e) => break Err(error(e, Some(sql))),
            }
        }
    };
    cache.last_work = work(&stmt);
    out
}

/// Runs SQL text that may hold several statements. One statement goes through the statement
/// cache (transactions send `BEGIN IMMEDIATE`, `COMMIT`, … one at a time).
pub(crate) fn execute_script(
    conn: &rusqlite::Connection,
    cache: &mut Cache,
    sql: &str,
) -> Result<()> {
    let single = !sql.trim_end().trim_end_matches(';').contains(';');
    if single && !sql.trim().is_empty() {
        return execute(conn, cache, sql, &[]).map(|_| ());
    }
    // Several statements: not cached, and not counted as work.
    cache.last_work = 0;
    conn.execute_batch(sql).map_err(|e| error(e, Some(sql)))
}

/// Maps a rusqlite error to a quarry error, keeping the extended result code.
pub(crate) fn error(e: rusqlite::Error, sql: Option<&str>) -> Error {
    match &e {
        rusqlite::Error::SqliteFailure(f, msg) => {
            let kind = kind_for(f.extended_code);
            let message = msg.clone().unwrap_or_else(|| f.to_string());
            if kind == ErrorKind::Connection {
                return Error::connection(message, Some(Box::new(e)));
            }
            Error::database(kind, f.extended_code.to_string(), message, sql)
        }
        _ => Error::database(ErrorKind::Database, "", e.to_string(), sql),
    }
}

/// The quarry error kind of a SQLite extended result code (tested below).
pub(crate) fn kind_for(extended: i32) -> ErrorKind {
    match extended {
        2067 | 1555 => ErrorKind::UniqueViolation, // CONSTRAINT_UNIQUE, CONSTRAINT_PRIMARYKEY
        787 => ErrorKind::ForeignKeyViolation,     // CONSTRAINT_FOREIGNKEY
        1299 => ErrorKind::NotNullViolation,       // CONSTRAINT_NOTNULL
        275 => ErrorKind::CheckViolation,          // CONSTRAINT_CHECK
        code if code & 0xff == 5 => ErrorKind::SerializationFailure, // BUSY: retry
        code if code & 0xff == 6 => ErrorKind::Deadlock, // LOCKED
        code if code & 0xff == 14 => ErrorKind::Connection, // CANTOPEN
        _ => ErrorKind::Database,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_map_to_kinds() {
        assert_eq!(kind_for(2067), ErrorKind::UniqueViolation);
        assert_eq!(kind_for(1555), ErrorKind::UniqueViolation);
        assert_eq!(kind_for(787), ErrorKind::ForeignKeyViolation);
        assert_eq!(kind_for(1299), ErrorKind::NotNullViolation);
        assert_eq!(kind_for(275), ErrorKind::CheckViolation);
        assert_eq!(kind_for(5), ErrorKind::SerializationFailure);
        assert_eq!(kind_for(517), ErrorKind::SerializationFailure);
        assert_eq!(kind_for(14), ErrorKind::Connection);
        assert_eq!(kind_for(8), ErrorKind::Database);
        assert_eq!(kind_for(1), ErrorKind::Database);
    }

    #[test]
    fn kinds_follow_declared_types() {
        assert_eq!(Kind::of(Some("BIGINT")), Kind::Int);
        assert_eq!(Kind::of(Some("VARCHAR(10)")), Kind::Text);
        assert_eq!(Kind::of(Some("DOUBLE")), Kind::Float);
        assert_eq!(Kind::of(Some("boolean")), Kind::Bool);
        assert_eq!(Kind::of(Some("NUMERIC(10, 2)")), Kind::Decimal(2));
        assert_eq!(Kind::of(Some("DECIMAL(7)")), Kind::Decimal(0));
        assert_eq!(Kind::of(Some("NUMERIC")), Kind::Numeric);
        assert_eq!(
            Kind::of(Some("TIMESTAMP WITH TIME ZONE")),
            Kind::TimestampTz
        );
        assert_eq!(Kind::of(Some("CHAR(36)")), Kind::Char36);
        assert_eq!(Kind::of(Some("CHAR(3)")), Kind::Text);
        assert_eq!(Kind::of(None), Kind::Any);
        assert_eq!(Kind::of(None).null_type(), ValueType::Bytes);
        assert_eq!(Kind::of(Some("DATE")).null_type(), ValueType::Date);
    }

    #[test]
    fn array_parameters_are_unsupported() {
        let err = to_sql(&Value::Array(vec![Value::I64(1), Value::I64(2)])).unwrap_err();
        assert!(err.is_unsupported(), "{err}");
        assert!(err.to_string().contains("sqlite"), "{err}");
        assert!(err.to_string().contains("array"), "{err}");
        // A NULL is a NULL, whatever its declared type.
        assert!(to_sql(&Value::Null(quarry::ValueType::Array)).is_ok());
    }

    #[tokio::test]
    async fn array_parameters_fail_cleanly_through_the_engine() {
        let engine = crate::connect("sqlite::memory:").await.unwrap();
        let err = engine
            .fetch_all(quarry::Compiled {
                sql: "SELECT 1 WHERE 1 IN (?)".into(),
                params: vec![Value::Array(vec![Value::I64(1)])],
            })
            .await
            .unwrap_err();
        assert!(err.is_unsupported(), "{err}");
        // The connection is still usable.
        let n: i64 = engine.fetch_scalar("SELECT 2").await.unwrap();
        assert_eq!(n, 2);
    }

    #[test]
    fn decimals_bind_as_floats_up_to_15_digits() {
        let d = |s: &str| s.parse::<Decimal>().unwrap();
        assert_eq!(significant_digits(&d("0.00012300")), 3);
        assert_eq!(significant_digits(&d("1000")), 1);
        assert_eq!(significant_digits(&d("0")), 0);
        assert_eq!(decimal_to_f64(&d("12.50")).unwrap(), 12.5);
        assert_eq!(
            decimal_to_f64(&d("999999999999999")).unwrap(),
            999_999_999_999_999.0
        );
        let err = decimal_to_f64(&d("1234567890.123456")).unwrap_err();
        assert!(err.is_unsupported(), "{err}");
        assert!(err.to_string().contains("16 significant digits"), "{err}");
    }

    #[test]
    fn numbers_decode_with_the_declared_scale() {
        let dec = |v: Value| match v {
            Value::Decimal(d) => d.as_str().to_owned(),
            other => panic!("{other:?}"),
        };
        assert_eq!(
            dec(decode(ValueRef::Real(12.5), Kind::Decimal(2), "c").unwrap()),
            "12.50"
        );
        assert_eq!(
            dec(decode(ValueRef::Integer(-3), Kind::Decimal(2), "c").unwrap()),
            "-3.00"
        );
        assert_eq!(
            dec(decode(ValueRef::Integer(7), Kind::Decimal(0), "c").unwrap()),
            "7"
        );
        assert_eq!(
            decode(ValueRef::Integer(1), Kind::Bool, "c").unwrap(),
            Value::Bool(true)
        );
        assert_eq!(
            decode(ValueRef::Integer(2), Kind::Bool, "c").unwrap(),
            Value::I64(2)
        );
    }

    #[test]
    fn instants_with_offsets_decode_to_utc() {
        let want: Timestamp = "2024-01-01 10:00:00".parse().unwrap();
        assert_eq!(parse_tz("2024-01-01 10:00:00+00:00"), Some(want));
        assert_eq!(parse_tz("2024-01-01 12:00:00+02:00"), Some(want));
        assert_eq!(parse_tz("2024-01-01T05:30:00-0430"), Some(want));
        assert_eq!(parse_tz("2024-01-01 10:00:00Z"), Some(want));
        assert_eq!(parse_tz("yesterday"), None);
    }

    #[test]
    fn inserts_are_recognised() {
        assert!(is_insert("  INSERT INTO t VALUES (1)"));
        assert!(is_insert("-- c\n/* x */ replace into t values (1)"));
        assert!(!is_insert("UPDATE t SET a = 1"));
        assert!(!is_insert("WITH x AS (SELECT 1) SELECT * FROM x"));
        assert!(!is_insert("INSERTED"));
        assert!(is_insert("insert"));
        assert!(!is_insert("REPLACED"));
    }
}
