//! Large INSERTs: the COPY plan, statements split under the parameter limit, and the
//! layout of rows inserted straight from the caller's data.

use super::*;
use crate::compile::expr::Compiler;
use crate::compile::{Compiled, Dialect, Plan, SqlWriter, StatementKind};
use crate::error::Result;
use crate::expr::{Expr, Name};
use crate::stmt::insert::InsertStmt;
use crate::stmt::select::TableRef;
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
    pub(crate) stmt: InsertStmt,
}

impl CopyPlan {
    /// The same rows as multi-row INSERTs.
    pub fn fallback(self, dialect: &dyn Dialect) -> Result<Plan> {
        let mut stmt = self.stmt;
        stmt.columns.truncate(self.columns);
        stmt.values = Vec::new();
        stmt.plain = self.values;
        // Every cell is a value now (a row given out of order may have set the flag).
        stmt.any_default = false;
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
                kind: StatementKind::Insert,
            })
            .collect()
    }
}

/// How the executor runs an INSERT: COPY for a large plain load where the dialect has it,
/// else one statement or a batch.
/// `COPY t (a, b) FROM STDIN (FORMAT binary)` and its probe, `SELECT a, b FROM t`.
pub(crate) fn copy_texts(
    t: &TableRef,
    names: &[String],
    d: &dyn Dialect,
) -> Result<(String, String)> {
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
    let Some((cols, consts)) = plain_columns(s, d)? else {
        return Err(invalid("these columns cannot take rows bound one by one"));
    };
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
pub(crate) fn rows_per_statement(d: &dyn Dialect, width: usize) -> usize {
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

/// The text of one statement of a rows plan ([`RowsPlan`]) holding `rows` rows: its head, the
/// dialect's placeholders, its tail. The one place the bulk path's INSERT text is written.
pub(crate) fn rows_statement(
    d: &dyn Dialect,
    head: &str,
    tail: &str,
    width: usize,
    rows: usize,
) -> String {
    let mut w = SqlWriter::new(d);
    w.reserve(head.len() + rows * (width * 6 + 4) + tail.len());
    w.push(head);
    w.push_placeholder_rows(rows, width);
    w.push(tail);
    w.finish().sql
}
