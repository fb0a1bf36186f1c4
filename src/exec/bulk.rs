//! Statements too large for one: split INSERTs run atomically, bulk copies, and rows
//! inserted straight from the caller's data.

use super::connection::traced;
use super::{Connection, ExecResult, RowFor};
use crate::compile::dml::{Chunked, CopyPlan, RowsPlan};
use crate::compile::{Dialect, Plan, StatementKind};
use crate::error::{Error, Result};
use crate::stmt::clauses::ColumnNames;
use crate::stmt::select::TableSource;
use crate::value::{Row, Value};

/// The statement layout of an [`crate::Executor::insert_rows`] into `table`'s `columns`, rows of
/// `Item`.
pub(crate) fn rows_plan<C: ColumnNames, Item: RowFor<C>>(
    table: impl TableSource,
    columns: C,
    dialect: &dyn Dialect,
) -> Result<RowsPlan> {
    let stmt = crate::stmt::insert::insert(table)
        .columns(columns)
        .into_stmt();
    crate::compile::dml::rows_plan(&stmt, Item::WIDTH, dialect)
}

impl Connection {
    /// Inserts `rows` through a plan made by [`rows_plan`]; see [`crate::Executor::insert_rows`].
    pub(crate) async fn insert_rows_planned<C, I>(
        &mut self,
        plan: &RowsPlan,
        rows: I,
    ) -> Result<u64>
    where
        I: Iterator + Send,
        I::Item: RowFor<C> + Send,
    {
        match rows.size_hint() {
            (low, Some(high)) if low == high => self.insert_counted::<C, _>(plan, rows, low).await,
            _ => {
                // The number of rows must be known before the first statement is written.
                let rows: Vec<I::Item> = rows.collect();
                let n = rows.len();
                self.insert_counted::<C, _>(plan, rows.into_iter(), n).await
            }
        }
    }

    /// [`Executor::insert_rows`] of `n` rows (as the iterator says: checked).
    async fn insert_counted<C, I>(&mut self, plan: &RowsPlan, rows: I, n: usize) -> Result<u64>
    where
        I: Iterator + Send,
        I::Item: crate::exec::RowFor<C>,
    {
        if n == 0 {
            return Ok(0);
        }
        let mut source = super::Rows {
            iter: rows,
            consts: &plan.consts,
            given: 0,
            _columns: std::marker::PhantomData::<fn() -> C>,
        };
        let done = self
            .load_atomically(plan, n, &mut source, |source| {
                if source.given != n || source.iter.next().is_some() {
                    return Err(Error::InvalidStatement(format!(
                        "the rows' iterator said it had {n} rows but gave {}",
                        if source.given == n {
                            "more".to_owned()
                        } else {
                            source.given.to_string()
                        }
                    )));
                }
                Ok(())
            })
            .await?;
        Ok(done.rows_affected)
    }

    /// Runs `n` rows of `source` ([`Connection::load_rows`]) in a transaction (a savepoint
    /// inside one) that commits only if `check` then accepts the source: all the rows land,
    /// or none.
    async fn load_atomically<S: super::RowSource>(
        &mut self,
        plan: &RowsPlan,
        n: usize,
        source: &mut S,
        check: impl FnOnce(&mut S) -> Result<()>,
    ) -> Result<ExecResult> {
        let mut tx = self.begin().await?;
        let result = Box::pin(tx.load_rows(plan, n, source))
            .await
            .and_then(|done| check(source).map(|()| done));
        match result {
            Ok(done) => {
                tx.commit().await?;
                Ok(done)
            }
            Err(e) => {
                // Undone now rather than before the connection's next statement, so that
                // the transaction does not hold its locks meanwhile.
                let _ = tx.rollback().await;
                Err(e)
            }
        }
    }

    /// Runs an insert of rows bound by reference: through the backend's own path, or as
    /// multi-row INSERTs of values collected one statement at a time.
    async fn load_rows(
        &mut self,
        plan: &RowsPlan,
        n: usize,
        source: &mut dyn super::RowSource,
    ) -> Result<ExecResult> {
        self.settle().await?;
        let (backend, log, dialect) = (self.backend, self.trace, self.dialect);
        let mut request = super::InsertRows {
            width: plan.width,
            rows: n,
            max_rows: plan.max_rows,
            copy_sql: &plan.copy_sql,
            probe_sql: &plan.probe_sql,
            source,
            head: &plan.head,
            tail: &plan.tail,
            dialect,
            taken: 0,
            carry: Vec::new(),
        };
        if let Some(fut) = self.inner()?.insert_rows(&mut request) {
            let rows = |r: &ExecResult| r.rows_affected;
            return traced(backend, &plan.head, &[], log, rows, fut).await;
        }
        // Values collected one statement at a time, within the parameter and size limits.
        let max_bytes = dialect.features().max_statement_bytes;
        let mut values: Vec<Value> = Vec::new();
        let mut total = ExecResult::default();
        loop {
            values.clear();
            let n = request.next_statement(max_bytes, &mut |c| values.push(c.into_value()))?;
            if n == 0 {
                break;
            }
            let sql = request.statement(n);
            let r = self
                .execute_sql(&sql, &values, StatementKind::Insert)
                .await?;
            total.rows_affected += r.rows_affected;
            total.last_insert_id = total.last_insert_id.or(r.last_insert_id);
        }
        Ok(total)
    }

    /// Loads a COPY plan through the backend; `None` when it has no copy path.
    async fn run_copy(&mut self, copy: &CopyPlan) -> Result<Option<u64>> {
        self.settle().await?;
        let (backend, log) = (self.backend, self.trace);
        let inner = self.inner()?;
        let request = super::backend::CopyIn {
            copy_sql: &copy.copy_sql,
            probe_sql: &copy.probe_sql,
            columns: copy.columns,
            values: &copy.values,
        };
        match inner.copy_in(request) {
            Some(fut) => Ok(Some(
                traced(backend, &copy.copy_sql, &[], log, |n: &u64| *n, fut).await?,
            )),
            None => Ok(None),
        }
    }

    /// Runs a statement split in several (a large INSERT) in one transaction, or a
    /// savepoint inside the current one: all of it lands or none. Returns the summed
    /// result and, when `rows`, the rows every part returned.
    ///
    /// Callers box this future: it is rare and large, and the one-statement paths should not
    /// carry its size in their own.
    pub(super) async fn run_plan(
        &mut self,
        plan: Plan,
        rows: bool,
    ) -> Result<(ExecResult, Vec<Row>)> {
        let mut total = ExecResult::default();
        let mut out = Vec::new();
        let batch = match plan {
            Plan::One(c) => vec![c],
            // (The connection decodes a scaled query's rows; a batch never holds one.)
            Plan::Scaled(c, _) => vec![c],
            Plan::Batch(v) => v,
            Plan::Chunked(mut chunks) if !rows => {
                // Run as rows moved out of the plan's values, so that a backend can bind them
                // its own way (SQLite in place, one prepared statement for every full part).
                let plan = RowsPlan::of_chunked(&mut chunks, self.dialect);
                let n = chunks.params.len() / plan.width;
                let mut source = super::rows::MovedRows {
                    values: chunks.params.chunks_exact_mut(plan.width),
                };
                total = self
                    .load_atomically(&plan, n, &mut source, |_| Ok(()))
                    .await?;
                // Its values went to the backend: nothing heavy is left to free.
                return Ok((total, out));
            }
            Plan::Chunked(mut chunks) => {
                let mut tx = self.begin().await?;
                let Chunked {
                    texts,
                    parts,
                    params,
                    ..
                } = &mut *chunks;
                // Each statement's values are freed while the next one runs (the caller
                // waits then anyway), rather than all at the end.
                let (mut start, mut freed) = (0, 0);
                for &(t, end) in parts.iter() {
                    let (done, rest) = params.split_at_mut(start);
                    let run =
                        tx.run_part(&texts[t], &rest[..end - start], rows, &mut total, &mut out);
                    let mut run = std::pin::pin!(run);
                    // The first poll starts the statement.
                    let first = std::future::poll_fn(|cx| {
                        std::task::Poll::Ready(std::future::Future::poll(run.as_mut(), cx))
                    })
                    .await;
                    for v in &mut done[freed..] {
                        *v = Value::Bool(false);
                    }
                    match first {
                        std::task::Poll::Ready(r) => r?,
                        std::task::Poll::Pending => run.await?,
                    }
                    (freed, start) = (start, end);
                }
                tx.commit().await?;
                let cells = chunks.params.len() - freed;
                drop_later(chunks, cells);
                return Ok((total, out));
            }
            Plan::Copy(copy) => {
                // Inside a transaction the copy gets a savepoint, so a failed load leaves the
                // transaction usable, as a failed split INSERT does.
                let copied = if self.depth > 0 {
                    let mut tx = self.begin().await?;
                    let n = tx.run_copy(&copy).await?;
                    tx.commit().await?;
                    n
                } else {
                    self.run_copy(&copy).await?
                };
                if let Some(n) = copied {
                    total.rows_affected = n;
                    let cells = copy.values.len();
                    drop_later(copy, cells);
                    return Ok((total, out));
                }
                // No copy path: the same rows as INSERTs (never a copy plan again).
                return Box::pin(self.run_plan(copy.fallback(self.dialect)?, rows)).await;
            }
        };
        let mut tx = self.begin().await?;
        for c in &batch {
            tx.run_part(&c.sql, &c.params, rows, &mut total, &mut out)
                .await?;
        }
        tx.commit().await?;
        let cells = batch.iter().map(|c| c.params.len()).sum();
        drop_later(batch, cells);
        Ok((total, out))
    }

    /// Runs one statement of a split one, adding its result to `total` (and its rows to
    /// `out` when `rows`).
    async fn run_part(
        &mut self,
        sql: &str,
        params: &[Value],
        rows: bool,
        total: &mut ExecResult,
        out: &mut Vec<Row>,
    ) -> Result<()> {
        if rows {
            let r = self.fetch_sql(sql, params).await?;
            total.rows_affected += r.len() as u64;
            out.extend(r);
        } else {
            let r = self.execute_sql(sql, params, StatementKind::Insert).await?;
            total.rows_affected += r.rows_affected;
            total.last_insert_id = total.last_insert_id.or(r.last_insert_id);
        }
        Ok(())
    }
}

/// Frees a large batch off the caller's path: dropping hundreds of thousands of values (and
/// their strings) takes milliseconds the caller need not wait for. Small ones drop here.
fn drop_later<T: Send + 'static>(value: T, cells: usize) {
    if cells < 50_000 {
        return;
    }
    // If the thread cannot start, the closure (and the value) drops right here.
    let _ = std::thread::Builder::new()
        .name("quarry-drop".into())
        .spawn(move || drop(value));
}
