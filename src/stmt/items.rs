//! What a query selects and orders by, and how its rows decode: the traits behind
//! `select(..)`, `order_by(..)` and typed rows.

use super::select::*;
use crate::error::{Error, Result};
use crate::expr::{Column, DynColumn, Expr, IntoExpr, Name, OrderBy, TypedExpr};
use crate::value::Row;
use crate::value::{FromValue, Value};
use std::fmt;
use std::marker::PhantomData;

/// Expressions given as one, a tuple or a vector (GROUP BY, PARTITION BY, function args).
///
/// ```
/// use quarry::stmt::ExprList;
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

impl<T> Labeled<T> {
    /// Its label: the item's name in the result.
    ///
    /// ```
    /// use quarry::prelude::*;
    /// assert_eq!(quarry::Column::<i64>::new("t", "a").label("x").label(), "x");
    /// ```
    pub fn label(&self) -> &str {
        &self.label
    }

    /// Its label as an expression (`label`, unqualified): how ORDER BY refers to the select
    /// list's item.
    fn label_expr(&self) -> Expr {
        Expr::Column(crate::expr::ColumnRef {
            table: None,
            name: self.label.clone(),
        })
    }

    /// `ORDER BY label` (ascending): order by this select-list item, by its label.
    ///
    /// ```
    /// use quarry::prelude::*;
    /// let a = quarry::Column::<i64>::new("t", "a");
    /// let total = sum(a).label("total");
    /// let q = select(total.clone()).from("t").order_by(total.asc());
    /// assert_eq!(q.compile(&quarry::Postgres).unwrap().sql, "SELECT CAST(sum(t.a) AS BIGINT) AS total FROM t ORDER BY total");
    /// assert_eq!(q.compile(&quarry::MySql).unwrap().sql, "SELECT CAST(sum(t.a) AS SIGNED) AS total FROM t ORDER BY total");
    /// assert_eq!(q.compile(&quarry::Sqlite).unwrap().sql, "SELECT CAST(sum(t.a) AS BIGINT) AS total FROM t ORDER BY total");
    /// ```
    pub fn asc(&self) -> OrderBy {
        OrderBy::asc(self.label_expr())
    }

    /// `ORDER BY label DESC`: order by this select-list item, by its label, descending.
    ///
    /// ```
    /// use quarry::prelude::*;
    /// let a = quarry::Column::<i64>::new("t", "a");
    /// let n = count(a).label("n");
    /// let q = select((a, n.clone())).from("t").group_by(a).order_by(n.desc());
    /// assert_eq!(q.compile(&quarry::Sqlite).unwrap().sql, "SELECT t.a, count(t.a) AS n FROM t GROUP BY t.a ORDER BY n DESC");
    /// ```
    pub fn desc(&self) -> OrderBy {
        OrderBy::desc(self.label_expr())
    }
}

/// A labelled item orders by its label: `order_by(&total)`.
impl<T> IntoOrderBy for &Labeled<T> {
    fn push_order(self, out: &mut Vec<OrderBy>) {
        out.push(self.asc());
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
/// use quarry::{Row, Value};
/// use quarry::stmt::DecodeRow;
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
