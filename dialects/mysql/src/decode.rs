//! Decoding result cells into quarry [`Value`]s, and the row decoders a connection keeps per
//! result shape.
//!
//! Cells are decoded by the column's type, flags and character set, not by the wire
//! representation, so the text protocol (every value as bytes) and the binary protocol decode
//! alike; the mapping is documented at the crate root.

use mysql_async::consts::{ColumnFlags, ColumnType};
use mysql_async::Value as My;
use quarry::value::{Date, Decimal, Time, Timestamp};
use quarry::{Error, Result, Row, Value, ValueType};
use std::sync::Arc;

/// The `binary` character set: byte strings rather than text.
const BINARY_CHARSET: u16 = 63;

/// How a column's cells decode.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Kind {
    Int,
    Bit,
    F32,
    F64,
    Decimal,
    Json,
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
            MYSQL_TYPE_DECIMAL | MYSQL_TYPE_NEWDECIMAL => Kind::Decimal,
            MYSQL_TYPE_DATE | MYSQL_TYPE_NEWDATE => Kind::Date,
            MYSQL_TYPE_DATETIME
            | MYSQL_TYPE_DATETIME2
            | MYSQL_TYPE_TIMESTAMP
            | MYSQL_TYPE_TIMESTAMP2 => Kind::DateTime,
            MYSQL_TYPE_TIME | MYSQL_TYPE_TIME2 => Kind::Time,
            // MySQL 8's JSON type (reported with the binary charset, yet it is text). MariaDB
            // reports JSON columns as LONGTEXT: they decode as text.
            MYSQL_TYPE_JSON => Kind::Json,
            MYSQL_TYPE_ENUM | MYSQL_TYPE_SET | MYSQL_TYPE_NULL => Kind::Text,
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
            Kind::Decimal => ValueType::Decimal,
            Kind::Json => ValueType::Json,
            Kind::Bytes => ValueType::Bytes,
            Kind::Text => ValueType::Text,
            Kind::Date => ValueType::Date,
            Kind::DateTime => ValueType::Timestamp,
            Kind::Time => ValueType::Time,
        }
    }
}

/// One column's decoding: its kind and fractional-second digits.
#[derive(Clone, Copy, Debug)]
struct ColumnDecoder {
    pub(crate) kind: Kind,
}

impl ColumnDecoder {
    /// The decoder of a result column.
    pub(crate) fn new(column: &mysql_async::Column) -> Self {
        ColumnDecoder {
            kind: Kind::of(column.column_type(), column.character_set(), column.flags()),
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
            (Kind::Decimal, My::Bytes(b)) => {
                let s = utf8(b, name)?;
                s.parse::<Decimal>()
                    .map(Value::Decimal)
                    .map_err(|_| err(format!("{s:?} is not a decimal")))
            }
            (Kind::Decimal, My::Int(i)) => i
                .to_string()
                .parse()
                .map(Value::Decimal)
                .map_err(|_| err(format!("{i} is not a decimal"))),
            (Kind::Decimal, My::UInt(u)) => u
                .to_string()
                .parse()
                .map(Value::Decimal)
                .map_err(|_| err(format!("{u} is not a decimal"))),
            (Kind::Json, My::Bytes(b)) => Ok(Value::Json(utf8(b, name)?)),
            (Kind::Bytes, My::Bytes(b)) => Ok(Value::Bytes(b)),
            (Kind::Date, My::Bytes(b)) => {
                let s = utf8(b, name)?;
                s.parse::<Date>()
                    .map(Value::Date)
                    .map_err(|_| err(format!("{s:?} is not a valid date")))
            }
            (Kind::DateTime, My::Bytes(b)) => {
                let s = utf8(b, name)?;
                s.parse::<Timestamp>()
                    .map(Value::Timestamp)
                    .map_err(|_| err(format!("{s:?} is not a valid date and time")))
            }
            (Kind::Time, My::Bytes(b)) => parse_time(&utf8(b, name)?).map(Value::Time).map_err(err),
            (Kind::Date, My::Date(y, mo, d, h, mi, s, us)) => {
                if (h, mi, s, us) != (0, 0, 0, 0) {
                    return Err(err(format!(
                        "a DATE cell with a time of day {h:02}:{mi:02}:{s:02}.{us:06}"
                    )));
                }
                date(y, mo, d).map(Value::Date).map_err(err)
            }
            (Kind::DateTime, My::Date(y, mo, d, h, mi, s, us)) => {
                let date = date(y, mo, d).map_err(err)?;
                let time = Time::new(h, mi, s, us).ok_or_else(|| {
                    err(format!(
                        "{h:02}:{mi:02}:{s:02}.{us:06} is not a valid time of day"
                    ))
                })?;
                Ok(Value::Timestamp(Timestamp::new(date, time)))
            }
            (Kind::Time, My::Time(neg, days, h, mi, s, us)) => time_of_day(neg, days, h, mi, s, us)
                .map(Value::Time)
                .map_err(err),
            (_, My::Bytes(b)) => Ok(Value::Text(utf8(b, name)?)),
            // Temporal values where text is expected (e.g. a string function over a date):
            // their text.
            (_, My::Date(y, mo, d, h, mi, s, us)) => Ok(Value::Text(format!(
                "{y:04}-{mo:02}-{d:02} {h:02}:{mi:02}:{s:02}.{us:06}"
            ))),
            (_, My::Time(neg, days, h, mi, s, us)) => {
                let hours = u64::from(days) * 24 + u64::from(h);
                let sign = if neg { "-" } else { "" };
                Ok(Value::Text(format!(
                    "{sign}{hours:02}:{mi:02}:{s:02}.{us:06}"
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

/// A calendar date from the driver's parts; the zero date `0000-00-00` (and any other date
/// MySQL accepts in non-strict modes but the calendar does not) is an error.
fn date(y: u16, m: u8, d: u8) -> std::result::Result<Date, String> {
    Date::new(i32::from(y), m, d)
        .ok_or_else(|| format!("{y:04}-{m:02}-{d:02} is not a valid calendar date"))
}

/// A TIME cell as a time of day: negative durations and durations of a day or more are
/// errors (MySQL's TIME also holds intervals of -838:59:59 to 838:59:59).
fn time_of_day(
    neg: bool,
    days: u32,
    h: u8,
    mi: u8,
    s: u8,
    us: u32,
) -> std::result::Result<Time, String> {
    let hours = u64::from(days) * 24 + u64::from(h);
    let sign = if neg { "-" } else { "" };
    let shown = format!("{sign}{hours:02}:{mi:02}:{s:02}.{us:06}");
    if neg && (hours, mi, s, us) != (0, 0, 0, 0) {
        return Err(format!(
            "TIME value {shown} is negative: not a time of day (read it as text, e.g. CAST(col AS CHAR))"
        ));
    }
    if hours >= 24 {
        return Err(format!(
            "TIME value {shown} is a day or more: not a time of day (read it as text, e.g. CAST(col AS CHAR))"
        ));
    }
    // hours < 24 here, so the cast is exact.
    Time::new(hours as u8, mi, s, us).ok_or_else(|| format!("{shown} is not a valid time of day"))
}

/// Parses the text protocol's `[-]H+:MM:SS[.ffffff]` into a time of day (see [`time_of_day`]).
fn parse_time(s: &str) -> std::result::Result<Time, String> {
    let bad = || format!("{s:?} is not a valid TIME value");
    let (neg, body) = match s.strip_prefix('-') {
        Some(b) => (true, b),
        None => (false, s),
    };
    let (hms, frac) = match body.split_once('.') {
        Some((a, f)) => (a, f),
        None => (body, ""),
    };
    let mut parts = hms.split(':');
    let (Some(h), Some(m), Some(sec), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(bad());
    };
    let digits = |p: &str| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit());
    if !digits(h) || m.len() != 2 || sec.len() != 2 || !digits(m) || !digits(sec) || h.len() > 4 {
        return Err(bad());
    }
    if !frac.is_empty() && (frac.len() > 6 || !digits(frac)) {
        return Err(bad());
    }
    let hours: u32 = h.parse().map_err(|_| bad())?;
    let minutes: u8 = m.parse().map_err(|_| bad())?;
    let seconds: u8 = sec.parse().map_err(|_| bad())?;
    let micros: u32 = if frac.is_empty() {
        0
    } else {
        format!("{frac:0<6}").parse().map_err(|_| bad())?
    };
    if minutes >= 60 || seconds >= 60 {
        return Err(bad());
    }
    time_of_day(
        neg,
        hours / 24,
        (hours % 24) as u8,
        minutes,
        seconds,
        micros,
    )
}

fn utf8(b: Vec<u8>, name: &str) -> Result<String> {
    String::from_utf8(b).map_err(|e| Error::Decode {
        column: name.to_owned(),
        message: format!("invalid UTF-8 in a text column: {e}"),
    })
}

/// Decodes the rows of one result set: column names shared by every row, one decoder per
/// column. Cloning it is cheap (two reference counts).
#[derive(Clone, Debug)]
pub(crate) struct RowDecoder {
    names: Arc<[String]>,
    decoders: Arc<[ColumnDecoder]>,
}

impl RowDecoder {
    /// The decoder for rows with these columns.
    pub(crate) fn new(columns: &[mysql_async::Column]) -> Self {
        RowDecoder {
            names: columns
                .iter()
                .map(|c| c.name_str().into_owned())
                .collect::<Vec<_>>()
                .into(),
            decoders: columns.iter().map(ColumnDecoder::new).collect(),
        }
    }

    /// Decodes one driver row.
    pub(crate) fn decode(&self, row: mysql_async::Row) -> Result<Row> {
        let cells = row.unwrap_raw();
        if cells.len() != self.decoders.len() {
            return Err(Error::Decode {
                column: String::new(),
                message: format!(
                    "row has {} cells for {} columns",
                    cells.len(),
                    self.decoders.len()
                ),
            });
        }
        let mut values = Vec::with_capacity(cells.len());
        for ((cell, d), name) in cells
            .into_iter()
            .zip(self.decoders.iter())
            .zip(self.names.iter())
        {
            values.push(d.decode(cell, name)?);
        }
        Ok(Row::new(self.names.clone(), values))
    }
}

/// How many result shapes a connection remembers.
const DECODER_CACHE_SIZE: usize = 16;

/// The row decoders of a connection's recent result shapes, so that running a statement again
/// does not rebuild its column names. On MariaDB (which caches result metadata per prepared
/// statement) the driver hands back the very same column list, found by pointer; otherwise
/// the most recent shape is compared by content.
#[derive(Debug, Default)]
pub(crate) struct DecoderCache {
    /// Most recently used last.
    entries: Vec<(Arc<[mysql_async::Column]>, RowDecoder)>,
}

impl DecoderCache {
    /// The decoder for `columns`, built and remembered when new (borrowed: nothing is cloned
    /// when the shape is the most recent one, the common case of a statement run again).
    pub(crate) fn get(&mut self, columns: &Arc<[mysql_async::Column]>) -> &RowDecoder {
        let hit = self
            .entries
            .iter()
            .rposition(|(c, _)| Arc::ptr_eq(c, columns))
            .or_else(|| {
                self.entries
                    .last()
                    .filter(|(c, _)| **c == **columns)
                    .map(|_| self.entries.len() - 1)
            });
        match hit {
            Some(i) if i + 1 == self.entries.len() => {}
            Some(i) => {
                let entry = self.entries.remove(i);
                self.entries.push(entry);
            }
            None => {
                if self.entries.len() == DECODER_CACHE_SIZE {
                    self.entries.remove(0);
                }
                self.entries
                    .push((columns.clone(), RowDecoder::new(columns)));
            }
        }
        let (_, decoder) = &self.entries[self.entries.len() - 1];
        decoder
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bind::bind;

    fn dec(kind: Kind) -> ColumnDecoder {
        ColumnDecoder { kind }
    }

    fn ok(kind: Kind, v: My) -> Value {
        dec(kind).decode(Some(v), "c").unwrap()
    }

    fn decode_err(kind: Kind, v: My) -> Error {
        dec(kind).decode(Some(v), "col_x").unwrap_err()
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
        assert_eq!(Kind::of(MYSQL_TYPE_JSON, 63, none), Kind::Json);
        // MariaDB's UUID: a utf8mb4 STRING with the binary flag.
        let uuid_flags = ColumnFlags::UNSIGNED_FLAG | ColumnFlags::BINARY_FLAG;
        assert_eq!(Kind::of(MYSQL_TYPE_STRING, 45, uuid_flags), Kind::Text);
        assert_eq!(
            Kind::of(MYSQL_TYPE_STRING, 63, ColumnFlags::ENUM_FLAG),
            Kind::Text
        );
        assert_eq!(Kind::of(MYSQL_TYPE_NEWDECIMAL, 63, none), Kind::Decimal);
        assert_eq!(Kind::of(MYSQL_TYPE_DECIMAL, 63, none), Kind::Decimal);
        assert_eq!(Kind::of(MYSQL_TYPE_FLOAT, 63, none), Kind::F32);
        assert_eq!(Kind::of(MYSQL_TYPE_DATETIME2, 63, none), Kind::DateTime);
        assert_eq!(Kind::of(MYSQL_TYPE_TIMESTAMP, 63, none), Kind::DateTime);
        assert_eq!(Kind::of(MYSQL_TYPE_DATE, 63, none), Kind::Date);
        assert_eq!(Kind::of(MYSQL_TYPE_TIME, 63, none), Kind::Time);
    }

    #[test]
    fn nulls_keep_their_type() {
        for (kind, ty) in [
            (Kind::Int, ValueType::I64),
            (Kind::Decimal, ValueType::Decimal),
            (Kind::Json, ValueType::Json),
            (Kind::Date, ValueType::Date),
            (Kind::DateTime, ValueType::Timestamp),
            (Kind::Time, ValueType::Time),
            (Kind::Bytes, ValueType::Bytes),
            (Kind::Text, ValueType::Text),
        ] {
            assert_eq!(dec(kind).decode(None, "c").unwrap(), Value::Null(ty));
            assert_eq!(
                dec(kind).decode(Some(My::NULL), "c").unwrap(),
                Value::Null(ty)
            );
        }
    }

    #[test]
    fn integers() {
        assert_eq!(ok(Kind::Int, My::Int(-5)), Value::I64(-5));
        assert_eq!(ok(Kind::Int, My::UInt(5)), Value::I64(5));
        assert_eq!(ok(Kind::Int, My::Bytes(b"42".to_vec())), Value::I64(42));
        assert_eq!(ok(Kind::Int, My::Int(i64::MIN)), Value::I64(i64::MIN));
        let e = decode_err(Kind::Int, My::UInt(u64::MAX));
        assert_eq!(e.kind(), quarry::ErrorKind::Decode);
        assert!(e.to_string().contains("col_x"));
        decode_err(Kind::Int, My::Bytes(u64::MAX.to_string().into_bytes()));
        assert_eq!(ok(Kind::Bit, My::Bytes(vec![1, 2])), Value::I64(258));
    }

    #[test]
    fn floats_text_bytes() {
        assert_eq!(ok(Kind::F32, My::Float(1.5)), Value::F32(1.5));
        assert_eq!(ok(Kind::F64, My::Bytes(b"2.25".to_vec())), Value::F64(2.25));
        assert_eq!(
            ok(Kind::Text, My::Bytes("é😀".as_bytes().to_vec())),
            Value::Text("é😀".into())
        );
        decode_err(Kind::Text, My::Bytes(vec![0xff]));
        assert_eq!(
            ok(Kind::Bytes, My::Bytes(vec![0, 255])),
            Value::Bytes(vec![0, 255])
        );
        assert_eq!(ok(Kind::Text, My::Int(7)), Value::Text("7".into()));
    }

    #[test]
    fn decimals_and_json() {
        let big = "12345678901234567890.1234567890";
        assert_eq!(
            ok(Kind::Decimal, My::Bytes(big.as_bytes().to_vec())),
            Value::Decimal(big.parse().unwrap())
        );
        assert_eq!(
            ok(Kind::Decimal, My::Bytes(b"-0.50".to_vec())),
            Value::Decimal("-0.50".parse().unwrap())
        );
        assert_eq!(
            ok(Kind::Decimal, My::Int(3)),
            Value::Decimal("3".parse().unwrap())
        );
        let e = decode_err(Kind::Decimal, My::Bytes(b"abc".to_vec()));
        assert!(e.to_string().contains("col_x"), "{e}");
        assert_eq!(
            ok(Kind::Json, My::Bytes(br#"{"a": 1}"#.to_vec())),
            Value::Json(r#"{"a": 1}"#.into())
        );
    }

    #[test]
    fn dates_and_timestamps() {
        let d = |s: &str| s.parse::<Date>().unwrap();
        let ts = |s: &str| s.parse::<Timestamp>().unwrap();
        assert_eq!(
            ok(Kind::Date, My::Date(1000, 1, 1, 0, 0, 0, 0)),
            Value::Date(d("1000-01-01"))
        );
        assert_eq!(
            ok(Kind::Date, My::Date(9999, 12, 31, 0, 0, 0, 0)),
            Value::Date(d("9999-12-31"))
        );
        assert_eq!(
            ok(Kind::Date, My::Bytes(b"2024-02-29".to_vec())),
            Value::Date(d("2024-02-29"))
        );
        let e = decode_err(Kind::Date, My::Date(0, 0, 0, 0, 0, 0, 0));
        assert!(
            e.to_string().contains("col_x") && e.to_string().contains("0000-00-00"),
            "{e}"
        );
        decode_err(Kind::Date, My::Bytes(b"0000-00-00".to_vec()));
        assert_eq!(
            ok(Kind::DateTime, My::Date(2024, 2, 9, 13, 4, 5, 120)),
            Value::Timestamp(ts("2024-02-09 13:04:05.000120"))
        );
        // The binary protocol omits a zero time of day.
        assert_eq!(
            ok(Kind::DateTime, My::Date(2020, 1, 2, 0, 0, 0, 0)),
            Value::Timestamp(ts("2020-01-02 00:00:00"))
        );
        assert_eq!(
            ok(
                Kind::DateTime,
                My::Bytes(b"9999-12-31 23:59:59.999999".to_vec())
            ),
            Value::Timestamp(ts("9999-12-31 23:59:59.999999"))
        );
        decode_err(Kind::DateTime, My::Date(2024, 2, 30, 0, 0, 0, 0));
    }

    #[test]
    fn times_of_day() {
        let t = |s: &str| s.parse::<Time>().unwrap();
        assert_eq!(
            ok(Kind::Time, My::Time(false, 0, 23, 59, 59, 999_999)),
            Value::Time(t("23:59:59.999999"))
        );
        assert_eq!(
            ok(Kind::Time, My::Time(true, 0, 0, 0, 0, 0)),
            Value::Time(t("00:00:00"))
        );
        assert_eq!(
            ok(Kind::Time, My::Bytes(b"10:00:00.5".to_vec())),
            Value::Time(t("10:00:00.5"))
        );
        assert_eq!(
            ok(Kind::Time, My::Bytes(b"07:08:09".to_vec())),
            Value::Time(t("07:08:09"))
        );
        for (v, what) in [
            (My::Time(true, 0, 10, 0, 0, 0), "negative"),
            (My::Time(false, 1, 0, 0, 0, 0), "a day or more"),
            (My::Time(false, 0, 24, 0, 0, 0), "a day or more"),
            (My::Bytes(b"-10:00:00".to_vec()), "negative"),
            (My::Bytes(b"838:59:59".to_vec()), "a day or more"),
        ] {
            let e = decode_err(Kind::Time, v);
            assert_eq!(e.kind(), quarry::ErrorKind::Decode);
            let msg = e.to_string();
            assert!(msg.contains("col_x") && msg.contains(what), "{msg}");
        }
        decode_err(Kind::Time, My::Bytes(b"10:0:00".to_vec()));
        decode_err(Kind::Time, My::Bytes(b"x".to_vec()));
    }

    fn column(name: &str, ty: ColumnType) -> mysql_async::Column {
        mysql_async::Column::new(ty).with_name(name.as_bytes())
    }

    #[test]
    fn rows_share_names() {
        let cols = [
            column("a", ColumnType::MYSQL_TYPE_LONGLONG),
            column("b", ColumnType::MYSQL_TYPE_VAR_STRING),
        ];
        let dec = RowDecoder::new(&cols);
        let row = mysql_common::row::new_row(
            vec![My::Int(1), My::Bytes(b"x".to_vec())],
            cols.to_vec().into(),
        );
        let decoded = dec.decode(row).unwrap();
        assert_eq!(decoded.columns(), ["a", "b"]);
        assert_eq!(
            decoded.into_values(),
            [Value::I64(1), Value::Text("x".into())]
        );
        let bad = mysql_common::row::new_row(
            vec![My::Bytes(b"x".to_vec()), My::Int(1)],
            cols.to_vec().into(),
        );
        let e = dec.decode(bad).unwrap_err();
        assert!(e.to_string().contains("column a"), "{e}");
    }

    #[test]
    fn decoder_cache_reuses_names() {
        let mut cache = DecoderCache::default();
        let a: Arc<[mysql_async::Column]> =
            vec![column("a", ColumnType::MYSQL_TYPE_LONGLONG)].into();
        let first = cache.get(&a).clone();
        // Same list (MariaDB's cached metadata): same names.
        assert!(Arc::ptr_eq(&first.names, &cache.get(&a).names));
        // An equal list read again from the wire: same names too.
        let again: Arc<[mysql_async::Column]> = a.to_vec().into();
        assert!(Arc::ptr_eq(&first.names, &cache.get(&again).names));
        // Another shape: its own decoder; the cache stays bounded.
        for i in 0..40 {
            let other: Arc<[mysql_async::Column]> =
                vec![column(&format!("c{i}"), ColumnType::MYSQL_TYPE_BLOB)].into();
            assert_eq!(&*cache.get(&other).names, [format!("c{i}")]);
        }
        assert_eq!(cache.entries.len(), DECODER_CACHE_SIZE);
    }

    #[test]
    fn bound_values_decode_back() {
        // What the binary protocol sends back for a bound value decodes to the same value.
        let d: Date = "2024-02-29".parse().unwrap();
        assert_eq!(
            ok(Kind::Date, bind(&Value::Date(d)).unwrap()),
            Value::Date(d)
        );
        let ts: Timestamp = "2001-02-03 04:05:06.000007".parse().unwrap();
        assert_eq!(
            ok(Kind::DateTime, bind(&Value::Timestamp(ts)).unwrap()),
            Value::Timestamp(ts)
        );
        let t: Time = "23:59:59.999999".parse().unwrap();
        assert_eq!(
            ok(Kind::Time, bind(&Value::Time(t)).unwrap()),
            Value::Time(t)
        );
        let dd: Decimal = "0.000000001".parse().unwrap();
        assert_eq!(
            ok(Kind::Decimal, bind(&Value::Decimal(dd.clone())).unwrap()),
            Value::Decimal(dd)
        );
    }
}
