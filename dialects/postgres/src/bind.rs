//! Binding [`quarry::Value`]s as typed PostgreSQL parameters.
//!
//! Every parameter is sent with an explicit type (the `query_typed` family of tokio-postgres),
//! so a statement costs one round trip and a NULL keeps its type:
//!
//! | [`Value`] | PostgreSQL type |
//! |---|---|
//! | `Bool` | `bool` |
//! | `I16` | `int2` |
//! | `I32` | `int4` |
//! | `I64` | `int8` |
//! | `F32` | `float4` |
//! | `F64` | `float8` |
//! | `Text` | `text` |
//! | `Bytes` | `bytea` |
//! | `Null(t)` | the type of `t` above, bound as NULL |

use quarry::{Error, Result, Value, ValueType};
use tokio_postgres::types::{ToSql, Type};

/// A parameter ready for `query_typed`.
pub(crate) type Param<'a> = (&'a (dyn ToSql + Sync), Type);

static NULL_BOOL: Option<bool> = None;
static NULL_I16: Option<i16> = None;
static NULL_I32: Option<i32> = None;
static NULL_I64: Option<i64> = None;
static NULL_F32: Option<f32> = None;
static NULL_F64: Option<f64> = None;
static NULL_TEXT: Option<String> = None;
static NULL_BYTES: Option<Vec<u8>> = None;

/// The PostgreSQL type a value of type `t` is bound as.
pub(crate) fn pg_type(t: ValueType) -> Result<Type> {
    Ok(match t {
        ValueType::Bool => Type::BOOL,
        ValueType::I16 => Type::INT2,
        ValueType::I32 => Type::INT4,
        ValueType::I64 => Type::INT8,
        ValueType::F32 => Type::FLOAT4,
        ValueType::F64 => Type::FLOAT8,
        ValueType::Text => Type::TEXT,
        ValueType::Bytes => Type::BYTEA,
        other => {
            return Err(Error::unsupported(
                "postgresql",
                format!("binding a {other:?} value"),
            ))
        }
    })
}

/// A typed NULL of type `t`.
fn null_of(t: ValueType) -> Result<&'static (dyn ToSql + Sync)> {
    Ok(match t {
        ValueType::Bool => &NULL_BOOL,
        ValueType::I16 => &NULL_I16,
        ValueType::I32 => &NULL_I32,
        ValueType::I64 => &NULL_I64,
        ValueType::F32 => &NULL_F32,
        ValueType::F64 => &NULL_F64,
        ValueType::Text => &NULL_TEXT,
        ValueType::Bytes => &NULL_BYTES,
        other => {
            return Err(Error::unsupported(
                "postgresql",
                format!("binding a NULL {other:?}"),
            ))
        }
    })
}

/// One value as a typed parameter, borrowing from the value.
pub(crate) fn param(value: &Value) -> Result<Param<'_>> {
    let ty = pg_type(value.value_type())?;
    let sql: &(dyn ToSql + Sync) = match value {
        Value::Null(t) => null_of(*t)?,
        Value::Bool(v) => v,
        Value::I16(v) => v,
        Value::I32(v) => v,
        Value::I64(v) => v,
        Value::F32(v) => v,
        Value::F64(v) => v,
        Value::Text(v) => v,
        Value::Bytes(v) => v,
        other => {
            return Err(Error::unsupported(
                "postgresql",
                format!("binding {other:?}"),
            ))
        }
    };
    Ok((sql, ty))
}

/// All `values` as typed parameters, in order.
pub(crate) fn params(values: &[Value]) -> Result<Vec<Param<'_>>> {
    values.iter().map(param).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use tokio_postgres::types::IsNull;

    /// Encodes `value` the way tokio-postgres will: the type must be accepted by the Rust value.
    fn encode(value: &Value) -> (Type, Option<Vec<u8>>) {
        let (sql, ty) = param(value).unwrap();
        let mut buf = bytes_buf();
        match sql.to_sql_checked(&ty, &mut buf).unwrap() {
            IsNull::Yes => (ty, None),
            IsNull::No => (ty, Some(buf.to_vec())),
        }
    }

    fn bytes_buf() -> tokio_postgres::types::private::BytesMut {
        tokio_postgres::types::private::BytesMut::new()
    }

    #[test]
    fn exact_types() {
        let cases = [
            (Value::Bool(true), Type::BOOL),
            (Value::I16(1), Type::INT2),
            (Value::I32(1), Type::INT4),
            (Value::I64(1), Type::INT8),
            (Value::F32(1.5), Type::FLOAT4),
            (Value::F64(1.5), Type::FLOAT8),
            (Value::Text("a".into()), Type::TEXT),
            (Value::Bytes(vec![1, 2]), Type::BYTEA),
        ];
        for (v, want) in cases {
            assert_eq!(param(&v).unwrap().1, want, "{v:?}");
        }
    }

    #[test]
    fn typed_nulls() {
        let cases = [
            (ValueType::Bool, Type::BOOL),
            (ValueType::I16, Type::INT2),
            (ValueType::I32, Type::INT4),
            (ValueType::I64, Type::INT8),
            (ValueType::F32, Type::FLOAT4),
            (ValueType::F64, Type::FLOAT8),
            (ValueType::Text, Type::TEXT),
            (ValueType::Bytes, Type::BYTEA),
        ];
        for (t, want) in cases {
            let (ty, bytes) = encode(&Value::Null(t));
            assert_eq!(ty, want, "{t:?}");
            assert_eq!(bytes, None, "{t:?}");
        }
    }

    #[test]
    fn values_encode_in_binary() {
        assert_eq!(encode(&Value::I64(258)).1.unwrap(), 258_i64.to_be_bytes());
        assert_eq!(encode(&Value::I32(-2)).1.unwrap(), (-2_i32).to_be_bytes());
        assert_eq!(encode(&Value::I16(7)).1.unwrap(), 7_i16.to_be_bytes());
        assert_eq!(encode(&Value::F64(0.5)).1.unwrap(), 0.5_f64.to_be_bytes());
        assert_eq!(encode(&Value::F32(0.5)).1.unwrap(), 0.5_f32.to_be_bytes());
        assert_eq!(encode(&Value::Bool(true)).1.unwrap(), [1]);
        assert_eq!(
            encode(&Value::Text("hé".into())).1.unwrap(),
            "hé".as_bytes()
        );
        assert_eq!(encode(&Value::Bytes(vec![0, 255])).1.unwrap(), [0, 255]);
    }

    #[test]
    fn params_keep_order() {
        let values = [
            Value::I64(1),
            Value::Text("x".into()),
            Value::Null(ValueType::Bool),
        ];
        let types: Vec<Type> = params(&values).unwrap().into_iter().map(|p| p.1).collect();
        assert_eq!(types, [Type::INT8, Type::TEXT, Type::BOOL]);
    }
}
