//! INSERT: one row, many rows, INSERT … SELECT, upsert and RETURNING.
//!
//! ```
//! use quarry::prelude::*;
//! use quarry::{MariaDb, MySql, Postgres, Sqlite, Value};
//! quarry::table! { pub struct Users("users") { id: i64 => primary_key(), name: String, hits: i64 } }
//! let u = Users::new();
//! let q = insert(u)
//!     .values((u.id.set(1), u.name.set("Ann"), u.hits.set(1)))
//!     .on_conflict(u.id)
//!     .do_update_set(u.hits, u.hits + excluded(u.hits));
//! assert_eq!(q.compile(&Postgres).unwrap().sql,
//!     "INSERT INTO users (id, name, hits) VALUES ($1, $2, $3) ON CONFLICT (id) DO UPDATE SET hits = users.hits + excluded.hits");
//! assert_eq!(q.compile(&Sqlite).unwrap().sql,
//!     "INSERT INTO users (id, name, hits) VALUES (?, ?, ?) ON CONFLICT (id) DO UPDATE SET hits = users.hits + excluded.hits");
//! assert_eq!(q.compile(&MySql).unwrap().sql,
//!     "INSERT INTO users (id, name, hits) VALUES (?, ?, ?) AS new ON DUPLICATE KEY UPDATE hits = users.hits + new.hits");
//! // MariaDB has no conflict target: a target is accepted only when it is the table's one
//! // unique key, as here.
//! assert_eq!(q.compile(&MariaDb).unwrap().sql,
//!     "INSERT INTO users (id, name, hits) VALUES (?, ?, ?) ON DUPLICATE KEY UPDATE hits = users.hits + VALUE(hits)");
//! ```

use super::clauses::{same_name, target, Assign, Assignments, ColumnNames, SetTarget};
use super::select::{Query, SelectItem, Selection, TableRef, TableSource};
use crate::expr::{Expr, Name, Operand};
use crate::value::Row;
use crate::value::Value;
use std::borrow::Cow;
use std::fmt;
use std::marker::PhantomData;

/// What an upsert does when the row conflicts with an existing one.
///
/// ```
/// let a = quarry::stmt::ConflictAction::Nothing;
/// assert_eq!(a, quarry::stmt::ConflictAction::Nothing);
/// ```
#[derive(Clone, Debug, PartialEq)]
pub enum ConflictAction {
    /// Skip the row.
    Nothing,
    /// Update the existing row.
    Update {
        /// The SET items.
        set: Vec<Assign>,
        /// Update only rows matching this condition.
        filter: Option<Expr>,
    },
}

/// An upsert clause: the conflict target (columns of a unique key; empty for any) and the
/// action.
///
/// ```
/// let c = quarry::stmt::OnConflict {
///     target: vec!["id".into()],
///     action: quarry::stmt::ConflictAction::Nothing,
///     assume_only_key: false,
/// };
/// assert_eq!(c.target.len(), 1);
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct OnConflict {
    /// The unique key's columns (empty: any unique key).
    pub target: Vec<Name>,
    /// What to do.
    pub action: ConflictAction,
    /// The user states that `target` is the table's only unique key, so the MySQL family's
    /// `ON DUPLICATE KEY UPDATE` (which fires on any unique key) means the same as the target
    /// ([`Insert::assume_only_key`]).
    pub assume_only_key: bool,
}

/// The data of an INSERT statement.
///
/// Statements compare equal when they hold the same rows, whichever form quarry keeps them in.
///
/// ```
/// let s = quarry::stmt::InsertStmt::new(quarry::stmt::TableRef::named("t"));
/// assert_eq!(s.rows, 0);
/// ```
#[derive(Clone, Debug)]
pub struct InsertStmt {
    /// The table written to.
    pub table: TableRef,
    /// The columns given.
    pub columns: Vec<Name>,
    /// The VALUES cells, row after row (`columns.len()` per row), when some row is not plain
    /// (an expression, [`Expr::Default`] for a column a row leaves to its default, columns out
    /// of order); empty while every row is plain (see `plain`). Read cells with
    /// [`InsertStmt::cell`].
    pub(crate) values: Vec<Expr>,
    /// The VALUES cells while every row is plain: bound values only, every row giving the
    /// first row's columns in its order. Such rows compile from one template and their
    /// values become the statement's parameters as they are. At most one of `values` and
    /// `plain` is non-empty.
    pub(crate) plain: Vec<Value>,
    /// The number of VALUES rows.
    pub rows: usize,
    /// `INSERT … SELECT`.
    pub select: Option<Box<Query>>,
    /// The upsert clause.
    pub on_conflict: Option<OnConflict>,
    /// RETURNING.
    pub returning: Vec<SelectItem>,
    /// A misuse found while building, reported when compiling.
    pub(crate) error: Option<Cow<'static, str>>,
    /// Some cell may be `DEFAULT` (when false, the compiler skips looking).
    pub(crate) any_default: bool,
}

impl PartialEq for InsertStmt {
    fn eq(&self, other: &Self) -> bool {
        let cells_equal = match (self.is_plain(), other.is_plain()) {
            (true, true) => self.plain == other.plain,
            (false, false) => self.values == other.values,
            (true, false) => same_cells(&self.plain, &other.values),
            (false, true) => same_cells(&other.plain, &self.values),
        };
        cells_equal
            && self.table == other.table
            && self.columns == other.columns
            && self.rows == other.rows
            && self.select == other.select
            && self.on_conflict == other.on_conflict
            && self.returning == other.returning
            && self.error == other.error
    }
}

/// Plain cells and general cells hold the same values.
fn same_cells(plain: &[Value], general: &[Expr]) -> bool {
    plain.len() == general.len()
        && plain
            .iter()
            .zip(general)
            .all(|(p, g)| matches!(g, Expr::Value(v) if v == p))
}

impl InsertStmt {
    /// An INSERT into `table` with no rows yet.
    ///
    /// ```
    /// let s = quarry::stmt::InsertStmt::new(quarry::stmt::TableRef::named("t"));
    /// assert!(s.columns.is_empty());
    /// ```
    #[inline]
    pub fn new(table: TableRef) -> Self {
        InsertStmt {
            table,
            columns: Vec::new(),
            values: Vec::new(),
            plain: Vec::new(),
            rows: 0,
            select: None,
            on_conflict: None,
            returning: Vec::new(),
            error: None,
            any_default: false,
        }
    }

    fn fail(&mut self, msg: impl Into<Cow<'static, str>>) {
        if self.error.is_none() {
            self.error = Some(msg.into());
        }
    }

    /// The cell of `row` for the `column`-th column (`None` out of range).
    ///
    /// ```
    /// use quarry::{Assign, Expr, Value};
    /// let q = quarry::insert("t").values((Assign::new("a", 1_i64), Assign::new("b", quarry::DEFAULT)));
    /// assert_eq!(q.stmt().cell(0, 0), Some(Expr::Value(Value::I64(1))));
    /// assert_eq!(q.stmt().cell(0, 1), Some(Expr::Default));
    /// assert_eq!(q.stmt().cell(1, 0), None);
    /// ```
    pub fn cell(&self, row: usize, column: usize) -> Option<Expr> {
        let width = self.columns.len();
        if row >= self.rows || column >= width {
            return None;
        }
        let i = row * width + column;
        if self.plain.is_empty() {
            self.values.get(i).cloned()
        } else {
            self.plain.get(i).cloned().map(Expr::Value)
        }
    }

    /// Whether the rows are held as plain values (see `plain`).
    pub(crate) fn is_plain(&self) -> bool {
        !self.plain.is_empty()
    }

    /// Moves plain rows into the general form.
    fn demote(&mut self) {
        if !self.plain.is_empty() {
            self.values = std::mem::take(&mut self.plain)
                .into_iter()
                .map(Expr::Value)
                .collect();
        }
    }

    /// Appends one row: kept plain while every row is (see `plain`), else in the general form.
    ///
    /// Inlined so the row is read where it was built, not copied (faster in the build +
    /// compile bench). Rows that are not plain go on in [`InsertStmt::push_row_rest`].
    #[inline(always)]
    fn push_row(&mut self, row: impl Assignments) {
        // Plain rows are possible while nothing went to the general form, and the columns
        // were not named ahead of the rows (`columns`, a misuse reported elsewhere).
        if !self.values.is_empty() || (self.rows == 0 && !self.columns.is_empty()) {
            return self.push_general_row(row);
        }
        if self.rows == 0 {
            // (A row that gives it back may still be plain, as a `Vec` of assignments is.)
            match row.push_first_plain(&mut self.columns, &mut self.plain) {
                Ok(()) => self.rows = 1,
                Err(row) => self.push_row_rest(row, true),
            }
        } else {
            match row.push_plain(&self.columns, &mut self.plain) {
                Ok(()) => self.rows += 1,
                Err(row) => self.push_row_rest(row, false),
            }
        }
    }

    /// [`InsertStmt::push_row`] for a row its plain forms gave back (`first`: the first row).
    #[inline(never)]
    fn push_row_rest(&mut self, row: impl Assignments, first: bool) {
        let start = self.plain.len();
        let width = self.columns.len();
        // Assignments that broke the plain form, to replay through the general form.
        let mut rest: Vec<Assign> = Vec::new();
        row.for_each(|a: Assign| {
            if !rest.is_empty() {
                rest.push(a);
                return;
            }
            let next = self.plain.len() - start;
            let fits = if first {
                !self.columns.iter().any(|c| same_name(c, &a.column))
            } else {
                next < width && same_name(&self.columns[next], &a.column)
            };
            match a.value {
                Expr::Value(v) if fits => {
                    if first {
                        self.columns.push(a.column);
                    }
                    self.plain.push(v);
                }
                value => rest.push(Assign {
                    column: a.column,
                    value,
                }),
            }
        });
        let given = self.plain.len() - start;
        if rest.is_empty() && (first || given == width) && !(first && given == 0) {
            self.rows += 1;
            return;
        }
        // Replay the row's cells taken so far, then the rest, in the general form.
        let taken: Vec<Value> = self.plain.drain(start..).collect();
        let mut replay = Vec::with_capacity(taken.len() + rest.len());
        for (k, v) in taken.into_iter().enumerate() {
            replay.push(Assign {
                column: self.columns[if first { width + k } else { k }].clone(),
                value: Expr::Value(v),
            });
        }
        if first {
            self.columns.truncate(width);
        }
        replay.extend(rest);
        self.demote();
        self.push_general_row(replay);
    }

    /// Appends one row in the general form; a column the row leaves out is `DEFAULT`, a
    /// column new in this row is `DEFAULT` in the rows before it.
    fn push_general_row(&mut self, row: impl Assignments) {
        if self.rows == 0 && self.columns.is_empty() {
            // The first row names the columns.
            self.rows = 1;
            row.for_each(|a: Assign| {
                if self.columns.iter().any(|c| same_name(c, &a.column)) {
                    self.fail(format!(
                        "a row of the INSERT sets column {} twice",
                        a.column
                    ));
                    return;
                }
                self.any_default |= matches!(a.value, Expr::Default);
                self.columns.push(a.column);
                self.values.push(a.value);
            });
            return;
        }
        let start = self.values.len();
        self.rows += 1;
        // Rows usually give every column in the first row's order: push them as they come,
        // and only when one is out of place lay the row out and place each by name.
        let mut laid_out = false;
        row.for_each(|a: Assign| {
            let width = self.columns.len();
            let next = self.values.len() - start;
            if !laid_out && next < width && same_name(&self.columns[next], &a.column) {
                self.any_default |= matches!(a.value, Expr::Default);
                self.values.push(a.value);
                return;
            }
            self.any_default = true;
            if !laid_out {
                self.values.resize_with(start + width, || Expr::Default);
                laid_out = true;
            }
            let index = match self.columns.iter().position(|c| same_name(c, &a.column)) {
                Some(i) => i,
                None => {
                    self.add_column(a.column);
                    self.columns.len() - 1
                }
            };
            let width = self.columns.len();
            let slot = &mut self.values[(self.rows - 1) * width + index];
            if !matches!(slot, Expr::Default) && self.error.is_none() {
                self.error = Some(Cow::Owned(format!(
                    "a row of the INSERT sets column {} twice",
                    self.columns[index]
                )));
            }
            *slot = a.value;
        });
        // Columns the row left out take their default.
        let end = self.rows * self.columns.len();
        if self.values.len() < end {
            self.any_default = true;
            self.values.resize_with(end, || Expr::Default);
        }
    }

    /// Adds a column, `DEFAULT` in every row so far.
    fn add_column(&mut self, name: Name) {
        self.any_default = true;
        let old = self.columns.len();
        self.columns.push(name);
        if self.rows == 0 {
            return;
        }
        if old == 0 {
            self.values = (0..self.rows).map(|_| Expr::Default).collect();
            return;
        }
        let mut values = Vec::with_capacity(self.rows * (old + 1));
        let mut cells = std::mem::take(&mut self.values).into_iter();
        for _ in 0..self.rows {
            values.extend(cells.by_ref().take(old));
            values.push(Expr::Default);
        }
        self.values = values;
    }
}

/// An INSERT statement whose RETURNING rows decode into `R`.
///
/// Rows are added with [`Insert::values`] (one row of `column.set(value)` items) or
/// [`Insert::rows`]; a row may leave columns out (they take their default). Executed through
/// an [`Engine`](crate::Engine), an insert too large for one statement (each backend's bound-parameter limit)
/// is split into several run in one transaction, and a large one on PostgreSQL is loaded with
/// `COPY … (FORMAT binary)`; [`Insert::compile`] refuses what does not fit one statement.
///
/// ```
/// use quarry::prelude::*;
/// quarry::table! { pub struct Users("users") { id: i64, name: String } }
/// let u = Users::new();
/// let q = insert(u).rows((1..=2).map(|i| (u.id.set(i), u.name.set(format!("user {i}"))))).returning(u.id);
/// let c = q.compile(&quarry::Postgres).unwrap();
/// assert_eq!(c.sql, "INSERT INTO users (id, name) VALUES ($1, $2), ($3, $4) RETURNING id");
/// assert_eq!(c.params.len(), 4);
/// ```
pub struct Insert<R = Row> {
    pub(crate) stmt: Box<InsertStmt>,
    _row: PhantomData<fn() -> R>,
}

/// Starts an INSERT into `table`.
///
/// ```
/// use quarry::prelude::*;
/// use quarry::{MySql, Postgres, Sqlite};
/// quarry::table! { pub struct Users("users") { id: i64, name: String } }
/// let u = Users::new();
/// let q = insert(u).values((u.id.set(1), u.name.set("Ann"))).returning(u.id);
/// assert_eq!(q.compile(&Postgres).unwrap().sql, "INSERT INTO users (id, name) VALUES ($1, $2) RETURNING id");
/// assert_eq!(q.compile(&Sqlite).unwrap().sql, "INSERT INTO users (id, name) VALUES (?, ?) RETURNING id");
/// assert!(q.compile(&MySql).is_err()); // MySQL 8 has no RETURNING
/// ```
pub fn insert(table: impl TableSource) -> Insert<Row> {
    // Built in its box, allocated first, so the statement is never copied (build + compile bench).
    let uninit = Box::new_uninit();
    let (table, error) = match target(table) {
        Ok(t) => (t, None),
        Err(e) => (TableRef::NONE, Some(e)),
    };
    let mut stmt = Box::write(uninit, InsertStmt::new(table));
    if let Some(e) = error {
        stmt.fail(e);
    }
    stmt.columns = Vec::with_capacity(8);
    stmt.plain = Vec::with_capacity(8);
    Insert {
        stmt,
        _row: PhantomData,
    }
}

impl<R> Clone for Insert<R> {
    fn clone(&self) -> Self {
        Insert {
            stmt: self.stmt.clone(),
            _row: PhantomData,
        }
    }
}

impl<R> fmt::Debug for Insert<R> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.stmt.fmt(f)
    }
}

impl<R> Insert<R> {
    /// The statement's data.
    ///
    /// ```
    /// assert_eq!(quarry::insert("t").stmt().table.name, "t");
    /// ```
    pub fn stmt(&self) -> &InsertStmt {
        &self.stmt
    }

    /// The statement's data, by value.
    ///
    /// ```
    /// assert_eq!(quarry::insert("t").into_stmt().rows, 0);
    /// ```
    pub fn into_stmt(self) -> InsertStmt {
        *self.stmt
    }

    /// Adds one row: `column.set(value)` items (a tuple, an array or a `Vec` of them).
    ///
    /// ```
    /// use quarry::prelude::*;
    /// quarry::table! { pub struct T("t") { a: i64, b: Option<String> } }
    /// let t = T::new();
    /// let q = insert(t).values((t.a.set(1), t.b.set("x"))).values(t.a.set(2));
    /// assert_eq!(q.compile(&quarry::Postgres).unwrap().sql, "INSERT INTO t (a, b) VALUES ($1, $2), ($3, DEFAULT)");
    /// ```
    #[inline]
    pub fn values(mut self, row: impl Assignments) -> Self {
        if self.stmt.select.is_some() {
            self.stmt
                .fail("an INSERT takes either VALUES rows or a SELECT, not both");
        }
        self.stmt.push_row(row);
        self
    }

    /// Adds many rows.
    ///
    /// ```
    /// use quarry::prelude::*;
    /// quarry::table! { pub struct T("t") { a: i64 } }
    /// let t = T::new();
    /// let q = insert(t).rows((0..3).map(|i| t.a.set(i)));
    /// assert_eq!(q.stmt().rows, 3);
    /// ```
    pub fn rows<A: Assignments>(mut self, rows: impl IntoIterator<Item = A>) -> Self {
        let mut rows = rows.into_iter();
        let (low, _) = rows.size_hint();
        if self.stmt.columns.is_empty() {
            // The first row tells the width: then make room for the rest at once.
            match rows.next() {
                Some(first) => self = self.values(first),
                None => return self,
            }
        }
        let more = low.saturating_sub(1) * self.stmt.columns.len();
        if self.stmt.is_plain() {
            self.stmt.plain.reserve(more);
        } else {
            self.stmt.values.reserve(more);
        }
        if self.stmt.select.is_some() {
            self.stmt
                .fail("an INSERT takes either VALUES rows or a SELECT, not both");
        }
        // (Internal iteration: the row is made and taken in one place, not handed back by
        // `next` through memory and copied.)
        let stmt = &mut *self.stmt;
        rows.for_each(|row| stmt.push_row(row));
        self
    }

    /// One row of defaults only (`DEFAULT VALUES`).
    ///
    /// ```
    /// let q = quarry::insert("t").default_values();
    /// assert_eq!(q.compile(&quarry::Postgres).unwrap().sql, "INSERT INTO t DEFAULT VALUES");
    /// assert_eq!(q.compile(&quarry::MySql).unwrap().sql, "INSERT INTO t () VALUES ()");
    /// ```
    pub fn default_values(self) -> Self {
        self.values(Vec::new())
    }

    /// The columns an `INSERT … SELECT` fills, in the select's order.
    ///
    /// ```
    /// use quarry::prelude::*;
    /// quarry::table! { pub struct T("t") { a: i64, b: String } }
    /// quarry::table! { pub struct S("s") { x: i64, y: String } }
    /// let (t, s) = (T::new(), S::new());
    /// let q = insert(t).columns((t.a, t.b)).from_select(select((s.x, s.y)).from(s));
    /// assert_eq!(q.compile(&quarry::Postgres).unwrap().sql, "INSERT INTO t (a, b) SELECT s.x, s.y FROM s");
    /// ```
    pub fn columns(mut self, columns: impl ColumnNames) -> Self {
        if self.stmt.rows > 0 {
            self.stmt
                .fail("`columns` names the columns of INSERT … SELECT; VALUES rows name their own");
        }
        columns.push_names(&mut self.stmt.columns);
        self
    }

    /// `INSERT … SELECT`: the rows come from a query.
    ///
    /// ```
    /// use quarry::prelude::*;
    /// let q = insert("archive").columns(["id"]).from_select(select(quarry::DynColumn::new("t", "id")).from("t"));
    /// assert_eq!(q.compile(&quarry::MySql).unwrap().sql, "INSERT INTO archive (id) SELECT t.id FROM t");
    /// ```
    pub fn from_select(mut self, query: impl Into<Query>) -> Self {
        if self.stmt.rows > 0 {
            self.stmt
                .fail("an INSERT takes either VALUES rows or a SELECT, not both");
        }
        self.stmt.select = Some(Box::new(query.into()));
        self
    }

    /// Starts an upsert on a conflict over `target` (the columns of a unique key; `()` for any
    /// key). Follow it with [`Insert::do_nothing`], [`Insert::do_update`] or
    /// [`Insert::do_update_set`]; alone it does nothing on conflict.
    ///
    /// ```
    /// use quarry::prelude::*;
    /// quarry::table! { pub struct T("t") { id: i64, n: i64 } }
    /// let t = T::new();
    /// let q = insert(t).values((t.id.set(1), t.n.set(2))).on_conflict(t.id).do_update([t.n]);
    /// assert_eq!(q.compile(&quarry::Sqlite).unwrap().sql,
    ///     "INSERT INTO t (id, n) VALUES (?, ?) ON CONFLICT (id) DO UPDATE SET n = excluded.n");
    /// ```
    pub fn on_conflict(mut self, target: impl ColumnNames) -> Self {
        let mut names = Vec::new();
        target.push_names(&mut names);
        self.stmt.on_conflict = Some(OnConflict {
            target: names,
            action: ConflictAction::Nothing,
            assume_only_key: false,
        });
        self
    }

    /// Insert or skip: `ON CONFLICT DO NOTHING` (`ON DUPLICATE KEY UPDATE c = c` on the
    /// MySQL family, which leaves the row unchanged). Rows affected: PostgreSQL and SQLite
    /// count a skipped row 0; the MySQL family counts it 1, as quarry's connections report
    /// rows matched (`CLIENT_FOUND_ROWS`, so that an UPDATE counts the rows it matched, as on
    /// PostgreSQL), and an updated row 2.
    ///
    /// ```
    /// let q = quarry::insert("t").values(quarry::Assign::new("id", 1_i64)).on_conflict_do_nothing();
    /// assert_eq!(q.compile(&quarry::Postgres).unwrap().sql, "INSERT INTO t (id) VALUES ($1) ON CONFLICT DO NOTHING");
    /// assert_eq!(q.compile(&quarry::MariaDb).unwrap().sql, "INSERT INTO t (id) VALUES (?) ON DUPLICATE KEY UPDATE id = id");
    /// ```
    pub fn on_conflict_do_nothing(self) -> Self {
        self.on_conflict(()).do_nothing()
    }

    /// States that the conflict target is the table's only unique key. The MySQL family's
    /// `ON DUPLICATE KEY UPDATE` fires on any unique key, so quarry writes a target there only
    /// when the table's metadata shows it is the one unique key; without metadata (a table
    /// by name, a dynamic insert), or when the metadata is not the whole story, say so here
    /// instead of writing different code per dialect. Other dialects are unaffected.
    ///
    /// ```
    /// let q = quarry::insert("accounts")
    ///     .values((quarry::Assign::new("email", "a@x.org"), quarry::Assign::new("n", 1_i64)))
    ///     .on_conflict("email")
    ///     .do_update(["n"]);
    /// let err = q.compile(&quarry::MariaDb).unwrap_err();
    /// assert!(err.to_string().contains("assume_only_key"), "{err}");
    /// let q = q.assume_only_key();
    /// assert_eq!(q.compile(&quarry::MariaDb).unwrap().sql,
    ///     "INSERT INTO accounts (email, n) VALUES (?, ?) ON DUPLICATE KEY UPDATE n = VALUE(n)");
    /// assert_eq!(q.compile(&quarry::Postgres).unwrap().sql,
    ///     "INSERT INTO accounts (email, n) VALUES ($1, $2) ON CONFLICT (email) DO UPDATE SET n = excluded.n");
    /// ```
    pub fn assume_only_key(mut self) -> Self {
        self.conflict().assume_only_key = true;
        self
    }

    fn conflict(&mut self) -> &mut OnConflict {
        self.stmt.on_conflict.get_or_insert_with(|| OnConflict {
            target: Vec::new(),
            action: ConflictAction::Nothing,
            assume_only_key: false,
        })
    }

    fn update_action(&mut self) -> (&mut Vec<Assign>, &mut Option<Expr>) {
        let c = self.conflict();
        if c.action == ConflictAction::Nothing {
            c.action = ConflictAction::Update {
                set: Vec::new(),
                filter: None,
            };
        }
        match &mut c.action {
            ConflictAction::Update { set, filter } => (set, filter),
            ConflictAction::Nothing => unreachable!("set just above"),
        }
    }

    /// On conflict, skip the row.
    ///
    /// ```
    /// let q = quarry::insert("t").values(quarry::Assign::new("id", 1_i64)).on_conflict(["id"]).do_nothing();
    /// assert_eq!(q.compile(&quarry::Sqlite).unwrap().sql, "INSERT INTO t (id) VALUES (?) ON CONFLICT (id) DO NOTHING");
    /// ```
    pub fn do_nothing(mut self) -> Self {
        self.conflict().action = ConflictAction::Nothing;
        self
    }

    /// On conflict, set these columns from the row proposed for insertion.
    ///
    /// ```
    /// let q = quarry::insert("t").values((quarry::Assign::new("id", 1_i64), quarry::Assign::new("n", 2_i64)))
    ///     .on_conflict(["id"]).do_update(["n"]);
    /// assert_eq!(q.compile(&quarry::MariaDb).unwrap_err().to_string().contains("conflict target"), true);
    /// ```
    pub fn do_update(mut self, columns: impl ColumnNames) -> Self {
        let mut names = Vec::new();
        columns.push_names(&mut names);
        let (set, _) = self.update_action();
        for n in names {
            set.push(Assign {
                value: Expr::Excluded(n.clone()),
                column: n,
            });
        }
        self
    }

    /// On conflict, set `column` to `value` (an expression over the existing row and
    /// [`crate::excluded`] values).
    ///
    /// ```
    /// use quarry::prelude::*;
    /// quarry::table! { pub struct T("t") { id: i64, n: i64 } }
    /// let t = T::new();
    /// let q = insert(t).values((t.id.set(1), t.n.set(1))).on_conflict(t.id).do_update_set(t.n, t.n + 1);
    /// assert_eq!(q.compile(&quarry::Postgres).unwrap().sql,
    ///     "INSERT INTO t (id, n) VALUES ($1, $2) ON CONFLICT (id) DO UPDATE SET n = t.n + $3");
    /// ```
    pub fn do_update_set<C: SetTarget<V>, V>(mut self, column: C, value: V) -> Self {
        let a = column.assign(value);
        self.update_action().0.push(a);
        self
    }

    /// On conflict, update only when `cond` holds for the existing row (PostgreSQL and SQLite;
    /// unsupported on the MySQL family).
    ///
    /// ```
    /// use quarry::prelude::*;
    /// quarry::table! { pub struct T("t") { id: i64, n: i64 } }
    /// let t = T::new();
    /// let q = insert(t).values((t.id.set(1), t.n.set(5))).on_conflict(t.id)
    ///     .do_update([t.n]).do_update_where(t.n.lt(excluded(t.n)));
    /// assert_eq!(q.compile(&quarry::Postgres).unwrap().sql,
    ///     "INSERT INTO t (id, n) VALUES ($1, $2) ON CONFLICT (id) DO UPDATE SET n = excluded.n WHERE t.n < excluded.n");
    /// ```
    pub fn do_update_where(mut self, cond: impl Operand<bool>) -> Self {
        let (_, filter) = self.update_action();
        super::clauses::and_into(filter, cond.into_operand());
        self
    }

    /// RETURNING these columns or expressions (PostgreSQL, SQLite, MariaDB); the rows decode
    /// into their Rust types.
    ///
    /// ```
    /// use quarry::prelude::*;
    /// quarry::table! { pub struct T("t") { id: i64 => primary_key().autoincrement(), n: i64 } }
    /// let t = T::new();
    /// let q: quarry::Insert<(i64, i64)> = insert(t).values(t.n.set(1)).returning((t.id, t.n));
    /// assert_eq!(q.compile(&quarry::MariaDb).unwrap().sql, "INSERT INTO t (n) VALUES (?) RETURNING id, n");
    /// ```
    pub fn returning<S: Selection>(self, items: S) -> Insert<S::Row> {
        let mut stmt = self.stmt;
        stmt.returning.clear();
        if stmt.returning.capacity() == 0 {
            stmt.returning = Vec::with_capacity(4);
        }
        items.push_items(&mut stmt.returning);
        Insert {
            stmt,
            _row: PhantomData,
        }
    }
}
