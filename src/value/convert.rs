//! Conversions between Rust types and [`Value`].

use super::{Date, Decimal, Time, Timestamp, Uuid, Value, ValueType};
use crate::error::{Error, Result};

/// A Rust type that can be bound as a parameter.
///
/// Implemented for the integer, float, boolean, string and byte types and for `Option` of them;
/// the trait is sealed so that the set of bindable types stays in step with the backends.
///
/// ```
/// use quarry::IntoValue;
/// assert_eq!(5_i32.into_value(), quarry::Value::I32(5));
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be bound as a SQL value",
    label = "not a SQL value type",
    note = "bindable types are bool, i16, i32, i64, f32, f64, String, &str, Vec<u8>, &[u8], quarry's Date, Time, Timestamp, Utc, Uuid, Json and Decimal, the chrono/time/uuid/rust_decimal/serde_json types with their features, and Option of those"
)]
pub trait IntoValue: sealed::Sealed {
    /// The type a NULL of this Rust type binds as.
    const VALUE_TYPE: ValueType;
    /// Converts into a [`Value`].
    fn into_value(self) -> Value;
}

/// A Rust type that a [`Value`] can be decoded into.
///
/// # The decoding contract
///
/// A value bound from a Rust type into a column of that type's portable SQL type (its
/// [`SqlTyped`](crate::SqlTyped) default) reads back equal, on every backend and by every
/// path: a typed select (`select((t.a, t.b)).fetch_all`), [`Row::get`](crate::Row::get), and
/// a `serde::Deserialize` struct ([`FromRow`](crate::FromRow): `fetch_all_as`, on SQL text or
/// a typed select). `tests/live_decode_matrix.rs` checks every row of this table on SQLite,
/// PostgreSQL and MariaDB.
///
/// | Rust type | SQL type | PostgreSQL | MariaDB / MySQL | SQLite stores | also decodes from |
/// |---|---|---|---|---|---|
/// | `i16`, `i32`, `i64` | SMALLINT, INTEGER, BIGINT | same | SMALLINT, INT, BIGINT | INTEGER | any integer in range, an integral DECIMAL, a boolean |
/// | `f32` | REAL | `real` | FLOAT | REAL (widened, exact) | — |
/// | `f64` | DOUBLE | `double precision` | DOUBLE | REAL | `f32`, DECIMAL |
/// | `bool` | BOOLEAN | `boolean` | TINYINT(1) (0/1) | INTEGER 0/1 | integers 0 and 1 |
/// | `String` | TEXT | `text` | LONGTEXT | TEXT | the text of dates, times, UUIDs, JSON, decimals |
/// | `Vec<u8>` | BLOB | `bytea` | LONGBLOB | BLOB | text (its UTF-8) |
/// | quarry's `Decimal`, `rust_decimal::Decimal` | NUMERIC(28, 10) | `numeric` | DECIMAL | REAL: 15 significant digits | integers, finite floats, decimal text |
/// | `Date`, `chrono::NaiveDate`, `time::Date` | DATE | `date` | DATE | ISO text | ISO text |
/// | `Time`, `chrono::NaiveTime`, `time::Time` | TIME (µs) | `time` | TIME(6) | ISO text | ISO text |
/// | `Timestamp`, `chrono::NaiveDateTime`, `time::PrimitiveDateTime` | TIMESTAMP (µs) | `timestamp` | DATETIME(6) | ISO text | an instant (its UTC date and time), ISO text |
/// | [`Utc`], `chrono::DateTime<Utc>`, `time::OffsetDateTime` (UTC) | TIMESTAMPTZ (µs) | `timestamptz` | DATETIME(6), in UTC | ISO text with offset | a naive timestamp, read as UTC |
/// | quarry's `Uuid`, `uuid::Uuid` | UUID | `uuid` | UUID (MariaDB), CHAR(36) (MySQL) | CHAR(36) text | UUID text |
/// | `serde_json::Value`, [`Json`] | JSON | `jsonb` | LONGTEXT with `json_valid` (MariaDB), JSON (MySQL) | TEXT | JSON text |
/// | `Option<T>` | `T`'s, nullable | NULL is `None` | | | |
/// | `Vec<T>` | — | arrays (`array_agg`) | — | — | — |
///
/// NULL into a non-`Option` type is a decode error naming the column. A value a Rust type
/// cannot hold (an integer out of range, a fractional decimal into an integer, a date beyond
/// the chrono/time range) is a decode error, never a nearby value. Outside the contract: NaN
/// and ±infinity, refused when bound where the column cannot hold them (NaN on SQLite and
/// MariaDB, infinities on MariaDB); leap seconds, refused when bound everywhere; years before 1
/// (PostgreSQL keeps BC dates, MariaDB has none); decimals beyond 15 significant digits on
/// SQLite, which stores NUMERIC as REAL.
///
/// The serde path decodes the same cells into the same types: the row deserializer hands a
/// timestamp to chrono as RFC 3339 text (`2024-02-29T13:45:07.25`, `Z` for an instant), to the
/// time crate as its serde components, JSON text to `serde_json::Value` as a document and
/// bytes to `Vec<u8>` as a sequence; a `String` field gets the text `FromValue` gives. Where a
/// cell's SQL type leaves a question open (MariaDB's `DATETIME` holding an instant, JSON stored
/// as text on SQLite and MariaDB), the deserializer goes by the type the field's
/// `Deserialize` asks for (its visitor), as `FromValue` goes by the Rust type. chrono, time
/// and uuid fields need those crates' `serde` features (`rust_decimal`'s too).
///
/// ```
/// use quarry::{FromValue, Value};
/// assert_eq!(i64::from_value(Value::I32(3), "n").unwrap(), 3);
/// assert_eq!(i64::from_value(Value::Decimal("42.00".parse().unwrap()), "n").unwrap(), 42);
/// assert!(i64::from_value(Value::Decimal("4.5".parse().unwrap()), "n").is_err());
/// assert!(i64::from_value(Value::Null(quarry::ValueType::I64), "n").is_err());
/// assert_eq!(Option::<i64>::from_value(Value::Null(quarry::ValueType::I64), "n").unwrap(), None);
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be decoded from a SQL value",
    label = "not a decodable type"
)]
pub trait FromValue: Sized {
    /// Decodes `value` of the column named `column` (the name is used in errors).
    fn from_value(value: Value, column: &str) -> Result<Self>;
}

pub(crate) mod sealed {
    pub trait Sealed {}
}

pub(crate) fn decode_err(column: &str, want: &str, got: &Value) -> Error {
    Error::Decode {
        column: column.to_owned(),
        message: mismatch_message(want, got),
    }
}

/// Why `got` cannot be decoded into the Rust type `want` names, in SQL and Rust terms:
/// `expected a decimal (Decimal), found a double-precision float`.
pub(crate) fn mismatch_message(want: &str, got: &Value) -> String {
    let (expected, rust) = expected(want);
    let asked = match rust {
        Some(rust) => format!("{expected} ({rust})"),
        None => expected.to_owned(),
    };
    if got.is_null() {
        match rust {
            Some(rust) => {
                format!("expected {asked}, found NULL; decode into Option<{rust}> to accept NULL")
            }
            None => format!("expected {asked}, found NULL; decode into an Option to accept NULL"),
        }
    } else {
        format!(
            "expected {asked}, found {}",
            sql_value_name(got.value_type())
        )
    }
}

/// What a decode target asks for, in SQL terms, and the Rust type (when `want` names one).
fn expected(want: &str) -> (&str, Option<&str>) {
    let sql = match want {
        "bool" => "a boolean",
        "i8" | "i16" | "i32" | "i64" | "i128" | "u8" | "u16" | "u32" | "u64" | "u128" => {
            "an integer"
        }
        "f32" | "f64" => "a floating-point number",
        "String" | "string" => "text",
        "char" => "text of one character",
        "Vec<u8>" | "bytes" => "binary data",
        "an array" => return ("an array", Some("Vec<T>")),
        "an enum (text)" => return ("text naming an enum variant", None),
        "()" => return ("NULL", Some("()")),
        "date" => return ("a date", Some("Date")),
        "time" => return ("a time of day", Some("Time")),
        "timestamp" => return ("a timestamp", Some("Timestamp")),
        "UUID" => return ("a UUID", Some("Uuid")),
        "decimal" => return ("a decimal", Some("Decimal")),
        "JSON" => return ("a JSON document", Some("Json")),
        other => return (other, None),
    };
    let rust = if want == "string" {
        "String"
    } else if want == "bytes" {
        "Vec<u8>"
    } else {
        want
    };
    (sql, Some(rust))
}

/// A SQL value of type `t`, as an error message names it.
fn sql_value_name(t: ValueType) -> &'static str {
    match t {
        ValueType::Bool => "a boolean",
        ValueType::I16 => "a 16-bit integer (SMALLINT)",
        ValueType::I32 => "a 32-bit integer (INTEGER)",
        ValueType::I64 => "a 64-bit integer (BIGINT)",
        ValueType::F32 => "a single-precision float (REAL)",
        ValueType::F64 => "a double-precision float",
        ValueType::Text => "text",
        ValueType::Bytes => "binary data",
        ValueType::Date => "a date",
        ValueType::Time => "a time of day",
        ValueType::Timestamp => "a timestamp without time zone",
        ValueType::TimestampTz => "a timestamp with time zone",
        ValueType::Uuid => "a UUID",
        ValueType::Json => "a JSON document",
        ValueType::Decimal => "a decimal",
        ValueType::Array => "an array",
    }
}

macro_rules! simple {
    ($t:ty, $variant:ident, $vt:ident) => {
        impl sealed::Sealed for $t {}
        impl IntoValue for $t {
            const VALUE_TYPE: ValueType = ValueType::$vt;
            #[inline]
            fn into_value(self) -> Value {
                Value::$variant(self.into())
            }
        }
        impl From<$t> for Value {
            #[inline]
            fn from(v: $t) -> Value {
                v.into_value()
            }
        }
    };
}

simple!(bool, Bool, Bool);
simple!(i16, I16, I16);
simple!(i32, I32, I32);
simple!(i64, I64, I64);
simple!(f32, F32, F32);
simple!(f64, F64, F64);
simple!(String, Text, Text);
simple!(&str, Text, Text);
simple!(Vec<u8>, Bytes, Bytes);
simple!(&[u8], Bytes, Bytes);

impl<T: IntoValue> sealed::Sealed for Option<T> {}
impl<T: IntoValue> IntoValue for Option<T> {
    const VALUE_TYPE: ValueType = T::VALUE_TYPE;
    fn into_value(self) -> Value {
        match self {
            Some(v) => v.into_value(),
            None => Value::Null(T::VALUE_TYPE),
        }
    }
}
impl<T: IntoValue> From<Option<T>> for Value {
    fn from(v: Option<T>) -> Value {
        v.into_value()
    }
}

impl FromValue for Value {
    fn from_value(value: Value, _column: &str) -> Result<Self> {
        Ok(value)
    }
}

impl<T: FromValue> FromValue for Option<T> {
    fn from_value(value: Value, column: &str) -> Result<Self> {
        if value.is_null() {
            Ok(None)
        } else {
            T::from_value(value, column).map(Some)
        }
    }
}

macro_rules! int_from {
    ($t:ty) => {
        impl FromValue for $t {
            fn from_value(value: Value, column: &str) -> Result<Self> {
                let wide = match &value {
                    Value::I16(v) => i64::from(*v),
                    Value::I32(v) => i64::from(*v),
                    Value::I64(v) => *v,
                    Value::Bool(b) => i64::from(*b),
                    // MySQL's SUM of integers is DECIMAL: accept an integral one.
                    Value::Decimal(d) => match d.as_str().split_once('.') {
                        None => d.as_str().parse::<i64>().ok(),
                        Some((int, frac)) if frac.bytes().all(|b| b == b'0') => {
                            int.parse::<i64>().ok()
                        }
                        Some(_) => None,
                    }
                    .ok_or_else(|| Error::Decode {
                        column: column.to_owned(),
                        message: format!(
                            "decimal {d} is not an integer in range of {}",
                            stringify!($t)
                        ),
                    })?,
                    _ => return Err(decode_err(column, stringify!($t), &value)),
                };
                <$t>::try_from(wide).map_err(|_| Error::Decode {
                    column: column.to_owned(),
                    message: format!("{wide} is out of range for {}", stringify!($t)),
                })
            }
        }
    };
}
int_from!(i16);
int_from!(i32);
int_from!(i64);

impl FromValue for bool {
    fn from_value(value: Value, column: &str) -> Result<Self> {
        match value {
            Value::Bool(b) => Ok(b),
            // MySQL BOOLEAN is TINYINT(1); SQLite stores booleans as integers.
            Value::I16(v) if v == 0 || v == 1 => Ok(v == 1),
            Value::I32(v) if v == 0 || v == 1 => Ok(v == 1),
            Value::I64(v) if v == 0 || v == 1 => Ok(v == 1),
            other => Err(decode_err(column, "bool", &other)),
        }
    }
}

impl FromValue for f64 {
    fn from_value(value: Value, column: &str) -> Result<Self> {
        match value {
            Value::F64(v) => Ok(v),
            Value::F32(v) => Ok(f64::from(v)),
            // AVG and SUM return NUMERIC/DECIMAL on PostgreSQL and MySQL.
            Value::Decimal(d) => d.as_str().parse().map_err(|_| Error::Decode {
                column: column.to_owned(),
                message: format!("decimal {d} is not a number"),
            }),
            other => Err(decode_err(column, "f64", &other)),
        }
    }
}

impl FromValue for f32 {
    fn from_value(value: Value, column: &str) -> Result<Self> {
        match value {
            Value::F32(v) => Ok(v),
            // A backend without 4-byte floats (SQLite) hands them back widened: exact.
            Value::F64(v) if f64::from(v as f32) == v || v.is_nan() => Ok(v as f32),
            other => Err(decode_err(column, "f32", &other)),
        }
    }
}

impl FromValue for String {
    /// Text, and the text form of dates, times, UUIDs, JSON and decimals.
    fn from_value(value: Value, column: &str) -> Result<Self> {
        match value {
            Value::Text(s) | Value::Json(s) => Ok(s),
            other => other
                .to_text()
                .ok_or_else(|| decode_err(column, "String", &other)),
        }
    }
}

impl FromValue for Vec<u8> {
    fn from_value(value: Value, column: &str) -> Result<Self> {
        match value {
            Value::Bytes(b) => Ok(b),
            Value::Text(s) => Ok(s.into_bytes()),
            other => Err(decode_err(column, "Vec<u8>", &other)),
        }
    }
}

/// A one-dimensional array (PostgreSQL's, as `array_agg` returns) decodes item by item; a
/// NULL item needs `Vec<Option<T>>`. (`Vec<u8>` is bytes, not an array.)
///
/// ```
/// use quarry::{FromValue, Value};
/// let v = Value::Array(vec![Value::I64(1), Value::I64(2)]);
/// assert_eq!(Vec::<i64>::from_value(v, "a").unwrap(), [1, 2]);
/// let v = Value::Array(vec![Value::Text("x".into()), Value::Null(quarry::ValueType::Text)]);
/// assert_eq!(Vec::<Option<String>>::from_value(v, "a").unwrap(), [Some("x".to_owned()), None]);
/// assert!(Vec::<i64>::from_value(Value::I64(1), "a").is_err());
/// ```
impl<T: FromValue> FromValue for Vec<T> {
    fn from_value(value: Value, column: &str) -> Result<Self> {
        match value {
            Value::Array(items) => items
                .into_iter()
                .map(|v| T::from_value(v, column))
                .collect(),
            other => Err(decode_err(column, "an array", &other)),
        }
    }
}

/// A JSON document given as text, for binding as [`Value::Json`].
///
/// ```
/// use quarry::{IntoValue, Value, value::Json};
/// assert_eq!(Json(r#"{"a":1}"#.into()).into_value(), Value::Json(r#"{"a":1}"#.into()));
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Json(pub String);

/// An instant given as a UTC date and time, for binding as [`Value::TimestampTz`].
///
/// ```
/// use quarry::{IntoValue, Value, value::{Utc, Timestamp}};
/// let ts: Timestamp = "2024-05-06 07:08:09".parse().unwrap();
/// assert_eq!(Utc(ts).into_value(), Value::TimestampTz(ts));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Utc(pub Timestamp);

simple!(Date, Date, Date);
simple!(Time, Time, Time);
simple!(Timestamp, Timestamp, Timestamp);
simple!(Uuid, Uuid, Uuid);
simple!(Decimal, Decimal, Decimal);

impl sealed::Sealed for Json {}
impl IntoValue for Json {
    const VALUE_TYPE: ValueType = ValueType::Json;
    fn into_value(self) -> Value {
        Value::Json(self.0)
    }
}
impl From<Json> for Value {
    fn from(v: Json) -> Value {
        v.into_value()
    }
}

impl sealed::Sealed for Utc {}
impl IntoValue for Utc {
    const VALUE_TYPE: ValueType = ValueType::TimestampTz;
    fn into_value(self) -> Value {
        Value::TimestampTz(self.0)
    }
}
impl From<Utc> for Value {
    fn from(v: Utc) -> Value {
        v.into_value()
    }
}

/// Deserializes as a [`Timestamp`] (with or without a UTC offset), so `Utc` can be a field of
/// a `Deserialize` row struct.
impl<'de> serde::Deserialize<'de> for Utc {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        Timestamp::deserialize(d).map(Utc)
    }
}

/// Parses text with `FromStr`, naming the column in the error.
fn parse_text<T: std::str::FromStr>(s: &str, column: &str, want: &str) -> Result<T> {
    s.parse().map_err(|_| Error::Decode {
        column: column.to_owned(),
        message: format!("{s:?} is not a valid {want}"),
    })
}

macro_rules! textual_from {
    ($t:ty, $variant:ident, $want:literal) => {
        impl FromValue for $t {
            fn from_value(value: Value, column: &str) -> Result<Self> {
                match value {
                    Value::$variant(v) => Ok(v),
                    Value::Text(s) => parse_text(&s, column, $want),
                    other => Err(decode_err(column, $want, &other)),
                }
            }
        }
    };
}
textual_from!(Date, Date, "date");
textual_from!(Time, Time, "time");
textual_from!(Uuid, Uuid, "UUID");

impl FromValue for Timestamp {
    fn from_value(value: Value, column: &str) -> Result<Self> {
        match value {
            Value::Timestamp(v) | Value::TimestampTz(v) => Ok(v),
            Value::Text(s) => parse_text(&s, column, "timestamp"),
            other => Err(decode_err(column, "timestamp", &other)),
        }
    }
}

impl FromValue for Utc {
    fn from_value(value: Value, column: &str) -> Result<Self> {
        Timestamp::from_value(value, column).map(Utc)
    }
}

/// A decimal decodes from a DECIMAL, from text, from an integer, and from a float, which
/// becomes its shortest decimal text. PostgreSQL and the MySQL family compute decimal
/// expressions in DECIMAL, exactly. SQLite computes them in REAL: where a select item's scale
/// follows from its columns' metadata and its values (`sum(price)` of a `NUMERIC(10, 2)`,
/// `price * qty`, `price + dec("0.1")`), the executor decodes it at that scale, which is exact
/// up to 15 significant digits (`0.30` for 0.1 + 0.2); elsewhere (no metadata, division,
/// `avg`) a float's shortest digits are exact only as far as the float is
/// (`0.30000000000000004`).
///
/// ```
/// use quarry::{FromValue, Value};
/// use quarry::value::Decimal;
/// let d = Decimal::from_value(Value::F64(2.5), "x").unwrap();
/// assert_eq!(d.as_str(), "2.5");
/// assert!(Decimal::from_value(Value::F64(f64::NAN), "x").is_err());
/// ```
impl FromValue for Decimal {
    fn from_value(value: Value, column: &str) -> Result<Self> {
        match value {
            Value::Decimal(d) => Ok(d),
            Value::Text(s) => parse_text(&s, column, "decimal"),
            Value::I16(_) | Value::I32(_) | Value::I64(_) => {
                let n = value.as_i64().unwrap_or_default();
                parse_text(&n.to_string(), column, "decimal")
            }
            Value::F64(f) if f.is_finite() => parse_text(&f.to_string(), column, "decimal"),
            Value::F32(f) if f.is_finite() => parse_text(&f.to_string(), column, "decimal"),
            other => Err(decode_err(column, "decimal", &other)),
        }
    }
}

impl FromValue for Json {
    fn from_value(value: Value, column: &str) -> Result<Self> {
        match value {
            Value::Json(s) | Value::Text(s) => Ok(Json(s)),
            Value::Bytes(b) => String::from_utf8(b).map(Json).map_err(|_| Error::Decode {
                column: column.to_owned(),
                message: "JSON bytes are not UTF-8".into(),
            }),
            other => Err(decode_err(column, "JSON", &other)),
        }
    }
}
