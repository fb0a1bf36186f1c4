//! Decoding rows into Rust types through serde: tuples, `Deserialize` structs, single values.

use super::Row;
use crate::error::{Error, Result};
use crate::value::Value;
use serde::de::{self, DeserializeOwned, IntoDeserializer, Visitor};
use std::fmt;

/// A type a [`Row`] decodes into: any `serde::Deserialize` type. Structs match columns by name
/// (`#[serde(rename)]`, `default` and `Option` fields work as usual); tuples take columns in
/// order; a single value takes a one-column row. NULL into a non-`Option` field is a decode
/// error naming the column. Each cell decodes by the contract of [`crate::FromValue`]: dates,
/// times and instants into quarry's, chrono's or the time crate's types, JSON as a document,
/// the same on every backend.
///
/// A typed select decodes into a struct the same way (`select((o.id, o.total))
/// .fetch_all_as::<OrderRow>(&engine)`, fields matched by column name or `.label(…)`). quarry
/// has no derive macro for rows: serde's derive is one users already compile, where a
/// `FromRow` derive would be a proc-macro crate of our own (DESIGN.md: serde over
/// proc-macros); the cost is that a field no column fills is found when the row decodes,
/// not when the program compiles.
///
/// ```
/// use quarry::{FromRow, Row, Value};
/// #[derive(serde::Deserialize, Debug, PartialEq)]
/// struct User { id: i64, name: String, nick: Option<String> }
///
/// let row = Row::new(vec!["id".to_string(), "name".into(), "nick".into()].into(),
///     vec![Value::I64(1), Value::Text("ann".into()), Value::Null(quarry::ValueType::Text)]);
/// assert_eq!(User::from_row(&row).unwrap(), User { id: 1, name: "ann".into(), nick: None });
/// let (id, name, nick): (i64, String, Option<String>) = FromRow::from_row(&row).unwrap();
/// assert_eq!((id, name.as_str(), nick), (1, "ann", None));
/// ```
pub trait FromRow: Sized {
    /// Decodes `row`.
    fn from_row(row: &Row) -> Result<Self>;

    /// Decodes `row`, taking its values: text and bytes move into the result rather than
    /// being copied (what the `fetch_*_as` methods use).
    ///
    /// ```
    /// use quarry::{FromRow, Row, Value};
    /// let row = Row::new(vec!["id".to_string(), "name".to_string()].into(),
    ///     vec![Value::I64(1), Value::Text("ann".into())]);
    /// let (id, name): (i64, String) = FromRow::from_owned_row(row).unwrap();
    /// assert_eq!((id, name.as_str()), (1, "ann"));
    /// ```
    fn from_owned_row(row: Row) -> Result<Self> {
        Self::from_row(&row)
    }
}

impl<T: DeserializeOwned> FromRow for T {
    fn from_row(row: &Row) -> Result<Self> {
        T::deserialize(RowDe {
            columns: row.columns(),
            values: Cells::Borrowed(row.values()),
        })
    }

    fn from_owned_row(row: Row) -> Result<Self> {
        let (columns, values) = row.into_parts();
        T::deserialize(RowDe {
            columns: &columns,
            values: Cells::Owned(values.into_iter()),
        })
    }
}

/// A row's values, read in order: borrowed (each one copied) or owned (each one moved).
enum Cells<'r> {
    Borrowed(&'r [Value]),
    Owned(std::vec::IntoIter<Value>),
}

impl Cells<'_> {
    fn len(&self) -> usize {
        match self {
            Cells::Borrowed(v) => v.len(),
            Cells::Owned(it) => it.len(),
        }
    }

    /// The next value (the first of what is left).
    fn next_value(&mut self) -> Option<Value> {
        match self {
            Cells::Borrowed(v) => {
                let (first, rest) = v.split_first()?;
                *v = rest;
                Some(first.clone())
            }
            Cells::Owned(it) => it.next(),
        }
    }
}

impl de::Error for Error {
    fn custom<T: fmt::Display>(msg: T) -> Self {
        Error::Decode {
            column: String::new(),
            message: msg.to_string(),
        }
    }
}

/// Puts the column's name into a decode error that lacks one.
fn in_column(e: Error, column: &str) -> Error {
    match e {
        Error::Decode { column: c, message } if c.is_empty() => Error::Decode {
            column: column.to_owned(),
            message,
        },
        other => other,
    }
}

struct RowDe<'r> {
    columns: &'r [String],
    values: Cells<'r>,
}

impl<'r> RowDe<'r> {
    fn len(&self) -> usize {
        self.values.len()
    }

    fn single(mut self) -> Result<ValueDe<'r>> {
        let n = self.len();
        match (n, self.values.next_value()) {
            (1, Some(value)) => Ok(ValueDe {
                value,
                column: self.columns.first().map_or("?", String::as_str),
            }),
            _ => Err(Error::Decode {
                column: String::new(),
                message: format!("a single value needs a one-column row, this one has {n} columns"),
            }),
        }
    }

    /// The cells in order, each with its column's name.
    fn walk(self) -> Walk<'r> {
        Walk {
            columns: self.columns,
            values: self.values,
            next: 0,
        }
    }
}

macro_rules! single_value {
    ($($method:ident),*) => {$(
        fn $method<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
            let v = self.single()?;
            let column = v.column;
            v.$method(visitor).map_err(|e| in_column(e, column))
        }
    )*};
}

impl<'de> de::Deserializer<'de> for RowDe<'_> {
    type Error = Error;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        self.deserialize_map(visitor)
    }

    fn deserialize_map<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        visitor.visit_map(self.walk())
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value> {
        self.deserialize_map(visitor)
    }

    fn deserialize_seq<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        visitor.visit_seq(self.walk())
    }

    fn deserialize_tuple<V: Visitor<'de>>(self, len: usize, visitor: V) -> Result<V::Value> {
        if len != self.len() {
            return Err(Error::Decode {
                column: String::new(),
                message: format!(
                    "a tuple of {len} needs as many columns, the row has {}",
                    self.len()
                ),
            });
        }
        self.deserialize_seq(visitor)
    }

    fn deserialize_tuple_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        len: usize,
        visitor: V,
    ) -> Result<V::Value> {
        self.deserialize_tuple(len, visitor)
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value> {
        visitor.visit_newtype_struct(self)
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        name: &'static str,
        variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value> {
        let v = self.single()?;
        let column = v.column;
        v.deserialize_enum(name, variants, visitor)
            .map_err(|e| in_column(e, column))
    }

    single_value!(
        deserialize_bool,
        deserialize_i8,
        deserialize_i16,
        deserialize_i32,
        deserialize_i64,
        deserialize_u8,
        deserialize_u16,
        deserialize_u32,
        deserialize_u64,
        deserialize_f32,
        deserialize_f64,
        deserialize_char,
        deserialize_str,
        deserialize_string,
        deserialize_bytes,
        deserialize_byte_buf,
        deserialize_option,
        deserialize_unit,
        deserialize_identifier,
        deserialize_ignored_any
    );

    fn deserialize_unit_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value> {
        visitor.visit_unit()
    }
}

/// A row's cells in order: as a map (column name, value) or as a sequence of values.
struct Walk<'r> {
    columns: &'r [String],
    values: Cells<'r>,
    next: usize,
}

impl<'r> Walk<'r> {
    /// The next cell, named.
    fn cell(&mut self) -> Option<ValueDe<'r>> {
        let value = self.values.next_value()?;
        let column = self.columns.get(self.next).map_or("?", String::as_str);
        self.next += 1;
        Some(ValueDe { value, column })
    }
}

impl<'de> de::MapAccess<'de> for Walk<'_> {
    type Error = Error;

    fn next_key_seed<K: de::DeserializeSeed<'de>>(&mut self, seed: K) -> Result<Option<K::Value>> {
        if self.values.len() == 0 {
            return Ok(None);
        }
        let name = self.columns.get(self.next).map_or("?", String::as_str);
        seed.deserialize(name.into_deserializer()).map(Some)
    }

    fn next_value_seed<V: de::DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value> {
        let Some(cell) = self.cell() else {
            return Err(<Error as de::Error>::custom(
                "a value asked for past the row's end",
            ));
        };
        let column = cell.column;
        seed.deserialize(cell).map_err(|e| in_column(e, column))
    }
}

impl<'de> de::SeqAccess<'de> for Walk<'_> {
    type Error = Error;

    fn next_element_seed<T: de::DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>> {
        let Some(cell) = self.cell() else {
            return Ok(None);
        };
        let column = cell.column;
        seed.deserialize(cell)
            .map(Some)
            .map_err(|e| in_column(e, column))
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.values.len())
    }
}

/// Deserializes one cell.
struct ValueDe<'c> {
    value: Value,
    column: &'c str,
}

impl ValueDe<'_> {
    fn mismatch(&self, want: &str) -> Error {
        Error::Decode {
            column: self.column.to_owned(),
            message: crate::value::mismatch_message(want, &self.value),
        }
    }
}

/// Numbers and chars: NULL is a decode error naming the column, anything else goes to the
/// visitor (which checks ranges).
macro_rules! not_null {
    ($($method:ident $want:literal),* $(,)?) => {$(
        fn $method<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
            if self.value.is_null() {
                return Err(self.mismatch($want));
            }
            self.deserialize_any(visitor)
        }
    )*};
}

impl<'de> de::Deserializer<'de> for ValueDe<'_> {
    type Error = Error;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        // Only a temporal value or text can need the field's type (see `Want`).
        let want = match &self.value {
            Value::Date(_) | Value::Time(_) | Value::Timestamp(_) | Value::TimestampTz(_) => {
                wants(&visitor)
            }
            #[cfg(feature = "serde_json-1")]
            Value::Text(_) => wants(&visitor),
            _ => Want::Other,
        };
        match (&self.value, want) {
            (
                Value::Date(_) | Value::Time(_) | Value::Timestamp(_) | Value::TimestampTz(_),
                Want::Parts(n),
            ) => {
                if let Some(parts) = temporal_parts(&self.value, n) {
                    return visit_parts(parts, visitor);
                }
            }
            // JSON stored as text (SQLite, MariaDB) into a `serde_json::Value`: the document,
            // as `FromValue` reads it; text that is not JSON stays a JSON string.
            #[cfg(feature = "serde_json-1")]
            (Value::Text(s), Want::Json) => {
                if let Ok(v) = serde_json::from_str::<serde_json::Value>(s) {
                    return de::Deserializer::deserialize_any(v, visitor)
                        .map_err(<Error as de::Error>::custom);
                }
            }
            _ => {}
        }
        match self.value {
            Value::Null(_) => visitor.visit_unit(),
            Value::Bool(b) => visitor.visit_bool(b),
            Value::I16(v) => visitor.visit_i64(v.into()),
            Value::I32(v) => visitor.visit_i64(v.into()),
            Value::I64(v) => visitor.visit_i64(v),
            Value::F32(v) => visitor.visit_f32(v),
            Value::F64(v) => visitor.visit_f64(v),
            Value::Text(s) => visitor.visit_string(s),
            Value::Bytes(b) => visitor.visit_byte_buf(b),
            #[cfg(feature = "serde_json-1")]
            Value::Json(s) => {
                let v: serde_json::Value =
                    serde_json::from_str(&s).map_err(<Error as de::Error>::custom)?;
                de::Deserializer::deserialize_any(v, visitor).map_err(<Error as de::Error>::custom)
            }
            other => match other.to_text() {
                Some(t) => visitor.visit_string(t),
                None => Err(<Error as de::Error>::custom(format!(
                    "unsupported value {other:?}"
                ))),
            },
        }
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        if self.value.is_null() {
            visitor.visit_none()
        } else {
            visitor.visit_some(self)
        }
    }

    fn deserialize_unit<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        if self.value.is_null() {
            visitor.visit_unit()
        } else {
            Err(self.mismatch("()"))
        }
    }

    fn deserialize_bool<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        match &self.value {
            Value::Bool(b) => visitor.visit_bool(*b),
            v => match v.as_i64() {
                Some(0) => visitor.visit_bool(false),
                Some(1) => visitor.visit_bool(true),
                _ => Err(self.mismatch("bool")),
            },
        }
    }

    fn deserialize_f64<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        match &self.value {
            Value::F64(v) => visitor.visit_f64(*v),
            Value::F32(v) => visitor.visit_f64(f64::from(*v)),
            Value::Decimal(d) => match d.as_str().parse::<f64>() {
                Ok(v) => visitor.visit_f64(v),
                Err(_) => Err(self.mismatch("f64")),
            },
            v => match v.as_i64() {
                Some(n) => visitor.visit_f64(n as f64),
                None => Err(self.mismatch("f64")),
            },
        }
    }

    fn deserialize_f32<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        match &self.value {
            Value::F32(v) => visitor.visit_f32(*v),
            _ => self.deserialize_f64(visitor),
        }
    }

    fn deserialize_string<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        match self.value {
            Value::Text(s) | Value::Json(s) => visitor.visit_string(s),
            ref other => match other.to_text() {
                Some(t) => visitor.visit_string(t),
                None => Err(self.mismatch("string")),
            },
        }
    }

    /// Dates, times and timestamps in RFC 3339 form (`2024-02-29T13:45:07.25`, with `Z` for
    /// an instant), which chrono's, quarry's and most other `Deserialize` impls parse; the
    /// rest as [`deserialize_string`](Self::deserialize_string).
    fn deserialize_str<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        let (ts, tz) = match &self.value {
            Value::Timestamp(ts) => (ts, false),
            Value::TimestampTz(ts) => (ts, true),
            _ => return self.deserialize_string(visitor),
        };
        // A naive timestamp into an instant is read as UTC, as `FromValue` does.
        let z = match wants(&visitor) {
            Want::Instant => "Z",
            Want::NaiveDateTime => "",
            _ if tz => "Z",
            _ => "",
        };
        visitor.visit_string(format!("{}T{}{z}", ts.date, ts.time))
    }

    /// Bytes as a sequence of `u8` (what `Vec<u8>`'s `Deserialize` asks for).
    fn deserialize_seq<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        match self.value {
            Value::Bytes(b) => {
                visitor.visit_seq(de::value::SeqDeserializer::<_, Error>::new(b.into_iter()))
            }
            _ => self.deserialize_any(visitor),
        }
    }

    /// A date, time or timestamp as the time crate's compact tuple (`len` 2, 4, 6 or 9).
    fn deserialize_tuple<V: Visitor<'de>>(self, len: usize, visitor: V) -> Result<V::Value> {
        match temporal_parts(&self.value, len) {
            Some(parts) => visit_parts(parts, visitor),
            None => self.deserialize_any(visitor),
        }
    }

    fn deserialize_byte_buf<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        match self.value {
            Value::Bytes(b) => visitor.visit_byte_buf(b),
            Value::Text(s) => visitor.visit_byte_buf(s.into_bytes()),
            _ => Err(self.mismatch("bytes")),
        }
    }

    fn deserialize_bytes<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        self.deserialize_byte_buf(visitor)
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value> {
        visitor.visit_newtype_struct(self)
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        name: &'static str,
        variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value> {
        match self.value {
            Value::Text(s) => s
                .into_deserializer()
                .deserialize_enum(name, variants, visitor)
                .map_err(|e: de::value::Error| <Error as de::Error>::custom(e)),
            _ => Err(self.mismatch("an enum (text)")),
        }
    }

    not_null!(
        deserialize_i8 "i8", deserialize_i16 "i16", deserialize_i32 "i32",
        deserialize_i64 "i64", deserialize_i128 "i128", deserialize_u8 "u8",
        deserialize_u16 "u16", deserialize_u32 "u32", deserialize_u64 "u64",
        deserialize_u128 "u128", deserialize_char "char"
    );

    serde::forward_to_deserialize_any! {
        unit_struct tuple_struct map struct identifier ignored_any
    }
}

/// What a field's `Deserialize` asks for, where a cell's value alone leaves it open: a
/// MariaDB `DATETIME` holding an instant, a timestamp for the time crate, JSON stored as text
/// (SQLite, MariaDB). serde does not tell a deserializer the field's type; its visitor's
/// `expecting` text names it, and these are the visitors of the types quarry converts (chrono
/// 0.4, time 0.3, serde_json 1). The decoding matrix (`tests/live_decode_matrix.rs`) checks
/// each of them on every backend.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Want {
    /// chrono's `DateTime`: an RFC 3339 string with an offset.
    Instant,
    /// chrono's `NaiveDateTime`: no offset.
    NaiveDateTime,
    /// A time-crate value, as its `n` components (its serde form).
    Parts(usize),
    /// serde_json's `Value`: a JSON document.
    Json,
    /// Anything else.
    Other,
}

fn wants<'de, V: Visitor<'de>>(visitor: &V) -> Want {
    struct Expecting<'a, V>(&'a V);
    impl<'de, V: Visitor<'de>> fmt::Display for Expecting<'_, V> {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            self.0.expecting(f)
        }
    }
    /// The text, on the stack: every text matched below is shorter; a longer one is `Other`.
    struct Short {
        bytes: [u8; 48],
        len: usize,
    }
    impl fmt::Write for Short {
        fn write_str(&mut self, s: &str) -> fmt::Result {
            let end = self.len + s.len();
            let slot = self.bytes.get_mut(self.len..end).ok_or(fmt::Error)?;
            slot.copy_from_slice(s.as_bytes());
            self.len = end;
            Ok(())
        }
    }
    let mut text = Short {
        bytes: [0; 48],
        len: 0,
    };
    if fmt::Write::write_fmt(&mut text, format_args!("{}", Expecting(visitor))).is_err() {
        return Want::Other;
    }
    match std::str::from_utf8(&text.bytes[..text.len]).unwrap_or_default() {
        "an RFC 3339 formatted date and time string" => Want::Instant,
        "a formatted date and time string" => Want::NaiveDateTime,
        "a `Date`" => Want::Parts(2),
        "a `Time`" => Want::Parts(4),
        "a `PrimitiveDateTime`" | "a `PlainDateTime`" | "a `UtcDateTime`" => Want::Parts(6),
        "an `OffsetDateTime`" => Want::Parts(9),
        "any valid JSON value" => Want::Json,
        _ => Want::Other,
    }
}

/// A date, time or timestamp as the time crate's serde components: `(year, day of year)`,
/// `(hour, minute, second, nanosecond)`, both (6), or both and a zero UTC offset (9). `None`
/// when `value` has no such form.
fn temporal_parts(value: &Value, n: usize) -> Option<Vec<i64>> {
    let date = |d: &crate::value::Date| {
        let jan1 = crate::value::Date::new(d.year(), 1, 1)?;
        Some([
            i64::from(d.year()),
            d.days_since_epoch() - jan1.days_since_epoch() + 1,
        ])
    };
    let time = |t: &crate::value::Time| {
        let (h, m, s, us) = t.parts();
        [h.into(), m.into(), s.into(), i64::from(us) * 1000]
    };
    let mut parts = Vec::with_capacity(n);
    match (value, n) {
        (Value::Date(d), 2) => parts.extend(date(d)?),
        (Value::Time(t), 4) => parts.extend(time(t)),
        (Value::Timestamp(ts) | Value::TimestampTz(ts), 6 | 9) => {
            parts.extend(date(&ts.date)?);
            parts.extend(time(&ts.time));
            parts.resize(n, 0);
        }
        _ => return None,
    }
    Some(parts)
}

fn visit_parts<'de, V: Visitor<'de>>(parts: Vec<i64>, visitor: V) -> Result<V::Value> {
    let mut seq = de::value::SeqDeserializer::<_, Error>::new(parts.into_iter());
    let v = visitor.visit_seq(&mut seq)?;
    seq.end()?;
    Ok(v)
}

#[cfg(test)]
mod tests {
    use super::FromRow;
    use crate::{Row, Value, ValueType};

    fn row() -> Row {
        Row::new(
            vec!["id".to_string(), "name".to_string(), "nick".to_string()].into(),
            vec![
                Value::I64(7),
                Value::Text("ann".into()),
                Value::Null(ValueType::Text),
            ],
        )
    }

    fn one(name: &str, value: Value) -> Row {
        Row::new(vec![name.to_string()].into(), vec![value])
    }

    /// Cells reach serde in the form each field type's `Deserialize` accepts, whatever the
    /// backend's cell: RFC 3339 timestamps for chrono (`Z` where the field is an instant, even
    /// from a naive cell), the time crate's components, bytes as a `Vec<u8>`, JSON text as a
    /// document for `serde_json::Value`; a `String` keeps `FromValue`'s text.
    #[test]
    fn cells_decode_into_foreign_types_by_their_serde_forms() {
        #[derive(serde::Deserialize, Debug, PartialEq)]
        struct S<T> {
            v: T,
        }
        fn de<T: serde::de::DeserializeOwned>(v: Value) -> T {
            S::<T>::from_owned_row(one("v", v)).unwrap().v
        }
        let ts: crate::value::Timestamp = "2024-02-29 13:45:07.25".parse().unwrap();
        let naive = chrono::NaiveDate::from_ymd_opt(2024, 2, 29)
            .unwrap()
            .and_hms_milli_opt(13, 45, 7, 250)
            .unwrap();
        for cell in [Value::Timestamp(ts), Value::TimestampTz(ts)] {
            assert_eq!(de::<chrono::NaiveDateTime>(cell.clone()), naive);
            assert_eq!(
                de::<chrono::DateTime<chrono::Utc>>(cell.clone()),
                naive.and_utc()
            );
            let prim = de::<time::PrimitiveDateTime>(cell.clone());
            assert_eq!((prim.ordinal(), prim.millisecond()), (60, 250));
            assert_eq!(
                de::<time::OffsetDateTime>(cell.clone()).offset(),
                time::UtcOffset::UTC
            );
            assert_eq!(de::<crate::value::Timestamp>(cell), ts);
        }
        assert_eq!(de::<String>(Value::Timestamp(ts)), "2024-02-29 13:45:07.25");
        assert_eq!(de::<time::Date>(Value::Date(ts.date)).ordinal(), 60);
        assert_eq!(de::<time::Time>(Value::Time(ts.time)).millisecond(), 250);
        assert_eq!(de::<Vec<u8>>(Value::Bytes(vec![0, 255])), [0, 255]);
        let doc = serde_json::json!({"a": [1, "x"]});
        assert_eq!(de::<serde_json::Value>(Value::Text(doc.to_string())), doc);
        assert_eq!(de::<serde_json::Value>(Value::Json(doc.to_string())), doc);
        // Text that is not JSON stays a string; a String field never parses.
        assert_eq!(de::<serde_json::Value>(Value::Text("hi".into())), "hi");
        assert_eq!(de::<String>(Value::Text("[1]".into())), "[1]");
    }

    #[derive(serde::Deserialize, Debug, PartialEq)]
    struct User {
        id: i64,
        name: String,
        nick: Option<String>,
    }

    /// Decoding by value (values moved out) and by reference (values copied) agree, on
    /// success and on failure, for tuples, structs and single values.
    #[test]
    fn owned_and_borrowed_rows_decode_alike() {
        type T = (i64, String, Option<String>);
        let by_ref = T::from_row(&row()).unwrap();
        assert_eq!(T::from_owned_row(row()).unwrap(), by_ref);
        assert_eq!(by_ref, (7, "ann".to_string(), None));
        let user = User::from_owned_row(row()).unwrap();
        assert_eq!(user, User::from_row(&row()).unwrap());
        assert_eq!(user.name, "ann");
        // NULL into a non-Option names its column either way.
        type Strict = (i64, String, String);
        let owned = Strict::from_owned_row(row()).unwrap_err().to_string();
        assert_eq!(owned, Strict::from_row(&row()).unwrap_err().to_string());
        assert!(owned.contains("nick"), "{owned}");
        // Arity mismatches and single values.
        assert!(<(i64, String)>::from_owned_row(row()).is_err());
        let one = Row::new(vec!["n".to_string()].into(), vec![Value::I64(3)]);
        assert_eq!(i64::from_owned_row(one.clone()).unwrap(), 3);
        assert_eq!(i64::from_row(&one).unwrap(), 3);
        assert!(i64::from_owned_row(row()).is_err());
    }
}
