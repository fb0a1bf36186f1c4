//! SELECT: [`select`], [`Select`], compound selects ([`Compound`]), FROM items, joins, CTEs
//! and row locking.
//!
//! A statement is plain data ([`SelectStmt`]: enums and vectors, `Clone + Send + Sync`).
//! [`Select<R>`] wraps it with the Rust type `R` its rows decode into, as a phantom: selecting
//! typed columns gives a tuple of their types with no annotation, dynamic selects give
//! [`Row`]s. Builders take and return the statement by value, so optional parts are plain `if`s:
//!
//! ```
//! use quarry::prelude::*;
//! use quarry::{Postgres, MySql, Sqlite};
//! quarry::table! { pub struct Users("users") { id: i64, name: String, email: Option<String> } }
//! quarry::table! {
//!     pub struct Orders("orders") { id: i64, user_id: i64, total: f64 }
//!     with { foreign_key(quarry::ForeignKey::new(["user_id"], "users", ["id"])) }
//! }
//! let (u, o) = (Users::alias("u"), Orders::alias("o"));
//! let name: Option<&str> = Some("ann");
//! let with_orders = true;
//! let sort_desc = true;
//!
//! let mut q = select((u.id, u.name)).from(u);
//! if let Some(n) = name {
//!     q = q.filter(u.name.eq(n));
//! }
//! if with_orders {
//!     q = q.join(o).filter(o.total.gt(10.0)); // ON inferred from the foreign key
//! }
//! let sort: Expr = if sort_desc { u.id.into() } else { u.name.into() };
//! q = q.order_by(sort.desc()).limit(10);
//!
//! assert_eq!(q.compile(&Postgres).unwrap().sql,
//!     "SELECT u.id, u.name FROM users AS u JOIN orders AS o ON o.user_id = u.id \
//!      WHERE u.name = $1 AND o.total > $2 ORDER BY u.id DESC LIMIT 10");
//! assert_eq!(q.compile(&MySql).unwrap().sql,
//!     "SELECT u.id, u.name FROM users AS u JOIN orders AS o ON o.user_id = u.id \
//!      WHERE u.name = ? AND o.total > ? ORDER BY u.id DESC LIMIT 10");
//! assert_eq!(q.compile(&Sqlite).unwrap().params.len(), 2);
//! // Rows decode into (i64, String) with no annotation:
//! # async fn run(engine: &quarry::Engine, q: &quarry::Select<(i64, String)>) -> quarry::Result<()> {
//! let rows = q.fetch_all(engine).await?;
//! for (id, name) in rows { println!("{id} {name}"); }
//! # Ok(()) }
//! ```

use crate::error::{Error, Result};
use crate::expr::{Column, DynColumn, Expr, IntoExpr, Name, Operand, OrderBy, TypedExpr, Window};
use crate::schema::Table;
use crate::value::Row;
use crate::value::{FromValue, Value};
use std::fmt;
use std::marker::PhantomData;
use std::sync::Arc;

/// A query usable as a subquery, a CTE body or a compound member: a SELECT or a compound
/// SELECT.
///
/// ```
/// let q: quarry::Query = quarry::select(quarry::val(1_i64)).into();
/// assert!(matches!(q, quarry::Query::Select(_)));
/// ```
#[derive(Clone, Debug, PartialEq)]
pub enum Query {
    /// A SELECT.
    Select(Box<SelectStmt>),
    /// A UNION / INTERSECT / EXCEPT chain.
    Compound(Box<CompoundStmt>),
}

/// One item of a select list: an expression and its label.
///
/// ```
/// let i = quarry::SelectItem { expr: quarry::val(1_i64).into(), alias: Some("one".into()) };
/// assert_eq!(i.alias.as_deref(), Some("one"));
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct SelectItem {
    /// The expression.
    pub expr: Expr,
    /// `AS alias`.
    pub alias: Option<Name>,
}

/// Cached or shared table metadata behind a FROM item, used to infer join conditions.
///
/// ```
/// let m = quarry::TableMeta::Shared(std::sync::Arc::new(quarry::Table::new("t")));
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
    /// let m = quarry::TableMeta::Shared(std::sync::Arc::new(quarry::Table::new("t")));
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
/// let t = quarry::TableRef::named("events").alias("e");
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
    /// assert_eq!(quarry::TableRef::named("t").name, "t");
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
    /// assert_eq!(quarry::TableRef::new(&t).schema.as_deref(), Some("app"));
    /// ```
    pub fn new(table: &Table) -> Self {
        Self::shared(Arc::new(table.clone()))
    }

    /// A runtime table shared through an `Arc` (no copy).
    ///
    /// ```
    /// let t = std::sync::Arc::new(quarry::Table::new("t"));
    /// assert_eq!(quarry::TableRef::shared(t).name, "t");
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
    /// let r = quarry::TableRef::from_static(T.get_or_init(|| quarry::Table::new("t")), Some("x"));
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
    /// assert_eq!(quarry::TableRef::named("t").schema("s").schema.as_deref(), Some("s"));
    /// ```
    pub fn schema(mut self, schema: impl Into<Name>) -> Self {
        self.schema = Some(schema.into());
        self
    }

    /// Sets the alias (`FROM t AS alias`).
    ///
    /// ```
    /// assert_eq!(quarry::TableRef::named("t").alias("a").alias.as_deref(), Some("a"));
    /// ```
    pub fn alias(mut self, alias: impl Into<Name>) -> Self {
        self.alias = Some(alias.into());
        self
    }

    /// What qualifies its columns: the alias, else the name.
    ///
    /// ```
    /// assert_eq!(quarry::TableRef::named("t").qualifier(), "t");
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
    /// assert_eq!(quarry::TableRef::named("t").alias("a").c("x").table_name(), "a");
    /// ```
    pub fn c(&self, name: &str) -> DynColumn {
        DynColumn::new(self.qualifier(), name)
    }
}

/// One entry of FROM or JOIN.
///
/// ```
/// let f = quarry::FromItem::Table(quarry::TableRef::named("t"));
/// assert!(matches!(f, quarry::FromItem::Table(_)));
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
    query: Query,
    alias: Name,
    lateral: bool,
}

impl Subquery {
    /// A dynamic column of the subquery (`alias.name`).
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

    /// A dynamic column of the CTE (`name.column`).
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
/// assert_eq!(quarry::JoinKind::Left.as_sql(), "LEFT JOIN");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum JoinKind {
    /// `JOIN` (inner).
    Inner,
    /// `LEFT JOIN`.
    Left,
    /// `RIGHT JOIN`.
    Right,
    /// `FULL JOIN` (unsupported on MySQL and MariaDB).
    Full,
    /// `CROSS JOIN`.
    Cross,
}

impl JoinKind {
    /// The keywords.
    ///
    /// ```
    /// assert_eq!(quarry::JoinKind::Cross.as_sql(), "CROSS JOIN");
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
/// let j = quarry::Join { kind: quarry::JoinKind::Cross, item: quarry::FromItem::Table(quarry::TableRef::named("t")), on: None };
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

/// Lock strength of a row-locking clause.
///
/// ```
/// assert_ne!(quarry::LockStrength::Update, quarry::LockStrength::Share);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum LockStrength {
    /// `FOR UPDATE`.
    Update,
    /// `FOR SHARE` (`LOCK IN SHARE MODE` on MariaDB).
    Share,
}

/// What a row-locking clause does with locked rows.
///
/// ```
/// assert_ne!(quarry::LockWait::NoWait, quarry::LockWait::SkipLocked);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum LockWait {
    /// Wait (the default).
    Wait,
    /// `NOWAIT`.
    NoWait,
    /// `SKIP LOCKED`.
    SkipLocked,
}

/// A row-locking clause: `FOR UPDATE` / `FOR SHARE` [`OF …`] [`NOWAIT` | `SKIP LOCKED`].
/// Unsupported on SQLite; MariaDB has no `OF`.
///
/// ```
/// use quarry::prelude::*;
/// let q = select(quarry::val(1_i64)).from("t").lock(RowLock::share().nowait());
/// assert_eq!(q.compile(&quarry::Postgres).unwrap().sql, "SELECT $1 FROM t FOR SHARE NOWAIT");
/// assert_eq!(q.compile(&quarry::MariaDb).unwrap().sql, "SELECT ? FROM t LOCK IN SHARE MODE NOWAIT");
/// assert!(q.compile(&quarry::Sqlite).unwrap_err().is_unsupported());
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct RowLock {
    /// Update or share.
    pub strength: LockStrength,
    /// `OF` tables (names or aliases).
    pub of: Vec<Name>,
    /// Waiting behaviour.
    pub wait: LockWait,
}

impl RowLock {
    /// `FOR UPDATE`.
    ///
    /// ```
    /// assert_eq!(quarry::RowLock::update().strength, quarry::LockStrength::Update);
    /// ```
    pub fn update() -> Self {
        RowLock {
            strength: LockStrength::Update,
            of: Vec::new(),
            wait: LockWait::Wait,
        }
    }

    /// `FOR SHARE`.
    ///
    /// ```
    /// assert_eq!(quarry::RowLock::share().strength, quarry::LockStrength::Share);
    /// ```
    pub fn share() -> Self {
        RowLock {
            strength: LockStrength::Share,
            ..RowLock::update()
        }
    }

    /// Adds a table (name or alias) to `OF`.
    ///
    /// ```
    /// assert_eq!(quarry::RowLock::update().of("u").of, ["u"]);
    /// ```
    pub fn of(mut self, table: impl Into<Name>) -> Self {
        self.of.push(table.into());
        self
    }

    /// `NOWAIT`.
    ///
    /// ```
    /// assert_eq!(quarry::RowLock::update().nowait().wait, quarry::LockWait::NoWait);
    /// ```
    pub fn nowait(mut self) -> Self {
        self.wait = LockWait::NoWait;
        self
    }

    /// `SKIP LOCKED`.
    ///
    /// ```
    /// assert_eq!(quarry::RowLock::update().skip_locked().wait, quarry::LockWait::SkipLocked);
    /// ```
    pub fn skip_locked(mut self) -> Self {
        self.wait = LockWait::SkipLocked;
        self
    }
}

/// DISTINCT or DISTINCT ON.
///
/// ```
/// assert_eq!(quarry::Distinct::default(), quarry::Distinct::None);
/// ```
#[derive(Clone, Debug, Default, PartialEq)]
pub enum Distinct {
    /// Plain SELECT.
    #[default]
    None,
    /// `SELECT DISTINCT`.
    All,
    /// `SELECT DISTINCT ON (…)` (PostgreSQL only).
    On(Vec<Expr>),
}

/// A SELECT's FROM items: one kept inline (the common case: no allocation), more in a
/// vector. Reads as a slice.
///
/// ```
/// use quarry::{FromItem, FromItems, TableRef};
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
    /// let mut from = quarry::FromItems::default();
    /// from.push(quarry::FromItem::Table(quarry::TableRef::named("t")));
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

/// The data of a SELECT statement.
///
/// ```
/// let s = quarry::SelectStmt::default();
/// assert!(s.items.is_empty() && s.from.is_empty());
/// ```
#[derive(Clone, Debug, Default, PartialEq)]
pub struct SelectStmt {
    /// WITH.
    pub ctes: Vec<Cte>,
    /// WITH RECURSIVE.
    pub recursive: bool,
    /// DISTINCT.
    pub distinct: Distinct,
    /// The select list (`*` when empty).
    pub items: Vec<SelectItem>,
    /// FROM.
    pub from: FromItems,
    /// JOINs.
    pub joins: Vec<Join>,
    /// WHERE.
    pub filter: Option<Expr>,
    /// GROUP BY.
    pub group_by: Vec<Expr>,
    /// HAVING.
    pub having: Option<Expr>,
    /// WINDOW name AS (…).
    pub windows: Vec<(Name, Window)>,
    /// ORDER BY.
    pub order_by: Vec<OrderBy>,
    /// LIMIT.
    pub limit: Option<u64>,
    /// OFFSET.
    pub offset: Option<u64>,
    /// FOR UPDATE / FOR SHARE.
    pub lock: Option<RowLock>,
    /// A misuse found while building (e.g. `on` without a join), reported when compiling.
    pub(crate) error: Option<&'static str>,
}

/// A set operator.
///
/// ```
/// assert_eq!(quarry::SetOp::UnionAll.as_sql(), "UNION ALL");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum SetOp {
    /// `UNION`.
    Union,
    /// `UNION ALL`.
    UnionAll,
    /// `INTERSECT`.
    Intersect,
    /// `EXCEPT`.
    Except,
}

impl SetOp {
    /// The keywords.
    ///
    /// ```
    /// assert_eq!(quarry::SetOp::Except.as_sql(), "EXCEPT");
    /// ```
    pub fn as_sql(self) -> &'static str {
        match self {
            SetOp::Union => "UNION",
            SetOp::UnionAll => "UNION ALL",
            SetOp::Intersect => "INTERSECT",
            SetOp::Except => "EXCEPT",
        }
    }
}

/// The data of a compound SELECT: members joined left to right by set operators, with the
/// whole result's ORDER BY / LIMIT / OFFSET.
///
/// ```
/// let c = quarry::select(quarry::val(1_i64)).union(quarry::select(quarry::val(2_i64)));
/// assert_eq!(c.stmt().rest.len(), 1);
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct CompoundStmt {
    /// The first member.
    pub first: Query,
    /// The following members with their operators.
    pub rest: Vec<(SetOp, Query)>,
    /// ORDER BY of the whole result (columns are referred to by name).
    pub order_by: Vec<OrderBy>,
    /// LIMIT.
    pub limit: Option<u64>,
    /// OFFSET.
    pub offset: Option<u64>,
}

/// Expressions given as one, a tuple or a vector (GROUP BY, PARTITION BY, function args).
///
/// ```
/// use quarry::ExprList;
/// let a = quarry::Column::<i64>::new("t", "a");
/// assert_eq!((a, a).into_exprs().len(), 2);
/// assert_eq!(a.into_exprs().len(), 1);
/// ```
pub trait ExprList {
    /// The expressions.
    fn into_exprs(self) -> Vec<Expr>;
}

impl<E: IntoExpr> ExprList for E {
    fn into_exprs(self) -> Vec<Expr> {
        vec![self.into_expr()]
    }
}
impl ExprList for Vec<Expr> {
    fn into_exprs(self) -> Vec<Expr> {
        self
    }
}
impl<E: IntoExpr, const N: usize> ExprList for [E; N] {
    fn into_exprs(self) -> Vec<Expr> {
        self.into_iter().map(IntoExpr::into_expr).collect()
    }
}
impl ExprList for () {
    fn into_exprs(self) -> Vec<Expr> {
        Vec::new()
    }
}

/// ORDER BY terms given as an [`OrderBy`], an expression (ascending), a tuple or a vector.
///
/// ```
/// use quarry::prelude::*;
/// let a = quarry::Column::<i64>::new("t", "a");
/// let q = select(a).from("t").order_by((a.desc(), a));
/// assert_eq!(q.compile(&quarry::Sqlite).unwrap().sql, "SELECT t.a FROM t ORDER BY t.a DESC, t.a");
/// ```
pub trait IntoOrderBy {
    /// Appends the terms to `out`.
    fn push_order(self, out: &mut Vec<OrderBy>);
}

impl IntoOrderBy for OrderBy {
    fn push_order(self, out: &mut Vec<OrderBy>) {
        out.push(self);
    }
}
impl<E: IntoExpr> IntoOrderBy for E {
    fn push_order(self, out: &mut Vec<OrderBy>) {
        out.push(OrderBy::asc(self));
    }
}
impl IntoOrderBy for Vec<OrderBy> {
    fn push_order(self, out: &mut Vec<OrderBy>) {
        out.extend(self);
    }
}

/// A labelled expression in a select list (`expr AS label`), see
/// [`crate::ExprMethods::label`].
///
/// ```
/// use quarry::prelude::*;
/// let l = quarry::Column::<i64>::new("t", "a").label("x");
/// assert_eq!(select(l).compile(&quarry::Sqlite).unwrap().sql, "SELECT t.a AS x");
/// ```
pub struct Labeled<T> {
    expr: Expr,
    label: Name,
    _t: PhantomData<fn() -> T>,
}

impl<T> Labeled<T> {
    pub(crate) fn new(expr: Expr, label: Name) -> Self {
        Labeled {
            expr,
            label,
            _t: PhantomData,
        }
    }
}

impl<T> Clone for Labeled<T> {
    fn clone(&self) -> Self {
        Labeled::new(self.expr.clone(), self.label.clone())
    }
}

impl<T> fmt::Debug for Labeled<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?} AS {}", self.expr, self.label)
    }
}

/// What a select list is made of: columns, typed expressions, labelled expressions, dynamic
/// columns and expressions, and tuples of those (up to 16). `Row` is the Rust type a result
/// row decodes into: the tuple of the items' types (`Value` for dynamic items).
///
/// ```
/// use quarry::prelude::*;
/// quarry::table! { pub struct T("t") { a: i64, b: Option<String> } }
/// let t = T::new();
/// let q: quarry::Select<(i64, Option<String>, i64)> = select((t.a, t.b, count_star()));
/// # let _ = q;
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be selected",
    label = "not a select list",
    note = "select columns, expressions, labelled expressions or a tuple of them (at most 16)"
)]
pub trait Selection {
    /// The Rust type of one result row.
    type Row;
    /// Appends the items.
    fn push_items(self, out: &mut Vec<SelectItem>);
}

fn item(expr: Expr) -> SelectItem {
    SelectItem { expr, alias: None }
}

impl<T> Selection for Column<T> {
    type Row = T;
    #[inline]
    fn push_items(self, out: &mut Vec<SelectItem>) {
        super::push_made(out, || item(self.into_expr()));
    }
}
impl<T> Selection for TypedExpr<T> {
    type Row = T;
    fn push_items(self, out: &mut Vec<SelectItem>) {
        out.push(item(self.into_expr()));
    }
}
impl<T> Selection for Labeled<T> {
    type Row = T;
    fn push_items(self, out: &mut Vec<SelectItem>) {
        out.push(SelectItem {
            expr: self.expr,
            alias: Some(self.label),
        });
    }
}
impl Selection for DynColumn {
    type Row = Value;
    fn push_items(self, out: &mut Vec<SelectItem>) {
        out.push(item(self.into_expr()));
    }
}
impl Selection for Expr {
    type Row = Value;
    fn push_items(self, out: &mut Vec<SelectItem>) {
        out.push(item(self));
    }
}
impl Selection for crate::Sql {
    type Row = Value;
    fn push_items(self, out: &mut Vec<SelectItem>) {
        out.push(item(self.into_expr()));
    }
}
impl Selection for Vec<Expr> {
    type Row = Row;
    fn push_items(self, out: &mut Vec<SelectItem>) {
        out.extend(self.into_iter().map(item));
    }
}
impl Selection for Vec<SelectItem> {
    type Row = Row;
    fn push_items(self, out: &mut Vec<SelectItem>) {
        out.extend(self);
    }
}

/// A Rust type a result row decodes into: [`Row`] itself, one [`FromValue`] for a one-column
/// row, or a tuple of `FromValue`s taking the columns in order.
///
/// ```
/// use quarry::{DecodeRow, Row, Value};
/// let row = Row::new(vec!["a".to_string(), "b".into()].into(), vec![Value::I64(1), Value::from("x")]);
/// let (a, b): (i64, String) = DecodeRow::decode_row(row).unwrap();
/// assert_eq!((a, b.as_str()), (1, "x"));
/// ```
#[diagnostic::on_unimplemented(
    message = "rows cannot be decoded into `{Self}`",
    note = "a row decodes into `Row`, a single decodable value, or a tuple of decodable values"
)]
pub trait DecodeRow: Sized {
    /// Decodes `row`.
    fn decode_row(row: Row) -> Result<Self>;
}

impl DecodeRow for Row {
    fn decode_row(row: Row) -> Result<Self> {
        Ok(row)
    }
}

impl<T: FromValue> DecodeRow for T {
    fn decode_row(row: Row) -> Result<Self> {
        if row.len() != 1 {
            return Err(Error::Decode {
                column: String::new(),
                message: format!("expected 1 column, the row has {}", row.len()),
            });
        }
        row.get(0)
    }
}

macro_rules! tuples {
    ($( ($($t:ident $i:tt),+) )*) => {$(
        impl<$($t: Selection),+> Selection for ($($t,)+) {
            type Row = ($($t::Row,)+);
            fn push_items(self, out: &mut Vec<SelectItem>) {
                $( self.$i.push_items(out); )+
            }
        }
        impl<$($t: super::clauses::ColumnNames),+> super::clauses::ColumnNames for ($($t,)+) {
            fn push_names(self, out: &mut Vec<Name>) {
                $( self.$i.push_names(out); )+
            }
        }
        impl<$($t: IntoExpr),+> ExprList for ($($t,)+) {
            fn into_exprs(self) -> Vec<Expr> {
                vec![$( self.$i.into_expr() ),+]
            }
        }
        impl<$($t: IntoOrderBy),+> IntoOrderBy for ($($t,)+) {
            fn push_order(self, out: &mut Vec<OrderBy>) {
                $( self.$i.push_order(out); )+
            }
        }
        impl<$($t: FromValue),+> DecodeRow for ($($t,)+) {
            fn decode_row(row: Row) -> Result<Self> {
                let n = [$($i),+].len();
                if row.len() != n {
                    return Err(Error::Decode {
                        column: String::new(),
                        message: format!("expected {n} columns, the row has {}", row.len()),
                    });
                }
                // The values move out of the row (text is not copied).
                let (columns, values) = row.into_parts();
                let mut values = values.into_iter();
                let name = |i: usize| columns.get(i).map_or("?", String::as_str);
                Ok(($(
                    match values.next() {
                        Some(v) => $t::from_value(v, name($i))?,
                        None => return Err(Error::Decode {
                            column: name($i).to_owned(),
                            message: "the row ended early".into(),
                        }),
                    },
                )+))
            }
        }
    )*};
}

/// Calls macro `$m` with every tuple arity from 1 to 16, as `(A 0, B 1, …)` (a type name and
/// a field index per element): the one list behind the tuple impls of SELECT and of INSERT
/// and UPDATE rows.
macro_rules! for_each_tuple {
    ($m:ident) => {
        $m! {
            (A 0)
            (A 0, B 1)
            (A 0, B 1, C 2)
            (A 0, B 1, C 2, D 3)
            (A 0, B 1, C 2, D 3, E 4)
            (A 0, B 1, C 2, D 3, E 4, F 5)
            (A 0, B 1, C 2, D 3, E 4, F 5, G 6)
            (A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7)
            (A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7, I 8)
            (A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7, I 8, J 9)
            (A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7, I 8, J 9, K 10)
            (A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7, I 8, J 9, K 10, L 11)
            (A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7, I 8, J 9, K 10, L 11, M 12)
            (A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7, I 8, J 9, K 10, L 11, M 12, N 13)
            (A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7, I 8, J 9, K 10, L 11, M 12, N 13, O 14)
            (A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7, I 8, J 9, K 10, L 11, M 12, N 13, O 14, P 15)
        }
    };
}
pub(crate) use for_each_tuple;

for_each_tuple!(tuples);

/// Starts a SELECT of `items`; its rows decode into `S::Row` (see [`Selection`]).
///
/// ```
/// use quarry::prelude::*;
/// use quarry::{Postgres, MySql, Sqlite, Value};
/// quarry::table! { pub struct Users("users") { id: i64, name: String, active: bool } }
/// let u = Users::new();
/// let q = select((u.id, u.name)).from(u).filter(u.active.eq(true)).order_by(u.name).limit(5);
/// let pg = q.compile(&Postgres).unwrap();
/// assert_eq!(pg.sql, "SELECT users.id, users.name FROM users WHERE users.active = $1 ORDER BY users.name LIMIT 5");
/// assert_eq!(pg.params, [Value::Bool(true)]);
/// assert_eq!(q.compile(&MySql).unwrap().sql,
///     "SELECT users.id, users.name FROM users WHERE users.active = ? ORDER BY users.name LIMIT 5");
/// assert_eq!(q.compile(&Sqlite).unwrap().sql,
///     "SELECT users.id, users.name FROM users WHERE users.active = ? ORDER BY users.name LIMIT 5");
/// ```
pub fn select<S: Selection>(items: S) -> Select<S::Row> {
    // Built in its box: a copy of a freshly written statement costs more than its size.
    let mut stmt = Box::<SelectStmt>::default();
    stmt.items = Vec::with_capacity(4);
    items.push_items(&mut stmt.items);
    Select {
        stmt,
        _row: PhantomData,
    }
}

/// A SELECT statement whose rows decode into `R` ([`Row`] for dynamic selects).
///
/// Plain data ([`SelectStmt`]) plus a phantom row type; `Clone + Send + Sync + Debug`.
/// Build it with [`select`] and chained methods, then compile it
/// ([`Select::compile`]) or run it ([`Select::fetch_all`], or `engine.fetch_all(&q)`).
///
/// ```
/// let q = quarry::Select::new().column(quarry::DynColumn::new("t", "a")).from("t");
/// assert_eq!(q.compile(&quarry::Sqlite).unwrap().sql, "SELECT t.a FROM t");
/// ```
pub struct Select<R = Row> {
    pub(crate) stmt: Box<SelectStmt>,
    _row: PhantomData<fn() -> R>,
}

impl<R> Clone for Select<R> {
    fn clone(&self) -> Self {
        Select {
            stmt: self.stmt.clone(),
            _row: PhantomData,
        }
    }
}

impl<R> fmt::Debug for Select<R> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.stmt.fmt(f)
    }
}

impl<R> PartialEq for Select<R> {
    fn eq(&self, other: &Self) -> bool {
        self.stmt == other.stmt
    }
}

impl Default for Select<Row> {
    fn default() -> Self {
        Select::new()
    }
}

impl Select<Row> {
    /// An empty dynamic SELECT (`SELECT *` until columns are added).
    ///
    /// ```
    /// assert_eq!(quarry::Select::new().from("t").compile(&quarry::Sqlite).unwrap().sql, "SELECT * FROM t");
    /// ```
    pub fn new() -> Self {
        Select {
            stmt: Box::default(),
            _row: PhantomData,
        }
    }

    /// A dynamic SELECT over existing statement data.
    ///
    /// ```
    /// let q = quarry::Select::from_stmt(quarry::SelectStmt::default());
    /// # let _ = q;
    /// ```
    pub fn from_stmt(stmt: SelectStmt) -> Self {
        Select {
            stmt: Box::new(stmt),
            _row: PhantomData,
        }
    }

    /// Adds a column or expression to a dynamic select list.
    ///
    /// ```
    /// use quarry::prelude::*;
    /// let q = quarry::Select::new().column(quarry::DynColumn::new("t", "a")).column(count_star().label("n")).from("t");
    /// assert_eq!(q.compile(&quarry::Sqlite).unwrap().sql, "SELECT t.a, count(*) AS n FROM t");
    /// ```
    pub fn column(mut self, item: impl Selection) -> Self {
        item.push_items(&mut self.stmt.items);
        self
    }
}

impl<R> Select<R> {
    /// The statement's data.
    ///
    /// ```
    /// assert_eq!(quarry::select(quarry::val(1_i64)).stmt().items.len(), 1);
    /// ```
    pub fn stmt(&self) -> &SelectStmt {
        &self.stmt
    }

    /// The statement's data, consuming the builder.
    ///
    /// ```
    /// assert_eq!(quarry::select(quarry::val(1_i64)).into_stmt().items.len(), 1);
    /// ```
    pub fn into_stmt(self) -> SelectStmt {
        *self.stmt
    }

    /// Forgets the row type: a dynamic select whose rows are [`Row`]s.
    ///
    /// ```
    /// let q: quarry::Select = quarry::select(quarry::val(1_i64)).dynamic();
    /// # let _ = q;
    /// ```
    pub fn dynamic(self) -> Select<Row> {
        Select {
            stmt: self.stmt,
            _row: PhantomData,
        }
    }

    /// `SELECT DISTINCT`.
    ///
    /// ```
    /// let q = quarry::select(quarry::DynColumn::new("t", "a")).from("t").distinct();
    /// assert_eq!(q.compile(&quarry::Sqlite).unwrap().sql, "SELECT DISTINCT t.a FROM t");
    /// ```
    pub fn distinct(mut self) -> Self {
        self.stmt.distinct = Distinct::All;
        self
    }

    /// `SELECT DISTINCT ON (…)` (PostgreSQL only; unsupported elsewhere).
    ///
    /// ```
    /// let a = quarry::DynColumn::new("t", "a");
    /// let q = quarry::select(a.clone()).from("t").distinct_on(a);
    /// assert_eq!(q.compile(&quarry::Postgres).unwrap().sql, "SELECT DISTINCT ON (t.a) t.a FROM t");
    /// assert!(q.compile(&quarry::MySql).unwrap_err().is_unsupported());
    /// ```
    pub fn distinct_on(mut self, exprs: impl ExprList) -> Self {
        self.stmt.distinct = Distinct::On(exprs.into_exprs());
        self
    }

    /// Adds a FROM item (several make a comma-separated cross product).
    ///
    /// ```
    /// use quarry::prelude::*;
    /// quarry::table! { pub struct T("t") { a: i64 } }
    /// let q = select(T::new().a).from(T::new());
    /// assert_eq!(q.compile(&quarry::Sqlite).unwrap().sql, "SELECT t.a FROM t");
    /// ```
    #[inline]
    pub fn from(mut self, source: impl TableSource) -> Self {
        self.stmt.from.push(source.into_from_item());
        self
    }

    fn push_join(mut self, kind: JoinKind, source: impl TableSource) -> Self {
        self.stmt.joins.push(Join {
            kind,
            item: source.into_from_item(),
            on: None,
        });
        self
    }

    /// `JOIN source`; give the condition with [`Select::on`], or leave it out to have it
    /// inferred (when compiling) from the one foreign key between `source` and the tables
    /// already in FROM; none or several is an error asking for an explicit ON.
    ///
    /// ```
    /// use quarry::prelude::*;
    /// quarry::table! { pub struct A("a") { id: i64 } }
    /// quarry::table! { pub struct B("b") { id: i64, a_id: i64 } with { foreign_key(quarry::ForeignKey::new(["a_id"], "a", ["id"])) } }
    /// let (a, b) = (A::new(), B::new());
    /// let q = select((a.id, b.id)).from(a).join(b);
    /// assert_eq!(q.compile(&quarry::Sqlite).unwrap().sql, "SELECT a.id, b.id FROM a JOIN b ON b.a_id = a.id");
    /// let q = select((a.id, b.id)).from(a).join(b).on(b.id.eq(a.id));
    /// assert_eq!(q.compile(&quarry::Sqlite).unwrap().sql, "SELECT a.id, b.id FROM a JOIN b ON b.id = a.id");
    /// ```
    pub fn join(self, source: impl TableSource) -> Self {
        self.push_join(JoinKind::Inner, source)
    }

    /// `LEFT JOIN source` (ON from [`Select::on`] or inferred).
    ///
    /// ```
    /// let q = quarry::Select::new().from("a").left_join("b").on(quarry::sql("TRUE"));
    /// assert_eq!(q.compile(&quarry::Postgres).unwrap().sql, "SELECT * FROM a LEFT JOIN b ON TRUE");
    /// ```
    pub fn left_join(self, source: impl TableSource) -> Self {
        self.push_join(JoinKind::Left, source)
    }

    /// `RIGHT JOIN source` (ON from [`Select::on`] or inferred).
    ///
    /// ```
    /// let q = quarry::Select::new().from("a").right_join("b").on(quarry::sql("TRUE"));
    /// assert_eq!(q.compile(&quarry::Postgres).unwrap().sql, "SELECT * FROM a RIGHT JOIN b ON TRUE");
    /// ```
    pub fn right_join(self, source: impl TableSource) -> Self {
        self.push_join(JoinKind::Right, source)
    }

    /// `FULL JOIN source` (ON from [`Select::on`] or inferred); unsupported on MySQL and
    /// MariaDB.
    ///
    /// ```
    /// let q = quarry::Select::new().from("a").full_join("b").on(quarry::sql("TRUE"));
    /// assert_eq!(q.compile(&quarry::Postgres).unwrap().sql, "SELECT * FROM a FULL JOIN b ON TRUE");
    /// assert!(q.compile(&quarry::MariaDb).unwrap_err().is_unsupported());
    /// ```
    pub fn full_join(self, source: impl TableSource) -> Self {
        self.push_join(JoinKind::Full, source)
    }

    /// `CROSS JOIN source`.
    ///
    /// ```
    /// let q = quarry::Select::new().from("a").cross_join("b");
    /// assert_eq!(q.compile(&quarry::Sqlite).unwrap().sql, "SELECT * FROM a CROSS JOIN b");
    /// ```
    pub fn cross_join(self, source: impl TableSource) -> Self {
        self.push_join(JoinKind::Cross, source)
    }

    /// Sets the ON condition of the last join (ANDed with one given before); without a join,
    /// or after a CROSS JOIN, compiling is an invalid-statement error.
    ///
    /// ```
    /// let q = quarry::Select::new().from("a").join("b").on(quarry::sql("a.x = b.x"));
    /// assert_eq!(q.compile(&quarry::Sqlite).unwrap().sql, "SELECT * FROM a JOIN b ON a.x = b.x");
    /// ```
    pub fn on(mut self, cond: impl Operand<bool>) -> Self {
        match self.stmt.joins.last_mut() {
            Some(j) if j.kind != JoinKind::Cross => {
                let cond = cond.into_operand();
                j.on = Some(match j.on.take() {
                    Some(prev) => prev.and_expr(cond),
                    None => cond,
                });
            }
            _ => self.stmt.error = Some("`on` must follow an inner or outer join"),
        }
        self
    }

    /// Adds a WHERE condition (ANDed with earlier ones).
    ///
    /// ```
    /// use quarry::prelude::*;
    /// let a = quarry::Column::<i64>::new("t", "a");
    /// let q = select(a).from("t").filter(a.gt(1)).filter(a.lt(9));
    /// assert_eq!(q.compile(&quarry::Postgres).unwrap().sql, "SELECT t.a FROM t WHERE t.a > $1 AND t.a < $2");
    /// ```
    pub fn filter(mut self, cond: impl Operand<bool>) -> Self {
        super::clauses::and_into(&mut self.stmt.filter, cond.into_operand());
        self
    }

    /// Adds GROUP BY expressions.
    ///
    /// ```
    /// use quarry::prelude::*;
    /// let a = quarry::Column::<i64>::new("t", "a");
    /// let q = select((a, count_star())).from("t").group_by(a).having(count_star().gt(1));
    /// assert_eq!(q.compile(&quarry::Sqlite).unwrap().sql,
    ///     "SELECT t.a, count(*) FROM t GROUP BY t.a HAVING count(*) > ?");
    /// ```
    pub fn group_by(mut self, exprs: impl ExprList) -> Self {
        self.stmt.group_by.extend(exprs.into_exprs());
        self
    }

    /// Adds a HAVING condition (ANDed with earlier ones).
    ///
    /// ```
    /// use quarry::prelude::*;
    /// let a = quarry::Column::<i64>::new("t", "a");
    /// let q = select(a).from("t").group_by(a).having(count(a).ge(2));
    /// assert_eq!(q.compile(&quarry::Postgres).unwrap().sql, "SELECT t.a FROM t GROUP BY t.a HAVING count(t.a) >= $1");
    /// ```
    pub fn having(mut self, cond: impl Operand<bool>) -> Self {
        super::clauses::and_into(&mut self.stmt.having, cond.into_operand());
        self
    }

    /// Adds a named window: `WINDOW name AS (…)`.
    ///
    /// ```
    /// use quarry::prelude::*;
    /// let a = quarry::Column::<i64>::new("t", "a");
    /// let q = select(count(a).over_named("w")).from("t").window("w", Window::new().partition_by(a));
    /// assert_eq!(q.compile(&quarry::Postgres).unwrap().sql,
    ///     "SELECT count(t.a) OVER w FROM t WINDOW w AS (PARTITION BY t.a)");
    /// ```
    pub fn window(mut self, name: impl Into<Name>, window: Window) -> Self {
        self.stmt.windows.push((name.into(), window));
        self
    }

    /// Adds ORDER BY terms (an expression sorts ascending; see [`crate::ExprMethods::desc`],
    /// [`OrderBy::nulls_last`]).
    ///
    /// ```
    /// use quarry::prelude::*;
    /// let a = quarry::Column::<Option<i64>>::new("t", "a");
    /// let q = select(a).from("t").order_by(a.desc().nulls_last());
    /// assert_eq!(q.compile(&quarry::Postgres).unwrap().sql, "SELECT t.a FROM t ORDER BY t.a DESC NULLS LAST");
    /// // MySQL sorts NULLs low: DESC already puts them last; NULLS FIRST is emulated exactly.
    /// assert_eq!(q.compile(&quarry::MySql).unwrap().sql, "SELECT t.a FROM t ORDER BY t.a DESC");
    /// let q = select(a).from("t").order_by(a.desc().nulls_first());
    /// assert_eq!(q.compile(&quarry::MySql).unwrap().sql, "SELECT t.a FROM t ORDER BY t.a IS NULL DESC, t.a DESC");
    /// ```
    pub fn order_by(mut self, order: impl IntoOrderBy) -> Self {
        order.push_order(&mut self.stmt.order_by);
        self
    }

    /// `LIMIT n`.
    ///
    /// ```
    /// let q = quarry::Select::new().from("t").limit(3);
    /// assert_eq!(q.compile(&quarry::Sqlite).unwrap().sql, "SELECT * FROM t LIMIT 3");
    /// ```
    pub fn limit(mut self, n: u64) -> Self {
        self.stmt.limit = Some(n);
        self
    }

    /// `OFFSET n` (with the largest LIMIT on MySQL and `LIMIT -1` on SQLite when no limit is
    /// set).
    ///
    /// ```
    /// let q = quarry::Select::new().from("t").offset(3);
    /// assert_eq!(q.compile(&quarry::Postgres).unwrap().sql, "SELECT * FROM t OFFSET 3");
    /// assert_eq!(q.compile(&quarry::MySql).unwrap().sql, "SELECT * FROM t LIMIT 18446744073709551615 OFFSET 3");
    /// assert_eq!(q.compile(&quarry::Sqlite).unwrap().sql, "SELECT * FROM t LIMIT -1 OFFSET 3");
    /// ```
    pub fn offset(mut self, n: u64) -> Self {
        self.stmt.offset = Some(n);
        self
    }

    /// A row-locking clause (see [`RowLock`]).
    ///
    /// ```
    /// let q = quarry::Select::new().from("t").lock(quarry::RowLock::update().skip_locked());
    /// assert_eq!(q.compile(&quarry::MySql).unwrap().sql, "SELECT * FROM t FOR UPDATE SKIP LOCKED");
    /// ```
    pub fn lock(mut self, lock: RowLock) -> Self {
        self.stmt.lock = Some(lock);
        self
    }

    /// `FOR UPDATE`.
    ///
    /// ```
    /// let q = quarry::Select::new().from("t").for_update();
    /// assert_eq!(q.compile(&quarry::Postgres).unwrap().sql, "SELECT * FROM t FOR UPDATE");
    /// ```
    pub fn for_update(self) -> Self {
        self.lock(RowLock::update())
    }

    /// `FOR SHARE` (`LOCK IN SHARE MODE` on MariaDB).
    ///
    /// ```
    /// let q = quarry::Select::new().from("t").for_share();
    /// assert_eq!(q.compile(&quarry::MariaDb).unwrap().sql, "SELECT * FROM t LOCK IN SHARE MODE");
    /// ```
    pub fn for_share(self) -> Self {
        self.lock(RowLock::share())
    }

    /// Adds a CTE: `WITH name AS (…)`.
    ///
    /// ```
    /// use quarry::prelude::*;
    /// let c = quarry::Cte::new("c", quarry::select(quarry::val(1_i64).label("n")));
    /// let q = quarry::Select::new().with(c.clone()).from(c);
    /// assert_eq!(q.compile(&quarry::Sqlite).unwrap().sql, "WITH c AS (SELECT ? AS n) SELECT * FROM c");
    /// ```
    pub fn with(mut self, cte: Cte) -> Self {
        self.stmt.ctes.push(cte);
        self
    }

    /// Adds a CTE and makes the WITH clause `WITH RECURSIVE`.
    ///
    /// ```
    /// use quarry::prelude::*;
    /// let n = quarry::Column::<i64>::new("c", "n");
    /// let body = select(val(1_i64)).union_all(select(n + 1_i64).from("c").filter(n.lt(3)));
    /// let c = quarry::Cte::new("c", body).columns(["n"]);
    /// let q = quarry::Select::new().with_recursive(c.clone()).from(c);
    /// assert_eq!(q.compile(&quarry::Sqlite).unwrap().sql,
    ///     "WITH RECURSIVE c (n) AS (SELECT ? UNION ALL SELECT c.n + ? FROM c WHERE c.n < ?) SELECT * FROM c");
    /// ```
    pub fn with_recursive(mut self, cte: Cte) -> Self {
        self.stmt.recursive = true;
        self.stmt.ctes.push(cte);
        self
    }

    /// This query as a FROM item: `(SELECT …) AS alias`.
    ///
    /// ```
    /// use quarry::prelude::*;
    /// let s = quarry::select(quarry::val(1_i64).label("x")).subquery("s");
    /// let q = quarry::Select::new().from(s);
    /// assert_eq!(q.compile(&quarry::Sqlite).unwrap().sql, "SELECT * FROM (SELECT ? AS x) AS s");
    /// ```
    pub fn subquery(self, alias: impl Into<Name>) -> Subquery {
        Subquery {
            query: self.into(),
            alias: alias.into(),
            lateral: false,
        }
    }

    /// This query as a LATERAL FROM item (PostgreSQL, MySQL 8; unsupported on MariaDB and
    /// SQLite).
    ///
    /// ```
    /// let l = quarry::select(quarry::DynColumn::new("a", "x")).lateral("l");
    /// let q = quarry::Select::new().from("a").cross_join(l);
    /// assert_eq!(q.compile(&quarry::Postgres).unwrap().sql, "SELECT * FROM a CROSS JOIN LATERAL (SELECT a.x) AS l");
    /// assert!(q.compile(&quarry::Sqlite).unwrap_err().is_unsupported());
    /// ```
    pub fn lateral(self, alias: impl Into<Name>) -> Subquery {
        Subquery {
            query: self.into(),
            alias: alias.into(),
            lateral: true,
        }
    }

    /// This query as a CTE named `name`.
    ///
    /// ```
    /// let c = quarry::select(quarry::val(1_i64)).cte("c");
    /// assert_eq!(c.name, "c");
    /// ```
    pub fn cte(self, name: impl Into<Name>) -> Cte {
        Cte::new(name, self)
    }

    /// This query as a scalar subquery expression `(SELECT …)`, typed by its row (NULL when
    /// it returns no row).
    ///
    /// ```
    /// use quarry::prelude::*;
    /// let a = quarry::Column::<i64>::new("t", "a");
    /// let q = select(select(max(a)).from("t").as_scalar());
    /// assert_eq!(q.compile(&quarry::Sqlite).unwrap().sql, "SELECT (SELECT max(t.a) FROM t)");
    /// ```
    pub fn as_scalar(self) -> TypedExpr<R> {
        TypedExpr::new(Expr::Subquery(Box::new(self.into())))
    }

    fn compound(self, op: SetOp, other: impl Into<Query>) -> Compound<R> {
        Compound {
            stmt: CompoundStmt {
                first: self.into(),
                rest: vec![(op, other.into())],
                order_by: Vec::new(),
                limit: None,
                offset: None,
            },
            _row: PhantomData,
        }
    }

    /// `self UNION other`.
    ///
    /// ```
    /// let q = quarry::select(quarry::val(1_i64)).union(quarry::select(quarry::val(2_i64)));
    /// assert_eq!(q.compile(&quarry::Sqlite).unwrap().sql, "SELECT ? UNION SELECT ?");
    /// ```
    pub fn union(self, other: Select<R>) -> Compound<R> {
        self.compound(SetOp::Union, other)
    }

    /// `self UNION ALL other`.
    ///
    /// ```
    /// let q = quarry::select(quarry::val(1_i64)).union_all(quarry::select(quarry::val(2_i64)));
    /// assert_eq!(q.compile(&quarry::Sqlite).unwrap().sql, "SELECT ? UNION ALL SELECT ?");
    /// ```
    pub fn union_all(self, other: Select<R>) -> Compound<R> {
        self.compound(SetOp::UnionAll, other)
    }

    /// `self INTERSECT other`.
    ///
    /// ```
    /// let q = quarry::select(quarry::val(1_i64)).intersect(quarry::select(quarry::val(2_i64)));
    /// assert_eq!(q.compile(&quarry::Sqlite).unwrap().sql, "SELECT ? INTERSECT SELECT ?");
    /// ```
    pub fn intersect(self, other: Select<R>) -> Compound<R> {
        self.compound(SetOp::Intersect, other)
    }

    /// `self EXCEPT other`.
    ///
    /// ```
    /// let q = quarry::select(quarry::val(1_i64)).except(quarry::select(quarry::val(2_i64)));
    /// assert_eq!(q.compile(&quarry::Sqlite).unwrap().sql, "SELECT ? EXCEPT SELECT ?");
    /// ```
    pub fn except(self, other: Select<R>) -> Compound<R> {
        self.compound(SetOp::Except, other)
    }
}

impl<R> From<Select<R>> for Query {
    fn from(s: Select<R>) -> Query {
        Query::Select(s.stmt)
    }
}

impl<R> From<Compound<R>> for Query {
    fn from(c: Compound<R>) -> Query {
        Query::Compound(Box::new(c.stmt))
    }
}

impl From<SelectStmt> for Query {
    fn from(s: SelectStmt) -> Query {
        Query::Select(Box::new(s))
    }
}

impl<R> IntoExpr for Select<R> {
    /// A select used as an expression is a scalar subquery.
    fn into_expr(self) -> Expr {
        Expr::Subquery(Box::new(self.into()))
    }
}

/// A compound SELECT (`UNION`, `UNION ALL`, `INTERSECT`, `EXCEPT`) whose rows decode into `R`,
/// with its own ORDER BY / LIMIT / OFFSET. A member with its own ORDER BY or LIMIT is
/// parenthesized (wrapped as `SELECT * FROM (…)` on SQLite).
///
/// ```
/// use quarry::prelude::*;
/// let a = quarry::Column::<i64>::new("t", "a");
/// let b = quarry::Column::<i64>::new("u", "b");
/// let q = select(a).from("t").union_all(select(b).from("u").order_by(b).limit(1)).order_by(a.desc()).limit(5);
/// assert_eq!(q.compile(&quarry::Postgres).unwrap().sql,
///     "SELECT t.a FROM t UNION ALL (SELECT u.b FROM u ORDER BY u.b LIMIT 1) ORDER BY a DESC LIMIT 5");
/// assert_eq!(q.compile(&quarry::Sqlite).unwrap().sql,
///     "SELECT t.a FROM t UNION ALL SELECT * FROM (SELECT u.b FROM u ORDER BY u.b LIMIT 1) ORDER BY a DESC LIMIT 5");
/// ```
pub struct Compound<R = Row> {
    pub(crate) stmt: CompoundStmt,
    _row: PhantomData<fn() -> R>,
}

impl<R> Clone for Compound<R> {
    fn clone(&self) -> Self {
        Compound {
            stmt: self.stmt.clone(),
            _row: PhantomData,
        }
    }
}

impl<R> fmt::Debug for Compound<R> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.stmt.fmt(f)
    }
}

impl<R> Compound<R> {
    /// The statement's data.
    ///
    /// ```
    /// let c = quarry::select(quarry::val(1_i64)).union(quarry::select(quarry::val(2_i64)));
    /// assert!(c.stmt().order_by.is_empty());
    /// ```
    pub fn stmt(&self) -> &CompoundStmt {
        &self.stmt
    }

    fn push(mut self, op: SetOp, other: Select<R>) -> Self {
        self.stmt.rest.push((op, other.into()));
        self
    }

    /// Adds `UNION other`.
    ///
    /// ```
    /// let v = |n: i64| quarry::select(quarry::val(n));
    /// assert_eq!(v(1).union(v(2)).union(v(3)).compile(&quarry::Sqlite).unwrap().sql, "SELECT ? UNION SELECT ? UNION SELECT ?");
    /// ```
    pub fn union(self, other: Select<R>) -> Self {
        self.push(SetOp::Union, other)
    }

    /// Adds `UNION ALL other`.
    ///
    /// ```
    /// let v = |n: i64| quarry::select(quarry::val(n));
    /// assert_eq!(v(1).union(v(2)).union_all(v(3)).compile(&quarry::Sqlite).unwrap().sql, "SELECT ? UNION SELECT ? UNION ALL SELECT ?");
    /// ```
    pub fn union_all(self, other: Select<R>) -> Self {
        self.push(SetOp::UnionAll, other)
    }

    /// Adds `INTERSECT other`.
    ///
    /// ```
    /// let v = |n: i64| quarry::select(quarry::val(n));
    /// assert_eq!(v(1).union(v(2)).intersect(v(3)).compile(&quarry::Sqlite).unwrap().sql, "SELECT ? UNION SELECT ? INTERSECT SELECT ?");
    /// ```
    pub fn intersect(self, other: Select<R>) -> Self {
        self.push(SetOp::Intersect, other)
    }

    /// Adds `EXCEPT other`.
    ///
    /// ```
    /// let v = |n: i64| quarry::select(quarry::val(n));
    /// assert_eq!(v(1).union(v(2)).except(v(3)).compile(&quarry::Sqlite).unwrap().sql, "SELECT ? UNION SELECT ? EXCEPT SELECT ?");
    /// ```
    pub fn except(self, other: Select<R>) -> Self {
        self.push(SetOp::Except, other)
    }

    /// ORDER BY of the whole result; column references are written unqualified (output
    /// column names).
    ///
    /// ```
    /// use quarry::prelude::*;
    /// let a = quarry::Column::<i64>::new("t", "a");
    /// let q = select(a).from("t").union(select(a).from("t")).order_by(a);
    /// assert_eq!(q.compile(&quarry::Sqlite).unwrap().sql, "SELECT t.a FROM t UNION SELECT t.a FROM t ORDER BY a");
    /// ```
    pub fn order_by(mut self, order: impl IntoOrderBy) -> Self {
        order.push_order(&mut self.stmt.order_by);
        self
    }

    /// LIMIT of the whole result.
    ///
    /// ```
    /// let v = |n: i64| quarry::select(quarry::val(n));
    /// assert_eq!(v(1).union(v(2)).limit(1).compile(&quarry::Sqlite).unwrap().sql, "SELECT ? UNION SELECT ? LIMIT 1");
    /// ```
    pub fn limit(mut self, n: u64) -> Self {
        self.stmt.limit = Some(n);
        self
    }

    /// OFFSET of the whole result.
    ///
    /// ```
    /// let v = |n: i64| quarry::select(quarry::val(n));
    /// assert_eq!(v(1).union(v(2)).offset(1).compile(&quarry::Postgres).unwrap().sql, "SELECT $1 UNION SELECT $2 OFFSET 1");
    /// ```
    pub fn offset(mut self, n: u64) -> Self {
        self.stmt.offset = Some(n);
        self
    }

    /// This compound as a FROM item: `(… UNION …) AS alias`.
    ///
    /// ```
    /// use quarry::prelude::*;
    /// let v = |n: i64| quarry::select(quarry::val(n).label("n"));
    /// let q = quarry::Select::new().from(v(1).union(v(2)).subquery("s"));
    /// assert_eq!(q.compile(&quarry::Sqlite).unwrap().sql, "SELECT * FROM (SELECT ? AS n UNION SELECT ? AS n) AS s");
    /// ```
    pub fn subquery(self, alias: impl Into<Name>) -> Subquery {
        Subquery {
            query: self.into(),
            alias: alias.into(),
            lateral: false,
        }
    }

    /// This compound as a CTE named `name`.
    ///
    /// ```
    /// let v = |n: i64| quarry::select(quarry::val(n));
    /// assert_eq!(v(1).union(v(2)).cte("c").name, "c");
    /// ```
    pub fn cte(self, name: impl Into<Name>) -> Cte {
        Cte::new(name, self)
    }
}
