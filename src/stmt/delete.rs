//! DELETE: WHERE, USING another table, RETURNING.
//!
//! ```
//! use quarry::prelude::*;
//! use quarry::{MariaDb, Postgres, Sqlite};
//! quarry::table! { pub struct Users("users") { id: i64, name: String } }
//! quarry::table! { pub struct Bans("bans") { user_id: i64 } }
//! let (u, b) = (Users::new(), Bans::new());
//! let q = delete(u).using(b).filter(b.user_id.eq(u.id));
//! assert_eq!(q.compile(&Postgres).unwrap().sql,
//!     "DELETE FROM users USING bans WHERE bans.user_id = users.id");
//! assert_eq!(q.compile(&MariaDb).unwrap().sql,
//!     "DELETE users FROM users JOIN bans WHERE bans.user_id = users.id");
//! // SQLite has no USING: the same rows are deleted through a correlated EXISTS.
//! assert_eq!(q.compile(&Sqlite).unwrap().sql,
//!     "DELETE FROM users WHERE EXISTS (SELECT 1 FROM bans WHERE bans.user_id = users.id)");
//! ```

use super::clauses::target;
use super::select::{FromItem, SelectItem, Selection, TableRef, TableSource};
use crate::expr::{Expr, Operand};
use crate::value::Row;
use std::fmt;
use std::marker::PhantomData;

/// The data of a DELETE statement.
///
/// ```
/// let s = quarry::stmt::DeleteStmt::new(quarry::stmt::TableRef::named("t"));
/// assert!(s.filter.is_none());
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct DeleteStmt {
    /// The table deleted from.
    pub table: TableRef,
    /// Other tables the WHERE joins with.
    pub using: Vec<FromItem>,
    /// WHERE.
    pub filter: Option<Expr>,
    /// RETURNING.
    pub returning: Vec<SelectItem>,
    pub(crate) error: Option<&'static str>,
}

impl DeleteStmt {
    /// A DELETE of every row of `table`.
    ///
    /// ```
    /// assert_eq!(quarry::stmt::DeleteStmt::new(quarry::stmt::TableRef::named("t")).table.name, "t");
    /// ```
    pub fn new(table: TableRef) -> Self {
        DeleteStmt {
            table,
            using: Vec::new(),
            filter: None,
            returning: Vec::new(),
            error: None,
        }
    }
}

/// A DELETE statement whose RETURNING rows decode into `R`.
///
/// ```
/// use quarry::prelude::*;
/// quarry::table! { pub struct T("t") { id: i64 } }
/// let t = T::new();
/// let q = delete(t).filter(t.id.eq(1)).returning(t.id);
/// assert_eq!(q.compile(&quarry::Postgres).unwrap().sql, "DELETE FROM t WHERE id = $1 RETURNING id");
/// assert_eq!(q.compile(&quarry::MariaDb).unwrap().sql, "DELETE FROM t WHERE id = ? RETURNING id");
/// ```
pub struct Delete<R = Row> {
    pub(crate) stmt: DeleteStmt,
    _row: PhantomData<fn() -> R>,
}

/// Starts a DELETE from `table`.
///
/// ```
/// use quarry::prelude::*;
/// quarry::table! { pub struct T("t") { id: i64 } }
/// let t = T::new();
/// assert_eq!(delete(t).filter(t.id.gt(5)).compile(&quarry::Sqlite).unwrap().sql, "DELETE FROM t WHERE id > ?");
/// ```
pub fn delete(table: impl TableSource) -> Delete<Row> {
    let stmt = match target(table) {
        Ok(t) => DeleteStmt::new(t),
        Err(e) => {
            let mut s = DeleteStmt::new(TableRef::named(""));
            s.error = Some(e);
            s
        }
    };
    Delete {
        stmt,
        _row: PhantomData,
    }
}

impl<R> Clone for Delete<R> {
    fn clone(&self) -> Self {
        Delete {
            stmt: self.stmt.clone(),
            _row: PhantomData,
        }
    }
}

impl<R> fmt::Debug for Delete<R> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.stmt.fmt(f)
    }
}

impl<R> Delete<R> {
    /// The statement's data.
    ///
    /// ```
    /// assert_eq!(quarry::delete("t").stmt().table.name, "t");
    /// ```
    pub fn stmt(&self) -> &DeleteStmt {
        &self.stmt
    }

    /// Adds a table the WHERE condition joins with (`USING` on PostgreSQL, a multi-table
    /// DELETE on the MySQL family, a correlated `EXISTS` on SQLite).
    ///
    /// ```
    /// use quarry::prelude::*;
    /// quarry::table! { pub struct T("t") { id: i64 } }
    /// quarry::table! { pub struct S("s") { t_id: i64 } }
    /// let (t, s) = (T::new(), S::new());
    /// let q = delete(t).using(s).filter(s.t_id.eq(t.id));
    /// assert_eq!(q.compile(&quarry::Postgres).unwrap().sql, "DELETE FROM t USING s WHERE s.t_id = t.id");
    /// ```
    pub fn using(mut self, source: impl TableSource) -> Self {
        self.stmt.using.push(source.into_from_item());
        self
    }

    /// WHERE (called again: AND).
    ///
    /// ```
    /// use quarry::prelude::*;
    /// quarry::table! { pub struct T("t") { id: i64 } }
    /// let t = T::new();
    /// let q = delete(t).filter(t.id.gt(1)).filter(t.id.lt(9));
    /// assert_eq!(q.compile(&quarry::MySql).unwrap().sql, "DELETE FROM t WHERE id > ? AND id < ?");
    /// ```
    pub fn filter(mut self, cond: impl Operand<bool>) -> Self {
        super::clauses::and_into(&mut self.stmt.filter, cond.into_operand());
        self
    }

    /// RETURNING (PostgreSQL, SQLite and MariaDB).
    ///
    /// ```
    /// use quarry::prelude::*;
    /// quarry::table! { pub struct T("t") { id: i64 } }
    /// let t = T::new();
    /// let q: quarry::Delete<i64> = delete(t).returning(t.id);
    /// assert_eq!(q.compile(&quarry::Sqlite).unwrap().sql, "DELETE FROM t RETURNING id");
    /// ```
    pub fn returning<S: Selection>(self, items: S) -> Delete<S::Row> {
        let mut stmt = self.stmt;
        stmt.returning.clear();
        items.push_items(&mut stmt.returning);
        Delete {
            stmt,
            _row: PhantomData,
        }
    }
}
