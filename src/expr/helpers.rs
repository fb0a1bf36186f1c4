//! Portable helpers for common SQL functions: ranking and offset window functions, string
//! functions and a few numeric ones. Each writes the spelling its dialect needs, so one
//! builder call runs on every backend.

use super::ops::{Expr, FuncCall, FuncName};
use super::typed::{ExprMethods, Nullable, Numeric, Operand, Text, TypedExpr};

fn call<T>(name: &'static str, args: Vec<Expr>) -> TypedExpr<T> {
    TypedExpr::new(Expr::Func(Box::new(FuncCall::new(name, args))))
}

fn call_named<T>(name: FuncName, args: Vec<Expr>) -> TypedExpr<T> {
    let mut f = FuncCall::new("", args);
    f.name = name;
    TypedExpr::new(Expr::Func(Box::new(f)))
}

/// An integer written into the SQL as a literal: window-function arguments that the MySQL
/// family takes only as constants.
fn int_literal(n: u32) -> Expr {
    Expr::Sql(Box::new(crate::stmt::text::sql(n.to_string())))
}

/// Values [`lit`] writes into the SQL text: integers and booleans, whose literals cannot
/// carry anything but their value.
///
/// ```
/// fn literal<T: quarry::expr::Literal>() {}
/// literal::<i64>();
/// literal::<bool>();
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be written as a literal",
    label = "lit takes an integer or a bool",
    note = "bind other values with `val`: quarry writes values as parameters, never into the SQL"
)]
pub trait Literal: crate::IntoValue {}

impl Literal for i16 {}
impl Literal for i32 {}
impl Literal for i64 {}
impl Literal for bool {}

/// An integer or boolean written into the SQL text rather than bound: for constants that
/// belong to the statement, such as `SELECT 1` in an EXISTS subquery (a parameter there
/// makes every such statement text the same but binds a value for nothing). Booleans are
/// written as the dialect spells them.
///
/// ```
/// use quarry::prelude::*;
/// use quarry::functions::lit;
/// let (a, b) = (quarry::Column::<i64>::new("t", "a"), quarry::Column::<i64>::new("u", "a"));
/// let q = select(a).from("t").filter(exists(select(lit(1)).from("u").filter(b.eq(a))));
/// assert_eq!(q.compile(&quarry::Postgres).unwrap().sql, "SELECT t.a FROM t WHERE EXISTS (SELECT 1 FROM u WHERE u.a = t.a)");
/// assert_eq!(q.compile(&quarry::MySql).unwrap().sql, "SELECT t.a FROM t WHERE EXISTS (SELECT 1 FROM u WHERE u.a = t.a)");
/// assert_eq!(q.compile(&quarry::MariaDb).unwrap().sql, "SELECT t.a FROM t WHERE EXISTS (SELECT 1 FROM u WHERE u.a = t.a)");
/// assert_eq!(q.compile(&quarry::Sqlite).unwrap().sql, "SELECT t.a FROM t WHERE EXISTS (SELECT 1 FROM u WHERE u.a = t.a)");
/// assert_eq!(select(lit(true)).compile(&quarry::Postgres).unwrap().sql, "SELECT TRUE");
/// assert_eq!(select(-lit(-1)).compile(&quarry::Sqlite).unwrap().sql, "SELECT - -1");
/// ```
pub fn lit<T: Literal>(value: T) -> TypedExpr<T> {
    TypedExpr::new(Expr::Literal(value.into_value()))
}

/// Base types that `round` keeps: floating point and decimals (PostgreSQL rounds an integer
/// to NUMERIC, which would not decode as the integer type).
///
/// ```
/// fn rounds<T: quarry::expr::Fractional>() {}
/// rounds::<f64>();
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be rounded",
    label = "round needs an f64 or Decimal expression",
    note = "round an integer with no loss by not rounding it; cast it to f64 first otherwise"
)]
pub trait Fractional {
    /// A binary float (rounded with digits as NUMERIC where the dialect needs it).
    #[doc(hidden)]
    const FLOAT: bool = false;
}

impl Fractional for f64 {
    const FLOAT: bool = true;
}
impl Fractional for crate::value::Decimal {}
impl Fractional for super::Any {}

/// `rank()`: the row's rank in its window's order, with gaps after ties; use with
/// [`TypedExpr::over`].
///
/// ```
/// use quarry::prelude::*;
/// use quarry::functions::rank;
/// let a = quarry::Column::<i64>::new("t", "a");
/// let q = select(rank().over(Window::new().order_by(a.desc()))).from("t");
/// assert_eq!(q.compile(&quarry::Postgres).unwrap().sql, "SELECT rank() OVER (ORDER BY t.a DESC) FROM t");
/// assert_eq!(q.compile(&quarry::MySql).unwrap().sql, "SELECT rank() OVER (ORDER BY t.a DESC) FROM t");
/// assert_eq!(q.compile(&quarry::MariaDb).unwrap().sql, "SELECT rank() OVER (ORDER BY t.a DESC) FROM t");
/// assert_eq!(q.compile(&quarry::Sqlite).unwrap().sql, "SELECT rank() OVER (ORDER BY t.a DESC) FROM t");
/// ```
pub fn rank() -> TypedExpr<i64> {
    call("rank", Vec::new())
}

/// `dense_rank()`: the row's rank in its window's order, without gaps after ties.
///
/// ```
/// use quarry::prelude::*;
/// use quarry::functions::dense_rank;
/// let a = quarry::Column::<i64>::new("t", "a");
/// let q = select(dense_rank().over(Window::new().order_by(a))).from("t");
/// assert_eq!(q.compile(&quarry::Postgres).unwrap().sql, "SELECT dense_rank() OVER (ORDER BY t.a) FROM t");
/// assert_eq!(q.compile(&quarry::MySql).unwrap().sql, "SELECT dense_rank() OVER (ORDER BY t.a) FROM t");
/// assert_eq!(q.compile(&quarry::MariaDb).unwrap().sql, "SELECT dense_rank() OVER (ORDER BY t.a) FROM t");
/// assert_eq!(q.compile(&quarry::Sqlite).unwrap().sql, "SELECT dense_rank() OVER (ORDER BY t.a) FROM t");
/// ```
pub fn dense_rank() -> TypedExpr<i64> {
    call("dense_rank", Vec::new())
}

/// `ntile(n)`: which of `n` near-equal buckets of the window's order the row falls in,
/// from 1. `n` is written into the SQL (the MySQL family takes only a constant there).
///
/// ```
/// use quarry::prelude::*;
/// use quarry::functions::ntile;
/// let a = quarry::Column::<i64>::new("t", "a");
/// let q = select(ntile(4).over(Window::new().order_by(a))).from("t");
/// assert_eq!(q.compile(&quarry::Postgres).unwrap().sql, "SELECT ntile(4) OVER (ORDER BY t.a) FROM t");
/// assert_eq!(q.compile(&quarry::MySql).unwrap().sql, "SELECT ntile(4) OVER (ORDER BY t.a) FROM t");
/// assert_eq!(q.compile(&quarry::MariaDb).unwrap().sql, "SELECT ntile(4) OVER (ORDER BY t.a) FROM t");
/// assert_eq!(q.compile(&quarry::Sqlite).unwrap().sql, "SELECT ntile(4) OVER (ORDER BY t.a) FROM t");
/// ```
pub fn ntile(buckets: u32) -> TypedExpr<i64> {
    call("ntile", vec![int_literal(buckets)])
}

/// `lag(x)`: `x` of the previous row in the window's order; NULL on the first row.
///
/// ```
/// use quarry::prelude::*;
/// use quarry::functions::lag;
/// let a = quarry::Column::<i64>::new("t", "a");
/// let prev: TypedExpr<Option<i64>> = lag(a).over(Window::new().order_by(a));
/// let q = select(prev).from("t");
/// assert_eq!(q.compile(&quarry::Postgres).unwrap().sql, "SELECT lag(t.a) OVER (ORDER BY t.a) FROM t");
/// assert_eq!(q.compile(&quarry::MySql).unwrap().sql, "SELECT lag(t.a) OVER (ORDER BY t.a) FROM t");
/// assert_eq!(q.compile(&quarry::MariaDb).unwrap().sql, "SELECT lag(t.a) OVER (ORDER BY t.a) FROM t");
/// assert_eq!(q.compile(&quarry::Sqlite).unwrap().sql, "SELECT lag(t.a) OVER (ORDER BY t.a) FROM t");
/// ```
pub fn lag<E: ExprMethods>(expr: E) -> TypedExpr<<E::Base as Nullable>::OrNull>
where
    E::Base: Nullable,
{
    call("lag", vec![expr.into_expr()])
}

/// `lag(x, n)`: `x` of the row `n` rows before in the window's order; NULL where there is
/// none. `n` is written into the SQL (the MySQL family takes only a constant there).
///
/// ```
/// use quarry::prelude::*;
/// use quarry::functions::lag_by;
/// let a = quarry::Column::<i64>::new("t", "a");
/// let q = select(lag_by(a, 2).over(Window::new().order_by(a))).from("t");
/// assert_eq!(q.compile(&quarry::Postgres).unwrap().sql, "SELECT lag(t.a, 2) OVER (ORDER BY t.a) FROM t");
/// assert_eq!(q.compile(&quarry::MySql).unwrap().sql, "SELECT lag(t.a, 2) OVER (ORDER BY t.a) FROM t");
/// assert_eq!(q.compile(&quarry::MariaDb).unwrap().sql, "SELECT lag(t.a, 2) OVER (ORDER BY t.a) FROM t");
/// assert_eq!(q.compile(&quarry::Sqlite).unwrap().sql, "SELECT lag(t.a, 2) OVER (ORDER BY t.a) FROM t");
/// ```
pub fn lag_by<E: ExprMethods>(expr: E, rows: u32) -> TypedExpr<<E::Base as Nullable>::OrNull>
where
    E::Base: Nullable,
{
    call("lag", vec![expr.into_expr(), int_literal(rows)])
}

/// `lead(x)`: `x` of the next row in the window's order; NULL on the last row.
///
/// ```
/// use quarry::prelude::*;
/// use quarry::functions::lead;
/// let a = quarry::Column::<i64>::new("t", "a");
/// let q = select(lead(a).over(Window::new().order_by(a))).from("t");
/// assert_eq!(q.compile(&quarry::Postgres).unwrap().sql, "SELECT lead(t.a) OVER (ORDER BY t.a) FROM t");
/// assert_eq!(q.compile(&quarry::MySql).unwrap().sql, "SELECT lead(t.a) OVER (ORDER BY t.a) FROM t");
/// assert_eq!(q.compile(&quarry::MariaDb).unwrap().sql, "SELECT lead(t.a) OVER (ORDER BY t.a) FROM t");
/// assert_eq!(q.compile(&quarry::Sqlite).unwrap().sql, "SELECT lead(t.a) OVER (ORDER BY t.a) FROM t");
/// ```
pub fn lead<E: ExprMethods>(expr: E) -> TypedExpr<<E::Base as Nullable>::OrNull>
where
    E::Base: Nullable,
{
    call("lead", vec![expr.into_expr()])
}

/// `lead(x, n)`: `x` of the row `n` rows after in the window's order; NULL where there is
/// none. `n` is written into the SQL.
///
/// ```
/// use quarry::prelude::*;
/// use quarry::functions::lead_by;
/// let a = quarry::Column::<i64>::new("t", "a");
/// let q = select(lead_by(a, 3).over(Window::new().order_by(a))).from("t");
/// assert_eq!(q.compile(&quarry::Postgres).unwrap().sql, "SELECT lead(t.a, 3) OVER (ORDER BY t.a) FROM t");
/// assert_eq!(q.compile(&quarry::MySql).unwrap().sql, "SELECT lead(t.a, 3) OVER (ORDER BY t.a) FROM t");
/// assert_eq!(q.compile(&quarry::MariaDb).unwrap().sql, "SELECT lead(t.a, 3) OVER (ORDER BY t.a) FROM t");
/// assert_eq!(q.compile(&quarry::Sqlite).unwrap().sql, "SELECT lead(t.a, 3) OVER (ORDER BY t.a) FROM t");
/// ```
pub fn lead_by<E: ExprMethods>(expr: E, rows: u32) -> TypedExpr<<E::Base as Nullable>::OrNull>
where
    E::Base: Nullable,
{
    call("lead", vec![expr.into_expr(), int_literal(rows)])
}

/// `first_value(x)`: `x` of the first row of the window frame.
///
/// ```
/// use quarry::prelude::*;
/// use quarry::functions::first_value;
/// let (a, g) = (quarry::Column::<i64>::new("t", "a"), quarry::Column::<i64>::new("t", "g"));
/// let q = select(first_value(a).over(Window::new().partition_by(g).order_by(a))).from("t");
/// let sql = "SELECT first_value(t.a) OVER (PARTITION BY t.g ORDER BY t.a) FROM t";
/// assert_eq!(q.compile(&quarry::Postgres).unwrap().sql, sql);
/// assert_eq!(q.compile(&quarry::MySql).unwrap().sql, sql);
/// assert_eq!(q.compile(&quarry::MariaDb).unwrap().sql, sql);
/// assert_eq!(q.compile(&quarry::Sqlite).unwrap().sql, sql);
/// ```
pub fn first_value<E: ExprMethods>(expr: E) -> TypedExpr<<E::Base as Nullable>::OrNull>
where
    E::Base: Nullable,
{
    call("first_value", vec![expr.into_expr()])
}

/// `last_value(x)`: `x` of the last row of the window frame. With an ORDER BY the default
/// frame ends at the current row's last peer: give the window a frame
/// ([`Window::frame`](crate::Window::frame)) to see the partition's last row.
///
/// ```
/// use quarry::prelude::*;
/// use quarry::functions::last_value;
/// let a = quarry::Column::<i64>::new("t", "a");
/// let q = select(last_value(a).over(Window::new().order_by(a))).from("t");
/// let sql = "SELECT last_value(t.a) OVER (ORDER BY t.a) FROM t";
/// assert_eq!(q.compile(&quarry::Postgres).unwrap().sql, sql);
/// assert_eq!(q.compile(&quarry::MySql).unwrap().sql, sql);
/// assert_eq!(q.compile(&quarry::MariaDb).unwrap().sql, sql);
/// assert_eq!(q.compile(&quarry::Sqlite).unwrap().sql, sql);
/// ```
pub fn last_value<E: ExprMethods>(expr: E) -> TypedExpr<<E::Base as Nullable>::OrNull>
where
    E::Base: Nullable,
{
    call("last_value", vec![expr.into_expr()])
}

/// `substr(s, start)`: the characters of `s` from position `start` (the first is 1).
///
/// ```
/// use quarry::prelude::*;
/// use quarry::functions::substr;
/// let a = quarry::Column::<String>::new("t", "a");
/// let q = select(substr(a, 2_i32)).from("t");
/// assert_eq!(q.compile(&quarry::Postgres).unwrap().sql, "SELECT substr(t.a, $1) FROM t");
/// assert_eq!(q.compile(&quarry::MySql).unwrap().sql, "SELECT substr(t.a, ?) FROM t");
/// assert_eq!(q.compile(&quarry::MariaDb).unwrap().sql, "SELECT substr(t.a, ?) FROM t");
/// assert_eq!(q.compile(&quarry::Sqlite).unwrap().sql, "SELECT substr(t.a, ?) FROM t");
/// ```
pub fn substr<E: ExprMethods>(expr: E, start: impl Operand<i32>) -> TypedExpr<E::Type>
where
    E::Base: Text,
{
    call("substr", vec![expr.into_expr(), start.into_operand()])
}

/// `substr(s, start, n)`: at most `n` characters of `s` from position `start` (the first
/// is 1).
///
/// ```
/// use quarry::prelude::*;
/// use quarry::functions::substr_len;
/// let a = quarry::Column::<String>::new("t", "a");
/// let q = select(substr_len(a, 1_i32, 3_i32)).from("t");
/// assert_eq!(q.compile(&quarry::Postgres).unwrap().sql, "SELECT substr(t.a, $1, $2) FROM t");
/// assert_eq!(q.compile(&quarry::MySql).unwrap().sql, "SELECT substr(t.a, ?, ?) FROM t");
/// assert_eq!(q.compile(&quarry::MariaDb).unwrap().sql, "SELECT substr(t.a, ?, ?) FROM t");
/// assert_eq!(q.compile(&quarry::Sqlite).unwrap().sql, "SELECT substr(t.a, ?, ?) FROM t");
/// ```
pub fn substr_len<E: ExprMethods>(
    expr: E,
    start: impl Operand<i32>,
    len: impl Operand<i32>,
) -> TypedExpr<E::Type>
where
    E::Base: Text,
{
    call(
        "substr",
        vec![expr.into_expr(), start.into_operand(), len.into_operand()],
    )
}

/// `replace(s, from, to)`: `s` with every occurrence of `from` replaced by `to`.
///
/// ```
/// use quarry::prelude::*;
/// use quarry::functions::replace;
/// let a = quarry::Column::<String>::new("t", "a");
/// let q = select(replace(a, "-", "_")).from("t");
/// assert_eq!(q.compile(&quarry::Postgres).unwrap().sql, "SELECT replace(t.a, $1, $2) FROM t");
/// assert_eq!(q.compile(&quarry::MySql).unwrap().sql, "SELECT replace(t.a, ?, ?) FROM t");
/// assert_eq!(q.compile(&quarry::MariaDb).unwrap().sql, "SELECT replace(t.a, ?, ?) FROM t");
/// assert_eq!(q.compile(&quarry::Sqlite).unwrap().sql, "SELECT replace(t.a, ?, ?) FROM t");
/// ```
pub fn replace<E: ExprMethods>(
    expr: E,
    from: impl Operand<String>,
    to: impl Operand<String>,
) -> TypedExpr<E::Type>
where
    E::Base: Text,
{
    call(
        "replace",
        vec![expr.into_expr(), from.into_operand(), to.into_operand()],
    )
}

/// `trim(s)`: `s` without leading and trailing spaces.
///
/// ```
/// use quarry::prelude::*;
/// use quarry::functions::trim;
/// let a = quarry::Column::<String>::new("t", "a");
/// let q = select(trim(a)).from("t");
/// assert_eq!(q.compile(&quarry::Postgres).unwrap().sql, "SELECT trim(t.a) FROM t");
/// assert_eq!(q.compile(&quarry::MySql).unwrap().sql, "SELECT trim(t.a) FROM t");
/// assert_eq!(q.compile(&quarry::MariaDb).unwrap().sql, "SELECT trim(t.a) FROM t");
/// assert_eq!(q.compile(&quarry::Sqlite).unwrap().sql, "SELECT trim(t.a) FROM t");
/// ```
pub fn trim<E: ExprMethods>(expr: E) -> TypedExpr<E::Type>
where
    E::Base: Text,
{
    call("trim", vec![expr.into_expr()])
}

/// `ltrim(s)`: `s` without leading spaces.
///
/// ```
/// use quarry::prelude::*;
/// use quarry::functions::ltrim;
/// let a = quarry::Column::<String>::new("t", "a");
/// let q = select(ltrim(a)).from("t");
/// assert_eq!(q.compile(&quarry::Postgres).unwrap().sql, "SELECT ltrim(t.a) FROM t");
/// assert_eq!(q.compile(&quarry::MySql).unwrap().sql, "SELECT ltrim(t.a) FROM t");
/// assert_eq!(q.compile(&quarry::MariaDb).unwrap().sql, "SELECT ltrim(t.a) FROM t");
/// assert_eq!(q.compile(&quarry::Sqlite).unwrap().sql, "SELECT ltrim(t.a) FROM t");
/// ```
pub fn ltrim<E: ExprMethods>(expr: E) -> TypedExpr<E::Type>
where
    E::Base: Text,
{
    call("ltrim", vec![expr.into_expr()])
}

/// `rtrim(s)`: `s` without trailing spaces.
///
/// ```
/// use quarry::prelude::*;
/// use quarry::functions::rtrim;
/// let a = quarry::Column::<String>::new("t", "a");
/// let q = select(rtrim(a)).from("t");
/// assert_eq!(q.compile(&quarry::Postgres).unwrap().sql, "SELECT rtrim(t.a) FROM t");
/// assert_eq!(q.compile(&quarry::MySql).unwrap().sql, "SELECT rtrim(t.a) FROM t");
/// assert_eq!(q.compile(&quarry::MariaDb).unwrap().sql, "SELECT rtrim(t.a) FROM t");
/// assert_eq!(q.compile(&quarry::Sqlite).unwrap().sql, "SELECT rtrim(t.a) FROM t");
/// ```
pub fn rtrim<E: ExprMethods>(expr: E) -> TypedExpr<E::Type>
where
    E::Base: Text,
{
    call("rtrim", vec![expr.into_expr()])
}

/// The 1-based position of `needle` in `haystack`, 0 when it is absent (SQL's
/// `POSITION(needle IN haystack)`): `strpos(haystack, needle)` on PostgreSQL,
/// `INSTR(haystack, needle)` on MySQL and MariaDB, `instr(haystack, needle)` on SQLite.
///
/// ```
/// use quarry::prelude::*;
/// use quarry::functions::position;
/// let a = quarry::Column::<String>::new("t", "a");
/// let q = select(position("@", a)).from("t");
/// assert_eq!(q.compile(&quarry::Postgres).unwrap().sql, "SELECT strpos(t.a, $1) FROM t");
/// assert_eq!(q.compile(&quarry::MySql).unwrap().sql, "SELECT INSTR(t.a, ?) FROM t");
/// assert_eq!(q.compile(&quarry::MariaDb).unwrap().sql, "SELECT INSTR(t.a, ?) FROM t");
/// assert_eq!(q.compile(&quarry::Sqlite).unwrap().sql, "SELECT instr(t.a, ?) FROM t");
/// ```
pub fn position<E: ExprMethods>(needle: impl Operand<String>, haystack: E) -> TypedExpr<i64>
where
    E::Base: Text,
{
    call_named(
        FuncName::Position,
        vec![haystack.into_expr(), needle.into_operand()],
    )
}

/// `abs(x)`: the absolute value, of the same type.
///
/// ```
/// use quarry::prelude::*;
/// use quarry::functions::abs;
/// let a = quarry::Column::<i64>::new("t", "a");
/// let q = select(abs(a)).from("t");
/// assert_eq!(q.compile(&quarry::Postgres).unwrap().sql, "SELECT abs(t.a) FROM t");
/// assert_eq!(q.compile(&quarry::MySql).unwrap().sql, "SELECT abs(t.a) FROM t");
/// assert_eq!(q.compile(&quarry::MariaDb).unwrap().sql, "SELECT abs(t.a) FROM t");
/// assert_eq!(q.compile(&quarry::Sqlite).unwrap().sql, "SELECT abs(t.a) FROM t");
/// ```
pub fn abs<E: ExprMethods>(expr: E) -> TypedExpr<E::Type>
where
    E::Base: Numeric,
{
    call("abs", vec![expr.into_expr()])
}

/// `round(x)`: `x` rounded to the nearest integer, of the same type (`f64` or `Decimal`: see
/// [`Fractional`]). A decimal's halves round away from zero; a float's halves may round to
/// even (PostgreSQL and MySQL use the C library's rounding) or away from zero (SQLite). On
/// SQLite a decimal is stored as REAL or TEXT, and rounding it gives a REAL.
///
/// ```
/// use quarry::prelude::*;
/// use quarry::functions::round;
/// let a = quarry::Column::<f64>::new("t", "a");
/// let q = select(round(a)).from("t");
/// assert_eq!(q.compile(&quarry::Postgres).unwrap().sql, "SELECT round(t.a) FROM t");
/// assert_eq!(q.compile(&quarry::MySql).unwrap().sql, "SELECT round(t.a) FROM t");
/// assert_eq!(q.compile(&quarry::MariaDb).unwrap().sql, "SELECT round(t.a) FROM t");
/// assert_eq!(q.compile(&quarry::Sqlite).unwrap().sql, "SELECT round(t.a) FROM t");
/// ```
pub fn round<E: ExprMethods>(expr: E) -> TypedExpr<E::Type>
where
    E::Base: Fractional,
{
    call("round", vec![expr.into_expr()])
}

/// `round(x, digits)`: `x` rounded to `digits` places after the point, of the same type
/// (`f64` or `Decimal`). Halves round as [`round`]'s do. (SQLite takes no negative digits,
/// so there are none: to round to tens, divide by ten, round, multiply.)
/// PostgreSQL rounds with digits only as NUMERIC: a float is converted there and back.
///
/// ```
/// use quarry::prelude::*;
/// use quarry::functions::round_to;
/// let a = quarry::Column::<f64>::new("t", "a");
/// let q = select(round_to(a, 2)).from("t");
/// assert_eq!(q.compile(&quarry::Postgres).unwrap().sql,
///     "SELECT CAST(round(CAST(t.a AS NUMERIC), 2) AS DOUBLE PRECISION) FROM t");
/// assert_eq!(q.compile(&quarry::MySql).unwrap().sql, "SELECT round(t.a, 2) FROM t");
/// assert_eq!(q.compile(&quarry::MariaDb).unwrap().sql, "SELECT round(t.a, 2) FROM t");
/// assert_eq!(q.compile(&quarry::Sqlite).unwrap().sql, "SELECT round(t.a, 2) FROM t");
///
/// let d = quarry::Column::<quarry::value::Decimal>::new("t", "d");
/// let q = select(round_to(d, 1)).from("t");
/// assert_eq!(q.compile(&quarry::Postgres).unwrap().sql, "SELECT round(t.d, 1) FROM t");
/// ```
pub fn round_to<E: ExprMethods>(expr: E, digits: u32) -> TypedExpr<E::Type>
where
    E::Base: Fractional,
{
    let args = vec![expr.into_expr(), int_literal(digits)];
    if <E::Base as Fractional>::FLOAT {
        call_named(FuncName::RoundFloat, args)
    } else {
        call("round", args)
    }
}

/// `a % b`: the remainder of an integer division, with `a`'s sign (SQL's `mod(a, b)`,
/// written as the `%` operator every dialect has). The same as `a % b` in Rust.
///
/// ```
/// use quarry::prelude::*;
/// use quarry::functions::modulo;
/// let a = quarry::Column::<i64>::new("t", "a");
/// let q = select(modulo(a, 3_i64)).from("t");
/// assert_eq!(q.compile(&quarry::Postgres).unwrap().sql, "SELECT t.a % $1 FROM t");
/// assert_eq!(q.compile(&quarry::MySql).unwrap().sql, "SELECT t.a % ? FROM t");
/// assert_eq!(q.compile(&quarry::Sqlite).unwrap().sql, "SELECT t.a % ? FROM t");
/// ```
pub fn modulo<E, R>(a: E, b: R) -> E::Output
where
    E: std::ops::Rem<R>,
{
    a % b
}

/// The strings of a group joined with `separator`, NULLs skipped; NULL over no rows (or only
/// NULLs). Give the order with [`TypedExpr::order_by`]; without one the order is the
/// database's. `string_agg(x, sep ORDER BY …)` on PostgreSQL, `GROUP_CONCAT(x ORDER BY …
/// SEPARATOR 'sep')` on MySQL and MariaDB, `group_concat(x, sep ORDER BY …)` on SQLite.
///
/// The MySQL family takes the separator only as a literal: it is written into the SQL there
/// (quoted by the dialect), and bound elsewhere. Its result is cut at `group_concat_max_len`
/// bytes (1 MiB by default on MariaDB, 1024 bytes on MySQL 8: raise it for long lists).
///
/// ```
/// use quarry::prelude::*;
/// use quarry::functions::string_agg;
/// let (name, id) = (quarry::Column::<String>::new("t", "name"), quarry::Column::<i64>::new("t", "id"));
/// let q = select(string_agg(name, ", ").order_by(id.desc())).from("t");
/// assert_eq!(q.compile(&quarry::Postgres).unwrap().sql, "SELECT string_agg(t.name, $1 ORDER BY t.id DESC) FROM t");
/// assert_eq!(q.compile(&quarry::MySql).unwrap().sql, "SELECT GROUP_CONCAT(t.name ORDER BY t.id DESC SEPARATOR ', ') FROM t");
/// assert_eq!(q.compile(&quarry::MariaDb).unwrap().sql, "SELECT GROUP_CONCAT(t.name ORDER BY t.id DESC SEPARATOR ', ') FROM t");
/// assert_eq!(q.compile(&quarry::Sqlite).unwrap().sql, "SELECT group_concat(t.name, ? ORDER BY t.id DESC) FROM t");
/// ```
pub fn string_agg<E: ExprMethods>(expr: E, separator: &str) -> TypedExpr<Option<String>>
where
    E::Base: Text,
{
    call_named(
        FuncName::StringAgg,
        vec![
            expr.into_expr(),
            Expr::Value(crate::value::Value::Text(separator.to_owned())),
        ],
    )
}

/// `GROUPING(x)`: 1 on a subtotal row of [`group_by_rollup`](crate::Select::group_by_rollup)
/// where `x` was rolled up (its NULL is the subtotal's, not a NULL key), else 0. PostgreSQL
/// and MySQL 8; MariaDB and SQLite have none (`Unsupported`).
///
/// ```
/// use quarry::prelude::*;
/// use quarry::functions::grouping;
/// let a = quarry::Column::<i64>::new("t", "a");
/// let q = select((a, grouping(a), count_star())).from("t").group_by_rollup(a);
/// assert_eq!(q.compile(&quarry::Postgres).unwrap().sql, "SELECT t.a, GROUPING(t.a), count(*) FROM t GROUP BY ROLLUP (t.a)");
/// assert_eq!(q.compile(&quarry::MySql).unwrap().sql, "SELECT t.a, GROUPING(t.a), count(*) FROM t GROUP BY t.a WITH ROLLUP");
/// assert_eq!(q.compile(&quarry::MariaDb).unwrap_err().kind(), quarry::ErrorKind::Unsupported);
/// assert_eq!(q.compile(&quarry::Sqlite).unwrap_err().kind(), quarry::ErrorKind::Unsupported);
/// ```
pub fn grouping<E: ExprMethods>(expr: E) -> TypedExpr<i64> {
    call_named(FuncName::Grouping, vec![expr.into_expr()])
}

/// `floor(x)`: the largest whole number not above `x`, of the same type (`f64` or
/// `Decimal`). SQLite's bundled build has no math functions: there it is computed from
/// `CAST(x AS INTEGER)` (values within the 64-bit integer range), `x` written three times,
/// and given back as REAL.
///
/// ```
/// use quarry::prelude::*;
/// use quarry::functions::floor;
/// let a = quarry::Column::<f64>::new("t", "a");
/// let q = select(floor(a)).from("t");
/// assert_eq!(q.compile(&quarry::Postgres).unwrap().sql, "SELECT floor(t.a) FROM t");
/// assert_eq!(q.compile(&quarry::MySql).unwrap().sql, "SELECT floor(t.a) FROM t");
/// assert_eq!(q.compile(&quarry::MariaDb).unwrap().sql, "SELECT floor(t.a) FROM t");
/// assert_eq!(q.compile(&quarry::Sqlite).unwrap().sql,
///     "SELECT CAST(CAST(t.a AS INTEGER) - (t.a < CAST(t.a AS INTEGER)) AS REAL) FROM t");
/// ```
pub fn floor<E: ExprMethods>(expr: E) -> TypedExpr<E::Type>
where
    E::Base: Fractional,
{
    call_named(FuncName::Floor, vec![expr.into_expr()])
}

/// `ceil(x)`: the smallest whole number not below `x`, of the same type (`f64` or
/// `Decimal`); emulated on SQLite as [`floor`] is.
///
/// ```
/// use quarry::prelude::*;
/// use quarry::functions::ceil;
/// let a = quarry::Column::<f64>::new("t", "a");
/// let q = select(ceil(a)).from("t");
/// assert_eq!(q.compile(&quarry::Postgres).unwrap().sql, "SELECT ceil(t.a) FROM t");
/// assert_eq!(q.compile(&quarry::MySql).unwrap().sql, "SELECT ceil(t.a) FROM t");
/// assert_eq!(q.compile(&quarry::MariaDb).unwrap().sql, "SELECT ceil(t.a) FROM t");
/// assert_eq!(q.compile(&quarry::Sqlite).unwrap().sql,
///     "SELECT CAST(CAST(t.a AS INTEGER) + (t.a > CAST(t.a AS INTEGER)) AS REAL) FROM t");
/// ```
pub fn ceil<E: ExprMethods>(expr: E) -> TypedExpr<E::Type>
where
    E::Base: Fractional,
{
    call_named(FuncName::Ceil, vec![expr.into_expr()])
}

/// `power(x, y)`: `x` to the power `y`, as a double. `Unsupported` on SQLite, whose bundled
/// build has no math functions.
///
/// ```
/// use quarry::prelude::*;
/// use quarry::functions::power;
/// let a = quarry::Column::<f64>::new("t", "a");
/// let q = select(power(a, 2.0)).from("t");
/// assert_eq!(q.compile(&quarry::Postgres).unwrap().sql, "SELECT power(t.a, $1) FROM t");
/// assert_eq!(q.compile(&quarry::MySql).unwrap().sql, "SELECT power(t.a, ?) FROM t");
/// assert_eq!(q.compile(&quarry::MariaDb).unwrap().sql, "SELECT power(t.a, ?) FROM t");
/// assert_eq!(q.compile(&quarry::Sqlite).unwrap_err().kind(), quarry::ErrorKind::Unsupported);
/// ```
pub fn power<E: ExprMethods>(base: E, exponent: impl Operand<f64>) -> TypedExpr<f64>
where
    E::Base: Numeric,
{
    call_named(
        FuncName::Power,
        vec![base.into_expr(), exponent.into_operand()],
    )
}

/// Date, time and timestamp base types: [`extract`] and [`days_between`] accept them.
///
/// ```
/// fn temporal<T: quarry::expr::Temporal>() {}
/// temporal::<quarry::value::Date>();
/// temporal::<quarry::value::Timestamp>();
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a date, time or timestamp",
    label = "extract and days_between need a date or time expression"
)]
pub trait Temporal {}

impl Temporal for crate::value::Date {}
impl Temporal for crate::value::Time {}
impl Temporal for crate::value::Timestamp {}
impl Temporal for crate::value::Utc {}
impl Temporal for super::Any {}
#[cfg(feature = "chrono-0_4")]
impl Temporal for chrono::NaiveDate {}
#[cfg(feature = "chrono-0_4")]
impl Temporal for chrono::NaiveDateTime {}
#[cfg(feature = "chrono-0_4")]
impl Temporal for chrono::DateTime<chrono::Utc> {}
#[cfg(feature = "time-0_3")]
impl Temporal for time::Date {}
#[cfg(feature = "time-0_3")]
impl Temporal for time::PrimitiveDateTime {}
#[cfg(feature = "time-0_3")]
impl Temporal for time::OffsetDateTime {}

/// A field of a date, time or timestamp as an integer: `CAST(floor(EXTRACT(YEAR FROM x)) AS
/// BIGINT)` on PostgreSQL (whose EXTRACT gives NUMERIC), `EXTRACT(YEAR FROM x)` on the MySQL
/// family, `CAST(strftime('%Y', x) AS INTEGER)` on SQLite. Seconds are whole. A zoned
/// timestamp's fields are read in the session's time zone on PostgreSQL and the MySQL
/// family (UTC on quarry's connections) and as stored on SQLite.
///
/// ```
/// use quarry::prelude::*;
/// use quarry::functions::extract;
/// use quarry::expr::DatePart;
/// let at = quarry::Column::<quarry::value::Timestamp>::new("t", "at");
/// let q = select(extract(DatePart::Year, at)).from("t");
/// assert_eq!(q.compile(&quarry::Postgres).unwrap().sql, "SELECT CAST(floor(EXTRACT(YEAR FROM t.at)) AS BIGINT) FROM t");
/// assert_eq!(q.compile(&quarry::MySql).unwrap().sql, "SELECT EXTRACT(YEAR FROM t.at) FROM t");
/// assert_eq!(q.compile(&quarry::MariaDb).unwrap().sql, "SELECT EXTRACT(YEAR FROM t.at) FROM t");
/// assert_eq!(q.compile(&quarry::Sqlite).unwrap().sql, "SELECT CAST(strftime('%Y', t.at) AS INTEGER) FROM t");
/// ```
pub fn extract<E: ExprMethods>(part: super::ops::DatePart, expr: E) -> TypedExpr<i64>
where
    E::Base: Temporal,
{
    call_named(FuncName::DatePart(part), vec![expr.into_expr()])
}

/// Whole days from `from`'s date to `to`'s (negative when `to` is earlier): `CAST(to AS
/// DATE) - CAST(from AS DATE)` on PostgreSQL, `DATEDIFF(to, from)` on the MySQL family,
/// `julianday` on SQLite.
///
/// ```
/// use quarry::prelude::*;
/// use quarry::functions::days_between;
/// use quarry::value::Date;
/// let (a, b) = (quarry::Column::<Date>::new("t", "a"), quarry::Column::<Date>::new("t", "b"));
/// let q = select(days_between(a, b)).from("t");
/// assert_eq!(q.compile(&quarry::Postgres).unwrap().sql, "SELECT (CAST(t.b AS DATE) - CAST(t.a AS DATE)) FROM t");
/// assert_eq!(q.compile(&quarry::MySql).unwrap().sql, "SELECT DATEDIFF(t.b, t.a) FROM t");
/// assert_eq!(q.compile(&quarry::MariaDb).unwrap().sql, "SELECT DATEDIFF(t.b, t.a) FROM t");
/// assert_eq!(q.compile(&quarry::Sqlite).unwrap().sql,
///     "SELECT CAST(julianday(date(t.b)) - julianday(date(t.a)) AS INTEGER) FROM t");
/// ```
pub fn days_between<A, B>(from: A, to: B) -> TypedExpr<i64>
where
    A: ExprMethods,
    A::Base: Temporal,
    B: ExprMethods,
    B::Base: Temporal,
{
    call_named(
        FuncName::DaysBetween,
        vec![to.into_expr(), from.into_expr()],
    )
}

/// A group's values as a JSON array (NULL over no rows); give their order with
/// [`TypedExpr::order_by`]. `json_agg` on PostgreSQL, `JSON_ARRAYAGG` on the MySQL family
/// (MariaDB takes an ORDER BY, MySQL 8 does not: `Unsupported` there with one),
/// `json_group_array` on SQLite. Decode it as [`Json`](crate::value::Json) (or
/// `serde_json::Value`).
///
/// ```
/// use quarry::prelude::*;
/// use quarry::functions::json_agg;
/// let (name, id) = (quarry::Column::<String>::new("t", "name"), quarry::Column::<i64>::new("t", "id"));
/// let q = select(json_agg(name).order_by(id)).from("t");
/// assert_eq!(q.compile(&quarry::Postgres).unwrap().sql, "SELECT json_agg(t.name ORDER BY t.id) FROM t");
/// assert_eq!(q.compile(&quarry::MariaDb).unwrap().sql, "SELECT JSON_ARRAYAGG(t.name ORDER BY t.id) FROM t");
/// assert_eq!(q.compile(&quarry::Sqlite).unwrap().sql, "SELECT json_group_array(t.name ORDER BY t.id) FROM t");
/// assert_eq!(q.compile(&quarry::MySql).unwrap_err().kind(), quarry::ErrorKind::Unsupported);
/// ```
pub fn json_agg<E: ExprMethods>(expr: E) -> TypedExpr<Option<crate::value::Json>> {
    call_named(FuncName::JsonAgg, vec![expr.into_expr()])
}

/// A group's values as an array, decoded as `Vec<T>` (NULL over no rows, and a NULL value
/// an item: decode `Option<Vec<Option<T>>>` where either can happen); give their order with
/// [`TypedExpr::order_by`]. PostgreSQL only: the other dialects have no arrays, and refuse it
/// with `Unsupported` naming [`json_agg`] and [`string_agg`], which run everywhere.
///
/// ```
/// use quarry::prelude::*;
/// use quarry::functions::array_agg;
/// let (name, id) = (quarry::Column::<String>::new("t", "name"), quarry::Column::<i64>::new("t", "id"));
/// let q = select(array_agg(name).order_by(id.desc())).from("t");
/// assert_eq!(q.compile(&quarry::Postgres).unwrap().sql, "SELECT array_agg(t.name ORDER BY t.id DESC) FROM t");
/// for d in [&quarry::MySql as &dyn quarry::Dialect, &quarry::MariaDb, &quarry::Sqlite] {
///     let err = q.compile(d).unwrap_err();
///     assert!(err.is_unsupported() && err.to_string().contains("json_agg"), "{err}");
/// }
/// ```
pub fn array_agg<E: ExprMethods>(expr: E) -> TypedExpr<Option<Vec<E::Type>>> {
    call_named(FuncName::ArrayAgg, vec![expr.into_expr()])
}

/// The larger of two values: `GREATEST(a, b)` on PostgreSQL and the MySQL family, the
/// scalar `max(a, b)` on SQLite. With a NULL argument, PostgreSQL returns the other value and
/// the others return NULL: keep NULLs out (with [`coalesce`](crate::functions::coalesce)) where it
/// matters.
///
/// ```
/// use quarry::prelude::*;
/// use quarry::functions::greatest;
/// let (a, b) = (quarry::Column::<i64>::new("t", "a"), quarry::Column::<i64>::new("t", "b"));
/// let q = select(greatest(a, b)).from("t");
/// assert_eq!(q.compile(&quarry::Postgres).unwrap().sql, "SELECT GREATEST(t.a, t.b) FROM t");
/// assert_eq!(q.compile(&quarry::MySql).unwrap().sql, "SELECT GREATEST(t.a, t.b) FROM t");
/// assert_eq!(q.compile(&quarry::MariaDb).unwrap().sql, "SELECT GREATEST(t.a, t.b) FROM t");
/// assert_eq!(q.compile(&quarry::Sqlite).unwrap().sql, "SELECT max(t.a, t.b) FROM t");
/// ```
pub fn greatest<E: ExprMethods>(a: E, b: impl Operand<E::Base>) -> TypedExpr<E::Type> {
    call_named(FuncName::Greatest, vec![a.into_expr(), b.into_operand()])
}

/// The smaller of two values: `LEAST(a, b)`, the scalar `min(a, b)` on SQLite (NULLs as in
/// [`greatest`]).
///
/// ```
/// use quarry::prelude::*;
/// use quarry::functions::least;
/// let a = quarry::Column::<i64>::new("t", "a");
/// let q = select(least(a, 10_i64)).from("t");
/// assert_eq!(q.compile(&quarry::Postgres).unwrap().sql, "SELECT LEAST(t.a, $1) FROM t");
/// assert_eq!(q.compile(&quarry::MySql).unwrap().sql, "SELECT LEAST(t.a, ?) FROM t");
/// assert_eq!(q.compile(&quarry::MariaDb).unwrap().sql, "SELECT LEAST(t.a, ?) FROM t");
/// assert_eq!(q.compile(&quarry::Sqlite).unwrap().sql, "SELECT min(t.a, ?) FROM t");
/// ```
pub fn least<E: ExprMethods>(a: E, b: impl Operand<E::Base>) -> TypedExpr<E::Type> {
    call_named(FuncName::Least, vec![a.into_expr(), b.into_operand()])
}
