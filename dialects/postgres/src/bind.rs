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

use crate::{codec, numeric};
use quarry::{Error, Result, Value, ValueType};
use std::error::Error as StdError;
use tokio_postgres::types::private::BytesMut;
use tokio_postgres::types::{IsNull, ToSql, Type};

/// PostgreSQL accepts at most this many parameters in one statement.
pub(crate) const MAX_PARAMS: usize = u16::MAX as usize;

/// The PostgreSQL type a value of type `t` is bound as; `None` for a type this crate does not
/// know (a newer [`ValueType`]).
pub(crate) fn pg_type(t: ValueType) -> Option<Type> {
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

/// The PostgreSQL type `value` is bound as (`TEXT` for an unknown type, which [`check`] has
/// already rejected).
pub(crate) fn type_of(value: &Value) -> Type {
    pg_type(value.value_type()).unwrap_or(Type::TEXT)
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

    fn to_sql_checked(
        &self,
        ty: &Type,
        out: &mut BytesMut,
    ) -> std::result::Result<IsNull, BoxError> {
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
