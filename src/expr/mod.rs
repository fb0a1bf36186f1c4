//! The expression language: column handles, the untyped [`Expr`] tree and its typed layer.
//!
//! - [`Expr`] is plain data (an enum of boxes and vectors), what the compiler walks.
//! - [`TypedExpr<T>`] and [`Column<T>`] are zero-cost wrappers carrying the Rust type `T` of the
//!   expression as a phantom: their methods ([`ExprMethods`]) accept only operands of a matching
//!   type (`Option<T>` columns compare with `T` values) and selected columns decode to `T`.
//! - [`DynColumn`] and [`Expr`] are dynamic: they accept any operand, and any typed expression
//!   accepts them, so both kinds mix in one statement.
//!
//! Bound values always become parameters, never spliced into the SQL text.
//!
//! ```
//! use quarry::prelude::*;
//! quarry::table! {
//!     pub struct Users("users") { id: i64, name: String, email: Option<String> }
//! }
//! let u = Users::new();
//! let cond = u.id.gt(10).and(u.email.is_not_null().or(u.name.like("a%")));
//! let q = select((u.id, u.name)).from(u).filter(cond);
//! assert_eq!(
//!     q.compile(&quarry::Postgres).unwrap().sql,
//!     "SELECT users.id, users.name FROM users WHERE users.id > $1 AND (users.email IS NOT NULL OR users.name LIKE $2)"
//! );
//! ```

mod arith;
mod func;
mod helpers;
mod interval;
mod ops;
mod row;
mod typed;

pub use arith::{Addable, ArithOperand, Division, IntegerBase, OrNull, Subtractable, WithBase};
pub use func::{
    and_all, avg, case, case_when, cast, coalesce, count, count_distinct, count_star, current_date,
    current_timestamp, exists, func, length, lower, max, min, not, not_exists, now, nullif, or_any,
    row_number, sum, upper, val, Case, Frame, FrameBound, FrameUnits, Window,
};
pub use helpers::{
    abs, array_agg, ceil, days_between, dense_rank, extract, first_value, floor, greatest,
    grouping, json_agg, lag, lag_by, last_value, lead, lead_by, least, lit, ltrim, modulo, ntile,
    position, power, rank, replace, round, round_to, rtrim, string_agg, substr, substr_len, trim,
    Fractional, Literal, Temporal,
};
pub use interval::{
    days, hours, minutes, months, seconds, years, DateAddend, DateSubtrahend, DateUnit, Days,
    Hours, Interval, IntervalCount, Minutes, Months, Seconds, TimestampAddend, TimestampSubtrahend,
    Unit, Years,
};
pub use ops::{
    BinaryOp, ColumnRef, DatePart, Expr, FuncCall, FuncName, Name, Nulls, OrderBy, Over, UnaryOp,
};
pub use row::{tuple, RowItems, RowOperand, RowValue};
pub use typed::{
    Any, BindType, ExprMethods, HasBase, Nullable, Numeric, Operand, SqlBase, Summable, Text,
    TypedExpr, ValueFor,
};

use std::fmt;
use std::marker::PhantomData;

/// A typed reference to a column: its table (or the table's alias), its name and, as a
/// phantom, its Rust type.
///
/// Produced by [`crate::table!`]; `Copy`, so it can be used freely in expressions.
///
/// ```
/// let id: quarry::Column<i64> = quarry::Column::new("users", "id");
/// assert_eq!((id.table_name(), id.name()), ("users", "id"));
/// assert_eq!(id.aliased("u").qualifier(), "u");
/// ```
pub struct Column<T> {
    table: &'static str,
    name: &'static str,
    alias: Option<&'static str>,
    _type: PhantomData<fn() -> T>,
}

impl<T> Column<T> {
    /// A handle to `table`.`name`.
    ///
    /// ```
    /// const ID: quarry::Column<i64> = quarry::Column::new("t", "id");
    /// assert_eq!(ID.name(), "id");
    /// ```
    pub const fn new(table: &'static str, name: &'static str) -> Self {
        Column {
            table,
            name,
            alias: None,
            _type: PhantomData,
        }
    }

    /// The same column seen through a table alias: it renders as `alias.name`.
    ///
    /// ```
    /// let c = quarry::Column::<i64>::new("users", "id").aliased("u");
    /// assert_eq!(c.qualifier(), "u");
    /// ```
    pub const fn aliased(mut self, alias: &'static str) -> Self {
        self.alias = Some(alias);
        self
    }

    /// The column's SQL name.
    ///
    /// ```
    /// assert_eq!(quarry::Column::<i64>::new("t", "id").name(), "id");
    /// ```
    pub const fn name(&self) -> &'static str {
        self.name
    }

    /// The table's SQL name.
    ///
    /// ```
    /// assert_eq!(quarry::Column::<i64>::new("t", "id").table_name(), "t");
    /// ```
    pub const fn table_name(&self) -> &'static str {
        self.table
    }

    /// What qualifies the column in SQL: the alias if any, else the table's name.
    ///
    /// ```
    /// assert_eq!(quarry::Column::<i64>::new("t", "id").qualifier(), "t");
    /// ```
    pub const fn qualifier(&self) -> &'static str {
        match self.alias {
            Some(a) => a,
            None => self.table,
        }
    }

    /// The column typed as nullable, for the optional side of an outer join (its rows then
    /// decode into `Option<T>`).
    ///
    /// ```
    /// let c: quarry::TypedExpr<Option<i64>> = quarry::Column::<i64>::new("o", "id").nullable();
    /// # let _ = c;
    /// ```
    pub fn nullable(self) -> TypedExpr<Option<T>> {
        TypedExpr::new(self.into_expr())
    }

    /// This column as a dynamic (untyped) handle.
    ///
    /// ```
    /// let d = quarry::Column::<i64>::new("t", "id").dynamic();
    /// assert_eq!(d.name(), "id");
    /// ```
    pub fn dynamic(&self) -> DynColumn {
        DynColumn::new(self.qualifier(), self.name)
    }
}

impl<T> Clone for Column<T> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<T> Copy for Column<T> {}

impl<T> fmt::Debug for Column<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "Column<{}>({}.{})",
            std::any::type_name::<T>(),
            self.qualifier(),
            self.name
        )
    }
}

/// A column known only at run time; accepts any value in expressions.
///
/// ```
/// let t = quarry::Table::new("t").column(quarry::ColumnDef::new("a", quarry::SqlType::Text));
/// let a = t.c("a").unwrap();
/// assert_eq!((a.table_name(), a.name()), ("t", "a"));
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct DynColumn {
    table: String,
    name: String,
}

impl DynColumn {
    /// A handle to `table`.`name` (`table` may be an alias); an empty `table` leaves the
    /// column unqualified.
    ///
    /// ```
    /// assert_eq!(quarry::DynColumn::new("t", "a").name(), "a");
    /// ```
    pub fn new(table: impl Into<String>, name: impl Into<String>) -> Self {
        DynColumn {
            table: table.into(),
            name: name.into(),
        }
    }

    /// The column's SQL name.
    ///
    /// ```
    /// assert_eq!(quarry::DynColumn::new("t", "a").name(), "a");
    /// ```
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The table's SQL name.
    ///
    /// ```
    /// assert_eq!(quarry::DynColumn::new("t", "a").table_name(), "t");
    /// ```
    pub fn table_name(&self) -> &str {
        &self.table
    }
}

/// Something that becomes an untyped [`Expr`]: columns, typed and dynamic expressions, bound
/// values, [`crate::Sql`] fragments and subqueries.
///
/// ```
/// use quarry::{IntoExpr, Expr, Value};
/// assert_eq!(5_i64.into_expr(), Expr::Value(Value::I64(5)));
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be used as a SQL expression",
    label = "not a SQL expression",
    note = "expressions are columns, typed expressions, `Expr`, bound values (`val(x)` or a Rust value) and `quarry::sql(…)` fragments"
)]
pub trait IntoExpr {
    /// Converts into an untyped expression.
    fn into_expr(self) -> Expr;
}

impl IntoExpr for Expr {
    fn into_expr(self) -> Expr {
        self
    }
}

impl<T> IntoExpr for Column<T> {
    fn into_expr(self) -> Expr {
        Expr::Column(ColumnRef {
            table: Some(Name::Borrowed(self.qualifier())),
            name: Name::Borrowed(self.name),
        })
    }
}

impl IntoExpr for DynColumn {
    fn into_expr(self) -> Expr {
        Expr::Column(ColumnRef {
            table: if self.table.is_empty() {
                None
            } else {
                Some(Name::Owned(self.table))
            },
            name: Name::Owned(self.name),
        })
    }
}

impl IntoExpr for &DynColumn {
    fn into_expr(self) -> Expr {
        self.clone().into_expr()
    }
}

impl IntoExpr for crate::Value {
    fn into_expr(self) -> Expr {
        Expr::Value(self)
    }
}

impl IntoExpr for crate::Sql {
    fn into_expr(self) -> Expr {
        Expr::Sql(Box::new(self))
    }
}

impl<V: crate::IntoValue> IntoExpr for V {
    fn into_expr(self) -> Expr {
        Expr::Value(self.into_value())
    }
}

impl From<DynColumn> for Expr {
    fn from(c: DynColumn) -> Expr {
        c.into_expr()
    }
}

impl<T> From<Column<T>> for Expr {
    fn from(c: Column<T>) -> Expr {
        c.into_expr()
    }
}

impl<T> From<TypedExpr<T>> for Expr {
    fn from(e: TypedExpr<T>) -> Expr {
        e.into_expr()
    }
}
