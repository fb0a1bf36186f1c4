//! Row values: `(a, b) = (x, y)`, `(a, b) IN ((1, 2), …)`, `(a, b) IN (SELECT …)`, typed
//! by the Rust types of their items.

use super::ops::{BinaryOp, Expr};
use super::typed::{HasBase, Operand, TypedExpr};
use super::IntoExpr;
use crate::stmt::select::Query;
use std::marker::PhantomData;

/// A row value `(a, b, …)` of two to four items, compared as a whole: made by
/// [`tuple`](crate::functions::tuple). `B` is the tuple of its items' base types.
///
/// ```
/// use quarry::prelude::*;
/// use quarry::functions::tuple;
/// let (a, b) = (quarry::Column::<i64>::new("t", "a"), quarry::Column::<String>::new("t", "b"));
/// let q = select(a).from("t").filter(tuple((a, b)).in_list([(1_i64, "x"), (2, "y")]));
/// assert_eq!(q.compile(&quarry::Postgres).unwrap().sql, "SELECT t.a FROM t WHERE (t.a, t.b) IN (($1, $2), ($3, $4))");
/// assert_eq!(q.compile(&quarry::MySql).unwrap().sql, "SELECT t.a FROM t WHERE (t.a, t.b) IN ((?, ?), (?, ?))");
/// assert_eq!(q.compile(&quarry::MariaDb).unwrap().sql, "SELECT t.a FROM t WHERE (t.a, t.b) IN ((?, ?), (?, ?))");
/// assert_eq!(q.compile(&quarry::Sqlite).unwrap().sql, "SELECT t.a FROM t WHERE (t.a, t.b) IN ((?, ?), (?, ?))");
/// ```
#[derive(Clone, Debug)]
pub struct RowValue<B> {
    items: Vec<Expr>,
    _b: PhantomData<fn() -> B>,
}

/// What [`tuple`](crate::functions::tuple) takes: a tuple of two to four columns or
/// expressions.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be a row value",
    note = "a row value is a tuple of two to four columns or expressions"
)]
pub trait RowItems {
    /// The tuple of the items' base types.
    type Bases;
    /// The items as expressions.
    fn into_items(self) -> Vec<Expr>;
}

/// What a [`RowValue`] of bases `B` compares with: a tuple of values, columns or expressions
/// of the same types, item by item, or another row value.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be compared with a row value of Rust types `{B}`",
    note = "compare a row value with a tuple of the same number of values, columns or expressions, each of its item's type"
)]
pub trait RowOperand<B> {
    /// The items as expressions.
    fn into_row_items(self) -> Vec<Expr>;
}

impl<B> RowOperand<B> for RowValue<B> {
    fn into_row_items(self) -> Vec<Expr> {
        self.items
    }
}

macro_rules! row_tuples {
    ($(($($t:ident $x:ident $i:tt),+);)*) => {$(
        impl<$($t: HasBase + IntoExpr),+> RowItems for ($($t,)+) {
            type Bases = ($($t::Base,)+);
            fn into_items(self) -> Vec<Expr> {
                vec![$(self.$i.into_expr()),+]
            }
        }
        impl<$($t,)+ $($x: Operand<$t>),+> RowOperand<($($t,)+)> for ($($x,)+) {
            fn into_row_items(self) -> Vec<Expr> {
                vec![$(self.$i.into_operand()),+]
            }
        }
    )*};
}

row_tuples! {
    (A XA 0, B XB 1);
    (A XA 0, B XB 1, C XC 2);
    (A XA 0, B XB 1, C XC 2, D XD 3);
}

/// A row value `(a, b, …)` of two to four columns or expressions, to compare as a whole with
/// another row, a list of rows or a subquery's rows. Every dialect quarry targets has row
/// values (SQLite since 3.15).
///
/// ```
/// use quarry::prelude::*;
/// use quarry::functions::tuple;
/// let (a, b) = (quarry::Column::<i64>::new("t", "a"), quarry::Column::<i64>::new("t", "b"));
/// let q = select(a).from("t").filter(tuple((a, b)).eq((1_i64, 2_i64)));
/// assert_eq!(q.compile(&quarry::Postgres).unwrap().sql, "SELECT t.a FROM t WHERE (t.a, t.b) = ($1, $2)");
/// assert_eq!(q.compile(&quarry::MySql).unwrap().sql, "SELECT t.a FROM t WHERE (t.a, t.b) = (?, ?)");
/// assert_eq!(q.compile(&quarry::MariaDb).unwrap().sql, "SELECT t.a FROM t WHERE (t.a, t.b) = (?, ?)");
/// assert_eq!(q.compile(&quarry::Sqlite).unwrap().sql, "SELECT t.a FROM t WHERE (t.a, t.b) = (?, ?)");
/// ```
pub fn tuple<T: RowItems>(items: T) -> RowValue<T::Bases> {
    RowValue {
        items: items.into_items(),
        _b: PhantomData,
    }
}

impl<B> RowValue<B> {
    fn compare(self, op: BinaryOp, other: Vec<Expr>) -> TypedExpr<bool> {
        TypedExpr::new(Expr::Row(self.items).binary(op, Expr::Row(other)))
    }

    /// `(a, b) = (x, y)`.
    ///
    /// ```
    /// use quarry::prelude::*;
    /// use quarry::functions::tuple;
    /// let (a, b) = (quarry::Column::<i64>::new("t", "a"), quarry::Column::<i64>::new("t", "b"));
    /// let (c, d) = (quarry::Column::<i64>::new("u", "c"), quarry::Column::<i64>::new("u", "d"));
    /// let e = tuple((a, b)).eq(tuple((c, d)));
    /// assert_eq!(select(e).compile(&quarry::Sqlite).unwrap().sql, "SELECT (t.a, t.b) = (u.c, u.d)");
    /// ```
    pub fn eq(self, other: impl RowOperand<B>) -> TypedExpr<bool> {
        self.compare(BinaryOp::Eq, other.into_row_items())
    }

    /// `(a, b) <> (x, y)`.
    ///
    /// ```
    /// use quarry::prelude::*;
    /// use quarry::functions::tuple;
    /// let (a, b) = (quarry::Column::<i64>::new("t", "a"), quarry::Column::<i64>::new("t", "b"));
    /// let e = tuple((a, b)).ne((1_i64, 2_i64));
    /// assert_eq!(select(e).compile(&quarry::Postgres).unwrap().sql, "SELECT (t.a, t.b) <> ($1, $2)");
    /// ```
    pub fn ne(self, other: impl RowOperand<B>) -> TypedExpr<bool> {
        self.compare(BinaryOp::Ne, other.into_row_items())
    }

    /// `(a, b) < (x, y)`, compared item by item from the left (keyset pagination).
    ///
    /// ```
    /// use quarry::prelude::*;
    /// use quarry::functions::tuple;
    /// let (a, b) = (quarry::Column::<i64>::new("t", "a"), quarry::Column::<i64>::new("t", "b"));
    /// let e = tuple((a, b)).lt((10_i64, 3_i64));
    /// assert_eq!(select(e).compile(&quarry::MySql).unwrap().sql, "SELECT (t.a, t.b) < (?, ?)");
    /// ```
    pub fn lt(self, other: impl RowOperand<B>) -> TypedExpr<bool> {
        self.compare(BinaryOp::Lt, other.into_row_items())
    }

    /// `(a, b) > (x, y)`, compared item by item from the left (keyset pagination).
    ///
    /// ```
    /// use quarry::prelude::*;
    /// use quarry::functions::tuple;
    /// let (a, b) = (quarry::Column::<i64>::new("t", "a"), quarry::Column::<i64>::new("t", "b"));
    /// let e = tuple((a, b)).gt((10_i64, 3_i64));
    /// assert_eq!(select(e).compile(&quarry::Sqlite).unwrap().sql, "SELECT (t.a, t.b) > (?, ?)");
    /// ```
    pub fn gt(self, other: impl RowOperand<B>) -> TypedExpr<bool> {
        self.compare(BinaryOp::Gt, other.into_row_items())
    }

    /// `(a, b) IN ((x, y), …)`; an empty list is always false (`1 = 0`).
    ///
    /// ```
    /// use quarry::prelude::*;
    /// use quarry::functions::tuple;
    /// let (a, b) = (quarry::Column::<i64>::new("t", "a"), quarry::Column::<i64>::new("t", "b"));
    /// let e = tuple((a, b)).in_list([(1_i64, 2_i64), (3, 4)]);
    /// assert_eq!(select(e).compile(&quarry::Sqlite).unwrap().sql, "SELECT (t.a, t.b) IN ((?, ?), (?, ?))");
    /// ```
    pub fn in_list<R: RowOperand<B>>(self, rows: impl IntoIterator<Item = R>) -> TypedExpr<bool> {
        self.list(rows, false)
    }

    /// `(a, b) NOT IN ((x, y), …)`; an empty list is always true (`1 = 1`).
    ///
    /// ```
    /// use quarry::prelude::*;
    /// use quarry::functions::tuple;
    /// let (a, b) = (quarry::Column::<i64>::new("t", "a"), quarry::Column::<i64>::new("t", "b"));
    /// let e = tuple((a, b)).not_in_list([(1_i64, 2_i64)]);
    /// assert_eq!(select(e).compile(&quarry::Postgres).unwrap().sql, "SELECT (t.a, t.b) NOT IN (($1, $2))");
    /// ```
    pub fn not_in_list<R: RowOperand<B>>(
        self,
        rows: impl IntoIterator<Item = R>,
    ) -> TypedExpr<bool> {
        self.list(rows, true)
    }

    fn list<R: RowOperand<B>>(
        self,
        rows: impl IntoIterator<Item = R>,
        negated: bool,
    ) -> TypedExpr<bool> {
        TypedExpr::new(Expr::InList {
            expr: Box::new(Expr::Row(self.items)),
            list: rows
                .into_iter()
                .map(|r| Expr::Row(r.into_row_items()))
                .collect(),
            negated,
        })
    }

    /// `(a, b) IN (SELECT x, y …)`.
    ///
    /// ```
    /// use quarry::prelude::*;
    /// use quarry::functions::tuple;
    /// let (a, b) = (quarry::Column::<i64>::new("t", "a"), quarry::Column::<i64>::new("t", "b"));
    /// let (c, d) = (quarry::Column::<i64>::new("u", "c"), quarry::Column::<i64>::new("u", "d"));
    /// let e = tuple((a, b)).in_query(select((c, d)).from("u"));
    /// assert_eq!(select(e).compile(&quarry::MariaDb).unwrap().sql, "SELECT (t.a, t.b) IN (SELECT u.c, u.d FROM u)");
    /// ```
    pub fn in_query(self, query: impl Into<Query>) -> TypedExpr<bool> {
        TypedExpr::new(Expr::InQuery {
            expr: Box::new(Expr::Row(self.items)),
            query: Box::new(query.into()),
            negated: false,
        })
    }

    /// `(a, b) NOT IN (SELECT x, y …)`.
    ///
    /// ```
    /// use quarry::prelude::*;
    /// use quarry::functions::tuple;
    /// let (a, b) = (quarry::Column::<i64>::new("t", "a"), quarry::Column::<i64>::new("t", "b"));
    /// let (c, d) = (quarry::Column::<i64>::new("u", "c"), quarry::Column::<i64>::new("u", "d"));
    /// let e = tuple((a, b)).not_in_query(select((c, d)).from("u"));
    /// assert_eq!(select(e).compile(&quarry::Postgres).unwrap().sql, "SELECT (t.a, t.b) NOT IN (SELECT u.c, u.d FROM u)");
    /// ```
    pub fn not_in_query(self, query: impl Into<Query>) -> TypedExpr<bool> {
        TypedExpr::new(Expr::InQuery {
            expr: Box::new(Expr::Row(self.items)),
            query: Box::new(query.into()),
            negated: true,
        })
    }
}
