//! FROM items: tables, subqueries, CTEs, joins.

use super::select::*;
use crate::expr::{DynColumn, Expr, Name};
use crate::schema::Table;
use std::sync::Arc;

/// Cached or shared table metadata behind a FROM item, used to infer join conditions.
///
/// ```
/// let m = quarry::stmt::TableMeta::Shared(std::sync::Arc::new(quarry::Table::new("t")));
/// assert_eq!(m.table().name, "t");
/// ```
#[derive(Clone, Debug)]
pub enum TableMeta {
    /// Built once per `table!` struct.
    Static(&'static Table),
    /// A runtime table.
    Shared(Arc<Table>),
}

impl TableMeta {
    /// The table.
    ///
    /// ```
    /// let m = quarry::stmt::TableMeta::Shared(std::sync::Arc::new(quarry::Table::new("t")));
    /// assert!(m.table().columns.is_empty());
    /// ```
    pub fn table(&self) -> &Table {
        match self {
            TableMeta::Static(t) => t,
            TableMeta::Shared(t) => t,
        }
    }
}

impl PartialEq for TableMeta {
    fn eq(&self, other: &Self) -> bool {
        self.table() == other.table()
    }
}

/// A table in FROM or JOIN: its (schema-qualified) name, an optional alias and, when known, its
/// metadata (for joins whose ON is inferred from foreign keys).
///
/// ```
/// use quarry::prelude::*;
/// let t = quarry::stmt::TableRef::named("events").alias("e");
/// let q = select(t.c("id")).from(t);
/// assert_eq!(q.compile(&quarry::Sqlite).unwrap().sql, "SELECT e.id FROM events AS e");
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct TableRef {
    /// The schema, if any.
    pub schema: Option<Name>,
    /// The table's name.
    pub name: Name,
    /// `AS alias`.
    pub alias: Option<Name>,
    /// The metadata, when known.
    pub meta: Option<TableMeta>,
}

impl TableRef {
    /// A reference to no table yet, for statements built in place.
    pub(crate) const NONE: TableRef = TableRef {
        schema: None,
        name: Name::Borrowed(""),
        alias: None,
        meta: None,
    };

    /// A table known by name only (no join inference).
    ///
    /// ```
    /// assert_eq!(quarry::stmt::TableRef::named("t").name, "t");
    /// ```
    pub fn named(name: impl Into<Name>) -> Self {
        TableRef {
            schema: None,
            name: name.into(),
            alias: None,
            meta: None,
        }
    }

    /// A runtime table, with its metadata (cloned once into an `Arc`).
    ///
    /// ```
    /// let t = quarry::Table::new("t").schema("app");
    /// assert_eq!(quarry::stmt::TableRef::new(&t).schema.as_deref(), Some("app"));
    /// ```
    pub fn new(table: &Table) -> Self {
        Self::shared(Arc::new(table.clone()))
    }

    /// A runtime table shared through an `Arc` (no copy).
    ///
    /// ```
    /// let t = std::sync::Arc::new(quarry::Table::new("t"));
    /// assert_eq!(quarry::stmt::TableRef::shared(t).name, "t");
    /// ```
    pub fn shared(table: Arc<Table>) -> Self {
        TableRef {
            schema: table.schema.clone().map(Name::Owned),
            name: Name::Owned(table.name.clone()),
            alias: None,
            meta: Some(TableMeta::Shared(table)),
        }
    }

    /// A `table!` table from its cached metadata (used by the macro).
    ///
    /// ```
    /// static T: std::sync::OnceLock<quarry::Table> = std::sync::OnceLock::new();
    /// let r = quarry::stmt::TableRef::from_static(T.get_or_init(|| quarry::Table::new("t")), Some("x"));
    /// assert_eq!(r.alias.as_deref(), Some("x"));
    /// ```
    #[inline]
    pub fn from_static(table: &'static Table, alias: Option<&'static str>) -> Self {
        TableRef {
            schema: table.schema.as_deref().map(Name::Borrowed),
            name: Name::Borrowed(&table.name),
            alias: alias.map(Name::Borrowed),
            meta: Some(TableMeta::Static(table)),
        }
    }

    /// Sets the schema.
    ///
    /// ```
    /// assert_eq!(quarry::stmt::TableRef::named("t").schema("s").schema.as_deref(), Some("s"));
    /// ```
    pub fn schema(mut self, schema: impl Into<Name>) -> Self {
        self.schema = Some(schema.into());
        self
    }

    /// Sets the alias (`FROM t AS alias`).
    ///
    /// ```
    /// assert_eq!(quarry::stmt::TableRef::named("t").alias("a").alias.as_deref(), Some("a"));
    /// ```
    pub fn alias(mut self, alias: impl Into<Name>) -> Self {
        self.alias = Some(alias.into());
        self
    }

    /// What qualifies its columns: the alias, else the name.
    ///
    /// ```
    /// assert_eq!(quarry::stmt::TableRef::named("t").qualifier(), "t");
    /// ```
    pub fn qualifier(&self) -> &str {
        self.alias.as_deref().unwrap_or(&self.name)
    }

    /// The qualifier as a [`Name`] (a cheap clone for `'static` names); inlined so it is built
    /// in place.
    #[inline]
    pub(crate) fn qualifier_name(&self) -> Name {
        self.alias.clone().unwrap_or_else(|| self.name.clone())
    }

    /// A dynamic column of this table, qualified by the alias if any.
    ///
    /// ```
    /// assert_eq!(quarry::stmt::TableRef::named("t").alias("a").c("x").table_name(), "a");
    /// ```
    pub fn c(&self, name: &str) -> DynColumn {
        DynColumn::new(self.qualifier(), name)
    }
}

/// One entry of FROM or JOIN.
///
/// ```
/// let f = quarry::stmt::FromItem::Table(quarry::stmt::TableRef::named("t"));
/// assert!(matches!(f, quarry::stmt::FromItem::Table(_)));
/// ```
#[derive(Clone, Debug, PartialEq)]
pub enum FromItem {
    /// A table (or a CTE by name).
    Table(TableRef),
    /// `[LATERAL] (subquery) AS alias`.
    Subquery {
        /// The subquery.
        query: Box<Query>,
        /// Its alias.
        alias: Name,
        /// LATERAL (PostgreSQL, MySQL 8; unsupported on MariaDB and SQLite).
        lateral: bool,
    },
}

/// Something that can appear in FROM or JOIN: a `table!` struct (aliased or not), a
/// [`TableRef`], a runtime `&Table`, a table name, a [`Subquery`] or a [`Cte`].
///
/// ```
/// use quarry::prelude::*;
/// let q = select(quarry::val(1_i64)).from("t");
/// assert_eq!(q.compile(&quarry::Sqlite).unwrap().sql, "SELECT ? FROM t");
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be used in FROM or JOIN",
    note = "use a `table!` struct, `Table`, `TableRef`, a table name, a `Subquery` (`select(…).subquery(\"alias\")`) or a `Cte`"
)]
pub trait TableSource {
    /// The FROM item.
    fn into_from_item(self) -> FromItem;
}

impl TableSource for FromItem {
    fn into_from_item(self) -> FromItem {
        self
    }
}
impl TableSource for TableRef {
    fn into_from_item(self) -> FromItem {
        FromItem::Table(self)
    }
}
impl TableSource for &TableRef {
    fn into_from_item(self) -> FromItem {
        FromItem::Table(self.clone())
    }
}
impl TableSource for &Table {
    fn into_from_item(self) -> FromItem {
        FromItem::Table(TableRef::new(self))
    }
}
impl TableSource for Arc<Table> {
    fn into_from_item(self) -> FromItem {
        FromItem::Table(TableRef::shared(self))
    }
}
impl TableSource for &'static str {
    fn into_from_item(self) -> FromItem {
        FromItem::Table(TableRef::named(self))
    }
}
impl TableSource for String {
    fn into_from_item(self) -> FromItem {
        FromItem::Table(TableRef::named(self))
    }
}

/// A query with an alias, for FROM or JOIN: `(SELECT …) AS alias`; see
/// [`Select::subquery`] and [`Select::lateral`].
///
/// ```
/// use quarry::prelude::*;
/// let a = quarry::Column::<i64>::new("t", "a");
/// let s = select(a.label("x")).from("t").subquery("s");
/// let q = select(s.c("x")).from(s.clone());
/// assert_eq!(q.compile(&quarry::Sqlite).unwrap().sql, "SELECT s.x FROM (SELECT t.a AS x FROM t) AS s");
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct Subquery {
    pub(crate) query: Query,
    pub(crate) alias: Name,
    pub(crate) lateral: bool,
}

impl Subquery {
    /// A dynamic column of the subquery (`alias.name`), unchecked: the database reports a
    /// name the subquery doesn't have. [`Subquery::col`] keeps a select-list item's type and
    /// [`Subquery::try_c`] checks the name first.
    ///
    /// ```
    /// use quarry::prelude::*;
    /// let s = select(quarry::val(1_i64).label("x")).subquery("s");
    /// assert_eq!(s.c("x").table_name(), "s");
    /// ```
    pub fn c(&self, name: &str) -> DynColumn {
        DynColumn::new(self.alias.as_ref(), name)
    }
}

impl TableSource for Subquery {
    fn into_from_item(self) -> FromItem {
        FromItem::Subquery {
            query: Box::new(self.query),
            alias: self.alias,
            lateral: self.lateral,
        }
    }
}

/// A common table expression: `name [(columns)] AS (query)`, added with [`Select::with`]
/// (or [`Select::with_recursive`]) and used in FROM by name.
///
/// ```
/// use quarry::prelude::*;
/// let a = quarry::Column::<i64>::new("t", "a");
/// let c = select(a).from("t").cte("c");
/// let q = select(c.c("a")).with(c.clone()).from(c);
/// assert_eq!(q.compile(&quarry::Sqlite).unwrap().sql, "WITH c AS (SELECT t.a FROM t) SELECT c.a FROM c");
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct Cte {
    /// The CTE's name.
    pub name: Name,
    /// Its column names, if given.
    pub columns: Vec<Name>,
    /// Its query.
    pub query: Query,
}

impl Cte {
    /// A CTE named `name` over `query`.
    ///
    /// ```
    /// let c = quarry::Cte::new("c", quarry::select(quarry::val(1_i64)));
    /// assert_eq!(c.name, "c");
    /// ```
    pub fn new(name: impl Into<Name>, query: impl Into<Query>) -> Self {
        Cte {
            name: name.into(),
            columns: Vec::new(),
            query: query.into(),
        }
    }

    /// A CTE of literal rows, `name (a, b) AS (VALUES (…), (…))`, its values bound: a table
    /// made of the caller's data, to join or select from (`VALUES ROW(…)` on MySQL 8; on
    /// MariaDB, whose VALUES loses values bound to a prepared statement, `SELECT … UNION ALL
    /// SELECT …`). Every row must have one value per column.
    ///
    /// ```
    /// use quarry::prelude::*;
    /// let v = quarry::Cte::values("v", ["id", "name"], [(1_i64, "a"), (2, "b")]);
    /// let q = select((v.c("id"), v.c("name"))).with(v.clone()).from(&v);
    /// assert_eq!(q.compile(&quarry::Postgres).unwrap().sql,
    ///     "WITH v (id, name) AS (VALUES ($1, $2), ($3, $4)) SELECT v.id, v.name FROM v");
    /// assert_eq!(q.compile(&quarry::MySql).unwrap().sql,
    ///     "WITH v (id, name) AS (VALUES ROW(?, ?), ROW(?, ?)) SELECT v.id, v.name FROM v");
    /// assert_eq!(q.compile(&quarry::MariaDb).unwrap().sql,
    ///     "WITH v (id, name) AS (SELECT ?, ? UNION ALL SELECT ?, ?) SELECT v.id, v.name FROM v");
    /// assert_eq!(q.compile(&quarry::Sqlite).unwrap().sql,
    ///     "WITH v (id, name) AS (VALUES (?, ?), (?, ?)) SELECT v.id, v.name FROM v");
    /// ```
    pub fn values<C, S, R>(
        name: impl Into<Name>,
        columns: C,
        rows: impl IntoIterator<Item = R>,
    ) -> Self
    where
        C: IntoIterator<Item = S>,
        S: Into<Name>,
        R: ExprList,
    {
        let rows = rows.into_iter().map(ExprList::into_exprs).collect();
        Cte::new(name, Query::Values(Box::new(ValuesStmt { rows }))).columns(columns)
    }

    /// Names the CTE's columns: `name (a, b) AS (…)`.
    ///
    /// ```
    /// let c = quarry::Cte::new("c", quarry::select(quarry::val(1_i64))).columns(["n"]);
    /// assert_eq!(c.columns, ["n"]);
    /// ```
    pub fn columns<I: IntoIterator<Item = S>, S: Into<Name>>(mut self, columns: I) -> Self {
        self.columns = columns.into_iter().map(Into::into).collect();
        self
    }

    /// A dynamic column of the CTE (`name.column`), unchecked; see [`Cte::col`] (typed) and
    /// [`Cte::try_c`] (checked).
    ///
    /// ```
    /// let c = quarry::Cte::new("c", quarry::select(quarry::val(1_i64)));
    /// assert_eq!(c.c("n").table_name(), "c");
    /// ```
    pub fn c(&self, column: &str) -> DynColumn {
        DynColumn::new(self.name.as_ref(), column)
    }
}

impl TableSource for Cte {
    fn into_from_item(self) -> FromItem {
        FromItem::Table(TableRef::named(self.name))
    }
}
impl TableSource for &Cte {
    fn into_from_item(self) -> FromItem {
        FromItem::Table(TableRef::named(self.name.clone()))
    }
}

/// A join's kind.
///
/// ```
/// assert_eq!(quarry::stmt::JoinKind::Left.as_sql(), "LEFT JOIN");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum JoinKind {
    /// `JOIN` (inner).
    Inner,
    /// `LEFT JOIN`.
    Left,
    /// `RIGHT JOIN`.
    Right,
    /// `FULL JOIN` (emulated on MySQL and MariaDB where exact: see [`Select::full_join`]).
    Full,
    /// `CROSS JOIN`.
    Cross,
}

impl JoinKind {
    /// The keywords.
    ///
    /// ```
    /// assert_eq!(quarry::stmt::JoinKind::Cross.as_sql(), "CROSS JOIN");
    /// ```
    pub fn as_sql(self) -> &'static str {
        match self {
            JoinKind::Inner => "JOIN",
            JoinKind::Left => "LEFT JOIN",
            JoinKind::Right => "RIGHT JOIN",
            JoinKind::Full => "FULL JOIN",
            JoinKind::Cross => "CROSS JOIN",
        }
    }
}

/// A join: kind, item and condition (`None` with an inner/outer kind: inferred from the one
/// foreign key between the two sides when compiling).
///
/// ```
/// let j = quarry::stmt::Join { kind: quarry::stmt::JoinKind::Cross, item: quarry::stmt::FromItem::Table(quarry::stmt::TableRef::named("t")), on: None };
/// assert!(j.on.is_none());
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct Join {
    /// The kind.
    pub kind: JoinKind,
    /// What is joined.
    pub item: FromItem,
    /// The ON condition; inferred from foreign keys when `None` (except for CROSS joins).
    pub on: Option<Expr>,
}

/// A SELECT's FROM items: one kept inline (the common case: no allocation), more in a
/// vector. Reads as a slice.
///
/// ```
/// use quarry::stmt::{FromItem, FromItems, TableRef};
/// let mut from = FromItems::default();
/// assert!(from.is_empty());
/// from.push(FromItem::Table(TableRef::named("a")));
/// from.push(FromItem::Table(TableRef::named("b")));
/// assert_eq!(from.len(), 2);
/// assert!(matches!(&from[1], FromItem::Table(t) if t.name == "b"));
/// assert_eq!(FromItems::from(vec![FromItem::Table(TableRef::named("a"))]).len(), 1);
/// assert!(format!("{:?}", FromItems::default()) == "[]");
/// ```
#[derive(Clone, Default)]
pub struct FromItems(FromRepr);

/// As a list, whatever the storage.
impl std::fmt::Debug for FromItems {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

#[derive(Clone, Debug, Default)]
enum FromRepr {
    #[default]
    Empty,
    One(FromItem),
    Many(Vec<FromItem>),
}

impl FromItems {
    /// Appends an item.
    ///
    /// ```
    /// let mut from = quarry::stmt::FromItems::default();
    /// from.push(quarry::stmt::FromItem::Table(quarry::stmt::TableRef::named("t")));
    /// assert_eq!(from.len(), 1);
    /// ```
    #[inline]
    pub fn push(&mut self, item: FromItem) {
        // The first item goes straight to its place, not through a copy (build + compile bench).
        if let FromRepr::Empty = self.0 {
            self.0 = FromRepr::One(item);
            return;
        }
        self.push_more(item)
    }

    /// [`FromItems::push`] past the first item.
    fn push_more(&mut self, item: FromItem) {
        self.0 = match std::mem::take(&mut self.0) {
            FromRepr::Empty => FromRepr::One(item),
            FromRepr::One(first) => FromRepr::Many(vec![first, item]),
            FromRepr::Many(mut v) => {
                v.push(item);
                FromRepr::Many(v)
            }
        };
    }
}

impl std::ops::Deref for FromItems {
    type Target = [FromItem];

    fn deref(&self) -> &[FromItem] {
        match &self.0 {
            FromRepr::Empty => &[],
            FromRepr::One(item) => std::slice::from_ref(item),
            FromRepr::Many(v) => v,
        }
    }
}

impl std::ops::DerefMut for FromItems {
    fn deref_mut(&mut self) -> &mut [FromItem] {
        match &mut self.0 {
            FromRepr::Empty => &mut [],
            FromRepr::One(item) => std::slice::from_mut(item),
            FromRepr::Many(v) => v,
        }
    }
}

impl PartialEq for FromItems {
    fn eq(&self, other: &Self) -> bool {
        **self == **other
    }
}

impl From<Vec<FromItem>> for FromItems {
    fn from(v: Vec<FromItem>) -> Self {
        FromItems(FromRepr::Many(v))
    }
}

impl<'a> IntoIterator for &'a FromItems {
    type Item = &'a FromItem;
    type IntoIter = std::slice::Iter<'a, FromItem>;

    fn into_iter(self) -> Self::IntoIter {
        self.iter()
    }
}
