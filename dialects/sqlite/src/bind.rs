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

/// Room for the text of any value formatted by hand (the longest, a `TimestampTz` with a
/// negative year and a fraction, is 33 bytes; a UUID is 36).
pub(crate) const TEXT_BUF: usize = 40;

/// Writes `n` as `width` decimal digits (zero-padded; `n` must fit) at `buf[at..]`.
fn put_digits(buf: &mut [u8], at: usize, mut n: u32, width: usize) {
    for i in (0..width).rev() {
        buf[at + i] = b'0' + (n % 10) as u8;
        n /= 10;
    }
}

/// `[-]YYYY-MM-DD` (years -9999..=9999) at `buf[at..]`; the end.
fn put_date(buf: &mut [u8], mut at: usize, d: &Date) -> usize {
    if d.year() < 0 {
        buf[at] = b'-';
        at += 1;
    }
    put_digits(buf, at, d.year().unsigned_abs(), 4);
    buf[at + 4] = b'-';
    put_digits(buf, at + 5, u32::from(d.month()), 2);
    buf[at + 7] = b'-';
    put_digits(buf, at + 8, u32::from(d.day()), 2);
    at + 10
}

/// `HH:MM:SS[.ffffff]` (the fraction without trailing zeros, absent when zero) at
/// `buf[at..]`; the end.
fn put_time(buf: &mut [u8], at: usize, t: &Time) -> usize {
    let (h, m, s, us) = t.parts();
    put_digits(buf, at, u32::from(h), 2);
    buf[at + 2] = b':';
    put_digits(buf, at + 3, u32::from(m), 2);
    buf[at + 5] = b':';
    put_digits(buf, at + 6, u32::from(s), 2);
    let mut end = at + 8;
    if us != 0 {
        buf[end] = b'.';
        put_digits(buf, end + 1, us, 6);
        end += 7;
        while buf[end - 1] == b'0' {
            end -= 1;
        }
    }
    end
}

/// `YYYY-MM-DD HH:MM:SS[.ffffff]` at `buf[at..]`; the end.
fn put_timestamp(buf: &mut [u8], at: usize, ts: &Timestamp) -> usize {
    let at = put_date(buf, at, &ts.date);
    buf[at] = b' ';
    put_time(buf, at + 1, &ts.time)
}

/// The hyphenated lower-case text of a UUID in `buf[..36]`.
fn put_uuid(buf: &mut [u8], u: &Uuid) -> usize {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut at = 0;
    for (i, b) in u.0.iter().enumerate() {
        if matches!(i, 4 | 6 | 8 | 10) {
            buf[at] = b'-';
            at += 1;
        }
        buf[at] = HEX[usize::from(b >> 4)];
        buf[at + 1] = HEX[usize::from(b & 0xf)];
        at += 2;
    }
    at
}

/// A float as the SQLite value bound for it; NaN, which SQLite would store as NULL, is refused
/// (±infinity is stored as it is).
fn real(f: f64, param: usize) -> Result<ValueRef<'static>> {
    if f.is_nan() {
        return Err(Error::unsupported(
            "sqlite",
            format!(
                "NaN as parameter {param}: SQLite has no NaN and would store NULL; bind NULL \
                 or a number"
            ),
        ));
    }
    Ok(ValueRef::Real(f))
}

/// A quarry value as the SQLite value bound for it as parameter `param` (1-based, named in
/// errors). Text that quarry formats (dates, times, timestamps, UUIDs) is written by hand into
/// `buf` and borrowed from it (rusqlite has SQLite copy bound text at once, so the buffer only
/// has to outlive the bind call): no allocation, no `core::fmt`. The text is the same as the
/// values' `Display` (see the crate docs).
pub(crate) fn sql_ref<'a>(
    v: &'a Value,
    param: usize,
    buf: &'a mut [u8; TEXT_BUF],
) -> Result<ValueRef<'a>> {
    let text = |buf: &'a [u8; TEXT_BUF], len: usize| ValueRef::Text(&buf[..len]);
    Ok(match v {
        Value::Null(_) => ValueRef::Null,
        Value::Bool(b) => ValueRef::Integer(i64::from(*b)),
        Value::I16(v) => ValueRef::Integer(i64::from(*v)),
        Value::I32(v) => ValueRef::Integer(i64::from(*v)),
        Value::I64(v) => ValueRef::Integer(*v),
        Value::F32(v) => real(f64::from(*v), param)?,
        Value::F64(v) => real(*v, param)?,
        Value::Text(s) | Value::Json(s) => ValueRef::Text(s.as_bytes()),
        Value::Bytes(b) => ValueRef::Blob(b),
        Value::Date(d) => {
            let n = put_date(buf, 0, d);
            text(buf, n)
        }
        Value::Time(t) => {
            let n = put_time(buf, 0, t);
            text(buf, n)
        }
        Value::Timestamp(t) => {
            let n = put_timestamp(buf, 0, t);
            text(buf, n)
        }
        Value::TimestampTz(t) => {
            let n = put_timestamp(buf, 0, t);
            buf[n..n + 6].copy_from_slice(b"+00:00");
            text(buf, n + 6)
        }
        Value::Uuid(u) => {
            let n = put_uuid(buf, u);
            text(buf, n)
        }
        Value::Decimal(d) => ValueRef::Real(decimal_to_f64(d)?),
        Value::Array(items) => {
            return Err(Error::unsupported_array_parameter("sqlite", items.len()))
        }
        Value::Invalid(_, reason) => {
            return Err(Error::unsupported(
                "sqlite",
                format!("{reason} (parameter {param})"),
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

/// One parameter of [`Encoded`]: a SQLite value, its text or blob bytes in the shared buffer.
#[derive(Clone, Copy, Debug)]
enum Cell {
    Null,
    Int(i64),
    Real(f64),
    /// Text ending at this offset of [`Encoded::bytes`] (starting where the previous text or
    /// blob ended).
    Text(usize),
    /// A blob, likewise.
    Blob(usize),
}

/// Parameters converted to SQLite values for another thread: one cell per parameter and the
/// bytes of every text and blob in one buffer. Encoding copies the bytes (one `memcpy` per
/// text, into a buffer that is reused from statement to statement) but allocates nothing per
/// value, unlike cloning the `Value`s, and dates, times, timestamps and UUIDs are formatted on
/// the way.
#[derive(Debug, Default)]
pub(crate) struct Encoded {
    cells: Vec<Cell>,
    bytes: Vec<u8>,
}

impl Encoded {
    /// `params`, encoded (replacing what was there). On an error (a value SQLite cannot
    /// bind) the buffers are left empty.
    pub(crate) fn encode(&mut self, params: &[Value]) -> Result<()> {
        self.clear();
        self.cells.reserve(params.len());
        let mut buf = [0u8; TEXT_BUF];
        for (i, p) in params.iter().enumerate() {
            let cell = match sql_ref(p, i + 1, &mut buf) {
                Ok(ValueRef::Null) => Cell::Null,
                Ok(ValueRef::Integer(n)) => Cell::Int(n),
                Ok(ValueRef::Real(f)) => Cell::Real(f),
                Ok(ValueRef::Text(t)) => {
                    self.bytes.extend_from_slice(t);
                    Cell::Text(self.bytes.len())
                }
                Ok(ValueRef::Blob(b)) => {
                    self.bytes.extend_from_slice(b);
                    Cell::Blob(self.bytes.len())
                }
                Err(e) => {
                    self.clear();
                    return Err(e);
                }
            };
            self.cells.push(cell);
        }
        Ok(())
    }

    /// Empties the buffers (keeping their capacity); a very large buffer is given back.
    pub(crate) fn clear(&mut self) {
        /// Capacity (in bytes) kept between statements.
        const KEEP: usize = 4 << 20;
        self.cells.clear();
        self.bytes.clear();
        if self.cells.capacity() * std::mem::size_of::<Cell>() > KEEP {
            self.cells = Vec::new();
        }
        if self.bytes.capacity() > KEEP {
            self.bytes = Vec::new();
        }
    }
}

/// The parameters of a statement: the caller's values (bound in place), or values encoded for
/// the connection's thread.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Params<'a> {
    Values(&'a [Value]),
    Encoded(&'a Encoded),
}

impl Params<'_> {
    pub(crate) const NONE: Params<'static> = Params::Values(&[]);

    fn len(&self) -> usize {
        match self {
            Params::Values(v) => v.len(),
            Params::Encoded(e) => e.cells.len(),
        }
    }
}

/// Checks the parameter count and binds `params`.
fn bind(stmt: &mut rusqlite::Statement<'_>, params: Params<'_>, sql: &str) -> Result<()> {
    let expected = stmt.parameter_count();
    if expected != params.len() {
        return Err(error(
            rusqlite::Error::InvalidParameterCount(params.len(), expected),
            Some(sql),
        ));
    }
    let mut put = |i: usize, v: ValueRef<'_>| {
        stmt.raw_bind_parameter(i + 1, ToSqlOutput::Borrowed(v))
            .map_err(|e| error(e, Some(sql)))
    };
    match params {
        Params::Values(values) => {
            let mut buf = [0u8; TEXT_BUF];
            for (i, p) in values.iter().enumerate() {
                put(i, sql_ref(p, i + 1, &mut buf)?)?;
            }
        }
        Params::Encoded(e) => {
            let mut start = 0;
            for (i, c) in e.cells.iter().enumerate() {
                let v = match *c {
                    Cell::Null => ValueRef::Null,
                    Cell::Int(n) => ValueRef::Integer(n),
                    Cell::Real(f) => ValueRef::Real(f),
                    Cell::Text(end) => {
                        let t = &e.bytes[start..end];
                        start = end;
                        ValueRef::Text(t)
                    }
                    Cell::Blob(end) => {
                        let b = &e.bytes[start..end];
                        start = end;
                        ValueRef::Blob(b)
                    }
                };
                put(i, v)?;
            }
        }
    }
    Ok(())
}

/// A result's column names (shared by its rows) and decoding kinds.
#[derive(Debug)]
pub(crate) struct Meta {
    columns: Arc<[String]>,
    kinds: Vec<Kind>,
}

impl Meta {
    fn build(stmt: &rusqlite::Statement<'_>) -> Meta {
        let mut names = Vec::with_capacity(stmt.column_count());
        let mut kinds = Vec::with_capacity(stmt.column_count());
        for c in stmt.columns() {
            names.push(c.name().to_owned());
            kinds.push(Kind::of(c.decl_type()));
        }
        Meta {
            columns: names.into(),
            kinds,
        }
    }
}

/// Hashes SQL text by its length and its first and last bytes only, so that looking up a long
/// statement (a multi-row INSERT of a bulk load is some 100 KB) costs a short hash and one
/// `memcmp` instead of hashing all of it. Texts alike at both ends and of equal length share a
/// hash and are told apart by comparison.
///
/// The hash is [`quarry::exec::SqlTextHasher`], seeded per map: a lookup happens on every
/// statement, and SipHash cost more than the rest of the lookup. (The keys are the
/// application's own SQL texts, not outside input.)
#[derive(Clone, Debug)]
pub(crate) struct SqlHash(u64);

impl Default for SqlHash {
    fn default() -> Self {
        use std::hash::BuildHasher;
        SqlHash(std::collections::hash_map::RandomState::new().hash_one(0x5eed_u64) | 1)
    }
}

impl std::hash::BuildHasher for SqlHash {
    type Hasher = SampledHasher;
    fn build_hasher(&self) -> SampledHasher {
        SampledHasher(quarry::exec::SqlTextHasher::with_seed(self.0))
    }
}

/// The hasher of [`SqlHash`].
pub(crate) struct SampledHasher(quarry::exec::SqlTextHasher);

impl std::hash::Hasher for SampledHasher {
    fn write(&mut self, bytes: &[u8]) {
        /// Bytes hashed at each end of a long text.
        const EDGE: usize = 128;
        self.0.add_word(bytes.len() as u64);
        if bytes.len() <= 2 * EDGE {
            self.0.add_bytes(bytes);
        } else {
            self.0.add_bytes(&bytes[..EDGE]);
            self.0.add_bytes(&bytes[bytes.len() - EDGE..]);
        }
    }
    fn write_u8(&mut self, i: u8) {
        self.0.add_word(u64::from(i));
    }
    fn finish(&self) -> u64 {
        self.0.finish()
    }
}

/// A statement's result metadata, and the statement's run and re-prepare counters
/// (`sqlite3_stmt_status`) as of its last run that quarry saw.
#[derive(Debug)]
struct MetaEntry {
    meta: Arc<Meta>,
    reprepares: i32,
    runs: i32,
}

/// The statement's (re-prepare, run) counters. SQLite counts a run when it starts (the first
/// step), and keeps both counters across a re-prepare, which adds one to the first.
fn counters(stmt: &rusqlite::Statement<'_>) -> (i32, i32) {
    use rusqlite::StatementStatus as S;
    (stmt.get_status(S::RePrepare), stmt.get_status(S::Run))
}

/// Per-connection state kept beside rusqlite's statement cache: result metadata by SQL text.
///
/// The metadata of a cached statement stays valid while the statement is the same prepared
/// statement and was not re-prepared (a schema change re-prepares it, and may change its
/// columns). Rather than reading every column's name and declared type again on each run,
/// quarry follows the statement's counters: every run of a cached statement goes through
/// [`Cache::meta`] or [`Cache::after_run`], so the entry's run count is the statement's as of
/// its previous run; a run that finds one more run and no re-prepare is the same statement,
/// unchanged. Anything else (a re-prepare, a statement prepared afresh after rusqlite's
/// cache evicted it, whose counters start again at 0, a run quarry did not see) reads the
/// metadata again.
#[derive(Debug, Default)]
pub(crate) struct Cache {
    meta: HashMap<Box<str>, MetaEntry, SqlHash>,
    capacity: usize,
    /// The work of the last statement: SQLite virtual-machine steps plus full-scan steps
    /// (a measure that, unlike a clock, does not depend on the machine's load).
    pub(crate) last_work: u64,
}

impl Cache {
    pub(crate) fn new(capacity: usize) -> Cache {
        Cache {
            meta: HashMap::default(),
            capacity: capacity.max(1),
            last_work: 0,
        }
    }

    /// The metadata of `stmt` (text `sql`), read after its first step in this run.
    fn meta(&mut self, sql: &str, stmt: &rusqlite::Statement<'_>) -> Arc<Meta> {
        let (reprepares, runs) = counters(stmt);
        if let Some(e) = self.meta.get_mut(sql) {
            if e.reprepares == reprepares && e.runs.wrapping_add(1) == runs {
                e.runs = runs;
                return e.meta.clone();
            }
        }
        let m = Arc::new(Meta::build(stmt));
        if self.meta.len() >= self.capacity {
            self.meta.clear();
        }
        let entry = MetaEntry {
            meta: m.clone(),
            reprepares,
            runs,
        };
        self.meta.insert(sql.into(), entry);
        m
    }

    /// After a run of `stmt` (text `sql`): its work, and, when the run did not read the
    /// metadata (`meta_read` false), the run counted against the metadata kept for `sql`.
    fn after_run(&mut self, sql: &str, stmt: &rusqlite::Statement<'_>, meta_read: bool) {
        self.last_work = work(stmt);
        if meta_read || self.meta.is_empty() {
            return;
        }
        let (reprepares, runs) = counters(stmt);
        if let Some(e) = self.meta.get_mut(sql) {
            if e.reprepares == reprepares && e.runs.wrapping_add(1) == runs {
                e.runs = runs;
            } else {
                self.meta.remove(sql);
            }
        }
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

/// The decimal a stored float stands for, at the column's scale: the float's shortest
/// round-trip digits (what a decimal of at most 15 digits was stored as), padded to the scale,
/// or rounded to it when they go past it (not the float's exact binary expansion, which adds
/// digits nobody wrote).
fn decimal_from_f64(f: f64, scale: u16) -> Option<Decimal> {
    if !f.is_finite() {
        return None;
    }
    let scale = usize::from(scale);
    let mut s = f.to_string();
    let decimals = s.split_once('.').map_or(0, |(_, frac)| frac.len());
    if decimals > scale {
        s = format!("{f:.scale$}");
    } else if scale > 0 {
        if decimals == 0 {
            s.push('.');
        }
        s.extend(std::iter::repeat_n('0', scale - decimals));
    }
    s.parse().ok()
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
    quarry::exec::starts_with_keyword(sql, &["INSERT", "REPLACE"])
}

/// Runs one statement; returns the rows it changed and, after an INSERT, the last rowid.
/// Rows a query returns are read and dropped.
/// Steps a bound statement to its end (any rows it returns, RETURNING's say, read and
/// dropped); the number of rows it changed (0 for one that changed none, rather than the
/// count of an earlier statement).
fn run_to_end(
    conn: &rusqlite::Connection,
    stmt: &mut rusqlite::Statement<'_>,
) -> rusqlite::Result<u64> {
    let before = conn.total_changes();
    {
        let mut rows = stmt.raw_query();
        while rows.next()?.is_some() {}
    }
    Ok(if conn.total_changes() == before {
        0
    } else {
        conn.changes()
    })
}

/// Binds one cell as parameter `at` (1-based): borrowed text and bytes as they are, values as
/// [`sql_ref`] gives them.
fn bind_cell(
    stmt: &mut rusqlite::Statement<'_>,
    at: usize,
    cell: &quarry::Cell<'_>,
    buf: &mut [u8; TEXT_BUF],
) -> Result<()> {
    let owned;
    let v = match cell {
        quarry::Cell::Text(s) => ValueRef::Text(s.as_bytes()),
        quarry::Cell::Bytes(b) => ValueRef::Blob(b),
        quarry::Cell::Value(v) => sql_ref(v, at, buf)?,
        other => {
            owned = other.clone().into_value();
            sql_ref(&owned, at, buf)?
        }
    };
    stmt.raw_bind_parameter(at, ToSqlOutput::Borrowed(v))
        .map_err(|e| error(e, None))
}

/// Runs an insert of rows bound by reference: statements of up to `max_rows` rows, each
/// cell bound as the source gives it. The statements of a full `max_rows` run one prepared
/// statement again and again; the last, shorter one has its own.
pub(crate) fn insert_rows(
    conn: &rusqlite::Connection,
    cache: &mut Cache,
    rows: &mut quarry::InsertRows<'_>,
) -> Result<ExecResult> {
    let (mut done, mut written) = (0, 0);
    let mut last_insert_id = None;
    let mut buf = [0u8; TEXT_BUF];
    while done < rows.rows {
        let n = (rows.rows - done).min(rows.max_rows);
        let sql = rows.statement(n);
        let mut stmt = conn
            .prepare_cached(&sql)
            .map_err(|e| error(e, Some(&sql)))?;
        let expected = stmt.parameter_count();
        while rows.rows - done >= n {
            let (mut at, mut failed) = (0, None);
            for _ in 0..n {
                let more = rows.source.next_row(&mut |cell| {
                    if failed.is_none() {
                        at += 1;
                        failed = bind_cell(&mut stmt, at, &cell, &mut buf).err();
                    }
                });
                if let Some(e) = failed.take() {
                    return Err(e);
                }
                if !more {
                    return Err(Error::InvalidStatement(format!(
                        "the rows ended after {} of {}",
                        done + at / rows.width.max(1),
                        rows.rows
                    )));
                }
            }
            if at != expected {
                return Err(Error::InvalidStatement(format!(
                    "rows of {} values bound to a statement of {expected} parameters",
                    at / n
                )));
            }
            let r = run_to_end(conn, &mut stmt);
            cache.after_run(&sql, &stmt, false);
            let changed = r.map_err(|e| error(e, Some(&sql)))?;
            if done == 0 && changed > 0 {
                // As a split INSERT reports it: the first statement's.
                last_insert_id = Some(conn.last_insert_rowid());
            }
            written += changed;
            done += n;
        }
    }
    Ok(ExecResult {
        rows_affected: written,
        last_insert_id,
    })
}

pub(crate) fn execute(
    conn: &rusqlite::Connection,
    cache: &mut Cache,
    sql: &str,
    params: Params<'_>,
) -> Result<ExecResult> {
    let mut stmt = conn.prepare_cached(sql).map_err(|e| error(e, Some(sql)))?;
    bind(&mut stmt, params, sql)?;
    let rowid = conn.last_insert_rowid();
    let r = run_to_end(conn, &mut stmt);
    cache.after_run(sql, &stmt, false);
    let rows_affected = r.map_err(|e| error(e, Some(sql)))?;
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
    params: Params<'_>,
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

/// Runs a query and returns its first row. A read-only statement stops there, as rusqlite's
/// `query_row` does: SQLite does not look for a second row. Any other statement (an INSERT …
/// RETURNING, say) is still stepped to its end, so that all of it runs, but its further
/// rows are not decoded.
pub(crate) fn fetch_first(
    conn: &rusqlite::Connection,
    cache: &mut Cache,
    sql: &str,
    params: Params<'_>,
) -> Result<Option<Row>> {
    let mut first = None;
    fetch_rows(conn, cache, sql, params, Until::FirstRow, |row| {
        first = Some(row?);
        Ok(false)
    })?;
    Ok(first)
}

/// Where [`fetch_rows`] stops when `emit` asks for no more rows.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Until {
    /// At once (the statement is reset).
    Asked,
    /// At once for a read-only statement; any other is stepped to its end without decoding.
    FirstRow,
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
    params: Params<'_>,
    emit: impl FnMut(Result<Row>) -> Result<bool>,
) -> Result<()> {
    fetch_rows(conn, cache, sql, params, Until::Asked, emit)
}

fn fetch_rows(
    conn: &rusqlite::Connection,
    cache: &mut Cache,
    sql: &str,
    params: Params<'_>,
    until: Until,
    mut emit: impl FnMut(Result<Row>) -> Result<bool>,
) -> Result<()> {
    let mut stmt = conn.prepare_cached(sql).map_err(|e| error(e, Some(sql)))?;
    bind(&mut stmt, params, sql)?;
    let drain = until == Until::FirstRow && !stmt.readonly();
    let mut meta_read = false;
    let out = {
        let mut rows = stmt.raw_query();
        let mut meta: Option<Arc<Meta>> = None;
        loop {
            match rows.next() {
                Ok(Some(row)) => {
                    let meta = meta.get_or_insert_with(|| {
                        meta_read = true;
                        cache.meta(sql, row.as_ref())
                    });
                    match emit(decode_row(row, meta, sql)) {
                        Ok(true) => {}
                        Ok(false) if drain => {
                            break loop {
                                match rows.next() {
                                    Ok(Some(_)) => {}
                                    Ok(None) => break Ok(()),
                                    Err(e) => break Err(error(e, Some(sql))),
                                }
                            }
                        }
                        Ok(false) => break Ok(()),
                        Err(e) => break Err(e),
                    }
                }
                Ok(None) => break Ok(()),
                Err(e) => break Err(error(e, Some(sql))),
            }
        }
    };
    cache.after_run(sql, &stmt, meta_read);
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
        return execute(conn, cache, sql, Params::NONE).map(|_| ());
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
        let mut buf = [0u8; TEXT_BUF];
        let array = Value::Array(vec![Value::I64(1), Value::I64(2)]);
        let err = sql_ref(&array, 1, &mut buf).unwrap_err();
        assert!(err.is_unsupported(), "{err}");
        assert!(err.to_string().contains("sqlite"), "{err}");
        assert!(err.to_string().contains("array"), "{err}");
        let mut e = Encoded::default();
        assert!(e.encode(&[Value::I64(1), array]).is_err());
        assert!(e.cells.is_empty() && e.bytes.is_empty());
        // A NULL is a NULL, whatever its declared type.
        assert!(sql_ref(&Value::Null(quarry::ValueType::Array), 1, &mut buf).is_ok());
    }

    #[test]
    fn regression_nan_parameters_are_refused_infinities_kept() {
        let mut buf = [0u8; TEXT_BUF];
        for nan in [Value::F64(f64::NAN), Value::F32(f32::NAN)] {
            let err = sql_ref(&nan, 3, &mut buf).unwrap_err();
            assert!(err.is_unsupported(), "{err}");
            assert!(err.to_string().contains("NaN as parameter 3"), "{err}");
            let mut e = Encoded::default();
            let err = e.encode(&[Value::I64(1), nan]).unwrap_err();
            assert!(err.to_string().contains("parameter 2"), "{err}");
            assert!(e.cells.is_empty() && e.bytes.is_empty());
        }
        for inf in [f64::INFINITY, f64::NEG_INFINITY] {
            assert_eq!(
                sql_ref(&Value::F64(inf), 1, &mut buf).unwrap(),
                ValueRef::Real(inf)
            );
        }
    }

    #[test]
    fn regression_year_range_invalid_values_are_refused() {
        let mut buf = [0u8; TEXT_BUF];
        let v = Value::Invalid(ValueType::Date, "the date +10000-01-01".into());
        let err = sql_ref(&v, 4, &mut buf).unwrap_err();
        assert!(err.is_unsupported(), "{err}");
        assert!(
            err.to_string().contains("+10000-01-01 (parameter 4)"),
            "{err}"
        );
    }

    /// The text bound for `v`, from `sql_ref` and through `Encoded`.
    fn bound_text(v: &Value) -> String {
        let mut buf = [0u8; TEXT_BUF];
        let direct = match sql_ref(v, 1, &mut buf).unwrap() {
            ValueRef::Text(t) => String::from_utf8(t.to_vec()).unwrap(),
            other => panic!("{other:?}"),
        };
        let mut e = Encoded::default();
        e.encode(std::slice::from_ref(v)).unwrap();
        assert!(matches!(e.cells[..], [Cell::Text(n)] if n == e.bytes.len()));
        assert_eq!(e.bytes, direct.as_bytes());
        direct
    }

    #[test]
    fn temporal_and_uuid_text_matches_display() {
        let dates = [
            Date::new(2024, 2, 29).unwrap(),
            Date::new(1, 1, 1).unwrap(),
            Date::new(0, 12, 31).unwrap(),
            Date::new(-44, 3, 15).unwrap(),
            Date::new(-9999, 1, 1).unwrap(),
            Date::new(9999, 12, 31).unwrap(),
            Date::new(987, 10, 5).unwrap(),
        ];
        let times = [
            Time::new(0, 0, 0, 0).unwrap(),
            Time::new(23, 59, 59, 999_999).unwrap(),
            Time::new(12, 5, 9, 500_000).unwrap(),
            Time::new(1, 2, 3, 120).unwrap(),
            Time::new(1, 2, 3, 1).unwrap(),
            Time::new(1, 2, 3, 100_000).unwrap(),
        ];
        for d in dates {
            assert_eq!(bound_text(&Value::Date(d)), d.to_string());
            for t in times {
                let ts = Timestamp::new(d, t);
                assert_eq!(bound_text(&Value::Timestamp(ts)), ts.to_string());
                assert_eq!(bound_text(&Value::TimestampTz(ts)), format!("{ts}+00:00"));
            }
        }
        for t in times {
            assert_eq!(bound_text(&Value::Time(t)), t.to_string());
        }
        for u in [
            Uuid([0; 16]),
            Uuid([0xff; 16]),
            "67e55044-10b1-426f-9247-bb680e5fe0c8".parse().unwrap(),
        ] {
            assert_eq!(bound_text(&Value::Uuid(u)), u.to_string());
        }
    }

    #[test]
    fn encoded_parameters_keep_their_order() {
        let params = [
            Value::I64(7),
            Value::Text("ab".into()),
            Value::Null(ValueType::Text),
            Value::Bytes(vec![1, 2, 3]),
            Value::Text(String::new()),
            Value::F64(1.5),
            Value::Bool(true),
            Value::Text("cd".into()),
        ];
        let conn = rusqlite::Connection::open_in_memory().unwrap();
        let mut e = Encoded::default();
        e.encode(&params).unwrap();
        for p in [Params::Values(&params), Params::Encoded(&e)] {
            let mut stmt = conn.prepare("SELECT ?, ?, ?, ?, ?, ?, ?, ?").unwrap();
            bind(&mut stmt, p, "").unwrap();
            let mut rows = stmt.raw_query();
            let row = rows.next().unwrap().unwrap();
            let got: Vec<rusqlite::types::Value> = (0..8).map(|i| row.get(i).unwrap()).collect();
            use rusqlite::types::Value as S;
            assert_eq!(
                got,
                vec![
                    S::Integer(7),
                    S::Text("ab".into()),
                    S::Null,
                    S::Blob(vec![1, 2, 3]),
                    S::Text(String::new()),
                    S::Real(1.5),
                    S::Integer(1),
                    S::Text("cd".into()),
                ]
            );
        }
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

    /// Every executor binds the same text and rejects the same values, the connection's thread
    /// (parameters encoded for it) included, for statements and for streams.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn executors_bind_alike() {
        let ts: Timestamp = "2024-02-29 23:59:01.0505".parse().unwrap();
        let params = vec![
            Value::Timestamp(ts),
            Value::Date(ts.date),
            Value::Time(ts.time),
            Value::TimestampTz(ts),
            Value::Text("é".into()),
            Value::Bytes(vec![0, 1]),
            Value::I32(-4),
        ];
        for executor in ["thread", "spawn_blocking", "block_in_place", "auto"] {
            let url = format!("sqlite::memory:?executor={executor}");
            let engine = crate::connect(&url).await.unwrap();
            let select = quarry::Compiled {
                sql: "SELECT ? || '|' || ? || '|' || ? || '|' || ? || '|' || ? || '|' || hex(?) \
                      || '|' || ? AS t"
                    .into(),
                params: params.clone(),
            };
            let want = "2024-02-29 23:59:01.0505|2024-02-29|23:59:01.0505|\
                        2024-02-29 23:59:01.0505+00:00|é|0001|-4";
            let got: String = engine.fetch_scalar(select.clone()).await.unwrap();
            assert_eq!(got, want, "{executor}");
            let mut rows = engine.stream(select).await.unwrap();
            let row = rows.next().await.unwrap().unwrap();
            assert_eq!(row.get::<String>("t").unwrap(), want, "{executor}");
            assert!(rows.next().await.is_none());
            drop(rows);
            let bad = quarry::Compiled {
                sql: "SELECT ?, ?".into(),
                params: vec![Value::I64(1), Value::Array(vec![Value::I64(1)])],
            };
            let err = engine.fetch_all(bad.clone()).await.unwrap_err();
            assert!(err.is_unsupported(), "{executor}: {err}");
            let mut rows = engine.stream(bad).await.unwrap();
            let err = rows.next().await.unwrap().unwrap_err();
            assert!(err.is_unsupported(), "{executor}: {err}");
            assert!(rows.next().await.is_none());
            drop(rows);
            let n: i64 = engine.fetch_scalar("SELECT 2").await.unwrap();
            assert_eq!(n, 2, "{executor}");
        }
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
        // The float's shortest digits, not its binary expansion (-7974772705535.7304687500).
        assert_eq!(
            dec(decode(ValueRef::Real(-7974772705535.73), Kind::Decimal(10), "c").unwrap()),
            "-7974772705535.7300000000"
        );
        // Rounded at the scale when the float has more digits than it.
        assert_eq!(
            dec(decode(ValueRef::Real(0.1 + 0.2), Kind::Decimal(2), "c").unwrap()),
            "0.30"
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

    #[test]
    fn sql_texts_hash_by_their_ends() {
        use std::collections::HashSet;
        use std::hash::BuildHasher;
        let h = SqlHash::default();
        // Short texts: every byte counts.
        let short: HashSet<u64> = (0..10_000)
            .map(|i| h.hash_one(format!("SELECT * FROM t WHERE id = {i}")))
            .collect();
        assert!(short.len() > 9_990, "{} distinct hashes", short.len());
        // Long texts alike at both ends share a hash, and a map still tells them apart.
        let long = |mid: char| format!("{}{}{}", "a".repeat(200), mid, "b".repeat(200));
        assert_eq!(h.hash_one(long('x')), h.hash_one(long('y')));
        assert_ne!(h.hash_one(long('x')), h.hash_one(format!("{}!", long('x'))));
        let mut m: HashMap<Box<str>, u8, SqlHash> = HashMap::default();
        m.insert(long('x').into(), 1);
        m.insert(long('y').into(), 2);
        assert_eq!((m[long('x').as_str()], m[long('y').as_str()]), (1, 2));
    }
}
