//! Date and time arithmetic: an [`Interval`] ([`days`], [`months`], [`years`], [`hours`],
//! [`minutes`], [`seconds`]) added to or subtracted from a date or a timestamp, and one date
//! subtracted from another.
//!
//! | left | `+` / `-` right | result |
//! |---|---|---|
//! | date | `days(n)`, `months(n)`, `years(n)` | the same date type |
//! | date | `-` a date of the same type | `i64`, whole days (as [`days_between`](crate::functions::days_between)) |
//! | timestamp | any interval | the same timestamp type |
//! | timestamp with time zone ([`Utc`](crate::value::Utc), chrono's `DateTime<Utc>`, `OffsetDateTime`) | any interval | the same type |
//!
//! The date types are quarry's [`Date`](crate::value::Date), chrono's `NaiveDate` and time's
//! `Date`; each takes only dates of its own type. What does not compile, and why:
//! - a date plus or minus hours, minutes or seconds: PostgreSQL and MySQL would quietly give a
//!   timestamp and SQLite a date with the time dropped; use a timestamp if a time of day is
//!   meant;
//! - two dates added, a timestamp subtracted from a date, a number added to a date or a
//!   timestamp: say which unit with an interval.
//!
//! Every backend gives the same values:
//! - months and years clamp to the end of a shorter month (Jan 31 plus one month is Feb 28 or
//!   29, Feb 29 plus one year is Feb 28): natively on PostgreSQL and the MySQL family, with the
//!   `'floor'` modifier on SQLite (3.46 or later; quarry-sqlite bundles a newer one);
//! - counts are whole: an `i64` value, bound as a parameter (so every count shares one
//!   statement text), or an integer column or expression;
//! - on SQLite the arithmetic reads quarry's text (`YYYY-MM-DD HH:MM:SS[.ffffff][+00:00]`):
//!   `date(…)` for dates, `datetime(…)` over the first 19 characters for timestamps with
//!   the rest (fraction, offset) appended unchanged, so results decode back exactly. SQLite
//!   covers the years 0000–9999 and gives NULL beyond them, where PostgreSQL and MySQL raise
//!   an error;
//! - a timestamp with time zone moves in the session's time zone on PostgreSQL, which is UTC
//!   on quarry's connections (a day is 24 hours), and as stored (UTC) elsewhere.
//!
//! ```
//! use quarry::prelude::*;
//! use quarry::functions::{days, hours, months};
//! use quarry::value::{Date, Timestamp};
//! let (due, paid) = (quarry::Column::<Date>::new("t", "due"), quarry::Column::<Date>::new("t", "paid"));
//! let at = quarry::Column::<Timestamp>::new("t", "at");
//! let late: TypedExpr<i64> = paid - due;
//! let reminder: TypedExpr<Date> = due - days(3);
//! let renewal: TypedExpr<Date> = due + months(1);
//! let deadline: TypedExpr<Timestamp> = at + hours(36);
//! let q = select((late, reminder)).from("t").filter(renewal.gt(paid)).filter(deadline.lt(at));
//! assert_eq!(q.compile(&quarry::Postgres).unwrap().sql,
//!     "SELECT (CAST(t.paid AS DATE) - CAST(t.due AS DATE)), CAST(t.due - $1 * INTERVAL '1 day' AS DATE) \
//!      FROM t WHERE CAST(t.due + $2 * INTERVAL '1 month' AS DATE) > t.paid AND (t.at + $3 * INTERVAL '1 hour') < t.at");
//! ```

use super::arith::with_base;
use super::ops::{DatePart, Expr, FuncCall, FuncName};
use super::typed::TypedExpr;
use super::{Addable, Column, DynColumn, IntoExpr, Subtractable};
use crate::value::{Date, Timestamp, Utc};
use std::fmt;
use std::marker::PhantomData;

/// A whole number of one unit ([`Days`], [`Months`], [`Years`], [`Hours`], [`Minutes`],
/// [`Seconds`]) to add to or subtract from a date or a timestamp; made by [`days`],
/// [`months`], [`years`], [`hours`], [`minutes`] and [`seconds`].
///
/// ```
/// use quarry::prelude::*;
/// use quarry::functions::{minutes, Interval};
/// use quarry::value::Timestamp;
/// let at = quarry::Column::<Timestamp>::new("t", "at");
/// let step: Interval<quarry::expr::Minutes> = minutes(quarry::Column::<i32>::new("t", "n"));
/// let q = select(at - step).from("t");
/// assert_eq!(q.compile(&quarry::Postgres).unwrap().sql, "SELECT (t.at - t.n * INTERVAL '1 minute') FROM t");
/// assert_eq!(q.compile(&quarry::MySql).unwrap().sql, "SELECT (t.at - INTERVAL t.n MINUTE) FROM t");
/// assert_eq!(q.compile(&quarry::MariaDb).unwrap().sql, "SELECT (t.at - INTERVAL t.n MINUTE) FROM t");
/// assert_eq!(q.compile(&quarry::Sqlite).unwrap().sql,
///     "SELECT (datetime(substr(t.at, 1, 19), -t.n || ' minutes') || substr(t.at, 20)) FROM t");
/// ```
pub struct Interval<U> {
    count: Expr,
    _unit: PhantomData<fn() -> U>,
}

impl<U> Clone for Interval<U> {
    fn clone(&self) -> Self {
        Interval {
            count: self.count.clone(),
            _unit: PhantomData,
        }
    }
}

impl<U: Unit> fmt::Debug for Interval<U> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Interval<{:?}>({:?})", U::PART, self.count)
    }
}

impl<U: Unit> Interval<U> {
    /// An interval of `count` units: what [`days`] and the other constructors return.
    ///
    /// ```
    /// use quarry::prelude::*;
    /// use quarry::functions::Interval;
    /// use quarry::expr::Years;
    /// let born = quarry::Column::<quarry::value::Date>::new("t", "born");
    /// let q = select(born + Interval::<Years>::new(18)).from("t");
    /// assert_eq!(q.compile(&quarry::Postgres).unwrap().sql, "SELECT CAST(t.born + $1 * INTERVAL '1 year' AS DATE) FROM t");
    /// assert_eq!(q.compile(&quarry::MySql).unwrap().sql, "SELECT (t.born + INTERVAL ? YEAR) FROM t");
    /// assert_eq!(q.compile(&quarry::MariaDb).unwrap().sql, "SELECT (t.born + INTERVAL ? YEAR) FROM t");
    /// assert_eq!(q.compile(&quarry::Sqlite).unwrap().sql, "SELECT date(t.born, ? || ' years', 'floor') FROM t");
    /// ```
    pub fn new(count: impl IntervalCount) -> Self {
        Interval {
            count: count.into_count(),
            _unit: PhantomData,
        }
    }

    /// The count, as an expression.
    ///
    /// ```
    /// let i = quarry::functions::days(2);
    /// assert_eq!(i.count(), &quarry::Expr::Value(quarry::Value::I64(2)));
    /// ```
    pub fn count(&self) -> &Expr {
        &self.count
    }

    /// `left` moved by this interval: forward, or `back`; `date` when `left` is a date.
    fn shift(self, left: Expr, back: bool, date: bool) -> Expr {
        let mut f = FuncCall::new("", vec![left, self.count]);
        f.name = FuncName::Shift {
            unit: U::PART,
            back,
            date,
        };
        Expr::Func(Box::new(f))
    }
}

/// An interval's unit: [`Days`], [`Months`], [`Years`], [`Hours`], [`Minutes`] or
/// [`Seconds`].
///
/// ```
/// use quarry::expr::{Unit, Hours, DatePart};
/// assert_eq!(<Hours as Unit>::PART, DatePart::Hour);
/// ```
pub trait Unit {
    /// The unit as a date field.
    const PART: DatePart;
}

/// The units a date can move by and stay a date: [`Days`], [`Months`] and [`Years`].
///
/// ```
/// fn date_unit<U: quarry::expr::DateUnit>() {}
/// date_unit::<quarry::expr::Months>();
/// ```
#[diagnostic::on_unimplemented(
    message = "a date cannot be moved by `{Self}`: the result would not be a date",
    label = "a date takes days, months or years",
    note = "hours, minutes and seconds go with timestamps (a date plus hours would be a timestamp on PostgreSQL and MySQL and lose the hours on SQLite); use a timestamp column or value if a time of day is meant"
)]
pub trait DateUnit: Unit {}

macro_rules! units {
    ($($(#[$doc:meta])* $name:ident $part:ident $date:tt;)*) => {$(
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq)]
        pub enum $name {}
        impl Unit for $name {
            const PART: DatePart = DatePart::$part;
        }
        units!(@date $name $date);
    )*};
    (@date $name:ident true) => { impl DateUnit for $name {} };
    (@date $name:ident false) => {};
}

units! {
    /// Days, an interval unit ([`days`]).
    ///
    /// ```
    /// let i: quarry::functions::Interval<quarry::expr::Days> = quarry::functions::days(1);
    /// # let _ = i;
    /// ```
    Days Day true;
    /// Months, an interval unit ([`months`]): a month's last day clamps to a shorter month's.
    ///
    /// ```
    /// let i: quarry::functions::Interval<quarry::expr::Months> = quarry::functions::months(1);
    /// # let _ = i;
    /// ```
    Months Month true;
    /// Years, an interval unit ([`years`]): twelve months (Feb 29 clamps to Feb 28).
    ///
    /// ```
    /// let i: quarry::functions::Interval<quarry::expr::Years> = quarry::functions::years(1);
    /// # let _ = i;
    /// ```
    Years Year true;
    /// Hours, an interval unit for timestamps ([`hours`]).
    ///
    /// ```
    /// let i: quarry::functions::Interval<quarry::expr::Hours> = quarry::functions::hours(1);
    /// # let _ = i;
    /// ```
    Hours Hour false;
    /// Minutes, an interval unit for timestamps ([`minutes`]).
    ///
    /// ```
    /// let i: quarry::functions::Interval<quarry::expr::Minutes> = quarry::functions::minutes(1);
    /// # let _ = i;
    /// ```
    Minutes Minute false;
    /// Seconds, an interval unit for timestamps ([`seconds`]), whole seconds.
    ///
    /// ```
    /// let i: quarry::functions::Interval<quarry::expr::Seconds> = quarry::functions::seconds(1);
    /// # let _ = i;
    /// ```
    Seconds Second false;
}

/// What counts an interval's units: an `i64` value (bound as a parameter), or a non-NULL
/// integer column or expression (`i16`, `i32`, `i64`), or a dynamic one.
///
/// ```
/// use quarry::functions::days;
/// let (a, b) = (days(7), days(quarry::Column::<i32>::new("t", "n")));
/// # let _ = (a, b);
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot count the units of an interval",
    label = "expected a whole number: an i64 value or an integer column or expression",
    note = "intervals count an i64 value (bound as a parameter) or a non-NULL integer column or expression (i16, i32, i64)"
)]
pub trait IntervalCount {
    /// The count as an expression.
    fn into_count(self) -> Expr;
}

impl IntervalCount for i64 {
    fn into_count(self) -> Expr {
        self.into_expr()
    }
}

macro_rules! counts {
    ($($t:ty),*) => {$(
        impl IntervalCount for $t {
            fn into_count(self) -> Expr { self.into_expr() }
        }
    )*};
}

counts!(
    Column<i16>,
    Column<i32>,
    Column<i64>,
    TypedExpr<i16>,
    TypedExpr<i32>,
    TypedExpr<i64>,
    DynColumn,
    Expr
);

macro_rules! constructors {
    ($($(#[$doc:meta])* $fn:ident $unit:ident;)*) => {$(
        $(#[$doc])*
        pub fn $fn(n: impl IntervalCount) -> Interval<$unit> {
            Interval::new(n)
        }
    )*};
}

constructors! {
    /// `n` days, for a date or a timestamp.
    ///
    /// ```
    /// use quarry::prelude::*;
    /// use quarry::functions::days;
    /// let day = quarry::Column::<quarry::value::Date>::new("t", "day");
    /// let q = select(day + days(30)).from("t");
    /// assert_eq!(q.compile(&quarry::Postgres).unwrap().sql, "SELECT CAST(t.day + $1 * INTERVAL '1 day' AS DATE) FROM t");
    /// assert_eq!(q.compile(&quarry::MySql).unwrap().sql, "SELECT (t.day + INTERVAL ? DAY) FROM t");
    /// assert_eq!(q.compile(&quarry::MariaDb).unwrap().sql, "SELECT (t.day + INTERVAL ? DAY) FROM t");
    /// assert_eq!(q.compile(&quarry::Sqlite).unwrap().sql, "SELECT date(t.day, ? || ' days') FROM t");
    /// ```
    days Days;
    /// `n` months, for a date or a timestamp; the day clamps to a shorter month's last
    /// (Jan 31 plus one month is Feb 28 or 29) on every backend.
    ///
    /// ```
    /// use quarry::prelude::*;
    /// use quarry::functions::months;
    /// let day = quarry::Column::<quarry::value::Date>::new("t", "day");
    /// let q = select(day - months(1)).from("t");
    /// assert_eq!(q.compile(&quarry::Postgres).unwrap().sql, "SELECT CAST(t.day - $1 * INTERVAL '1 month' AS DATE) FROM t");
    /// assert_eq!(q.compile(&quarry::MySql).unwrap().sql, "SELECT (t.day - INTERVAL ? MONTH) FROM t");
    /// assert_eq!(q.compile(&quarry::MariaDb).unwrap().sql, "SELECT (t.day - INTERVAL ? MONTH) FROM t");
    /// assert_eq!(q.compile(&quarry::Sqlite).unwrap().sql, "SELECT date(t.day, -? || ' months', 'floor') FROM t");
    /// ```
    months Months;
    /// `n` years, for a date or a timestamp; Feb 29 clamps to Feb 28 in a common year.
    ///
    /// ```
    /// use quarry::prelude::*;
    /// use quarry::functions::years;
    /// let at = quarry::Column::<quarry::value::Timestamp>::new("t", "at");
    /// let q = select(at + years(1)).from("t");
    /// assert_eq!(q.compile(&quarry::Postgres).unwrap().sql, "SELECT (t.at + $1 * INTERVAL '1 year') FROM t");
    /// assert_eq!(q.compile(&quarry::MySql).unwrap().sql, "SELECT (t.at + INTERVAL ? YEAR) FROM t");
    /// assert_eq!(q.compile(&quarry::MariaDb).unwrap().sql, "SELECT (t.at + INTERVAL ? YEAR) FROM t");
    /// assert_eq!(q.compile(&quarry::Sqlite).unwrap().sql,
    ///     "SELECT (datetime(substr(t.at, 1, 19), ? || ' years', 'floor') || substr(t.at, 20)) FROM t");
    /// ```
    years Years;
    /// `n` hours, for a timestamp (a date plus hours does not compile).
    ///
    /// ```
    /// use quarry::prelude::*;
    /// use quarry::functions::hours;
    /// let at = quarry::Column::<quarry::value::Timestamp>::new("t", "at");
    /// let q = select(at + hours(2)).from("t");
    /// assert_eq!(q.compile(&quarry::Postgres).unwrap().sql, "SELECT (t.at + $1 * INTERVAL '1 hour') FROM t");
    /// assert_eq!(q.compile(&quarry::MySql).unwrap().sql, "SELECT (t.at + INTERVAL ? HOUR) FROM t");
    /// assert_eq!(q.compile(&quarry::MariaDb).unwrap().sql, "SELECT (t.at + INTERVAL ? HOUR) FROM t");
    /// assert_eq!(q.compile(&quarry::Sqlite).unwrap().sql,
    ///     "SELECT (datetime(substr(t.at, 1, 19), ? || ' hours') || substr(t.at, 20)) FROM t");
    /// ```
    hours Hours;
    /// `n` minutes, for a timestamp.
    ///
    /// ```
    /// use quarry::prelude::*;
    /// use quarry::functions::minutes;
    /// let at = quarry::Column::<quarry::value::Utc>::new("t", "at");
    /// let q = select(at - minutes(5)).from("t");
    /// assert_eq!(q.compile(&quarry::Postgres).unwrap().sql, "SELECT (t.at - $1 * INTERVAL '1 minute') FROM t");
    /// assert_eq!(q.compile(&quarry::MySql).unwrap().sql, "SELECT (t.at - INTERVAL ? MINUTE) FROM t");
    /// assert_eq!(q.compile(&quarry::MariaDb).unwrap().sql, "SELECT (t.at - INTERVAL ? MINUTE) FROM t");
    /// assert_eq!(q.compile(&quarry::Sqlite).unwrap().sql,
    ///     "SELECT (datetime(substr(t.at, 1, 19), -? || ' minutes') || substr(t.at, 20)) FROM t");
    /// ```
    minutes Minutes;
    /// `n` whole seconds, for a timestamp (its fraction of a second is kept).
    ///
    /// ```
    /// use quarry::prelude::*;
    /// use quarry::functions::seconds;
    /// let at = quarry::Column::<quarry::value::Timestamp>::new("t", "at");
    /// let q = select(at + seconds(90)).from("t");
    /// assert_eq!(q.compile(&quarry::Postgres).unwrap().sql, "SELECT (t.at + $1 * INTERVAL '1 second') FROM t");
    /// assert_eq!(q.compile(&quarry::MySql).unwrap().sql, "SELECT (t.at + INTERVAL ? SECOND) FROM t");
    /// assert_eq!(q.compile(&quarry::MariaDb).unwrap().sql, "SELECT (t.at + INTERVAL ? SECOND) FROM t");
    /// assert_eq!(q.compile(&quarry::Sqlite).unwrap().sql,
    ///     "SELECT (datetime(substr(t.at, 1, 19), ? || ' seconds') || substr(t.at, 20)) FROM t");
    /// ```
    seconds Seconds;
}

/// What can be added to a date of type `D`: an interval of days, months or years (or a
/// reference to one), giving a `D`.
///
/// ```
/// fn addend<R: quarry::expr::DateAddend<quarry::value::Date>>(_: R) {}
/// addend(quarry::functions::days(1));
/// addend(&quarry::functions::years(1));
/// ```
#[diagnostic::on_unimplemented(
    message = "cannot add `{Self}` to a date (`{D}`)",
    label = "a date adds days(n), months(n) or years(n)",
    note = "two dates do not add; a number needs its unit (quarry::functions::{{days, months, years}}); hours, minutes and seconds go with timestamps"
)]
pub trait DateAddend<D> {
    /// `left`, a date, moved forward by this interval.
    fn add_to_date(self, left: Expr) -> Expr;
}

/// What can be subtracted from a date of type `D`: an interval of days, months or years
/// (giving a `D`), or a date of the same type `D` (giving whole days, `i64`).
///
/// ```
/// use quarry::value::Date;
/// fn subtrahend<R: quarry::expr::DateSubtrahend<Date>>(_: R) {}
/// subtrahend(quarry::functions::months(1));
/// subtrahend(quarry::Column::<Option<Date>>::new("t", "d"));
/// ```
#[diagnostic::on_unimplemented(
    message = "cannot subtract `{Self}` from a date (`{D}`)",
    label = "a date subtracts days(n), months(n), years(n) or a `{D}`",
    note = "a date minus a date of the same type gives whole days; a timestamp is not subtracted from a date (cast one side); a number needs its unit (quarry::functions::{{days, months, years}})"
)]
pub trait DateSubtrahend<D> {
    /// The base type of the difference: `D`, or `i64` days.
    type Out;
    /// `left`, a date, minus this.
    fn sub_from_date(self, left: Expr) -> Expr;
}

/// What can be added to a timestamp of type `T` (with or without time zone): any interval
/// (or a reference to one), giving a `T`.
///
/// ```
/// fn addend<R: quarry::expr::TimestampAddend<quarry::value::Timestamp>>(_: R) {}
/// addend(quarry::functions::seconds(1));
/// ```
#[diagnostic::on_unimplemented(
    message = "cannot add `{Self}` to a timestamp (`{T}`)",
    label = "a timestamp adds an interval: days(n), hours(n), minutes(n), seconds(n), months(n) or years(n)",
    note = "a number needs its unit (quarry::functions::{{days, hours, minutes, seconds, months, years}}); two timestamps do not add"
)]
pub trait TimestampAddend<T> {
    /// `left`, a timestamp, moved forward by this interval.
    fn add_to_timestamp(self, left: Expr) -> Expr;
}

/// What can be subtracted from a timestamp of type `T`: any interval (or a reference to
/// one), giving a `T`.
///
/// ```
/// fn subtrahend<R: quarry::expr::TimestampSubtrahend<quarry::value::Utc>>(_: R) {}
/// subtrahend(quarry::functions::hours(1));
/// ```
#[diagnostic::on_unimplemented(
    message = "cannot subtract `{Self}` from a timestamp (`{T}`)",
    label = "a timestamp subtracts an interval: days(n), hours(n), minutes(n), seconds(n), months(n) or years(n)",
    note = "a number needs its unit (quarry::functions::{{days, hours, minutes, seconds, months, years}}); the time between two timestamps is not supported yet"
)]
pub trait TimestampSubtrahend<T> {
    /// `left`, a timestamp, moved back by this interval.
    fn sub_from_timestamp(self, left: Expr) -> Expr;
}

macro_rules! interval_operands {
    ($($i:ty => |$x:ident| $own:expr;)*) => {$(
        impl<U: DateUnit, D> DateAddend<D> for $i {
            fn add_to_date(self, left: Expr) -> Expr { let $x = self; $own.shift(left, false, true) }
        }
        impl<U: DateUnit, D> DateSubtrahend<D> for $i {
            type Out = D;
            fn sub_from_date(self, left: Expr) -> Expr { let $x = self; $own.shift(left, true, true) }
        }
        impl<U: Unit, T> TimestampAddend<T> for $i {
            fn add_to_timestamp(self, left: Expr) -> Expr { let $x = self; $own.shift(left, false, false) }
        }
        impl<U: Unit, T> TimestampSubtrahend<T> for $i {
            fn sub_from_timestamp(self, left: Expr) -> Expr { let $x = self; $own.shift(left, true, false) }
        }
    )*};
}

interval_operands! {
    Interval<U> => |i| i;
    &Interval<U> => |i| i.clone();
}

/// Whole days from `right` to `left`, as `days_between` writes them.
fn days_from(left: Expr, right: Expr) -> Expr {
    let mut f = FuncCall::new("", vec![left, right]);
    f.name = FuncName::DaysBetween;
    Expr::Func(Box::new(f))
}

/// A date type: moves by days, months and years, and subtracts a date of its own type.
macro_rules! date_base {
    ($($d:ty),*) => {$(
        with_base!($d);
        impl<R: DateAddend<$d>> Addable<R> for $d {
            type Out = $d;
            fn add_expr(left: Expr, rhs: R) -> Expr { rhs.add_to_date(left) }
        }
        impl<R: DateSubtrahend<$d>> Subtractable<R> for $d {
            type Out = R::Out;
            fn sub_expr(left: Expr, rhs: R) -> Expr { rhs.sub_from_date(left) }
        }
        date_base!(@minus $d: i64: $d, Column<$d>, TypedExpr<$d>);
        date_base!(@minus $d: Option<i64>: Column<Option<$d>>, TypedExpr<Option<$d>>);
    )*};
    (@minus $d:ty: $out:ty: $($r:ty),*) => {$(
        impl DateSubtrahend<$d> for $r {
            type Out = $out;
            fn sub_from_date(self, left: Expr) -> Expr { days_from(left, self.into_expr()) }
        }
    )*};
}

/// A timestamp type (with or without time zone): moves by any interval.
macro_rules! timestamp_base {
    ($($t:ty),*) => {$(
        with_base!($t);
        impl<R: TimestampAddend<$t>> Addable<R> for $t {
            type Out = $t;
            fn add_expr(left: Expr, rhs: R) -> Expr { rhs.add_to_timestamp(left) }
        }
        impl<R: TimestampSubtrahend<$t>> Subtractable<R> for $t {
            type Out = $t;
            fn sub_expr(left: Expr, rhs: R) -> Expr { rhs.sub_from_timestamp(left) }
        }
    )*};
}

date_base!(Date);
timestamp_base!(Timestamp, Utc);
#[cfg(feature = "chrono-0_4")]
date_base!(chrono::NaiveDate);
#[cfg(feature = "chrono-0_4")]
timestamp_base!(chrono::NaiveDateTime, chrono::DateTime<chrono::Utc>);
#[cfg(feature = "time-0_3")]
date_base!(time::Date);
#[cfg(feature = "time-0_3")]
timestamp_base!(time::PrimitiveDateTime, time::OffsetDateTime);
