//! Decoding result rows into [`quarry::Row`]s.
//!
//! Cells are decoded by the column's PostgreSQL type:
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
//!
//! A NULL becomes [`Value::Null`] of the matching [`ValueType`]. Any other type (`numeric`,
//! `timestamp`, `uuid`, `jsonb`, arrays, …) is a [`quarry::Error::Decode`] naming the column and
//! the type: cast it in the query (`SELECT price::text …`).

use quarry::{Error, Result, Row, Value, ValueType};
use std::sync::Arc;
use tokio_postgres::types::{FromSql, Kind, Type};

/// The label of an enum value (its binary form is the label's UTF-8 text).
struct EnumLabel(String);

impl<'a> FromSql<'a> for EnumLabel {
    fn from_sql(
        _ty: &Type,
        raw: &'a [u8],
    ) -> std::result::Result<Self, Box<dyn std::error::Error + Sync + Send>> {
        Ok(EnumLabel(std::str::from_utf8(raw)?.to_owned()))
    }

    fn accepts(ty: &Type) -> bool {
        matches!(ty.kind(), Kind::Enum(_))
    }
}

/// The [`ValueType`] that cells of PostgreSQL type `ty` decode to, if supported.
pub(crate) fn value_type_of(ty: &Type) -> Option<ValueType> {
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
        ref other if matches!(other.kind(), Kind::Enum(_)) => ValueType::Text,
        _ => return None,
    })
}

/// Reads cell `i` as `Option<T>` and wraps it, NULL becoming `Value::Null(null)`.
fn cell<'a, T: FromSql<'a>>(
    row: &'a tokio_postgres::Row,
    i: usize,
    null: ValueType,
    wrap: impl FnOnce(T) -> Value,
) -> Result<Value> {
    match row.try_get::<_, Option<T>>(i) {
        Ok(Some(v)) => Ok(wrap(v)),
        Ok(None) => Ok(Value::Null(null)),
        Err(e) => Err(Error::Decode {
            column: column_name(row, i),
            message: e.to_string(),
        }),
    }
}

fn column_name(row: &tokio_postgres::Row, i: usize) -> String {
    row.columns()
        .get(i)
        .map_or_else(|| i.to_string(), |c| c.name().to_owned())
}

/// The one-character text of a PostgreSQL `"char"` byte (the zero byte is the empty string).
pub(crate) fn char_text(byte: i8) -> String {
    match byte {
        0 => String::new(),
        b => char::from(b.to_ne_bytes()[0]).to_string(),
    }
}

/// Decodes cell `i` of `row`.
fn decode_cell(row: &tokio_postgres::Row, i: usize) -> Result<Value> {
    let Some(col) = row.columns().get(i) else {
        return Err(Error::Decode {
            column: i.to_string(),
            message: "no such column in the row".into(),
        });
    };
    let ty = col.type_();
    let Some(vt) = value_type_of(ty) else {
        return Err(Error::Decode {
            column: col.name().to_owned(),
            message: format!(
                "PostgreSQL type {} is not supported; cast it in the query (e.g. {}::text)",
                ty.name(),
                col.name()
            ),
        });
    };
    match *ty {
        Type::BOOL => cell(row, i, vt, Value::Bool),
        Type::INT2 => cell(row, i, vt, Value::I16),
        Type::INT4 => cell(row, i, vt, Value::I32),
        Type::INT8 => cell(row, i, vt, Value::I64),
        Type::OID => cell(row, i, vt, |v: u32| Value::I64(i64::from(v))),
        Type::FLOAT4 => cell(row, i, vt, Value::F32),
        Type::FLOAT8 => cell(row, i, vt, Value::F64),
        Type::CHAR => cell(row, i, vt, |b: i8| Value::Text(char_text(b))),
        Type::BYTEA => cell(row, i, vt, Value::Bytes),
        Type::TEXT | Type::VARCHAR | Type::BPCHAR | Type::NAME | Type::UNKNOWN => {
            cell(row, i, vt, Value::Text)
        }
        _ => cell(row, i, vt, |l: EnumLabel| Value::Text(l.0)),
    }
}

/// Decodes all `rows`; their column names are shared by one `Arc`.
pub(crate) fn decode_rows(rows: &[tokio_postgres::Row]) -> Result<Vec<Row>> {
    let Some(first) = rows.first() else {
        return Ok(Vec::new());
    };
    let columns: Arc<[String]> = first
        .columns()
        .iter()
        .map(|c| c.name().to_owned())
        .collect();
    rows.iter()
        .map(|row| {
            let values = (0..row.len())
                .map(|i| decode_cell(row, i))
                .collect::<Result<Vec<_>>>()?;
            Ok(Row::new(Arc::clone(&columns), values))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn supported_types() {
        assert_eq!(value_type_of(&Type::BOOL), Some(ValueType::Bool));
        assert_eq!(value_type_of(&Type::INT2), Some(ValueType::I16));
        assert_eq!(value_type_of(&Type::INT4), Some(ValueType::I32));
        assert_eq!(value_type_of(&Type::INT8), Some(ValueType::I64));
        assert_eq!(value_type_of(&Type::OID), Some(ValueType::I64));
        assert_eq!(value_type_of(&Type::FLOAT4), Some(ValueType::F32));
        assert_eq!(value_type_of(&Type::FLOAT8), Some(ValueType::F64));
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
        assert_eq!(value_type_of(&Type::BYTEA), Some(ValueType::Bytes));
        let mood = Type::new(
            "mood".into(),
            1,
            Kind::Enum(vec!["sad".into()]),
            "public".into(),
        );
        assert_eq!(value_type_of(&mood), Some(ValueType::Text));
    }

    #[test]
    fn unsupported_types() {
        for t in [
            Type::NUMERIC,
            Type::TIMESTAMP,
            Type::UUID,
            Type::JSONB,
            Type::INT8_ARRAY,
        ] {
            assert_eq!(value_type_of(&t), None, "{t}");
        }
    }

    #[test]
    fn char_bytes() {
        assert_eq!(char_text(b'r' as i8), "r");
        assert_eq!(char_text(0), "");
    }

    #[test]
    fn enum_labels() {
        let mood = Type::new("mood".into(), 1, Kind::Enum(vec![]), "public".into());
        assert!(EnumLabel::accepts(&mood));
        assert!(!EnumLabel::accepts(&Type::TEXT));
        assert_eq!(EnumLabel::from_sql(&mood, b"it's ok").unwrap().0, "it's ok");
    }
}
