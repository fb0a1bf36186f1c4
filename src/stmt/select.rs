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
//!      WHERE u.name = $1 AND o.total > $2 ORDER BY u.id DESC LIMIT $3");
//! assert_eq!(q.compile(&MySql).unwrap().sql,
//!     "SELECT u.id, u.name FROM users AS u JOIN orders AS o ON o.user_id = u.id \
//!      WHERE u.name = ? AND o.total > ? ORDER BY u.id DESC LIMIT ?");
//! assert_eq!(q.compile(&Sqlite).unwrap().params.len(), 3);
//! // Rows decode into (i64, String) with no annotation:
//! # async fn run(engine: &quarry::Engine, q: &quarry::Select<(i64, String)>) -> quarry::Result<()> {
//! let rows = q.fetch_all(engine).await?;
//! for (id, name) in rows { println!("{id} {name}"); }
//! # Ok(()) }
//! ```

pub use super::compound::*;
pub use super::from::*;
pub use super::items::*;
use crate::expr::{Expr, IntoExpr, Name, Operand, OrderBy, TypedExpr, Window};
use crate::value::Row;
use std::fmt;
use std::marker::PhantomData;

/// A query usable as a subquery, a CTE body or a compound member: a SELECT or a compound
/// SELECT.
///
/// ```
/// let q: quarry::stmt::Query = quarry::select(quarry::val(1_i64)).into();
/// assert!(matches!(q, quarry::stmt::Query::Select(_)));
/// ```
#[derive(Clone, Debug, PartialEq)]
pub enum Query {
    /// A SELECT.
    Select(Box<SelectStmt>),
    /// A UNION / INTERSECT / EXCEPT chain.
    Compound(Box<CompoundStmt>),
    /// `VALUES (…), (…)` ([`crate::Cte::values`]).
    Values(Box<ValuesStmt>),
}

/// Rows of values as a query, `VALUES (1, 'a'), (2, 'b')` (`VALUES ROW(…)` on MySQL 8): the
/// body of a CTE made by [`crate::Cte::values`], which names its columns.
///
/// ```
/// let v = quarry::stmt::ValuesStmt { rows: vec![vec![quarry::val(1_i64).into()]] };
/// assert_eq!(v.rows.len(), 1);
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct ValuesStmt {
    /// The rows, each of the same number of expressions.
    pub rows: Vec<Vec<Expr>>,
}

/// One item of a select list: an expression and its label.
///
/// ```
/// let i = quarry::stmt::SelectItem { expr: quarry::val(1_i64).into(), alias: Some("one".into()) };
/// assert_eq!(i.alias.as_deref(), Some("one"));
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct SelectItem {
    /// The expression.
    pub expr: Expr,
    /// `AS alias`.
    pub alias: Option<Name>,
}

/// Lock strength of a row-locking clause.
///
/// ```
/// assert_ne!(quarry::stmt::LockStrength::Update, quarry::stmt::LockStrength::Share);
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
/// assert_ne!(quarry::stmt::LockWait::NoWait, quarry::stmt::LockWait::SkipLocked);
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
    /// assert_eq!(quarry::stmt::RowLock::update().strength, quarry::stmt::LockStrength::Update);
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
    /// assert_eq!(quarry::stmt::RowLock::share().strength, quarry::stmt::LockStrength::Share);
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
    /// assert_eq!(quarry::stmt::RowLock::update().of("u").of, ["u"]);
    /// ```
    pub fn of(mut self, table: impl Into<Name>) -> Self {
        self.of.push(table.into());
        self
    }

    /// `NOWAIT`.
    ///
    /// ```
    /// assert_eq!(quarry::stmt::RowLock::update().nowait().wait, quarry::stmt::LockWait::NoWait);
    /// ```
    pub fn nowait(mut self) -> Self {
        self.wait = LockWait::NoWait;
        self
    }

    /// `SKIP LOCKED`.
    ///
    /// ```
    /// assert_eq!(quarry::stmt::RowLock::update().skip_locked().wait, quarry::stmt::LockWait::SkipLocked);
    /// ```
    pub fn skip_locked(mut self) -> Self {
        self.wait = LockWait::SkipLocked;
        self
    }
}

/// DISTINCT or DISTINCT ON.
///
/// ```
/// assert_eq!(quarry::stmt::Distinct::default(), quarry::stmt::Distinct::None);
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

/// The data of a SELECT statement.
///
/// ```
/// let s = quarry::stmt::SelectStmt::default();
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
    /// `GROUP BY ROLLUP (…)`: the GROUP BY list also gives subtotal rows.
    pub rollup: bool,
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

/// Starts a SELECT of `items`; its rows decode into `S::Row` (see [`Selection`]).
///
/// ```
/// use quarry::prelude::*;
/// use quarry::{Postgres, MySql, Sqlite, Value};
/// quarry::table! { pub struct Users("users") { id: i64, name: String, active: bool } }
/// let u = Users::new();
/// let q = select((u.id, u.name)).from(u).filter(u.active.eq(true)).order_by(u.name).limit(5);
/// let pg = q.compile(&Postgres).unwrap();
/// assert_eq!(pg.sql, "SELECT users.id, users.name FROM users WHERE users.active = $1 ORDER BY users.name LIMIT $2");
/// assert_eq!(pg.params, [Value::Bool(true), Value::I64(5)]);
/// assert_eq!(q.compile(&MySql).unwrap().sql,
///     "SELECT users.id, users.name FROM users WHERE users.active = ? ORDER BY users.name LIMIT ?");
/// assert_eq!(q.compile(&Sqlite).unwrap().sql,
///     "SELECT users.id, users.name FROM users WHERE users.active = ? ORDER BY users.name LIMIT ?");
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
    /// let q = quarry::Select::from_stmt(quarry::stmt::SelectStmt::default());
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
    /// already in FROM; none or several is an error asking for an explicit ON. A
    /// self-referencing key (employee → manager) links two aliases of its table either way,
    /// so such a join always needs its ON.
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

    /// `FULL JOIN source` (ON from [`Select::on`] or inferred): every row of both sides, paired
    /// where ON holds, the other side's columns NULL where it holds for none.
    ///
    /// MySQL and MariaDB have no FULL JOIN: there the same rows come from the LEFT JOIN
    /// `UNION ALL` the RIGHT JOIN's rows whose left key `IS NULL` (the right side's unmatched
    /// rows), the key being a primary-key or NOT NULL column of a table on the left, known from
    /// its metadata. ORDER BY then applies to the union, by select-list position. Where the
    /// two halves could give other rows than the FULL JOIN (GROUP BY, aggregates, window
    /// functions, DISTINCT, row locks, two FULL JOINs, no NOT NULL column known on the left,
    /// ORDER BY terms outside the select list) compiling is [`crate::ErrorKind::Unsupported`],
    /// naming the rewrite and why. PORTABILITY.md lists the cases.
    ///
    /// ```
    /// use quarry::prelude::*;
    /// use quarry::{MariaDb, MySql, Postgres, Sqlite};
    /// quarry::table! { pub struct Users("users") { id: i64 => primary_key(), name: String } }
    /// quarry::table! { pub struct Orders("orders") { id: i64 => primary_key(), user_id: Option<i64> } }
    /// let (u, o) = (Users::new(), Orders::new());
    /// let q = select((u.name.nullable(), o.id.nullable()))
    ///     .from(u)
    ///     .full_join(o)
    ///     .on(o.user_id.eq(u.id))
    ///     .filter(o.id.ne(7_i64).or(o.id.is_null()))
    ///     .order_by(o.id)
    ///     .limit(10);
    /// assert_eq!(q.compile(&Postgres).unwrap().sql,
    ///     "SELECT users.name, orders.id FROM users FULL JOIN orders ON orders.user_id = users.id \
    ///      WHERE orders.id <> $1 OR orders.id IS NULL ORDER BY orders.id LIMIT $2");
    /// assert_eq!(q.compile(&Sqlite).unwrap().sql,
    ///     "SELECT users.name, orders.id FROM users FULL JOIN orders ON orders.user_id = users.id \
    ///      WHERE orders.id <> ? OR orders.id IS NULL ORDER BY orders.id LIMIT ?");
    /// let emulated =
    ///     "SELECT users.name, orders.id FROM users LEFT JOIN orders ON orders.user_id = users.id \
    ///      WHERE orders.id <> ? OR orders.id IS NULL \
    ///      UNION ALL \
    ///      SELECT users.name, orders.id FROM users RIGHT JOIN orders ON orders.user_id = users.id \
    ///      WHERE users.id IS NULL AND (orders.id <> ? OR orders.id IS NULL) \
    ///      ORDER BY 2 LIMIT ?";
    /// assert_eq!(q.compile(&MySql).unwrap().sql, emulated);
    /// let maria = q.compile(&MariaDb).unwrap();
    /// assert_eq!(maria.sql, emulated);
    /// assert_eq!(maria.params, [quarry::Value::I64(7), quarry::Value::I64(7), quarry::Value::I64(10)]);
    ///
    /// // Not emulated where the halves would be aggregated apart: refused, naming the rewrite.
    /// let n = select(count_star()).from(u).full_join(o).on(o.user_id.eq(u.id));
    /// let err = n.compile(&MariaDb).unwrap_err();
    /// assert!(err.is_unsupported());
    /// assert!(err.to_string().contains("with aggregates"), "{err}");
    /// assert!(err.to_string().contains("LEFT JOIN UNION ALL the right table's unmatched rows"));
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

    /// Groups by `exprs` with subtotals: `GROUP BY ROLLUP (a, b)` on PostgreSQL,
    /// `GROUP BY a, b WITH ROLLUP` on the MySQL family, adding a row per prefix of the list
    /// with the rest NULL (and a grand total). SQLite has no ROLLUP: compiling it there is
    /// `Unsupported` (union the groupings instead); MariaDB refuses it with ORDER BY (order in
    /// an outer query). Tell a subtotal's NULL from a NULL key with
    /// [`grouping`](crate::functions::grouping) where the dialect has it.
    ///
    /// ```
    /// use quarry::prelude::*;
    /// let (a, b) = (quarry::Column::<i64>::new("t", "a"), quarry::Column::<i64>::new("t", "b"));
    /// let q = select((a, b, count_star())).from("t").group_by_rollup((a, b));
    /// assert_eq!(q.compile(&quarry::Postgres).unwrap().sql, "SELECT t.a, t.b, count(*) FROM t GROUP BY ROLLUP (t.a, t.b)");
    /// assert_eq!(q.compile(&quarry::MySql).unwrap().sql, "SELECT t.a, t.b, count(*) FROM t GROUP BY t.a, t.b WITH ROLLUP");
    /// assert_eq!(q.compile(&quarry::MariaDb).unwrap().sql, "SELECT t.a, t.b, count(*) FROM t GROUP BY t.a, t.b WITH ROLLUP");
    /// assert_eq!(q.compile(&quarry::Sqlite).unwrap_err().kind(), quarry::ErrorKind::Unsupported);
    /// ```
    pub fn group_by_rollup(mut self, exprs: impl ExprList) -> Self {
        self.stmt.group_by.extend(exprs.into_exprs());
        self.stmt.rollup = true;
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

    /// `LIMIT n`, `n` bound (so every page of a query is one statement for the
    /// prepared-statement caches); written as a literal in SQL for logs.
    ///
    /// ```
    /// let q = quarry::Select::new().from("t").limit(3);
    /// assert_eq!(q.compile(&quarry::Postgres).unwrap().sql, "SELECT * FROM t LIMIT $1");
    /// assert_eq!(q.compile(&quarry::MySql).unwrap().sql, "SELECT * FROM t LIMIT ?");
    /// assert_eq!(q.compile(&quarry::Sqlite).unwrap().sql, "SELECT * FROM t LIMIT ?");
    /// assert_eq!(q.compile(&quarry::Sqlite).unwrap().params, [quarry::Value::I64(3)]);
    /// assert_eq!(q.to_debug_sql(&quarry::Sqlite).unwrap(), "SELECT * FROM t LIMIT 3");
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
    /// assert_eq!(q.compile(&quarry::Postgres).unwrap().sql, "SELECT * FROM t OFFSET $1");
    /// assert_eq!(q.compile(&quarry::MySql).unwrap().sql, "SELECT * FROM t LIMIT 18446744073709551615 OFFSET ?");
    /// assert_eq!(q.compile(&quarry::Sqlite).unwrap().sql, "SELECT * FROM t LIMIT -1 OFFSET ?");
    /// ```
    pub fn offset(mut self, n: u64) -> Self {
        self.stmt.offset = Some(n);
        self
    }

    /// A row-locking clause (see [`RowLock`]).
    ///
    /// ```
    /// let q = quarry::Select::new().from("t").lock(quarry::stmt::RowLock::update().skip_locked());
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

/// `ALL (SELECT …)`: the right side of a comparison that must hold for every row of the
/// subquery (true when it returns none). PostgreSQL and the MySQL family; SQLite has no
/// quantified comparisons, and compiling one there is `Unsupported` (compare with the
/// subquery's `max()` or `min()`, or use NOT EXISTS).
///
/// ```
/// use quarry::prelude::*;
/// use quarry::functions::all;
/// let (a, b) = (quarry::Column::<i64>::new("t", "a"), quarry::Column::<i64>::new("u", "b"));
/// let q = select(a).from("t").filter(a.gt(all(select(b).from("u"))));
/// assert_eq!(q.compile(&quarry::Postgres).unwrap().sql, "SELECT t.a FROM t WHERE t.a > ALL (SELECT u.b FROM u)");
/// assert_eq!(q.compile(&quarry::MySql).unwrap().sql, "SELECT t.a FROM t WHERE t.a > ALL (SELECT u.b FROM u)");
/// assert_eq!(q.compile(&quarry::Sqlite).unwrap_err().kind(), quarry::ErrorKind::Unsupported);
/// ```
pub fn all<R>(query: Select<R>) -> TypedExpr<R> {
    TypedExpr::new(Expr::Quantified(Box::new(query.into()), true))
}

/// `ANY (SELECT …)`: the right side of a comparison that must hold for some row of the
/// subquery (false when it returns none). PostgreSQL and the MySQL family; `Unsupported` on
/// SQLite (use EXISTS, IN, or the subquery's `min()` or `max()`).
///
/// ```
/// use quarry::prelude::*;
/// use quarry::functions::any;
/// let (a, b) = (quarry::Column::<i64>::new("t", "a"), quarry::Column::<i64>::new("u", "b"));
/// let q = select(a).from("t").filter(a.lt(any(select(b).from("u"))));
/// assert_eq!(q.compile(&quarry::Postgres).unwrap().sql, "SELECT t.a FROM t WHERE t.a < ANY (SELECT u.b FROM u)");
/// assert_eq!(q.compile(&quarry::MariaDb).unwrap().sql, "SELECT t.a FROM t WHERE t.a < ANY (SELECT u.b FROM u)");
/// assert_eq!(q.compile(&quarry::Sqlite).unwrap_err().kind(), quarry::ErrorKind::Unsupported);
/// ```
pub fn any<R>(query: Select<R>) -> TypedExpr<R> {
    TypedExpr::new(Expr::Quantified(Box::new(query.into()), false))
}

impl<R> IntoExpr for Select<R> {
    /// A select used as an expression is a scalar subquery.
    fn into_expr(self) -> Expr {
        Expr::Subquery(Box::new(self.into()))
    }
}
