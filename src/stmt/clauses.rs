//! Pieces shared by INSERT, UPDATE and DELETE: column assignments, `DEFAULT`, the upsert's
//! `excluded` row, column-name lists and the statement's target table.

use crate::expr::{Column, DynColumn, Expr, IntoExpr, Name, TypedExpr, ValueFor};
use crate::stmt::select::{FromItem, TableRef, TableSource};
use crate::value::Value;

/// `column = value`: one cell of an INSERT row or one UPDATE SET item. Build it with
/// [`Column::set`] (type-checked) or [`DynColumn::set`].
///
/// ```
/// quarry::table! { pub struct T("t") { id: i64, name: String } }
/// let a = T::new().name.set("Ann");
/// assert_eq!(a.column, "name");
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct Assign {
    /// The column's name.
    pub column: Name,
    /// The value or expression stored.
    pub value: Expr,
}

impl Assign {
    /// `column = value` with a dynamic value.
    ///
    /// ```
    /// let a = quarry::Assign::new("n", 1_i64);
    /// assert_eq!(a.value, quarry::Expr::Value(quarry::Value::I64(1)));
    /// ```
    pub fn new(column: impl Into<Name>, value: impl IntoExpr) -> Self {
        Assign {
            column: column.into(),
            value: value.into_expr(),
        }
    }
}

impl<T> Column<T> {
    /// `column = value`, for INSERT rows and UPDATE SET; `value` must suit the column's type
    /// (see [`ValueFor`]).
    ///
    /// ```
    /// use quarry::prelude::*;
    /// quarry::table! { pub struct Users("users") { id: i64, name: String, email: Option<String> } }
    /// let u = Users::new();
    /// let q = insert(u).values((u.id.set(1), u.name.set("Ann"), u.email.set(None)));
    /// assert_eq!(q.compile(&quarry::Postgres).unwrap().sql,
    ///     "INSERT INTO users (id, name, email) VALUES ($1, $2, $3)");
    /// ```
    pub fn set<V: ValueFor<T>>(self, value: V) -> Assign {
        Assign {
            column: Name::Borrowed(self.name()),
            value: value.into_value_expr(),
        }
    }
}

impl DynColumn {
    /// `column = value` with any value or expression (unchecked).
    ///
    /// ```
    /// let a = quarry::DynColumn::new("t", "n").set(5_i32);
    /// assert_eq!(a.column, "n");
    /// ```
    pub fn set(&self, value: impl IntoExpr) -> Assign {
        Assign {
            column: Name::Owned(self.name().to_owned()),
            value: value.into_expr(),
        }
    }
}

/// The `DEFAULT` marker's type: see [`DEFAULT`].
///
/// ```
/// let d: quarry::stmt::DefaultValue = quarry::DEFAULT;
/// # let _ = d;
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DefaultValue;

/// The column's default, as an INSERT value or in UPDATE SET. quarry applies a column's
/// client-side default ([`crate::ColumnDef::default`]) itself; on SQLite, which has no
/// `DEFAULT` in VALUES, a column left to its default in every row is left out, and one left to
/// it in some rows only takes its declared default from the table's metadata.
///
/// ```
/// use quarry::prelude::*;
/// quarry::table! { pub struct T("t") { id: i64, n: Option<i64> } }
/// let t = T::new();
/// let q = insert(t).values((t.id.set(1), t.n.set(quarry::DEFAULT)));
/// assert_eq!(q.compile(&quarry::Postgres).unwrap().sql, "INSERT INTO t (id, n) VALUES ($1, DEFAULT)");
/// assert_eq!(q.compile(&quarry::Sqlite).unwrap().sql, "INSERT INTO t (id) VALUES (?)");
/// ```
pub const DEFAULT: DefaultValue = DefaultValue;

impl IntoExpr for DefaultValue {
    fn into_expr(self) -> Expr {
        Expr::Default
    }
}

impl<T> ValueFor<T> for DefaultValue {
    fn into_value_expr(self) -> Expr {
        Expr::Default
    }
}

/// The value proposed for `column` by the row being inserted, inside an upsert's update:
/// `excluded.col` on PostgreSQL and SQLite, `VALUE(col)` on MariaDB, `new.col` on MySQL 8.
///
/// ```
/// use quarry::prelude::*;
/// quarry::table! { pub struct T("t") { id: i64, hits: i64 } }
/// let t = T::new();
/// let q = insert(t).values((t.id.set(1), t.hits.set(1)))
///     .on_conflict(t.id).do_update_set(t.hits, t.hits + excluded(t.hits));
/// assert_eq!(q.compile(&quarry::Postgres).unwrap().sql,
///     "INSERT INTO t (id, hits) VALUES ($1, $2) ON CONFLICT (id) DO UPDATE SET hits = t.hits + excluded.hits");
/// ```
pub fn excluded<T>(column: Column<T>) -> TypedExpr<T> {
    TypedExpr::new(Expr::Excluded(Name::Borrowed(column.name())))
}

/// A list of column names: a typed column, a tuple of them, dynamic columns, strings, or `()`
/// for none.
///
/// ```
/// use quarry::stmt::ColumnNames;
/// quarry::table! { pub struct T("t") { a: i64, b: String } }
/// let t = T::new();
/// assert_eq!((t.a, t.b).column_names(), ["a", "b"]);
/// assert_eq!(["x", "y"].column_names(), ["x", "y"]);
/// ```
pub trait ColumnNames {
    /// Appends the names to `out`.
    fn push_names(self, out: &mut Vec<Name>);

    /// The names as a vector.
    fn column_names(self) -> Vec<Name>
    where
        Self: Sized,
    {
        let mut v = Vec::new();
        self.push_names(&mut v);
        v
    }
}

impl ColumnNames for () {
    fn push_names(self, _out: &mut Vec<Name>) {}
}

impl<T> ColumnNames for Column<T> {
    fn push_names(self, out: &mut Vec<Name>) {
        out.push(Name::Borrowed(self.name()));
    }
}

impl ColumnNames for DynColumn {
    fn push_names(self, out: &mut Vec<Name>) {
        out.push(Name::Owned(self.name().to_owned()));
    }
}

impl ColumnNames for &DynColumn {
    fn push_names(self, out: &mut Vec<Name>) {
        out.push(Name::Owned(self.name().to_owned()));
    }
}

impl ColumnNames for &'static str {
    fn push_names(self, out: &mut Vec<Name>) {
        out.push(Name::Borrowed(self));
    }
}

impl ColumnNames for String {
    fn push_names(self, out: &mut Vec<Name>) {
        out.push(Name::Owned(self));
    }
}

impl<C: ColumnNames> ColumnNames for Vec<C> {
    fn push_names(self, out: &mut Vec<Name>) {
        for c in self {
            c.push_names(out);
        }
    }
}

impl<C: ColumnNames, const N: usize> ColumnNames for [C; N] {
    fn push_names(self, out: &mut Vec<Name>) {
        for c in self {
            c.push_names(out);
        }
    }
}

/// One INSERT row, or a list of UPDATE SET items: an [`Assign`], a tuple of them, or a
/// `Vec` / array of them.
///
/// ```
/// use quarry::stmt::Assignments;
/// let mut names = Vec::new();
/// (quarry::Assign::new("a", 1_i64), quarry::Assign::new("b", 2_i64)).for_each(|a| names.push(a.column));
/// assert_eq!(names, ["a", "b"]);
/// ```
pub trait Assignments {
    /// Calls `f` with each assignment, in order.
    fn for_each<F: FnMut(Assign)>(self, f: F);

    /// Appends the values of a row that sets exactly `columns`, in that order, to bound
    /// values (the plain form of INSERT rows); gives the row back when it is not such a row.
    /// The default gives every row back (it then goes through [`Assignments::for_each`]).
    ///
    /// ```
    /// use quarry::Assign;
    /// use quarry::stmt::Assignments;
    /// let mut out = Vec::new();
    /// let row = (Assign::new("a", 1_i64), Assign::new("b", 2_i64));
    /// assert!(row.push_plain(&["a".into(), "b".into()], &mut out).is_ok());
    /// assert_eq!(out, [quarry::Value::I64(1), quarry::Value::I64(2)]);
    /// ```
    #[doc(hidden)]
    fn push_plain(self, columns: &[Name], out: &mut Vec<Value>) -> Result<(), Self>
    where
        Self: Sized,
    {
        let _ = (columns, out);
        Err(self)
    }

    /// Appends the columns and values of a first row that sets its columns to bound values
    /// (the plain form of INSERT rows); gives the row back when it is not such a row. The
    /// default gives every row back (it then goes through [`Assignments::for_each`]).
    ///
    /// The columns are not checked for repeats here: compiling does it, on the way it
    /// matches them against the table (a column set twice is an error then).
    ///
    /// ```
    /// use quarry::Assign;
    /// use quarry::stmt::Assignments;
    /// let (mut columns, mut out) = (Vec::new(), Vec::new());
    /// let row = (Assign::new("a", 1_i64), Assign::new("b", 2_i64));
    /// assert!(row.push_first_plain(&mut columns, &mut out).is_ok());
    /// assert_eq!(columns, ["a", "b"]);
    /// let twice = quarry::insert("t").values((Assign::new("a", 1_i64), Assign::new("a", 2_i64)));
    /// assert!(twice.compile(&quarry::Postgres).unwrap_err().to_string().contains("twice"));
    /// ```
    #[doc(hidden)]
    fn push_first_plain(self, columns: &mut Vec<Name>, out: &mut Vec<Value>) -> Result<(), Self>
    where
        Self: Sized,
    {
        let _ = (columns, out);
        Err(self)
    }
}

/// Name equality, by address first: rows built from `table!` columns share their `'static`
/// names, so most comparisons need not look at the bytes.
#[inline]
pub(crate) fn same_name(a: &Name, b: &Name) -> bool {
    (a.as_ptr() == b.as_ptr() && a.len() == b.len()) || a == b
}

impl Assignments for Assign {
    fn for_each<F: FnMut(Assign)>(self, mut f: F) {
        f(self)
    }
}

impl Assignments for Vec<Assign> {
    fn for_each<F: FnMut(Assign)>(self, mut f: F) {
        for a in self {
            f(a)
        }
    }
}

impl<const N: usize> Assignments for [Assign; N] {
    fn for_each<F: FnMut(Assign)>(self, mut f: F) {
        for a in self {
            f(a)
        }
    }
}

/// `Assign`, whatever the tuple list's type name (rows are tuples of `Assign`s).
macro_rules! assign_of {
    ($t:ident) => {
        Assign
    };
}

macro_rules! assign_tuples {
    ($( ($($t:ident $i:tt),+) )*) => {$(
        impl Assignments for ($(assign_of!($t),)+) {
            fn for_each<F: FnMut(Assign)>(self, mut f: F) {
                $( f(self.$i); )+
            }

            #[inline(always)]
            fn push_plain(self, columns: &[Name], out: &mut Vec<Value>) -> Result<(), Self> {
                if columns.len() == [$($i),+].len()
                    $( && same_name(&columns[$i], &self.$i.column)
                       && matches!(self.$i.value, Expr::Value(_)) )+
                {
                    $( if let Expr::Value(v) = self.$i.value { out.push(v); } )+
                    Ok(())
                } else {
                    Err(self)
                }
            }

            #[inline]
            fn push_first_plain(
                self,
                columns: &mut Vec<Name>,
                out: &mut Vec<Value>,
            ) -> Result<(), Self> {
                // (Repeated columns are found when compiling: by `direct_columns`'s match
                // with the metadata or its own check, else by `plan_columns`.)
                if !($( matches!(self.$i.value, Expr::Value(_)) )&&+) {
                    return Err(self);
                }
                columns.reserve([$($i),+].len());
                out.reserve([$($i),+].len());
                $(
                    if let Expr::Value(v) = self.$i.value {
                        columns.push(self.$i.column);
                        out.push(v);
                    }
                )+
                Ok(())
            }
        }
    )*};
}

super::select::for_each_tuple!(assign_tuples);

/// `*slot = *slot AND cond` (just `cond` when empty): repeated `filter` calls.
pub(crate) fn and_into(slot: &mut Option<Expr>, cond: Expr) {
    *slot = Some(match slot.take() {
        Some(f) => f.and_expr(cond),
        None => cond,
    });
}

/// The table an INSERT, UPDATE or DELETE writes to, from anything usable in FROM; a
/// subquery is refused when compiling.
///
/// Inlined so the table is written in place (measured faster in the build + compile bench).
#[inline(always)]
pub(crate) fn target(source: impl TableSource) -> Result<TableRef, &'static str> {
    match source.into_from_item() {
        FromItem::Table(t) => Ok(t),
        FromItem::Subquery { .. } => Err("the target of INSERT, UPDATE or DELETE must be a table"),
    }
}

/// A column that can be assigned `V`: a typed [`Column<T>`] takes what [`ValueFor<T>`]
/// allows; a [`DynColumn`] or a column name takes any expression.
///
/// ```
/// use quarry::stmt::SetTarget;
/// quarry::table! { pub struct T("t") { n: i64 } }
/// assert_eq!(T::new().n.assign(5).column, "n");
/// assert_eq!("m".assign("x").column, "m");
/// ```
pub trait SetTarget<V> {
    /// `self = value`.
    fn assign(self, value: V) -> Assign;
}

impl<T, V: ValueFor<T>> SetTarget<V> for Column<T> {
    fn assign(self, value: V) -> Assign {
        self.set(value)
    }
}

impl<V: IntoExpr> SetTarget<V> for DynColumn {
    fn assign(self, value: V) -> Assign {
        DynColumn::set(&self, value)
    }
}

impl<V: IntoExpr> SetTarget<V> for &DynColumn {
    fn assign(self, value: V) -> Assign {
        DynColumn::set(self, value)
    }
}

impl<V: IntoExpr> SetTarget<V> for &'static str {
    fn assign(self, value: V) -> Assign {
        Assign::new(self, value)
    }
}
