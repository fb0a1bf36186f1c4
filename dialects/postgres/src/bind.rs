//! Binding [`quarry::Value`]s as typed PostgreSQL parameters.
//!
//! Every parameter is sent in binary with an explicit type, so a NULL keeps its type and the
//! server never guesses:
//!
//! | [`Value`] | PostgreSQL type |
//! |---|---|
//! | `Bool` | `bool` |
//! | `I16` / `I32` / `I64` | `int2` / `int4` / `int8` |
//! | `F32` / `F64` | `float4` / `float8` |
//! | `Text` | `text` |
//! | `Bytes` | `bytea` |
//! | `Date` | `date` |
//! | `Time` | `time` |
//! | `Timestamp` | `timestamp` |
//! | `TimestampTz` | `timestamptz` |
//! | `Uuid` | `uuid` |
//! | `Json` | `jsonb` |
//! | `Decimal` | `numeric` |
//! | `Null(t)` | NULL of the type above for `t` |
//! | `Array(items)` | the array type of its elements' type (`int8[]`, `text[]`, …), see below |
//!
//! ## Arrays
//!
//! A [`Value::Array`] (what the compiler binds for a long `x = ANY($1)` / `x <> ALL($1)`) is one
//! parameter, sent in PostgreSQL's binary array format. Its type is the array type of its first
//! non-NULL element's type; integers of mixed widths are widened to the widest present
//! (`I32` and `I64` elements make an `int8[]`). Comparing a column with an array of another
//! numeric width works as with scalars: `int4col = ANY($1)` with an `int8[]` uses PostgreSQL's
//! cross-type integer operators (and the column's index). Elements of different types (other
//! than integer widths) are an [`Error::InvalidStatement`]; nested arrays are
//! [`Error::Unsupported`].
//!
//! Performance: PostgreSQL looks a value up in a long `= ANY` / `<> ALL` array through a hash
//! table only when the column and the elements have the same type (`int4col` with an `int4[]`,
//! `int8col` with an `int8[]`; text with `varchar` too). Across types (`int4col` with an
//! `int8[]`) it compares each row with the elements one by one: fine with an index on the
//! column (for `= ANY`) or short arrays, very slow for a scan of many rows against a long
//! array. Bind values of the column's width (`I32` for an `int4` column) or write the cast
//! (`x = ANY($1::int4[])`).
//!
//! An array of NULLs only is typed by its first NULL (`Null(I64)` elements make an `int8[]`).
//! An empty array, and a NULL of [`ValueType::Array`], have no element type: they are sent
//! untyped (OID 0, in text format: `{}`), so the server gives them the type the statement
//! needs (`int4col = ANY($1)` makes it an `int4[]`).

use crate::encode::{self, Target};
use crate::{codec, numeric};
use quarry::value::Timestamp;
use quarry::{Error, Result, Value, ValueType};
use std::error::Error as StdError;
use std::sync::LazyLock;
use tokio_postgres::types::private::BytesMut;
use tokio_postgres::types::{Format, IsNull, Kind, ToSql, Type};

/// PostgreSQL accepts at most this many parameters in one statement.
const MAX_PARAMS: usize = u16::MAX as usize;

/// The PostgreSQL type a value of type `t` is bound as; `None` for a type this crate does not
/// know (a newer [`ValueType`]).
fn pg_type(t: ValueType) -> Option<Type> {
    Some(match t {
        ValueType::Bool => Type::BOOL,
        ValueType::I16 => Type::INT2,
        ValueType::I32 => Type::INT4,
        ValueType::I64 => Type::INT8,
        ValueType::F32 => Type::FLOAT4,
        ValueType::F64 => Type::FLOAT8,
        ValueType::Text => Type::TEXT,
        ValueType::Bytes => Type::BYTEA,
        ValueType::Date => Type::DATE,
        ValueType::Time => Type::TIME,
        ValueType::Timestamp => Type::TIMESTAMP,
        ValueType::TimestampTz => Type::TIMESTAMPTZ,
        ValueType::Uuid => Type::UUID,
        ValueType::Json => Type::JSONB,
        ValueType::Decimal => Type::NUMERIC,
        _ => return None,
    })
}

/// The array type whose elements are of type `elem` (one of [`pg_type`]'s types).
fn array_of(elem: &Type) -> Option<Type> {
    Some(match *elem {
        Type::BOOL => Type::BOOL_ARRAY,
        Type::INT2 => Type::INT2_ARRAY,
        Type::INT4 => Type::INT4_ARRAY,
        Type::INT8 => Type::INT8_ARRAY,
        Type::FLOAT4 => Type::FLOAT4_ARRAY,
        Type::FLOAT8 => Type::FLOAT8_ARRAY,
        Type::TEXT => Type::TEXT_ARRAY,
        Type::BYTEA => Type::BYTEA_ARRAY,
        Type::DATE => Type::DATE_ARRAY,
        Type::TIME => Type::TIME_ARRAY,
        Type::TIMESTAMP => Type::TIMESTAMP_ARRAY,
        Type::TIMESTAMPTZ => Type::TIMESTAMPTZ_ARRAY,
        Type::UUID => Type::UUID_ARRAY,
        Type::JSONB => Type::JSONB_ARRAY,
        Type::NUMERIC => Type::NUMERIC_ARRAY,
        _ => return None,
    })
}

/// A parameter type left for the server to infer (OID 0), for arrays without an element type.
static UNSPECIFIED: LazyLock<Type> =
    LazyLock::new(|| Type::new("unspecified".into(), 0, Kind::Pseudo, "pg_catalog".into()));

/// The PostgreSQL type of an array parameter of `items`: see the module docs.
fn array_type(items: &[Value]) -> Type {
    encode::array_elem_type(items)
        .and_then(pg_type)
        .and_then(|t| array_of(&t))
        .unwrap_or_else(|| UNSPECIFIED.clone())
}

/// Whether `value` is an array parameter sent untyped, in text format (see the module docs).
fn untyped_array(value: &Value) -> bool {
    match value {
        Value::Array(items) => array_type(items).oid() == 0,
        Value::Null(ValueType::Array) => true,
        _ => false,
    }
}

/// The PostgreSQL type `value` is bound as (`TEXT` for an unknown type, which [`check`] has
/// already rejected).
pub(crate) fn type_of(value: &Value) -> Type {
    match value {
        Value::Array(items) => array_type(items),
        Value::Null(ValueType::Array) => UNSPECIFIED.clone(),
        v => pg_type(v.value_type()).unwrap_or(Type::TEXT),
    }
}

/// Checks that every value can be sent, so that errors name the parameter instead of surfacing
/// as a driver serialization failure: the type is known, decimals fit PostgreSQL's limits,
/// and there are at most 65535 parameters.
pub(crate) fn check(values: &[Value]) -> Result<()> {
    if values.len() > MAX_PARAMS {
        return Err(Error::InvalidStatement(format!(
            "{} parameters exceed PostgreSQL's limit of {MAX_PARAMS} per statement",
            values.len()
        )));
    }
    for (i, v) in values.iter().enumerate() {
        match v {
            Value::Decimal(d) => {
                // Encoding into a sink that drops the bytes validates without allocating.
                numeric::encode(d, &mut Sink)
                    .map_err(|m| Error::InvalidStatement(format!("parameter ${}: {m}", i + 1)))?;
            }
            Value::Array(items) => check_array(i, items)?,
            Value::Null(ValueType::Array) => {}
            Value::Text(s) if s.contains('\0') => return Err(nul_in_text(&format!("${}", i + 1))),
            Value::Date(d) | Value::Timestamp(Timestamp { date: d, .. })
            | Value::TimestampTz(Timestamp { date: d, .. })
                if codec::before_first_date(d) =>
            {
                return Err(Error::unsupported(
                    "postgresql",
                    format!(
                        "the date {d}, before PostgreSQL's first date 4714-11-24 BC (parameter ${})",
                        i + 1
                    ),
                ))
            }
            Value::Invalid(_, reason) => {
                return Err(Error::unsupported(
                    "postgresql",
                    format!("{reason} (parameter ${})", i + 1),
                ))
            }
            other if pg_type(other.value_type()).is_none() => {
                return Err(Error::unsupported(
                    "postgresql",
                    format!(
                        "binding a {:?} value (parameter ${})",
                        other.value_type(),
                        i + 1
                    ),
                ));
            }
            _ => {}
        }
    }
    Ok(())
}

/// PostgreSQL's text types cannot hold a NUL character: refused before the server says so.
fn nul_in_text(param: &str) -> Error {
    Error::unsupported(
        "postgresql",
        format!("a NUL character in text (parameter {param}): PostgreSQL text cannot hold it"),
    )
}

/// Checks the array parameter `$i+1`: one element type (integers of any width), no nested
/// arrays, decimals within PostgreSQL's limits, and at most `i32::MAX` elements.
fn check_array(i: usize, items: &[Value]) -> Result<()> {
    let param = i + 1;
    if i32::try_from(items.len()).is_err() {
        return Err(Error::InvalidStatement(format!(
            "parameter ${param}: an array of {} elements is too large for PostgreSQL",
            items.len()
        )));
    }
    let elem = encode::array_elem_type(items);
    for (j, item) in items.iter().enumerate() {
        let t = item.value_type();
        if t == ValueType::Array {
            return Err(Error::unsupported(
                "postgresql",
                format!(
                    "nested arrays (parameter ${param}, element {}); bind a one-dimensional array",
                    j + 1
                ),
            ));
        }
        if pg_type(t).is_none() {
            return Err(Error::unsupported(
                "postgresql",
                format!("binding a {t:?} array element (parameter ${param})"),
            ));
        }
        match item {
            Value::Null(_) => {}
            Value::Text(s) if s.contains('\0') => {
                return Err(nul_in_text(&format!("${param}, element {}", j + 1)))
            }
            Value::Date(d)
            | Value::Timestamp(Timestamp { date: d, .. })
            | Value::TimestampTz(Timestamp { date: d, .. })
                if codec::before_first_date(d) =>
            {
                return Err(Error::unsupported(
                    "postgresql",
                    format!(
                        "the date {d}, before PostgreSQL's first date 4714-11-24 BC (parameter \
                         ${param}, element {})",
                        j + 1
                    ),
                ))
            }
            Value::Invalid(_, reason) => {
                return Err(Error::unsupported(
                    "postgresql",
                    format!("{reason} (parameter ${param}, element {})", j + 1),
                ))
            }
            Value::Decimal(d) => numeric::encode(d, &mut Sink).map_err(|m| {
                Error::InvalidStatement(format!("parameter ${param}, element {}: {m}", j + 1))
            })?,
            _ => {
                if let Some(e) = elem.filter(|e| !encode::same_elem_type(*e, t)) {
                    return Err(Error::InvalidStatement(format!(
                        "parameter ${param}: array element {} is a {t:?} value, but the array's \
                         elements are {e:?} values (all elements must have one type)",
                        j + 1
                    )));
                }
            }
        }
    }
    Ok(())
}

/// Writes the text form of an untyped array (only NULLs, or empty): `{NULL,NULL}`, `{}`.
fn untyped_array_text(items: &[Value], out: &mut BytesMut) {
    out.extend_from_slice(b"{");
    for i in 0..items.len() {
        if i > 0 {
            out.extend_from_slice(b",");
        }
        out.extend_from_slice(b"NULL");
    }
    out.extend_from_slice(b"}");
}

/// An `Extend<u8>` that discards.
struct Sink;

impl Extend<u8> for Sink {
    fn extend<I: IntoIterator<Item = u8>>(&mut self, iter: I) {
        iter.into_iter().for_each(drop);
    }
}

/// One [`Value`] as a tokio-postgres parameter, written in PostgreSQL's binary format.
///
/// It accepts only the exact type of [`type_of`]: statements are always prepared (or sent)
/// with those types.
#[derive(Debug, Clone, Copy)]
pub(crate) struct PgParam<'a>(pub(crate) &'a Value);

type BoxError = Box<dyn StdError + Sync + Send>;

impl ToSql for PgParam<'_> {
    fn to_sql(&self, ty: &Type, out: &mut BytesMut) -> std::result::Result<IsNull, BoxError> {
        match self.0 {
            Value::Null(_) => return Ok(IsNull::Yes),
            Value::Bool(v) => out.extend_from_slice(&[u8::from(*v)]),
            Value::I16(v) => out.extend_from_slice(&v.to_be_bytes()),
            Value::I32(v) => out.extend_from_slice(&v.to_be_bytes()),
            Value::I64(v) => out.extend_from_slice(&v.to_be_bytes()),
            Value::F32(v) => out.extend_from_slice(&v.to_bits().to_be_bytes()),
            Value::F64(v) => out.extend_from_slice(&v.to_bits().to_be_bytes()),
            Value::Text(v) => out.extend_from_slice(v.as_bytes()),
            Value::Bytes(v) => out.extend_from_slice(v),
            Value::Date(d) => out.extend_from_slice(&codec::encode_date(d)),
            Value::Time(t) => out.extend_from_slice(&codec::encode_time(t)),
            Value::Timestamp(t) | Value::TimestampTz(t) => {
                out.extend_from_slice(&codec::encode_timestamp(t))
            }
            Value::Uuid(u) => out.extend_from_slice(&u.0),
            Value::Json(text) => {
                if *ty == Type::JSON {
                    out.extend_from_slice(text.as_bytes());
                } else {
                    out.extend_from_slice(&[codec::JSONB_VERSION]);
                    out.extend_from_slice(text.as_bytes());
                }
            }
            Value::Decimal(d) => numeric::encode(d, out)?,
            Value::Array(items) => {
                if untyped_array(self.0) {
                    // Sent in text format (see `encode_format`), whatever type the server chose.
                    untyped_array_text(items, out);
                } else if let Kind::Array(elem) = ty.kind() {
                    // The declared type, or the one the server inferred for a prepared
                    // statement: each element is converted to the element type.
                    encode::encode_array(items, &Target::of(elem), elem, out)?;
                } else {
                    return Err(format!("an array value cannot be bound as {ty}").into());
                }
            }
            other => {
                return Err(format!("cannot bind a {:?} value", other.value_type()).into());
            }
        }
        Ok(IsNull::No)
    }

    fn accepts(_ty: &Type) -> bool {
        // The real check needs the value: see `to_sql_checked`.
        true
    }

    fn encode_format(&self, _ty: &Type) -> Format {
        if untyped_array(self.0) {
            Format::Text
        } else {
            Format::Binary
        }
    }

    fn to_sql_checked(
        &self,
        ty: &Type,
        out: &mut BytesMut,
    ) -> std::result::Result<IsNull, BoxError> {
        if self.0.value_type() == ValueType::Array {
            // An array goes to whatever array type the statement has (converting its
            // elements); an untyped one is text, which the server parses as its type.
            return self.to_sql(ty, out);
        }
        let want = type_of(self.0);
        let ok = *ty == want || (self.0.value_type() == ValueType::Json && *ty == Type::JSON);
        if !ok {
            return Err(format!(
                "a {:?} value is bound as {want}, not as {ty}",
                self.0.value_type()
            )
            .into());
        }
        self.to_sql(ty, out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use quarry::value::{Date, Decimal, Time, Timestamp, Uuid};

    /// Encodes `value` the way tokio-postgres will, with the type it is prepared with.
    fn encode(value: &Value) -> (Type, Option<Vec<u8>>) {
        let ty = type_of(value);
        let mut buf = BytesMut::new();
        match PgParam(value).to_sql_checked(&ty, &mut buf).unwrap() {
            IsNull::Yes => (ty, None),
            IsNull::No => (ty, Some(buf.to_vec())),
        }
    }

    fn all_types() -> Vec<(ValueType, Type)> {
        vec![
            (ValueType::Bool, Type::BOOL),
            (ValueType::I16, Type::INT2),
            (ValueType::I32, Type::INT4),
            (ValueType::I64, Type::INT8),
            (ValueType::F32, Type::FLOAT4),
            (ValueType::F64, Type::FLOAT8),
            (ValueType::Text, Type::TEXT),
            (ValueType::Bytes, Type::BYTEA),
            (ValueType::Date, Type::DATE),
            (ValueType::Time, Type::TIME),
            (ValueType::Timestamp, Type::TIMESTAMP),
            (ValueType::TimestampTz, Type::TIMESTAMPTZ),
            (ValueType::Uuid, Type::UUID),
            (ValueType::Json, Type::JSONB),
            (ValueType::Decimal, Type::NUMERIC),
        ]
    }

    #[test]
    fn exact_types() {
        let ts: Timestamp = "2024-01-02 03:04:05".parse().unwrap();
        let cases = [
            (Value::Bool(true), Type::BOOL),
            (Value::I16(1), Type::INT2),
            (Value::I32(1), Type::INT4),
            (Value::I64(1), Type::INT8),
            (Value::F32(1.5), Type::FLOAT4),
            (Value::F64(1.5), Type::FLOAT8),
            (Value::Text("a".into()), Type::TEXT),
            (Value::Bytes(vec![1, 2]), Type::BYTEA),
            (Value::Date(ts.date), Type::DATE),
            (Value::Time(ts.time), Type::TIME),
            (Value::Timestamp(ts), Type::TIMESTAMP),
            (Value::TimestampTz(ts), Type::TIMESTAMPTZ),
            (Value::Uuid(Uuid([7; 16])), Type::UUID),
            (Value::Json("{}".into()), Type::JSONB),
            (Value::Decimal("1.5".parse().unwrap()), Type::NUMERIC),
        ];
        for (v, want) in cases {
            assert_eq!(type_of(&v), want, "{v:?}");
            assert!(encode(&v).1.is_some(), "{v:?}");
        }
    }

    #[test]
    fn typed_nulls() {
        for (t, want) in all_types() {
            let (ty, bytes) = encode(&Value::Null(t));
            assert_eq!(ty, want, "{t:?}");
            assert_eq!(bytes, None, "{t:?}");
        }
    }

    #[test]
    fn values_encode_in_binary() {
        assert_eq!(encode(&Value::I64(258)).1.unwrap(), 258_i64.to_be_bytes());
        assert_eq!(
            encode(&Value::I64(i64::MIN)).1.unwrap(),
            i64::MIN.to_be_bytes()
        );
        assert_eq!(encode(&Value::I32(-2)).1.unwrap(), (-2_i32).to_be_bytes());
        assert_eq!(encode(&Value::I16(7)).1.unwrap(), 7_i16.to_be_bytes());
        assert_eq!(encode(&Value::F64(0.5)).1.unwrap(), 0.5_f64.to_be_bytes());
        assert_eq!(encode(&Value::F32(0.5)).1.unwrap(), 0.5_f32.to_be_bytes());
        assert_eq!(
            encode(&Value::F64(f64::NEG_INFINITY)).1.unwrap(),
            f64::NEG_INFINITY.to_be_bytes()
        );
        assert_eq!(encode(&Value::Bool(true)).1.unwrap(), [1]);
        assert_eq!(encode(&Value::Bool(false)).1.unwrap(), [0]);
        assert_eq!(
            encode(&Value::Text("hé".into())).1.unwrap(),
            "hé".as_bytes()
        );
        assert_eq!(encode(&Value::Text(String::new())).1.unwrap(), b"");
        assert_eq!(encode(&Value::Bytes(vec![0, 255])).1.unwrap(), [0, 255]);
        let d = Date::new(2000, 1, 3).unwrap();
        assert_eq!(encode(&Value::Date(d)).1.unwrap(), 2_i32.to_be_bytes());
        let t = Time::new(0, 0, 1, 1).unwrap();
        assert_eq!(
            encode(&Value::Time(t)).1.unwrap(),
            1_000_001_i64.to_be_bytes()
        );
        let ts = Timestamp::new(Date::new(2000, 1, 1).unwrap(), t);
        assert_eq!(
            encode(&Value::Timestamp(ts)).1.unwrap(),
            1_000_001_i64.to_be_bytes()
        );
        assert_eq!(
            encode(&Value::TimestampTz(ts)).1.unwrap(),
            1_000_001_i64.to_be_bytes()
        );
        assert_eq!(encode(&Value::Uuid(Uuid([9; 16]))).1.unwrap(), [9; 16]);
        assert_eq!(encode(&Value::Json("[1]".into())).1.unwrap(), b"\x01[1]");
        let dec: Decimal = "-12.50".parse().unwrap();
        assert_eq!(
            encode(&Value::Decimal(dec)).1.unwrap(),
            [0, 2, 0, 0, 0x40, 0, 0, 2, 0, 12, 0x13, 0x88]
        );
    }

    #[test]
    fn json_may_go_to_a_json_parameter() {
        let v = Value::Json("{\"a\":1}".into());
        let mut buf = BytesMut::new();
        PgParam(&v).to_sql_checked(&Type::JSON, &mut buf).unwrap();
        assert_eq!(&buf[..], b"{\"a\":1}");
    }

    #[test]
    fn wrong_type_is_rejected() {
        let mut buf = BytesMut::new();
        let Err(err) = PgParam(&Value::I64(1)).to_sql_checked(&Type::INT4, &mut buf) else {
            panic!("an int8 value was accepted as int4");
        };
        assert!(err.to_string().contains("int4"), "{err}");
        assert!(buf.is_empty());
    }

    #[test]
    fn array_types() {
        let arr = |v: Vec<Value>| type_of(&Value::Array(v));
        assert_eq!(arr(vec![Value::I64(1), Value::I64(2)]), Type::INT8_ARRAY);
        assert_eq!(arr(vec![Value::I32(1)]), Type::INT4_ARRAY);
        assert_eq!(arr(vec![Value::I16(1)]), Type::INT2_ARRAY);
        assert_eq!(arr(vec![Value::I32(1), Value::I64(2)]), Type::INT8_ARRAY);
        assert_eq!(arr(vec![Value::I16(1), Value::I32(2)]), Type::INT4_ARRAY);
        assert_eq!(
            arr(vec![Value::Null(ValueType::Text), Value::Text("a".into())]),
            Type::TEXT_ARRAY
        );
        assert_eq!(arr(vec![Value::Null(ValueType::Uuid)]), Type::UUID_ARRAY);
        assert_eq!(arr(vec![Value::Json("1".into())]), Type::JSONB_ARRAY);
        assert_eq!(
            arr(vec![Value::Decimal("1".parse().unwrap())]),
            Type::NUMERIC_ARRAY
        );
        for (t, scalar) in all_types() {
            let want = array_of(&scalar).unwrap();
            assert_eq!(arr(vec![Value::Null(t)]), want, "{t:?}");
            assert_eq!(want.kind(), &Kind::Array(scalar), "{t:?}");
        }
        assert_eq!(arr(vec![]).oid(), 0);
        assert_eq!(type_of(&Value::Null(ValueType::Array)).oid(), 0);
    }

    #[test]
    fn arrays_encode_in_binary_with_widening() {
        let v = Value::Array(vec![
            Value::I32(1),
            Value::I64(-2),
            Value::Null(ValueType::I16),
        ]);
        assert!(check(std::slice::from_ref(&v)).is_ok());
        let (ty, bytes) = encode(&v);
        assert_eq!(ty, Type::INT8_ARRAY);
        let bytes = bytes.unwrap();
        // ndim 1, has NULLs, int8 elements, 3 elements from 1.
        let words: Vec<i32> = bytes[..20]
            .chunks(4)
            .map(|c| i32::from_be_bytes(c.try_into().unwrap()))
            .collect();
        assert_eq!(words, [1, 1, 20, 3, 1]);
        assert_eq!(&bytes[20..24], 8_i32.to_be_bytes());
        assert_eq!(&bytes[24..32], 1_i64.to_be_bytes());
        assert_eq!(&bytes[36..44], (-2_i64).to_be_bytes());
        assert_eq!(&bytes[44..48], (-1_i32).to_be_bytes());
        assert_eq!(bytes.len(), 48);
        assert!(matches!(PgParam(&v).encode_format(&ty), Format::Binary));
    }

    #[test]
    fn arrays_follow_the_statement_type() {
        // A prepared statement's parameter type comes from the server: elements convert.
        let v = Value::Array(vec![Value::I64(7)]);
        let mut buf = BytesMut::new();
        PgParam(&v)
            .to_sql_checked(&Type::INT4_ARRAY, &mut buf)
            .unwrap();
        assert_eq!(&buf[20..24], 4_i32.to_be_bytes());
        assert_eq!(&buf[24..], 7_i32.to_be_bytes());
        let big = Value::Array(vec![Value::I64(1 << 40)]);
        assert!(PgParam(&big)
            .to_sql_checked(&Type::INT4_ARRAY, &mut BytesMut::new())
            .is_err());
        assert!(PgParam(&v)
            .to_sql_checked(&Type::INT8, &mut BytesMut::new())
            .is_err());
    }

    #[test]
    fn untyped_arrays_go_as_text() {
        let empty = Value::Array(vec![]);
        assert!(matches!(
            PgParam(&empty).encode_format(&Type::INT4_ARRAY),
            Format::Text
        ));
        let mut buf = BytesMut::new();
        PgParam(&empty)
            .to_sql_checked(&Type::INT4_ARRAY, &mut buf)
            .unwrap();
        assert_eq!(&buf[..], b"{}");
        let nulls = Value::Array(vec![Value::Null(ValueType::Array); 2]);
        let mut buf = BytesMut::new();
        PgParam(&nulls)
            .to_sql_checked(&UNSPECIFIED, &mut buf)
            .unwrap();
        assert_eq!(&buf[..], b"{NULL,NULL}");
        let null = Value::Null(ValueType::Array);
        assert!(matches!(
            PgParam(&null).to_sql_checked(&Type::TEXT_ARRAY, &mut BytesMut::new()),
            Ok(IsNull::Yes)
        ));
        assert!(check(&[empty, null]).is_ok());
        // NULLs typed as arrays inside an array are nested arrays.
        assert!(check(&[nulls]).unwrap_err().is_unsupported());
    }

    #[test]
    fn bad_arrays_are_errors_naming_the_parameter() {
        let mixed = Value::Array(vec![Value::I64(1), Value::Text("a".into())]);
        let err = check(&[Value::I64(0), mixed]).unwrap_err();
        assert_eq!(err.kind(), quarry::ErrorKind::InvalidStatement);
        assert!(err.to_string().contains("$2"), "{err}");
        assert!(err.to_string().contains("element 2"), "{err}");
        let nested = Value::Array(vec![Value::Array(vec![Value::I64(1)])]);
        let err = check(&[nested]).unwrap_err();
        assert!(err.is_unsupported(), "{err}");
        let too_fine: Decimal = format!("0.{}1", "0".repeat(20_000)).parse().unwrap();
        let err = check(&[Value::Array(vec![Value::Decimal(too_fine)])]).unwrap_err();
        assert_eq!(err.kind(), quarry::ErrorKind::InvalidStatement);
        // NULLs of another type are fine.
        assert!(check(&[Value::Array(vec![
            Value::I64(1),
            Value::Null(ValueType::Text)
        ])])
        .is_ok());
    }

    #[test]
    fn regression_year_range_invalid_values_are_refused() {
        let v = Value::Invalid(ValueType::Date, "the date +10000-01-01".into());
        let err = check(&[Value::I64(1), v.clone()]).unwrap_err();
        assert!(err.is_unsupported(), "{err}");
        assert!(err.to_string().contains("(parameter $2)"), "{err}");
        let err = check(&[Value::Array(vec![
            Value::Date("2000-01-01".parse().unwrap()),
            v,
        ])])
        .unwrap_err();
        assert!(
            err.to_string().contains("(parameter $1, element 2)"),
            "{err}"
        );
    }

    #[test]
    fn check_limits() {
        assert!(check(&[Value::I64(1), Value::Decimal("1.5".parse().unwrap())]).is_ok());
        let too_fine: Decimal = format!("0.{}1", "0".repeat(20_000)).parse().unwrap();
        let err = check(&[Value::I64(1), Value::Decimal(too_fine)]).unwrap_err();
        assert_eq!(err.kind(), quarry::ErrorKind::InvalidStatement);
        assert!(err.to_string().contains("$2"), "{err}");
        let many = vec![Value::I32(0); MAX_PARAMS + 1];
        assert_eq!(
            check(&many).unwrap_err().kind(),
            quarry::ErrorKind::InvalidStatement
        );
        assert!(check(&many[..MAX_PARAMS]).is_ok());
    }
}
