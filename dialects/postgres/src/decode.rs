//! Decoding result rows into [`quarry::Row`]s.
//!
//! Cells arrive in PostgreSQL's binary format and are decoded by the column's type:
//!
//! | PostgreSQL type | [`Value`] |
//! |---|---|
//! | `bool` | `Bool` |
//! | `int2` | `I16` |
//! | `int4` | `I32` |
//! | `int8`, `oid` | `I64` |
//! | `float4` | `F32` |
//! | `float8` | `F64` |
//! | `text`, `varchar`, `bpchar`, `name`, `unknown`, enum types | `Text` |
//! | `"char"` | `Text` of one character (empty for the zero byte) |
//! | `bytea` | `Bytes` |
//! | `date` | `Date` |
//! | `time` | `Time` |
//! | `timestamp` | `Timestamp` |
//! | `timestamptz` | `TimestampTz` (in UTC) |
//! | `uuid` | `Uuid` |
//! | `json`, `jsonb` | `Json` (the document's text) |
//! | `numeric` | `Decimal` (scale kept) |
//! | a one-dimensional array of one of the above | `Array` of those values |
//!
//! A NULL becomes [`Value::Null`] of the matching [`ValueType`]. Values without a quarry form
//! are a [`quarry::Error::Decode`] naming the column: `infinity` / `-infinity` dates and
//! timestamps, dates beyond years ±9999, `24:00:00`, and numeric `NaN` / `±Infinity` (also as
//! array elements), and multi-dimensional arrays. Any other type (`interval`, `timetz`,
//! ranges, arrays of those, …) is a decode error naming the column and the type: cast it in the
//! query (`SELECT period::text …`). An empty array decodes to an empty `Array`; an array's
//! lower bound is not kept.

use crate::{codec, numeric};
use quarry::{Error, Result, Row, Value, ValueType};
use std::sync::Arc;
use tokio_postgres::types::{FromSql, Kind, Type};
use tokio_postgres::Column;

/// A cell's raw binary bytes, whatever its type.
struct Raw<'a>(&'a [u8]);

impl<'a> FromSql<'a> for Raw<'a> {
    fn from_sql(
        _ty: &Type,
        raw: &'a [u8],
    ) -> std::result::Result<Self, Box<dyn std::error::Error + Sync + Send>> {
        Ok(Raw(raw))
    }

    fn accepts(_ty: &Type) -> bool {
        true
    }
}

/// The [`ValueType`] that cells of PostgreSQL type `ty` decode to, if supported.
fn value_type_of(ty: &Type) -> Option<ValueType> {
    Some(match *ty {
        Type::BOOL => ValueType::Bool,
        Type::INT2 => ValueType::I16,
        Type::INT4 => ValueType::I32,
        Type::INT8 | Type::OID => ValueType::I64,
        Type::FLOAT4 => ValueType::F32,
        Type::FLOAT8 => ValueType::F64,
        Type::TEXT | Type::VARCHAR | Type::BPCHAR | Type::NAME | Type::UNKNOWN | Type::CHAR => {
            ValueType::Text
        }
        Type::BYTEA => ValueType::Bytes,
        Type::DATE => ValueType::Date,
        Type::TIME => ValueType::Time,
        Type::TIMESTAMP => ValueType::Timestamp,
        Type::TIMESTAMPTZ => ValueType::TimestampTz,
        Type::UUID => ValueType::Uuid,
        Type::JSON | Type::JSONB => ValueType::Json,
        Type::NUMERIC => ValueType::Decimal,
        ref other => match other.kind() {
            Kind::Enum(_) => ValueType::Text,
            Kind::Array(elem) if value_type_of(elem).is_some_and(|t| t != ValueType::Array) => {
                ValueType::Array
            }
            _ => return None,
        },
    })
}

/// The one-character text of a PostgreSQL `"char"` byte (the zero byte is the empty string).
fn char_text(byte: u8) -> String {
    match byte {
        0 => String::new(),
        b => char::from(b).to_string(),
    }
}

fn array<const N: usize>(raw: &[u8], ty: &Type) -> std::result::Result<[u8; N], String> {
    raw.try_into()
        .map_err(|_| format!("a binary {ty} has {N} bytes, got {}", raw.len()))
}

fn text(raw: &[u8]) -> std::result::Result<String, String> {
    String::from_utf8(raw.to_vec()).map_err(|e| e.to_string())
}

/// Decodes one non-NULL cell of type `ty` from its binary form.
fn decode_value(ty: &Type, raw: &[u8]) -> std::result::Result<Value, String> {
    Ok(match *ty {
        Type::BOOL => Value::Bool(array::<1>(raw, ty)?[0] != 0),
        Type::INT2 => Value::I16(i16::from_be_bytes(array(raw, ty)?)),
        Type::INT4 => Value::I32(i32::from_be_bytes(array(raw, ty)?)),
        Type::INT8 => Value::I64(i64::from_be_bytes(array(raw, ty)?)),
        Type::OID => Value::I64(i64::from(u32::from_be_bytes(array(raw, ty)?))),
        Type::FLOAT4 => Value::F32(f32::from_be_bytes(array(raw, ty)?)),
        Type::FLOAT8 => Value::F64(f64::from_be_bytes(array(raw, ty)?)),
        Type::CHAR => Value::Text(char_text(array::<1>(raw, ty)?[0])),
        Type::BYTEA => Value::Bytes(raw.to_vec()),
        Type::TEXT | Type::VARCHAR | Type::BPCHAR | Type::NAME | Type::UNKNOWN => {
            Value::Text(text(raw)?)
        }
        Type::DATE => Value::Date(codec::decode_date(raw)?),
        Type::TIME => Value::Time(codec::decode_time(raw)?),
        Type::TIMESTAMP => Value::Timestamp(codec::decode_timestamp(raw)?),
        Type::TIMESTAMPTZ => Value::TimestampTz(codec::decode_timestamp(raw)?),
        Type::UUID => Value::Uuid(codec::decode_uuid(raw)?),
        Type::JSON => Value::Json(codec::decode_json(raw, false)?),
        Type::JSONB => Value::Json(codec::decode_json(raw, true)?),
        Type::NUMERIC => Value::Decimal(numeric::decode(raw)?),
        ref other => match other.kind() {
            Kind::Enum(_) => Value::Text(text(raw)?),
            Kind::Array(elem) if value_type_of(other).is_some() => decode_array(elem, raw)?,
            _ => return Err(unsupported(other)),
        },
    })
}

/// Reads a big-endian `i32` at `*at`, advancing it.
fn read_i32(raw: &[u8], at: &mut usize) -> std::result::Result<i32, String> {
    let bytes = raw
        .get(*at..*at + 4)
        .ok_or_else(|| "a binary array ends early".to_owned())?;
    *at += 4;
    Ok(i32::from_be_bytes(array(bytes, &Type::INT4)?))
}

/// Decodes a binary array of elements of type `elem` (one dimension at most).
fn decode_array(elem: &Type, raw: &[u8]) -> std::result::Result<Value, String> {
    let mut at = 0;
    let ndim = read_i32(raw, &mut at)?;
    let _has_nulls = read_i32(raw, &mut at)?;
    let _elem_oid = read_i32(raw, &mut at)?;
    let len = match ndim {
        0 => return Ok(Value::Array(Vec::new())),
        1 => {
            let len = read_i32(raw, &mut at)?;
            let _lower_bound = read_i32(raw, &mut at)?;
            usize::try_from(len).map_err(|_| format!("a binary array has length {len}"))?
        }
        n => {
            return Err(format!(
                "a {n}-dimensional array has no quarry value (only one-dimensional arrays \
                 decode); unnest it or cast it in the query"
            ))
        }
    };
    let null_type = value_type_of(elem).unwrap_or(ValueType::Text);
    // Every element takes at least its 4-byte length: do not trust `len` beyond that.
    let mut items = Vec::with_capacity(len.min(raw.len() / 4));
    for _ in 0..len {
        let n = read_i32(raw, &mut at)?;
        if n < 0 {
            items.push(Value::Null(null_type));
            continue;
        }
        let end = usize::try_from(n)
            .ok()
            .and_then(|n| at.checked_add(n))
            .filter(|end| *end <= raw.len())
            .ok_or_else(|| "a binary array ends early".to_owned())?;
        items.push(decode_value(elem, &raw[at..end])?);
        at = end;
    }
    Ok(Value::Array(items))
}

fn unsupported(ty: &Type) -> String {
    format!(
        "PostgreSQL type {} is not supported; cast it in the query (e.g. ::text)",
        ty.name()
    )
}

/// Decodes cell `i` of `row`, whose column is `col`.
fn decode_cell(row: &tokio_postgres::Row, i: usize, col: &Column) -> Result<Value> {
    let ty = col.type_();
    let decode_error = |message: String| Error::Decode {
        column: col.name().to_owned(),
        message,
    };
    let Some(vt) = value_type_of(ty) else {
        return Err(decode_error(unsupported(ty)));
    };
    match row.try_get::<_, Option<Raw<'_>>>(i) {
        Ok(None) => Ok(Value::Null(vt)),
        Ok(Some(Raw(raw))) => decode_value(ty, raw).map_err(decode_error),
        Err(e) => Err(decode_error(e.to_string())),
    }
}

/// The column names of a result, shared by all its rows.
pub(crate) fn column_names(columns: &[Column]) -> Arc<[String]> {
    columns.iter().map(|c| c.name().to_owned()).collect()
}

/// Decodes one row; `names` are its column names (from [`column_names`]).
pub(crate) fn decode_row(row: &tokio_postgres::Row, names: &Arc<[String]>) -> Result<Row> {
    let columns = row.columns();
    let mut values = Vec::with_capacity(columns.len());
    for (i, col) in columns.iter().enumerate() {
        values.push(decode_cell(row, i, col)?);
    }
    Ok(Row::new(Arc::clone(names), values))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn supported_types() {
        let cases = [
            (Type::BOOL, ValueType::Bool),
            (Type::INT2, ValueType::I16),
            (Type::INT4, ValueType::I32),
            (Type::INT8, ValueType::I64),
            (Type::OID, ValueType::I64),
            (Type::FLOAT4, ValueType::F32),
            (Type::FLOAT8, ValueType::F64),
            (Type::BYTEA, ValueType::Bytes),
            (Type::DATE, ValueType::Date),
            (Type::TIME, ValueType::Time),
            (Type::TIMESTAMP, ValueType::Timestamp),
            (Type::TIMESTAMPTZ, ValueType::TimestampTz),
            (Type::UUID, ValueType::Uuid),
            (Type::JSON, ValueType::Json),
            (Type::JSONB, ValueType::Json),
            (Type::NUMERIC, ValueType::Decimal),
        ];
        for (t, want) in cases {
            assert_eq!(value_type_of(&t), Some(want), "{t}");
        }
        for t in [
            Type::TEXT,
            Type::VARCHAR,
            Type::BPCHAR,
            Type::NAME,
            Type::UNKNOWN,
            Type::CHAR,
        ] {
            assert_eq!(value_type_of(&t), Some(ValueType::Text), "{t}");
        }
        let mood = Type::new(
            "mood".into(),
            1,
            Kind::Enum(vec!["sad".into()]),
            "public".into(),
        );
        assert_eq!(value_type_of(&mood), Some(ValueType::Text));
        assert_eq!(
            decode_value(&mood, b"it's ok").unwrap(),
            Value::Text("it's ok".into())
        );
    }

    #[test]
    fn unsupported_types() {
        for t in [
            Type::INTERVAL,
            Type::TIMETZ,
            Type::INTERVAL_ARRAY,
            Type::INET,
        ] {
            assert_eq!(value_type_of(&t), None, "{t}");
            assert!(decode_value(&t, b"").unwrap_err().contains(t.name()));
        }
    }

    #[test]
    fn scalars() {
        assert_eq!(decode_value(&Type::BOOL, &[1]).unwrap(), Value::Bool(true));
        assert_eq!(decode_value(&Type::BOOL, &[0]).unwrap(), Value::Bool(false));
        assert_eq!(
            decode_value(&Type::INT8, &i64::MIN.to_be_bytes()).unwrap(),
            Value::I64(i64::MIN)
        );
        assert_eq!(
            decode_value(&Type::INT2, &(-3_i16).to_be_bytes()).unwrap(),
            Value::I16(-3)
        );
        assert_eq!(
            decode_value(&Type::OID, &u32::MAX.to_be_bytes()).unwrap(),
            Value::I64(i64::from(u32::MAX))
        );
        match decode_value(&Type::FLOAT8, &f64::NAN.to_be_bytes()).unwrap() {
            Value::F64(v) => assert!(v.is_nan()),
            other => panic!("{other:?}"),
        }
        assert_eq!(
            decode_value(&Type::TEXT, "é".as_bytes()).unwrap(),
            Value::Text("é".into())
        );
        assert_eq!(
            decode_value(&Type::BYTEA, &[0, 9]).unwrap(),
            Value::Bytes(vec![0, 9])
        );
        assert!(decode_value(&Type::INT4, &[0, 0]).is_err());
        assert!(decode_value(&Type::TEXT, &[0xff]).is_err());
    }

    #[test]
    fn new_types() {
        assert_eq!(
            decode_value(&Type::DATE, &0_i32.to_be_bytes()).unwrap(),
            Value::Date("2000-01-01".parse().unwrap())
        );
        assert_eq!(
            decode_value(&Type::TIMESTAMPTZ, &1_i64.to_be_bytes()).unwrap(),
            Value::TimestampTz("2000-01-01 00:00:00.000001".parse().unwrap())
        );
        assert_eq!(
            decode_value(&Type::JSONB, b"\x01{}").unwrap(),
            Value::Json("{}".into())
        );
        assert_eq!(
            decode_value(&Type::NUMERIC, &[0, 1, 0, 0, 0, 0, 0, 2, 0, 12]).unwrap(),
            Value::Decimal("12.00".parse().unwrap())
        );
        let nan = [0, 0, 0, 0, 0xC0, 0, 0, 0];
        assert!(decode_value(&Type::NUMERIC, &nan)
            .unwrap_err()
            .contains("NaN"));
        assert!(decode_value(&Type::TIMESTAMP, &i64::MAX.to_be_bytes())
            .unwrap_err()
            .contains("infinity"));
    }

    /// The binary form of a one-dimensional array of `elems` (`None`: NULL) of type `oid`.
    fn array_bytes(oid: u32, elems: &[Option<&[u8]>]) -> Vec<u8> {
        let mut out = Vec::new();
        let nulls = elems.iter().any(Option::is_none);
        for w in [1, i32::from(nulls)] {
            out.extend_from_slice(&w.to_be_bytes());
        }
        out.extend_from_slice(&oid.to_be_bytes());
        out.extend_from_slice(&(elems.len() as i32).to_be_bytes());
        out.extend_from_slice(&1_i32.to_be_bytes());
        for e in elems {
            match e {
                None => out.extend_from_slice(&(-1_i32).to_be_bytes()),
                Some(b) => {
                    out.extend_from_slice(&(b.len() as i32).to_be_bytes());
                    out.extend_from_slice(b);
                }
            }
        }
        out
    }

    #[test]
    fn arrays() {
        assert_eq!(value_type_of(&Type::INT4_ARRAY), Some(ValueType::Array));
        assert_eq!(value_type_of(&Type::TEXT_ARRAY), Some(ValueType::Array));
        let raw = array_bytes(
            23,
            &[
                Some(&7_i32.to_be_bytes()),
                None,
                Some(&(-1_i32).to_be_bytes()),
            ],
        );
        assert_eq!(
            decode_value(&Type::INT4_ARRAY, &raw).unwrap(),
            Value::Array(vec![
                Value::I32(7),
                Value::Null(ValueType::I32),
                Value::I32(-1)
            ])
        );
        let raw = array_bytes(25, &[Some(b"a"), Some("é".as_bytes())]);
        assert_eq!(
            decode_value(&Type::TEXT_ARRAY, &raw).unwrap(),
            Value::Array(vec![Value::Text("a".into()), Value::Text("é".into())])
        );
        let mut empty = Vec::new();
        for w in [0_i32, 0, 20] {
            empty.extend_from_slice(&w.to_be_bytes());
        }
        assert_eq!(
            decode_value(&Type::INT8_ARRAY, &empty).unwrap(),
            Value::Array(vec![])
        );
    }

    #[test]
    fn malformed_arrays_are_errors() {
        let raw = array_bytes(23, &[Some(&7_i32.to_be_bytes())]);
        for cut in 0..raw.len() {
            assert!(
                decode_value(&Type::INT4_ARRAY, &raw[..cut]).is_err(),
                "{cut}"
            );
        }
        let mut huge = raw.clone();
        huge[12..16].copy_from_slice(&i32::MAX.to_be_bytes());
        assert!(decode_value(&Type::INT4_ARRAY, &huge).is_err());
        let mut two_d = raw.clone();
        two_d[0..4].copy_from_slice(&2_i32.to_be_bytes());
        assert!(decode_value(&Type::INT4_ARRAY, &two_d)
            .unwrap_err()
            .contains("dimensional"));
        // A bad element is an error too.
        let raw = array_bytes(23, &[Some(&[0, 1])]);
        assert!(decode_value(&Type::INT4_ARRAY, &raw).is_err());
    }

    #[test]
    fn char_bytes() {
        assert_eq!(char_text(b'r'), "r");
        assert_eq!(char_text(0), "");
        assert_eq!(
            decode_value(&Type::CHAR, b"r").unwrap(),
            Value::Text("r".into())
        );
    }
}
