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

pub use convert::{FromValue, IntoValue};

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
