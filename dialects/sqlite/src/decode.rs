//! Decoding SQLite cells into quarry [`Value`]s, by the column's declared type.

use crate::error::error;
use quarry::value::{Date, Decimal, Time, Timestamp, Uuid};
use quarry::{Error, Result, Row, Value, ValueType};
use rusqlite::types::ValueRef;
use std::sync::Arc;

/// How the cells of a column are decoded, from its declared type.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    /// No declared type (an expression) or BLOB.
    Any,
    /// INTEGER affinity.
    Int,
    /// REAL affinity.
    Float,
    /// TEXT affinity.
    Text,
    /// BOOLEAN: integers 0 and 1 decode as booleans.
    Bool,
    /// DATE: ISO text decodes as a date.
    Date,
    /// TIME: ISO text decodes as a time.
    Time,
    /// TIMESTAMP / DATETIME: ISO text decodes as a timestamp.
    Timestamp,
    /// TIMESTAMPTZ / TIMESTAMP WITH TIME ZONE: ISO text with an offset decodes as an instant.
    TimestampTz,
    /// UUID: UUID text decodes as a UUID.
    Uuid,
    /// CHAR(36), quarry's UUID column: canonical (lower-case, hyphenated) UUID text decodes as a
    /// UUID, anything else stays text.
    Char36,
    /// JSON: text decodes as JSON.
    Json,
    /// NUMERIC / DECIMAL with a scale: numbers decode as decimals with that scale.
    Decimal(u16),
    /// NUMERIC / DECIMAL without a scale: numbers stay numbers.
    Numeric,
}

impl Kind {
    /// The kind of a column declared with `decl` (case-insensitive; SQLite affinity rules for
    /// the rest).
    pub(crate) fn of(decl: Option<&str>) -> Kind {
        let Some(decl) = decl else { return Kind::Any };
        let d = decl.trim().to_ascii_uppercase();
        let base = d.split('(').next().unwrap_or_default().trim();
        match base {
            "BOOLEAN" | "BOOL" => return Kind::Bool,
            "DATE" => return Kind::Date,
            "TIME" => return Kind::Time,
            "TIMESTAMP" | "DATETIME" => return Kind::Timestamp,
            "TIMESTAMPTZ" | "TIMESTAMP WITH TIME ZONE" => return Kind::TimestampTz,
            "UUID" => return Kind::Uuid,
            "JSON" => return Kind::Json,
            "CHAR" if d.replace(' ', "") == "CHAR(36)" => return Kind::Char36,
            "NUMERIC" | "DECIMAL" => {
                return match d
                    .split_once('(')
                    .map(|(_, args)| args.trim_end_matches(')'))
                {
                    Some(args) => {
                        let scale = args
                            .split(',')
                            .nth(1)
                            .map_or(Some(0), |s| s.trim().parse().ok());
                        scale.map_or(Kind::Numeric, Kind::Decimal)
                    }
                    None => Kind::Numeric,
                };
            }
            _ => {}
        }
        if d.contains("INT") {
            Kind::Int
        } else if d.contains("CHAR") || d.contains("CLOB") || d.contains("TEXT") {
            Kind::Text
        } else if d.contains("BLOB") || d.is_empty() {
            Kind::Any
        } else if d.contains("REAL") || d.contains("FLOA") || d.contains("DOUB") {
            Kind::Float
        } else {
            Kind::Numeric
        }
    }

    /// The type of a NULL in such a column.
    fn null_type(self) -> ValueType {
        match self {
            Kind::Any => ValueType::Bytes,
            Kind::Int => ValueType::I64,
            Kind::Float => ValueType::F64,
            Kind::Text | Kind::Char36 => ValueType::Text,
            Kind::Bool => ValueType::Bool,
            Kind::Date => ValueType::Date,
            Kind::Time => ValueType::Time,
            Kind::Timestamp => ValueType::Timestamp,
            Kind::TimestampTz => ValueType::TimestampTz,
            Kind::Uuid => ValueType::Uuid,
            Kind::Json => ValueType::Json,
            Kind::Decimal(_) | Kind::Numeric => ValueType::Decimal,
        }
    }
}

/// A result's column names (shared by its rows) and decoding kinds.
#[derive(Debug)]
pub(crate) struct Meta {
    columns: Arc<[String]>,
    kinds: Vec<Kind>,
}

impl Meta {
    pub(crate) fn build(stmt: &rusqlite::Statement<'_>) -> Meta {
        let mut names = Vec::with_capacity(stmt.column_count());
        let mut kinds = Vec::with_capacity(stmt.column_count());
        for c in stmt.columns() {
            names.push(c.name().to_owned());
            kinds.push(Kind::of(c.decl_type()));
        }
        Meta {
            columns: names.into(),
            kinds,
        }
    }
}

fn parse_tz(s: &str) -> Option<Timestamp> {
    if let Ok(t) = s.parse::<Timestamp>() {
        return Some(t);
    }
    // `…±HH:MM` (or `±HHMM`, `±HH`): shift to UTC.
    let i = s.rfind(['+', '-'])?;
    let (body, off) = s.split_at(i);
    if body.len() < 10 || !body.contains([' ', 'T']) {
        return None;
    }
    let sign: i64 = if off.starts_with('-') { -1 } else { 1 };
    let digits: String = off[1..].chars().filter(|c| *c != ':').collect();
    if !(digits.len() == 2 || digits.len() == 4) || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let h: i64 = digits[..2].parse().ok()?;
    let m: i64 = if digits.len() == 4 {
        digits[2..].parse().ok()?
    } else {
        0
    };
    if h > 23 || m > 59 {
        return None;
    }
    let local: Timestamp = body.parse().ok()?;
    Timestamp::from_micros_since_epoch(
        local.micros_since_epoch() - sign * (h * 60 + m) * 60_000_000,
    )
}

/// The decimal a stored float stands for, at the column's scale: the float's shortest
/// round-trip digits (what a decimal of at most 15 digits was stored as), padded to the scale,
/// or rounded to it when they go past it (not the float's exact binary expansion, which adds
/// digits nobody wrote).
fn decimal_from_f64(f: f64, scale: u16) -> Option<Decimal> {
    let scale = usize::from(scale);
    let shortest = Decimal::from_f64(f)?;
    if shortest.scale() > scale {
        format!("{f:.scale$}").parse().ok()
    } else {
        Some(shortest.with_scale(scale))
    }
}

fn decimal_from_i64(n: i64, scale: u16) -> Option<Decimal> {
    Some(Decimal::from(n).with_scale(usize::from(scale)))
}

/// Decodes one cell of a column of kind `kind`.
fn decode(v: ValueRef<'_>, kind: Kind, column: &str) -> Result<Value> {
    Ok(match v {
        ValueRef::Null => Value::Null(kind.null_type()),
        ValueRef::Integer(n) => match kind {
            Kind::Bool if n == 0 || n == 1 => Value::Bool(n == 1),
            Kind::Decimal(s) => decimal_from_i64(n, s).map_or(Value::I64(n), Value::Decimal),
            _ => Value::I64(n),
        },
        ValueRef::Real(f) => match kind {
            Kind::Decimal(s) => decimal_from_f64(f, s).map_or(Value::F64(f), Value::Decimal),
            _ => Value::F64(f),
        },
        ValueRef::Text(t) => {
            let s = std::str::from_utf8(t).map_err(|_| Error::Decode {
                column: column.to_owned(),
                message: "text is not valid UTF-8".into(),
            })?;
            let typed = match kind {
                Kind::Date => s.parse::<Date>().ok().map(Value::Date),
                Kind::Time => s.parse::<Time>().ok().map(Value::Time),
                Kind::Timestamp => s.parse::<Timestamp>().ok().map(Value::Timestamp),
                Kind::TimestampTz => parse_tz(s).map(Value::TimestampTz),
                Kind::Uuid => s.parse::<Uuid>().ok().map(Value::Uuid),
                Kind::Char36 => s
                    .parse::<Uuid>()
                    .ok()
                    .filter(|u| u.to_string() == s)
                    .map(Value::Uuid),
                Kind::Json => Some(Value::Json(s.to_owned())),
                Kind::Decimal(_) | Kind::Numeric => s.parse::<Decimal>().ok().map(Value::Decimal),
                _ => None,
            };
            typed.unwrap_or_else(|| Value::Text(s.to_owned()))
        }
        ValueRef::Blob(b) => Value::Bytes(b.to_vec()),
    })
}

/// Decodes the current row of `row` described by `meta`.
pub(crate) fn decode_row(row: &rusqlite::Row<'_>, meta: &Meta, sql: &str) -> Result<Row> {
    let mut values = Vec::with_capacity(meta.kinds.len());
    for (i, kind) in meta.kinds.iter().enumerate() {
        let v = row.get_ref(i).map_err(|e| error(e, Some(sql)))?;
        values.push(decode(v, *kind, &meta.columns[i])?);
    }
    Ok(Row::new(meta.columns.clone(), values))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_follow_declared_types() {
        assert_eq!(Kind::of(Some("BIGINT")), Kind::Int);
        assert_eq!(Kind::of(Some("VARCHAR(10)")), Kind::Text);
        assert_eq!(Kind::of(Some("DOUBLE")), Kind::Float);
        assert_eq!(Kind::of(Some("boolean")), Kind::Bool);
        assert_eq!(Kind::of(Some("NUMERIC(10, 2)")), Kind::Decimal(2));
        assert_eq!(Kind::of(Some("DECIMAL(7)")), Kind::Decimal(0));
        assert_eq!(Kind::of(Some("NUMERIC")), Kind::Numeric);
        assert_eq!(
            Kind::of(Some("TIMESTAMP WITH TIME ZONE")),
            Kind::TimestampTz
        );
        assert_eq!(Kind::of(Some("CHAR(36)")), Kind::Char36);
        assert_eq!(Kind::of(Some("CHAR(3)")), Kind::Text);
        assert_eq!(Kind::of(None), Kind::Any);
        assert_eq!(Kind::of(None).null_type(), ValueType::Bytes);
        assert_eq!(Kind::of(Some("DATE")).null_type(), ValueType::Date);
    }

    #[test]
    fn numbers_decode_with_the_declared_scale() {
        let dec = |v: Value| match v {
            Value::Decimal(d) => d.as_str().to_owned(),
            other => panic!("{other:?}"),
        };
        assert_eq!(
            dec(decode(ValueRef::Real(12.5), Kind::Decimal(2), "c").unwrap()),
            "12.50"
        );
        assert_eq!(
            dec(decode(ValueRef::Integer(-3), Kind::Decimal(2), "c").unwrap()),
            "-3.00"
        );
        // The float's shortest digits, not its binary expansion (-7974772705535.7304687500).
        assert_eq!(
            dec(decode(ValueRef::Real(-7974772705535.73), Kind::Decimal(10), "c").unwrap()),
            "-7974772705535.7300000000"
        );
        // Rounded at the scale when the float has more digits than it.
        assert_eq!(
            dec(decode(ValueRef::Real(0.1 + 0.2), Kind::Decimal(2), "c").unwrap()),
            "0.30"
        );
        assert_eq!(
            dec(decode(ValueRef::Integer(7), Kind::Decimal(0), "c").unwrap()),
            "7"
        );
        assert_eq!(
            decode(ValueRef::Integer(1), Kind::Bool, "c").unwrap(),
            Value::Bool(true)
        );
        assert_eq!(
            decode(ValueRef::Integer(2), Kind::Bool, "c").unwrap(),
            Value::I64(2)
        );
    }

    #[test]
    fn instants_with_offsets_decode_to_utc() {
        let want: Timestamp = "2024-01-01 10:00:00".parse().unwrap();
        assert_eq!(parse_tz("2024-01-01 10:00:00+00:00"), Some(want));
        assert_eq!(parse_tz("2024-01-01 12:00:00+02:00"), Some(want));
        assert_eq!(parse_tz("2024-01-01T05:30:00-0430"), Some(want));
        assert_eq!(parse_tz("2024-01-01 10:00:00Z"), Some(want));
        assert_eq!(parse_tz("yesterday"), None);
    }
}
