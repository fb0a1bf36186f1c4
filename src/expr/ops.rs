//! The untyped expression tree.

use crate::schema::SqlType;
use crate::stmt::select::Query;
use crate::value::Value;
use std::borrow::Cow;

/// An identifier: borrowed for names known at compile time (typed tables), owned otherwise.
pub type Name = Cow<'static, str>;

/// A column reference: an optional qualifier (table name or alias) and the column name.
///
/// ```
/// use quarry::{Expr, IntoExpr};
/// use quarry::expr::ColumnRef;
/// let e = quarry::Column::<i64>::new("t", "id").into_expr();
/// assert!(matches!(e, Expr::Column(ColumnRef { ref name, .. }) if name == "id"));
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct ColumnRef {
    /// The table or alias qualifying the column, if any.
    pub table: Option<Name>,
    /// The column's name.
    pub name: Name,
}

/// A unary operator.
///
/// ```
/// assert_ne!(quarry::expr::UnaryOp::Not, quarry::expr::UnaryOp::Neg);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum UnaryOp {
    /// `NOT x`.
    Not,
    /// `-x`.
    Neg,
}

/// A binary operator (AND and OR are n-ary: [`Expr::And`], [`Expr::Or`]).
///
/// ```
/// assert_eq!(quarry::expr::BinaryOp::Ne.as_sql(), "<>");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum BinaryOp {
    /// `=`.
    Eq,
    /// `<>`.
    Ne,
    /// `<`.
    Lt,
    /// `<=`.
    Le,
    /// `>`.
    Gt,
    /// `>=`.
    Ge,
    /// `+`.
    Add,
    /// `-`.
    Sub,
    /// `*`.
    Mul,
    /// `/`.
    Div,
    /// `%`.
    Mod,
    /// Integer division, truncating toward zero: `/` where dividing integers gives an
    /// integer, `DIV` on the MySQL family (whose `/` gives a decimal). Typed `/` of two
    /// integers writes it.
    IntDiv,
    /// Another operator, written as given ([`ExprMethods::op`](crate::ExprMethods::op)):
    /// symbols only, checked when compiling.
    Custom(&'static str),
}

impl BinaryOp {
    /// The operator's SQL spelling.
    ///
    /// ```
    /// assert_eq!(quarry::expr::BinaryOp::Le.as_sql(), "<=");
    /// ```
    pub fn as_sql(self) -> &'static str {
        match self {
            BinaryOp::Eq => "=",
            BinaryOp::Ne => "<>",
            BinaryOp::Lt => "<",
            BinaryOp::Le => "<=",
            BinaryOp::Gt => ">",
            BinaryOp::Ge => ">=",
            BinaryOp::Add => "+",
            BinaryOp::Sub => "-",
            BinaryOp::Mul => "*",
            BinaryOp::Div | BinaryOp::IntDiv => "/",
            BinaryOp::Mod => "%",
            BinaryOp::Custom(op) => op,
        }
    }

    /// Binding strength: comparisons and custom operators 4, `+ -` 6, `* / %` 7.
    pub(crate) fn precedence(self) -> u8 {
        match self {
            BinaryOp::Add | BinaryOp::Sub => 6,
            BinaryOp::Mul | BinaryOp::Div | BinaryOp::IntDiv | BinaryOp::Mod => 7,
            _ => 4,
        }
    }
}

/// Where NULLs sort.
///
/// ```
/// assert_ne!(quarry::expr::Nulls::First, quarry::expr::Nulls::Last);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Nulls {
    /// `NULLS FIRST`.
    First,
    /// `NULLS LAST`.
    Last,
}

/// One ORDER BY term: an expression, its direction and where NULLs go.
///
/// ```
/// use quarry::prelude::*;
/// let o = quarry::Column::<i64>::new("t", "a").desc().nulls_last();
/// assert!(o.desc);
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct OrderBy {
    /// The sort key.
    pub expr: Expr,
    /// Descending.
    pub desc: bool,
    /// NULLS FIRST / LAST, when asked for (emulated where the dialect lacks it).
    pub nulls: Option<Nulls>,
}

impl OrderBy {
    /// Ascending by `expr`.
    ///
    /// ```
    /// let o = quarry::OrderBy::asc(quarry::Column::<i64>::new("t", "a"));
    /// assert!(!o.desc);
    /// ```
    pub fn asc(expr: impl super::IntoExpr) -> Self {
        OrderBy {
            expr: expr.into_expr(),
            desc: false,
            nulls: None,
        }
    }

    /// Descending by `expr`.
    ///
    /// ```
    /// assert!(quarry::OrderBy::desc(quarry::Column::<i64>::new("t", "a")).desc);
    /// ```
    pub fn desc(expr: impl super::IntoExpr) -> Self {
        OrderBy {
            expr: expr.into_expr(),
            desc: true,
            nulls: None,
        }
    }

    /// NULLs first (`x IS NULL DESC, x` on MySQL and MariaDB).
    ///
    /// ```
    /// use quarry::prelude::*;
    /// let o = quarry::Column::<i64>::new("t", "a").asc().nulls_first();
    /// assert_eq!(o.nulls, Some(quarry::expr::Nulls::First));
    /// ```
    pub fn nulls_first(mut self) -> Self {
        self.nulls = Some(Nulls::First);
        self
    }

    /// NULLs last (`x IS NULL, x` on MySQL and MariaDB).
    ///
    /// ```
    /// use quarry::prelude::*;
    /// let o = quarry::Column::<i64>::new("t", "a").asc().nulls_last();
    /// assert_eq!(o.nulls, Some(quarry::expr::Nulls::Last));
    /// ```
    pub fn nulls_last(mut self) -> Self {
        self.nulls = Some(Nulls::Last);
        self
    }
}

/// A function's name: any SQL function by name, or one whose spelling differs by dialect.
///
/// ```
/// assert_eq!(quarry::expr::FuncName::Named("lower".into()), quarry::expr::FuncName::Named("lower".into()));
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum FuncName {
    /// A function called by this name (letters, digits, `_` and `.` only).
    Named(Name),
    /// The number of characters of a string (`length`, `CHAR_LENGTH` on MySQL).
    CharLength,
    /// A substring's position in a string (`strpos`, `INSTR`, `instr`).
    Position,
    /// The largest of several values (`GREATEST`, `max` on SQLite).
    Greatest,
    /// The smallest of several values (`LEAST`, `min` on SQLite).
    Least,
    /// Strings joined with a separator (`string_agg`, `GROUP_CONCAT`, `group_concat`).
    StringAgg,
    /// `GROUPING(x)`, where the dialect has it.
    Grouping,
    /// `floor(x)` (emulated where the dialect has no math functions).
    Floor,
    /// `ceil(x)` (emulated where the dialect has no math functions).
    Ceil,
    /// `power(x, y)`, where the dialect has math functions.
    Power,
    /// `round(x, digits)` of a float, which PostgreSQL rounds as NUMERIC
    /// ([`crate::dialect::Features::round_digits_numeric_only`]).
    RoundFloat,
    /// A date or time field as an integer (`EXTRACT`, `strftime`).
    DatePart(DatePart),
    /// Whole days from the second argument's date to the first's.
    DaysBetween,
    /// The first argument, a date (`date`, the result a date) or a timestamp, moved forward
    /// (or `back`) by the second argument, a whole number of `unit`s
    /// ([`Interval`](super::Interval)).
    Shift {
        /// The unit counted.
        unit: DatePart,
        /// Backward (`x - interval`).
        back: bool,
        /// The first argument is a date and so is the result.
        date: bool,
    },
    /// The values of a group as a JSON array (`json_agg`, `JSON_ARRAYAGG`,
    /// `json_group_array`).
    JsonAgg,
    /// The values of a group as an array (`array_agg`, PostgreSQL).
    ArrayAgg,
}

/// A field of a date, time or timestamp ([`crate::functions::extract`]).
///
/// ```
/// assert_ne!(quarry::expr::DatePart::Year, quarry::expr::DatePart::Month);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum DatePart {
    /// The year.
    Year,
    /// The month, 1–12.
    Month,
    /// The day of the month, 1–31.
    Day,
    /// The hour, 0–23.
    Hour,
    /// The minute, 0–59.
    Minute,
    /// The second, 0–59 (whole seconds).
    Second,
}

impl DatePart {
    /// The field's SQL name (`YEAR`, …).
    ///
    /// ```
    /// assert_eq!(quarry::expr::DatePart::Day.as_sql(), "DAY");
    /// ```
    pub fn as_sql(self) -> &'static str {
        match self {
            DatePart::Year => "YEAR",
            DatePart::Month => "MONTH",
            DatePart::Day => "DAY",
            DatePart::Hour => "HOUR",
            DatePart::Minute => "MINUTE",
            DatePart::Second => "SECOND",
        }
    }

    /// Its `strftime` format (SQLite).
    pub(crate) fn strftime(self) -> &'static str {
        match self {
            DatePart::Year => "'%Y'",
            DatePart::Month => "'%m'",
            DatePart::Day => "'%d'",
            DatePart::Hour => "'%H'",
            DatePart::Minute => "'%M'",
            DatePart::Second => "'%S'",
        }
    }
}

/// The window of a window function call: a named window or an inline specification.
///
/// ```
/// let o = quarry::expr::Over::Named("w".into());
/// assert!(matches!(o, quarry::expr::Over::Named(_)));
/// ```
#[derive(Clone, Debug, PartialEq)]
pub enum Over {
    /// `OVER w`.
    Named(Name),
    /// `OVER (…)`.
    Spec(super::Window),
}

/// A function call, optionally an aggregate with DISTINCT / FILTER, or a window function.
///
/// ```
/// let f = quarry::expr::FuncCall::new("lower", vec![]);
/// assert!(f.args.is_empty());
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct FuncCall {
    /// The function.
    pub name: FuncName,
    /// Its arguments.
    pub args: Vec<Expr>,
    /// `f(DISTINCT …)`.
    pub distinct: bool,
    /// `FILTER (WHERE …)`.
    pub filter: Option<Expr>,
    /// `OVER …`.
    pub over: Option<Over>,
    /// The order an aggregate takes its rows in: `f(… ORDER BY …)`.
    pub order_by: Vec<OrderBy>,
}

impl FuncCall {
    /// A plain call of `name` with `args`.
    ///
    /// ```
    /// let f = quarry::expr::FuncCall::new("coalesce", vec![quarry::val(1_i64).into()]);
    /// assert_eq!(f.args.len(), 1);
    /// ```
    pub fn new(name: impl Into<Name>, args: Vec<Expr>) -> Self {
        FuncCall {
            name: FuncName::Named(name.into()),
            args,
            distinct: false,
            filter: None,
            over: None,
            order_by: Vec::new(),
        }
    }
}

/// An untyped SQL expression: plain data the compiler walks.
///
/// Build it through [`super::ExprMethods`] on columns and expressions, the functions of this
/// module ([`super::func`], [`super::count`], [`super::case`], …) or directly.
///
/// ```
/// use quarry::{Expr, Value, Postgres};
/// use quarry::expr::BinaryOp;
/// let e = Expr::Binary(Box::new((quarry::DynColumn::new("t", "a").into(), Expr::Value(Value::I64(1)))),
///                      BinaryOp::Add);
/// assert_eq!(quarry::select(e).compile(&Postgres).unwrap().sql, "SELECT t.a + $1");
/// ```
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub enum Expr {
    /// A column.
    Column(ColumnRef),
    /// A bound value (always a parameter).
    Value(Value),
    /// `*` or `t.*`.
    Star(Option<Name>),
    /// A keyword expression written as is (`CURRENT_TIMESTAMP`).
    Keyword(&'static str),
    /// A text fragment with named parameters ([`crate::sql`]).
    Sql(Box<crate::Sql>),
    /// `NOT x`, `-x`.
    Unary(UnaryOp, Box<Expr>),
    /// `a op b` (both operands in one allocation).
    Binary(Box<(Expr, Expr)>, BinaryOp),
    /// `a AND b AND …` (empty: always true).
    And(Vec<Expr>),
    /// `a OR b OR …` (empty: always false).
    Or(Vec<Expr>),
    /// `x IS NULL` (`true`: `IS NOT NULL`).
    IsNull(Box<Expr>, bool),
    /// `x [NOT] IN (…)`; an empty list is always false (NOT IN: always true).
    InList {
        /// The tested expression.
        expr: Box<Expr>,
        /// The list.
        list: Vec<Expr>,
        /// NOT IN.
        negated: bool,
    },
    /// `x [NOT] IN (SELECT …)`.
    InQuery {
        /// The tested expression.
        expr: Box<Expr>,
        /// The subquery.
        query: Box<Query>,
        /// NOT IN.
        negated: bool,
    },
    /// `x [NOT] BETWEEN low AND high`.
    Between {
        /// The tested expression.
        expr: Box<Expr>,
        /// Lower bound.
        low: Box<Expr>,
        /// Upper bound.
        high: Box<Expr>,
        /// NOT BETWEEN.
        negated: bool,
    },
    /// `x [NOT] LIKE / ILIKE pattern [ESCAPE 'c']`.
    Like {
        /// The tested expression.
        expr: Box<Expr>,
        /// The pattern.
        pattern: Box<Expr>,
        /// The escape character.
        escape: Option<char>,
        /// ILIKE (emulated as `lower(x) LIKE lower(p)` where missing).
        case_insensitive: bool,
        /// NOT LIKE.
        negated: bool,
    },
    /// String concatenation (`||`, or `CONCAT(…)` on MySQL and MariaDB).
    Concat(Vec<Expr>),
    /// `CASE [operand] WHEN … THEN … [ELSE …] END`.
    Case {
        /// The simple-CASE operand.
        operand: Option<Box<Expr>>,
        /// The WHEN / THEN pairs.
        whens: Vec<(Expr, Expr)>,
        /// The ELSE branch.
        otherwise: Option<Box<Expr>>,
    },
    /// `CAST(x AS type)`.
    Cast(Box<(Expr, SqlType)>),
    /// A function call.
    Func(Box<FuncCall>),
    /// `[NOT] EXISTS (SELECT …)` (`true`: NOT EXISTS).
    Exists(Box<Query>, bool),
    /// A number or boolean written into the SQL text, not bound ([`crate::functions::lit`]).
    Literal(Value),
    /// A row value `(a, b, …)` ([`crate::functions::tuple`]).
    Row(Vec<Expr>),
    /// A scalar subquery `(SELECT …)`.
    Subquery(Box<Query>),
    /// `ALL (SELECT …)` (`true`) or `ANY (SELECT …)`, the right side of a comparison
    /// ([`crate::functions::all`], [`crate::functions::any`]).
    Quantified(Box<Query>, bool),
    /// `DEFAULT`: the column's default, in INSERT values and UPDATE SET only
    /// ([`crate::DEFAULT`]).
    Default,
    /// The row proposed for insertion in an upsert's update: `excluded.col` on PostgreSQL and
    /// SQLite, `VALUE(col)` on MariaDB, `new.col` on MySQL 8 ([`crate::excluded`]).
    Excluded(Name),
    /// A construct that was built wrongly (e.g. `FILTER` on something other than a function
    /// call); compiling it is an invalid-statement error naming it.
    #[doc(hidden)]
    Invalid(&'static str),
}

impl Expr {
    /// Binding strength, used to parenthesize exactly where needed.
    pub(crate) fn precedence(&self) -> u8 {
        match self {
            Expr::Or(v) if v.len() > 1 => 1,
            Expr::And(v) if v.len() > 1 => 2,
            Expr::Or(v) | Expr::And(v) => v.first().map_or(4, Expr::precedence),
            Expr::Unary(UnaryOp::Not, _) => 3,
            Expr::Binary(_, op) => op.precedence(),
            Expr::IsNull(..)
            | Expr::InList { .. }
            | Expr::InQuery { .. }
            | Expr::Between { .. }
            | Expr::Like { .. } => 4,
            Expr::Concat(_) => 5,
            Expr::Unary(UnaryOp::Neg, _) => 8,
            Expr::Sql(s) if s.term => 10,
            Expr::Sql(_) => 0,
            Expr::Column(_)
            | Expr::Value(_)
            | Expr::Star(_)
            | Expr::Keyword(_)
            | Expr::Case { .. }
            | Expr::Cast(..)
            | Expr::Func(_)
            | Expr::Exists(..)
            | Expr::Subquery(_)
            | Expr::Literal(_)
            | Expr::Row(_)
            | Expr::Quantified(..)
            | Expr::Default
            | Expr::Excluded(_)
            | Expr::Invalid(_) => 10,
        }
    }

    pub(crate) fn binary(self, op: BinaryOp, rhs: Expr) -> Expr {
        // The box first, then the operands into it, so the pair is not copied from the stack
        // (faster in the build + compile bench).
        let pair = Box::new_uninit();
        Expr::Binary(Box::write(pair, (self, rhs)), op)
    }

    /// `self AND rhs`, flattening nested ANDs.
    pub(crate) fn and_expr(self, rhs: Expr) -> Expr {
        let mut v = match self {
            Expr::And(v) => v,
            other => {
                let mut v = Vec::with_capacity(2);
                v.push(other);
                v
            }
        };
        match rhs {
            Expr::And(more) => v.extend(more),
            other => v.push(other),
        }
        Expr::And(v)
    }

    /// `self OR rhs`, flattening nested ORs.
    pub(crate) fn or_expr(self, rhs: Expr) -> Expr {
        let mut v = match self {
            Expr::Or(v) => v,
            other => vec![other],
        };
        match rhs {
            Expr::Or(more) => v.extend(more),
            other => v.push(other),
        }
        Expr::Or(v)
    }
}
