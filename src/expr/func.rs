//! Functions, aggregates, CASE, CAST, COALESCE, EXISTS and window specifications.

use super::ops::{Expr, FuncCall, FuncName, Name, OrderBy, Over, UnaryOp};
use super::typed::{ExprMethods, HasBase, Nullable, Operand, Summable, Text, TypedExpr};
use super::IntoExpr;
use crate::schema::SqlType;
use crate::stmt::select::{ExprList, IntoOrderBy, Query};
use crate::value::Timestamp;

/// A bound value as a typed expression (always a parameter); a `&str` makes a
/// `TypedExpr<String>` ([`BindType`](crate::expr::BindType)).
///
/// ```
/// use quarry::prelude::*;
/// let c = select(val(5_i64).label("five")).compile(&quarry::Postgres).unwrap();
/// assert_eq!(c.sql, "SELECT $1 AS five");
/// let q = select(lower(val("ABC")));
/// assert_eq!(q.compile(&quarry::Sqlite).unwrap().sql, "SELECT lower(?)");
/// ```
pub fn val<T: super::typed::BindType>(value: T) -> TypedExpr<T::Type> {
    TypedExpr::new(Expr::Value(value.into_value()))
}

/// Any SQL function by name, with untyped arguments (a tuple, an array or one expression);
/// type the result with [`TypedExpr::retype`] if needed. The name must be a plain identifier
/// (letters, digits, `_`, `.`), checked when compiling.
///
/// ```
/// use quarry::prelude::*;
/// let a = quarry::Column::<String>::new("t", "a");
/// let c = select(func("replace", (a, "x", "y"))).compile(&quarry::Postgres).unwrap();
/// assert_eq!(c.sql, "SELECT replace(t.a, $1, $2)");
/// ```
pub fn func(name: impl Into<Name>, args: impl ExprList) -> TypedExpr<crate::Value> {
    TypedExpr::new(Expr::Func(Box::new(FuncCall::new(name, args.into_exprs()))))
}

fn call<T>(name: &'static str, args: Vec<Expr>) -> TypedExpr<T> {
    TypedExpr::new(Expr::Func(Box::new(FuncCall::new(name, args))))
}

/// `count(x)`: the number of non-NULL values.
///
/// ```
/// use quarry::prelude::*;
/// let a = quarry::Column::<i64>::new("t", "a");
/// assert_eq!(select(count(a)).compile(&quarry::Sqlite).unwrap().sql, "SELECT count(t.a)");
/// ```
pub fn count(expr: impl IntoExpr) -> TypedExpr<i64> {
    call("count", vec![expr.into_expr()])
}

/// `count(*)`.
///
/// ```
/// use quarry::prelude::*;
/// assert_eq!(select(count_star()).from("t").compile(&quarry::Sqlite).unwrap().sql, "SELECT count(*) FROM t");
/// ```
pub fn count_star() -> TypedExpr<i64> {
    call("count", vec![Expr::Star(None)])
}

/// `count(DISTINCT x)`.
///
/// ```
/// use quarry::prelude::*;
/// let a = quarry::Column::<i64>::new("t", "a");
/// assert_eq!(select(count_distinct(a)).compile(&quarry::Sqlite).unwrap().sql, "SELECT count(DISTINCT t.a)");
/// ```
pub fn count_distinct(expr: impl IntoExpr) -> TypedExpr<i64> {
    let mut f = FuncCall::new("count", vec![expr.into_expr()]);
    f.distinct = true;
    TypedExpr::new(Expr::Func(Box::new(f)))
}

/// `sum(x)`, for numeric expressions only; integer sums are cast to BIGINT and float sums to
/// DOUBLE so that every backend returns the same type ([`Summable`]). NULL over no rows. A
/// decimal sum is exact on PostgreSQL and the MySQL family; SQLite sums in REAL, and the
/// executor decodes the result at the column's scale where the metadata gives it (exact up
/// to 15 significant digits: see [`FromValue for Decimal`](crate::FromValue#impl-FromValue-for-Decimal)).
///
/// ```
/// use quarry::prelude::*;
/// let a = quarry::Column::<i64>::new("t", "a");
/// let q = select(sum(a));
/// assert_eq!(q.compile(&quarry::Postgres).unwrap().sql, "SELECT CAST(sum(t.a) AS BIGINT)");
/// assert_eq!(q.compile(&quarry::MySql).unwrap().sql, "SELECT CAST(sum(t.a) AS SIGNED)");
/// ```
pub fn sum<E>(expr: E) -> TypedExpr<Option<<E::Base as Summable>::Sum>>
where
    E: ExprMethods,
    E::Base: Summable,
{
    let f = Expr::Func(Box::new(FuncCall::new("sum", vec![expr.into_expr()])));
    TypedExpr::new(match <E::Base as Summable>::CAST {
        Some(ty) => Expr::Cast(Box::new((f, ty))),
        None => f,
    })
}

/// `avg(x)`, for numeric expressions only, as a double: `CAST(avg(x) AS DOUBLE …)` so every
/// backend returns the same type. NULL over no rows.
///
/// ```
/// use quarry::prelude::*;
/// let a = quarry::Column::<i32>::new("t", "a");
/// let q = select(avg(a));
/// assert_eq!(q.compile(&quarry::Postgres).unwrap().sql, "SELECT CAST(avg(t.a) AS DOUBLE PRECISION)");
/// ```
pub fn avg<E>(expr: E) -> TypedExpr<Option<f64>>
where
    E: ExprMethods,
    E::Base: Summable,
{
    let f = Expr::Func(Box::new(FuncCall::new("avg", vec![expr.into_expr()])));
    TypedExpr::new(Expr::Cast(Box::new((f, SqlType::Double))))
}

/// `min(x)`; NULL over no rows.
///
/// ```
/// use quarry::prelude::*;
/// let a = quarry::Column::<String>::new("t", "a");
/// let m: TypedExpr<Option<String>> = min(a);
/// assert_eq!(select(m).compile(&quarry::Sqlite).unwrap().sql, "SELECT min(t.a)");
/// ```
pub fn min<E: ExprMethods>(expr: E) -> TypedExpr<<E::Base as Nullable>::OrNull>
where
    E::Base: Nullable,
{
    call("min", vec![expr.into_expr()])
}

/// `max(x)`; NULL over no rows.
///
/// ```
/// use quarry::prelude::*;
/// let a = quarry::Column::<i64>::new("t", "a");
/// assert_eq!(select(max(a)).compile(&quarry::Sqlite).unwrap().sql, "SELECT max(t.a)");
/// ```
pub fn max<E: ExprMethods>(expr: E) -> TypedExpr<<E::Base as Nullable>::OrNull>
where
    E::Base: Nullable,
{
    call("max", vec![expr.into_expr()])
}

/// `lower(s)`.
///
/// ```
/// use quarry::prelude::*;
/// let a = quarry::Column::<String>::new("t", "a");
/// assert_eq!(select(lower(a)).compile(&quarry::Sqlite).unwrap().sql, "SELECT lower(t.a)");
/// ```
pub fn lower<E: ExprMethods>(expr: E) -> TypedExpr<E::Type>
where
    E::Base: Text,
{
    call("lower", vec![expr.into_expr()])
}

/// `upper(s)`.
///
/// ```
/// use quarry::prelude::*;
/// let a = quarry::Column::<String>::new("t", "a");
/// assert_eq!(select(upper(a)).compile(&quarry::Sqlite).unwrap().sql, "SELECT upper(t.a)");
/// ```
pub fn upper<E: ExprMethods>(expr: E) -> TypedExpr<E::Type>
where
    E::Base: Text,
{
    call("upper", vec![expr.into_expr()])
}

/// The number of characters of a string: `length(s)` on PostgreSQL and SQLite,
/// `CHAR_LENGTH(s)` on MySQL and MariaDB (whose `LENGTH` counts bytes).
///
/// ```
/// use quarry::prelude::*;
/// let a = quarry::Column::<String>::new("t", "a");
/// let q = select(length(a));
/// assert_eq!(q.compile(&quarry::Postgres).unwrap().sql, "SELECT length(t.a)");
/// assert_eq!(q.compile(&quarry::MySql).unwrap().sql, "SELECT CHAR_LENGTH(t.a)");
/// ```
pub fn length<E: ExprMethods>(expr: E) -> TypedExpr<i64>
where
    E::Base: Text,
{
    let mut f = FuncCall::new("", vec![expr.into_expr()]);
    f.name = FuncName::CharLength;
    TypedExpr::new(Expr::Func(Box::new(f)))
}

/// `CURRENT_TIMESTAMP`.
///
/// ```
/// use quarry::prelude::*;
/// assert_eq!(select(current_timestamp()).compile(&quarry::Sqlite).unwrap().sql, "SELECT CURRENT_TIMESTAMP");
/// ```
pub fn current_timestamp() -> TypedExpr<Timestamp> {
    TypedExpr::new(Expr::Keyword("CURRENT_TIMESTAMP"))
}

/// The current date and time: `CURRENT_TIMESTAMP` (the same as [`current_timestamp`]).
///
/// ```
/// use quarry::prelude::*;
/// assert_eq!(select(now()).compile(&quarry::MySql).unwrap().sql, "SELECT CURRENT_TIMESTAMP");
/// ```
pub fn now() -> TypedExpr<Timestamp> {
    current_timestamp()
}

/// `CURRENT_DATE`.
///
/// ```
/// use quarry::prelude::*;
/// assert_eq!(select(current_date()).compile(&quarry::Sqlite).unwrap().sql, "SELECT CURRENT_DATE");
/// ```
pub fn current_date() -> TypedExpr<crate::value::Date> {
    TypedExpr::new(Expr::Keyword("CURRENT_DATE"))
}

/// `row_number()`, to be used with [`TypedExpr::over`].
///
/// ```
/// use quarry::prelude::*;
/// let a = quarry::Column::<i64>::new("t", "a");
/// let q = select(row_number().over(Window::new().order_by(a.desc())));
/// assert_eq!(q.compile(&quarry::Sqlite).unwrap().sql, "SELECT row_number() OVER (ORDER BY t.a DESC)");
/// ```
pub fn row_number() -> TypedExpr<i64> {
    call("row_number", Vec::new())
}

/// `COALESCE(a, b)`: the first non-NULL; typed by its first argument's base type.
///
/// ```
/// use quarry::prelude::*;
/// let a = quarry::Column::<Option<String>>::new("t", "a");
/// let e: TypedExpr<String> = coalesce(a, "none");
/// assert_eq!(select(e).compile(&quarry::Sqlite).unwrap().sql, "SELECT COALESCE(t.a, ?)");
/// ```
pub fn coalesce<E: ExprMethods>(expr: E, fallback: impl Operand<E::Base>) -> TypedExpr<E::Base> {
    TypedExpr::new(Expr::Func(Box::new(FuncCall::new(
        "COALESCE",
        vec![expr.into_expr(), fallback.into_operand()],
    ))))
}

/// `NULLIF(a, b)`: NULL when `a = b`, else `a`.
///
/// ```
/// use quarry::prelude::*;
/// let a = quarry::Column::<i64>::new("t", "a");
/// let e: TypedExpr<Option<i64>> = nullif(a, 0);
/// assert_eq!(select(e).compile(&quarry::Sqlite).unwrap().sql, "SELECT NULLIF(t.a, ?)");
/// ```
pub fn nullif<E: ExprMethods>(expr: E, other: impl Operand<E::Base>) -> TypedExpr<Option<E::Base>> {
    TypedExpr::new(Expr::Func(Box::new(FuncCall::new(
        "NULLIF",
        vec![expr.into_expr(), other.into_operand()],
    ))))
}

/// `CAST(x AS ty)` typed as `T`; the target is spelled per dialect (MySQL: `SIGNED`, `CHAR`,
/// `DECIMAL(p, s)`, `DOUBLE`, `DATE`, `DATETIME(6)`, …).
///
/// ```
/// use quarry::prelude::*;
/// let a = quarry::Column::<String>::new("t", "a");
/// let q = select(cast::<i64>(a, quarry::SqlType::BigInt));
/// assert_eq!(q.compile(&quarry::Postgres).unwrap().sql, "SELECT CAST(t.a AS BIGINT)");
/// assert_eq!(q.compile(&quarry::MariaDb).unwrap().sql, "SELECT CAST(t.a AS SIGNED)");
/// ```
pub fn cast<T>(expr: impl IntoExpr, ty: SqlType) -> TypedExpr<T> {
    TypedExpr::new(Expr::Cast(Box::new((expr.into_expr(), ty))))
}

/// `EXISTS (subquery)`.
///
/// ```
/// use quarry::prelude::*;
/// let a = quarry::Column::<i64>::new("t", "a");
/// let q = select(exists(select(a).from("t")));
/// assert_eq!(q.compile(&quarry::Sqlite).unwrap().sql, "SELECT EXISTS (SELECT t.a FROM t)");
/// ```
pub fn exists(query: impl Into<Query>) -> TypedExpr<bool> {
    TypedExpr::new(Expr::Exists(Box::new(query.into()), false))
}

/// `NOT EXISTS (subquery)`.
///
/// ```
/// use quarry::prelude::*;
/// let a = quarry::Column::<i64>::new("t", "a");
/// let q = select(not_exists(select(a).from("t")));
/// assert_eq!(q.compile(&quarry::Sqlite).unwrap().sql, "SELECT NOT EXISTS (SELECT t.a FROM t)");
/// ```
pub fn not_exists(query: impl Into<Query>) -> TypedExpr<bool> {
    TypedExpr::new(Expr::Exists(Box::new(query.into()), true))
}

/// `NOT (cond)`.
///
/// ```
/// use quarry::prelude::*;
/// let a = quarry::Column::<i64>::new("t", "a");
/// assert_eq!(select(not(a.eq(1))).compile(&quarry::Sqlite).unwrap().sql, "SELECT NOT (t.a = ?)");
/// ```
pub fn not(cond: impl Operand<bool>) -> TypedExpr<bool> {
    TypedExpr::new(Expr::Unary(UnaryOp::Not, Box::new(cond.into_operand())))
}

/// All of `conds` (AND); always true when empty.
///
/// ```
/// use quarry::prelude::*;
/// let a = quarry::Column::<i64>::new("t", "a");
/// let q = select(and_all([a.gt(1), a.lt(5)]));
/// assert_eq!(q.compile(&quarry::Sqlite).unwrap().sql, "SELECT t.a > ? AND t.a < ?");
/// assert_eq!(select(and_all(Vec::<TypedExpr<bool>>::new())).compile(&quarry::Sqlite).unwrap().sql, "SELECT 1 = 1");
/// ```
pub fn and_all<C: Operand<bool>>(conds: impl IntoIterator<Item = C>) -> TypedExpr<bool> {
    TypedExpr::new(conds.into_iter().fold(Expr::And(Vec::new()), |acc, c| {
        acc.and_expr(c.into_operand())
    }))
}

/// Any of `conds` (OR); always false when empty.
///
/// ```
/// use quarry::prelude::*;
/// let a = quarry::Column::<i64>::new("t", "a");
/// let q = select(or_any([a.eq(1), a.eq(5)]));
/// assert_eq!(q.compile(&quarry::Sqlite).unwrap().sql, "SELECT t.a = ? OR t.a = ?");
/// ```
pub fn or_any<C: Operand<bool>>(conds: impl IntoIterator<Item = C>) -> TypedExpr<bool> {
    TypedExpr::new(
        conds
            .into_iter()
            .fold(Expr::Or(Vec::new()), |acc, c| acc.or_expr(c.into_operand())),
    )
}

/// A searched `CASE WHEN cond THEN value … [ELSE …] END` typed by its branches.
///
/// ```
/// use quarry::prelude::*;
/// let a = quarry::Column::<i64>::new("t", "a");
/// let e = case_when(a.lt(0), "neg").when(a.eq(0), "zero").otherwise("pos");
/// assert_eq!(select(e).compile(&quarry::Postgres).unwrap().sql,
///     "SELECT CASE WHEN t.a < $1 THEN $2 WHEN t.a = $3 THEN $4 ELSE $5 END");
/// ```
pub fn case_when<V: HasBase + Operand<V::Base>>(
    cond: impl Operand<bool>,
    then: V,
) -> Case<V::Base> {
    Case {
        operand: None,
        whens: vec![(cond.into_operand(), then.into_operand())],
        _t: std::marker::PhantomData,
    }
}

/// A simple `CASE operand WHEN value THEN result … END`; start with [`Case::when`].
///
/// ```
/// use quarry::prelude::*;
/// let a = quarry::Column::<i64>::new("t", "a");
/// let e = case::<String>(a).when(1, "one").otherwise("many");
/// assert_eq!(select(e).compile(&quarry::Sqlite).unwrap().sql,
///     "SELECT CASE t.a WHEN ? THEN ? ELSE ? END");
/// ```
pub fn case<T>(operand: impl IntoExpr) -> Case<T> {
    Case {
        operand: Some(operand.into_expr()),
        whens: Vec::new(),
        _t: std::marker::PhantomData,
    }
}

/// A CASE expression being built; finish with [`Case::otherwise`] or [`Case::end`].
///
/// ```
/// use quarry::prelude::*;
/// let a = quarry::Column::<i64>::new("t", "a");
/// let e: TypedExpr<Option<i64>> = case_when(a.gt(0), a).end();
/// # let _ = e;
/// ```
pub struct Case<T> {
    operand: Option<Expr>,
    whens: Vec<(Expr, Expr)>,
    _t: std::marker::PhantomData<fn() -> T>,
}

impl<T> std::fmt::Debug for Case<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Case")
            .field("operand", &self.operand)
            .field("whens", &self.whens)
            .finish()
    }
}

impl<T> Case<T> {
    /// Adds `WHEN cond THEN value`.
    ///
    /// ```
    /// use quarry::prelude::*;
    /// let a = quarry::Column::<i64>::new("t", "a");
    /// let e = case_when(a.eq(1), 10_i64).when(a.eq(2), 20_i64).end();
    /// # let _ = e;
    /// ```
    pub fn when(mut self, cond: impl IntoExpr, then: impl Operand<T>) -> Self {
        self.whens.push((cond.into_expr(), then.into_operand()));
        self
    }

    /// Ends with `ELSE value END`.
    ///
    /// ```
    /// use quarry::prelude::*;
    /// let a = quarry::Column::<i64>::new("t", "a");
    /// let e: TypedExpr<i64> = case_when(a.eq(1), 10_i64).otherwise(0_i64);
    /// # let _ = e;
    /// ```
    pub fn otherwise(self, value: impl Operand<T>) -> TypedExpr<T> {
        TypedExpr::new(Expr::Case {
            operand: self.operand.map(Box::new),
            whens: self.whens,
            otherwise: Some(Box::new(value.into_operand())),
        })
    }

    /// Ends without ELSE (NULL when nothing matches).
    ///
    /// ```
    /// use quarry::prelude::*;
    /// let a = quarry::Column::<i64>::new("t", "a");
    /// let e: TypedExpr<Option<i64>> = case_when(a.eq(1), 10_i64).end();
    /// assert_eq!(select(e).compile(&quarry::Sqlite).unwrap().sql, "SELECT CASE WHEN t.a = ? THEN ? END");
    /// ```
    pub fn end(self) -> TypedExpr<Option<T>> {
        TypedExpr::new(Expr::Case {
            operand: self.operand.map(Box::new),
            whens: self.whens,
            otherwise: None,
        })
    }
}

/// Frame units of a window.
///
/// ```
/// assert_ne!(quarry::expr::FrameUnits::Rows, quarry::expr::FrameUnits::Range);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum FrameUnits {
    /// `ROWS`.
    Rows,
    /// `RANGE`.
    Range,
    /// `GROUPS` (PostgreSQL, SQLite).
    Groups,
}

/// A frame boundary.
///
/// ```
/// let b = quarry::FrameBound::Preceding(2);
/// assert_ne!(b, quarry::FrameBound::CurrentRow);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum FrameBound {
    /// `UNBOUNDED PRECEDING`.
    UnboundedPreceding,
    /// `n PRECEDING`.
    Preceding(u64),
    /// `CURRENT ROW`.
    CurrentRow,
    /// `n FOLLOWING`.
    Following(u64),
    /// `UNBOUNDED FOLLOWING`.
    UnboundedFollowing,
}

/// A window frame: `units BETWEEN start AND end` (or `units start`).
///
/// ```
/// use quarry::{Frame, FrameBound};
/// let f = Frame::rows(FrameBound::Preceding(1), FrameBound::CurrentRow);
/// assert_eq!(f.end, Some(FrameBound::CurrentRow));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Frame {
    /// ROWS, RANGE or GROUPS.
    pub units: FrameUnits,
    /// The start bound.
    pub start: FrameBound,
    /// The end bound (`BETWEEN start AND end`), if any.
    pub end: Option<FrameBound>,
}

impl Frame {
    /// `ROWS BETWEEN start AND end`.
    ///
    /// ```
    /// let f = quarry::Frame::rows(quarry::FrameBound::UnboundedPreceding, quarry::FrameBound::CurrentRow);
    /// assert_eq!(f.units, quarry::expr::FrameUnits::Rows);
    /// ```
    pub fn rows(start: FrameBound, end: FrameBound) -> Self {
        Frame {
            units: FrameUnits::Rows,
            start,
            end: Some(end),
        }
    }

    /// `RANGE BETWEEN start AND end`.
    ///
    /// ```
    /// let f = quarry::Frame::range(quarry::FrameBound::UnboundedPreceding, quarry::FrameBound::CurrentRow);
    /// assert_eq!(f.units, quarry::expr::FrameUnits::Range);
    /// ```
    pub fn range(start: FrameBound, end: FrameBound) -> Self {
        Frame {
            units: FrameUnits::Range,
            start,
            end: Some(end),
        }
    }

    /// `GROUPS BETWEEN start AND end` (PostgreSQL, SQLite; unsupported on MySQL and MariaDB).
    ///
    /// ```
    /// let f = quarry::Frame::groups(quarry::FrameBound::CurrentRow, quarry::FrameBound::Following(1));
    /// assert_eq!(f.units, quarry::expr::FrameUnits::Groups);
    /// ```
    pub fn groups(start: FrameBound, end: FrameBound) -> Self {
        Frame {
            units: FrameUnits::Groups,
            start,
            end: Some(end),
        }
    }
}

/// A window specification: `[base] PARTITION BY … ORDER BY … [frame]`.
///
/// ```
/// use quarry::prelude::*;
/// let a = quarry::Column::<i64>::new("t", "a");
/// let b = quarry::Column::<i64>::new("t", "b");
/// let w = Window::new().partition_by(a).order_by(b.desc())
///     .frame(Frame::rows(FrameBound::Preceding(1), FrameBound::CurrentRow));
/// let q = select(sum(b).over(w));
/// assert_eq!(q.compile(&quarry::Sqlite).unwrap().sql,
///     "SELECT CAST(sum(t.b) OVER (PARTITION BY t.a ORDER BY t.b DESC ROWS BETWEEN 1 PRECEDING AND CURRENT ROW) AS BIGINT)");
/// ```
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Window {
    /// A named window this one extends.
    pub base: Option<Name>,
    /// PARTITION BY.
    pub partition_by: Vec<Expr>,
    /// ORDER BY.
    pub order_by: Vec<OrderBy>,
    /// The frame.
    pub frame: Option<Frame>,
}

impl Window {
    /// An empty window (`OVER ()`).
    ///
    /// ```
    /// assert!(quarry::Window::new().partition_by.is_empty());
    /// ```
    pub fn new() -> Self {
        Window::default()
    }

    /// A window extending the named window `base` (`OVER (base ORDER BY …)`).
    ///
    /// ```
    /// assert_eq!(quarry::Window::based_on("w").base.as_deref(), Some("w"));
    /// ```
    pub fn based_on(base: impl Into<Name>) -> Self {
        Window {
            base: Some(base.into()),
            ..Window::default()
        }
    }

    /// Adds PARTITION BY expressions.
    ///
    /// ```
    /// let w = quarry::Window::new().partition_by(quarry::Column::<i64>::new("t", "a"));
    /// assert_eq!(w.partition_by.len(), 1);
    /// ```
    pub fn partition_by(mut self, exprs: impl ExprList) -> Self {
        self.partition_by.extend(exprs.into_exprs());
        self
    }

    /// Adds ORDER BY terms.
    ///
    /// ```
    /// use quarry::prelude::*;
    /// let w = Window::new().order_by(quarry::Column::<i64>::new("t", "a").desc());
    /// assert_eq!(w.order_by.len(), 1);
    /// ```
    pub fn order_by(mut self, order: impl IntoOrderBy) -> Self {
        order.push_order(&mut self.order_by);
        self
    }

    /// Sets the frame.
    ///
    /// ```
    /// use quarry::{Window, Frame, FrameBound};
    /// let w = Window::new().frame(Frame::rows(FrameBound::UnboundedPreceding, FrameBound::CurrentRow));
    /// assert!(w.frame.is_some());
    /// ```
    pub fn frame(mut self, frame: Frame) -> Self {
        self.frame = Some(frame);
        self
    }
}

impl<T> TypedExpr<T> {
    /// Restricts an aggregate to rows matching `cond`: `FILTER (WHERE cond)` on PostgreSQL and
    /// SQLite, `f(CASE WHEN cond THEN x END)` on MySQL and MariaDB for count, sum, avg, min and
    /// max (exact, since they ignore NULLs); other aggregates there are unsupported. On
    /// something other than a function call it is an invalid statement when compiled.
    ///
    /// ```
    /// use quarry::prelude::*;
    /// let a = quarry::Column::<i64>::new("t", "a");
    /// let q = select(count_star().filter(a.gt(1)));
    /// assert_eq!(q.compile(&quarry::Postgres).unwrap().sql, "SELECT count(*) FILTER (WHERE t.a > $1)");
    /// assert_eq!(q.compile(&quarry::MySql).unwrap().sql, "SELECT count(CASE WHEN t.a > ? THEN 1 END)");
    /// ```
    pub fn filter(self, cond: impl Operand<bool>) -> TypedExpr<T> {
        let cond = cond.into_operand();
        TypedExpr::new(map_call(self.into_expr(), "FILTER", move |f| {
            f.filter = Some(match f.filter.take() {
                Some(prev) => prev.and_expr(cond),
                None => cond,
            })
        }))
    }

    /// The order an aggregate takes its rows in, `f(… ORDER BY …)`: for
    /// [`string_agg`](crate::functions::string_agg) on every dialect, for other aggregates on
    /// PostgreSQL and SQLite (`Unsupported` on the MySQL family). On something other than a
    /// function call it is an invalid statement when compiled.
    ///
    /// ```
    /// use quarry::prelude::*;
    /// let (name, id) = (quarry::Column::<String>::new("t", "name"), quarry::Column::<i64>::new("t", "id"));
    /// let q = select(quarry::functions::string_agg(name, "/").order_by(id)).from("t");
    /// assert_eq!(q.compile(&quarry::Sqlite).unwrap().sql, "SELECT group_concat(t.name, ? ORDER BY t.id) FROM t");
    /// ```
    pub fn order_by(self, order: impl IntoOrderBy) -> TypedExpr<T> {
        let mut terms = Vec::new();
        order.push_order(&mut terms);
        TypedExpr::new(map_call(self.into_expr(), "ORDER BY in a call", move |f| {
            f.order_by.extend(terms)
        }))
    }

    /// Makes the call a window function: `f(…) OVER (…)`.
    ///
    /// ```
    /// use quarry::prelude::*;
    /// let a = quarry::Column::<i64>::new("t", "a");
    /// let q = select(count(a).over(Window::new().partition_by(a)));
    /// assert_eq!(q.compile(&quarry::Sqlite).unwrap().sql, "SELECT count(t.a) OVER (PARTITION BY t.a)");
    /// ```
    pub fn over(self, window: Window) -> TypedExpr<T> {
        TypedExpr::new(map_call(self.into_expr(), "OVER", move |f| {
            f.over = Some(Over::Spec(window))
        }))
    }

    /// Makes the call a window function over a window named in the statement
    /// ([`crate::Select::window`]): `f(…) OVER w`.
    ///
    /// ```
    /// use quarry::prelude::*;
    /// let a = quarry::Column::<i64>::new("t", "a");
    /// let q = select(row_number().over_named("w")).from("t").window("w", Window::new().order_by(a));
    /// assert_eq!(q.compile(&quarry::Sqlite).unwrap().sql,
    ///     "SELECT row_number() OVER w FROM t WINDOW w AS (ORDER BY t.a)");
    /// ```
    pub fn over_named(self, window: impl Into<Name>) -> TypedExpr<T> {
        let name = window.into();
        TypedExpr::new(map_call(self.into_expr(), "OVER", move |f| {
            f.over = Some(Over::Named(name))
        }))
    }
}

/// Applies `f` to the function call in `e` (looking through the cast `sum`/`avg` add);
/// anything else becomes an invalid-statement marker naming `what`.
fn map_call(e: Expr, what: &'static str, f: impl FnOnce(&mut FuncCall)) -> Expr {
    match e {
        Expr::Func(mut call) => {
            f(&mut call);
            Expr::Func(call)
        }
        Expr::Cast(inner) if matches!(inner.0, Expr::Func(_)) => {
            let (x, ty) = *inner;
            Expr::Cast(Box::new((map_call(x, what, f), ty)))
        }
        _ => Expr::Invalid(what),
    }
}
