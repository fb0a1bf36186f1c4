//! Binding [`quarry::Value`]s and decoding result cells.
//!
//! Cells are decoded by the column's type, flags and character set, not by the wire
//! representation, so the text protocol (every value as bytes) and the binary protocol decode
//! alike; the mapping is documented at the crate root.

use mysql_async::consts::{ColumnFlags, ColumnType};
use mysql_async::Value as My;
use quarry::{Error, Result, Value, ValueType};

/// The `binary` character set: byte strings rather than text.
const BINARY_CHARSET: u16 = 63;

/// How a column's cells decode.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Kind {
    Int,
    Bit,
    F32,
    F64,
    Text,
    Bytes,
    Date,
    DateTime,
    Time,
}

impl Kind {
    /// The decoding of a column of `ty` with character set `charset`.
    pub(crate) fn of(ty: ColumnType, charset: u16, flags: ColumnFlags) -> Kind {
        use ColumnType::*;
        let binary = charset == BINARY_CHARSET;
        match ty {
            MYSQL_TYPE_TINY | MYSQL_TYPE_SHORT | MYSQL_TYPE_LONG | MYSQL_TYPE_LONGLONG
            | MYSQL_TYPE_INT24 | MYSQL_TYPE_YEAR => Kind::Int,
            MYSQL_TYPE_BIT => Kind::Bit,
            MYSQL_TYPE_FLOAT => Kind::F32,
            MYSQL_TYPE_DOUBLE => Kind::F64,
            MYSQL_TYPE_DECIMAL | MYSQL_TYPE_NEWDECIMAL => Kind::Text,
            MYSQL_TYPE_DATE | MYSQL_TYPE_NEWDATE => Kind::Date,
            MYSQL_TYPE_DATETIME
            | MYSQL_TYPE_DATETIME2
            | MYSQL_TYPE_TIMESTAMP
            | MYSQL_TYPE_TIMESTAMP2 => Kind::DateTime,
            MYSQL_TYPE_TIME | MYSQL_TYPE_TIME2 => Kind::Time,
            // MySQL 8 reports JSON with the binary charset, yet it is text.
            MYSQL_TYPE_JSON | MYSQL_TYPE_ENUM | MYSQL_TYPE_SET | MYSQL_TYPE_NULL => Kind::Text,
            _ if flags.intersects(ColumnFlags::ENUM_FLAG | ColumnFlags::SET_FLAG) => Kind::Text,
            MYSQL_TYPE_GEOMETRY | MYSQL_TYPE_VECTOR => Kind::Bytes,
            _ if binary => Kind::Bytes,
            _ => Kind::Text,
        }
    }

    /// The [`ValueType`] of this kind's NULL.
    pub(crate) fn value_type(self) -> ValueType {
        match self {
            Kind::Int | Kind::Bit => ValueType::I64,
            Kind::F32 => ValueType::F32,
            Kind::F64 => ValueType::F64,
            Kind::Bytes => ValueType::Bytes,
            Kind::Text | Kind::Date | Kind::DateTime | Kind::Time => ValueType::Text,
        }
    }
}

/// One column's decoding: its kind and fractional-second digits.
#[derive(Clone, Copy, Debug)]
pub(crate) struct ColumnDecoder {
    pub(crate) kind: Kind,
    /// Fractional-second digits of temporal columns (`decimals` in the column definition).
    pub(crate) decimals: u8,
}

impl ColumnDecoder {
    /// The decoder of a result column.
    pub(crate) fn new(column: &mysql_async::Column) -> Self {
        ColumnDecoder {
            kind: Kind::of(column.column_type(), column.character_set(), column.flags()),
            decimals: column.decimals(),
        }
    }

    /// Decodes one cell (`None` when the driver has none) of column `name`.
    pub(crate) fn decode(&self, cell: Option<My>, name: &str) -> Result<Value> {
        let v = match cell {
            None | Some(My::NULL) => return Ok(Value::Null(self.kind.value_type())),
            Some(v) => v,
        };
        let err = |message: String| Error::Decode {
            column: name.to_owned(),
            message,
        };
        match (self.kind, v) {
            (Kind::Int, My::Int(i)) => Ok(Value::I64(i)),
            (Kind::Int | Kind::Bit, My::UInt(u)) => i64::try_from(u)
                .map(Value::I64)
                .map_err(|_| err(format!("unsigned value {u} exceeds i64::MAX"))),
            (Kind::Int, My::Bytes(b)) => {
                let s = utf8(b, name)?;
                if let Ok(i) = s.parse::<i64>() {
                    Ok(Value::I64(i))
                } else if s.parse::<u64>().is_ok() {
                    Err(err(format!("unsigned value {s} exceeds i64::MAX")))
                } else {
                    Err(err(format!("{s:?} is not an integer")))
                }
            }
            (Kind::Bit, My::Bytes(b)) => {
                if b.len() > 8 {
                    return Err(err(format!("BIT value of {} bytes", b.len())));
                }
                let u = b.iter().fold(0_u64, |acc, &x| (acc << 8) | u64::from(x));
                i64::try_from(u)
                    .map(Value::I64)
                    .map_err(|_| err(format!("BIT value {u} exceeds i64::MAX")))
            }
            (Kind::Bit, My::Int(i)) => Ok(Value::I64(i)),
            (Kind::F32, My::Float(f)) => Ok(Value::F32(f)),
            // Narrowing is what the column holds: a FLOAT never had more precision.
            (Kind::F32, My::Double(d)) => Ok(Value::F32(d as f32)),
            (Kind::F64, My::Double(d)) => Ok(Value::F64(d)),
            (Kind::F64, My::Float(f)) => Ok(Value::F64(f64::from(f))),
            (Kind::F32, My::Bytes(b)) => {
                let s = utf8(b, name)?;
                s.parse::<f32>()
                    .map(Value::F32)
                    .map_err(|_| err(format!("{s:?} is not a number")))
            }
            (Kind::F64, My::Bytes(b)) => {
                let s = utf8(b, name)?;
                s.parse::<f64>()
                    .map(Value::F64)
                    .map_err(|_| err(format!("{s:?} is not a number")))
            }
            (Kind::Bytes, My::Bytes(b)) => Ok(Value::Bytes(b)),
            (_, My::Bytes(b)) => Ok(Value::Text(utf8(b, name)?)),
            (_, My::Date(y, mo, d, h, mi, s, us)) => {
                let date = format!("{y:04}-{mo:02}-{d:02}");
                Ok(Value::Text(if self.kind == Kind::Date {
                    date
                } else {
                    format!(
                        "{date} {h:02}:{mi:02}:{s:02}{}",
                        fraction(us, self.decimals)
                    )
                }))
            }
            (_, My::Time(neg, days, h, mi, s, us)) => {
                let hours = u64::from(days) * 24 + u64::from(h);
                let sign = if neg { "-" } else { "" };
                Ok(Value::Text(format!(
                    "{sign}{hours:02}:{mi:02}:{s:02}{}",
                    fraction(us, self.decimals)
                )))
            }
            // Numbers where text is expected (e.g. an expression column): their text.
            (Kind::Text, My::Int(i)) => Ok(Value::Text(i.to_string())),
            (Kind::Text, My::UInt(u)) => Ok(Value::Text(u.to_string())),
            (Kind::Text, My::Float(f)) => Ok(Value::Text(f.to_string())),
            (Kind::Text, My::Double(d)) => Ok(Value::Text(d.to_string())),
            (kind, other) => Err(err(format!("unexpected {other:?} in a {kind:?} column"))),
        }
    }
}

fn utf8(b: Vec<u8>, name: &str) -> Result<String> {
    String::from_utf8(b).map_err(|e| Error::Decode {
        column: name.to_owned(),
        message: format!("invalid UTF-8 in a text column: {e}"),
    })
}

/// `.ffffff` cut to the column's `decimals`; for columns without a fixed scale (expressions
/// report 31 or 39), six digits when there is a fraction.
fn fraction(us: u32, decimals: u8) -> String {
    let digits = match decimals {
        0 => return String::new(),
        d @ 1..=6 => usize::from(d),
        _ if us == 0 => return String::new(),
        _ => 6,
    };
    let full = format!("{us:06}");
    format!(".{}", &full[..digits.min(full.len())])
}

/// The driver value bound for `v`.
pub(crate) fn bind(v: &Value) -> Result<My> {
    Ok(match v {
        Value::Null(_) => My::NULL,
        Value::Bool(b) => My::Int(i64::from(*b)),
        Value::I16(i) => My::Int(i64::from(*i)),
        Value::I32(i) => My::Int(i64::from(*i)),
        Value::I64(i) => My::Int(*i),
        Value::F32(f) => My::Float(*f),
        Value::F64(f) => My::Double(*f),
        Value::Text(s) => My::Bytes(s.as_bytes().to_vec()),
        Value::Bytes(b) => My::Bytes(b.clone()),
        other => {
            return Err(Error::unsupported(
                "mysql",
                format!("binding a value of type {:?}", other.value_type()),
            ))
        }
    })
}

/// The driver parameters for `params`.
pub(crate) fn bind_all(params: &[Value]) -> Result<mysql_async::Params> {
    if params.is_empty() {
        return Ok(mysql_async::Params::Empty);
    }
    params
        .iter()
        .map(bind)
        .collect::<Result<Vec<_>>>()
        .map(mysql_async::Params::Positional)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dec(kind: Kind) -> ColumnDecoder {
        ColumnDecoder { kind, decimals: 0 }
    }

    #[test]
    fn kinds() {
        use ColumnType::*;
        let none = ColumnFlags::empty();
        assert_eq!(Kind::of(MYSQL_TYPE_LONGLONG, 63, none), Kind::Int);
        assert_eq!(Kind::of(MYSQL_TYPE_BLOB, 63, none), Kind::Bytes);
        assert_eq!(Kind::of(MYSQL_TYPE_BLOB, 45, none), Kind::Text);
        assert_eq!(Kind::of(MYSQL_TYPE_VAR_STRING, 63, none), Kind::Bytes);
        assert_eq!(Kind::of(MYSQL_TYPE_VAR_STRING, 224, none), Kind::Text);
        assert_eq!(Kind::of(MYSQL_TYPE_JSON, 63, none), Kind::Text);
        assert_eq!(
            Kind::of(MYSQL_TYPE_STRING, 63, ColumnFlags::ENUM_FLAG),
            Kind::Text
        );
        assert_eq!(Kind::of(MYSQL_TYPE_NEWDECIMAL, 63, none), Kind::Text);
        assert_eq!(Kind::of(MYSQL_TYPE_FLOAT, 63, none), Kind::F32);
        assert_eq!(Kind::of(MYSQL_TYPE_DATETIME2, 63, none), Kind::DateTime);
    }

    #[test]
    fn integers() {
        let d = dec(Kind::Int);
        assert_eq!(d.decode(Some(My::Int(-5)), "c").unwrap(), Value::I64(-5));
        assert_eq!(d.decode(Some(My::UInt(5)), "c").unwrap(), Value::I64(5));
        assert_eq!(
            d.decode(Some(My::Bytes(b"42".to_vec())), "c").unwrap(),
            Value::I64(42)
        );
        let e = d.decode(Some(My::UInt(u64::MAX)), "big").unwrap_err();
        assert_eq!(e.kind(), quarry::ErrorKind::Decode);
        assert!(e.to_string().contains("big"));
        let e = d.decode(Some(My::Bytes(u64::MAX.to_string().into_bytes())), "c");
        assert!(e.is_err());
        assert_eq!(d.decode(None, "c").unwrap(), Value::Null(ValueType::I64));
        assert_eq!(
            d.decode(Some(My::NULL), "c").unwrap(),
            Value::Null(ValueType::I64)
        );
        assert_eq!(
            dec(Kind::Bit)
                .decode(Some(My::Bytes(vec![1, 2])), "c")
                .unwrap(),
            Value::I64(258)
        );
    }

    #[test]
    fn floats_text_bytes() {
        assert_eq!(
            dec(Kind::F32).decode(Some(My::Float(1.5)), "c").unwrap(),
            Value::F32(1.5)
        );
        assert_eq!(
            dec(Kind::F64)
                .decode(Some(My::Bytes(b"2.25".to_vec())), "c")
                .unwrap(),
            Value::F64(2.25)
        );
        assert_eq!(
            dec(Kind::Text)
                .decode(Some(My::Bytes("é😀".as_bytes().to_vec())), "c")
                .unwrap(),
            Value::Text("é😀".into())
        );
        assert!(dec(Kind::Text)
            .decode(Some(My::Bytes(vec![0xff])), "c")
            .is_err());
        assert_eq!(
            dec(Kind::Bytes)
                .decode(Some(My::Bytes(vec![0, 255])), "c")
                .unwrap(),
            Value::Bytes(vec![0, 255])
        );
        assert_eq!(
            dec(Kind::Bytes).decode(None, "c").unwrap(),
            Value::Null(ValueType::Bytes)
        );
        assert_eq!(
            dec(Kind::Text).decode(None, "c").unwrap(),
            Value::Null(ValueType::Text)
        );
    }

    #[test]
    fn temporals() {
        let date = dec(Kind::Date);
        assert_eq!(
            date.decode(Some(My::Date(2024, 2, 9, 0, 0, 0, 0)), "c")
                .unwrap(),
            Value::Text("2024-02-09".into())
        );
        let dt = ColumnDecoder {
            kind: Kind::DateTime,
            decimals: 6,
        };
        assert_eq!(
            dt.decode(Some(My::Date(2024, 2, 9, 13, 4, 5, 120)), "c")
                .unwrap(),
            Value::Text("2024-02-09 13:04:05.000120".into())
        );
        let dt0 = dec(Kind::DateTime);
        assert_eq!(
            dt0.decode(Some(My::Date(2024, 2, 9, 13, 4, 5, 0)), "c")
                .unwrap(),
            Value::Text("2024-02-09 13:04:05".into())
        );
        let t = ColumnDecoder {
            kind: Kind::Time,
            decimals: 3,
        };
        assert_eq!(
            t.decode(Some(My::Time(true, 1, 2, 3, 4, 500_000)), "c")
                .unwrap(),
            Value::Text("-26:03:04.500".into())
        );
        let expr = ColumnDecoder {
            kind: Kind::DateTime,
            decimals: 39,
        };
        assert_eq!(
            expr.decode(Some(My::Date(2024, 1, 1, 0, 0, 0, 1)), "c")
                .unwrap(),
            Value::Text("2024-01-01 00:00:00.000001".into())
        );
        assert_eq!(
            t.decode(Some(My::Bytes(b"10:00:00.000".to_vec())), "c")
                .unwrap(),
            Value::Text("10:00:00.000".into())
        );
    }

    #[test]
    fn binding() {
        assert_eq!(bind(&Value::Null(ValueType::I64)).unwrap(), My::NULL);
        assert_eq!(bind(&Value::Bool(true)).unwrap(), My::Int(1));
        assert_eq!(bind(&Value::I16(-2)).unwrap(), My::Int(-2));
        assert_eq!(bind(&Value::F64(0.5)).unwrap(), My::Double(0.5));
        assert_eq!(
            bind(&Value::Text("a".into())).unwrap(),
            My::Bytes(b"a".to_vec())
        );
        assert_eq!(bind(&Value::Bytes(vec![1])).unwrap(), My::Bytes(vec![1]));
        assert!(matches!(bind_all(&[]).unwrap(), mysql_async::Params::Empty));
        assert!(matches!(
            bind_all(&[Value::I64(1)]).unwrap(),
            mysql_async::Params::Positional(v) if v == [My::Int(1)]
        ));
    }
}
