//! Tables declared in Rust: typed column handles and runtime metadata from one declaration.

use super::table::Table;
use super::types::SqlType;

/// A Rust type with a default SQL column type; `Option<T>` makes the column nullable.
///
/// Used by [`crate::table!`] to derive a column's type and nullability from its Rust type.
///
/// ```
/// use quarry::{SqlTyped, SqlType};
/// assert_eq!(<i64 as SqlTyped>::sql_type(), SqlType::BigInt);
/// assert!(<Option<String> as SqlTyped>::NULLABLE);
/// assert!(!<String as SqlTyped>::NULLABLE);
/// // quarry's Decimal and rust_decimal's both default to NUMERIC(28, 10).
/// assert_eq!(<quarry::value::Decimal as SqlTyped>::sql_type(), SqlType::numeric(28, 10));
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` has no default SQL column type",
    label = "cannot be a typed column",
    note = "use bool, i16, i32, i64, f32, f64, String, Vec<u8> or Option of those, and override the SQL type with `=> sql_type(…)`"
)]
pub trait SqlTyped {
    /// Whether the column allows NULL.
    const NULLABLE: bool;
    /// The SQL type used when the declaration does not name one.
    fn sql_type() -> SqlType;
}

macro_rules! sql_typed {
    ($($t:ty => $st:expr),* $(,)?) => {$(
        impl SqlTyped for $t {
            const NULLABLE: bool = false;
            fn sql_type() -> SqlType { $st }
        }
    )*};
}

sql_typed! {
    bool => SqlType::Boolean,
    i16 => SqlType::SmallInt,
    i32 => SqlType::Integer,
    i64 => SqlType::BigInt,
    f32 => SqlType::Real,
    f64 => SqlType::Double,
    String => SqlType::Text,
    Vec<u8> => SqlType::Blob,
}

impl<T: SqlTyped> SqlTyped for Option<T> {
    const NULLABLE: bool = true;
    fn sql_type() -> SqlType {
        T::sql_type()
    }
}

/// A table declared in Rust with [`crate::table!`].
///
/// ```
/// quarry::table! {
///     pub struct Tags("tags") {
///         id: i64 => primary_key(),
///     }
/// }
/// use quarry::TableDef;
/// assert_eq!(Tags::table().name, "tags");
/// ```
pub trait TableDef {
    /// The table's SQL name.
    const NAME: &'static str;
    /// The runtime metadata of the table.
    fn table() -> Table;
}

#[cfg(feature = "chrono-0_4")]
sql_typed! {
    chrono::NaiveDate => SqlType::Date,
    chrono::NaiveTime => SqlType::Time,
    chrono::NaiveDateTime => SqlType::Timestamp,
    chrono::DateTime<chrono::Utc> => SqlType::TimestampTz,
}

#[cfg(feature = "time-0_3")]
sql_typed! {
    time::Date => SqlType::Date,
    time::Time => SqlType::Time,
    time::PrimitiveDateTime => SqlType::Timestamp,
    time::OffsetDateTime => SqlType::TimestampTz,
}

#[cfg(feature = "uuid-1")]
sql_typed! { uuid::Uuid => SqlType::Uuid }

/// Both decimal types default to NUMERIC(28, 10): the 28 digits `rust_decimal` holds, so a
/// column declared with either type reads back into either.
const DEFAULT_DECIMAL: SqlType = SqlType::Numeric {
    precision: 28,
    scale: 10,
};

#[cfg(feature = "rust_decimal-1")]
sql_typed! { rust_decimal::Decimal => DEFAULT_DECIMAL }

#[cfg(feature = "serde_json-1")]
sql_typed! { serde_json::Value => SqlType::Json }

sql_typed! {
    crate::value::Date => SqlType::Date,
    crate::value::Time => SqlType::Time,
    crate::value::Timestamp => SqlType::Timestamp,
    crate::value::Utc => SqlType::TimestampTz,
    crate::value::Uuid => SqlType::Uuid,
    crate::value::Json => SqlType::Json,
    crate::value::Decimal => DEFAULT_DECIMAL,
}
