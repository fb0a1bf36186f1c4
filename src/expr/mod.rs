//! Column handles for expressions: typed ([`Column<T>`]) and dynamic ([`DynColumn`]).
//!
//! The expression language proper (operators, functions, SELECT) builds on these.

use std::fmt;
use std::marker::PhantomData;

/// A typed reference to a column: its table, its name and, as a phantom, its Rust type.
///
/// Produced by [`crate::table!`]; `Copy`, so it can be used freely in expressions.
///
/// ```
/// let id: quarry::Column<i64> = quarry::Column::new("users", "id");
/// assert_eq!((id.table_name(), id.name()), ("users", "id"));
/// ```
pub struct Column<T> {
    table: &'static str,
    name: &'static str,
    _type: PhantomData<fn() -> T>,
}

impl<T> Column<T> {
    /// A handle to `table`.`name`.
    ///
    /// ```
    /// const ID: quarry::Column<i64> = quarry::Column::new("t", "id");
    /// assert_eq!(ID.name(), "id");
    /// ```
    pub const fn new(table: &'static str, name: &'static str) -> Self {
        Column {
            table,
            name,
            _type: PhantomData,
        }
    }

    /// The column's SQL name.
    ///
    /// ```
    /// assert_eq!(quarry::Column::<i64>::new("t", "id").name(), "id");
    /// ```
    pub const fn name(&self) -> &'static str {
        self.name
    }

    /// The table's SQL name.
    ///
    /// ```
    /// assert_eq!(quarry::Column::<i64>::new("t", "id").table_name(), "t");
    /// ```
    pub const fn table_name(&self) -> &'static str {
        self.table
    }

    /// This column as a dynamic (untyped) handle.
    ///
    /// ```
    /// let d = quarry::Column::<i64>::new("t", "id").dynamic();
    /// assert_eq!(d.name(), "id");
    /// ```
    pub fn dynamic(&self) -> DynColumn {
        DynColumn::new(self.table, self.name)
    }
}

impl<T> Clone for Column<T> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<T> Copy for Column<T> {}

impl<T> fmt::Debug for Column<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "Column<{}>({}.{})",
            std::any::type_name::<T>(),
            self.table,
            self.name
        )
    }
}

/// A column known only at run time; accepts any value in expressions.
///
/// ```
/// let t = quarry::Table::new("t").column(quarry::ColumnDef::new("a", quarry::SqlType::Text));
/// let a = t.c("a").unwrap();
/// assert_eq!((a.table_name(), a.name()), ("t", "a"));
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct DynColumn {
    table: String,
    name: String,
}

impl DynColumn {
    /// A handle to `table`.`name`.
    ///
    /// ```
    /// assert_eq!(quarry::DynColumn::new("t", "a").name(), "a");
    /// ```
    pub fn new(table: impl Into<String>, name: impl Into<String>) -> Self {
        DynColumn {
            table: table.into(),
            name: name.into(),
        }
    }

    /// The column's SQL name.
    ///
    /// ```
    /// assert_eq!(quarry::DynColumn::new("t", "a").name(), "a");
    /// ```
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The table's SQL name.
    ///
    /// ```
    /// assert_eq!(quarry::DynColumn::new("t", "a").table_name(), "t");
    /// ```
    pub fn table_name(&self) -> &str {
        &self.table
    }
}
