//! Writing a [`Value`] as a PostgreSQL type known only at run time: the column types of a
//! `COPY` and the element type of an array parameter.
//!
//! Scalar parameters are always bound with their own exact type (see [`crate::bind`]), so the
//! server does any conversion. `COPY … (FORMAT binary)` has no such step: each field must already
//! be in the binary form of its column's type. [`encode`] therefore converts, following what an
//! `INSERT` of a typed parameter would do through PostgreSQL's assignment casts, where that does
//! not depend on session settings:
//!
//! | column type | accepted values |
//! |---|---|
//! | `bool` | `Bool` |
//! | `int2` / `int4` / `int8` | any integer (range-checked), `F32` / `F64` (rounded half to even), `Decimal` (rounded half away from zero) |
//! | `float4` / `float8` | floats (`float4` range-checked), integers, `Decimal` |
//! | `numeric` | `Decimal`, integers |
//! | `text`, `varchar`, `bpchar`, `name`, `citext`, enum types | `Text` (length limits are checked by the server) |
//! | `"char"` | `Text` of at most one ASCII character |
//! | `bytea` | `Bytes` |
//! | `date` | `Date`, `Timestamp` (its date) |
//! | `time` | `Time`, `Timestamp` (its time) |
//! | `timestamp` | `Timestamp`, `Date` (midnight) |
//! | `timestamptz` | `TimestampTz` |
//! | `uuid` | `Uuid` |
//! | `json` / `jsonb` | `Json`, `Text` (validated by the server) |
//! | arrays of the above | `Array`, element by element |
//! | a domain | what its base type accepts |
//!
//! NULL is accepted for every type. Conversions whose result depends on the session
//! (`TimestampTz` into `timestamp`, `Timestamp` into `timestamptz`, numbers into text) and any
//! other pair are refused with SQLSTATE `42804` (datatype_mismatch), as the server refuses an
//! `INSERT` it cannot cast; a number out of the column's range is `22003`
//! (numeric_value_out_of_range) and a too long `"char"` is `22001`, the codes the server would
//! report.

use crate::{codec, numeric};
use quarry::value::{Date, Decimal};
use quarry::{Value, ValueType};
use std::fmt;
use tokio_postgres::types::private::BytesMut;
use tokio_postgres::types::{IsNull, Kind, Type};

/// SQLSTATE datatype_mismatch.
const DATATYPE_MISMATCH: &str = "42804";
/// SQLSTATE numeric_value_out_of_range.
pub(crate) const OUT_OF_RANGE: &str = "22003";
/// SQLSTATE string_data_right_truncation.
const TOO_LONG: &str = "22001";
/// SQLSTATE program_limit_exceeded.
const LIMIT: &str = "54000";
/// No SQLSTATE: a value quarry itself refuses (a [`Value::Invalid`]), reported as
/// [`quarry::Error::Unsupported`] rather than as a server error.
pub(crate) const REFUSED: &str = "";

/// Why a value cannot be written as a type, with the SQLSTATE the server would report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ConvertError {
    /// The SQLSTATE of the equivalent server-side failure.
    pub(crate) code: &'static str,
    /// What went wrong.
    pub(crate) message: String,
}

impl ConvertError {
    pub(crate) fn new(code: &'static str, message: impl Into<String>) -> Self {
        ConvertError {
            code,
            message: message.into(),
        }
    }

    fn mismatch(v: &Value, ty: &Type, hint: &str) -> Self {
        ConvertError::new(
            DATATYPE_MISMATCH,
            format!(
                "cannot write a {:?} value as {}{hint}",
                v.value_type(),
                ty.name()
            ),
        )
    }
}

/// `d`, unless it is before PostgreSQL's first date (see [`codec::before_first_date`]).
fn pg_date(d: &Date) -> Result<&Date, ConvertError> {
    if codec::before_first_date(d) {
        return Err(ConvertError::new(
            REFUSED,
            format!("date {d} is before PostgreSQL's first date, 4714-11-24 BC"),
        ));
    }
    Ok(d)
}

impl fmt::Display for ConvertError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for ConvertError {}

/// The binary form a PostgreSQL type is written in, resolved once per column (or array).
#[derive(Debug, Clone)]
pub(crate) enum Target {
    Bool,
    Int2,
    Int4,
    Int8,
    Float4,
    Float8,
    /// `text` and every type whose binary form is its text (`varchar`, enums, …).
    Text,
    /// `"char"`: one byte.
    Char,
    Bytea,
    Date,
    Time,
    Timestamp,
    TimestampTz,
    Uuid,
    Json,
    Jsonb,
    Numeric,
    /// A one-dimensional array of `elem`, whose elements have type `elem_type`.
    Array {
        elem: Box<Target>,
        elem_type: Type,
    },
    /// A type this crate cannot write (only NULL can be).
    Unsupported,
}

impl Target {
    /// How values of type `ty` are written.
    pub(crate) fn of(ty: &Type) -> Target {
        match *ty {
            Type::BOOL => Target::Bool,
            Type::INT2 => Target::Int2,
            Type::INT4 => Target::Int4,
            Type::INT8 => Target::Int8,
            Type::FLOAT4 => Target::Float4,
            Type::FLOAT8 => Target::Float8,
            Type::TEXT | Type::VARCHAR | Type::BPCHAR | Type::NAME => Target::Text,
            Type::CHAR => Target::Char,
            Type::BYTEA => Target::Bytea,
            Type::DATE => Target::Date,
            Type::TIME => Target::Time,
            Type::TIMESTAMP => Target::Timestamp,
            Type::TIMESTAMPTZ => Target::TimestampTz,
            Type::UUID => Target::Uuid,
            Type::JSON => Target::Json,
            Type::JSONB => Target::Jsonb,
            Type::NUMERIC => Target::Numeric,
            _ => match ty.kind() {
                Kind::Enum(_) => Target::Text,
                Kind::Domain(base) => Target::of(base),
                Kind::Array(elem) => Target::Array {
                    elem: Box::new(Target::of(elem)),
                    elem_type: elem.clone(),
                },
                // The case-insensitive text extension reads and writes text.
                Kind::Simple if ty.name() == "citext" => Target::Text,
                _ => Target::Unsupported,
            },
        }
    }

    /// The size of a value of fixed width, for reserving buffer space.
    fn width(&self) -> Option<usize> {
        match self {
            Target::Bool | Target::Char => Some(1),
            Target::Int2 => Some(2),
            Target::Int4 | Target::Float4 | Target::Date => Some(4),
            Target::Int8
            | Target::Float8
            | Target::Time
            | Target::Timestamp
            | Target::TimestampTz => Some(8),
            Target::Uuid => Some(16),
            _ => None,
        }
    }
}

/// Appends the binary form of `v` as type `ty` (written as `target`, which is
/// [`Target::of`]`(ty)`) to `out`. On error, `out` may hold part of the value.
pub(crate) fn encode(
    v: &Value,
    target: &Target,
    ty: &Type,
    out: &mut BytesMut,
) -> Result<IsNull, ConvertError> {
    match (target, v) {
        (_, Value::Null(_)) => return Ok(IsNull::Yes),
        (_, Value::Invalid(_, reason)) => return Err(ConvertError::new(REFUSED, &**reason)),
        (Target::Bool, Value::Bool(b)) => out.extend_from_slice(&[u8::from(*b)]),
        (Target::Int2, _) => {
            let i = i16::try_from(integer(v, ty)?)
                .map_err(|_| ConvertError::new(OUT_OF_RANGE, "smallint out of range"))?;
            out.extend_from_slice(&i.to_be_bytes());
        }
        (Target::Int4, _) => {
            let i = i32::try_from(integer(v, ty)?)
                .map_err(|_| ConvertError::new(OUT_OF_RANGE, "integer out of range"))?;
            out.extend_from_slice(&i.to_be_bytes());
        }
        (Target::Int8, _) => out.extend_from_slice(&integer(v, ty)?.to_be_bytes()),
        (Target::Float4, _) => out.extend_from_slice(&float4(v, ty)?.to_be_bytes()),
        (Target::Float8, _) => out.extend_from_slice(&float8(v, ty)?.to_be_bytes()),
        (Target::Text, Value::Text(s)) if s.contains('\0') => {
            return Err(ConvertError::new(
                REFUSED,
                "a NUL character in text: PostgreSQL text cannot hold it",
            ))
        }
        (Target::Text, Value::Text(s)) => out.extend_from_slice(s.as_bytes()),
        (Target::Char, Value::Text(s)) => match s.as_bytes() {
            [] => out.extend_from_slice(&[0]),
            [b] if b.is_ascii() => out.extend_from_slice(&[*b]),
            _ => {
                return Err(ConvertError::new(
                    TOO_LONG,
                    format!("{s:?} is not a single ASCII character for type \"char\""),
                ))
            }
        },
        (Target::Bytea, Value::Bytes(b)) => out.extend_from_slice(b),
        (Target::Date, Value::Date(d)) => out.extend_from_slice(&codec::encode_date(pg_date(d)?)),
        (Target::Date, Value::Timestamp(ts)) => {
            out.extend_from_slice(&codec::encode_date(pg_date(&ts.date)?))
        }
        (Target::Time, Value::Time(t)) => out.extend_from_slice(&codec::encode_time(t)),
        (Target::Time, Value::Timestamp(ts)) => {
            out.extend_from_slice(&codec::encode_time(&ts.time))
        }
        (Target::Timestamp, Value::Timestamp(ts))
        | (Target::TimestampTz, Value::TimestampTz(ts)) => {
            pg_date(&ts.date)?;
            out.extend_from_slice(&codec::encode_timestamp(ts))
        }
        (Target::Timestamp, Value::Date(d)) => {
            out.extend_from_slice(&codec::encode_midnight(pg_date(d)?))
        }
        (Target::Timestamp, Value::TimestampTz(_))
        | (Target::TimestampTz, Value::Timestamp(_) | Value::Date(_)) => {
            return Err(ConvertError::mismatch(
                v,
                ty,
                " (the conversion depends on the session's time zone; convert the value first)",
            ))
        }
        (Target::Uuid, Value::Uuid(u)) => out.extend_from_slice(&u.0),
        (Target::Json, Value::Json(s) | Value::Text(s)) => out.extend_from_slice(s.as_bytes()),
        (Target::Jsonb, Value::Json(s) | Value::Text(s)) => {
            out.extend_from_slice(&[codec::JSONB_VERSION]);
            out.extend_from_slice(s.as_bytes());
        }
        (Target::Numeric, Value::Decimal(d)) => {
            numeric::encode(d, out).map_err(|m| ConvertError::new(OUT_OF_RANGE, m))?
        }
        (Target::Numeric, Value::I16(_) | Value::I32(_) | Value::I64(_)) => {
            let i = v.as_i64().unwrap_or_default();
            let d: Decimal = i
                .to_string()
                .parse()
                .map_err(|_| ConvertError::mismatch(v, ty, ""))?;
            numeric::encode(&d, out).map_err(|m| ConvertError::new(OUT_OF_RANGE, m))?;
        }
        (Target::Array { elem, elem_type }, Value::Array(items)) => {
            encode_array(items, elem, elem_type, out)?
        }
        (Target::Unsupported, _) => {
            return Err(ConvertError::new(
                DATATYPE_MISMATCH,
                format!(
                    "cannot write a {:?} value as {}: quarry-postgres has no binary form for \
                     that type (only NULL can be written)",
                    v.value_type(),
                    ty.name()
                ),
            ))
        }
        _ => return Err(ConvertError::mismatch(v, ty, "")),
    }
    Ok(IsNull::No)
}

/// An integer value (any width), a float rounded half to even, or a decimal rounded half away
/// from zero, as PostgreSQL's casts round; `22003` beyond `i64`.
fn integer(v: &Value, ty: &Type) -> Result<i64, ConvertError> {
    let out_of_range = || ConvertError::new(OUT_OF_RANGE, format!("{} out of range", ty.name()));
    match v {
        Value::I16(i) => Ok(i64::from(*i)),
        Value::I32(i) => Ok(i64::from(*i)),
        Value::I64(i) => Ok(*i),
        Value::F32(f) => float_to_i64(f64::from(*f)).ok_or_else(out_of_range),
        Value::F64(f) => float_to_i64(*f).ok_or_else(out_of_range),
        Value::Decimal(d) => decimal_to_i64(d).ok_or_else(out_of_range),
        _ => Err(ConvertError::mismatch(v, ty, "")),
    }
}

/// `f` rounded half to even, if finite and within `i64`.
fn float_to_i64(f: f64) -> Option<i64> {
    // 2^63 is exactly representable; every f64 below it converts without overflow.
    const LIMIT: f64 = 9_223_372_036_854_775_808.0;
    let r = f.round_ties_even();
    (r.is_finite() && (-LIMIT..LIMIT).contains(&r)).then_some(r as i64)
}

/// `d` rounded half away from zero, if within `i64`.
fn decimal_to_i64(d: &Decimal) -> Option<i64> {
    let s = d.as_str();
    let (neg, body) = match s.strip_prefix('-') {
        Some(b) => (true, b),
        None => (false, s),
    };
    let (int, frac) = body.split_once('.').unwrap_or((body, ""));
    let mut m: i128 = 0;
    for c in int.chars() {
        m = m
            .checked_mul(10)?
            .checked_add(i128::from(c.to_digit(10)?))?;
    }
    if frac.chars().next().and_then(|c| c.to_digit(10)) >= Some(5) {
        m += 1;
    }
    i64::try_from(if neg { -m } else { m }).ok()
}

/// A decimal's value as the nearest `f64` (what PostgreSQL's `numeric` → `float8` gives).
fn decimal_to_f64(d: &Decimal) -> f64 {
    d.as_str().parse().unwrap_or(f64::NAN)
}

fn float8(v: &Value, ty: &Type) -> Result<f64, ConvertError> {
    let f = match v {
        Value::F64(f) => return Ok(*f),
        Value::F32(f) => return Ok(f64::from(*f)),
        Value::I16(i) => return Ok(f64::from(*i)),
        Value::I32(i) => return Ok(f64::from(*i)),
        // Rounds to nearest, as PostgreSQL's int8 → float8 cast.
        Value::I64(i) => return Ok(*i as f64),
        Value::Decimal(d) => decimal_to_f64(d),
        _ => return Err(ConvertError::mismatch(v, ty, "")),
    };
    if f.is_infinite() {
        return Err(ConvertError::new(
            OUT_OF_RANGE,
            format!("{} is out of range for type double precision", v_text(v)),
        ));
    }
    Ok(f)
}

fn float4(v: &Value, ty: &Type) -> Result<f32, ConvertError> {
    let (wide, narrow) = match v {
        Value::F32(f) => return Ok(*f),
        Value::F64(f) => (*f, *f as f32),
        Value::I16(i) => return Ok(f32::from(*i)),
        // Rounds to nearest, as PostgreSQL's int → float4 casts.
        Value::I32(i) => return Ok(*i as f32),
        Value::I64(i) => return Ok(*i as f32),
        Value::Decimal(d) => {
            let f: f32 = d.as_str().parse().unwrap_or(f32::NAN);
            (decimal_to_f64(d), f)
        }
        _ => return Err(ConvertError::mismatch(v, ty, "")),
    };
    if wide.is_finite() && narrow.is_infinite() {
        return Err(ConvertError::new(
            OUT_OF_RANGE,
            format!("{} is out of range for type real (overflow)", v_text(v)),
        ));
    }
    if wide != 0.0 && narrow == 0.0 {
        return Err(ConvertError::new(
            OUT_OF_RANGE,
            format!("{} is out of range for type real (underflow)", v_text(v)),
        ));
    }
    Ok(narrow)
}

/// A number's text, for messages.
fn v_text(v: &Value) -> String {
    match v {
        Value::F64(f) => f.to_string(),
        Value::Decimal(d) => d.to_string(),
        other => format!("{other:?}"),
    }
}

/// Appends a one-dimensional array of `items` (each written as `elem`, of type `elem_type`)
/// in PostgreSQL's binary array format.
pub(crate) fn encode_array(
    items: &[Value],
    elem: &Target,
    elem_type: &Type,
    out: &mut BytesMut,
) -> Result<(), ConvertError> {
    let n = i32::try_from(items.len()).map_err(|_| {
        ConvertError::new(
            LIMIT,
            format!("an array of {} elements is too large", items.len()),
        )
    })?;
    out.reserve(20 + items.len() * (4 + elem.width().unwrap_or(12)));
    // Dimensions (none for an empty array), has-NULLs flag (patched below), element type.
    out.extend_from_slice(&i32::from(n > 0).to_be_bytes());
    let flags_at = out.len();
    out.extend_from_slice(&0_i32.to_be_bytes());
    out.extend_from_slice(&elem_type.oid().to_be_bytes());
    if n > 0 {
        // Length and lower bound of the one dimension.
        out.extend_from_slice(&n.to_be_bytes());
        out.extend_from_slice(&1_i32.to_be_bytes());
    }
    let mut has_nulls = false;
    for (j, item) in items.iter().enumerate() {
        let at = out.len();
        out.extend_from_slice(&[0; 4]);
        let is_null = encode(item, elem, elem_type, out).map_err(|mut e| {
            e.message = format!("{} (array element {})", e.message, j + 1);
            e
        })?;
        let len = match is_null {
            IsNull::Yes => {
                has_nulls = true;
                -1
            }
            IsNull::No => i32::try_from(out.len() - at - 4).map_err(|_| {
                ConvertError::new(LIMIT, format!("array element {} is too large", j + 1))
            })?,
        };
        out[at..at + 4].copy_from_slice(&len.to_be_bytes());
    }
    if has_nulls {
        out[flags_at..flags_at + 4].copy_from_slice(&1_i32.to_be_bytes());
    }
    Ok(())
}

/// The [`ValueType`] of the elements of an array parameter: the first non-NULL element's,
/// widened to the widest integer present when it is an integer; for an array of NULLs only, the
/// type of the first NULL; `None` for an empty array or one whose type is unknown (NULLs of
/// [`ValueType::Array`]). Not validated: [`crate::bind::check`] rejects mixed types.
pub(crate) fn array_elem_type(items: &[Value]) -> Option<ValueType> {
    let mut first_null = None;
    for (i, v) in items.iter().enumerate() {
        match v {
            Value::Null(t) => {
                first_null.get_or_insert(*t);
            }
            Value::I64(_) => return Some(ValueType::I64),
            Value::I16(_) | Value::I32(_) => {
                let mut widest = v.value_type();
                for w in &items[i + 1..] {
                    match w {
                        Value::I64(_) => return Some(ValueType::I64),
                        Value::I32(_) => widest = ValueType::I32,
                        _ => {}
                    }
                }
                return Some(widest);
            }
            other => return Some(other.value_type()),
        }
    }
    first_null.filter(|t| *t != ValueType::Array)
}

/// Whether values of types `a` and `b` may share an array (integers of any width widen).
pub(crate) fn same_elem_type(a: ValueType, b: ValueType) -> bool {
    let int = |t| matches!(t, ValueType::I16 | ValueType::I32 | ValueType::I64);
    a == b || (int(a) && int(b))
}

#[cfg(test)]
mod tests {
    use super::*;
    use quarry::value::{Date, Timestamp};

    fn enc(v: &Value, ty: &Type) -> Result<Option<Vec<u8>>, ConvertError> {
        let mut buf = BytesMut::new();
        Ok(match encode(v, &Target::of(ty), ty, &mut buf)? {
            IsNull::Yes => None,
            IsNull::No => Some(buf.to_vec()),
        })
    }

    fn code(r: Result<Option<Vec<u8>>, ConvertError>) -> &'static str {
        r.unwrap_err().code
    }

    #[test]
    fn integers_widen_and_narrow_with_range_checks() {
        assert_eq!(
            enc(&Value::I64(7), &Type::INT4).unwrap().unwrap(),
            7_i32.to_be_bytes()
        );
        assert_eq!(
            enc(&Value::I32(-7), &Type::INT8).unwrap().unwrap(),
            (-7_i64).to_be_bytes()
        );
        assert_eq!(
            enc(&Value::I16(3), &Type::INT2).unwrap().unwrap(),
            3_i16.to_be_bytes()
        );
        assert_eq!(
            enc(&Value::I64(i64::from(i32::MAX)), &Type::INT4)
                .unwrap()
                .unwrap(),
            i32::MAX.to_be_bytes()
        );
        assert_eq!(
            code(enc(&Value::I64(i64::from(i32::MAX) + 1), &Type::INT4)),
            OUT_OF_RANGE
        );
        assert_eq!(code(enc(&Value::I32(40_000), &Type::INT2)), OUT_OF_RANGE);
        assert_eq!(
            code(enc(&Value::Text("1".into()), &Type::INT8)),
            DATATYPE_MISMATCH
        );
        assert_eq!(
            code(enc(&Value::Bool(true), &Type::INT4)),
            DATATYPE_MISMATCH
        );
    }

    #[test]
    fn floats_and_decimals_round_into_integers() {
        let int4 = |v: Value| {
            enc(&v, &Type::INT4).map(|b| i32::from_be_bytes(b.unwrap().try_into().unwrap()))
        };
        assert_eq!(int4(Value::F64(2.5)).unwrap(), 2);
        assert_eq!(int4(Value::F64(3.5)).unwrap(), 4);
        assert_eq!(int4(Value::F32(-2.5)).unwrap(), -2);
        assert_eq!(int4(Value::Decimal("2.5".parse().unwrap())).unwrap(), 3);
        assert_eq!(int4(Value::Decimal("-2.5".parse().unwrap())).unwrap(), -3);
        assert_eq!(int4(Value::Decimal("-2.49".parse().unwrap())).unwrap(), -2);
        assert!(int4(Value::F64(f64::NAN)).is_err());
        assert!(int4(Value::F64(1e300)).is_err());
        assert!(int4(Value::Decimal(
            "1e".replace('e', &"0".repeat(40)).parse().unwrap()
        ))
        .is_err());
        assert_eq!(
            enc(
                &Value::Decimal("-9223372036854775808".parse().unwrap()),
                &Type::INT8
            )
            .unwrap()
            .unwrap(),
            i64::MIN.to_be_bytes()
        );
    }

    #[test]
    fn floats() {
        assert_eq!(
            enc(&Value::F32(1.5), &Type::FLOAT8).unwrap().unwrap(),
            1.5_f64.to_be_bytes()
        );
        assert_eq!(
            enc(&Value::F64(1.5), &Type::FLOAT4).unwrap().unwrap(),
            1.5_f32.to_be_bytes()
        );
        assert_eq!(
            enc(&Value::I64(3), &Type::FLOAT8).unwrap().unwrap(),
            3.0_f64.to_be_bytes()
        );
        assert_eq!(
            enc(&Value::Decimal("0.1".parse().unwrap()), &Type::FLOAT8)
                .unwrap()
                .unwrap(),
            0.1_f64.to_be_bytes()
        );
        assert_eq!(code(enc(&Value::F64(1e300), &Type::FLOAT4)), OUT_OF_RANGE);
        assert_eq!(code(enc(&Value::F64(1e-300), &Type::FLOAT4)), OUT_OF_RANGE);
        // Infinities pass through, as PostgreSQL's casts keep them.
        assert_eq!(
            enc(&Value::F64(f64::INFINITY), &Type::FLOAT4)
                .unwrap()
                .unwrap(),
            f32::INFINITY.to_be_bytes()
        );
    }

    #[test]
    fn numeric_from_integers() {
        assert_eq!(
            enc(&Value::I32(12), &Type::NUMERIC).unwrap(),
            enc(&Value::Decimal("12".parse().unwrap()), &Type::NUMERIC).unwrap()
        );
        assert_eq!(
            code(enc(&Value::F64(1.5), &Type::NUMERIC)),
            DATATYPE_MISMATCH
        );
    }

    #[test]
    fn text_like_types() {
        let mood = Type::new(
            "mood".into(),
            90_000,
            Kind::Enum(vec!["ok".into()]),
            "public".into(),
        );
        let domain = Type::new(
            "short_text".into(),
            90_001,
            Kind::Domain(Type::VARCHAR),
            "public".into(),
        );
        for ty in [Type::TEXT, Type::VARCHAR, Type::BPCHAR, mood, domain] {
            assert_eq!(
                enc(&Value::Text("ok".into()), &ty).unwrap().unwrap(),
                b"ok",
                "{ty}"
            );
            assert_eq!(code(enc(&Value::I64(1), &ty)), DATATYPE_MISMATCH, "{ty}");
        }
        assert_eq!(
            enc(&Value::Text("r".into()), &Type::CHAR).unwrap().unwrap(),
            b"r"
        );
        assert_eq!(code(enc(&Value::Text("ab".into()), &Type::CHAR)), TOO_LONG);
        assert_eq!(
            enc(&Value::Text("{}".into()), &Type::JSONB)
                .unwrap()
                .unwrap(),
            b"\x01{}"
        );
        assert_eq!(
            enc(&Value::Json("{}".into()), &Type::JSON)
                .unwrap()
                .unwrap(),
            b"{}"
        );
    }

    #[test]
    fn dates_and_times() {
        let ts: Timestamp = "2024-01-02 03:04:05".parse().unwrap();
        let d: Date = "2024-01-02".parse().unwrap();
        let midnight: Timestamp = "2024-01-02 00:00:00".parse().unwrap();
        assert_eq!(
            enc(&Value::Date(d), &Type::TIMESTAMP).unwrap(),
            enc(&Value::Timestamp(midnight), &Type::TIMESTAMP).unwrap()
        );
        assert_eq!(
            enc(&Value::Timestamp(ts), &Type::DATE).unwrap(),
            enc(&Value::Date(d), &Type::DATE).unwrap()
        );
        assert_eq!(
            enc(&Value::Timestamp(ts), &Type::TIME).unwrap(),
            enc(&Value::Time(ts.time), &Type::TIME).unwrap()
        );
        let e = enc(&Value::TimestampTz(ts), &Type::TIMESTAMP).unwrap_err();
        assert_eq!(e.code, DATATYPE_MISMATCH);
        assert!(e.message.contains("time zone"), "{e}");
        assert_eq!(
            code(enc(&Value::Timestamp(ts), &Type::TIMESTAMPTZ)),
            DATATYPE_MISMATCH
        );
    }

    #[test]
    fn nulls_go_anywhere_and_unsupported_types_say_so() {
        for ty in [Type::INT4, Type::INET, Type::TEXT_ARRAY] {
            assert_eq!(enc(&Value::Null(ValueType::Text), &ty).unwrap(), None);
        }
        let e = enc(&Value::Text("10.0.0.1".into()), &Type::INET).unwrap_err();
        assert_eq!(e.code, DATATYPE_MISMATCH);
        assert!(e.message.contains("inet"), "{e}");
    }

    #[test]
    fn arrays() {
        let v = Value::Array(vec![
            Value::I64(1),
            Value::Null(ValueType::I64),
            Value::I32(-2),
        ]);
        let mut want = Vec::new();
        for w in [1_i32, 1, 23, 3, 1, 4] {
            want.extend_from_slice(&w.to_be_bytes());
        }
        want.extend_from_slice(&1_i32.to_be_bytes());
        want.extend_from_slice(&(-1_i32).to_be_bytes());
        want.extend_from_slice(&4_i32.to_be_bytes());
        want.extend_from_slice(&(-2_i32).to_be_bytes());
        assert_eq!(enc(&v, &Type::INT4_ARRAY).unwrap().unwrap(), want);

        let empty = enc(&Value::Array(vec![]), &Type::TEXT_ARRAY)
            .unwrap()
            .unwrap();
        let mut want = Vec::new();
        for w in [0_i32, 0, 25] {
            want.extend_from_slice(&w.to_be_bytes());
        }
        assert_eq!(empty, want);

        let e = enc(
            &Value::Array(vec![Value::I64(1), Value::I64(1 << 40)]),
            &Type::INT4_ARRAY,
        )
        .unwrap_err();
        assert_eq!(e.code, OUT_OF_RANGE);
        assert!(e.message.contains("element 2"), "{e}");
        assert_eq!(
            code(enc(&Value::I64(1), &Type::INT4_ARRAY)),
            DATATYPE_MISMATCH
        );
        assert_eq!(
            code(enc(&Value::Array(vec![Value::I64(1)]), &Type::INT4)),
            DATATYPE_MISMATCH
        );
    }

    #[test]
    fn element_types() {
        use ValueType as T;
        let i = |v: i64| Value::I64(v);
        assert_eq!(array_elem_type(&[]), None);
        assert_eq!(array_elem_type(&[Value::Null(T::Array)]), None);
        assert_eq!(
            array_elem_type(&[Value::Null(T::Text), Value::Null(T::I64)]),
            Some(T::Text)
        );
        assert_eq!(
            array_elem_type(&[Value::Null(T::Text), Value::I32(1)]),
            Some(T::I32)
        );
        assert_eq!(
            array_elem_type(&[Value::I16(1), Value::I32(1)]),
            Some(T::I32)
        );
        assert_eq!(
            array_elem_type(&[Value::I16(1), Value::I32(1), i(2)]),
            Some(T::I64)
        );
        assert_eq!(array_elem_type(&[Value::I16(1)]), Some(T::I16));
        assert_eq!(
            array_elem_type(&[Value::Text("a".into()), i(1)]),
            Some(T::Text)
        );
        assert!(same_elem_type(T::I16, T::I64));
        assert!(!same_elem_type(T::I64, T::F64));
    }
}
