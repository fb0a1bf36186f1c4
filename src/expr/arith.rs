//! Arithmetic on typed expressions: `+ - * / %` with numeric promotion
//! ([`ArithOperand`], [`WithBase`]); `+` and `-` dispatch on the left's base type
//! ([`Addable`], [`Subtractable`]), which is how dates and timestamps take intervals.

use super::ops::{BinaryOp, Expr};
use super::typed::{Any, Numeric, Operand, SqlBase, TypedExpr};
use super::{Column, DynColumn, IntoExpr};
use crate::value::{Decimal, Value};

/// What goes on the right of `+ - * / %` beside a numeric expression of base `L`, and the
/// base of the result. The same type gives itself; mixed types promote as the databases do:
/// an integer with a decimal gives a decimal, an integer with a float or a decimal with a
/// float gives `f64`, a narrower integer with a wider one gives the wider. Plain values
/// are taken in the left's type (`price * 2` binds a decimal; one integer type, `i64`, and
/// `f64` beside a decimal, so that a literal needs no suffix), and floats beside integers.
///
/// ```
/// use quarry::prelude::*;
/// use quarry::value::Decimal;
/// let price = quarry::Column::<Decimal>::new("t", "price");
/// let qty = quarry::Column::<i32>::new("t", "qty");
/// let total: TypedExpr<Decimal> = price * qty;
/// let total_too: TypedExpr<Decimal> = qty * price;
/// let scaled: TypedExpr<f64> = qty * 1.5;
/// assert_eq!(select(total).compile(&quarry::Postgres).unwrap().sql, "SELECT t.price * t.qty");
/// # let _ = (total_too, scaled);
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be used in arithmetic with a SQL expression of Rust type `{L}`",
    label = "expected a number here: a value, column or expression",
    note = "arithmetic takes integers (i16, i32, i64), floats (f32, f64) and Decimal; an integer with a decimal gives a decimal, an integer or a decimal with a float gives f64"
)]
pub trait ArithOperand<L> {
    /// The base type of the result.
    type Out;
    /// The operand as an expression.
    fn into_arith(self) -> Expr;
}

/// The Rust type of an arithmetic result `O` (a base type, or `Option` of one when the right
/// operand may be NULL) whose left operand is of type `Self`: `O`, or `Option` of its base
/// when the left operand may be NULL. A NULL on either side makes the result NULL.
///
/// ```
/// use quarry::prelude::*;
/// let (a, b) = (quarry::Column::<i64>::new("t", "a"), quarry::Column::<Option<i64>>::new("t", "b"));
/// let _: TypedExpr<Option<i64>> = a + b;
/// let _: TypedExpr<Option<i64>> = b * a;
/// let _: TypedExpr<i64> = a - a;
/// ```
pub trait WithBase<O> {
    /// The result's Rust type.
    type Out;
}

/// A result type that may be NULL: `Option<T>` for `T` and for `Option<T>` alike.
///
/// ```
/// fn or_null<T: quarry::expr::OrNull>() {}
/// or_null::<i64>();
/// or_null::<Option<i64>>();
/// ```
pub trait OrNull {
    /// `Option` of the base type.
    type Out;
}

impl<O> WithBase<O> for Value {
    type Out = Value;
}

macro_rules! with_base {
    ($($b:ty),*) => {$(
        impl<O> $crate::expr::WithBase<O> for $b { type Out = O; }
        impl<O: $crate::expr::OrNull> $crate::expr::WithBase<O> for Option<$b> {
            type Out = O::Out;
        }
        impl $crate::expr::OrNull for $b { type Out = Option<$b>; }
        impl $crate::expr::OrNull for Option<$b> { type Out = Option<$b>; }
    )*};
}
pub(crate) use with_base;

with_base!(i16, i32, i64, f32, f64, Decimal);
#[cfg(feature = "rust_decimal-1")]
with_base!(rust_decimal::Decimal);

/// Anything dynamic code compares with goes beside a dynamic left, and the result stays
/// dynamic.
impl<X: Operand<Any>> ArithOperand<Any> for X {
    type Out = Any;
    fn into_arith(self) -> Expr {
        self.into_operand()
    }
}

/// A dynamic operand beside any numeric base: the result keeps the left's base.
macro_rules! dyn_operands {
    ($($l:ty),*) => {$(
        impl ArithOperand<$l> for DynColumn {
            type Out = $l;
            fn into_arith(self) -> Expr { self.into_expr() }
        }
        impl ArithOperand<$l> for Expr {
            type Out = $l;
            fn into_arith(self) -> Expr { self }
        }
    )*};
}

dyn_operands!(i16, i32, i64, f32, f64, Decimal);
#[cfg(feature = "rust_decimal-1")]
dyn_operands!(rust_decimal::Decimal);

/// Columns and expressions of base `$r` beside a left of base `$l`, giving `$o`.
macro_rules! promote_exprs {
    ($($l:ty, $r:ty => $o:ty;)*) => {$(
        impl ArithOperand<$l> for Column<$r> {
            type Out = $o;
            fn into_arith(self) -> Expr { self.into_expr() }
        }
        impl ArithOperand<$l> for Column<Option<$r>> {
            type Out = Option<$o>;
            fn into_arith(self) -> Expr { self.into_expr() }
        }
        impl ArithOperand<$l> for TypedExpr<$r> {
            type Out = $o;
            fn into_arith(self) -> Expr { self.into_expr() }
        }
        impl ArithOperand<$l> for TypedExpr<Option<$r>> {
            type Out = Option<$o>;
            fn into_arith(self) -> Expr { self.into_expr() }
        }
    )*};
}

/// Plain values of type `$r` beside a left of base `$l`, giving `$o`, bound as `$l`'s
/// operands are (a number beside a decimal becomes a decimal).
macro_rules! promote_values {
    ($($l:ty, $r:ty => $o:ty;)*) => {$(
        impl ArithOperand<$l> for $r {
            type Out = $o;
            fn into_arith(self) -> Expr { <$r as Operand<$l>>::into_operand(self) }
        }
    )*};
}

/// Plain values of type `$r` beside a left of base `$l`, giving `$o`, bound as they are.
macro_rules! promote_raw_values {
    ($($l:ty, $r:ty => $o:ty;)*) => {$(
        impl ArithOperand<$l> for $r {
            type Out = $o;
            fn into_arith(self) -> Expr { self.into_expr() }
        }
    )*};
}

promote_exprs! {
    i16, i16 => i16; i16, i32 => i32; i16, i64 => i64;
    i32, i16 => i32; i32, i32 => i32; i32, i64 => i64;
    i64, i16 => i64; i64, i32 => i64; i64, i64 => i64;
    i16, f32 => f64; i16, f64 => f64; i32, f32 => f64; i32, f64 => f64;
    i64, f32 => f64; i64, f64 => f64;
    f32, i16 => f64; f32, i32 => f64; f32, i64 => f64; f32, f32 => f32; f32, f64 => f64;
    f64, i16 => f64; f64, i32 => f64; f64, i64 => f64; f64, f32 => f64; f64, f64 => f64;
    i16, Decimal => Decimal; i32, Decimal => Decimal; i64, Decimal => Decimal;
    Decimal, i16 => Decimal; Decimal, i32 => Decimal; Decimal, i64 => Decimal;
    Decimal, Decimal => Decimal;
    Decimal, f32 => f64; Decimal, f64 => f64; f32, Decimal => f64; f64, Decimal => f64;
}

promote_values! {
    i16, i16 => i16; i32, i32 => i32; i64, i64 => i64;
    f32, f32 => f32; f64, f64 => f64;
    Decimal, Decimal => Decimal;
    Decimal, i64 => Decimal; Decimal, f64 => Decimal;
}

promote_raw_values! {
    i16, f64 => f64; i32, f64 => f64; i64, f64 => f64;
    i16, Decimal => Decimal; i32, Decimal => Decimal; i64, Decimal => Decimal;
}

#[cfg(feature = "rust_decimal-1")]
promote_exprs! {
    rust_decimal::Decimal, rust_decimal::Decimal => rust_decimal::Decimal;
}
#[cfg(feature = "rust_decimal-1")]
promote_values! {
    rust_decimal::Decimal, rust_decimal::Decimal => rust_decimal::Decimal;
}

/// The operator `/` is for a result of this base: integers divide into integers, truncating
/// toward zero on every backend ([`BinaryOp::IntDiv`]: `DIV` on the MySQL family, whose `/`
/// gives a decimal); other numbers divide exactly.
///
/// ```
/// use quarry::prelude::*;
/// let (a, b) = (quarry::Column::<i64>::new("t", "a"), quarry::Column::<i64>::new("t", "b"));
/// assert_eq!(select(a / b).compile(&quarry::Postgres).unwrap().sql, "SELECT t.a / t.b");
/// assert_eq!(select(a / b).compile(&quarry::MySql).unwrap().sql, "SELECT t.a DIV t.b");
/// assert_eq!(select(a / b).compile(&quarry::MariaDb).unwrap().sql, "SELECT t.a DIV t.b");
/// assert_eq!(select(a / b).compile(&quarry::Sqlite).unwrap().sql, "SELECT t.a / t.b");
/// let x = quarry::Column::<f64>::new("t", "x");
/// assert_eq!(select(a / x).compile(&quarry::MySql).unwrap().sql, "SELECT t.a / t.x");
/// ```
pub trait Division {
    /// `/` or integer division.
    const OP: BinaryOp;
}

/// Integer base types: `%` takes them only (PostgreSQL has no `%` for floats, and SQLite's
/// truncates its operands to integers, so a fractional remainder would differ by backend).
///
/// ```
/// use quarry::prelude::*;
/// let (a, b) = (quarry::Column::<i32>::new("t", "a"), quarry::Column::<i64>::new("t", "b"));
/// let q = select(a % b);
/// assert_eq!(q.compile(&quarry::Postgres).unwrap().sql, "SELECT t.a % t.b");
/// assert_eq!(q.compile(&quarry::MySql).unwrap().sql, "SELECT t.a % t.b");
/// assert_eq!(q.compile(&quarry::Sqlite).unwrap().sql, "SELECT t.a % t.b");
/// ```
#[diagnostic::on_unimplemented(
    message = "`%` gives a remainder of integers, not of `{Self}`",
    label = "the remainder would be `{Self}`",
    note = "PostgreSQL has no `%` for floats and SQLite truncates `%`'s operands to integers; cast to an integer first, or compute `x - y * floor(x / y)`"
)]
pub trait IntegerBase {}

macro_rules! division {
    ($op:ident: $($t:ty),*) => {$(
        impl Division for $t { const OP: BinaryOp = BinaryOp::$op; }
        impl Division for Option<$t> { const OP: BinaryOp = BinaryOp::$op; }
    )*};
}
division!(IntDiv: i16, i32, i64);
division!(Div: f32, f64, Decimal, Any);
#[cfg(feature = "rust_decimal-1")]
division!(Div: rust_decimal::Decimal);
impl IntegerBase for i16 {}
impl IntegerBase for i32 {}
impl IntegerBase for i64 {}
impl IntegerBase for Any {}
impl<T: IntegerBase> IntegerBase for Option<T> {}

/// The base types whose expressions `R` can be added to (`Self` is the left's base type):
/// numbers add numbers ([`ArithOperand`]), a date adds days, months or years and a timestamp
/// any interval ([`Interval`](super::Interval)).
///
/// ```
/// use quarry::prelude::*;
/// use quarry::functions::days;
/// let day = quarry::Column::<quarry::value::Date>::new("t", "day");
/// let n = quarry::Column::<i64>::new("t", "n");
/// let (later, more) = (day + days(1), n + 1);
/// assert_eq!(select(more).compile(&quarry::Postgres).unwrap().sql, "SELECT t.n + $1");
/// assert_eq!(select(later).compile(&quarry::MariaDb).unwrap().sql, "SELECT (t.day + INTERVAL ? DAY)");
/// ```
#[diagnostic::on_unimplemented(
    message = "cannot add `{R}` to a SQL expression of type `{Self}`",
    label = "not something a `{Self}` expression can be added to",
    note = "numbers add numbers; a date adds days(n), months(n) or years(n) and a timestamp any interval (quarry::functions::{{days, hours, minutes, seconds, months, years}}); two dates do not add"
)]
pub trait Addable<R> {
    /// The base type of the sum.
    type Out;
    /// The sum of `left` (of base `Self`) and `rhs`.
    fn add_expr(left: Expr, rhs: R) -> Expr;
}

/// The base types whose expressions `R` can be subtracted from (`Self` is the left's base
/// type): numbers from numbers, days, months or years from a date, any interval from a
/// timestamp, and a date from a date (a day count, `i64`).
///
/// ```
/// use quarry::prelude::*;
/// use quarry::value::Date;
/// let (a, b) = (quarry::Column::<Date>::new("t", "a"), quarry::Column::<Date>::new("t", "b"));
/// let q = select(a - b);
/// assert_eq!(q.compile(&quarry::Postgres).unwrap().sql, "SELECT (CAST(t.a AS DATE) - CAST(t.b AS DATE))");
/// assert_eq!(q.compile(&quarry::MySql).unwrap().sql, "SELECT DATEDIFF(t.a, t.b)");
/// assert_eq!(q.compile(&quarry::MariaDb).unwrap().sql, "SELECT DATEDIFF(t.a, t.b)");
/// assert_eq!(q.compile(&quarry::Sqlite).unwrap().sql,
///     "SELECT CAST(julianday(date(t.a)) - julianday(date(t.b)) AS INTEGER)");
/// ```
#[diagnostic::on_unimplemented(
    message = "cannot subtract `{R}` from a SQL expression of type `{Self}`",
    label = "not something that can be subtracted from a `{Self}` expression",
    note = "numbers subtract numbers; a date subtracts days(n), months(n), years(n) or another date of the same type (giving whole days); a timestamp subtracts any interval (quarry::functions::{{days, hours, minutes, seconds, months, years}})"
)]
pub trait Subtractable<R> {
    /// The base type of the difference.
    type Out;
    /// `left` (of base `Self`) minus `rhs`.
    fn sub_expr(left: Expr, rhs: R) -> Expr;
}

impl<L: Numeric, R: ArithOperand<L>> Addable<R> for L {
    type Out = R::Out;
    fn add_expr(left: Expr, rhs: R) -> Expr {
        left.binary(BinaryOp::Add, rhs.into_arith())
    }
}

impl<L: Numeric, R: ArithOperand<L>> Subtractable<R> for L {
    type Out = R::Out;
    fn sub_expr(left: Expr, rhs: R) -> Expr {
        left.binary(BinaryOp::Sub, rhs.into_arith())
    }
}

/// `+` and `-` on typed columns and expressions, dispatched on the left's base type
/// ([`Addable`], [`Subtractable`]).
macro_rules! additive {
    ($($tr:ident $method:ident $by:ident $build:ident),*) => {$(
        impl<T, R> std::ops::$tr<R> for Column<T>
        where
            T: SqlBase + WithBase<<T::Base as $by<R>>::Out>,
            T::Base: $by<R>,
        {
            type Output = TypedExpr<<T as WithBase<<T::Base as $by<R>>::Out>>::Out>;
            fn $method(self, rhs: R) -> Self::Output {
                TypedExpr::new(<T::Base as $by<R>>::$build(self.into_expr(), rhs))
            }
        }
        impl<T, R> std::ops::$tr<R> for TypedExpr<T>
        where
            T: SqlBase + WithBase<<T::Base as $by<R>>::Out>,
            T::Base: $by<R>,
        {
            type Output = TypedExpr<<T as WithBase<<T::Base as $by<R>>::Out>>::Out>;
            fn $method(self, rhs: R) -> Self::Output {
                TypedExpr::new(<T::Base as $by<R>>::$build(self.into_expr(), rhs))
            }
        }
    )*};
}

additive!(Add add Addable add_expr, Sub sub Subtractable sub_expr);

macro_rules! arith {
    ($($tr:ident $method:ident ($($bound:tt)*) $op:expr),*) => {$(
        impl<T, R> std::ops::$tr<R> for Column<T>
        where
            T: SqlBase + WithBase<R::Out>,
            T::Base: Numeric,
            R: ArithOperand<T::Base>,
            R::Out: $($bound)*,
        {
            type Output = TypedExpr<<T as WithBase<R::Out>>::Out>;
            fn $method(self, rhs: R) -> Self::Output {
                TypedExpr::new(self.into_expr().binary($op, rhs.into_arith()))
            }
        }
        impl<T, R> std::ops::$tr<R> for TypedExpr<T>
        where
            T: SqlBase + WithBase<R::Out>,
            T::Base: Numeric,
            R: ArithOperand<T::Base>,
            R::Out: $($bound)*,
        {
            type Output = TypedExpr<<T as WithBase<R::Out>>::Out>;
            fn $method(self, rhs: R) -> Self::Output {
                TypedExpr::new(self.into_expr().binary($op, rhs.into_arith()))
            }
        }
    )*};
}

arith!(
    Mul mul (Sized) BinaryOp::Mul,
    Div div (Division) <R::Out as Division>::OP,
    Rem rem (IntegerBase) BinaryOp::Mod
);

macro_rules! expr_arith {
    ($($tr:ident $method:ident $op:ident),*) => {$(
        impl<R: Operand<Any>> std::ops::$tr<R> for Expr {
            type Output = Expr;
            fn $method(self, rhs: R) -> Expr {
                self.binary(BinaryOp::$op, rhs.into_operand())
            }
        }
    )*};
}

expr_arith!(Add add Add, Sub sub Sub, Mul mul Mul, Div div Div, Rem rem Mod);

macro_rules! dyn_arith {
    ($($tr:ident $method:ident $op:ident),*) => {$(
        impl<R: Operand<Any>> std::ops::$tr<R> for DynColumn {
            type Output = Expr;
            fn $method(self, rhs: R) -> Expr {
                self.into_expr().binary(BinaryOp::$op, rhs.into_operand())
            }
        }
    )*};
}

dyn_arith!(Add add Add, Sub sub Sub, Mul mul Mul, Div div Div, Rem rem Mod);
