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

/// Declares a table in Rust: a struct of typed column handles ([`crate::Column<T>`]) and its
/// runtime [`Table`] metadata (through [`TableDef`]) from one declaration.
///
/// Each field is `name: RustType`, optionally followed by `=>` and a chain of
/// [`crate::ColumnDef`] builder calls; a column whose SQL name differs from the field is written
/// `field("sql name"): RustType`. The SQL type and nullability come from the Rust type
/// ([`SqlTyped`]) unless the chain says otherwise. An optional `with { … }` block applies
/// [`Table`] builder calls (constraints, indexes, schema, comment).
///
/// ```
/// use quarry::{table, SqlType, ForeignKey, FkAction, Index, Check, TableDef, Column};
///
/// table! {
///     /// Registered users.
///     pub struct Users("users") {
///         id: i64 => primary_key().autoincrement(),
///         name: String => sql_type(SqlType::Varchar(100)),
///         email: Option<String> => unique(),
///         kind("type"): String => server_default("member"),
///     }
/// }
///
/// table! {
///     pub struct Orders("orders") {
///         id: i64 => primary_key(),
///         user_id: i64,
///         total: f64,
///     }
///     with {
///         foreign_key(ForeignKey::new(["user_id"], "users", ["id"]).on_delete(FkAction::Cascade)),
///         check(Check::new("total >= 0")),
///         index(Index::on("ix_orders_user", ["user_id"])),
///     }
/// }
///
/// let u = Users::new();
/// let _typed: Column<Option<String>> = u.email;
/// assert_eq!(u.kind.name(), "type");
/// let t = Users::table();
/// assert_eq!(t.get_column("name").unwrap().sql_type, SqlType::Varchar(100));
/// assert!(t.get_column("email").unwrap().nullable);
/// assert!(!t.get_column("type").unwrap().nullable);
/// assert_eq!(Orders::table().foreign_keys.len(), 1);
/// ```
#[macro_export]
macro_rules! table {
    (
        $(#[$meta:meta])*
        $vis:vis struct $name:ident ( $sql_name:literal ) {
            $(
                $(#[$fmeta:meta])*
                $field:ident $( ( $col:literal ) )? : $fty:ty
                $( => $( $m:ident ( $($a:tt)* ) ).+ )?
            ),* $(,)?
        }
        $( with { $( $tm:ident ( $($ta:tt)* ) ),* $(,)? } )?
    ) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug)]
        $vis struct $name {
            $(
                $(#[$fmeta])*
                pub $field: $crate::Column<$fty>,
            )*
            __alias: ::core::option::Option<&'static str>,
        }

        impl $name {
            /// The table's SQL name.
            pub const NAME: &'static str = $sql_name;

            /// The typed column handles.
            pub const fn new() -> Self {
                $name {
                    $( $field: $crate::Column::new($sql_name, $crate::__column_name!($field $(, $col)?)), )*
                    __alias: ::core::option::Option::None,
                }
            }

            /// The table under an alias (`FROM table AS alias`): its columns render as
            /// `alias.column`, for self-joins and short names.
            pub const fn alias(alias: &'static str) -> Self {
                $name {
                    $( $field: $crate::Column::new($sql_name, $crate::__column_name!($field $(, $col)?)).aliased(alias), )*
                    __alias: ::core::option::Option::Some(alias),
                }
            }

            /// The runtime metadata, built once and cached (used for FROM and join inference).
            pub fn metadata() -> &'static $crate::Table {
                static META: ::std::sync::OnceLock<$crate::Table> = ::std::sync::OnceLock::new();
                META.get_or_init(<Self as $crate::TableDef>::table)
            }

            /// The runtime metadata of the table.
            pub fn table() -> $crate::Table {
                <Self as $crate::TableDef>::table()
            }
        }

        impl ::core::default::Default for $name {
            fn default() -> Self {
                Self::new()
            }
        }

        impl $crate::TableSource for $name {
            #[inline]
            fn into_from_item(self) -> $crate::FromItem {
                $crate::FromItem::Table($crate::TableRef::from_static(Self::metadata(), self.__alias))
            }
        }

        impl $crate::TableDef for $name {
            const NAME: &'static str = $sql_name;
            fn table() -> $crate::Table {
                let table = $crate::Table::new($sql_name)
                $(
                    .column(
                        $crate::ColumnDef::new(
                            $crate::__column_name!($field $(, $col)?),
                            <$fty as $crate::SqlTyped>::sql_type(),
                        )
                        .nullable(<$fty as $crate::SqlTyped>::NULLABLE)
                        $( $( .$m($($a)*) )+ )?
                    )
                )*;
                table $( $( .$tm($($ta)*) )* )?
            }
        }
    };
}

/// Internal: a column's SQL name, the field's name unless given.
#[doc(hidden)]
#[macro_export]
macro_rules! __column_name {
    ($field:ident) => {
        stringify!($field)
    };
    ($field:ident, $col:literal) => {
        $col
    };
}

sql_typed! {
    crate::value::Date => SqlType::Date,
    crate::value::Time => SqlType::Time,
    crate::value::Timestamp => SqlType::Timestamp,
    crate::value::Utc => SqlType::TimestampTz,
    crate::value::Uuid => SqlType::Uuid,
    crate::value::Json => SqlType::Json,
    crate::value::Decimal => SqlType::numeric(38, 10),
}
