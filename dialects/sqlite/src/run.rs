//! Running one statement on a `rusqlite::Connection`: execute, fetch, stream rows, scripts and
//! bulk inserts. Everything here runs on the thread that holds the connection (its dedicated
//! thread, or a thread inside `block_in_place` / `spawn_blocking`).

use crate::bind::{bind, bind_cell, Params, TEXT_BUF};
use crate::cache::Cache;
use crate::deadline::Deadline;
use crate::decode::{decode_row, Meta};
use crate::error::error;
use quarry::{Error, ExecResult, Result, Row};
use std::sync::Arc;

/// Steps a bound statement to its end (any rows it returns, RETURNING's say, read and
/// dropped); the number of rows it changed (0 for one that changed none, rather than the
/// count of an earlier statement).
fn run_to_end(
    conn: &rusqlite::Connection,
    stmt: &mut rusqlite::Statement<'_>,
) -> rusqlite::Result<u64> {
    let before = conn.total_changes();
    {
        let mut rows = stmt.raw_query();
        while rows.next()?.is_some() {}
    }
    Ok(if conn.total_changes() == before {
        0
    } else {
        conn.changes()
    })
}

/// Runs an insert of rows bound by reference: statements of up to `max_rows` rows, each
/// cell bound as the source gives it. The statements of a full `max_rows` run one prepared
/// statement again and again; the last, shorter one has its own. Each statement has the
/// statement timeout's `deadline` (if one is set) to itself.
pub(crate) fn insert_rows(
    conn: &rusqlite::Connection,
    cache: &mut Cache,
    rows: &mut quarry::backend::InsertRows<'_>,
    deadline: Option<&Deadline>,
) -> Result<ExecResult> {
    let (mut done, mut written) = (0, 0);
    let mut last_insert_id = None;
    let mut buf = [0u8; TEXT_BUF];
    while done < rows.rows {
        let n = (rows.rows - done).min(rows.max_rows);
        let sql = rows.statement(n);
        let mut stmt = conn
            .prepare_cached(&sql)
            .map_err(|e| error(e, Some(&sql)))?;
        let expected = stmt.parameter_count();
        while rows.rows - done >= n {
            let (mut at, mut failed) = (0, None);
            for _ in 0..n {
                let more = rows.source.next_row(&mut |cell| {
                    if failed.is_none() {
                        at += 1;
                        failed = bind_cell(&mut stmt, at, &cell, &mut buf).err();
                    }
                });
                if let Some(e) = failed.take() {
                    return Err(e);
                }
                if !more {
                    return Err(Error::InvalidStatement(format!(
                        "the rows ended after {} of {}",
                        done + at / rows.width.max(1),
                        rows.rows
                    )));
                }
            }
            if at != expected {
                return Err(Error::InvalidStatement(format!(
                    "rows of {} values bound to a statement of {expected} parameters",
                    at / n
                )));
            }
            if let Some(d) = deadline {
                d.start();
            }
            let r = run_to_end(conn, &mut stmt);
            cache.after_run(&sql, &stmt, false);
            let r = r.map_err(|e| error(e, Some(&sql)));
            let changed = match deadline {
                Some(d) => d.finish(r),
                None => r,
            }?;
            if done == 0 && changed > 0 {
                // As a split INSERT reports it: the first statement's.
                last_insert_id = Some(conn.last_insert_rowid());
            }
            written += changed;
            done += n;
        }
    }
    Ok(ExecResult {
        rows_affected: written,
        last_insert_id,
    })
}

pub(crate) fn execute(
    conn: &rusqlite::Connection,
    cache: &mut Cache,
    sql: &str,
    params: Params<'_>,
    insert: bool,
) -> Result<ExecResult> {
    let mut stmt = conn.prepare_cached(sql).map_err(|e| error(e, Some(sql)))?;
    bind(&mut stmt, params, sql)?;
    let rowid = conn.last_insert_rowid();
    let r = run_to_end(conn, &mut stmt);
    cache.after_run(sql, &stmt, false);
    let rows_affected = r.map_err(|e| error(e, Some(sql)))?;
    let new_rowid = conn.last_insert_rowid();
    let last_insert_id = ((insert && rows_affected > 0) || new_rowid != rowid).then_some(new_rowid);
    Ok(ExecResult {
        rows_affected,
        last_insert_id,
    })
}

/// Runs a query and decodes every row.
pub(crate) fn fetch_all(
    conn: &rusqlite::Connection,
    cache: &mut Cache,
    sql: &str,
    params: Params<'_>,
) -> Result<Vec<Row>> {
    let mut out = Vec::new();
    fetch_each(conn, cache, sql, params, |row| match row {
        Ok(row) => {
            out.push(row);
            Ok(true)
        }
        Err(e) => Err(e),
    })?;
    Ok(out)
}

/// Runs a query and returns its first row. A read-only statement stops there, as rusqlite's
/// `query_row` does: SQLite does not look for a second row. Any other statement (an INSERT …
/// RETURNING, say) is still stepped to its end, so that all of it runs, but its further
/// rows are not decoded.
pub(crate) fn fetch_first(
    conn: &rusqlite::Connection,
    cache: &mut Cache,
    sql: &str,
    params: Params<'_>,
) -> Result<Option<Row>> {
    let mut first = None;
    fetch_rows(conn, cache, sql, params, Until::FirstRow, |row| {
        first = Some(row?);
        Ok(false)
    })?;
    Ok(first)
}

/// Where [`fetch_rows`] stops when `emit` asks for no more rows.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Until {
    /// At once (the statement is reset).
    Asked,
    /// At once for a read-only statement; any other is stepped to its end without decoding.
    FirstRow,
}

/// Runs a query and hands each decoded row to `emit`, which returns false to stop early (the
/// statement is then reset, as it is at the end) or an error to give up.
///
/// The result's metadata is read after the first step: a cached statement whose tables
/// changed is re-prepared by that step, and its declared types may change with it.
pub(crate) fn fetch_each(
    conn: &rusqlite::Connection,
    cache: &mut Cache,
    sql: &str,
    params: Params<'_>,
    emit: impl FnMut(Result<Row>) -> Result<bool>,
) -> Result<()> {
    fetch_rows(conn, cache, sql, params, Until::Asked, emit)
}

fn fetch_rows(
    conn: &rusqlite::Connection,
    cache: &mut Cache,
    sql: &str,
    params: Params<'_>,
    until: Until,
    mut emit: impl FnMut(Result<Row>) -> Result<bool>,
) -> Result<()> {
    let mut stmt = conn.prepare_cached(sql).map_err(|e| error(e, Some(sql)))?;
    bind(&mut stmt, params, sql)?;
    let drain = until == Until::FirstRow && !stmt.readonly();
    let mut meta_read = false;
    let out = {
        let mut rows = stmt.raw_query();
        let mut meta: Option<Arc<Meta>> = None;
        loop {
            match rows.next() {
                Ok(Some(row)) => {
                    let meta = meta.get_or_insert_with(|| {
                        meta_read = true;
                        cache.meta(sql, row.as_ref())
                    });
                    match emit(decode_row(row, meta, sql)) {
                        Ok(true) => {}
                        Ok(false) if drain => {
                            break loop {
                                match rows.next() {
                                    Ok(Some(_)) => {}
                                    Ok(None) => break Ok(()),
                                    Err(e) => break Err(error(e, Some(sql))),
                                }
                            }
                        }
                        Ok(false) => break Ok(()),
                        Err(e) => break Err(e),
                    }
                }
                Ok(None) => break Ok(()),
                Err(e) => break Err(error(e, Some(sql))),
            }
        }
    };
    cache.after_run(sql, &stmt, meta_read);
    out
}

/// Runs SQL text that may hold several statements. One statement goes through the statement
/// cache (transactions send `BEGIN IMMEDIATE`, `COMMIT`, … one at a time).
pub(crate) fn execute_script(
    conn: &rusqlite::Connection,
    cache: &mut Cache,
    sql: &str,
) -> Result<()> {
    let single = !sql.trim_end().trim_end_matches(';').contains(';');
    if single && !sql.trim().is_empty() {
        return execute(conn, cache, sql, Params::NONE, false).map(|_| ());
    }
    // Several statements: not cached, and not counted as work.
    cache.last_work = 0;
    conn.execute_batch(sql).map_err(|e| error(e, Some(sql)))
}
