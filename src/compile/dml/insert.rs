//! INSERT: the entry points and the text step.
//!
//! Every INSERT goes through one pipeline of three steps:
//!
//! 1. **plan** (`layout.rs`): the columns written and what fills each cell: the rows' own
//!    values, client defaults, `DEFAULT` or the declared default where a dialect has no
//!    `DEFAULT` in VALUES, enum casts ([`plan_columns`]; [`plan_plain`] for rows of plain
//!    values, which skips the work when the columns need none);
//! 2. **layout** ([`Split`]): where statements end under the dialect's limits on bound
//!    values, statement bytes and rows, one set of rules for every row;
//! 3. **text** (here): the head ([`insert_head`], or the cached column list), the rows and the
//!    tail ([`insert_tail`]: the upsert clause and RETURNING).
//!
//! Rows of plain values are written as placeholder rows, one text per statement size
//! ([`write_plain`]), and their values become the parameters as they are; other rows are
//! written cell by cell ([`compile_cells`]). The bulk path (`insert_rows`) plans with
//! [`rows_plan`] and writes its statements with [`rows_statement`], on the same steps.

use super::*;
use crate::compile::expr::Compiler;
use crate::compile::{Compiled, Dialect, Plan, SqlWriter, StatementKind, UpsertStyle};
use crate::error::{Error, Result};
use crate::expr::{Expr, Name};
use crate::schema::{EnumType, ServerDefault};
use crate::stmt::clauses::Assign;
use crate::stmt::insert::{ConflictAction, InsertStmt};
use crate::stmt::select::{TableMeta, TableRef};
use crate::value::Value;

/// The target table's name and alias for INSERT, where the MySQL family takes no alias.
pub(crate) fn insert_target(c: &mut Compiler<'_>, t: &TableRef) -> Result<()> {
    if t.alias.is_some() && c.f.upsert != UpsertStyle::OnConflict {
        return Err(c.unsupported("an alias on the INSERT's table"));
    }
    c.table_ref(t);
    Ok(())
}

pub(crate) fn check_target(t: &TableRef) -> Result<()> {
    if t.name.is_empty() {
        return Err(invalid("the statement has no table"));
    }
    Ok(())
}

/// An INSERT's cells: borrowed (values are cloned into the parameters) or owned (moved).
pub(crate) enum Cells<'a> {
    Shared(&'a [Expr]),
    Owned(&'a mut [Expr]),
}

impl Cells<'_> {
    pub(crate) fn all(&self) -> &[Expr] {
        match self {
            Cells::Shared(v) => v,
            Cells::Owned(v) => v,
        }
    }

    /// The value of cell `i` for a parameter: moved out when owned.
    pub(crate) fn value(&mut self, i: usize) -> Option<Value> {
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

/// Compiles an INSERT to one or more statements, its values copied into the parameters
/// (`inline`: written as literals, for logs).
pub(crate) fn compile_insert(
    s: &InsertStmt,
    d: &dyn Dialect,
    inline: bool,
) -> Result<Vec<Compiled>> {
    if let Some(plan) = plan_plain(s, d, inline)? {
        let mut c = Compiler::new(d, false);
        let many = write_plain(&mut c, s, d, &plan)?;
        let params = with_consts(s.plain.clone(), s.columns.len(), plan.consts());
        return Ok(match many {
            None => vec![Compiled {
                sql: c.w.try_finish()?.sql,
                params,
                kind: StatementKind::Insert,
            }],
            Some(many) => many.compiled(params),
        });
    }
    if s.is_plain() {
        let mut cells: Vec<Expr> = s.plain.iter().cloned().map(Expr::Value).collect();
        return compile_cells(s, Cells::Owned(&mut cells), d, inline);
    }
    compile_cells(s, Cells::Shared(&s.values), d, inline)
}

/// Plans an INSERT it owns as statements (no bulk copy): its values move into the
/// parameters.
///
/// The statement is borrowed mutably where it is (its values are taken), not moved: a copy
/// of a freshly built statement costs more than its size suggests.
pub(crate) fn plan_statements(s: &mut InsertStmt, d: &dyn Dialect) -> Result<Plan> {
    if let Some(plan) = plan_plain(s, d, false)? {
        let mut c = Compiler::new(d, false);
        let many = write_plain(&mut c, s, d, &plan)?;
        let consts = plan.take_consts();
        let width = s.columns.len();
        let params = with_consts(std::mem::take(&mut s.plain), width, &consts);
        return Ok(match many {
            None => Plan::One(Compiled {
                sql: c.w.try_finish()?.sql,
                params,
                kind: StatementKind::Insert,
            }),
            Some(many) => many.into_plan(params, width + consts.len()),
        });
    }
    let mut cells: Vec<Expr> = if s.is_plain() {
        std::mem::take(&mut s.plain)
            .into_iter()
            .map(Expr::Value)
            .collect()
    } else {
        std::mem::take(&mut s.values)
    };
    statements_plan(compile_cells(s, Cells::Owned(&mut cells), d, false)?)
}

/// Compiles an INSERT it owns to its one statement, its values moved into the parameters;
/// an INSERT that needs several statements is an error naming how many.
pub(crate) fn insert_into_compiled(s: &mut InsertStmt, d: &dyn Dialect) -> Result<Compiled> {
    // Plain rows as `plan_statements` writes them, the one statement built here rather than
    // handed back through a `Plan` (statement 3 of the build + compile bench: 10 % faster).
    if let Some(plan) = plan_plain(s, d, false)? {
        let mut c = Compiler::new(d, false);
        if let Some(many) = write_plain(&mut c, s, d, &plan)? {
            return Err(needs_statements(many.parts.len(), d));
        }
        let consts = plan.take_consts();
        return Ok(Compiled {
            sql: c.w.try_finish()?.sql,
            params: with_consts(std::mem::take(&mut s.plain), s.columns.len(), &consts),
            kind: StatementKind::Insert,
        });
    }
    insert_into_compiled_cells(s, d)
}

/// [`insert_into_compiled`] for rows written cell by cell.
#[inline(never)]
fn insert_into_compiled_cells(s: &mut InsertStmt, d: &dyn Dialect) -> Result<Compiled> {
    match plan_statements(s, d)? {
        Plan::One(c) | Plan::Scaled(c, _) => Ok(c),
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

pub(crate) fn statements_plan(mut v: Vec<Compiled>) -> Result<Plan> {
    Ok(if v.len() == 1 {
        Plan::One(v.remove(0))
    } else {
        Plan::Batch(v)
    })
}

/// The parameters and (roughly) the bytes a row of plain values and defaults adds.
pub(crate) fn measure_row(row: &[Expr], cols: &[OutColumn<'_>]) -> (usize, usize) {
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

/// Steps 1 to 3 for rows cell by cell (expressions, `DEFAULT`, casts, SQL for logs) and
/// for `INSERT … SELECT`. Rows of values are measured before they are written, so that
/// their values can move into the parameters; rows with expressions are written, measured,
/// and taken back when they start the next statement.
pub(crate) fn compile_cells(
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
    let first = first_name(&cols);
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
        insert_tail(&mut c, s, first, true)?;
        out.push(StatementKind::Insert.of(c.w.try_finish()?));
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
        insert_tail(&mut probe, s, first, false)?;
        probe.w.param_count()
    };
    let mut split = Split::new(d, tail_params);
    let width = s.columns.len();
    let mut open = false;
    let mut r = 0usize;
    while r < s.rows {
        if !open {
            // Room for this statement's rows: about 6 bytes and one value per cell.
            let n = (s.rows - r)
                .saturating_mul(cols.len().max(1))
                .min(f.max_bind_params);
            c.w.reserve(64 + n * 6);
            c.w.reserve_params(n);
            insert_head(&mut c, s, cols.iter().map(|c| c.name))?;
            open = true;
            if cols.is_empty() && f.upsert == UpsertStyle::OnConflict {
                // (One row: `plan_columns` names a column for several rows of defaults.)
                c.w.push(" DEFAULT VALUES");
                r += 1;
                continue;
            }
            c.w.push(" VALUES ");
            split.start(c.w.sql().len());
        }
        let base = r * width;
        let row = &cells.all()[base..base + width];
        if !inline
            && row
                .iter()
                .all(|e| matches!(e, Expr::Value(_) | Expr::Default))
        {
            let (p, b) = measure_row(row, &cols);
            if !split.fits(p, b, d)? {
                end_statement(&mut c, s, first, &mut out, d)?;
                open = false;
                continue;
            }
            if split.rows() > 0 {
                c.w.push(", ");
            }
            write_value_row(&mut c, &cols, &mut cells, base)?;
            split.add(p, b);
            r += 1;
            continue;
        }
        let mark = c.w.mark();
        if split.rows() > 0 {
            c.w.push(", ");
        }
        write_expr_row(&mut c, &cols, row)?;
        let p = c.w.param_count() - mark.1;
        let b = c.w.sql().len() - mark.0
            + c.w.params()[mark.1..]
                .iter()
                .map(value_bytes)
                .sum::<usize>();
        if !split.fits(p, b, d)? {
            // This row starts the next statement.
            c.w.rewind(mark);
            end_statement(&mut c, s, first, &mut out, d)?;
            open = false;
            continue;
        }
        split.add(p, b);
        r += 1;
    }
    if open {
        insert_tail(&mut c, s, first, true)?;
        out.push(StatementKind::Insert.of(c.w.try_finish()?));
    }
    Ok(out)
}

/// A row of values and `DEFAULT`s, its values moved (or copied) into the parameters.
fn write_value_row(
    c: &mut Compiler<'_>,
    cols: &[OutColumn<'_>],
    cells: &mut Cells<'_>,
    base: usize,
) -> Result<()> {
    write_row(c, cols, |c, index, fill, cast| {
        match cells.value(base + index) {
            Some(v) => {
                c.w.push_param(v);
                cast_value(c, cast);
                Ok(())
            }
            None => write_cast_fill(c, fill, cast),
        }
    })
}

/// A row with expressions (or any row, for SQL with literals).
fn write_expr_row(c: &mut Compiler<'_>, cols: &[OutColumn<'_>], row: &[Expr]) -> Result<()> {
    write_row(c, cols, |c, index, fill, cast| match &row[index] {
        Expr::Default => write_cast_fill(c, fill, cast),
        Expr::Value(v) => {
            c.value(v)?;
            cast_value(c, cast);
            Ok(())
        }
        e => c.expr(e, 0),
    })
}

/// `(…)` of one row: each column's cell written by `cell` (given the cell's index in the
/// row, its fill for `DEFAULT` and its enum cast), client defaults and fills by the plan.
fn write_row(
    c: &mut Compiler<'_>,
    cols: &[OutColumn<'_>],
    mut cell: impl FnMut(&mut Compiler<'_>, usize, Fill<'_>, Option<&EnumType>) -> Result<()>,
) -> Result<()> {
    c.w.push_char('(');
    for (i, col) in cols.iter().enumerate() {
        if i > 0 {
            c.w.push(", ");
        }
        match col.source {
            Source::Cell(index, fill) => cell(c, index, fill, col.cast)?,
            Source::Const(v) => {
                c.value(v)?;
                cast_value(c, col.cast);
            }
            Source::Filled(fill) => write_fill(c, fill)?,
        }
    }
    c.w.push_char(')');
    Ok(())
}

/// Ends the statement being written (upsert clause and RETURNING) and starts a new one.
pub(crate) fn end_statement<'d>(
    c: &mut Compiler<'d>,
    s: &InsertStmt,
    first: Option<ColName<'_>>,
    out: &mut Vec<Compiled>,
    d: &'d dyn Dialect,
) -> Result<()> {
    insert_tail(c, s, first, true)?;
    let done = std::mem::replace(&mut c.w, SqlWriter::new(d));
    out.push(StatementKind::Insert.of(done.try_finish()?));
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
pub(crate) fn write_cast_fill(
    c: &mut Compiler<'_>,
    fill: Fill<'_>,
    cast: Option<&EnumType>,
) -> Result<()> {
    write_fill(c, fill)?;
    if let Fill::Value(_) = fill {
        cast_value(c, cast);
    }
    Ok(())
}

pub(crate) fn write_fill(c: &mut Compiler<'_>, fill: Fill<'_>) -> Result<()> {
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
pub(crate) fn insert_head<'a>(
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
/// and kept (see `compile::cache::column_lists`). False, with nothing written, for any other
/// INSERT. (`d` is the compiler's dialect, passed apart: measured faster than reading it back.)
pub(crate) fn cached_head(c: &mut Compiler<'_>, s: &InsertStmt, d: &dyn Dialect) -> Result<bool> {
    let (Some(TableMeta::Static(t)), Some(slot)) = (&s.table.meta, c.w.ident_slot()) else {
        return Ok(false);
    };
    if s.columns.len() != t.columns.len() || t.columns.is_empty() {
        return Ok(false);
    }
    let Some(list) = crate::compile::cache::column_lists::get(t, slot, || {
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

/// The first column written (for MySQL's insert-or-ignore no-op update).
pub(crate) fn first_name<'a>(cols: &[OutColumn<'a>]) -> Option<ColName<'a>> {
    cols.first().map(|c| c.name)
}

/// The upsert clause and RETURNING.
pub(crate) fn insert_tail(
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
                if !oc.target.is_empty() && !oc.assume_only_key {
                    if let Some(why) = not_the_only_key(&s.table, &oc.target) {
                        return Err(c.unsupported(&format!(
                            "this upsert's conflict target: ON DUPLICATE KEY UPDATE applies to every unique key, and {why}; call assume_only_key() if the target is the table's only unique key"
                        )));
                    }
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

/// Why `target` cannot be taken as the table's only unique key (so that MySQL's ON
/// DUPLICATE KEY means the same as ON CONFLICT (target)); `None` when it is.
pub(crate) fn not_the_only_key(t: &TableRef, target: &[Name]) -> Option<String> {
    if t.meta.is_none() {
        return Some(format!(
            "the INSERT has no metadata of table {} to tell its unique keys",
            t.name
        ));
    }
    if only_unique_key(t, target) {
        return None;
    }
    Some(format!(
        "table {} has unique keys other than ({})",
        t.name,
        target
            .iter()
            .map(|n| n.as_ref())
            .collect::<Vec<_>>()
            .join(", ")
    ))
}

/// Whether `target` is exactly the columns of the table's only unique key (primary key,
/// unique constraints, unique columns and unique indexes), so MySQL's ON DUPLICATE KEY means
/// the same as ON CONFLICT (target).
pub(crate) fn only_unique_key(t: &TableRef, target: &[Name]) -> bool {
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

pub(crate) fn mentions_excluded(e: &Expr) -> bool {
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

pub(crate) fn with_excluded(
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
pub(crate) fn upsert_sets(c: &mut Compiler<'_>, set: &[Assign], t: &TableRef) -> Result<()> {
    if set.is_empty() {
        return Err(invalid("the upsert's update sets no column"));
    }
    let meta = t.meta.as_ref().map(|m| m.table());
    with_excluded(c, |c| assignments(c, set, None, meta))
}

/// The SET cells an UPDATE (or an upsert's update) compiles from: borrowed, or owned by a
/// statement compiled by value, whose bound values then move into the parameters.
pub(crate) trait SetCells {
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
            // Moved straight into the parameters rather than handed back through an `Option`
            // (measured faster in the build + compile bench).
            Expr::Value(v) => {
                w.push_param(std::mem::replace(v, Value::Bool(false)));
                true
            }
            _ => false,
        }
    }
}
