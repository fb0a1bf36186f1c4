//! Backend-neutral values: what is bound as a parameter and what a decoded cell holds.
//!
//! A [`Value`] keeps the type of a NULL ([`Value::Null`] carries a [`ValueType`]), because
//! PostgreSQL binds every parameter with an explicit type.
//!
//! ```
//! use quarry::{Value, ValueType};
//! assert_eq!(Value::from(42_i64), Value::I64(42));
//! assert_eq!(Value::from(None::<String>), Value::Null(ValueType::Text));
//! assert_eq!(Value::from("hi").value_type(), ValueType::Text);
//! ```

mod convert;
mod features;
mod row;
mod temporal;

pub(crate) use convert::mismatch_message;
pub use convert::{FromValue, IntoValue, Json, Utc};
pub use row::{Row, RowIndex};
pub use temporal::{Date, Decimal, Time, Timestamp, Uuid};

/// The type of a [`Value`], including the type of a NULL.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ValueType {
    /// A boolean.
    Bool,
    /// A 16-bit integer.
    I16,
    /// A 32-bit integer.
    I32,
    /// A 64-bit integer.
    I64,
    /// A 32-bit float.
    F32,
    /// A 64-bit float.
    F64,
    /// UTF-8 text.
    Text,
    /// Raw bytes.
    Bytes,
    /// A calendar date.
    Date,
    /// A time of day.
    Time,
    /// A date and time without time zone.
    Timestamp,
    /// An instant (date and time in UTC).
    TimestampTz,
    /// A UUID.
    Uuid,
    /// A JSON document.
    Json,
    /// An exact decimal.
    Decimal,
    /// A one-dimensional array (PostgreSQL only).
    Array,
}

/// A bound parameter or a decoded cell.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub enum Value {
    /// SQL NULL of the given type.
    Null(ValueType),
    /// A boolean.
    Bool(bool),
    /// A 16-bit integer.
    I16(i16),
    /// A 32-bit integer.
    I32(i32),
    /// A 64-bit integer.
    I64(i64),
    /// A 32-bit float.
    F32(f32),
    /// A 64-bit float.
    F64(f64),
    /// UTF-8 text.
    Text(String),
    /// Raw bytes.
    Bytes(Vec<u8>),
    /// A calendar date.
    Date(Date),
    /// A time of day (microseconds).
    Time(Time),
    /// A date and time without time zone.
    Timestamp(Timestamp),
    /// An instant, as a date and time in UTC.
    TimestampTz(Timestamp),
    /// A UUID.
    Uuid(Uuid),
    /// A JSON document, as its text.
    Json(String),
    /// An exact decimal.
    Decimal(Decimal),
    /// A one-dimensional array of values of one type, bound natively on PostgreSQL (its
    /// element type is the first non-NULL element's). The compiler produces it for large
    /// `IN` lists (`x = ANY($1)`); the other backends reject it as a parameter.
    Array(Vec<Value>),
    /// A value of the given type that a conversion could not represent, and why (a chrono
    /// leap second, a year beyond ±9999). Every backend refuses to bind it and the compiler to
    /// write it as a literal ([`crate::Error::Unsupported`] with the reason): [`IntoValue`]
    /// cannot fail, so the refusal travels with the value to where errors are returned.
    ///
    /// ```
    /// use quarry::{Value, ValueType};
    /// let v = Value::Invalid(ValueType::Time, "a leap second".into());
    /// assert_eq!(v.value_type(), ValueType::Time);
    /// ```
    Invalid(ValueType, Box<str>),
}

impl Value {
    /// The type of this value (the declared type for a NULL).
    ///
    /// ```
    /// assert_eq!(quarry::Value::I32(1).value_type(), quarry::ValueType::I32);
    /// ```
    pub fn value_type(&self) -> ValueType {
        match self {
            Value::Null(t) => *t,
            Value::Bool(_) => ValueType::Bool,
            Value::I16(_) => ValueType::I16,
            Value::I32(_) => ValueType::I32,
            Value::I64(_) => ValueType::I64,
            Value::F32(_) => ValueType::F32,
            Value::F64(_) => ValueType::F64,
            Value::Text(_) => ValueType::Text,
            Value::Bytes(_) => ValueType::Bytes,
            Value::Date(_) => ValueType::Date,
            Value::Time(_) => ValueType::Time,
            Value::Timestamp(_) => ValueType::Timestamp,
            Value::TimestampTz(_) => ValueType::TimestampTz,
            Value::Uuid(_) => ValueType::Uuid,
            Value::Json(_) => ValueType::Json,
            Value::Decimal(_) => ValueType::Decimal,
            Value::Array(_) => ValueType::Array,
            Value::Invalid(t, _) => *t,
        }
    }

    /// Whether this is SQL NULL.
    ///
    /// ```
    /// assert!(quarry::Value::Null(quarry::ValueType::I64).is_null());
    /// ```
    pub fn is_null(&self) -> bool {
        matches!(self, Value::Null(_))
    }

    /// The value as an `i64` if it is an integer of any width.
    ///
    /// ```
    /// assert_eq!(quarry::Value::I16(7).as_i64(), Some(7));
    /// ```
    pub fn as_i64(&self) -> Option<i64> {
        match self {
            Value::I16(v) => Some(i64::from(*v)),
            Value::I32(v) => Some(i64::from(*v)),
            Value::I64(v) => Some(*v),
            _ => None,
        }
    }

    /// The text form used where a backend stores the value as text (SQLite, MySQL strings):
    /// ISO dates and times, hyphenated UUIDs, JSON text, canonical decimals. `None` for the
    /// other variants.
    ///
    /// ```
    /// use quarry::{Value, value::Date};
    /// assert_eq!(Value::Date(Date::new(2024, 1, 31).unwrap()).to_text().as_deref(), Some("2024-01-31"));
    /// assert_eq!(Value::I64(1).to_text(), None);
    /// ```
    pub fn to_text(&self) -> Option<String> {
        Some(match self {
            Value::Text(s) | Value::Json(s) => s.clone(),
            Value::Date(d) => d.to_string(),
            Value::Time(t) => t.to_string(),
            Value::Timestamp(t) => t.to_string(),
            Value::TimestampTz(t) => format!("{t}+00:00"),
            Value::Uuid(u) => u.to_string(),
            Value::Decimal(d) => d.to_string(),
            _ => return None,
        })
    }

    /// The value as text if it is text.
    ///
    /// ```
    /// assert_eq!(quarry::Value::from("a").as_str(), Some("a"));
    /// ```
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::Text(s) => Some(s),
            _ => None,
        }
    }
}
