//! The plan and layout steps of an INSERT (see the pipeline in `insert.rs`): the columns
//! written (given, defaulted client-side, cast), where statements end, and plain rows'
//! placeholder texts.

use super::*;
use crate::compile::expr::{has_enum_column, write_enum_cast, Compiler};
use crate::compile::{Compiled, Dialect, Plan, SqlWriter, StatementKind, UpsertStyle};
use crate::error::{Error, Result};
use crate::expr::{Expr, Name};
use crate::schema::{ColumnDef, EnumType, SqlType, Table};
use crate::stmt::clauses::{same_name, Assign};
use crate::stmt::insert::{ConflictAction, InsertStmt};
use crate::value::Value;

/// The texts of an insert split into several statements.
pub(crate) struct ManyTexts {
    /// The distinct statement texts (one per number of rows).
    pub(crate) texts: Vec<String>,
    /// Each statement in order: its text (an index into `texts`) and where its parameters
    /// end (as in [`Chunked`]).
    pub(crate) parts: Vec<(usize, usize)>,
    pub(crate) head: String,
    pub(crate) tail: String,
}

impl ManyTexts {
    /// The statements, each with its share of `params`.
    pub(crate) fn compiled(self, params: Vec<Value>) -> Vec<Compiled> {
        let mut params = params.into_iter();
        let mut start = 0;
        self.parts
            .iter()
            .map(|&(t, end)| {
                let c = Compiled {
                    sql: self.texts[t].clone(),
                    params: params.by_ref().take(end - start).collect(),
                    kind: StatementKind::Insert,
                };
                start = end;
                c
            })
            .collect()
    }

    /// The statements as a [`Plan::Chunked`], over `params` of `width` values per row.
    pub(crate) fn into_plan(self, params: Vec<Value>, width: usize) -> Plan {
        Plan::Chunked(Box::new(Chunked {
            texts: self.texts,
            parts: self.parts,
            params,
            head: self.head,
            tail: self.tail,
            width,
        }))
    }
}

/// Step 1 for plain rows (`s.plain`): the columns written. `None` from [`plan_plain`] sends
/// the INSERT to the general compiler instead.
pub(crate) struct PlainPlan<'a> {
    /// The planned columns (the rows' cells in order, then client defaults) and the client
    /// defaults' values, bound after each row's; `None` when the statement's own columns are
    /// written as they are. (Boxed: the common plan is one word, handed back cheaply.)
    planned: Option<Box<(Vec<OutColumn<'a>>, Vec<Value>)>>,
}

impl<'a> PlainPlan<'a> {
    /// The names of the columns written.
    fn names(&self, s: &'a InsertStmt) -> impl Iterator<Item = ColName<'a>> + '_ {
        let given = if self.planned.is_none() {
            s.columns.len()
        } else {
            0
        };
        let planned = self.planned.as_deref().map_or(&[][..], |p| &p.0[..]);
        s.columns[..given]
            .iter()
            .map(ColName::Stmt)
            .chain(planned.iter().map(|c| c.name))
    }

    /// The client defaults bound after each row's values.
    pub(crate) fn consts(&self) -> &[Value] {
        self.planned.as_deref().map_or(&[], |p| &p.1[..])
    }

    /// The client defaults, taken (the plan no longer needs them).
    pub(crate) fn take_consts(self) -> Vec<Value> {
        self.planned.map_or_else(Vec::new, |p| p.1)
    }
}

/// Plans an INSERT of plain rows written as placeholder rows: `None` when it needs the
/// general compiler (SQL for logs, rows with expressions or `DEFAULT`, enum casts, columns
/// filled in another way, an upsert or RETURNING that binds values).
#[inline]
pub(crate) fn plan_plain<'a>(
    s: &'a InsertStmt,
    d: &dyn Dialect,
    inline: bool,
) -> Result<Option<PlainPlan<'a>>> {
    if inline || !s.is_plain() || insert_needs_casts(s, d) {
        return Ok(None);
    }
    if let Some(e) = &s.error {
        return Err(invalid(e.to_string()));
    }
    check_target(&s.table)?;
    if !plain_tail(s) {
        return Ok(None);
    }
    if direct_columns(s) {
        return Ok(Some(PlainPlan { planned: None }));
    }
    Ok(plain_columns(s, d)?.map(|planned| PlainPlan {
        planned: Some(Box::new(planned)),
    }))
}

/// The columns of rows of plain values: the rows' cells in order, then the client defaults
/// of the columns they leave out (their values returned); `None` when a column would be
/// filled in another way.
pub(crate) fn plain_columns<'a>(
    s: &'a InsertStmt,
    d: &dyn Dialect,
) -> Result<Option<(Vec<OutColumn<'a>>, Vec<Value>)>> {
    let width = s.columns.len();
    let planned = plan_columns(s, &[], d)?;
    let mut consts = Vec::new();
    for (i, col) in planned.iter().enumerate() {
        match col.source {
            Source::Cell(j, _) if j == i && i < width => {}
            Source::Const(v) if i >= width => consts.push(v.clone()),
            _ => return Ok(None),
        }
    }
    if planned.len() < width {
        return Ok(None);
    }
    Ok(Some((planned, consts)))
}

/// Steps 2 and 3 for plain rows: splits them under the dialect's limits and writes into
/// `c` the statement that holds them all (head, placeholder rows, tail), or, when they need
/// several, returns the texts of those (`c` then holds nothing of use).
#[inline]
pub(crate) fn write_plain<'a, 'd>(
    c: &mut Compiler<'d>,
    s: &'a InsertStmt,
    d: &'d dyn Dialect,
    plan: &PlainPlan<'a>,
) -> Result<Option<Box<ManyTexts>>> {
    let width = s.columns.len();
    let consts = plan.consts();
    let out_width = width + consts.len();
    if !(plan.planned.is_none() && cached_head(c, s, d)?) {
        insert_head(c, s, plan.names(s))?;
    }
    c.w.push(" VALUES ");
    let head_bytes = c.w.sql().len();
    let row_bytes = row_text_bytes(out_width, consts);
    let mut ends = Vec::new();
    split_rows(s, d, out_width, head_bytes, row_bytes, &mut ends)?;
    let first = plan.names(s).next();
    if ends.is_empty() {
        c.w.push_placeholder_rows(s.rows, out_width);
        insert_tail(c, s, first, true)?;
        return Ok(None);
    }
    ends.push(s.rows);
    // One text per distinct number of rows (placeholders restart in every statement).
    let head = std::mem::replace(&mut c.w, SqlWriter::new(d))
        .try_finish()?
        .sql;
    let mut texts: Vec<(usize, String)> = Vec::new();
    let mut parts = Vec::with_capacity(ends.len());
    let mut start = 0;
    for end in ends {
        let n = end - start;
        let t = match texts.iter().position(|(k, _)| *k == n) {
            Some(t) => t,
            None => {
                let mut c = Compiler::new(d, false);
                c.w.reserve(head_bytes + n * (row_bytes + 2) + 32);
                c.w.push(&head);
                c.w.push_placeholder_rows(n, out_width);
                insert_tail(&mut c, s, first, true)?;
                texts.push((n, c.w.try_finish()?.sql));
                texts.len() - 1
            }
        };
        parts.push((t, end * out_width));
        start = end;
    }
    let mut c = Compiler::new(d, false);
    insert_tail(&mut c, s, first, true)?;
    let tail = c.w.try_finish()?.sql;
    Ok(Some(Box::new(ManyTexts {
        texts: texts.into_iter().map(|(_, t)| t).collect(),
        parts,
        head,
        tail,
    })))
}

/// Each row's `width` values followed by the client defaults `consts` (the values as they
/// are when there are none).
#[inline]
pub(crate) fn with_consts(values: Vec<Value>, width: usize, consts: &[Value]) -> Vec<Value> {
    if consts.is_empty() {
        return values;
    }
    let rows = values.len() / width.max(1);
    let mut out = Vec::with_capacity(rows * (width + consts.len()));
    let mut values = values.into_iter();
    for _ in 0..rows {
        out.extend(values.by_ref().take(width));
        out.extend(consts.iter().cloned());
    }
    out
}

/// What each plain row adds to the statement's text besides its values (`"($1, $2), "`),
/// measured as [`measure_row`] measures a row of the general compiler, so that both split
/// at the same rows.
#[inline]
pub(crate) fn row_text_bytes(out_width: usize, consts: &[Value]) -> usize {
    4 + out_width * 6 + consts.iter().map(value_bytes).sum::<usize>()
}

/// The error of an INSERT row with more values than one statement may bind.
pub(crate) fn too_many_values(limit: usize, d: &dyn Dialect) -> Error {
    invalid(format!(
        "one row of the INSERT needs more than {limit} bound values on {}",
        d.name()
    ))
}

/// Step 2 of every INSERT: where its statements end. Rows are offered one by one with the
/// values they bind and the bytes they add; a row goes in the statement being written while
/// the dialect's limits hold (bound values, statement bytes, rows per statement), else it
/// starts the next one. A row alone over the statement bytes still gets a statement (the
/// server judges it); one with more values than a statement may bind is an error.
pub(crate) struct Split {
    /// Bound values a statement may take (the tail's set aside).
    limit: usize,
    max_bytes: usize,
    max_rows: usize,
    /// The statement being written: its rows, values and bytes so far.
    rows: usize,
    params: usize,
    bytes: usize,
}

impl Split {
    /// The limits of `d`, less `tail_params` values bound after the rows.
    #[inline]
    pub(crate) fn new(d: &dyn Dialect, tail_params: usize) -> Split {
        let f = d.features();
        Split {
            limit: f.max_bind_params.saturating_sub(tail_params),
            max_bytes: f.max_statement_bytes,
            max_rows: f.max_insert_rows.unwrap_or(usize::MAX).max(1),
            rows: 0,
            params: 0,
            bytes: 0,
        }
    }

    /// Starts a statement whose text before its rows is `head_bytes` long.
    #[inline]
    pub(crate) fn start(&mut self, head_bytes: usize) {
        (self.rows, self.params, self.bytes) = (0, 0, head_bytes);
    }

    /// Rows in the statement being written.
    #[inline]
    pub(crate) fn rows(&self) -> usize {
        self.rows
    }

    /// Whether a row of `params` values and `bytes` bytes goes in the statement being
    /// written (false: it starts the next one); an error when no statement can take it.
    #[inline]
    pub(crate) fn fits(&self, params: usize, bytes: usize, d: &dyn Dialect) -> Result<bool> {
        if self.rows == 0 {
            if params > self.limit {
                return Err(too_many_values(self.limit, d));
            }
            return Ok(true);
        }
        Ok(self.params + params <= self.limit
            && self.bytes + bytes <= self.max_bytes
            && self.rows < self.max_rows)
    }

    /// Counts a row into the statement being written.
    #[inline]
    pub(crate) fn add(&mut self, params: usize, bytes: usize) {
        self.rows += 1;
        self.params += params;
        self.bytes += bytes;
    }
}

/// Appends to `ends` where each statement of an INSERT of plain rows ends (in rows), but
/// the last: nothing when the rows fit one statement (see [`Split`]).
///
/// (`ends` is the caller's rather than returned: measured faster in the build + compile bench.)
pub(crate) fn split_rows(
    s: &InsertStmt,
    d: &dyn Dialect,
    out_width: usize,
    head_bytes: usize,
    row_bytes: usize,
    ends: &mut Vec<usize>,
) -> Result<()> {
    let mut split = Split::new(d, 0);
    split.start(head_bytes);
    for (r, row) in s.plain.chunks_exact(s.columns.len().max(1)).enumerate() {
        let b = row_bytes + row.iter().map(value_bytes).sum::<usize>();
        if !split.fits(out_width, b, d)? {
            ends.push(r);
            split.start(head_bytes);
        }
        split.add(out_width, b);
    }
    Ok(())
}

/// Whether plain rows' columns need no planning: the metadata's first columns in its order
/// with nothing to fill in for the others (no client default, none required), or, without
/// metadata, a few distinct names. [`plan_columns`] decides every other case.
pub(crate) fn direct_columns(s: &InsertStmt) -> bool {
    let cols = &s.columns;
    if s.select.is_some() || s.any_default {
        return false;
    }
    match s.table.meta.as_ref().map(|m| m.table()) {
        Some(t) => {
            cols.len() <= t.columns.len()
                && cols.iter().zip(&t.columns).all(|(n, c)| **n == *c.name)
                && t.columns[cols.len()..]
                    .iter()
                    .all(|c| c.default.is_none() && !required(c))
        }
        None => {
            cols.len() <= 16
                && cols
                    .iter()
                    .enumerate()
                    .all(|(i, n)| !cols[..i].iter().any(|p| same_name(p, n)))
        }
    }
}

/// Whether the upsert clause and RETURNING bind no values (so every statement of a split
/// insert ends the same).
pub(crate) fn plain_tail(s: &InsertStmt) -> bool {
    let set_plain = |set: &[Assign]| {
        set.iter()
            .all(|a| matches!(a.value, Expr::Excluded(_) | Expr::Column(_)))
    };
    let upsert = match &s.on_conflict {
        None => true,
        Some(oc) => match &oc.action {
            ConflictAction::Nothing => true,
            ConflictAction::Update { set, filter } => filter.is_none() && set_plain(set),
        },
    };
    upsert
        && s.returning
            .iter()
            .all(|i| matches!(i.expr, Expr::Column(_)))
}

pub(crate) fn invalid(msg: impl Into<String>) -> Error {
    Error::InvalidStatement(msg.into())
}

/// Whether values written into `t`'s enum columns need a cast on `d`: PostgreSQL binds text as
/// `text`, which it neither assigns to nor compares with an enum type (42804, 42883), so a
/// bound value for an enum column is written `$n::type`, which works alike in VALUES, SET,
/// an upsert's SET and comparisons. (Binding it untyped instead would let the server infer
/// the type, but would change how every other text parameter resolves.)
pub(crate) fn enum_casts(d: &dyn Dialect, t: &Table) -> bool {
    d.features().enum_style == crate::compile::EnumStyle::NamedType && has_enum_column(t)
}

/// Whether an INSERT's rows need enum casts (see [`enum_casts`]): they then take the general
/// compiler, which writes them.
pub(crate) fn insert_needs_casts(s: &InsertStmt, d: &dyn Dialect) -> bool {
    s.table
        .meta
        .as_ref()
        .is_some_and(|m| enum_casts(d, m.table()))
}

/// The enum type of column `c`, if it has one.
pub(crate) fn enum_type(c: &ColumnDef) -> Option<&EnumType> {
    match &c.sql_type {
        SqlType::Enum(e) => Some(e),
        _ => None,
    }
}

/// Writes `cast` (after a bound value), if any.
pub(crate) fn cast_value(c: &mut Compiler<'_>, cast: Option<&EnumType>) {
    if let Some(e) = cast {
        write_enum_cast(&mut c.w, e);
    }
}

/// A column of the table is required in an INSERT: NOT NULL with no default of any kind.
pub(crate) fn required(c: &ColumnDef) -> bool {
    !c.nullable && c.default.is_none() && c.server_default.is_none() && !c.autoincrement
}

/// What fills a cell left to `DEFAULT`.
#[derive(Clone, Copy)]
pub(crate) enum Fill<'a> {
    /// The `DEFAULT` keyword.
    Keyword,
    /// A client-side default value.
    Value(&'a Value),
    /// The column's declared default written out (SQLite, which has no `DEFAULT` in VALUES).
    Declared(&'a ColumnDef),
}

/// Where an output column's cells come from.
#[derive(Clone, Copy)]
pub(crate) enum Source<'a> {
    /// Cell `index` of each row, `fill` for `DEFAULT` cells.
    Cell(usize, Fill<'a>),
    /// The same value in every row (a client default of a column the insert leaves out).
    Const(&'a Value),
    /// `fill` in every row (a multi-row insert that gives no column).
    Filled(Fill<'a>),
}

/// A column name from the statement (a [`Name`], often `'static`) or from the metadata.
#[derive(Clone, Copy)]
pub(crate) enum ColName<'a> {
    Stmt(&'a Name),
    Meta(&'a str),
}

impl<'a> ColName<'a> {
    pub(crate) fn as_str(self) -> &'a str {
        match self {
            ColName::Stmt(n) => n,
            ColName::Meta(s) => s,
        }
    }

    pub(crate) fn write(self, w: &mut SqlWriter<'_>) {
        match self {
            ColName::Stmt(n) => w.push_name(n),
            ColName::Meta(s) => w.push_ident(s),
        }
    }
}

pub(crate) struct OutColumn<'a> {
    pub(crate) name: ColName<'a>,
    pub(crate) source: Source<'a>,
    /// The enum type its bound values are cast to (see [`enum_casts`]).
    pub(crate) cast: Option<&'a EnumType>,
}

/// Decides the columns written, applying client defaults, checking required columns against
/// the metadata, and handling `DEFAULT` where the dialect has none in VALUES.
pub(crate) fn plan_columns<'a>(
    s: &'a InsertStmt,
    cells: &[Expr],
    d: &dyn Dialect,
) -> Result<Vec<OutColumn<'a>>> {
    let f = d.features();
    let meta: Option<&'a Table> = s.table.meta.as_ref().map(|m| m.table());
    let casts = meta.is_some_and(|t| enum_casts(d, t));
    let cast_of = |c: Option<&'a ColumnDef>| if casts { c.and_then(enum_type) } else { None };
    let width = s.columns.len();
    // Which metadata columns the insert gives: a bit set, a vector only past 128 columns.
    let n_meta = meta.map_or(0, |t| t.columns.len());
    let mut given_small: u128 = 0;
    let mut given_big = if n_meta > 128 {
        vec![false; n_meta]
    } else {
        Vec::new()
    };
    let mut out = Vec::with_capacity(width + 2);
    for (i, name) in s.columns.iter().enumerate() {
        // The column's metadata (columns usually come in the table's order: look there first).
        let def = match meta {
            None => {
                if s.columns[..i].iter().any(|p| p == name) {
                    return Err(invalid(format!("the INSERT names column {name} twice")));
                }
                None
            }
            Some(t) => {
                let found = match t.columns.get(i) {
                    Some(def) if def.name == **name => Some(i),
                    _ => t.columns.iter().position(|def| def.name == **name),
                };
                let Some(k) = found else {
                    return Err(invalid(format!("table {} has no column {name}", t.name)));
                };
                let seen = if n_meta > 128 {
                    std::mem::replace(&mut given_big[k], true)
                } else {
                    let bit = 1u128 << k;
                    let seen = given_small & bit != 0;
                    given_small |= bit;
                    seen
                };
                if seen {
                    return Err(invalid(format!("the INSERT names column {name} twice")));
                }
                Some(&t.columns[k])
            }
        };
        if s.select.is_some() {
            out.push(OutColumn {
                name: ColName::Stmt(name),
                source: Source::Cell(i, Fill::Keyword),
                cast: cast_of(def),
            });
            continue;
        }
        let mut any = false;
        let mut all = s.rows > 0;
        // (Plain rows hold no `DEFAULT`: `cells` is empty for them.)
        if s.any_default && !cells.is_empty() {
            for r in 0..s.rows {
                if matches!(cells[r * width + i], Expr::Default) {
                    any = true;
                } else {
                    all = false;
                }
            }
        } else {
            all = false;
        }
        let fill = if !any {
            Fill::Keyword
        } else if let Some(v) = def.and_then(|c| c.default.as_ref()) {
            Fill::Value(v)
        } else if def.is_some_and(required) {
            return Err(invalid(format!(
                "the INSERT leaves NOT NULL column {name} of {} to its default, and it has none",
                s.table.name
            )));
        } else if f.values_default {
            Fill::Keyword
        } else if all {
            continue; // left out: the database applies its default
        } else if let Some(c) = def {
            Fill::Declared(c)
        } else {
            return Err(Error::unsupported(
                d.name(),
                format!(
                    "DEFAULT for column {name} in some rows only, without the table's metadata (there is no DEFAULT in VALUES; declare the table to let quarry write its default)"
                ),
            ));
        };
        out.push(OutColumn {
            name: ColName::Stmt(name),
            source: Source::Cell(i, fill),
            cast: cast_of(def),
        });
    }
    if let Some(t) = meta {
        for (k, c) in t.columns.iter().enumerate() {
            let given = if n_meta > 128 {
                given_big[k]
            } else {
                given_small & (1u128 << k) != 0
            };
            if given {
                continue;
            }
            match (&c.default, s.select.is_some()) {
                (Some(v), false) => out.push(OutColumn {
                    name: ColName::Meta(&c.name),
                    source: Source::Const(v),
                    cast: cast_of(Some(c)),
                }),
                _ if required(c) => {
                    return Err(invalid(format!(
                        "the INSERT into {} leaves out NOT NULL column {}, which has no default",
                        t.name, c.name
                    )))
                }
                _ => {}
            }
        }
    }
    if out.is_empty() && s.rows > 1 && f.upsert == UpsertStyle::OnConflict {
        // Several rows of defaults only: name one column and let it take its default.
        let Some(c) = meta.and_then(|t| t.columns.first()) else {
            return Err(Error::unsupported(
                d.name(),
                "several rows of defaults only, without the table's metadata",
            ));
        };
        let fill = if f.values_default {
            Fill::Keyword
        } else {
            Fill::Declared(c)
        };
        out.push(OutColumn {
            name: ColName::Meta(&c.name),
            source: Source::Filled(fill),
            cast: None,
        });
    }
    Ok(out)
}
