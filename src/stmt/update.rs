//! UPDATE: SET from values and expressions, WHERE, FROM another table, RETURNING.
//!
//! ```
//! use quarry::prelude::*;
//! use quarry::{MariaDb, Postgres, Sqlite};
//! quarry::table! { pub struct Users("users") { id: i64, name: String, active: bool } }
//! quarry::table! { pub struct Bans("bans") { user_id: i64 } }
//! let (u, b) = (Users::new(), Bans::new());
//! let q = update(u).set(u.active, false).from(b).filter(b.user_id.eq(u.id));
//! assert_eq!(q.compile(&Postgres).unwrap().sql,
//!     "UPDATE users SET active = $1 FROM bans WHERE bans.user_id = users.id");
//! assert_eq!(q.compile(&Sqlite).unwrap().sql,
//!     "UPDATE users SET active = ? FROM bans WHERE bans.user_id = users.id");
//! assert_eq!(q.compile(&MariaDb).unwrap().sql,
//!     "UPDATE users JOIN bans SET users.active = ? WHERE bans.user_id = users.id");
//! ```

use super::clauses::{target, Assign, Assignments, SetTarget};
use super::select::{FromItem, SelectItem, Selection, TableRef, TableSource};
use crate::expr::{Expr, Operand};
use crate::value::Row;
use std::fmt;
use std::marker::PhantomData;

/// The data of an UPDATE statement.
///
/// ```
/// let s = quarry::stmt::UpdateStmt::new(quarry::stmt::TableRef::named("t"));
/// assert!(s.set.is_empty());
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct UpdateStmt {
    /// The table updated.
    pub table: TableRef,
    /// The SET items.
    pub set: Vec<Assign>,
    /// Other tables the WHERE joins with (`FROM` on PostgreSQL and SQLite, `JOIN` on MySQL).
    pub from: Vec<FromItem>,
    /// WHERE.
    pub filter: Option<Expr>,
    /// RETURNING.
    pub returning: Vec<SelectItem>,
    pub(crate) error: Option<&'static str>,
}

impl UpdateStmt {
    /// An UPDATE of `table` with nothing set yet.
    ///
    /// ```
    /// assert_eq!(quarry::stmt::UpdateStmt::new(quarry::stmt::TableRef::named("t")).table.name, "t");
    /// ```
    #[inline]
    pub fn new(table: TableRef) -> Self {
        UpdateStmt {
            table,
            set: Vec::new(),
            from: Vec::new(),
            filter: None,
            returning: Vec::new(),
            error: None,
        }
    }
}

/// An UPDATE statement whose RETURNING rows decode into `R`.
///
/// ```
/// use quarry::prelude::*;
/// quarry::table! { pub struct Users("users") { id: i64, name: String, active: bool } }
/// let u = Users::new();
/// let q = update(u).set(u.name, "Ann").set(u.active, true).filter(u.id.eq(3));
/// assert_eq!(q.compile(&quarry::Postgres).unwrap().sql, "UPDATE users SET name = $1, active = $2 WHERE id = $3");
/// assert_eq!(q.compile(&quarry::MySql).unwrap().sql, "UPDATE users SET name = ?, active = ? WHERE id = ?");
/// ```
pub struct Update<R = Row> {
    pub(crate) stmt: Box<UpdateStmt>,
    _row: PhantomData<fn() -> R>,
}

/// Starts an UPDATE of `table`.
///
/// ```
/// use quarry::prelude::*;
/// quarry::table! { pub struct T("t") { id: i64, n: i64 } }
/// let t = T::new();
/// let q = update(t).set(t.n, t.n + 1).filter(t.id.eq(1)).returning(t.n);
/// assert_eq!(q.compile(&quarry::Sqlite).unwrap().sql, "UPDATE t SET n = n + ? WHERE id = ? RETURNING n");
/// assert!(q.compile(&quarry::MariaDb).is_err()); // MariaDB: RETURNING on INSERT and DELETE only
/// ```
pub fn update(table: impl TableSource) -> Update<Row> {
    // Built in its box: a copy of a freshly written statement costs more than its size.
    // (The box first: see `insert`.)
    let uninit = Box::new_uninit();
    let (table, error) = match target(table) {
        Ok(t) => (t, None),
        Err(e) => (TableRef::NONE, Some(e)),
    };
    let mut stmt = Box::write(uninit, UpdateStmt::new(table));
    stmt.error = error;
    stmt.set = Vec::with_capacity(4);
    Update {
        stmt,
        _row: PhantomData,
    }
}

impl<R> Clone for Update<R> {
    fn clone(&self) -> Self {
        Update {
            stmt: self.stmt.clone(),
            _row: PhantomData,
        }
    }
}

impl<R> fmt::Debug for Update<R> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.stmt.fmt(f)
    }
}

impl<R> Update<R> {
    /// The statement's data.
    ///
    /// ```
    /// assert_eq!(quarry::update("t").stmt().table.name, "t");
    /// ```
    pub fn stmt(&self) -> &UpdateStmt {
        &self.stmt
    }

    /// `SET column = value` (type-checked for typed columns; see [`crate::expr::ValueFor`]).
    ///
    /// ```
    /// use quarry::prelude::*;
    /// quarry::table! { pub struct T("t") { a: i64, b: Option<String> } }
    /// let t = T::new();
    /// let q = update(t).set(t.a, 1).set(t.b, None);
    /// assert_eq!(q.compile(&quarry::Postgres).unwrap().sql, "UPDATE t SET a = $1, b = $2");
    /// ```
    pub fn set<C: SetTarget<V>, V>(mut self, column: C, value: V) -> Self {
        super::push_made(&mut self.stmt.set, || column.assign(value));
        self
    }

    /// Several SET items at once (`column.set(value)` items).
    ///
    /// ```
    /// use quarry::prelude::*;
    /// quarry::table! { pub struct T("t") { a: i64, b: i64 } }
    /// let t = T::new();
    /// let q = update(t).values((t.a.set(1), t.b.set(quarry::DEFAULT)));
    /// assert_eq!(q.compile(&quarry::MySql).unwrap().sql, "UPDATE t SET a = ?, b = DEFAULT");
    /// ```
    pub fn values(mut self, items: impl Assignments) -> Self {
        items.for_each(|a| self.stmt.set.push(a));
        self
    }

    /// Adds a table the WHERE condition joins with.
    ///
    /// ```
    /// use quarry::prelude::*;
    /// quarry::table! { pub struct T("t") { id: i64, n: i64 } }
    /// quarry::table! { pub struct S("s") { id: i64, n: i64 } }
    /// let (t, s) = (T::new(), S::new());
    /// let q = update(t).set(t.n, s.n).from(s).filter(s.id.eq(t.id));
    /// assert_eq!(q.compile(&quarry::Postgres).unwrap().sql, "UPDATE t SET n = s.n FROM s WHERE s.id = t.id");
    /// ```
    pub fn from(mut self, source: impl TableSource) -> Self {
        self.stmt.from.push(source.into_from_item());
        self
    }

    /// WHERE (called again: AND).
    ///
    /// ```
    /// use quarry::prelude::*;
    /// quarry::table! { pub struct T("t") { id: i64, n: i64 } }
    /// let t = T::new();
    /// let q = update(t).set(t.n, 0).filter(t.id.gt(1)).filter(t.n.lt(9));
    /// assert_eq!(q.compile(&quarry::Sqlite).unwrap().sql, "UPDATE t SET n = ? WHERE id > ? AND n < ?");
    /// ```
    pub fn filter(mut self, cond: impl Operand<bool>) -> Self {
        super::clauses::and_into(&mut self.stmt.filter, cond.into_operand());
        self
    }

    /// RETURNING (PostgreSQL and SQLite).
    ///
    /// ```
    /// use quarry::prelude::*;
    /// quarry::table! { pub struct T("t") { id: i64, n: i64 } }
    /// let t = T::new();
    /// let q: quarry::Update<i64> = update(t).set(t.n, 1).returning(t.id);
    /// assert_eq!(q.compile(&quarry::Postgres).unwrap().sql, "UPDATE t SET n = $1 RETURNING id");
    /// ```
    pub fn returning<S: Selection>(self, items: S) -> Update<S::Row> {
        let mut stmt = self.stmt;
        stmt.returning.clear();
        items.push_items(&mut stmt.returning);
        Update {
            stmt,
            _row: PhantomData,
        }
    }
}
