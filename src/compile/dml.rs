//! The INSERT, UPDATE and DELETE compiler, on top of the expression compiler.
//!
//! An INSERT's rows are written until the next one would pass the dialect's bound-parameter
//! limit (or its statement-size limit); the statement then ends and another begins, so a
//! large insert compiles to several statements the executor runs in one transaction.

use super::select::{has_enum_column, write_enum_cast, Compiler};
use super::{Compiled, Dialect, Plan, Returning, SqlWriter, UpsertStyle};
use crate::error::{Error, Result};
use crate::expr::{Expr, Name};
use crate::schema::{ColumnDef, EnumType, ServerDefault, SqlType, Table};
use crate::stmt::clauses::{same_name, Assign};
use crate::stmt::delete::DeleteStmt;
use crate::stmt::insert::{ConflictAction, InsertStmt};
use crate::stmt::select::{SelectItem, TableMeta, TableRef};
use crate::stmt::update::UpdateStmt;
use crate::value::Value;

/// An insert at least this large goes through the bulk copy path where the backend has one.
pub const COPY_MIN_ROWS: usize = 1000;

/// A bulk load (see [`Plan::Copy`]): the COPY statement, the probe that gives the columns'
/// types, and the values; `fallback` compiles the same rows as INSERTs.
#[doc(hidden)]
#[derive(Debug)]
pub struct CopyPlan {
    /// `COPY t (a, b) FROM STDIN (FORMAT binary)`.
    pub copy_sql: String,
    /// `SELECT a, b FROM t`.
    pub probe_sql: String,
    /// Values per row.
    pub columns: usize,
    /// The values, row after row.
    pub values: Vec<Value>,
    /// The statement without its values, to compile INSERTs from if the backend cannot copy.
    stmt: InsertStmt,
}

impl CopyPlan {
    /// The same rows as multi-row INSERTs.
    pub fn fallback(self, dialect: &dyn Dialect) -> Result<Plan> {
        let mut stmt = self.stmt;
        stmt.columns.truncate(self.columns);
        stmt.values = Vec::new();
        stmt.plain = self.values;
        plan_statements(&mut stmt, dialect)
    }
}

/// A large INSERT of plain rows split in statements (see [`Plan::Chunked`]): the statements'
/// texts (every full statement reads the same) and one vector of all their parameters.
#[doc(hidden)]
#[derive(Debug, PartialEq)]
pub struct Chunked {
    /// The distinct statement texts.
    pub texts: Vec<String>,
    /// Each statement in order: its text (an index into `texts`) and where its parameters
    /// end in `params` (they start where the previous statement's end).
    pub parts: Vec<(usize, usize)>,
    /// Every statement's parameters, one after the other.
    pub params: Vec<Value>,
    /// Every statement's text before its rows (`INSERT INTO t (a, b) VALUES `).
    pub head: String,
    /// Every statement's text after its rows (an upsert clause, RETURNING; no parameters).
    pub tail: String,
    /// Parameters per row.
    pub width: usize,
}

impl Chunked {
    /// The statements in order, as SQL text and parameters.
    pub fn statements(&self) -> impl Iterator<Item = (&str, &[Value])> + '_ {
        let mut start = 0;
        self.parts.iter().map(move |&(t, end)| {
            let p = &self.params[start..end];
            start = end;
            (self.texts[t].as_str(), p)
        })
    }

    /// The statements as [`Compiled`] (copies of the texts and values).
    pub fn to_compiled(&self) -> Vec<Compiled> {
        self.statements()
            .map(|(sql, params)| Compiled {
                sql: sql.to_owned(),
                params: params.to_vec(),
            })
            .collect()
    }
}

/// How plain rows split in statements (one, or several: the texts and, per statement, its
/// text and the end of its parameters, as in [`Chunked`]), and the client defaults each row's
/// parameters end with.
struct PlainLayout {
    texts: PlainTexts,
    /// Values per row in the statement (`plain`'s width).
    width: usize,
    /// Client defaults of columns the rows leave out, bound after each row's values.
    consts: Vec<Value>,
}

enum PlainTexts {
    One(String),
    /// (Boxed: the layout of the common one-statement insert is handed back through a few
    /// calls, and stays small.)
    Many(Box<ManyTexts>),
}

/// The texts of an insert split into several statements.
struct ManyTexts {
    texts: Vec<String>,
    parts: Vec<(usize, usize)>,
    head: String,
    tail: String,
}

impl PlainLayout {
    /// The parameters: `cells` as they are, or each row followed by the client defaults.
    fn params(&self, cells: impl ExactSizeIterator<Item = Value>) -> Vec<Value> {
        let rows = cells.len() / self.width.max(1);
        let mut out = Vec::with_capacity(rows * (self.width + self.consts.len()));
        let mut cells = cells;
        for _ in 0..rows {
            out.extend(cells.by_ref().take(self.width));
            out.extend(self.consts.iter().cloned());
        }
        out
    }

    /// The statements, their parameters copied from `plain`.
    fn cloned(self, plain: &[Value]) -> Vec<Compiled> {
        let params = if self.consts.is_empty() {
            plain.to_vec()
        } else {
            self.params(plain.iter().cloned())
        };
        match self.texts {
            PlainTexts::One(sql) => vec![Compiled { sql, params }],
            PlainTexts::Many(many) => {
                let ManyTexts { texts, parts, .. } = *many;
                let mut params = params.into_iter();
                let mut start = 0;
                parts
                    .iter()
                    .map(|&(t, end)| {
                        let c = Compiled {
                            sql: texts[t].clone(),
                            params: params.by_ref().take(end - start).collect(),
                        };
                        start = end;
                        c
                    })
                    .collect()
            }
        }
    }

    /// The one statement, `plain` moved into its parameters (an error when the rows need
    /// several statements).
    fn into_one(self, plain: Vec<Value>, d: &dyn Dialect) -> Result<Compiled> {
        let params = if self.consts.is_empty() {
            plain
        } else {
            self.params(plain.into_iter())
        };
        match self.texts {
            PlainTexts::One(sql) => Ok(Compiled { sql, params }),
            PlainTexts::Many(many) => Err(needs_statements(many.parts.len(), d)),
        }
    }

    /// The statements, `plain` moved into the parameters (as they are, for one statement
    /// without client defaults).
    fn into_plan(self, plain: Vec<Value>) -> Plan {
        let params = if self.consts.is_empty() {
            plain
        } else {
            self.params(plain.into_iter())
        };
        match self.texts {
            PlainTexts::One(sql) => Plan::One(Compiled { sql, params }),
            PlainTexts::Many(many) => {
                let ManyTexts {
                    texts,
                    parts,
                    head,
                    tail,
                } = *many;
                Plan::Chunked(Box::new(Chunked {
                    texts,
                    parts,
                    params,
                    head,
                    tail,
                    width: self.width + self.consts.len(),
                }))
            }
        }
    }
}

/// Lays out an INSERT of plain rows (`s.plain`) written from one template, each row followed
/// by the client defaults of columns it leaves out: `None` when it needs the general compiler
/// (SQL for logs, columns filled in another way, an upsert or RETURNING with bound values).
fn plain_layout(s: &InsertStmt, d: &dyn Dialect, inline: bool) -> Result<Option<PlainLayout>> {
    if inline || !s.is_plain() || insert_needs_casts(s, d) {
        return Ok(None);
    }
    if let Some(e) = &s.error {
        return Err(invalid(e.to_string()));
    }
    check_target(&s.table)?;
    let width = s.columns.len();
    // The columns: the statement's own when they need no planning (`direct`), else planned,
    // the rows' cells first in order, then client defaults only.
    let direct = direct_columns(s);
    let planned = if direct {
        Vec::new()
    } else {
        plan_columns(s, &[], d)?
    };
    let mut consts = Vec::new();
    for (i, col) in planned.iter().enumerate() {
        match col.source {
            Source::Cell(j, _) if j == i && i < width => {}
            Source::Const(v) if i >= width => consts.push(v.clone()),
            _ => return Ok(None),
        }
    }
    if (!direct && planned.len() < width) || !plain_tail(s) {
        return Ok(None);
    }
    let names = || {
        s.columns[..if direct { width } else { 0 }]
            .iter()
            .map(ColName::Stmt)
            .chain(planned.iter().map(|c| c.name))
    };
    let first = names().next();
    let out_width = width + consts.len();
    // The statement's text before its rows.
    let mut c = Compiler::new(d, false);
    if !(direct && cached_head(&mut c, s, d)?) {
        insert_head(&mut c, s, names())?;
    }
    c.w.push(" VALUES ");
    let head_bytes = c.w.sql().len();
    let row_bytes = row_text_bytes(&c, width, out_width, &consts);
    let mut ends = Vec::new();
    split_rows(s, d, out_width, head_bytes, row_bytes, &mut ends)?;
    if ends.is_empty() {
        c.w.push_placeholder_rows(s.rows, out_width);
        insert_tail(&mut c, s, first, true)?;
        return Ok(Some(PlainLayout {
            texts: PlainTexts::One(c.w.try_finish()?.sql),
            width,
            consts,
        }));
    }
    ends.push(s.rows);
    // One text per distinct number of rows (placeholders restart in every statement).
    let head = c.w.try_finish()?.sql;
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
    Ok(Some(PlainLayout {
        texts: PlainTexts::Many(Box::new(ManyTexts {
            texts: texts.into_iter().map(|(_, t)| t).collect(),
            parts,
            head,
            tail,
        })),
        width,
        consts,
    }))
}

/// What each plain row adds to the statement's text besides its values (`"(?, ?), "`):
/// as the general compiler measures rows, so both split at the same rows (from one
/// template for `?` rows without client defaults, else by value).
fn row_text_bytes(c: &Compiler<'_>, width: usize, out_width: usize, consts: &[Value]) -> usize {
    if c.w.placeholder() == super::Placeholder::Dollar || !consts.is_empty() {
        4 + out_width * 6 + consts.iter().map(value_bytes).sum::<usize>()
    } else {
        2 + width * 3
    }
}

/// The error of an INSERT row with more values than one statement may bind.
fn too_many_values(limit: usize, d: &dyn Dialect) -> Error {
    invalid(format!(
        "one row of the INSERT needs more than {limit} bound values on {}",
        d.name()
    ))
}

/// Appends to `ends` where each statement of an INSERT of plain rows ends (in rows), but
/// the last: nothing when the rows fit one statement (the dialect's limits on bound values,
/// statement bytes and rows per statement). A row larger than the statement bytes goes in a
/// statement of its own (the server judges it); one with more values than a statement may
/// bind is an error.
///
/// (`ends` is the caller's: a vector handed back in the result was copied out of it with
/// wider loads than its stores, which stalled.)
fn split_rows(
    s: &InsertStmt,
    d: &dyn Dialect,
    out_width: usize,
    head_bytes: usize,
    row_bytes: usize,
    ends: &mut Vec<usize>,
) -> Result<()> {
    let f = d.features();
    let limit = f.max_bind_params;
    let max_bytes = f.max_statement_bytes;
    let max_rows = f.max_insert_rows.unwrap_or(usize::MAX).max(1);
    let (mut in_stmt, mut bytes) = (0usize, head_bytes);
    for (r, row) in s.plain.chunks_exact(s.columns.len().max(1)).enumerate() {
        let b = row_bytes + row.iter().map(value_bytes).sum::<usize>();
        if in_stmt == 0 {
            if out_width > limit {
                return Err(too_many_values(limit, d));
            }
        } else if (in_stmt + 1) * out_width > limit || bytes + b > max_bytes || in_stmt >= max_rows
        {
            ends.push(r);
            in_stmt = 0;
            bytes = head_bytes;
        }
        in_stmt += 1;
        bytes += b;
    }
    Ok(())
}

/// Whether plain rows' columns need no planning: the metadata's first columns in its order
/// with nothing to fill in for the others (no client default, none required), or, without
/// metadata, a few distinct names. [`plan_columns`] decides every other case.
fn direct_columns(s: &InsertStmt) -> bool {
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
fn plain_tail(s: &InsertStmt) -> bool {
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

fn invalid(msg: impl Into<String>) -> Error {
    Error::InvalidStatement(msg.into())
}

/// Whether values written into `t`'s enum columns need a cast on `d`: PostgreSQL binds text as
/// `text`, which it neither assigns to nor compares with an enum type (42804, 42883), so a
/// bound value for an enum column is written `$n::type`, which works alike in VALUES, SET,
/// an upsert's SET and comparisons. (Binding it untyped instead would let the server infer
/// the type, but would change how every other text parameter resolves.)
fn enum_casts(d: &dyn Dialect, t: &Table) -> bool {
    d.features().enum_style == super::EnumStyle::NamedType && has_enum_column(t)
}

/// Whether an INSERT's rows need enum casts (see [`enum_casts`]): they then take the general
/// compiler, which writes them.
fn insert_needs_casts(s: &InsertStmt, d: &dyn Dialect) -> bool {
    s.table
        .meta
        .as_ref()
        .is_some_and(|m| enum_casts(d, m.table()))
}

/// The enum type of column `c`, if it has one.
fn enum_type(c: &ColumnDef) -> Option<&EnumType> {
    match &c.sql_type {
        SqlType::Enum(e) => Some(e),
        _ => None,
    }
}

/// Writes `cast` (after a bound value), if any.
fn cast_value(c: &mut Compiler<'_>, cast: Option<&EnumType>) {
    if let Some(e) = cast {
        write_enum_cast(&mut c.w, e);
    }
}

/// A column of the table is required in an INSERT: NOT NULL with no default of any kind.
fn required(c: &ColumnDef) -> bool {
    !c.nullable && c.default.is_none() && c.server_default.is_none() && !c.autoincrement
}

/// What fills a cell left to `DEFAULT`.
#[derive(Clone, Copy)]
enum Fill<'a> {
    /// The `DEFAULT` keyword.
    Keyword,
    /// A client-side default value.
    Value(&'a Value),
    /// The column's declared default written out (SQLite, which has no `DEFAULT` in VALUES).
    Declared(&'a ColumnDef),
}

/// Where an output column's cells come from.
#[derive(Clone, Copy)]
enum Source<'a> {
    /// Cell `index` of each row, `fill` for `DEFAULT` cells.
    Cell(usize, Fill<'a>),
    /// The same value in every row (a client default of a column the insert leaves out).
    Const(&'a Value),
    /// `fill` in every row (a multi-row insert that gives no column).
    Filled(Fill<'a>),
}

/// A column name from the statement (a [`Name`], often `'static`) or from the metadata.
#[derive(Clone, Copy)]
enum ColName<'a> {
    Stmt(&'a Name),
    Meta(&'a str),
}

impl<'a> ColName<'a> {
    fn as_str(self) -> &'a str {
        match self {
            ColName::Stmt(n) => n,
            ColName::Meta(s) => s,
        }
    }

    fn write(self, w: &mut SqlWriter<'_>) {
        match self {
            ColName::Stmt(n) => w.push_name(n),
            ColName::Meta(s) => w.push_ident(s),
        }
    }
}

struct OutColumn<'a> {
    name: ColName<'a>,
    source: Source<'a>,
    /// The enum type its bound values are cast to (see [`enum_casts`]).
    cast: Option<&'a EnumType>,
}

/// Decides the columns written, applying client defaults, checking required columns against
/// the metadata, and handling `DEFAULT` where the dialect has none in VALUES.
fn plan_columns<'a>(
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
        if s.any_default {
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

/// The target table's name and alias for INSERT, where the MySQL family takes no alias.
fn insert_target(c: &mut Compiler<'_>, t: &TableRef) -> Result<()> {
    if t.alias.is_some() && c.f.upsert != UpsertStyle::OnConflict {
        return Err(c.unsupported("an alias on the INSERT's table"));
    }
    c.table_ref(t);
    Ok(())
}

fn check_target(t: &TableRef) -> Result<()> {
    if t.name.is_empty() {
        return Err(invalid("the statement has no table"));
    }
    Ok(())
}

/// An INSERT's cells: borrowed (values are cloned into the parameters) or owned (moved).
enum Cells<'a> {
    Shared(&'a [Expr]),
    Owned(&'a mut [Expr]),
}

impl Cells<'_> {
    fn all(&self) -> &[Expr] {
        match self {
            Cells::Shared(v) => v,
            Cells::Owned(v) => v,
        }
    }

    /// The value of cell `i` for a parameter: moved out when owned.
    fn value(&mut self, i: usize) -> Option<Value> {
        match self {
            Cells::Shared(v) => match &v[i] {
                Expr::Value(x) => Some(x.clone()),
                _ => None,
            },
            Cells::Owned(v) => match std::mem::replace(&mut v[i], Expr::Default) {
                Expr::Value(x) => Some(x),
                other => {
                    v[i] = other;
                    None
                }
            },
        }
    }
}

/// Compiles an INSERT to one or more statements.
pub(crate) fn compile_insert(
    s: &InsertStmt,
    d: &dyn Dialect,
    inline: bool,
) -> Result<Vec<Compiled>> {
    if s.is_plain() {
        if let Some(layout) = plain_layout(s, d, inline)? {
            return Ok(layout.cloned(&s.plain));
        }
        let mut cells: Vec<Expr> = s.plain.iter().cloned().map(Expr::Value).collect();
        return compile_insert_cells(s, Cells::Owned(&mut cells), d, inline);
    }
    compile_insert_cells(s, Cells::Shared(&s.values), d, inline)
}

/// Plans an INSERT it owns as statements (no bulk copy): its values move into the
/// parameters.
///
/// The statement is borrowed mutably where it is (its values are taken), not moved: a copy
/// of a freshly built statement costs more than its size suggests.
pub(crate) fn plan_statements(s: &mut InsertStmt, d: &dyn Dialect) -> Result<Plan> {
    if s.is_plain() {
        if let Some(layout) = plain_layout(s, d, false)? {
            return Ok(layout.into_plan(std::mem::take(&mut s.plain)));
        }
        let mut cells: Vec<Expr> = std::mem::take(&mut s.plain)
            .into_iter()
            .map(Expr::Value)
            .collect();
        return statements_plan(compile_insert_cells(s, Cells::Owned(&mut cells), d, false)?);
    }
    let mut values = std::mem::take(&mut s.values);
    statements_plan(compile_insert_cells(
        s,
        Cells::Owned(&mut values),
        d,
        false,
    )?)
}

/// Compiles an INSERT it owns to its one statement, its values moved into the parameters;
/// an INSERT that needs several statements is an error naming how many.
///
/// The one statement of plain rows is written straight into the result: handed back
/// through a [`Plan`], it was copied on the way with wider loads than the stores that had
/// just written it, which stalls on store forwarding.
pub(crate) fn insert_into_compiled(s: &mut InsertStmt, d: &dyn Dialect) -> Result<Compiled> {
    // The common case, written here in one piece (nothing handed back through a layout):
    // plain rows in the table's own columns. Other rows go through `plain_layout` or the
    // general compiler.
    if s.is_plain()
        && s.error.is_none()
        && direct_columns(s)
        && plain_tail(s)
        && !insert_needs_casts(s, d)
    {
        check_target(&s.table)?;
        let width = s.columns.len();
        let mut c = Compiler::new(d, false);
        if !cached_head(&mut c, s, d)? {
            insert_head(&mut c, s, s.columns.iter().map(ColName::Stmt))?;
        }
        c.w.push(" VALUES ");
        let row_bytes = row_text_bytes(&c, width, width, &[]);
        let mut ends = Vec::new();
        split_rows(s, d, width, c.w.sql().len(), row_bytes, &mut ends)?;
        if !ends.is_empty() {
            // (As `plain_layout` would split them: one statement per end, and the last.)
            return Err(needs_statements(ends.len() + 1, d));
        }
        c.w.push_placeholder_rows(s.rows, width);
        insert_tail(&mut c, s, s.columns.first().map(ColName::Stmt), true)?;
        return Ok(Compiled {
            sql: c.w.try_finish()?.sql,
            params: std::mem::take(&mut s.plain),
        });
    }
    insert_into_compiled_layout(s, d)
}

/// [`insert_into_compiled`] past its common case: plain rows with columns to plan (client
/// defaults, another order), else the general compiler.
#[inline(never)]
fn insert_into_compiled_layout(s: &mut InsertStmt, d: &dyn Dialect) -> Result<Compiled> {
    if s.is_plain() {
        if let Some(layout) = plain_layout(s, d, false)? {
            let plain = std::mem::take(&mut s.plain);
            return layout.into_one(plain, d);
        }
    }
    insert_into_compiled_general(s, d)
}

/// [`insert_into_compiled`] for rows not in the plain form, or plain rows the plain
/// layout does not take.
#[inline(never)]
fn insert_into_compiled_general(s: &mut InsertStmt, d: &dyn Dialect) -> Result<Compiled> {
    match plan_statements(s, d)? {
        Plan::One(c) => Ok(c),
        Plan::Batch(v) => Err(needs_statements(v.len(), d)),
        Plan::Chunked(c) => Err(needs_statements(c.parts.len(), d)),
        // (`plan_statements` never plans a bulk load; said plainly if it ever did.)
        Plan::Copy(_) => Err(invalid(format!(
            "this INSERT is planned as a bulk load on {}; execute it through an Engine",
            d.name()
        ))),
    }
}

/// The error of an INSERT compiled to one statement that needs `n` (by value here, by
/// reference in [`crate::Insert::compile`]): one wording for both.
#[cold]
pub(crate) fn needs_statements(n: usize, d: &dyn Dialect) -> Error {
    Error::InvalidStatement(format!(
        "this INSERT needs {n} statements on {} (its bound values, bytes or rows exceed one statement's limits); execute it through an Engine, which splits it and runs the parts in one transaction, or use compile_batches",
        d.name()
    ))
}

fn statements_plan(mut v: Vec<Compiled>) -> Result<Plan> {
    Ok(if v.len() == 1 {
        Plan::One(v.remove(0))
    } else {
        Plan::Batch(v)
    })
}

/// The parameters and (roughly) the bytes a row of plain values and defaults adds.
fn measure_row(row: &[Expr], cols: &[OutColumn<'_>]) -> (usize, usize) {
    let fill = |f: Fill<'_>| match f {
        Fill::Keyword => (0, 8),
        Fill::Value(v) => (1, value_bytes(v) + 6),
        Fill::Declared(c) => match &c.server_default {
            Some(ServerDefault::Literal(v)) => (1, value_bytes(v) + 6),
            Some(ServerDefault::Expression(e)) => (0, e.len() + 4),
            None => (0, 6),
        },
    };
    let (mut params, mut bytes) = (0, 4);
    for col in cols {
        if let Some(e) = col.cast {
            bytes += e.name.len() + e.schema.as_ref().map_or(0, |s| s.len() + 3) + 4;
        }
        let (p, b) = match col.source {
            Source::Cell(i, f) => match &row[i] {
                Expr::Value(v) => (1, value_bytes(v) + 6),
                _ => fill(f),
            },
            Source::Const(v) => (1, value_bytes(v) + 6),
            Source::Filled(f) => fill(f),
        };
        params += p;
        bytes += b;
    }
    (params, bytes)
}

fn compile_insert_cells(
    s: &InsertStmt,
    mut cells: Cells<'_>,
    d: &dyn Dialect,
    inline: bool,
) -> Result<Vec<Compiled>> {
    if let Some(e) = &s.error {
        return Err(invalid(e.to_string()));
    }
    check_target(&s.table)?;
    if s.select.is_none() && s.rows == 0 {
        return Err(invalid("the INSERT has no rows"));
    }
    let cols = plan_columns(s, cells.all(), d)?;
    let mut out = Vec::new();
    let mut c = Compiler::new(d, inline);
    c.scope_table(&s.table);
    let f = d.features();
    if let Some(q) = &s.select {
        insert_head(&mut c, s, cols.iter().map(|c| c.name))?;
        c.w.push_char(' ');
        let wrap = s.on_conflict.is_some() && !f.values_default;
        if wrap {
            // SQLite reads `SELECT … ON CONFLICT` as a join constraint without a WHERE.
            c.w.push("SELECT * FROM (");
        }
        c.query(q)?;
        if wrap {
            c.w.push(") WHERE true");
        }
        insert_tail(&mut c, s, first_name(&cols), true)?;
        out.push(c.w.try_finish()?);
        return Ok(out);
    }
    // The tail's parameters count against each statement's limit (plain RETURNING columns
    // have none).
    let tail_params = if s.on_conflict.is_none()
        && s.returning
            .iter()
            .all(|i| matches!(i.expr, Expr::Column(_)))
    {
        0
    } else {
        let mut probe = Compiler::new(d, inline);
        insert_tail(&mut probe, s, first_name(&cols), false)?;
        probe.w.param_count()
    };
    let limit = f.max_bind_params.saturating_sub(tail_params);
    let max_bytes = f.max_statement_bytes;
    let max_rows = f.max_insert_rows.unwrap_or(usize::MAX).max(1);
    let width = s.columns.len();
    let too_big = || too_many_values(limit, d);
    // Rows of plain values in column order with `?` placeholders all read the same: write
    // them from one template.
    let template = (!inline
        && !s.any_default
        && c.w.placeholder() == super::Placeholder::Question
        && cols.len() == width
        && cols.iter().enumerate().all(|(i, col)| {
            matches!(col.source, Source::Cell(j, _) if j == i) && col.cast.is_none()
        }))
    .then(|| {
        let mut t = String::with_capacity(2 + width * 3);
        t.push('(');
        for i in 0..width {
            t.push_str(if i == 0 { "?" } else { ", ?" });
        }
        t.push(')');
        t
    });
    let mut in_stmt = 0usize;
    let mut bytes = 0usize;
    let mut r = 0usize;
    while r < s.rows {
        if in_stmt == 0 {
            // Room for this statement's rows: about 6 bytes and one value per cell.
            let n = (s.rows - r).saturating_mul(cols.len().max(1)).min(limit);
            c.w.reserve(64 + n * 6);
            c.w.reserve_params(n);
            insert_head(&mut c, s, cols.iter().map(|c| c.name))?;
            if cols.is_empty() && f.upsert == UpsertStyle::OnConflict {
                c.w.push(" DEFAULT VALUES");
                r += 1;
                in_stmt = 1;
                continue;
            }
            c.w.push(" VALUES ");
            bytes = c.w.sql().len();
        }
        let base = r * width;
        let row = &cells.all()[base..base + width];
        let templated = template.is_some() && row.iter().all(|e| matches!(e, Expr::Value(_)));
        if templated
            || (!inline
                && row
                    .iter()
                    .all(|e| matches!(e, Expr::Value(_) | Expr::Default)))
        {
            // Plain values: measured before writing, so they can move into the parameters.
            let (p, b) = match &template {
                Some(t) if templated => (
                    width,
                    t.len()
                        + 2
                        + row
                            .iter()
                            .map(|e| match e {
                                Expr::Value(v) => value_bytes(v),
                                _ => 0,
                            })
                            .sum::<usize>(),
                ),
                _ => measure_row(row, &cols),
            };
            let params_over = c.w.param_count() + p > limit;
            // A row alone over the statement bytes still gets a statement.
            if params_over || (in_stmt > 0 && (bytes + b > max_bytes || in_stmt >= max_rows)) {
                if in_stmt == 0 {
                    return Err(too_big());
                }
                end_statement(&mut c, s, first_name(&cols), &mut out, d)?;
                in_stmt = 0;
                continue;
            }
            if in_stmt > 0 {
                c.w.push(", ");
            }
            match &template {
                Some(t) if templated => {
                    c.w.push(t);
                    for i in 0..width {
                        if let Some(v) = cells.value(base + i) {
                            c.w.push_value_only(v);
                        }
                    }
                }
                _ => {
                    c.w.push_char('(');
                    for (i, col) in cols.iter().enumerate() {
                        if i > 0 {
                            c.w.push(", ");
                        }
                        match col.source {
                            Source::Cell(index, fill) => match cells.value(base + index) {
                                Some(v) => {
                                    c.w.push_param(v);
                                    cast_value(&mut c, col.cast);
                                }
                                None => write_cast_fill(&mut c, fill, col.cast)?,
                            },
                            Source::Const(v) => {
                                c.value(v)?;
                                cast_value(&mut c, col.cast);
                            }
                            Source::Filled(fill) => write_fill(&mut c, fill)?,
                        }
                    }
                    c.w.push_char(')');
                }
            }
            bytes += b;
            in_stmt += 1;
            r += 1;
            continue;
        }
        // Expressions: written, then measured, and taken back if the row does not fit.
        let mark = c.w.mark();
        if in_stmt > 0 {
            c.w.push(", ");
        }
        c.w.push_char('(');
        for (i, col) in cols.iter().enumerate() {
            if i > 0 {
                c.w.push(", ");
            }
            match col.source {
                Source::Cell(index, fill) => match &row[index] {
                    Expr::Default => write_cast_fill(&mut c, fill, col.cast)?,
                    Expr::Value(v) => {
                        c.value(v)?;
                        cast_value(&mut c, col.cast);
                    }
                    e => c.expr(e, 0)?,
                },
                Source::Const(v) => {
                    c.value(v)?;
                    cast_value(&mut c, col.cast);
                }
                Source::Filled(fill) => write_fill(&mut c, fill)?,
            }
        }
        c.w.push_char(')');
        let row_bytes = c.w.sql().len() - mark.0
            + c.w.params()[mark.1..]
                .iter()
                .map(value_bytes)
                .sum::<usize>();
        let over = c.w.param_count() > limit
            || (in_stmt > 0 && (bytes + row_bytes > max_bytes || in_stmt >= max_rows));
        if over {
            if in_stmt == 0 {
                return Err(too_big());
            }
            // This row starts the next statement.
            c.w.rewind(mark);
            end_statement(&mut c, s, first_name(&cols), &mut out, d)?;
            in_stmt = 0;
            continue;
        }
        bytes += row_bytes;
        in_stmt += 1;
        r += 1;
    }
    if in_stmt > 0 {
        insert_tail(&mut c, s, first_name(&cols), true)?;
        out.push(c.w.try_finish()?);
    }
    Ok(out)
}

/// Ends the statement being written (upsert clause and RETURNING) and starts a new one.
fn end_statement<'d>(
    c: &mut Compiler<'d>,
    s: &InsertStmt,
    first: Option<ColName<'_>>,
    out: &mut Vec<Compiled>,
    d: &'d dyn Dialect,
) -> Result<()> {
    insert_tail(c, s, first, true)?;
    let done = std::mem::replace(&mut c.w, SqlWriter::new(d));
    out.push(done.try_finish()?);
    Ok(())
}

/// Bytes a bound value adds to a statement on the wire (roughly).
pub(crate) fn value_bytes(v: &Value) -> usize {
    match v {
        Value::Text(s) | Value::Json(s) => s.len() + 4,
        Value::Bytes(b) => b.len() + 4,
        Value::Decimal(d) => d.as_str().len() + 4,
        _ => 12,
    }
}

/// [`write_fill`], a client default cast to `cast`.
fn write_cast_fill(c: &mut Compiler<'_>, fill: Fill<'_>, cast: Option<&EnumType>) -> Result<()> {
    write_fill(c, fill)?;
    if let Fill::Value(_) = fill {
        cast_value(c, cast);
    }
    Ok(())
}

fn write_fill(c: &mut Compiler<'_>, fill: Fill<'_>) -> Result<()> {
    match fill {
        Fill::Keyword => c.w.push("DEFAULT"),
        Fill::Value(v) => c.value(v)?,
        Fill::Declared(col) => match &col.server_default {
            Some(ServerDefault::Literal(v)) => c.value(v)?,
            Some(ServerDefault::Expression(e)) => {
                c.w.push_char('(');
                c.w.push(e);
                c.w.push_char(')');
            }
            None => c.w.push("NULL"),
        },
    }
    Ok(())
}

/// `INSERT INTO t (a, b)`.
fn insert_head<'a>(
    c: &mut Compiler<'_>,
    s: &InsertStmt,
    mut names: impl Iterator<Item = ColName<'a>>,
) -> Result<()> {
    c.w.push("INSERT INTO ");
    insert_target(c, &s.table)?;
    let Some(first) = names.next() else {
        if c.f.upsert != UpsertStyle::OnConflict {
            c.w.push(" ()");
        }
        return Ok(());
    };
    c.w.push(" (");
    first.write(&mut c.w);
    for name in names {
        c.w.push(", ");
        name.write(&mut c.w);
    }
    c.w.push_char(')');
    Ok(())
}

/// Writes the head of an INSERT that gives every column of a `table!` struct's table in
/// the table's order (`direct` plain rows): its column list is written once per dialect
/// and kept (see [`column_lists`]). False, with nothing written, for any other INSERT.
///
/// (`d` is the compiler's dialect, given apart: read back from the compiler just made, the
/// two words of the reference stalled on store forwarding.)
fn cached_head(c: &mut Compiler<'_>, s: &InsertStmt, d: &dyn Dialect) -> Result<bool> {
    let (Some(TableMeta::Static(t)), Some(slot)) = (&s.table.meta, c.w.ident_slot()) else {
        return Ok(false);
    };
    if s.columns.len() != t.columns.len() || t.columns.is_empty() {
        return Ok(false);
    }
    let Some(list) = column_lists::get(t, slot, || {
        let mut w = SqlWriter::new(d);
        w.push(" (");
        w.push_ident_list(t.columns.iter().map(|c| c.name.as_str()));
        w.push_char(')');
        // (A list with an identifier refused is left empty: the names are then written one
        // by one, and refused there.)
        w.try_finish().map(|c| c.sql).unwrap_or_default()
    }) else {
        return Ok(false);
    };
    c.w.push("INSERT INTO ");
    insert_target(c, &s.table)?;
    c.w.push(list);
    Ok(true)
}

/// The column lists of INSERTs that give every column of a `table!` struct's table, per
/// dialect (by its identifier cache slot): `" (id, name, email)"`.
///
/// A `table!` struct's metadata is `'static` and never changes, so its list reads the same
/// every time; writing it name by name (each name looked up in the identifier cache,
/// quoted or not) was a tenth of a one-row INSERT's build and compile. The entries are
/// set once each: a table whose entry another table holds is written name by name.
mod column_lists {
    use crate::schema::Table;
    use std::sync::OnceLock;

    const TABLES: usize = 256;
    type Entry = OnceLock<(usize, Box<str>)>;
    static CACHE: [Entry; TABLES * 4] = [const { OnceLock::new() }; TABLES * 4];

    /// The list of `t` for the dialect in `slot` (0–3), rendered by `render` the first time.
    #[inline]
    pub(super) fn get(
        t: &'static Table,
        slot: u8,
        render: impl FnOnce() -> String,
    ) -> Option<&'static str> {
        let addr = std::ptr::from_ref(t) as usize;
        let hash = (addr as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 56;
        let entry = CACHE.get(hash as usize * 4 + usize::from(slot))?;
        let (owner, list) = entry.get_or_init(|| (addr, render().into_boxed_str()));
        (*owner == addr && !list.is_empty()).then_some(&**list)
    }
}

/// The first column written (for MySQL's insert-or-ignore no-op update).
fn first_name<'a>(cols: &[OutColumn<'a>]) -> Option<ColName<'a>> {
    cols.first().map(|c| c.name)
}

/// The upsert clause and RETURNING.
fn insert_tail(
    c: &mut Compiler<'_>,
    s: &InsertStmt,
    first_col: Option<ColName<'_>>,
    _final: bool,
) -> Result<()> {
    if let Some(oc) = &s.on_conflict {
        match c.f.upsert {
            UpsertStyle::OnConflict => {
                c.w.push(" ON CONFLICT");
                if !oc.target.is_empty() {
                    c.w.push(" (");
                    c.w.push_ident_list(oc.target.iter().map(|n| n.as_ref()));
                    c.w.push_char(')');
                }
                match &oc.action {
                    ConflictAction::Nothing => c.w.push(" DO NOTHING"),
                    ConflictAction::Update { set, filter } => {
                        if oc.target.is_empty() && c.f.upsert_update_needs_target {
                            return Err(invalid(format!(
                                "{} needs a conflict target for DO UPDATE: give the unique key's columns to on_conflict",
                                c.d.name()
                            )));
                        }
                        c.w.push(" DO UPDATE SET ");
                        upsert_sets(c, set, &s.table)?;
                        if let Some(cond) = filter {
                            c.w.push(" WHERE ");
                            with_excluded(c, |c| c.expr(cond, 0))?;
                        }
                    }
                }
            }
            UpsertStyle::OnDuplicateKeyValues | UpsertStyle::OnDuplicateKeyRowAlias => {
                let alias = c.f.upsert == UpsertStyle::OnDuplicateKeyRowAlias;
                if !oc.target.is_empty() && !only_unique_key(&s.table, &oc.target) {
                    return Err(c.unsupported(
                        "an upsert conflict target other than the table's one unique key (ON DUPLICATE KEY UPDATE applies to every unique key)",
                    ));
                }
                if alias && s.select.is_none() {
                    c.w.push(" AS new");
                }
                c.w.push(" ON DUPLICATE KEY UPDATE ");
                match &oc.action {
                    ConflictAction::Nothing => {
                        let Some(first) = oc.target.first().map(ColName::Stmt).or(first_col) else {
                            return Err(invalid(
                                "an insert-or-ignore needs a column to write a no-op update with",
                            ));
                        };
                        first.write(&mut c.w);
                        c.w.push(" = ");
                        // Qualified after INSERT … SELECT, whose tables may have the column too
                        // (else MariaDB's error 1052, ambiguous).
                        if s.select.is_some() {
                            c.w.push_qualified(s.table.schema.as_deref(), &s.table.name);
                            c.w.push_char('.');
                        }
                        first.write(&mut c.w);
                    }
                    ConflictAction::Update { set, filter } => {
                        if filter.is_some() {
                            return Err(c.unsupported("a WHERE on the upsert's update"));
                        }
                        if alias
                            && s.select.is_some()
                            && set.iter().any(|a| mentions_excluded(&a.value))
                        {
                            return Err(c.unsupported("excluded(…) with INSERT … SELECT"));
                        }
                        upsert_sets(c, set, &s.table)?;
                    }
                }
            }
        }
    }
    returning(c, &s.returning, &s.table, true, false)
}

/// Whether `target` is exactly the columns of the table's only unique key (primary key,
/// unique constraints, unique columns and unique indexes), so MySQL's ON DUPLICATE KEY means
/// the same as ON CONFLICT (target).
fn only_unique_key(t: &TableRef, target: &[Name]) -> bool {
    let Some(meta) = &t.meta else { return false };
    let table = meta.table();
    let mut keys: Vec<Vec<&str>> = Vec::new();
    let pk = table.primary_key_columns();
    if !pk.is_empty() {
        keys.push(pk);
    }
    for u in &table.uniques {
        keys.push(u.columns.iter().map(String::as_str).collect());
    }
    for c in &table.columns {
        if c.unique {
            keys.push(vec![c.name.as_str()]);
        }
    }
    for i in &table.indexes {
        if i.unique {
            keys.push(i.columns.iter().map(|c| c.name.as_str()).collect());
        }
    }
    for k in &mut keys {
        k.sort_unstable();
        k.dedup();
    }
    keys.sort();
    keys.dedup();
    let mut want: Vec<&str> = target.iter().map(|n| n.as_ref()).collect();
    want.sort_unstable();
    want.dedup();
    keys.len() == 1 && keys[0] == want
}

fn mentions_excluded(e: &Expr) -> bool {
    match e {
        Expr::Excluded(_) => true,
        Expr::Unary(_, x) | Expr::IsNull(x, _) => mentions_excluded(x),
        Expr::Cast(cast) => mentions_excluded(&cast.0),
        Expr::Binary(operands, _) => {
            mentions_excluded(&operands.0) || mentions_excluded(&operands.1)
        }
        Expr::And(v) | Expr::Or(v) | Expr::Concat(v) => v.iter().any(mentions_excluded),
        Expr::Func(f) => f.args.iter().any(mentions_excluded),
        Expr::Case {
            operand,
            whens,
            otherwise,
        } => {
            operand.as_deref().is_some_and(mentions_excluded)
                || whens
                    .iter()
                    .any(|(a, b)| mentions_excluded(a) || mentions_excluded(b))
                || otherwise.as_deref().is_some_and(mentions_excluded)
        }
        _ => false,
    }
}

fn with_excluded(
    c: &mut Compiler<'_>,
    f: impl FnOnce(&mut Compiler<'_>) -> Result<()>,
) -> Result<()> {
    let saved = (c.allow_excluded, c.omit.take());
    c.allow_excluded = true;
    let r = f(c);
    (c.allow_excluded, c.omit) = saved;
    r
}

/// `a = x, b = y` of an upsert's update.
fn upsert_sets(c: &mut Compiler<'_>, set: &[Assign], t: &TableRef) -> Result<()> {
    if set.is_empty() {
        return Err(invalid("the upsert's update sets no column"));
    }
    let meta = t.meta.as_ref().map(|m| m.table());
    with_excluded(c, |c| assignments(c, set, None, meta))
}

/// The SET cells an UPDATE (or an upsert's update) compiles from: borrowed, or owned by a
/// statement compiled by value, whose bound values then move into the parameters.
trait SetCells {
    fn cells(&self) -> &[Assign];
    /// Moves cell `i`'s bound value into the parameters (writing its placeholder), if it is
    /// one and may be taken; whether it did.
    fn bind_taken(&mut self, i: usize, w: &mut SqlWriter<'_>) -> bool;
}

impl SetCells for &[Assign] {
    fn cells(&self) -> &[Assign] {
        self
    }
    fn bind_taken(&mut self, _: usize, _: &mut SqlWriter<'_>) -> bool {
        false
    }
}

impl SetCells for &mut [Assign] {
    fn cells(&self) -> &[Assign] {
        self
    }
    #[inline]
    fn bind_taken(&mut self, i: usize, w: &mut SqlWriter<'_>) -> bool {
        match &mut self[i].value {
            // (The statement is dropped after compiling: what is left in the cell is never read.)
            // Moved straight into the parameters: a value handed back through an `Option` is
            // rewritten and read back at once, which stalls more than it costs to copy.
            Expr::Value(v) => {
                w.push_param(std::mem::replace(v, Value::Bool(false)));
                true
            }
            _ => false,
        }
    }
}

/// `a = x, b = y`, targets qualified with `qualifier` where given.
fn assignments(
    c: &mut Compiler<'_>,
    mut set: impl SetCells,
    qualifier: Option<&Name>,
    meta: Option<&Table>,
) -> Result<()> {
    // Bound values for enum columns are cast to the column's type (see `enum_casts`).
    let enums = meta.filter(|t| enum_casts(c.d, t));
    for i in 0..set.cells().len() {
        let a = &set.cells()[i];
        let cast = enums
            .and_then(|t| t.get_column(&a.column))
            .and_then(enum_type);
        if i > 0 {
            c.w.push(", ");
        }
        if let Some(q) = qualifier {
            c.w.push_name(q);
            c.w.push_char('.');
        }
        c.w.push_name(&a.column);
        c.w.push(" = ");
        let client = match &a.value {
            Expr::Default => meta
                .and_then(|t| t.get_column(&a.column))
                .and_then(|col| col.default.as_ref()),
            _ => None,
        };
        if let Some(v) = client {
            // A client-side default is quarry's to apply, as in INSERT.
            c.value(v)?;
            cast_value(c, cast);
            continue;
        }
        if matches!(a.value, Expr::Default) && !c.f.values_default {
            // No DEFAULT keyword (SQLite): write the declared default.
            let Some(col) = meta.and_then(|t| t.get_column(&a.column)) else {
                return Err(c.unsupported(&format!(
                    "SET {} = DEFAULT without the table's metadata",
                    a.column
                )));
            };
            write_fill(c, Fill::Declared(col))?;
            continue;
        }
        // Bound as `Compiler::value` binds it, without copying it.
        if !c.inline && matches!(a.value, Expr::Value(_)) && set.bind_taken(i, &mut c.w) {
            cast_value(c, cast);
            continue;
        }
        let a = &set.cells()[i];
        let saved = c.allow_default;
        c.allow_default = true;
        let r = c.expr(&a.value, 0);
        c.allow_default = saved;
        r?;
        if matches!(a.value, Expr::Value(_)) {
            cast_value(c, cast);
        }
    }
    Ok(())
}

/// RETURNING items, with the target's columns unqualified.
/// RETURNING items; the target's columns are unqualified unless other tables are in the
/// statement (`joined`), where a shared column name would be ambiguous.
fn returning(
    c: &mut Compiler<'_>,
    items: &[SelectItem],
    t: &TableRef,
    insert: bool,
    joined: bool,
) -> Result<()> {
    if items.is_empty() {
        return Ok(());
    }
    match (c.f.returning, insert) {
        (Returning::All, _) | (Returning::InsertDelete, true) => {}
        (Returning::InsertDelete, false) => return Err(c.unsupported("RETURNING on UPDATE")),
        (Returning::None, _) => return Err(c.unsupported("RETURNING")),
    }
    c.w.push(" RETURNING ");
    let saved = if joined {
        c.omit.take()
    } else {
        c.omit.replace(t.qualifier_name())
    };
    let r = returning_items(c, items);
    c.omit = saved;
    r
}

/// The RETURNING items, comma-separated.
///
/// (`?` on each item's result, not a result kept in a variable: moving the result into
/// the variable read it back with wider loads than the stores that wrote it.)
fn returning_items(c: &mut Compiler<'_>, items: &[SelectItem]) -> Result<()> {
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            c.w.push(", ");
        }
        c.expr(&item.expr, 0)?;
        if let Some(a) = &item.alias {
            c.w.push(" AS ");
            c.w.push_label(a);
        }
    }
    Ok(())
}

/// The tables an UPDATE or DELETE joins with, `sep` between them.
fn from_items(
    c: &mut Compiler<'_>,
    items: &[crate::stmt::select::FromItem],
    sep: &str,
) -> Result<()> {
    for (i, f) in items.iter().enumerate() {
        if i > 0 {
            c.w.push(sep);
        }
        c.write_from_item(f)?;
    }
    Ok(())
}

/// ` WHERE cond`, when there is one.
fn where_clause(c: &mut Compiler<'_>, filter: &Option<Expr>) -> Result<()> {
    if let Some(f) = filter {
        c.w.push(" WHERE ");
        c.expr(f, 0)?;
    }
    Ok(())
}

/// Compiles an UPDATE.
pub(crate) fn compile_update(s: &UpdateStmt, d: &dyn Dialect, inline: bool) -> Result<Compiled> {
    update_sql(s.parts(), s.set.as_slice(), d, inline)
}

/// Compiles an UPDATE about to be dropped: the values its SET binds move into the
/// parameters. (Borrowed mutably where it is, rather than moved: a copy of a freshly built
/// statement costs more than its size suggests.)
pub(crate) fn compile_update_owned(s: &mut UpdateStmt, d: &dyn Dialect) -> Result<Compiled> {
    let mut set = std::mem::take(&mut s.set);
    update_sql(s.parts(), set.as_mut_slice(), d, false)
}

/// An UPDATE's parts other than its SET cells.
pub(crate) struct UpdateParts<'a> {
    pub(crate) table: &'a TableRef,
    pub(crate) from: &'a [crate::stmt::select::FromItem],
    pub(crate) filter: &'a Option<Expr>,
    pub(crate) returning: &'a [SelectItem],
    pub(crate) error: Option<&'static str>,
}

fn update_sql(
    s: UpdateParts<'_>,
    set: impl SetCells,
    d: &dyn Dialect,
    inline: bool,
) -> Result<Compiled> {
    if let Some(e) = s.error {
        return Err(invalid(e));
    }
    check_target(s.table)?;
    if set.cells().is_empty() {
        return Err(invalid("the UPDATE sets no column"));
    }
    let mut c = Compiler::new(d, inline);
    c.scope_table(s.table);
    for f in s.from {
        c.scope_from(f);
    }
    let join = c.f.multi_table_join && !s.from.is_empty();
    if s.from.is_empty() {
        c.omit = Some(s.table.qualifier_name());
    }
    c.w.push("UPDATE ");
    c.table_ref(s.table);
    if join {
        c.w.push(" JOIN ");
        from_items(&mut c, s.from, " JOIN ")?;
    }
    c.w.push(" SET ");
    let q = join.then(|| s.table.qualifier_name());
    let meta = s.table.meta.as_ref().map(|m| m.table());
    assignments(&mut c, set, q.as_ref(), meta)?;
    if !join && !s.from.is_empty() {
        c.w.push(" FROM ");
        from_items(&mut c, s.from, ", ")?;
    }
    where_clause(&mut c, s.filter)?;
    if !s.returning.is_empty() && join {
        return Err(c.unsupported("RETURNING on a multi-table UPDATE"));
    }
    returning(&mut c, s.returning, s.table, false, !s.from.is_empty())?;
    c.w.try_finish()
}

/// Compiles a DELETE.
pub(crate) fn compile_delete(s: &DeleteStmt, d: &dyn Dialect, inline: bool) -> Result<Compiled> {
    if let Some(e) = s.error {
        return Err(invalid(e));
    }
    check_target(&s.table)?;
    let mut c = Compiler::new(d, inline);
    c.scope_table(&s.table);
    for f in &s.using {
        c.scope_from(f);
    }
    if s.using.is_empty() {
        c.omit = Some(s.table.qualifier_name());
        c.w.push("DELETE FROM ");
        c.table_ref(&s.table);
        where_clause(&mut c, &s.filter)?;
    } else if c.f.multi_table_join {
        if !s.returning.is_empty() {
            return Err(c.unsupported("RETURNING on a multi-table DELETE"));
        }
        c.w.push("DELETE ");
        c.w.push_ident(s.table.qualifier());
        c.w.push(" FROM ");
        c.table_ref(&s.table);
        c.w.push(" JOIN ");
        from_items(&mut c, &s.using, " JOIN ")?;
        where_clause(&mut c, &s.filter)?;
    } else if c.f.delete_using {
        c.w.push("DELETE FROM ");
        c.table_ref(&s.table);
        c.w.push(" USING ");
        from_items(&mut c, &s.using, ", ")?;
        where_clause(&mut c, &s.filter)?;
    } else {
        // DELETE … USING as a correlated EXISTS: a row goes when the join finds a match.
        c.w.push("DELETE FROM ");
        c.table_ref(&s.table);
        c.w.push(" WHERE EXISTS (SELECT 1 FROM ");
        from_items(&mut c, &s.using, ", ")?;
        where_clause(&mut c, &s.filter)?;
        c.w.push_char(')');
    }
    // (SQLite's EXISTS form has no other table at the top.)
    let joined = !s.using.is_empty() && c.f.delete_using;
    returning(&mut c, &s.returning, &s.table, true, joined)?;
    c.w.try_finish()
}

/// How the executor runs an INSERT: COPY for a large plain load where the dialect has it,
/// else one statement or a batch.
/// `COPY t (a, b) FROM STDIN (FORMAT binary)` and its probe, `SELECT a, b FROM t`.
fn copy_texts(t: &TableRef, names: &[String], d: &dyn Dialect) -> Result<(String, String)> {
    let mut w = SqlWriter::new(d);
    w.push("COPY ");
    w.push_qualified(t.schema.as_deref(), &t.name);
    w.push(" (");
    w.push_ident_list(names.iter().map(String::as_str));
    w.push(") FROM STDIN (FORMAT binary)");
    let copy_sql = w.try_finish()?.sql;
    let mut w = SqlWriter::new(d);
    w.push("SELECT ");
    w.push_ident_list(names.iter().map(String::as_str));
    w.push(" FROM ");
    w.push_qualified(t.schema.as_deref(), &t.name);
    Ok((copy_sql, w.try_finish()?.sql))
}

/// The texts of an insert of rows bound one by one
/// ([`Executor::insert_rows`](crate::Executor::insert_rows)).
pub(crate) struct RowsPlan {
    /// `INSERT INTO t (a, b) VALUES `: every statement's text before its rows.
    pub head: String,
    /// Every statement's text after its rows (none for `insert_rows`).
    pub tail: String,
    /// The COPY statement and its probe.
    pub copy_sql: String,
    pub probe_sql: String,
    /// Values per row: the columns given, then the client defaults of those left out.
    pub width: usize,
    /// The client defaults, bound after each row's values.
    pub consts: Vec<Value>,
    /// The most rows one statement takes.
    pub max_rows: usize,
}

/// Plans an insert of rows of `given` values into `s`'s table and columns (no rows in `s`):
/// the columns are checked as for any INSERT (required columns, unknown or repeated ones)
/// and client defaults are added.
pub(crate) fn rows_plan(s: &InsertStmt, given: usize, d: &dyn Dialect) -> Result<RowsPlan> {
    if let Some(e) = &s.error {
        return Err(invalid(e.to_string()));
    }
    check_target(&s.table)?;
    let width = s.columns.len();
    if width == 0 || width != given {
        return Err(invalid(format!(
            "rows of {given} values for {width} columns"
        )));
    }
    let cols = plan_columns(s, &[], d)?;
    let mut consts = Vec::new();
    for (i, col) in cols.iter().enumerate() {
        match col.source {
            Source::Cell(j, _) if j == i && i < width => {}
            Source::Const(v) if i >= width => consts.push(v.clone()),
            _ => return Err(invalid("these columns cannot take rows bound one by one")),
        }
    }
    let mut c = Compiler::new(d, false);
    insert_head(&mut c, s, cols.iter().map(|c| c.name))?;
    c.w.push(" VALUES ");
    let head = c.w.try_finish()?.sql;
    let names: Vec<String> = cols.iter().map(|c| c.name.as_str().to_owned()).collect();
    let (copy_sql, probe_sql) = copy_texts(&s.table, &names, d)?;
    let out_width = cols.len();
    let max_rows = rows_per_statement(d, out_width);
    Ok(RowsPlan {
        head,
        tail: String::new(),
        copy_sql,
        probe_sql,
        width: out_width,
        consts,
        max_rows,
    })
}

/// The most rows of `width` values one statement takes on `d` (its bound-parameter limit
/// and its cap on rows per INSERT).
fn rows_per_statement(d: &dyn Dialect, width: usize) -> usize {
    let f = d.features();
    (f.max_bind_params / width.max(1))
        .min(f.max_insert_rows.unwrap_or(usize::MAX))
        .max(1)
}

impl RowsPlan {
    /// A split INSERT's statements as rows to run (its texts' head and tail; the values are
    /// the plan's own, taken from `c.params` by the caller).
    pub(crate) fn of_chunked(c: &mut Chunked, d: &dyn Dialect) -> RowsPlan {
        let width = c.width.max(1);
        RowsPlan {
            head: std::mem::take(&mut c.head),
            tail: std::mem::take(&mut c.tail),
            copy_sql: String::new(),
            probe_sql: String::new(),
            width,
            consts: Vec::new(),
            max_rows: rows_per_statement(d, width),
        }
    }
}

pub(crate) fn plan_insert(mut s: Box<InsertStmt>, d: &dyn Dialect) -> Result<Plan> {
    let f = d.features();
    if f.bulk_copy
        && s.error.is_none()
        && s.rows >= COPY_MIN_ROWS
        && s.select.is_none()
        && s.on_conflict.is_none()
        && s.returning.is_empty()
        && !s.columns.is_empty()
        && s.values.iter().all(|e| matches!(e, Expr::Value(_)))
    {
        let cols = plan_columns(&s, &s.values, d)?;
        let consts: Vec<Value> = cols
            .iter()
            .filter_map(|c| match c.source {
                Source::Const(v) => Some(v.clone()),
                _ => None,
            })
            .collect();
        let names: Vec<String> = cols.iter().map(|c| c.name.as_str().to_owned()).collect();
        let (copy_sql, probe_sql) = copy_texts(&s.table, &names, d)?;
        let width = s.columns.len();
        let columns = width + consts.len();
        let values = if s.is_plain() && consts.is_empty() {
            // The rows as they are.
            std::mem::take(&mut s.plain)
        } else {
            let cells: Vec<Value> = if s.is_plain() {
                std::mem::take(&mut s.plain)
            } else {
                std::mem::take(&mut s.values)
                    .into_iter()
                    .filter_map(|e| match e {
                        Expr::Value(v) => Some(v),
                        _ => None,
                    })
                    .collect()
            };
            let mut values = Vec::with_capacity(s.rows * columns);
            let mut cells = cells.into_iter();
            for _ in 0..s.rows {
                values.extend(cells.by_ref().take(width));
                values.extend(consts.iter().cloned());
            }
            values
        };
        debug_assert_eq!(values.len(), s.rows * columns);
        // The fallback writes the client defaults as ordinary columns.
        let mut stmt = *s;
        for c in &names[width..] {
            stmt.columns.push(Name::Owned(c.clone()));
        }
        return Ok(Plan::Copy(Box::new(CopyPlan {
            copy_sql,
            probe_sql,
            columns,
            values,
            stmt,
        })));
    }
    plan_statements(&mut s, d)
}

impl crate::stmt::update::UpdateStmt {
    /// Everything but the SET cells, borrowed.
    pub(crate) fn parts(&self) -> UpdateParts<'_> {
        UpdateParts {
            table: &self.table,
            from: &self.from,
            filter: &self.filter,
            returning: &self.returning,
            error: self.error,
        }
    }
}
