//! SQL column types.
//!
//! One [`SqlType`] renders to the right spelling for each dialect:
//!
//! | SqlType | PostgreSQL | MySQL 8 | MariaDB | SQLite |
//! |---|---|---|---|---|
//! | `SmallInt` | SMALLINT | SMALLINT | SMALLINT | SMALLINT |
//! | `Integer` | INTEGER | INT | INT | INTEGER |
//! | `BigInt` | BIGINT | BIGINT | BIGINT | BIGINT |
//! | `Boolean` | BOOLEAN | BOOLEAN (TINYINT(1)) | BOOLEAN (TINYINT(1)) | BOOLEAN |
//! | `Real` | REAL | FLOAT | FLOAT | REAL |
//! | `Double` | DOUBLE PRECISION | DOUBLE | DOUBLE | DOUBLE |
//! | `Numeric(p, s)` | NUMERIC(p, s) | DECIMAL(p, s) | DECIMAL(p, s) | NUMERIC(p, s) |
//! | `Varchar(n)` | VARCHAR(n) | VARCHAR(n) | VARCHAR(n) | VARCHAR(n) |
//! | `Char(n)` | CHAR(n) | CHAR(n) | CHAR(n) | CHAR(n) |
//! | `Text` | TEXT | LONGTEXT | LONGTEXT | TEXT |
//! | `Blob` | BYTEA | LONGBLOB | LONGBLOB | BLOB |
//! | `Date` | DATE | DATE | DATE | DATE |
//! | `Time` | TIME | TIME(6) | TIME(6) | TIME |
//! | `Timestamp` | TIMESTAMP | DATETIME(6) | DATETIME(6) | TIMESTAMP |
//! | `TimestampTz` | TIMESTAMPTZ | DATETIME(6) (UTC) | DATETIME(6) (UTC) | TIMESTAMPTZ |
//! | `Uuid` | UUID | CHAR(36) | UUID | CHAR(36) |
//! | `Json` | JSONB | JSON | JSON | TEXT |
//! | `Enum` | CREATE TYPE … AS ENUM | ENUM(…) | ENUM(…) | VARCHAR(n) + CHECK |
//! | `Custom(s)` | s | s | s | s |
//!
//! `Text` is `LONGTEXT` on the MySQL family, as `Blob` is `LONGBLOB`: MySQL's `TEXT` holds
//! 64 KiB only. Neither can be a key there; a key column takes `Varchar(n)`.
//!
//! MySQL's `TIMESTAMP` type only spans 1970–2038 and converts with the session time zone, so
//! both timestamp types use `DATETIME(6)` there; the executor stores `TimestampTz` values in UTC.

/// A SQL column type.
///
/// ```
/// use quarry::{SqlType, Postgres, MySql, Sqlite};
/// assert_eq!(SqlType::Double.render(&Postgres).unwrap(), "DOUBLE PRECISION");
/// assert_eq!(SqlType::Double.render(&MySql).unwrap(), "DOUBLE");
/// assert_eq!(SqlType::Blob.render(&Sqlite).unwrap(), "BLOB");
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum SqlType {
    /// 16-bit integer.
    SmallInt,
    /// 32-bit integer.
    Integer,
    /// 64-bit integer.
    BigInt,
    /// Boolean.
    Boolean,
    /// Single-precision float.
    Real,
    /// Double-precision float.
    Double,
    /// Exact decimal with `precision` digits, `scale` of them after the point.
    Numeric {
        /// Total digits.
        precision: u16,
        /// Digits after the decimal point.
        scale: u16,
    },
    /// Variable-length string of at most `n` characters.
    Varchar(u32),
    /// Fixed-length string of `n` characters.
    Char(u32),
    /// Unbounded text.
    Text,
    /// Binary data.
    Blob,
    /// Calendar date.
    Date,
    /// Time of day.
    Time,
    /// Date and time without time zone.
    Timestamp,
    /// Date and time with time zone (an instant).
    TimestampTz,
    /// UUID.
    Uuid,
    /// JSON document.
    Json,
    /// One of a set of named values.
    Enum(EnumType),
    /// A type name passed through verbatim (the escape hatch; it is trusted SQL).
    Custom(String),
}

impl SqlType {
    /// `Numeric { precision, scale }`.
    ///
    /// ```
    /// assert_eq!(quarry::SqlType::numeric(10, 2), quarry::SqlType::Numeric { precision: 10, scale: 2 });
    /// ```
    pub fn numeric(precision: u16, scale: u16) -> Self {
        SqlType::Numeric { precision, scale }
    }

    /// An enum type named `name` (the PostgreSQL type name) with `values`.
    ///
    /// ```
    /// use quarry::{SqlType, Postgres, MariaDb};
    /// let t = SqlType::enumeration("mood", ["sad", "ok"]);
    /// assert_eq!(t.render(&Postgres).unwrap(), "mood");
    /// assert_eq!(t.render(&MariaDb).unwrap(), "ENUM('sad', 'ok')");
    /// ```
    pub fn enumeration<I, S>(name: impl Into<String>, values: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        SqlType::Enum(EnumType {
            name: name.into(),
            schema: None,
            values: values.into_iter().map(Into::into).collect(),
        })
    }

    /// A custom type name, rendered verbatim on every dialect.
    ///
    /// ```
    /// assert_eq!(quarry::SqlType::custom("INET").render(&quarry::Postgres).unwrap(), "INET");
    /// ```
    pub fn custom(name: impl Into<String>) -> Self {
        SqlType::Custom(name.into())
    }

    /// Whether this is an integer type (the only kind that may autoincrement).
    ///
    /// ```
    /// assert!(quarry::SqlType::BigInt.is_integer());
    /// assert!(!quarry::SqlType::Text.is_integer());
    /// ```
    pub fn is_integer(&self) -> bool {
        matches!(self, SqlType::SmallInt | SqlType::Integer | SqlType::BigInt)
    }

    /// Whether a foreign key column of this type may reference a column of type `other`.
    ///
    /// Types must be equal, except that strings of any declared length may reference each other.
    ///
    /// ```
    /// use quarry::SqlType;
    /// assert!(SqlType::Varchar(10).fk_compatible(&SqlType::Varchar(20)));
    /// assert!(!SqlType::Integer.fk_compatible(&SqlType::BigInt));
    /// ```
    pub fn fk_compatible(&self, other: &SqlType) -> bool {
        match (self, other) {
            (SqlType::Varchar(_) | SqlType::Char(_), SqlType::Varchar(_) | SqlType::Char(_)) => {
                true
            }
            (a, b) => a == b,
        }
    }
}

/// The values (and, on PostgreSQL, the type name) of an [`SqlType::Enum`].
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct EnumType {
    /// The type's name (used by `CREATE TYPE` on PostgreSQL).
    pub name: String,
    /// The type's schema on PostgreSQL, if not the default one.
    pub schema: Option<String>,
    /// The allowed values, in order.
    pub values: Vec<String>,
}
