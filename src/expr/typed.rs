//! The typed layer: [`TypedExpr<T>`], the type-matching traits and [`ExprMethods`].

use super::ops::{BinaryOp, Expr, OrderBy, UnaryOp};
use super::{Column, DynColumn, IntoExpr};
use crate::stmt::select::{Labeled, Query};
use crate::value::{Date, Decimal, Json, Time, Timestamp, Utc, Uuid, Value};
use std::fmt;
use std::marker::PhantomData;

/// An expression whose values have the Rust type `T`: a zero-cost wrapper over [`Expr`].
///
/// ```
/// use quarry::prelude::*;
/// let id = quarry::Column::<i64>::new("t", "id");
/// let e: TypedExpr<bool> = id.eq(5);
/// let sum: TypedExpr<i64> = id + 1;
/// # let _ = (e, sum);
/// ```
pub struct TypedExpr<T> {
    expr: Expr,
    _type: PhantomData<fn() -> T>,
}

impl<T> TypedExpr<T> {
    /// Wraps `expr`, asserting (unchecked) that its values decode to `T`.
    ///
    /// ```
    /// let e = quarry::TypedExpr::<i64>::new(quarry::func("random", ()));
    /// # let _ = e;
    /// ```
    pub fn new(expr: impl IntoExpr) -> Self {
        TypedExpr {
            expr: expr.into_expr(),
            _type: PhantomData,
        }
    }

    /// The untyped expression.
    ///
    /// ```
    /// let e = quarry::val(1_i64);
    /// assert_eq!(e.expr(), &quarry::Expr::Value(quarry::Value::I64(1)));
    /// ```
    pub fn expr(&self) -> &Expr {
        &self.expr
    }

    /// The same expression with another Rust type (unchecked), e.g. after a driver-specific
    /// function.
    ///
    /// ```
    /// let e: quarry::TypedExpr<Option<i64>> = quarry::val(1_i64).retype();
    /// # let _ = e;
    /// ```
    pub fn retype<U>(self) -> TypedExpr<U> {
        TypedExpr::new(self.expr)
    }

    /// The same expression, typed as nullable.
    ///
    /// ```
    /// let e: quarry::TypedExpr<Option<i64>> = quarry::val(1_i64).nullable();
    /// # let _ = e;
    /// ```
    pub fn nullable(self) -> TypedExpr<Option<T>> {
        TypedExpr::new(self.expr)
    }
}

impl<T> Clone for TypedExpr<T> {
    fn clone(&self) -> Self {
        TypedExpr::new(self.expr.clone())
    }
}

impl<T> fmt::Debug for TypedExpr<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "TypedExpr<{}>({:?})",
            std::any::type_name::<T>(),
            self.expr
        )
    }
}

impl<T> PartialEq for TypedExpr<T> {
    fn eq(&self, other: &Self) -> bool {
        self.expr == other.expr
    }
}

impl<T> IntoExpr for TypedExpr<T> {
    fn into_expr(self) -> Expr {
        self.expr
    }
}

/// The type of dynamic expressions ([`DynColumn`], [`Expr`]): compares with anything.
///
/// ```
/// use quarry::prelude::*;
/// let e = quarry::DynColumn::new("t", "a").eq("x").or(quarry::DynColumn::new("t", "b").eq(1));
/// # let _ = e;
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Any {}

/// Maps a Rust column type to the type its values compare with: `T` and `Option<T>` both to
/// `T`.
///
/// ```
/// use quarry::expr::SqlBase;
/// fn base<T: SqlBase<Base = i64>>() {}
/// base::<i64>();
/// base::<Option<i64>>();
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a SQL value type usable in typed expressions",
    note = "typed expressions work with bool, integers, floats, String, Vec<u8>, quarry's date/time/uuid/json/decimal types and Option of those; use `.dynamic()` otherwise"
)]
pub trait SqlBase {
    /// The non-NULL type values compare with.
    type Base;
}

impl SqlBase for Value {
    type Base = Any;
}

/// A dynamic expression that may be NULL (`sum` of a dynamic column) is still dynamic.
impl SqlBase for Option<Value> {
    type Base = Any;
}

/// The type of an expression of base `Self` that may be NULL (`min`, `max`, `lag`, …):
/// `Option<T>` for a typed base, [`Value`] for a dynamic one (which holds its own NULL).
///
/// ```
/// use quarry::prelude::*;
/// let typed: TypedExpr<Option<i64>> = max(quarry::Column::<i64>::new("t", "a"));
/// let dynamic: TypedExpr<quarry::Value> = max(quarry::DynColumn::new("t", "a"));
/// # let _ = (typed, dynamic);
/// ```
pub trait Nullable {
    /// The Rust type of the expression.
    type OrNull;
}

impl Nullable for Any {
    type OrNull = Value;
}

/// Something a typed expression of base type `B` can be compared with: a value of type `B`
/// (`&str` for `String`), a column or typed expression of type `B` or `Option<B>`, or any
/// dynamic expression.
///
/// ```
/// use quarry::prelude::*;
/// let id = quarry::Column::<i64>::new("t", "id");
/// let other = quarry::Column::<Option<i64>>::new("u", "t_id");
/// let _ = (id.eq(1), id.eq(other), id.eq(quarry::DynColumn::new("u", "x")));
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be compared with a SQL expression of Rust type `{B}`",
    label = "expected a `{B}` value, column or expression here",
    note = "typed columns compare with values, columns and expressions of the same Rust type (`Option<T>` columns with `T`); use `.dynamic()` or `quarry::Expr` to opt out"
)]
pub trait Operand<B> {
    /// Converts into an untyped expression.
    fn into_operand(self) -> Expr;
}

/// Numeric base types: arithmetic, `sum` and `avg` accept them.
///
/// ```
/// fn numeric<T: quarry::expr::Numeric>() {}
/// numeric::<i64>();
/// numeric::<f64>();
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not numeric",
    label = "arithmetic, sum and avg need a numeric expression",
    note = "numeric types are i16, i32, i64, f32, f64 and Decimal (and Option of those)"
)]
pub trait Numeric {}

/// Text base types: LIKE, ILIKE, concatenation, lower, upper and length accept them.
///
/// ```
/// fn text<T: quarry::expr::Text>() {}
/// text::<String>();
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not text",
    label = "LIKE, ILIKE, concat, lower, upper and length need a text expression",
    note = "text columns have Rust type String or Option<String>"
)]
pub trait Text {}

impl Text for String {}
impl Text for Any {}
impl Numeric for Any {}

/// What `sum` of a numeric type yields: integers sum to `i64` (cast to BIGINT, since
/// PostgreSQL and MySQL widen integer sums to NUMERIC), floats to `f64`, decimals to `Decimal`.
///
/// ```
/// fn sums_to<T: quarry::expr::Summable<Sum = i64>>() {}
/// sums_to::<i32>();
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be summed",
    label = "sum and avg need a numeric expression",
    note = "numeric types are i16, i32, i64, f32, f64 and Decimal (and Option of those)"
)]
pub trait Summable {
    /// The Rust type of the sum.
    type Sum;
    /// The type the sum is cast to, if any, so every backend returns the same type.
    const CAST: Option<crate::SqlType>;
}

macro_rules! summable {
    ($($t:ty => $sum:ty, $cast:expr;)*) => {$(
        impl Numeric for $t {}
        impl Summable for $t {
            type Sum = $sum;
            const CAST: Option<crate::SqlType> = $cast;
        }
    )*};
}

summable! {
    i16 => i64, Some(crate::SqlType::BigInt);
    i32 => i64, Some(crate::SqlType::BigInt);
    i64 => i64, Some(crate::SqlType::BigInt);
    f32 => f64, Some(crate::SqlType::Double);
    f64 => f64, Some(crate::SqlType::Double);
    Decimal => Decimal, None;
}

impl Summable for Any {
    type Sum = Value;
    const CAST: Option<crate::SqlType> = None;
}

/// Anything with a base type: values, columns and expressions (used where a value's type
/// decides the expression's type, like the branches of a CASE).
///
/// ```
/// fn base<V: quarry::expr::HasBase<Base = String>>(_: V) {}
/// base("x");
/// base(quarry::Column::<Option<String>>::new("t", "a"));
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a SQL value, column or expression",
    note = "use a bindable value, a column or an expression"
)]
pub trait HasBase {
    /// The base type.
    type Base;
}

impl<T: SqlBase> HasBase for Column<T> {
    type Base = T::Base;
}
impl<T: SqlBase> HasBase for TypedExpr<T> {
    type Base = T::Base;
}
impl HasBase for DynColumn {
    type Base = Any;
}
impl HasBase for Expr {
    type Base = Any;
}

/// A value [`val`](crate::val) binds, and the type of the expression it makes: its own for
/// owned values (`Option` kept), the owned type for borrowed ones (`&str` makes a
/// `TypedExpr<String>`, `&[u8]` a `TypedExpr<Vec<u8>>`), so the expression has methods and
/// can be selected like any other.
///
/// ```
/// use quarry::prelude::*;
/// let e: TypedExpr<String> = val("x");
/// let n: TypedExpr<Option<i64>> = val(None::<i64>);
/// # let _ = (e, n);
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be bound as a value",
    note = "bind integers, floats, bool, strings, bytes, decimals, dates, times, timestamps, UUIDs or JSON (and Option of those)"
)]
pub trait BindType: crate::IntoValue {
    /// The Rust type of the expression's values.
    type Type;
}

/// Implements the typed operand rules for one base type.
macro_rules! base_type {
    ($b:ty $(, $extra:ty)*) => {
        impl Nullable for $b { type OrNull = Option<$b>; }
        impl BindType for $b { type Type = $b; }
        impl BindType for Option<$b> { type Type = Option<$b>; }
        $( impl BindType for $extra { type Type = $b; } )*
        impl SqlBase for $b { type Base = $b; }
        impl SqlBase for Option<$b> { type Base = $b; }
        impl HasBase for $b { type Base = $b; }
        impl HasBase for Option<$b> { type Base = $b; }
        $( impl HasBase for $extra { type Base = $b; } )*
        impl Operand<$b> for $b {
            #[inline]
            fn into_operand(self) -> Expr { self.into_expr() }
        }
        impl Operand<Any> for $b {
            #[inline]
            fn into_operand(self) -> Expr { self.into_expr() }
        }
        impl Operand<Any> for Option<$b> {
            #[inline]
            fn into_operand(self) -> Expr { self.into_expr() }
        }
        $(
            impl Operand<$b> for $extra {
                #[inline]
                fn into_operand(self) -> Expr { self.into_expr() }
            }
            impl Operand<Any> for $extra {
                #[inline]
                fn into_operand(self) -> Expr { self.into_expr() }
            }
        )*
        impl Operand<$b> for Column<$b> {
            #[inline]
            fn into_operand(self) -> Expr { self.into_expr() }
        }
        impl Operand<$b> for Column<Option<$b>> {
            #[inline]
            fn into_operand(self) -> Expr { self.into_expr() }
        }
        impl Operand<$b> for TypedExpr<$b> {
            #[inline]
            fn into_operand(self) -> Expr { self.into_expr() }
        }
        impl Operand<$b> for TypedExpr<Option<$b>> {
            #[inline]
            fn into_operand(self) -> Expr { self.into_expr() }
        }
        impl ValueFor<$b> for $b {
            #[inline]
            fn into_value_expr(self) -> Expr { self.into_expr() }
        }
        impl ValueFor<Option<$b>> for $b {
            #[inline]
            fn into_value_expr(self) -> Expr { self.into_expr() }
        }
        impl ValueFor<Option<$b>> for Option<$b> {
            #[inline]
            fn into_value_expr(self) -> Expr { self.into_expr() }
        }
        $(
            impl ValueFor<$b> for $extra {
                #[inline]
                fn into_value_expr(self) -> Expr { self.into_expr() }
            }
            impl ValueFor<Option<$b>> for $extra {
                #[inline]
                fn into_value_expr(self) -> Expr { self.into_expr() }
            }
        )*
    };
}

/// A value or expression that can be stored in a column whose Rust type is `T`, in INSERT
/// values and UPDATE SET: a `T` (or its borrowed form, `&str` for `String`), for an
/// `Option<T>` column also `Option<T>` and `None`, an expression of the same base type, a
/// dynamic expression, or [`crate::DEFAULT`]. NULL into a non-`Option` column does not
/// compile.
///
/// ```
/// use quarry::prelude::*;
/// quarry::table! { pub struct T("t") { id: i64, note: Option<String> } }
/// let t = T::new();
/// let q = quarry::update(t).set(t.note, None).set(t.id, t.id + 1);
/// assert_eq!(q.compile(&quarry::Postgres).unwrap().sql, "UPDATE t SET note = $1, id = id + $2");
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be stored in a column of Rust type `{T}`",
    label = "not a value for this column",
    note = "a column of `T` takes a `T` or an expression of the same type; an `Option<T>` column also takes `Option<T>` and `None`; `quarry::DEFAULT` takes the column's default"
)]
pub trait ValueFor<T> {
    /// The expression stored.
    fn into_value_expr(self) -> Expr;
}

impl<T: SqlBase, X: SqlBase<Base = T::Base>> ValueFor<T> for Column<X> {
    fn into_value_expr(self) -> Expr {
        self.into_expr()
    }
}

impl<T: SqlBase, X: SqlBase<Base = T::Base>> ValueFor<T> for TypedExpr<X> {
    fn into_value_expr(self) -> Expr {
        self.into_expr()
    }
}

macro_rules! dynamic_value_for {
    ($($t:ty),*) => {$(
        impl<T> ValueFor<T> for $t {
            #[inline]
            fn into_value_expr(self) -> Expr { self.into_expr() }
        }
    )*};
}

dynamic_value_for!(Expr, DynColumn, &DynColumn, crate::Sql);

impl<T> ValueFor<T> for crate::Value {
    fn into_value_expr(self) -> Expr {
        Expr::Value(self)
    }
}

base_type!(bool);
base_type!(i16);
base_type!(i32);
base_type!(i64);
base_type!(f32);
base_type!(f64);
base_type!(String, &str);
base_type!(Vec<u8>, &[u8]);
base_type!(Date);
base_type!(Time);
base_type!(Timestamp);
base_type!(Utc);
base_type!(Uuid);
base_type!(Json);
base_type!(Decimal);

/// Integer and float literals where a decimal is expected (`price.gt(100)`, `price * 1.2`):
/// bound as the decimal they write (a float by its shortest decimal text), so the database
/// computes in DECIMAL. A NaN or infinite float fails when compiled.
macro_rules! decimal_literals {
    ($($t:ty => $conv:expr),*) => {$(
        impl Operand<Decimal> for $t {
            fn into_operand(self) -> Expr {
                let conv: fn($t) -> Option<Decimal> = $conv;
                match conv(self) {
                    Some(d) => Expr::Value(Value::Decimal(d)),
                    None => Expr::Invalid("a NaN or infinite float as a decimal"),
                }
            }
        }
    )*};
}

decimal_literals! {
    i16 => |n| Some(Decimal::from(n)),
    i32 => |n| Some(Decimal::from(n)),
    i64 => |n| Some(Decimal::from(n)),
    f64 => Decimal::from_f64
}

#[cfg(feature = "chrono-0_4")]
base_type!(chrono::NaiveDate);
#[cfg(feature = "chrono-0_4")]
base_type!(chrono::NaiveTime);
#[cfg(feature = "chrono-0_4")]
base_type!(chrono::NaiveDateTime);
#[cfg(feature = "chrono-0_4")]
base_type!(chrono::DateTime<chrono::Utc>);
#[cfg(feature = "time-0_3")]
base_type!(time::Date);
#[cfg(feature = "time-0_3")]
base_type!(time::Time);
#[cfg(feature = "time-0_3")]
base_type!(time::PrimitiveDateTime);
#[cfg(feature = "time-0_3")]
base_type!(time::OffsetDateTime);
#[cfg(feature = "uuid-1")]
base_type!(uuid::Uuid);
#[cfg(feature = "rust_decimal-1")]
base_type!(rust_decimal::Decimal);
#[cfg(feature = "serde_json-1")]
base_type!(serde_json::Value);

#[cfg(feature = "rust_decimal-1")]
impl Numeric for rust_decimal::Decimal {}
#[cfg(feature = "rust_decimal-1")]
impl Summable for rust_decimal::Decimal {
    type Sum = rust_decimal::Decimal;
    const CAST: Option<crate::SqlType> = None;
}

impl<T> Operand<Any> for Column<T> {
    fn into_operand(self) -> Expr {
        self.into_expr()
    }
}
impl<T> Operand<Any> for TypedExpr<T> {
    fn into_operand(self) -> Expr {
        self.into_expr()
    }
}
impl<B> Operand<B> for DynColumn {
    fn into_operand(self) -> Expr {
        self.into_expr()
    }
}
impl<B> Operand<B> for &DynColumn {
    fn into_operand(self) -> Expr {
        self.into_expr()
    }
}
impl<B> Operand<B> for Expr {
    fn into_operand(self) -> Expr {
        self
    }
}
impl<B> Operand<B> for crate::Sql {
    fn into_operand(self) -> Expr {
        self.into_expr()
    }
}

/// Operators and predicates of columns and expressions, typed where the receiver is.
///
/// Implemented by [`Column<T>`] and [`TypedExpr<T>`] (operands must match `T`) and by
/// [`DynColumn`] and [`Expr`] (any operand). Import it with `use quarry::prelude::*`.
///
/// ```
/// use quarry::prelude::*;
/// use quarry::{Postgres, MySql};
/// quarry::table! { pub struct T("t") { a: i64, s: Option<String> } }
/// let t = T::new();
/// let q = select(t.a).from(t).filter(t.a.between(1, 9).and(t.s.ilike("x%")));
/// assert_eq!(q.compile(&Postgres).unwrap().sql,
///     "SELECT t.a FROM t WHERE t.a BETWEEN $1 AND $2 AND t.s ILIKE $3");
/// assert_eq!(q.compile(&MySql).unwrap().sql,
///     "SELECT t.a FROM t WHERE t.a BETWEEN ? AND ? AND lower(t.s) LIKE lower(?)");
/// ```
pub trait ExprMethods: IntoExpr + Sized {
    /// The type operands must match ([`Any`] for dynamic expressions).
    type Base;
    /// The Rust type of the expression's values ([`Value`] for dynamic expressions).
    type Type;

    /// `self = rhs`.
    ///
    /// ```
    /// use quarry::prelude::*;
    /// let e = quarry::Column::<i64>::new("t", "a").eq(1);
    /// assert_eq!(select(e).compile(&quarry::Sqlite).unwrap().sql, "SELECT t.a = ?");
    /// ```
    fn eq(self, rhs: impl Operand<Self::Base>) -> TypedExpr<bool> {
        TypedExpr::new(self.into_expr().binary(BinaryOp::Eq, rhs.into_operand()))
    }

    /// `self <> rhs`.
    ///
    /// ```
    /// use quarry::prelude::*;
    /// let e = quarry::Column::<i64>::new("t", "a").ne(1);
    /// assert_eq!(select(e).compile(&quarry::Sqlite).unwrap().sql, "SELECT t.a <> ?");
    /// ```
    fn ne(self, rhs: impl Operand<Self::Base>) -> TypedExpr<bool> {
        TypedExpr::new(self.into_expr().binary(BinaryOp::Ne, rhs.into_operand()))
    }

    /// `self < rhs`.
    ///
    /// ```
    /// use quarry::prelude::*;
    /// let e = quarry::Column::<i64>::new("t", "a").lt(1);
    /// assert_eq!(select(e).compile(&quarry::Sqlite).unwrap().sql, "SELECT t.a < ?");
    /// ```
    fn lt(self, rhs: impl Operand<Self::Base>) -> TypedExpr<bool> {
        TypedExpr::new(self.into_expr().binary(BinaryOp::Lt, rhs.into_operand()))
    }

    /// `self <= rhs`.
    ///
    /// ```
    /// use quarry::prelude::*;
    /// let e = quarry::Column::<i64>::new("t", "a").le(1);
    /// assert_eq!(select(e).compile(&quarry::Sqlite).unwrap().sql, "SELECT t.a <= ?");
    /// ```
    fn le(self, rhs: impl Operand<Self::Base>) -> TypedExpr<bool> {
        TypedExpr::new(self.into_expr().binary(BinaryOp::Le, rhs.into_operand()))
    }

    /// `self > rhs`.
    ///
    /// ```
    /// use quarry::prelude::*;
    /// let e = quarry::Column::<i64>::new("t", "a").gt(1);
    /// assert_eq!(select(e).compile(&quarry::Sqlite).unwrap().sql, "SELECT t.a > ?");
    /// ```
    fn gt(self, rhs: impl Operand<Self::Base>) -> TypedExpr<bool> {
        TypedExpr::new(self.into_expr().binary(BinaryOp::Gt, rhs.into_operand()))
    }

    /// `self <operator> rhs` for an operator quarry has no method for (SQLAlchemy's `op`):
    /// symbols only, checked when compiling; operands that are not a single term are
    /// parenthesised. The result is untyped: [`TypedExpr::retype`] it, or use
    /// [`ExprMethods::bool_op`] for a condition.
    ///
    /// ```
    /// use quarry::prelude::*;
    /// let tags = quarry::DynColumn::new("t", "tags");
    /// let q = select(tags.op("||", "x")).from("t");
    /// assert_eq!(q.compile(&quarry::Postgres).unwrap().sql, "SELECT t.tags || $1 FROM t");
    /// assert_eq!(q.compile(&quarry::Sqlite).unwrap().sql, "SELECT t.tags || ? FROM t");
    /// ```
    fn op(self, operator: &'static str, rhs: impl IntoExpr) -> TypedExpr<Value> {
        TypedExpr::new(
            self.into_expr()
                .binary(BinaryOp::Custom(operator), rhs.into_expr()),
        )
    }

    /// `self <operator> rhs` as a condition, for an operator quarry has no method for
    /// (PostgreSQL's `@>`, `&&`, `~`, MySQL's `<=>`): symbols only, checked when compiling.
    ///
    /// ```
    /// use quarry::prelude::*;
    /// let tags = quarry::Column::<String>::new("t", "tags");
    /// let q = select(tags).from("t").filter(tags.bool_op("@>", quarry::val("{\"a\": 1}")));
    /// assert_eq!(q.compile(&quarry::Postgres).unwrap().sql, "SELECT t.tags FROM t WHERE t.tags @> $1");
    /// let q = select(tags).from("t").filter(tags.bool_op("<=>", quarry::val("a")));
    /// assert_eq!(q.compile(&quarry::MySql).unwrap().sql, "SELECT t.tags FROM t WHERE t.tags <=> ?");
    /// assert!(select(tags.bool_op("-- x", 1)).compile(&quarry::Sqlite).is_err());
    /// ```
    fn bool_op(self, operator: &'static str, rhs: impl IntoExpr) -> TypedExpr<bool> {
        TypedExpr::new(
            self.into_expr()
                .binary(BinaryOp::Custom(operator), rhs.into_expr()),
        )
    }

    /// `self >= rhs`.
    ///
    /// ```
    /// use quarry::prelude::*;
    /// let e = quarry::Column::<i64>::new("t", "a").ge(1);
    /// assert_eq!(select(e).compile(&quarry::Sqlite).unwrap().sql, "SELECT t.a >= ?");
    /// ```
    fn ge(self, rhs: impl Operand<Self::Base>) -> TypedExpr<bool> {
        TypedExpr::new(self.into_expr().binary(BinaryOp::Ge, rhs.into_operand()))
    }

    /// `self AND rhs` (nested ANDs are flattened; ORs inside are parenthesized).
    ///
    /// ```
    /// use quarry::prelude::*;
    /// let a = quarry::Column::<bool>::new("t", "a");
    /// let e = a.eq(true).and(a.is_null().or(a.ne(false)));
    /// assert_eq!(select(e).compile(&quarry::Sqlite).unwrap().sql,
    ///     "SELECT t.a = ? AND (t.a IS NULL OR t.a <> ?)");
    /// ```
    fn and(self, rhs: impl Operand<bool>) -> TypedExpr<bool> {
        TypedExpr::new(self.into_expr().and_expr(rhs.into_operand()))
    }

    /// `self OR rhs`.
    ///
    /// ```
    /// use quarry::prelude::*;
    /// let a = quarry::Column::<bool>::new("t", "a");
    /// assert_eq!(select(a.or(a.is_null())).compile(&quarry::Sqlite).unwrap().sql,
    ///     "SELECT t.a OR t.a IS NULL");
    /// ```
    fn or(self, rhs: impl Operand<bool>) -> TypedExpr<bool> {
        TypedExpr::new(self.into_expr().or_expr(rhs.into_operand()))
    }

    /// `self IS NULL`.
    ///
    /// ```
    /// use quarry::prelude::*;
    /// let e = quarry::Column::<Option<i64>>::new("t", "a").is_null();
    /// assert_eq!(select(e).compile(&quarry::Sqlite).unwrap().sql, "SELECT t.a IS NULL");
    /// ```
    #[allow(clippy::wrong_self_convention)]
    fn is_null(self) -> TypedExpr<bool> {
        TypedExpr::new(Expr::IsNull(Box::new(self.into_expr()), false))
    }

    /// `self IS NOT NULL`.
    ///
    /// ```
    /// use quarry::prelude::*;
    /// let e = quarry::Column::<Option<i64>>::new("t", "a").is_not_null();
    /// assert_eq!(select(e).compile(&quarry::Sqlite).unwrap().sql, "SELECT t.a IS NOT NULL");
    /// ```
    #[allow(clippy::wrong_self_convention)]
    fn is_not_null(self) -> TypedExpr<bool> {
        TypedExpr::new(Expr::IsNull(Box::new(self.into_expr()), true))
    }

    /// `self IN (…)`; an empty list is always false (`1 = 0`).
    ///
    /// ```
    /// use quarry::prelude::*;
    /// let a = quarry::Column::<i64>::new("t", "a");
    /// assert_eq!(select(a.in_list([1, 2])).compile(&quarry::Sqlite).unwrap().sql, "SELECT t.a IN (?, ?)");
    /// assert_eq!(select(a.in_list(Vec::<i64>::new())).compile(&quarry::Sqlite).unwrap().sql, "SELECT 1 = 0");
    /// ```
    fn in_list<I>(self, list: I) -> TypedExpr<bool>
    where
        I: IntoIterator,
        I::Item: Operand<Self::Base>,
    {
        TypedExpr::new(Expr::InList {
            expr: Box::new(self.into_expr()),
            list: list.into_iter().map(Operand::into_operand).collect(),
            negated: false,
        })
    }

    /// `self NOT IN (…)`; an empty list is always true (`1 = 1`).
    ///
    /// ```
    /// use quarry::prelude::*;
    /// let a = quarry::Column::<i64>::new("t", "a");
    /// assert_eq!(select(a.not_in_list([1])).compile(&quarry::Sqlite).unwrap().sql, "SELECT t.a NOT IN (?)");
    /// ```
    fn not_in_list<I>(self, list: I) -> TypedExpr<bool>
    where
        I: IntoIterator,
        I::Item: Operand<Self::Base>,
    {
        TypedExpr::new(Expr::InList {
            expr: Box::new(self.into_expr()),
            list: list.into_iter().map(Operand::into_operand).collect(),
            negated: true,
        })
    }

    /// `self IN (SELECT …)`.
    ///
    /// ```
    /// use quarry::prelude::*;
    /// let a = quarry::Column::<i64>::new("t", "a");
    /// let b = quarry::Column::<i64>::new("u", "b");
    /// assert_eq!(select(a.in_query(select(b).from("u"))).compile(&quarry::Sqlite).unwrap().sql,
    ///     "SELECT t.a IN (SELECT u.b FROM u)");
    /// ```
    fn in_query(self, query: impl Into<Query>) -> TypedExpr<bool> {
        TypedExpr::new(Expr::InQuery {
            expr: Box::new(self.into_expr()),
            query: Box::new(query.into()),
            negated: false,
        })
    }

    /// `self NOT IN (SELECT …)`.
    ///
    /// ```
    /// use quarry::prelude::*;
    /// let a = quarry::Column::<i64>::new("t", "a");
    /// let b = quarry::Column::<i64>::new("u", "b");
    /// assert_eq!(select(a.not_in_query(select(b).from("u"))).compile(&quarry::Sqlite).unwrap().sql,
    ///     "SELECT t.a NOT IN (SELECT u.b FROM u)");
    /// ```
    fn not_in_query(self, query: impl Into<Query>) -> TypedExpr<bool> {
        TypedExpr::new(Expr::InQuery {
            expr: Box::new(self.into_expr()),
            query: Box::new(query.into()),
            negated: true,
        })
    }

    /// `self BETWEEN low AND high`.
    ///
    /// ```
    /// use quarry::prelude::*;
    /// let a = quarry::Column::<i64>::new("t", "a");
    /// assert_eq!(select(a.between(1, 2)).compile(&quarry::Postgres).unwrap().sql,
    ///     "SELECT t.a BETWEEN $1 AND $2");
    /// ```
    fn between(
        self,
        low: impl Operand<Self::Base>,
        high: impl Operand<Self::Base>,
    ) -> TypedExpr<bool> {
        TypedExpr::new(Expr::Between {
            expr: Box::new(self.into_expr()),
            low: Box::new(low.into_operand()),
            high: Box::new(high.into_operand()),
            negated: false,
        })
    }

    /// `self NOT BETWEEN low AND high`.
    ///
    /// ```
    /// use quarry::prelude::*;
    /// let a = quarry::Column::<i64>::new("t", "a");
    /// assert_eq!(select(a.not_between(1, 2)).compile(&quarry::Postgres).unwrap().sql,
    ///     "SELECT t.a NOT BETWEEN $1 AND $2");
    /// ```
    fn not_between(
        self,
        low: impl Operand<Self::Base>,
        high: impl Operand<Self::Base>,
    ) -> TypedExpr<bool> {
        TypedExpr::new(Expr::Between {
            expr: Box::new(self.into_expr()),
            low: Box::new(low.into_operand()),
            high: Box::new(high.into_operand()),
            negated: true,
        })
    }

    /// `self LIKE pattern`.
    ///
    /// ```
    /// use quarry::prelude::*;
    /// let s = quarry::Column::<String>::new("t", "s");
    /// assert_eq!(select(s.like("a%")).compile(&quarry::Sqlite).unwrap().sql, "SELECT t.s LIKE ?");
    /// ```
    fn like(self, pattern: impl Operand<Self::Base>) -> TypedExpr<bool>
    where
        Self::Base: Text,
    {
        like(self.into_expr(), pattern.into_operand(), None, false, false)
    }

    /// `self NOT LIKE pattern`.
    ///
    /// ```
    /// use quarry::prelude::*;
    /// let s = quarry::Column::<String>::new("t", "s");
    /// assert_eq!(select(s.not_like("a%")).compile(&quarry::Sqlite).unwrap().sql, "SELECT t.s NOT LIKE ?");
    /// ```
    fn not_like(self, pattern: impl Operand<Self::Base>) -> TypedExpr<bool>
    where
        Self::Base: Text,
    {
        like(self.into_expr(), pattern.into_operand(), None, false, true)
    }

    /// `self LIKE pattern ESCAPE 'c'`.
    ///
    /// ```
    /// use quarry::prelude::*;
    /// let s = quarry::Column::<String>::new("t", "s");
    /// assert_eq!(select(s.like_escape("50!%", '!')).compile(&quarry::Sqlite).unwrap().sql,
    ///     "SELECT t.s LIKE ? ESCAPE '!'");
    /// ```
    fn like_escape(self, pattern: impl Operand<Self::Base>, escape: char) -> TypedExpr<bool>
    where
        Self::Base: Text,
    {
        like(
            self.into_expr(),
            pattern.into_operand(),
            Some(escape),
            false,
            false,
        )
    }

    /// `self ILIKE pattern`: `lower(self) LIKE lower(pattern)` where the dialect has no ILIKE.
    ///
    /// ```
    /// use quarry::prelude::*;
    /// let s = quarry::Column::<String>::new("t", "s");
    /// assert_eq!(select(s.ilike("a%")).compile(&quarry::Sqlite).unwrap().sql,
    ///     "SELECT lower(t.s) LIKE lower(?)");
    /// ```
    fn ilike(self, pattern: impl Operand<Self::Base>) -> TypedExpr<bool>
    where
        Self::Base: Text,
    {
        like(self.into_expr(), pattern.into_operand(), None, true, false)
    }

    /// `self NOT ILIKE pattern`.
    ///
    /// ```
    /// use quarry::prelude::*;
    /// let s = quarry::Column::<String>::new("t", "s");
    /// assert_eq!(select(s.not_ilike("a%")).compile(&quarry::Postgres).unwrap().sql,
    ///     "SELECT t.s NOT ILIKE $1");
    /// ```
    fn not_ilike(self, pattern: impl Operand<Self::Base>) -> TypedExpr<bool>
    where
        Self::Base: Text,
    {
        like(self.into_expr(), pattern.into_operand(), None, true, true)
    }

    /// `self ILIKE pattern ESCAPE 'c'`.
    ///
    /// ```
    /// use quarry::prelude::*;
    /// let s = quarry::Column::<String>::new("t", "s");
    /// assert_eq!(select(s.ilike_escape("a!%", '!')).compile(&quarry::Postgres).unwrap().sql,
    ///     "SELECT t.s ILIKE $1 ESCAPE '!'");
    /// ```
    fn ilike_escape(self, pattern: impl Operand<Self::Base>, escape: char) -> TypedExpr<bool>
    where
        Self::Base: Text,
    {
        like(
            self.into_expr(),
            pattern.into_operand(),
            Some(escape),
            true,
            false,
        )
    }

    /// Whether the text contains `needle` literally: `LIKE '%needle%' ESCAPE '!'` with `%`, `_`
    /// and `!` in the needle escaped.
    ///
    /// ```
    /// use quarry::prelude::*;
    /// let s = quarry::Column::<String>::new("t", "s");
    /// let c = select(s.contains("50%")).compile(&quarry::Sqlite).unwrap();
    /// assert_eq!(c.sql, "SELECT t.s LIKE ? ESCAPE '!'");
    /// assert_eq!(c.params, [quarry::Value::from("%50!%%")]);
    /// ```
    fn contains(self, needle: &str) -> TypedExpr<bool>
    where
        Self::Base: Text,
    {
        let p = format!("%{}%", escape_like(needle));
        like(
            self.into_expr(),
            Expr::Value(Value::Text(p)),
            Some('!'),
            false,
            false,
        )
    }

    /// Whether the text starts with `prefix` literally (`LIKE 'prefix%' ESCAPE '!'`).
    ///
    /// ```
    /// use quarry::prelude::*;
    /// let s = quarry::Column::<String>::new("t", "s");
    /// let c = select(s.starts_with("a_")).compile(&quarry::Sqlite).unwrap();
    /// assert_eq!(c.params, [quarry::Value::from("a!_%")]);
    /// ```
    fn starts_with(self, prefix: &str) -> TypedExpr<bool>
    where
        Self::Base: Text,
    {
        let p = format!("{}%", escape_like(prefix));
        like(
            self.into_expr(),
            Expr::Value(Value::Text(p)),
            Some('!'),
            false,
            false,
        )
    }

    /// `self || rhs` (`CONCAT(self, rhs)` on MySQL and MariaDB); NULL if either is NULL.
    ///
    /// ```
    /// use quarry::prelude::*;
    /// let s = quarry::Column::<String>::new("t", "s");
    /// let q = select(s.concat("!").concat(s));
    /// assert_eq!(q.compile(&quarry::Postgres).unwrap().sql, "SELECT t.s || $1 || t.s");
    /// assert_eq!(q.compile(&quarry::MySql).unwrap().sql, "SELECT CONCAT(t.s, ?, t.s)");
    /// ```
    fn concat(self, rhs: impl Operand<Self::Base>) -> TypedExpr<Self::Type>
    where
        Self::Base: Text,
    {
        let mut v = match self.into_expr() {
            Expr::Concat(v) => v,
            other => vec![other],
        };
        v.push(rhs.into_operand());
        TypedExpr::new(Expr::Concat(v))
    }

    /// `CAST(self AS ty)`, typed as `U` (spelled per dialect: `SIGNED`, `CHAR`, … on MySQL).
    ///
    /// ```
    /// use quarry::prelude::*;
    /// let a = quarry::Column::<i64>::new("t", "a");
    /// let q = select(a.cast::<String>(quarry::SqlType::Text));
    /// assert_eq!(q.compile(&quarry::Postgres).unwrap().sql, "SELECT CAST(t.a AS TEXT)");
    /// assert_eq!(q.compile(&quarry::MySql).unwrap().sql, "SELECT CAST(t.a AS CHAR)");
    /// ```
    fn cast<U>(self, ty: crate::SqlType) -> TypedExpr<U> {
        TypedExpr::new(Expr::Cast(Box::new((self.into_expr(), ty))))
    }

    /// Labels the expression in a select list: `expr AS label`.
    ///
    /// ```
    /// use quarry::prelude::*;
    /// let a = quarry::Column::<i64>::new("t", "a");
    /// assert_eq!(select(a.label("n")).compile(&quarry::Sqlite).unwrap().sql, "SELECT t.a AS n");
    /// ```
    fn label(self, label: impl Into<super::Name>) -> Labeled<Self::Type> {
        Labeled::new(self.into_expr(), label.into())
    }

    /// Ascending order.
    ///
    /// ```
    /// use quarry::prelude::*;
    /// assert!(!quarry::Column::<i64>::new("t", "a").asc().desc);
    /// ```
    fn asc(self) -> OrderBy {
        OrderBy::asc(self.into_expr())
    }

    /// Descending order.
    ///
    /// ```
    /// use quarry::prelude::*;
    /// assert!(quarry::Column::<i64>::new("t", "a").desc().desc);
    /// ```
    fn desc(self) -> OrderBy {
        OrderBy::desc(self.into_expr())
    }
}

/// Escapes `%`, `_` and `!` with `!` for a LIKE pattern.
fn escape_like(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    for c in s.chars() {
        if matches!(c, '%' | '_' | '!') {
            out.push('!');
        }
        out.push(c);
    }
    out
}

fn like(
    expr: Expr,
    pattern: Expr,
    escape: Option<char>,
    ci: bool,
    negated: bool,
) -> TypedExpr<bool> {
    TypedExpr::new(Expr::Like {
        expr: Box::new(expr),
        pattern: Box::new(pattern),
        escape,
        case_insensitive: ci,
        negated,
    })
}

impl<T: SqlBase> ExprMethods for Column<T> {
    type Base = T::Base;
    type Type = T;
}

impl<T: SqlBase> ExprMethods for TypedExpr<T> {
    type Base = T::Base;
    type Type = T;
}

impl ExprMethods for DynColumn {
    type Base = Any;
    type Type = Value;
}

impl ExprMethods for &DynColumn {
    type Base = Any;
    type Type = Value;
}

impl ExprMethods for Expr {
    type Base = Any;
    type Type = Value;
}

impl<T: SqlBase> std::ops::Neg for Column<T>
where
    T::Base: Numeric,
{
    type Output = TypedExpr<T>;
    fn neg(self) -> TypedExpr<T> {
        TypedExpr::new(Expr::Unary(UnaryOp::Neg, Box::new(self.into_expr())))
    }
}

impl<T: SqlBase> std::ops::Neg for TypedExpr<T>
where
    T::Base: Numeric,
{
    type Output = TypedExpr<T>;
    fn neg(self) -> TypedExpr<T> {
        TypedExpr::new(Expr::Unary(UnaryOp::Neg, Box::new(self.into_expr())))
    }
}

impl<T: SqlBase<Base = bool>> std::ops::Not for TypedExpr<T> {
    type Output = TypedExpr<T>;
    fn not(self) -> TypedExpr<T> {
        TypedExpr::new(Expr::Unary(UnaryOp::Not, Box::new(self.into_expr())))
    }
}

impl<T: SqlBase<Base = bool>> std::ops::Not for Column<T> {
    type Output = TypedExpr<T>;
    fn not(self) -> TypedExpr<T> {
        TypedExpr::new(Expr::Unary(UnaryOp::Not, Box::new(self.into_expr())))
    }
}

impl<T: SqlBase<Base = bool>, R: Operand<bool>> std::ops::BitAnd<R> for TypedExpr<T> {
    type Output = TypedExpr<bool>;
    fn bitand(self, rhs: R) -> TypedExpr<bool> {
        TypedExpr::new(self.into_expr().and_expr(rhs.into_operand()))
    }
}

impl<T: SqlBase<Base = bool>, R: Operand<bool>> std::ops::BitOr<R> for TypedExpr<T> {
    type Output = TypedExpr<bool>;
    fn bitor(self, rhs: R) -> TypedExpr<bool> {
        TypedExpr::new(self.into_expr().or_expr(rhs.into_operand()))
    }
}

/// Column handles from runtime metadata (written here, with the handles, so that the schema
/// layer stays free of expressions).
impl crate::schema::Table {
    /// A dynamic column handle for expressions, if the table has a column named `name`.
    ///
    /// ```
    /// let t = quarry::Table::new("t").column(quarry::ColumnDef::new("a", quarry::SqlType::Text));
    /// assert_eq!(t.c("a").unwrap().name(), "a");
    /// ```
    pub fn c(&self, name: &str) -> Option<DynColumn> {
        self.get_column(name)
            .map(|c| DynColumn::new(self.name.clone(), c.name.clone()))
    }
}
