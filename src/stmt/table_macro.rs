//! The `table!` macro: a table declared in Rust gives typed column handles (expressions), a
//! FROM item (statements) and runtime metadata (schema) from one declaration, so it lives in
//! the lowest layer that knows all three.

/// Declares a table in Rust: a struct of typed column handles ([`crate::Column<T>`]) and its
/// runtime [`crate::Table`] metadata (through [`crate::TableDef`]) from one declaration.
///
/// Each field is `name: RustType`, optionally followed by `=>` and a chain of
/// [`crate::ColumnDef`] builder calls; a column whose SQL name differs from the field is written
/// `field("sql name"): RustType`. The SQL type and nullability come from the Rust type
/// ([`crate::SqlTyped`]) unless the chain says otherwise. An optional `with { … }` block applies
/// [`crate::Table`] builder calls (constraints, indexes, schema, comment).
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

        impl $crate::stmt::TableSource for $name {
            #[inline]
            fn into_from_item(self) -> $crate::stmt::FromItem {
                $crate::stmt::FromItem::Table($crate::stmt::TableRef::from_static(Self::metadata(), self.__alias))
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
