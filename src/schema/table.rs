//! Table metadata.

use super::column::ColumnDef;
use super::constraint::{Check, ForeignKey, PrimaryKey, Unique};
use super::index::Index;

/// A table: its (optionally schema-qualified) name, columns, constraints and indexes.
///
/// Built at run time with chained methods; tables declared in Rust with [`crate::table!`] produce
/// the same value from [`crate::TableDef::table`].
///
/// ```
/// use quarry::{Table, ColumnDef, SqlType, ForeignKey, FkAction, Index, Check, Unique};
/// let orders = Table::new("orders")
///     .column(ColumnDef::new("id", SqlType::BigInt).primary_key().autoincrement())
///     .column(ColumnDef::new("user_id", SqlType::BigInt).not_null())
///     .column(ColumnDef::new("total", SqlType::numeric(10, 2)).server_default(0_i64))
///     .foreign_key(ForeignKey::new(["user_id"], "users", ["id"]).on_delete(FkAction::Cascade))
///     .check(Check::new("total >= 0").named("ck_orders_total"))
///     .index(Index::on("ix_orders_user", ["user_id"]));
/// assert_eq!(orders.get_column("total").unwrap().sql_type, SqlType::numeric(10, 2));
/// assert_eq!(orders.primary_key_columns(), ["id"]);
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct Table {
    /// The table's name.
    pub name: String,
    /// Its schema (a PostgreSQL schema, a MySQL database, an attached SQLite database).
    pub schema: Option<String>,
    /// Its columns, in order.
    pub columns: Vec<ColumnDef>,
    /// A table-level primary key; when `None`, columns marked `primary_key` form it.
    pub primary_key: Option<PrimaryKey>,
    /// Foreign keys, including those declared on columns.
    pub foreign_keys: Vec<ForeignKey>,
    /// UNIQUE constraints (besides columns marked `unique`).
    pub uniques: Vec<Unique>,
    /// CHECK constraints.
    pub checks: Vec<Check>,
    /// Indexes.
    pub indexes: Vec<Index>,
    /// The table's comment.
    pub comment: Option<String>,
}

impl Table {
    /// An empty table named `name`.
    ///
    /// ```
    /// assert!(quarry::Table::new("t").columns.is_empty());
    /// ```
    pub fn new(name: impl Into<String>) -> Self {
        Table {
            name: name.into(),
            schema: None,
            columns: Vec::new(),
            primary_key: None,
            foreign_keys: Vec::new(),
            uniques: Vec::new(),
            checks: Vec::new(),
            indexes: Vec::new(),
            comment: None,
        }
    }

    /// Places the table in `schema`.
    ///
    /// ```
    /// assert_eq!(quarry::Table::new("t").schema("app").schema.as_deref(), Some("app"));
    /// ```
    pub fn schema(mut self, schema: impl Into<String>) -> Self {
        self.schema = Some(schema.into());
        self
    }

    /// Adds a column; a foreign key declared on it moves to the table's foreign keys.
    ///
    /// ```
    /// use quarry::{Table, ColumnDef, SqlType};
    /// let t = Table::new("t").column(ColumnDef::new("p", SqlType::BigInt).references("parent", "id"));
    /// assert_eq!(t.foreign_keys.len(), 1);
    /// ```
    pub fn column(mut self, mut column: ColumnDef) -> Self {
        if let Some(fk) = column.foreign_key.take() {
            self.foreign_keys.push(fk);
        }
        self.columns.push(column);
        self
    }

    /// Sets a table-level (possibly composite) primary key.
    ///
    /// ```
    /// let t = quarry::Table::new("t").primary_key(quarry::PrimaryKey::new(["a", "b"]));
    /// assert_eq!(t.primary_key_columns(), ["a", "b"]);
    /// ```
    pub fn primary_key(mut self, pk: PrimaryKey) -> Self {
        self.primary_key = Some(pk);
        self
    }

    /// Adds a foreign key.
    ///
    /// ```
    /// let t = quarry::Table::new("t").foreign_key(quarry::ForeignKey::new(["p"], "parent", ["id"]));
    /// assert_eq!(t.foreign_keys[0].ref_table, "parent");
    /// ```
    pub fn foreign_key(mut self, fk: ForeignKey) -> Self {
        self.foreign_keys.push(fk);
        self
    }

    /// Adds a UNIQUE constraint.
    ///
    /// ```
    /// let t = quarry::Table::new("t").unique(quarry::Unique::new(["a", "b"]));
    /// assert_eq!(t.uniques.len(), 1);
    /// ```
    pub fn unique(mut self, unique: Unique) -> Self {
        self.uniques.push(unique);
        self
    }

    /// Adds a CHECK constraint.
    ///
    /// ```
    /// let t = quarry::Table::new("t").check(quarry::Check::new("a > 0"));
    /// assert_eq!(t.checks.len(), 1);
    /// ```
    pub fn check(mut self, check: Check) -> Self {
        self.checks.push(check);
        self
    }

    /// Adds an index.
    ///
    /// ```
    /// let t = quarry::Table::new("t").index(quarry::Index::on("ix_t_a", ["a"]));
    /// assert_eq!(t.indexes.len(), 1);
    /// ```
    pub fn index(mut self, index: Index) -> Self {
        self.indexes.push(index);
        self
    }

    /// Sets the table's comment.
    ///
    /// ```
    /// assert!(quarry::Table::new("t").comment("hi").comment.is_some());
    /// ```
    pub fn comment(mut self, comment: impl Into<String>) -> Self {
        self.comment = Some(comment.into());
        self
    }

    /// The column named `name`, if any (exact match).
    ///
    /// ```
    /// let t = quarry::Table::new("t").column(quarry::ColumnDef::new("a", quarry::SqlType::Text));
    /// assert!(t.get_column("a").is_some());
    /// assert!(t.get_column("b").is_none());
    /// ```
    pub fn get_column(&self, name: &str) -> Option<&ColumnDef> {
        self.columns.iter().find(|c| c.name == name)
    }

    /// The primary key's columns: the table-level key, or the columns marked `primary_key`.
    ///
    /// ```
    /// use quarry::{Table, ColumnDef, SqlType};
    /// let t = Table::new("t").column(ColumnDef::new("id", SqlType::BigInt).primary_key());
    /// assert_eq!(t.primary_key_columns(), ["id"]);
    /// ```
    pub fn primary_key_columns(&self) -> Vec<&str> {
        match &self.primary_key {
            Some(pk) => pk.columns.iter().map(String::as_str).collect(),
            None => self
                .columns
                .iter()
                .filter(|c| c.primary_key)
                .map(|c| c.name.as_str())
                .collect(),
        }
    }

    /// The name qualified with its schema, for messages (`schema.name`).
    ///
    /// ```
    /// assert_eq!(quarry::Table::new("t").schema("s").full_name(), "s.t");
    /// ```
    pub fn full_name(&self) -> String {
        match &self.schema {
            Some(s) => format!("{s}.{}", self.name),
            None => self.name.clone(),
        }
    }
}
