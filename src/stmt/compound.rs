//! Compound queries: UNION, INTERSECT, EXCEPT.

use super::select::*;
use crate::expr::{Name, OrderBy};
use crate::value::Row;
use std::fmt;
use std::marker::PhantomData;

/// A set operator.
///
/// ```
/// assert_eq!(quarry::stmt::SetOp::UnionAll.as_sql(), "UNION ALL");
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
    /// assert_eq!(quarry::stmt::SetOp::Except.as_sql(), "EXCEPT");
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
///     "SELECT t.a FROM t UNION ALL (SELECT u.b FROM u ORDER BY u.b LIMIT $1) ORDER BY a DESC LIMIT $2");
/// assert_eq!(q.compile(&quarry::Sqlite).unwrap().sql,
///     "SELECT t.a FROM t UNION ALL SELECT * FROM (SELECT u.b FROM u ORDER BY u.b LIMIT ?) ORDER BY a DESC LIMIT ?");
/// ```
pub struct Compound<R = Row> {
    pub(crate) stmt: CompoundStmt,
    pub(crate) _row: PhantomData<fn() -> R>,
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
    /// assert_eq!(v(1).union(v(2)).limit(1).compile(&quarry::Sqlite).unwrap().sql, "SELECT ? UNION SELECT ? LIMIT ?");
    /// ```
    pub fn limit(mut self, n: u64) -> Self {
        self.stmt.limit = Some(n);
        self
    }

    /// OFFSET of the whole result.
    ///
    /// ```
    /// let v = |n: i64| quarry::select(quarry::val(n));
    /// assert_eq!(v(1).union(v(2)).offset(1).compile(&quarry::Postgres).unwrap().sql, "SELECT $1 UNION SELECT $2 OFFSET $3");
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
