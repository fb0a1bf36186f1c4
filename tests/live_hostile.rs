//! Property tests of hostile identifiers and values on SQLite, PostgreSQL and MariaDB (those
//! configured; all three in CI).
//!
//! **Identifiers** (quotes, backticks, backslashes, `;`, `--`, `/*`, NUL, newlines and other
//! control characters, emoji, reserved words, names around and past each dialect's length
//! limit, any Unicode scalar) name a table, its columns, an index, a table alias and the
//! select-list labels, and go through `create_all`, INSERT, UPDATE, an aliased and labelled
//! SELECT (built and as `to_debug_sql` text), the bulk path (`insert_rows`), DELETE and
//! `drop_all`. Each one either comes back byte-identical (tables, columns and indexes from the
//! catalog, labels as the result's column names) or is refused with a typed error
//! (`InvalidSchema`, `InvalidStatement`, `Unsupported`) exactly where the test predicts a
//! dialect limit: NUL anywhere; PostgreSQL identifiers past 63 bytes; MySQL-family schema
//! names past 64 characters, ending in a space or holding a character beyond the Basic
//! Multilingual Plane; MySQL-family labels and aliases past 255 bytes, labels starting with a
//! space or control character (the server strips them), and labels or aliases beyond the Basic
//! Multilingual Plane (the server takes utf8mb3 identifiers only). A refusal must come before
//! the database: the connection still works and the sentinel table is intact.
//!
//! **Values** of every type quarry binds (integers at their extremes; finite floats from any
//! bit pattern, ±0, subnormals; booleans; text from the whole Unicode range with quotes,
//! backslashes, NUL and control characters; arbitrary bytes; decimals; quarry, chrono and time
//! dates, times and timestamps across years -9999..=9999 at microsecond precision; UUIDs; JSON)
//! and NULLs of each go through a multi-row bound INSERT, a WHERE on every column, an UPDATE,
//! a DELETE by the hostile text and bytes, `insert_rows`, and an INSERT written by
//! `to_debug_sql` with the values as literals. Each value read back must equal the one sent,
//! decoded as the same Rust type (floats bit for bit but for the sign of zero, which SQLite
//! and MariaDB do not keep; UUIDs of RFC 9562 only, as MariaDB's UUID type refuses some
//! others; decimals numerically, as the column's
//! scale pads them; JSON as a parsed document, as PostgreSQL's `jsonb` normalizes the text),
//! or be refused with the error kind documented in [`value_refusal`].
//!
//! **Sentinel**: each test keeps a table (`qh_s_<backend>_…`) created before the first case and
//! checked (rows and content) after every case.
//!
//! **How cases are counted**: a check is one generated value through one path, compared on its
//! own (a batch of rows per proptest case, each cell checked individually), or one identifier
//! through one path (read back or refused). The totals are printed per backend; in the default
//! mode each backend makes at least 10,000 value checks. `QUARRY_PROP_CASES=<n>` multiplies the
//! number of proptest cases by `n` (10 gives more than 10⁵ value checks per backend) and draws
//! them from a random seed; the default mode uses a fixed seed, so CI runs the same cases.
//!
//! Tables are named `qh_<test>_<backend>_…`; each test drops its own leftovers first.

mod common;

use std::time::Instant;

use proptest::prelude::*;
use proptest::test_runner::{Config, TestCaseError, TestRunner};
use quarry::prelude::*;
use quarry::stmt::TableRef;
use quarry::value::{Date, Time, Timestamp, Utc, Uuid};
use quarry::{
    Column, ColumnDef, DynColumn, Engine, Error, ErrorKind, Index, MetaData, Row, SqlType, Table,
    Value, ValueType,
};

/// The multiplier of the number of cases (`QUARRY_PROP_CASES`, default 1).
fn multiplier() -> u32 {
    std::env::var("QUARRY_PROP_CASES")
        .ok()
        .and_then(|v| v.trim().parse().ok())
        .filter(|&n: &u32| n > 0)
        .unwrap_or(1)
}

/// The default mode draws from a fixed seed (the same cases on every run, so CI is
/// reproducible); the long mode (`QUARRY_PROP_CASES` set) from a random one, printed by
/// proptest with any failure.
fn runner(cases: u32) -> TestRunner {
    let config = Config {
        cases: cases * multiplier(),
        failure_persistence: None,
        max_shrink_iters: 200,
        ..Config::default()
    };
    if std::env::var_os("QUARRY_PROP_CASES").is_some() {
        TestRunner::new(config)
    } else {
        TestRunner::new_with_rng(
            config,
            proptest::test_runner::TestRng::deterministic_rng(
                proptest::test_runner::RngAlgorithm::ChaCha,
            ),
        )
    }
}

/// The engine for `var` (`None`: in-memory SQLite), or `None` when the database is not
/// configured outside CI.
fn connect(rt: &tokio::runtime::Runtime, var: Option<&str>) -> Option<Engine> {
    match var {
        Some(v) => rt.block_on(common::engine(v)),
        None => {
            common::install();
            Some(rt.block_on(Engine::connect("sqlite::memory:")).unwrap())
        }
    }
}

fn fail(what: impl std::fmt::Display) -> TestCaseError {
    TestCaseError::fail(what.to_string())
}

/// Whether `e` is a refusal made before the database.
fn is_typed_refusal(e: &Error) -> bool {
    matches!(
        e.kind(),
        ErrorKind::InvalidSchema | ErrorKind::InvalidStatement | ErrorKind::Unsupported
    )
}

// ---------------------------------------------------------------------------------------------
// The sentinel

/// A table that every case must leave as it found it.
struct Sentinel {
    table: Table,
    rows: Vec<(i64, String)>,
}

impl Sentinel {
    async fn create(engine: &Engine, name: String) -> Sentinel {
        let table = Table::new(name)
            .column(ColumnDef::new("id", SqlType::BigInt).primary_key())
            .column(ColumnDef::new("s", SqlType::Varchar(100)).not_null());
        let md = MetaData::new().with(table.clone());
        engine.drop_all(&md).await.unwrap();
        engine.create_all(&md).await.unwrap();
        let rows: Vec<(i64, String)> = [
            "it's",
            "back\\slash\\",
            "x'; DROP TABLE users; --",
            "/* open",
            "🦀 é 日本",
        ]
        .iter()
        .enumerate()
        .map(|(i, s)| (i as i64 + 1, (*s).to_owned()))
        .collect();
        let (id, s) = (table.c("id").unwrap(), table.c("s").unwrap());
        engine
            .execute(
                insert(&table).rows(
                    rows.iter()
                        .map(|(i, t)| vec![id.set(*i), s.set(t.as_str())]),
                ),
            )
            .await
            .unwrap();
        let sentinel = Sentinel { table, rows };
        sentinel.check(engine).await.unwrap();
        sentinel
    }

    /// The rows are those written at creation, and a statement still runs.
    async fn check(&self, engine: &Engine) -> Result<(), TestCaseError> {
        let (id, s) = (self.table.c("id").unwrap(), self.table.c("s").unwrap());
        let got: Vec<(i64, String)> = select((id.clone(), s))
            .from(&self.table)
            .order_by(id.asc())
            .fetch_all(engine)
            .await
            .map_err(|e| fail(format!("sentinel unreadable: {e}")))?
            .into_iter()
            .map(|(a, b): (Value, Value)| {
                (
                    a.as_i64().unwrap_or(-1),
                    b.as_str().unwrap_or_default().to_owned(),
                )
            })
            .collect();
        prop_assert_eq!(&got, &self.rows, "sentinel changed");
        Ok(())
    }

    async fn drop(self, engine: &Engine) {
        engine
            .drop_all(&MetaData::new().with(self.table))
            .await
            .unwrap();
    }
}

// ---------------------------------------------------------------------------------------------
// Values

/// One generated cell, kept as the Rust value it was made from so that it is read back as the
/// same type.
#[derive(Clone, Debug)]
enum Gen {
    Null(ValueType),
    I16(i16),
    I32(i32),
    I64(i64),
    F32(f32),
    F64(f64),
    Bool(bool),
    Text(String),
    Bytes(Vec<u8>),
    Dec(rust_decimal::Decimal),
    Date(Date),
    ChronoDate(chrono::NaiveDate),
    TimeDate(time::Date),
    Time(Time),
    ChronoTime(chrono::NaiveTime),
    TimeTime(time::Time),
    Ts(Timestamp),
    ChronoTs(chrono::NaiveDateTime),
    TimeTs(time::PrimitiveDateTime),
    Tz(Timestamp),
    ChronoTz(chrono::DateTime<chrono::Utc>),
    TimeTz(time::OffsetDateTime),
    Uuid(Uuid),
    UuidCrate(uuid::Uuid),
    Json(serde_json::Value),
}

impl Gen {
    fn value(&self) -> Value {
        match self {
            Gen::Null(t) => Value::Null(*t),
            Gen::I16(v) => Value::I16(*v),
            Gen::I32(v) => Value::I32(*v),
            Gen::I64(v) => Value::I64(*v),
            Gen::F32(v) => Value::F32(*v),
            Gen::F64(v) => Value::F64(*v),
            Gen::Bool(v) => Value::Bool(*v),
            Gen::Text(v) => Value::Text(v.clone()),
            Gen::Bytes(v) => Value::Bytes(v.clone()),
            Gen::Dec(v) => (*v).into(),
            Gen::Date(v) => Value::Date(*v),
            Gen::ChronoDate(v) => (*v).into(),
            Gen::TimeDate(v) => (*v).into(),
            Gen::Time(v) => Value::Time(*v),
            Gen::ChronoTime(v) => (*v).into(),
            Gen::TimeTime(v) => (*v).into(),
            Gen::Ts(v) => Value::Timestamp(*v),
            Gen::ChronoTs(v) => (*v).into(),
            Gen::TimeTs(v) => (*v).into(),
            Gen::Tz(v) => Value::TimestampTz(*v),
            Gen::ChronoTz(v) => (*v).into(),
            Gen::TimeTz(v) => (*v).into(),
            Gen::Uuid(v) => Value::Uuid(*v),
            Gen::UuidCrate(v) => (*v).into(),
            Gen::Json(v) => v.clone().into(),
        }
    }

    /// Reads cell `i` of `row` as this cell's Rust type and compares.
    fn check(&self, row: &Row, i: usize) -> Result<(), String> {
        fn get<T: quarry::FromValue>(row: &Row, i: usize) -> Result<Option<T>, String> {
            row.get::<Option<T>>(i).map_err(|e| format!("decode: {e}"))
        }
        macro_rules! same {
            ($t:ty, $want:expr) => {{
                let got = get::<$t>(row, i)?;
                if got.as_ref() != Some($want) {
                    return Err(format!("read back {got:?}"));
                }
            }};
        }
        match self {
            Gen::Null(_) => {
                let v = row.value(i).map_err(|e| e.to_string())?;
                if !v.is_null() {
                    return Err(format!("read back {v:?}"));
                }
            }
            Gen::I16(v) => same!(i16, v),
            Gen::I32(v) => same!(i32, v),
            Gen::I64(v) => same!(i64, v),
            // Bit for bit, but for the sign of zero: SQLite and MariaDB store -0.0 as 0 (a
            // database semantic, listed in RELIABILITY.md).
            Gen::F32(v) => {
                let got = get::<f32>(row, i)?;
                let zero = *v == 0.0 && got == Some(0.0);
                if !zero && got.map(f32::to_bits) != Some(v.to_bits()) {
                    return Err(format!("read back {got:?}"));
                }
            }
            Gen::F64(v) => {
                let got = get::<f64>(row, i)?;
                let zero = *v == 0.0 && got == Some(0.0);
                if !zero && got.map(f64::to_bits) != Some(v.to_bits()) {
                    return Err(format!("read back {got:?}"));
                }
            }
            Gen::Bool(v) => same!(bool, v),
            Gen::Text(v) => same!(String, v),
            Gen::Bytes(v) => same!(Vec<u8>, v),
            Gen::Dec(v) => same!(rust_decimal::Decimal, v),
            Gen::Date(v) => same!(Date, v),
            Gen::ChronoDate(v) => same!(chrono::NaiveDate, v),
            Gen::TimeDate(v) => same!(time::Date, v),
            Gen::Time(v) => same!(Time, v),
            Gen::ChronoTime(v) => same!(chrono::NaiveTime, v),
            Gen::TimeTime(v) => same!(time::Time, v),
            Gen::Ts(v) => same!(Timestamp, v),
            Gen::ChronoTs(v) => same!(chrono::NaiveDateTime, v),
            Gen::TimeTs(v) => same!(time::PrimitiveDateTime, v),
            Gen::Tz(v) => same!(Utc, &Utc(*v)),
            Gen::ChronoTz(v) => same!(chrono::DateTime<chrono::Utc>, v),
            Gen::TimeTz(v) => same!(time::OffsetDateTime, v),
            Gen::Uuid(v) => same!(Uuid, v),
            Gen::UuidCrate(v) => same!(uuid::Uuid, v),
            Gen::Json(v) => same!(serde_json::Value, v),
        }
        Ok(())
    }

    /// The date of a date or timestamp cell.
    fn date(&self) -> Option<Date> {
        match self.value() {
            Value::Date(d) => Some(d),
            Value::Timestamp(t) | Value::TimestampTz(t) => Some(t.date),
            _ => None,
        }
    }

    /// The year of a date or timestamp cell.
    fn year(&self) -> Option<i32> {
        self.date().map(|d| d.year())
    }

    /// Whether the cell holds a NUL character in text (a JSON document's strings included).
    fn has_nul(&self) -> bool {
        fn json(v: &serde_json::Value) -> bool {
            match v {
                serde_json::Value::String(s) => s.contains('\0'),
                serde_json::Value::Array(a) => a.iter().any(json),
                serde_json::Value::Object(o) => o.iter().any(|(k, v)| k.contains('\0') || json(v)),
                _ => false,
            }
        }
        match self {
            Gen::Text(s) => s.contains('\0'),
            Gen::Json(v) => json(v),
            _ => false,
        }
    }
}

/// How a value reaches the database.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Path {
    /// A bound parameter (INSERT, UPDATE, WHERE, DELETE).
    Bound,
    /// `insert_rows` (binary COPY on PostgreSQL).
    Bulk,
    /// A literal written by `to_debug_sql`.
    Literal,
}

/// The error a backend legitimately answers for a value it cannot store, if any. Every such
/// exception is listed here:
/// - a NUL character in a string literal is refused by the compiler on every backend
///   (`InvalidStatement`);
/// - PostgreSQL text cannot hold NUL: refused before the server (`Unsupported`); `jsonb`'s
///   `\u0000` escape is the server's `Database` error 22P05;
/// - SQLite has no exact decimals: more than 15 significant digits is `Unsupported`;
/// - MySQL-family dates range over years 0..=9999: a negative year is `Unsupported`;
/// - PostgreSQL dates begin on 24 November 4714 BC (year -4713): earlier ones are
///   `Unsupported`.
fn value_refusal(backend: &str, g: &Gen, path: Path) -> Option<ErrorKind> {
    if let Gen::Text(s) = g {
        if path == Path::Literal && s.contains('\0') {
            return Some(ErrorKind::InvalidStatement);
        }
    }
    match backend {
        "postgresql" => {
            if let Gen::Text(t) = g {
                if t.contains('\0') {
                    return Some(ErrorKind::Unsupported);
                }
            }
            if g.has_nul() {
                return Some(ErrorKind::Database);
            }
            if g.date()
                .is_some_and(|d| d < Date::new(-4713, 11, 24).unwrap())
            {
                return Some(ErrorKind::Unsupported);
            }
        }
        "mariadb" | "mysql" => {
            if g.year().is_some_and(|y| y < 0) {
                return Some(ErrorKind::Unsupported);
            }
        }
        _ => {
            // (Also as a literal, which SQLite would otherwise store rounded.)
            if let Gen::Dec(d) = g {
                let digits = d.mantissa().unsigned_abs().to_string();
                if digits.trim_end_matches('0').len() > 15 {
                    return Some(ErrorKind::Unsupported);
                }
            }
        }
    }
    None
}

/// The value columns (after `id`), with their types.
fn value_columns() -> Vec<(&'static str, SqlType)> {
    vec![
        ("i16", SqlType::SmallInt),
        ("i32", SqlType::Integer),
        ("i64", SqlType::BigInt),
        ("f32", SqlType::Real),
        ("f64", SqlType::Double),
        ("b", SqlType::Boolean),
        ("s", SqlType::Text),
        ("by", SqlType::Blob),
        ("dec", SqlType::numeric(28, 10)),
        ("d", SqlType::Date),
        ("t", SqlType::Time),
        ("ts", SqlType::Timestamp),
        ("tz", SqlType::TimestampTz),
        ("u", SqlType::Uuid),
        ("j", SqlType::Json),
    ]
}

const HOSTILE_TEXT: &[&str] = &[
    "'",
    "''",
    "\"",
    "`",
    "\\",
    "\\'",
    "\\\\",
    ";",
    "--",
    "/*",
    "*/",
    "\0",
    "\n",
    "\r",
    "\t",
    "\u{7f}",
    "\u{1b}",
    "\u{1}",
    " ",
    "%",
    "_",
    "?",
    "$1",
    ":p",
    "@v",
    "NULL",
    "DROP TABLE",
    "\u{feff}",
    "\u{200b}",
    "\u{fffd}",
    "\u{10ffff}",
    "🦀",
    "é",
    "e\u{301}",
    "日本",
    "\u{d7ff}",
    "\u{e000}",
];

/// Text from the whole Unicode range mixed with quoting and escaping characters.
fn hostile_text() -> impl Strategy<Value = String> {
    prop::collection::vec(
        prop_oneof![
            2 => any::<char>().prop_map(String::from),
            2 => prop::sample::select(HOSTILE_TEXT).prop_map(str::to_owned),
            1 => "[a-zA-Z0-9 ]{1,8}",
        ],
        0..12,
    )
    .prop_map(|parts| parts.concat())
}

fn finite_f32() -> impl Strategy<Value = f32> {
    prop_oneof![
        3 => any::<u32>().prop_map(f32::from_bits).prop_filter("finite", |f| f.is_finite()),
        1 => prop::sample::select(vec![
            0.0,
            -0.0,
            f32::MIN_POSITIVE,
            -f32::MIN_POSITIVE,
            f32::from_bits(1),
            -f32::from_bits(1),
            f32::from_bits(0x007f_ffff),
            f32::MAX,
            f32::MIN,
            f32::EPSILON,
            1.0,
            0.1,
        ]),
    ]
}

fn finite_f64() -> impl Strategy<Value = f64> {
    prop_oneof![
        3 => any::<u64>().prop_map(f64::from_bits).prop_filter("finite", |f| f.is_finite()),
        1 => prop::sample::select(vec![
            0.0,
            -0.0,
            f64::MIN_POSITIVE,
            -f64::MIN_POSITIVE,
            f64::from_bits(1),
            -f64::from_bits(1),
            f64::from_bits(0x000f_ffff_ffff_ffff),
            f64::MAX,
            f64::MIN,
            f64::EPSILON,
            1.0,
            0.1,
        ]),
    ]
}

/// Days since 1970-01-01 of quarry's first and last dates.
fn day_range() -> (i64, i64) {
    (
        Date::new(-9999, 1, 1).unwrap().days_since_epoch(),
        Date::new(9999, 12, 31).unwrap().days_since_epoch(),
    )
}

fn date() -> impl Strategy<Value = Date> {
    let (lo, hi) = day_range();
    let common_era = Date::new(1, 1, 1).unwrap().days_since_epoch();
    prop_oneof![
        3 => common_era..=hi,
        1 => lo..=hi,
        1 => prop::sample::select(vec![
            lo,
            hi,
            common_era,
            common_era - 1,
            Date::new(-4713, 11, 24).unwrap().days_since_epoch(),
            Date::new(-4713, 11, 23).unwrap().days_since_epoch(),
            Date::new(1000, 1, 1).unwrap().days_since_epoch(),
            Date::new(1582, 10, 4).unwrap().days_since_epoch(),
            Date::new(1970, 1, 1).unwrap().days_since_epoch(),
            Date::new(2000, 2, 29).unwrap().days_since_epoch(),
            Date::new(2038, 1, 19).unwrap().days_since_epoch(),
        ]),
    ]
    .prop_map(|d| Date::from_days_since_epoch(d).unwrap())
}

fn time_of_day() -> impl Strategy<Value = Time> {
    const DAY: i64 = 86_400_000_000;
    prop_oneof![
        3 => 0..DAY,
        1 => prop::sample::select(vec![0, 1, DAY - 1, DAY / 2, 999_999]),
    ]
    .prop_map(|us| Time::from_micros_since_midnight(us).unwrap())
}

fn chrono_date(d: Date) -> chrono::NaiveDate {
    chrono::NaiveDate::from_ymd_opt(d.year(), d.month().into(), d.day().into()).unwrap()
}
fn chrono_time(t: Time) -> chrono::NaiveTime {
    let (h, m, s, us) = t.parts();
    chrono::NaiveTime::from_hms_micro_opt(h.into(), m.into(), s.into(), us).unwrap()
}
fn time_date(d: Date) -> time::Date {
    time::Date::from_calendar_date(d.year(), time::Month::try_from(d.month()).unwrap(), d.day())
        .unwrap()
}
fn time_time(t: Time) -> time::Time {
    let (h, m, s, us) = t.parts();
    time::Time::from_hms_micro(h, m, s, us).unwrap()
}

fn json() -> impl Strategy<Value = serde_json::Value> {
    use serde_json::Value as J;
    let leaf = prop_oneof![
        Just(J::Null),
        any::<bool>().prop_map(J::Bool),
        any::<i64>().prop_map(J::from),
        any::<u64>().prop_map(J::from),
        // Floats with a short decimal form: serde_json's default parser (on the client, not
        // quarry's) is not correctly rounded for long ones, as jsonb writes them out in full.
        // The f64 column checks every float bit for bit.
        (any::<i32>(), 0u32..12).prop_map(|(m, e)| J::from(f64::from(m) / f64::from(1u32 << e))),
        hostile_text().prop_map(J::String),
    ];
    leaf.prop_recursive(3, 16, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(J::Array),
            prop::collection::btree_map(hostile_text(), inner, 0..4)
                .prop_map(|m| J::Object(m.into_iter().collect())),
        ]
    })
}

/// The UUIDs of RFC 9562: versions 1 to 7, its variant. (MariaDB's UUID type refuses some
/// others, e.g. version 8 to 15 with this variant, with a database error 1292: a semantic of
/// the server, listed in RELIABILITY.md.)
fn uuid_bytes() -> impl Strategy<Value = [u8; 16]> {
    any::<[u8; 16]>().prop_map(|mut b| {
        b[6] = (b[6] & 0x0f) | ((b[6] >> 4) % 7 + 1) << 4;
        b[8] = (b[8] & 0x3f) | 0x80;
        b
    })
}

fn decimal() -> impl Strategy<Value = rust_decimal::Decimal> {
    const MAX: i64 = 999_999_999_999_999_999; // 18 digits: NUMERIC(28, 10) holds them at any scale
    prop_oneof![
        2 => (-999_999_999_999_999_i64..=999_999_999_999_999, 0u32..=10),
        1 => (-MAX..=MAX, 0u32..=10),
        1 => prop::sample::select(vec![(0, 0), (1, 10), (-1, 10), (MAX, 0), (-MAX, 10), (MAX, 10)]),
    ]
    .prop_map(|(m, s)| rust_decimal::Decimal::new(m, s))
}

/// One generated row: a cell per value column (a tenth of them NULL).
fn value_row() -> impl Strategy<Value = Vec<Gen>> {
    fn nullable(s: BoxedStrategy<Gen>, t: ValueType) -> BoxedStrategy<Gen> {
        prop_oneof![9 => s, 1 => Just(Gen::Null(t))].boxed()
    }
    let ints = (
        nullable(any::<i16>().prop_map(Gen::I16).boxed(), ValueType::I16),
        nullable(
            prop_oneof![any::<i32>(), Just(i32::MIN), Just(i32::MAX)]
                .prop_map(Gen::I32)
                .boxed(),
            ValueType::I32,
        ),
        nullable(
            prop_oneof![any::<i64>(), Just(i64::MIN), Just(i64::MAX)]
                .prop_map(Gen::I64)
                .boxed(),
            ValueType::I64,
        ),
        nullable(finite_f32().prop_map(Gen::F32).boxed(), ValueType::F32),
        nullable(finite_f64().prop_map(Gen::F64).boxed(), ValueType::F64),
        nullable(any::<bool>().prop_map(Gen::Bool).boxed(), ValueType::Bool),
        nullable(hostile_text().prop_map(Gen::Text).boxed(), ValueType::Text),
        nullable(
            prop::collection::vec(any::<u8>(), 0..48)
                .prop_map(Gen::Bytes)
                .boxed(),
            ValueType::Bytes,
        ),
    );
    let others = (
        nullable(decimal().prop_map(Gen::Dec).boxed(), ValueType::Decimal),
        nullable(
            prop_oneof![
                date().prop_map(Gen::Date),
                date().prop_map(|d| Gen::ChronoDate(chrono_date(d))),
                date().prop_map(|d| Gen::TimeDate(time_date(d))),
            ]
            .boxed(),
            ValueType::Date,
        ),
        nullable(
            prop_oneof![
                time_of_day().prop_map(Gen::Time),
                time_of_day().prop_map(|t| Gen::ChronoTime(chrono_time(t))),
                time_of_day().prop_map(|t| Gen::TimeTime(time_time(t))),
            ]
            .boxed(),
            ValueType::Time,
        ),
        nullable(
            prop_oneof![
                (date(), time_of_day()).prop_map(|(d, t)| Gen::Ts(Timestamp::new(d, t))),
                (date(), time_of_day())
                    .prop_map(|(d, t)| Gen::ChronoTs(chrono_date(d).and_time(chrono_time(t)))),
                (date(), time_of_day()).prop_map(|(d, t)| Gen::TimeTs(
                    time::PrimitiveDateTime::new(time_date(d), time_time(t))
                )),
            ]
            .boxed(),
            ValueType::Timestamp,
        ),
        nullable(
            prop_oneof![
                (date(), time_of_day()).prop_map(|(d, t)| Gen::Tz(Timestamp::new(d, t))),
                (date(), time_of_day()).prop_map(|(d, t)| Gen::ChronoTz(
                    chrono_date(d).and_time(chrono_time(t)).and_utc()
                )),
                (date(), time_of_day()).prop_map(|(d, t)| Gen::TimeTz(
                    time::PrimitiveDateTime::new(time_date(d), time_time(t)).assume_utc()
                )),
            ]
            .boxed(),
            ValueType::TimestampTz,
        ),
        nullable(
            prop_oneof![
                uuid_bytes().prop_map(|b| Gen::Uuid(Uuid(b))),
                uuid_bytes().prop_map(|b| Gen::UuidCrate(uuid::Uuid::from_bytes(b))),
            ]
            .boxed(),
            ValueType::Uuid,
        ),
        nullable(json().prop_map(Gen::Json).boxed(), ValueType::Json),
    );
    (ints, others).prop_map(|((a, b, c, d, e, f, g, h), (i, j, k, l, m, n, o))| {
        vec![a, b, c, d, e, f, g, h, i, j, k, l, m, n, o]
    })
}

/// Counts of one backend's value checks, by path.
#[derive(Default, Debug)]
struct ValueCounts {
    inserted: u64,
    filtered: u64,
    updated: u64,
    deleted: u64,
    bulk: u64,
    literal: u64,
    refused: u64,
}

impl ValueCounts {
    fn total(&self) -> u64 {
        self.inserted
            + self.filtered
            + self.updated
            + self.deleted
            + self.bulk
            + self.literal
            + self.refused
    }
}

struct ValueFx {
    engine: Engine,
    table: Table,
    /// `(column name, handle)` of `id` and then every value column.
    cols: Vec<DynColumn>,
    /// The same columns as typed handles for `insert_rows` (names leaked once per test).
    table_name: &'static str,
}

impl ValueFx {
    fn be(&self) -> &'static str {
        self.engine.dialect().name()
    }

    fn assigns(&self, id: i64, row: &[Gen]) -> Vec<quarry::Assign> {
        assert_eq!(row.len() + 1, self.cols.len(), "a value for every column");
        std::iter::once(self.cols[0].set(id))
            .chain(
                row.iter()
                    .zip(&self.cols[1..])
                    .map(|(g, c)| c.set(Expr::Value(g.value()))),
            )
            .collect()
    }

    /// Every row of the table, by id.
    async fn read_all(&self) -> Result<Vec<Row>, TestCaseError> {
        let items: Vec<Expr> = self.cols.iter().map(|c| c.clone().into_expr()).collect();
        self.engine
            .fetch_all(
                &select(items)
                    .from(&self.table)
                    .order_by(self.cols[0].clone().asc()),
            )
            .await
            .map_err(|e| fail(format!("{}: read back: {e}", self.be())))
    }

    /// Checks that the table holds exactly `want` (id, row), each cell on its own; returns the
    /// number of cells checked.
    async fn expect_rows(&self, how: &str, want: &[(i64, &[Gen])]) -> Result<u64, TestCaseError> {
        let rows = self.read_all().await?;
        let ids: Vec<i64> = rows
            .iter()
            .map(|r| r.get::<i64>(0).unwrap_or(i64::MIN))
            .collect();
        let want_ids: Vec<i64> = want.iter().map(|(id, _)| *id).collect();
        prop_assert_eq!(ids, want_ids, "{}: {}: ids", self.be(), how);
        prop_assert_eq!(rows.len(), want.len(), "{}: {}: rows", self.be(), how);
        let mut n = 0;
        for (row, (id, gens)) in rows.iter().zip(want) {
            prop_assert_eq!(row.len(), gens.len() + 1, "{}: {}: columns", self.be(), how);
            for (i, g) in gens.iter().enumerate() {
                g.check(row, i + 1).map_err(|e| {
                    fail(format!(
                        "{}: {how}: row {id}, column {}: sent {g:?} ({:?}), {e}",
                        self.be(),
                        self.cols[i + 1].name(),
                        g.value()
                    ))
                })?;
                n += 1;
            }
        }
        Ok(n)
    }

    async fn clear(&self) -> Result<(), TestCaseError> {
        self.engine
            .execute(delete(&self.table))
            .await
            .map_err(|e| fail(format!("{}: clear: {e}", self.be())))?;
        Ok(())
    }

    fn refusal(&self, row: &[Gen], path: Path) -> Option<Vec<ErrorKind>> {
        let kinds: Vec<ErrorKind> = row
            .iter()
            .filter_map(|g| value_refusal(self.be(), g, path))
            .collect();
        (!kinds.is_empty()).then_some(kinds)
    }

    fn expect_refused<T: std::fmt::Debug>(
        &self,
        how: &str,
        row: &[Gen],
        kinds: &[ErrorKind],
        r: quarry::Result<T>,
    ) -> Result<(), TestCaseError> {
        match r {
            Ok(v) => Err(fail(format!(
                "{}: {how}: expected a refusal ({kinds:?}) of {row:?}, got {v:?}",
                self.be()
            ))),
            Err(e) if kinds.contains(&e.kind()) => Ok(()),
            Err(e) => Err(fail(format!(
                "{}: {how}: expected one of {kinds:?} for {row:?}, got {:?}: {e}",
                self.be(),
                e.kind()
            ))),
        }
    }

    async fn bulk(&self, rows: &[(i64, &[Gen])]) -> quarry::Result<u64> {
        let t = self.table_name;
        let c = |i: usize| -> Column<Value> {
            let name: &'static str = match i {
                0 => "id",
                i => value_columns()[i - 1].0,
            };
            Column::new(t, name)
        };
        let columns = (
            c(0),
            c(1),
            c(2),
            c(3),
            c(4),
            c(5),
            c(6),
            c(7),
            c(8),
            c(9),
            c(10),
            c(11),
            c(12),
            c(13),
            c(14),
            c(15),
        );
        let v = |r: &[Gen], i: usize| r[i].value();
        self.engine
            .insert_rows(
                t,
                columns,
                rows.iter().map(|(id, r)| {
                    (
                        Value::I64(*id),
                        v(r, 0),
                        v(r, 1),
                        v(r, 2),
                        v(r, 3),
                        v(r, 4),
                        v(r, 5),
                        v(r, 6),
                        v(r, 7),
                        v(r, 8),
                        v(r, 9),
                        v(r, 10),
                        v(r, 11),
                        v(r, 12),
                        v(r, 13),
                        v(r, 14),
                    )
                }),
            )
            .await
    }

    /// One batch of rows through every path.
    async fn batch(&self, rows: &[Vec<Gen>], n: &mut ValueCounts) -> Result<(), TestCaseError> {
        let be = self.be();
        self.clear().await?;
        let rows: Vec<(i64, &[Gen])> = rows
            .iter()
            .enumerate()
            .map(|(i, r)| (i as i64 + 1, r.as_slice()))
            .collect();

        // Bound INSERT: refused rows alone, the others in one multi-row statement.
        let mut good: Vec<(i64, &[Gen])> = Vec::new();
        for &(id, r) in &rows {
            match self.refusal(r, Path::Bound) {
                Some(kinds) => {
                    let res = self
                        .engine
                        .execute(insert(&self.table).values(self.assigns(id, r)))
                        .await;
                    self.expect_refused("bound INSERT", r, &kinds, res)?;
                    n.refused += 1;
                }
                None => good.push((id, r)),
            }
        }
        if !good.is_empty() {
            let q = insert(&self.table).rows(good.iter().map(|(id, r)| self.assigns(*id, r)));
            let done = self
                .engine
                .execute(&q)
                .await
                .map_err(|e| fail(format!("{be}: bound INSERT of {good:?}: {e}")))?;
            prop_assert_eq!(done, good.len() as u64, "{}: rows inserted", be);
        }
        n.inserted += self.expect_rows("bound INSERT", &good).await?;

        // WHERE on every column at once: each stored row is found by its own values.
        for (id, r) in &good {
            prop_assert_eq!(r.len() + 1, self.cols.len(), "{}: row {}: columns", be, id);
            let conds: Vec<TypedExpr<bool>> = std::iter::once(self.cols[0].clone().eq(val(*id)))
                .chain(r.iter().zip(&self.cols[1..]).map(|(g, c)| match g {
                    Gen::Null(_) => c.clone().is_null(),
                    g => c.clone().eq(Expr::Value(g.value())),
                }))
                .collect();
            let q = select(count_star())
                .from(&self.table)
                .filter(and_all(conds));
            let found: i64 = self
                .engine
                .fetch_scalar(&q)
                .await
                .map_err(|e| fail(format!("{be}: WHERE of row {id}: {e}")))?;
            if found != 1 {
                // Which column does not match?
                let mut bad = Vec::new();
                for (g, c) in r.iter().zip(&self.cols[1..]) {
                    let cond = match g {
                        Gen::Null(_) => c.clone().is_null(),
                        g => c.clone().eq(Expr::Value(g.value())),
                    };
                    let q = select(count_star())
                        .from(&self.table)
                        .filter(self.cols[0].clone().eq(val(*id)).and(cond));
                    let k: i64 = self.engine.fetch_scalar(&q).await.unwrap_or(-1);
                    if k != 1 {
                        bad.push(format!("{} = {g:?}", c.name()));
                    }
                }
                return Err(fail(format!(
                    "{be}: WHERE found {found} rows for row {id}; not matching: {bad:?}"
                )));
            }
            n.filtered += r.len() as u64;
        }

        // UPDATE: each row takes the next row's values.
        if !good.is_empty() {
            let next: Vec<(i64, &[Gen])> = good
                .iter()
                .enumerate()
                .map(|(i, (id, _))| (*id, good[(i + 1) % good.len()].1))
                .collect();
            for (id, r) in &next {
                let sets: Vec<quarry::Assign> = self.assigns(*id, r).into_iter().skip(1).collect();
                let done = self
                    .engine
                    .execute(
                        update(&self.table)
                            .values(sets)
                            .filter(self.cols[0].clone().eq(val(*id))),
                    )
                    .await
                    .map_err(|e| fail(format!("{be}: UPDATE of row {id}: {e}")))?;
                prop_assert_eq!(done, 1, "{}: UPDATE of row {}", be, id);
            }
            n.updated += self.expect_rows("UPDATE", &next).await?;

            // DELETE by the hostile text and bytes (and the id).
            let (s, by) = (7, 8);
            for (id, r) in &next {
                let cond = |i: usize| match &r[i - 1] {
                    Gen::Null(_) => self.cols[i].clone().is_null(),
                    g => self.cols[i].clone().eq(Expr::Value(g.value())),
                };
                let done = self
                    .engine
                    .execute(
                        delete(&self.table)
                            .filter(self.cols[0].clone().eq(val(*id)).and(cond(s)).and(cond(by))),
                    )
                    .await
                    .map_err(|e| fail(format!("{be}: DELETE of row {id}: {e}")))?;
                prop_assert_eq!(done, 1, "{}: DELETE of row {}", be, id);
                n.deleted += 2;
            }
            n.deleted += self.expect_rows("DELETE", &[]).await?;
        }

        // Bulk: refused rows alone, the others in one load.
        let mut good: Vec<(i64, &[Gen])> = Vec::new();
        for &(id, r) in &rows {
            match self.refusal(r, Path::Bulk) {
                Some(kinds) => {
                    let res = self.bulk(&[(id, r)]).await;
                    self.expect_refused("insert_rows", r, &kinds, res)?;
                    n.refused += 1;
                }
                None => good.push((id, r)),
            }
        }
        if !good.is_empty() {
            let done = self
                .bulk(&good)
                .await
                .map_err(|e| fail(format!("{be}: insert_rows of {good:?}: {e}")))?;
            prop_assert_eq!(done, good.len() as u64, "{}: rows loaded", be);
        }
        n.bulk += self.expect_rows("insert_rows", &good).await?;
        self.clear().await?;

        // Literals: each row's INSERT written by to_debug_sql and run as text.
        let mut good: Vec<(i64, &[Gen])> = Vec::new();
        for &(id, r) in &rows {
            let q = insert(&self.table).values(self.assigns(id, r));
            let text = q.to_debug_sql(self.engine.dialect());
            match self.refusal(r, Path::Literal) {
                Some(kinds) => {
                    let res = match text {
                        Ok(text) => self.engine.execute(text.as_str()).await,
                        Err(e) => Err(e),
                    };
                    self.expect_refused("literal INSERT", r, &kinds, res)?;
                    n.refused += 1;
                }
                None => {
                    let text = text
                        .map_err(|e| fail(format!("{be}: to_debug_sql of row {id} {r:?}: {e}")))?;
                    self.engine
                        .execute(text.as_str())
                        .await
                        .map_err(|e| fail(format!("{be}: literal INSERT {text}: {e}")))?;
                    good.push((id, r));
                }
            }
        }
        n.literal += self.expect_rows("literal INSERT", &good).await?;
        self.clear().await?;
        Ok(())
    }
}

fn run_values(var: Option<&str>, cases: u32) {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let Some(engine) = connect(&rt, var) else {
        return;
    };
    let start = Instant::now();
    let be = engine.dialect().name();
    let prefix = format!("qh_v_{be}_");
    let sentinel_name = format!("qh_s_{be}_values");
    rt.block_on(common::catalog::drop_prefixed(&engine, &prefix));
    let sentinel = rt.block_on(Sentinel::create(&engine, sentinel_name));
    let table_name: &'static str = Box::leak(format!("{prefix}vals").into_boxed_str());
    let mut table =
        Table::new(table_name).column(ColumnDef::new("id", SqlType::BigInt).primary_key());
    for (name, ty) in value_columns() {
        table = table.column(ColumnDef::new(name, ty));
    }
    let md = MetaData::new().with(table.clone());
    rt.block_on(engine.create_all(&md)).unwrap();
    let cols: Vec<DynColumn> = table
        .columns
        .iter()
        .map(|c| table.c(&c.name).unwrap())
        .collect();
    let fx = ValueFx {
        engine: engine.clone(),
        table,
        cols,
        table_name,
    };
    let counts = std::cell::RefCell::new(ValueCounts::default());
    let mut runner = runner(cases);
    let result = runner.run(&prop::collection::vec(value_row(), 1..=25), |rows| {
        rt.block_on(async {
            let mut n = ValueCounts::default();
            fx.batch(&rows, &mut n).await?;
            sentinel.check(&engine).await?;
            let mut c = counts.borrow_mut();
            c.inserted += n.inserted;
            c.filtered += n.filtered;
            c.updated += n.updated;
            c.deleted += n.deleted;
            c.bulk += n.bulk;
            c.literal += n.literal;
            c.refused += n.refused;
            Ok(())
        })
    });
    if let Err(e) = result {
        panic!("{be}: {e}");
    }
    rt.block_on(sentinel.check(&engine)).unwrap();
    rt.block_on(engine.drop_all(&md)).unwrap();
    rt.block_on(sentinel.drop(&engine));
    let c = counts.into_inner();
    println!(
        "live_hostile values on {be}: {} value checks ({} bound INSERT, {} WHERE, {} UPDATE, {} DELETE, {} insert_rows, {} literal, {} rows refused as documented) in {:.1} s",
        c.total(),
        c.inserted,
        c.filtered,
        c.updated,
        c.deleted,
        c.bulk,
        c.literal,
        c.refused,
        start.elapsed().as_secs_f64()
    );
    assert!(c.total() >= 10_000, "{be}: only {} value checks", c.total());
}

#[test]
fn hostile_values_round_trip_on_sqlite() {
    run_values(None, VALUE_CASES);
}

#[test]
fn hostile_values_round_trip_on_postgres() {
    run_values(Some("QUARRY_TEST_POSTGRES_URL"), VALUE_CASES);
}

#[test]
fn hostile_values_round_trip_on_mariadb() {
    run_values(Some("QUARRY_TEST_MYSQL_URL"), VALUE_CASES);
}

/// Batches per backend in the default mode (each of up to 25 rows of 15 values, through six
/// paths).
const VALUE_CASES: u32 = 40;

// ---------------------------------------------------------------------------------------------
// Identifiers

const RESERVED: &[&str] = &[
    "select",
    "SELECT",
    "from",
    "where",
    "order",
    "group",
    "table",
    "user",
    "key",
    "index",
    "check",
    "default",
    "limit",
    "returning",
    "values",
    "column",
    "primary",
    "desc",
    "null",
    "true",
    "all",
    "as",
    "by",
    "to",
    "interval",
    "rowid",
    "oid",
    "ctid",
    "_rowid_",
];

const HOSTILE_IDENT: &[&str] = &[
    "\"", "\"\"", "`", "``", "'", "\\", "\\\"", "\\`", ";", "--", "/*", "*/", "\0", "\n", "\r",
    "\t", " ", "  ", "\u{7f}", "\u{1}", "🦀", "é", "日本", "$1", "?", ":p", "%s", "@x", ".", "[",
    "]", "(", ")", ",", "=", "\u{200b}", "\u{feff}",
];

/// A hostile identifier: fragments and reserved words, long runs around the dialects' limits,
/// or any Unicode scalars.
fn hostile_ident() -> impl Strategy<Value = String> {
    prop_oneof![
        6 => prop::collection::vec(
            prop_oneof![
                3 => prop::sample::select(HOSTILE_IDENT).prop_map(str::to_owned),
                2 => prop::sample::select(RESERVED).prop_map(str::to_owned),
                2 => "[a-zA-Z0-9_]{1,5}",
            ],
            1..6,
        )
        .prop_map(|p| p.concat()),
        1 => prop::sample::select(RESERVED).prop_map(str::to_owned),
        1 => (prop::sample::select(vec!["a", "é", "日", "\"", "`", "x y"]), 30usize..70)
            .prop_map(|(s, n)| s.repeat(n)),
        1 => (prop::sample::select(vec!["a", "é", "\"", "🦀"]), 240usize..270)
            .prop_map(|(s, n)| s.chars().cycle().take(n).collect()),
        1 => prop::collection::vec(any::<char>(), 1..8).prop_map(|c| c.into_iter().collect()),
    ]
}

/// Names of one identifier case (table and index without their per-test prefixes).
#[derive(Clone, Debug)]
struct Names {
    table: String,
    cols: [String; 3],
    index: String,
    alias: String,
    labels: [String; 3],
}

fn names() -> impl Strategy<Value = Names> {
    (
        hostile_ident(),
        [hostile_ident(), hostile_ident(), hostile_ident()],
        hostile_ident(),
        hostile_ident(),
        [hostile_ident(), hostile_ident(), hostile_ident()],
    )
        // The first column starts with no digit, so that the other two, which start with
        // `1` and `2`, differ from it and from each other under any collation.
        .prop_filter("first column starts with a digit", |n| {
            !n.1[0].chars().next().is_some_and(char::is_numeric)
        })
        .prop_map(|(table, [c0, c1, c2], index, alias, labels)| Names {
            table,
            cols: [c0, format!("1{c1}"), format!("2{c2}")],
            index,
            alias,
            labels,
        })
}

/// Why the dialect refuses `name` as a table, column or index name, if it does (the limits
/// `create_all` checks before the database).
fn schema_name_refused(d: &dyn quarry::Dialect, name: &str) -> bool {
    let f = d.features();
    let too_long = f.max_identifier_len.is_some_and(|max| {
        let len = if f.identifier_len_in_bytes {
            name.len()
        } else {
            name.chars().count()
        };
        len > max
    });
    name.is_empty()
        || name.contains('\0')
        || too_long
        || (!f.trailing_space_in_identifiers
            && name.ends_with(|c: char| c.is_ascii_whitespace() || c == '\x0b'))
        || (!f.identifiers_beyond_bmp && name.chars().any(|c| c as u32 > 0xFFFF))
}

/// Whether the MySQL family would make too long a file name of table name `name`: characters
/// other than ASCII letters, digits and `_` are written `@xxxx` (counted as 5 bytes, as quarry
/// counts them), and 50 CJK characters (250 bytes) are the most MariaDB takes on ext4.
fn table_file_name_too_long(d: &dyn quarry::Dialect, name: &str) -> bool {
    let bytes: usize = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '_' {
                1
            } else {
                5
            }
        })
        .sum();
    mysql_family(d) && bytes > 250
}

fn mysql_family(d: &dyn quarry::Dialect) -> bool {
    matches!(d.name(), "mariadb" | "mysql")
}

/// Whether the dialect refuses `name` as a table alias or (with `label`) a select-list label:
/// NUL anywhere; longer than the server keeps (PostgreSQL 63 bytes, the MySQL family 255);
/// on the MySQL family, a label starting with a space or control character (stripped by the
/// server) and a character beyond the Basic Multilingual Plane (identifiers are utf8mb3).
fn statement_name_refused(d: &dyn quarry::Dialect, name: &str, label: bool) -> bool {
    let max = match d.name() {
        "postgresql" => 63,
        "mariadb" | "mysql" => 255,
        _ => usize::MAX,
    };
    let my = mysql_family(d);
    name.contains('\0')
        || name.len() > max
        || (my
            && label
            && name
                .as_bytes()
                .first()
                .is_some_and(|b| b.is_ascii() && !b.is_ascii_graphic()))
        || (my && name.chars().any(|c| c as u32 > 0xFFFF))
}

#[derive(Default, Debug)]
struct IdentCounts {
    cases: u64,
    /// Identifiers read back or run through a statement.
    checked: u64,
    /// Identifiers refused, as predicted, before the database.
    refused: u64,
}

struct IdentFx {
    engine: Engine,
    table_prefix: String,
    index_prefix: String,
}

impl IdentFx {
    fn be(&self) -> &'static str {
        self.engine.dialect().name()
    }

    /// The connection still works after a refusal.
    async fn alive(&self) -> Result<(), TestCaseError> {
        let one: i64 = self
            .engine
            .fetch_scalar("SELECT 1")
            .await
            .map_err(|e| fail(format!("{}: connection after a refusal: {e}", self.be())))?;
        prop_assert_eq!(one, 1);
        Ok(())
    }

    fn expect_typed(
        &self,
        what: &str,
        names: &Names,
        r: quarry::Result<impl std::fmt::Debug>,
    ) -> Result<(), TestCaseError> {
        match r {
            Err(e) if is_typed_refusal(&e) => Ok(()),
            Err(e) => Err(fail(format!(
                "{}: {what}: expected a typed refusal for {names:?}, got {:?}: {e}",
                self.be(),
                e.kind()
            ))),
            Ok(v) => Err(fail(format!(
                "{}: {what}: expected a typed refusal for {names:?}, got {v:?}",
                self.be()
            ))),
        }
    }

    async fn case(&self, names: &Names, n: &mut IdentCounts) -> Result<(), TestCaseError> {
        let be = self.be();
        let d = self.engine.dialect();
        let tname = format!("{}{}", self.table_prefix, names.table);
        let iname = format!("{}{}", self.index_prefix, names.index);
        let [c0, c1, c2] = &names.cols;
        let table = Table::new(tname.clone())
            .column(ColumnDef::new(c0.clone(), SqlType::BigInt).primary_key())
            .column(ColumnDef::new(c1.clone(), SqlType::Varchar(100)))
            .column(ColumnDef::new(c2.clone(), SqlType::Integer))
            .index(Index::on(iname.clone(), [c1.clone()]));
        let md = MetaData::new().with(table.clone());

        // DDL.
        let schema_names = [&tname, c0, c1, c2, &iname];
        let system_column = names
            .cols
            .iter()
            .any(|c| d.features().system_column_names.contains(&c.as_str()))
            || table_file_name_too_long(d, &tname);
        let refused = schema_names
            .iter()
            .filter(|s| schema_name_refused(d, s))
            .count() as u64
            + u64::from(system_column);
        let created = self.engine.create_all(&md).await;
        if refused > 0 {
            self.expect_typed("create_all", names, created)?;
            let left = common::catalog::tables_with_prefix(&self.engine, &tname).await;
            prop_assert!(
                !left.contains(&tname),
                "{}: refused table {:?} exists",
                be,
                tname
            );
            self.alive().await?;
            n.refused += refused;
            return Ok(());
        }
        created.map_err(|e| fail(format!("{be}: create_all of {names:?}: {e}")))?;
        let tables = common::catalog::tables_with_prefix(&self.engine, &self.table_prefix).await;
        prop_assert_eq!(&tables, &vec![tname.clone()], "{}: tables", be);
        let cols = common::catalog::column_names(&self.engine, &tname).await;
        prop_assert_eq!(&cols, &names.cols.to_vec(), "{}: columns", be);
        let ixs = common::catalog::index_names(&self.engine, &tname).await;
        prop_assert_eq!(&ixs, &vec![iname.clone()], "{}: indexes", be);
        n.checked += 5;

        let col = |i: usize| table.c(&names.cols[i]).unwrap();
        let text = "x'\\\"`;--/*";
        // INSERT, UPDATE.
        let done = self
            .engine
            .execute(insert(&table).values([
                col(0).set(1_i64),
                col(1).set(text),
                col(2).set(7_i32),
            ]))
            .await
            .map_err(|e| fail(format!("{be}: INSERT: {e}")))?;
        prop_assert_eq!(done, 1);
        let done = self
            .engine
            .execute(update(&table).set(col(2), 8_i32).filter(col(0).eq(1_i64)))
            .await
            .map_err(|e| fail(format!("{be}: UPDATE: {e}")))?;
        prop_assert_eq!(done, 1);
        n.checked += 8;

        // Aliased, labelled SELECT, built and as debug text.
        let alias = names.alias.clone();
        let a = |i: usize| DynColumn::new(alias.clone(), names.cols[i].clone());
        let [l0, l1, l2] = names.labels.clone();
        let q = select((a(0).label(l0), a(1).label(l1), a(2).label(l2)))
            .from(TableRef::new(&table).alias(alias.clone()))
            .filter(a(0).eq(1_i64));
        let refused = std::iter::once((&alias, false))
            .chain(names.labels.iter().map(|l| (l, true)))
            .filter(|(s, label)| statement_name_refused(d, s, *label))
            .count() as u64;
        let built = self.engine.fetch_all(&q).await;
        let debug = q.to_debug_sql(d);
        if refused > 0 {
            self.expect_typed("aliased SELECT", names, built)?;
            self.expect_typed("aliased SELECT's to_debug_sql", names, debug)?;
            self.alive().await?;
            n.refused += refused;
        } else {
            let built = built.map_err(|e| fail(format!("{be}: aliased SELECT {names:?}: {e}")))?;
            let debug = debug.map_err(|e| fail(format!("{be}: to_debug_sql {names:?}: {e}")))?;
            let text_run = self
                .engine
                .fetch_all(debug.as_str())
                .await
                .map_err(|e| fail(format!("{be}: debug SELECT {debug}: {e}")))?;
            for (how, rows) in [("built", built), ("to_debug_sql", text_run)] {
                prop_assert_eq!(rows.len(), 1, "{}: {} SELECT rows", be, how);
                let row = &rows[0];
                prop_assert_eq!(row.columns(), &names.labels[..], "{}: {} labels", be, how);
                let got: (i64, String, i32) = (
                    row.get(0).map_err(fail)?,
                    row.get(1).map_err(fail)?,
                    row.get(2).map_err(fail)?,
                );
                prop_assert_eq!(got, (1, text.to_owned(), 8), "{}: {} values", be, how);
            }
            n.checked += 2 * 8;
        }

        // Bulk.
        let leak = |s: &str| -> &'static str { Box::leak(s.to_owned().into_boxed_str()) };
        let t: &'static str = leak(&tname);
        let done = self
            .engine
            .insert_rows(
                tname.clone(),
                (
                    Column::<i64>::new(t, leak(c0)),
                    Column::<String>::new(t, leak(c1)),
                    Column::<i32>::new(t, leak(c2)),
                ),
                [(2_i64, text, 9_i32)],
            )
            .await
            .map_err(|e| fail(format!("{be}: insert_rows: {e}")))?;
        prop_assert_eq!(done, 1);
        n.checked += 4;

        // DELETE.
        let done = self
            .engine
            .execute(delete(&table).filter(col(0).eq(1_i64).and(col(1).eq(text))))
            .await
            .map_err(|e| fail(format!("{be}: DELETE: {e}")))?;
        prop_assert_eq!(done, 1);
        let left: Vec<(i64, i32)> = select((col(0), col(2)))
            .from(&table)
            .fetch_all(&self.engine)
            .await
            .map_err(|e| fail(format!("{be}: SELECT after DELETE: {e}")))?
            .into_iter()
            .map(|(a, b): (Value, Value)| {
                (a.as_i64().unwrap_or(-1), b.as_i64().unwrap_or(-1) as i32)
            })
            .collect();
        prop_assert_eq!(left, vec![(2, 9)], "{}: rows after DELETE", be);
        n.checked += 4;

        // DROP.
        self.engine
            .drop_all(&md)
            .await
            .map_err(|e| fail(format!("{be}: drop_all: {e}")))?;
        let tables = common::catalog::tables_with_prefix(&self.engine, &self.table_prefix).await;
        prop_assert!(
            tables.is_empty(),
            "{}: left after drop_all: {:?}",
            be,
            tables
        );
        n.checked += 1;
        Ok(())
    }
}

fn run_identifiers(var: Option<&str>, cases: u32) {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let Some(engine) = connect(&rt, var) else {
        return;
    };
    let start = Instant::now();
    let be = engine.dialect().name();
    let fx = IdentFx {
        engine: engine.clone(),
        table_prefix: format!("qh_i_{be}_"),
        index_prefix: format!("qh_x_{be}_"),
    };
    rt.block_on(common::catalog::drop_prefixed(&engine, &fx.table_prefix));
    let sentinel = rt.block_on(Sentinel::create(&engine, format!("qh_s_{be}_identifiers")));
    let counts = std::cell::RefCell::new(IdentCounts::default());
    let mut runner = runner(cases);
    let result = runner.run(&names(), |names| {
        rt.block_on(async {
            let mut n = IdentCounts::default();
            let r = fx.case(&names, &mut n).await;
            // Whatever happened, no table of this case is left for the next one.
            common::catalog::drop_prefixed(&engine, &fx.table_prefix).await;
            r?;
            sentinel.check(&engine).await?;
            let mut c = counts.borrow_mut();
            c.cases += 1;
            c.checked += n.checked;
            c.refused += n.refused;
            Ok(())
        })
    });
    if let Err(e) = result {
        panic!("{be}: {e}");
    }
    rt.block_on(sentinel.drop(&engine));
    let c = counts.into_inner();
    println!(
        "live_hostile identifiers on {be}: {} cases, {} identifier checks ({} through statements and read back, {} refused before the database as predicted) in {:.1} s",
        c.cases,
        c.checked + c.refused,
        c.checked,
        c.refused,
        start.elapsed().as_secs_f64()
    );
}

/// Identifier cases per backend in the default mode.
const IDENT_CASES: u32 = 400;

#[test]
fn hostile_identifiers_round_trip_or_are_refused_on_sqlite() {
    run_identifiers(None, IDENT_CASES);
}

#[test]
fn hostile_identifiers_round_trip_or_are_refused_on_postgres() {
    run_identifiers(Some("QUARRY_TEST_POSTGRES_URL"), IDENT_CASES);
}

#[test]
fn hostile_identifiers_round_trip_or_are_refused_on_mariadb() {
    run_identifiers(Some("QUARRY_TEST_MYSQL_URL"), IDENT_CASES);
}

// ---------------------------------------------------------------------------------------------
// Regressions found by the properties above

/// PostgreSQL reads no negative year: a date in year 0 or before is a `… BC` literal.
#[test]
fn regression_dates_before_year_1_are_bc_literals_on_postgres() {
    let lit = |v: Value| {
        let mut w = quarry::dialect::SqlWriter::new(&quarry::Postgres);
        w.push_literal(&v).unwrap();
        w.finish().sql
    };
    let d = Date::new(-2911, 12, 17).unwrap();
    let t = Time::new(23, 8, 2, 268_387).unwrap();
    assert_eq!(lit(Value::Date(d)), "'2912-12-17 BC'");
    assert_eq!(
        lit(Value::Date(Date::new(0, 1, 1).unwrap())),
        "'0001-01-01 BC'"
    );
    assert_eq!(
        lit(Value::Timestamp(Timestamp::new(d, t))),
        "'2912-12-17 23:08:02.268387 BC'"
    );
    assert_eq!(
        lit(Value::TimestampTz(Timestamp::new(d, t))),
        "'2912-12-17 23:08:02.268387+00:00 BC'"
    );
    assert_eq!(
        lit(Value::Date(Date::new(1, 1, 1).unwrap())),
        "'0001-01-01'"
    );
}

/// A MySQL-family date literal beyond years 0 to 9999 is refused, as the bound value is.
#[test]
fn regression_mysql_date_literals_beyond_years_0_to_9999_are_refused() {
    let d = Date::new(-1, 12, 31).unwrap();
    let ts = Timestamp::new(d, Time::new(0, 0, 0, 0).unwrap());
    for dialect in [&quarry::MySql as &dyn quarry::Dialect, &quarry::MariaDb] {
        for v in [Value::Date(d), Value::Timestamp(ts), Value::TimestampTz(ts)] {
            let mut w = quarry::dialect::SqlWriter::new(dialect);
            let err = w.push_literal(&v).unwrap_err();
            assert_eq!(err.kind(), ErrorKind::Unsupported, "{v:?}: {err}");
        }
    }
}

/// An f32 literal is its exact value widened to a double: the shortest text of `f32::MAX`
/// (`3.4028235e38`) is past `f32::MAX` as a double, which MariaDB refused for a FLOAT column.
#[test]
fn regression_f32_literals_are_exact_doubles() {
    for dialect in [
        &quarry::MySql as &dyn quarry::Dialect,
        &quarry::Postgres,
        &quarry::Sqlite,
    ] {
        let mut w = quarry::dialect::SqlWriter::new(dialect);
        w.push_literal(&Value::F32(f32::MAX)).unwrap();
        assert_eq!(
            w.finish().sql,
            "3.4028234663852886e38",
            "{}",
            dialect.name()
        );
    }
}

/// SQLite hands REAL columns back as f64: an f32 decodes from it when the value is exact.
#[test]
fn regression_f32_decodes_from_an_exact_f64() {
    use quarry::FromValue;
    assert_eq!(f32::from_value(Value::F64(0.5), "c").unwrap(), 0.5);
    let tiny = f32::from_bits(1);
    assert_eq!(
        f32::from_value(Value::F64(f64::from(tiny)), "c")
            .unwrap()
            .to_bits(),
        tiny.to_bits()
    );
    let err = f32::from_value(Value::F64(0.1), "c").unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Decode);
}
