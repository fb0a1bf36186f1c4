//! [`Connection`]: a pooled connection, its transaction levels and the one-statement paths.

use super::stream::{rescale, scaled, VecStream};
use super::{BackendConnection, BoxFuture, ExecResult, RowStream, Transaction};
use crate::compile::{Compiled, DdlStep, Dialect, Plan, SqlWriter, StatementKind, StepOwner};
use crate::error::{Error, Result};
use crate::schema::MetaData;
use crate::stmt::tx::TxOptions;
use crate::value::{Row, Value};
use std::collections::HashSet;
use std::fmt;
use std::ops::{Deref, DerefMut};
use std::time::{Duration, Instant};
use tracing::{Instrument, Level};

/// The connection a call runs on: checked out of the pool for it (and returned after), or
/// borrowed (a connection's, a transaction's).
#[doc(hidden)]
pub enum ConnRef<'c> {
    /// Checked out for this call or this transaction.
    Owned(Connection),
    /// The caller's.
    Borrowed(&'c mut Connection),
}

impl Deref for ConnRef<'_> {
    type Target = Connection;
    fn deref(&self) -> &Connection {
        match self {
            ConnRef::Owned(c) => c,
            ConnRef::Borrowed(c) => c,
        }
    }
}

impl DerefMut for ConnRef<'_> {
    fn deref_mut(&mut self) -> &mut Connection {
        match self {
            ConnRef::Owned(c) => c,
            ConnRef::Borrowed(c) => c,
        }
    }
}

/// A connection checked out of an [`Engine`](crate::Engine)'s pool; returned when dropped (or closed, if it is
/// dropped inside a transaction).
pub struct Connection {
    pub(super) inner: Option<Box<dyn BackendConnection>>,
    pub(super) dialect: &'static dyn Dialect,
    pub(super) backend: &'static str,
    pub(super) trace: Trace,
    /// Open transaction levels (0: none; 1: a transaction; 2+: savepoints).
    pub(super) depth: usize,
    /// The level a dropped transaction left to roll back before the next statement.
    pub(super) pending_rollback: Option<usize>,
    /// The transaction-control statement (`BEGIN`, `COMMIT`, …) whose future was dropped
    /// before its reply was read: set before it is sent, cleared once it has ended (see
    /// [`Connection::control`]).
    pub(super) interrupted: Option<&'static str>,
    /// Counts the connection as checked out, for [`Engine::close`](crate::Engine::close);
    /// declared last, so that it ends after the backend connection has gone back.
    pub(super) active: Option<super::engine::Active>,
}

impl fmt::Debug for Connection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Connection")
            .field("dialect", &self.dialect.name())
            .field("depth", &self.depth)
            .field("interrupted", &self.interrupted)
            .finish_non_exhaustive()
    }
}

impl Drop for Connection {
    fn drop(&mut self) {
        if self.depth > 0 || self.pending_rollback.is_some() || self.interrupted.is_some() {
            if let Some(inner) = self.inner.as_mut() {
                inner.discard();
            }
        }
    }
}

/// One statement's call on a backend connection (`fetch_all`, `fetch_first`).
type BackendCall<T> =
    for<'a> fn(&'a mut dyn BackendConnection, &'a str, &'a [Value]) -> BoxFuture<'a, Result<T>>;

pub(super) fn savepoint(level: usize) -> String {
    format!("quarry_sp_{level}")
}

/// The error of a connection on which a transaction-control statement was interrupted.
fn interrupted(what: &str) -> Error {
    Error::connection(
        format!(
            "a {what} on this connection was interrupted (its future was dropped before the \
             reply was read), so whether it took effect is unknown; the connection is closed"
        ),
        None,
    )
}

impl Connection {
    /// The dialect statements are compiled for.
    ///
    /// ```no_run
    /// # async fn demo(e: quarry::Engine) -> quarry::Result<()> {
    /// let c = e.acquire().await?;
    /// println!("{}", c.dialect().name());
    /// # Ok(()) }
    /// ```
    pub fn dialect(&self) -> &'static dyn Dialect {
        self.dialect
    }

    /// How many transaction levels are open (0 outside a transaction).
    ///
    /// ```no_run
    /// # async fn demo(e: quarry::Engine) -> quarry::Result<()> {
    /// let mut c = e.acquire().await?;
    /// assert_eq!(c.transaction_depth(), 0);
    /// # Ok(()) }
    /// ```
    pub fn transaction_depth(&self) -> usize {
        self.depth
    }

    pub(super) fn inner(&mut self) -> Result<&mut Box<dyn BackendConnection>> {
        self.inner
            .as_mut()
            .ok_or_else(|| Error::connection("connection already released", None))
    }

    /// Before the next statement: refuses a connection on which a transaction-control
    /// statement was interrupted, and rolls back what a dropped transaction left open.
    pub(super) async fn settle(&mut self) -> Result<()> {
        if let Some(what) = self.interrupted {
            if let Some(inner) = self.inner.as_mut() {
                inner.discard();
            }
            return Err(interrupted(what));
        }
        if let Some(level) = self.pending_rollback {
            let (sql, what) = if level <= 1 {
                ("ROLLBACK".to_owned(), "ROLLBACK")
            } else {
                let sp = savepoint(level);
                (
                    format!("ROLLBACK TO SAVEPOINT {sp}; RELEASE SAVEPOINT {sp}"),
                    "ROLLBACK TO SAVEPOINT",
                )
            };
            self.control(&sql, what, false).await?;
            self.pending_rollback = None;
        }
        Ok(())
    }

    /// Runs a transaction-control statement (`what` names it), traced when `trace`.
    ///
    /// If this future is dropped after the statement may have been sent and before its reply
    /// is read, `interrupted` stays set: the server's transaction state is then unknown (a
    /// COMMIT may or may not have landed, a BEGIN may or may not have opened a transaction),
    /// and no backend-neutral way learns it (tokio-postgres does not expose the session's
    /// transaction status, SQLite may still be running the statement on its thread, and the
    /// MariaDB driver is out of step with the server). So the connection is never trusted
    /// again: every later statement on it is a connection error and the backend connection is
    /// closed rather than pooled (which ends any transaction it left open), as for a connection
    /// lost mid-COMMIT. A future dropped before its first poll sends nothing and is handled by
    /// [`Transaction`]'s drop instead.
    pub(super) async fn control(
        &mut self,
        sql: &str,
        what: &'static str,
        trace: bool,
    ) -> Result<()> {
        self.interrupted = Some(what);
        let (backend, log) = (self.backend, self.trace);
        let out = match self.inner() {
            // BEGIN goes through its own call: a backend may send it again on another
            // connection when the reply was lost, which it may not do for other statements.
            Ok(inner) if what == "BEGIN" => {
                traced(backend, sql, &[], log, |_| 0, inner.begin(sql)).await
            }
            Ok(inner) if trace => {
                traced(backend, sql, &[], log, |_| 0, inner.execute_script(sql)).await
            }
            Ok(inner) => inner.execute_script(sql).await,
            Err(e) => Err(e),
        };
        self.interrupted = None;
        out
    }

    pub(super) async fn script(&mut self, sql: &str) -> Result<()> {
        let (backend, log) = (self.backend, self.trace);
        let inner = self.inner()?;
        traced(backend, sql, &[], log, |_| 0, inner.execute_script(sql)).await
    }

    /// Opens the next transaction level: BEGIN, or a savepoint inside a transaction.
    pub(super) async fn start(&mut self, options: TxOptions) -> Result<()> {
        self.settle().await?;
        let (sql, what) = if self.depth == 0 {
            let mut w = SqlWriter::new(self.dialect);
            self.dialect.write_begin(&mut w, &options)?;
            (w.finish().sql, "BEGIN")
        } else {
            if options != TxOptions::default() {
                return Err(Error::InvalidStatement(
                    "isolation level and read-only apply to the outermost transaction only".into(),
                ));
            }
            (
                format!("SAVEPOINT {}", savepoint(self.depth + 1)),
                "SAVEPOINT",
            )
        };
        // If this future is dropped while the statement is in flight, `control` leaves the
        // connection marked interrupted: it is not used again, nor pooled.
        self.control(&sql, what, true).await?;
        self.depth += 1;
        Ok(())
    }

    /// Starts a transaction on this connection (a savepoint if one is already open); it rolls
    /// back if dropped uncommitted.
    ///
    /// ```no_run
    /// # async fn demo(e: quarry::Engine) -> quarry::Result<()> {
    /// let mut conn = e.acquire().await?;
    /// let mut tx = conn.begin().await?;
    /// let inner = tx.begin().await?; // SAVEPOINT
    /// inner.rollback().await?;       // ROLLBACK TO SAVEPOINT
    /// tx.commit().await?;
    /// # Ok(()) }
    /// ```
    pub async fn begin(&mut self) -> Result<Transaction<'_>> {
        self.begin_with(TxOptions::default()).await
    }

    /// Starts a transaction with options (outermost level only).
    ///
    /// ```no_run
    /// # async fn demo(e: quarry::Engine) -> quarry::Result<()> {
    /// let mut conn = e.acquire().await?;
    /// let tx = conn.begin_with(quarry::TxOptions::default().read_only()).await?;
    /// tx.commit().await?;
    /// # Ok(()) }
    /// ```
    pub async fn begin_with(&mut self, options: TxOptions) -> Result<Transaction<'_>> {
        self.start(options).await?;
        let level = self.depth;
        Ok(Transaction {
            conn: ConnRef::Borrowed(self),
            level,
            done: false,
        })
    }

    pub(super) async fn execute_compiled(&mut self, c: &Compiled) -> Result<ExecResult> {
        self.execute_sql(&c.sql, &c.params, c.kind).await
    }

    pub(super) async fn execute_sql(
        &mut self,
        sql: &str,
        params: &[Value],
        kind: StatementKind,
    ) -> Result<ExecResult> {
        self.settle().await?;
        let (backend, log) = (self.backend, self.trace);
        let inner = self.inner()?;
        traced(
            backend,
            sql,
            params,
            log,
            |r: &ExecResult| r.rows_affected,
            inner.execute(sql, params, kind),
        )
        .await
    }

    pub(super) async fn fetch_compiled(&mut self, c: &Compiled) -> Result<Vec<Row>> {
        self.fetch_sql(&c.sql, &c.params).await
    }

    pub(super) async fn fetch_sql(&mut self, sql: &str, params: &[Value]) -> Result<Vec<Row>> {
        self.traced_call(
            sql,
            params,
            |rows: &Vec<Row>| rows.len() as u64,
            |c, s, p| c.fetch_all(s, p),
        )
        .await
    }

    /// The first row of one statement (the backend may stop reading there).
    pub(super) async fn fetch_first(&mut self, sql: &str, params: &[Value]) -> Result<Option<Row>> {
        self.traced_call(
            sql,
            params,
            |row: &Option<Row>| u64::from(row.is_some()),
            |c, s, p| c.fetch_first(s, p),
        )
        .await
    }

    /// Runs one backend call for `sql` in its tracing span, once any unfinished business on
    /// the connection is settled.
    pub(super) async fn traced_call<T>(
        &mut self,
        sql: &str,
        params: &[Value],
        rows: fn(&T) -> u64,
        call: BackendCall<T>,
    ) -> Result<T> {
        self.settle().await?;
        let (backend, log) = (self.backend, self.trace);
        let inner = self.inner()?;
        traced(
            backend,
            sql,
            params,
            log,
            rows,
            call(&mut **inner, sql, params),
        )
        .await
    }

    /// Runs a compiled plan; the rows affected and the generated id where reported.
    pub(crate) async fn execute_plan(&mut self, plan: Plan) -> Result<ExecResult> {
        match plan {
            Plan::One(c) | Plan::Scaled(c, _) => self.execute_compiled(&c).await,
            plan => Ok(Box::pin(self.run_plan(plan, false)).await?.0),
        }
    }

    /// Runs a compiled plan; all its rows.
    pub(crate) async fn fetch_all_plan(&mut self, plan: Plan) -> Result<Vec<Row>> {
        match plan {
            Plan::One(c) => self.fetch_compiled(&c).await,
            Plan::Scaled(c, scales) => self
                .fetch_compiled(&c)
                .await?
                .into_iter()
                .map(|row| rescale(row, &scales))
                .collect(),
            plan => Ok(Box::pin(self.run_plan(plan, true)).await?.1),
        }
    }

    /// Runs a compiled plan that must return a row; the first one.
    pub(crate) async fn fetch_one_plan(&mut self, plan: Plan) -> Result<Row> {
        match plan {
            Plan::One(c) => self
                .fetch_first(&c.sql, &c.params)
                .await?
                .ok_or_else(|| Error::NotFound { sql: c.sql }),
            Plan::Scaled(c, scales) => match self.fetch_first(&c.sql, &c.params).await? {
                Some(row) => rescale(row, &scales),
                None => Err(Error::NotFound { sql: c.sql }),
            },
            plan => {
                let rows = Box::pin(self.run_plan(plan, true)).await?.1;
                rows.into_iter().next().ok_or_else(|| Error::NotFound {
                    sql: "(an INSERT run as several statements)".into(),
                })
            }
        }
    }

    /// Runs a compiled plan; its first row, if any.
    pub(crate) async fn fetch_optional_plan(&mut self, plan: Plan) -> Result<Option<Row>> {
        match plan {
            Plan::One(c) => self.fetch_first(&c.sql, &c.params).await,
            Plan::Scaled(c, scales) => self
                .fetch_first(&c.sql, &c.params)
                .await?
                .map(|row| rescale(row, &scales))
                .transpose(),
            plan => Ok(Box::pin(self.run_plan(plan, true))
                .await?
                .1
                .into_iter()
                .next()),
        }
    }

    /// Streams a compiled plan's rows; the connection is busy until the stream ends or is
    /// dropped.
    pub(crate) async fn stream_plan(&mut self, plan: Plan) -> Result<RowStream<'_>> {
        let (c, scales) = match self.one_or_rows(plan).await? {
            Ok(one) => one,
            Err(rows) => return Ok(rows),
        };
        self.settle().await?;
        let span = tracing::debug_span!("quarry.stream", backend = self.backend, sql = %c.sql);
        let inner = self.inner()?;
        Ok(RowStream {
            inner: scaled(inner.fetch_stream(c.sql, c.params), scales),
            span,
            _active: None,
        })
    }

    /// Streams a compiled plan's rows on a connection the stream then owns (and returns to
    /// the pool when it ends or is dropped).
    pub(crate) async fn into_stream(mut self, plan: Plan) -> Result<RowStream<'static>> {
        let (c, scales) = match self.one_or_rows(plan).await? {
            Ok(one) => one,
            Err(rows) => return Ok(rows),
        };
        self.settle().await?;
        let span = tracing::debug_span!("quarry.stream", backend = self.backend, sql = %c.sql);
        let inner = self
            .inner
            .take()
            .ok_or_else(|| Error::connection("connection already released", None))?;
        Ok(RowStream {
            inner: scaled(inner.into_stream(c.sql, c.params), scales),
            span,
            _active: self.active.take(),
        })
    }

    /// The one statement of `plan`, or, for a statement split in several, their rows: they
    /// run as one transaction first and then stream from memory.
    pub(super) async fn one_or_rows(
        &mut self,
        plan: Plan,
    ) -> Result<std::result::Result<(Compiled, Option<Box<[(usize, u16)]>>), RowStream<'static>>>
    {
        match plan {
            Plan::One(c) => Ok(Ok((c, None))),
            Plan::Scaled(c, scales) => Ok(Ok((c, Some(scales)))),
            plan => {
                let rows = Box::pin(self.run_plan(plan, true)).await?.1;
                Ok(Err(RowStream {
                    inner: Box::pin(VecStream(rows.into_iter())),
                    span: tracing::Span::none(),
                    _active: None,
                }))
            }
        }
    }

    /// Runs SQL text holding one or more statements, without parameters.
    pub(crate) async fn run_script(&mut self, sql: &str) -> Result<()> {
        self.settle().await?;
        self.script(sql).await
    }

    /// Whether table `name` exists in `schema` (or the current schema).
    pub(crate) async fn table_exists(&mut self, schema: Option<&str>, name: &str) -> Result<bool> {
        let mut w = SqlWriter::new(self.dialect);
        self.dialect.write_table_exists(&mut w, schema, name);
        Ok(!self.fetch_compiled(&w.finish()).await?.is_empty())
    }

    pub(super) async fn has_type(&mut self, schema: Option<&str>, name: &str) -> Result<bool> {
        let mut w = SqlWriter::new(self.dialect);
        self.dialect.write_type_exists(&mut w, schema, name)?;
        Ok(!self.fetch_compiled(&w.finish()).await?.is_empty())
    }

    /// Runs a DDL plan, skipping the objects that already exist (creating) or are missing
    /// (dropping); in one transaction where the dialect has transactional DDL.
    pub(super) async fn run_steps(
        &mut self,
        md: &MetaData,
        steps: Vec<DdlStep>,
        creating: bool,
    ) -> Result<()> {
        let mut skip_tables = HashSet::new();
        let mut skip_types = HashSet::new();
        for (i, t) in md.tables().iter().enumerate() {
            if self.table_exists(t.schema.as_deref(), &t.name).await? == creating {
                skip_tables.insert(i);
            }
        }
        for s in &steps {
            if let StepOwner::Type(schema, name) = &s.owner {
                if self.has_type(schema.as_deref(), name).await? == creating {
                    skip_types.insert((schema.clone(), name.clone()));
                }
            }
        }
        let todo: Vec<&DdlStep> = steps
            .iter()
            .filter(|s| match &s.owner {
                StepOwner::Table(i) => !skip_tables.contains(i),
                StepOwner::Type(schema, name) => {
                    !skip_types.contains(&(schema.clone(), name.clone()))
                }
            })
            .collect();
        if todo.is_empty() {
            return Ok(());
        }
        if self.dialect.features().transactional_ddl {
            let mut tx = self.begin().await?;
            for s in todo {
                tx.execute_compiled(&s.compiled).await?;
            }
            tx.commit().await
        } else {
            for s in todo {
                self.execute_compiled(&s.compiled).await?;
            }
            Ok(())
        }
    }
}

/// How statements are traced: an engine's settings, copied into each of its connections.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Trace {
    /// Record bound parameters ([`crate::PoolOptions::log_parameters`]).
    pub(crate) log_parameters: bool,
    /// Log statements that run this long at `warn`
    /// ([`crate::PoolOptions::slow_statement_threshold`]).
    pub(crate) slow: Option<Duration>,
}

impl Default for Trace {
    fn default() -> Self {
        Trace {
            log_parameters: false,
            slow: Some(super::options::DEFAULT_SLOW_STATEMENT),
        }
    }
}

/// The target of the statement events: `RUST_LOG=quarry::query=debug` shows every statement.
const QUERY: &str = "quarry::query";

/// SQL longer than this (in bytes) is cut in statement events; the span keeps it whole.
const SQL_SUMMARY_BYTES: usize = 500;

/// Runs `fut` inside a tracing span describing one statement, then emits its event: `debug`
/// on the `quarry::query` target, `warn` when it ran at least `trace.slow`. Nothing is
/// measured when neither the span nor the events are enabled.
pub(super) async fn traced<T>(
    backend: &'static str,
    sql: &str,
    params: &[crate::Value],
    trace: Trace,
    rows: impl Fn(&T) -> u64,
    fut: impl std::future::Future<Output = Result<T>>,
) -> Result<T> {
    let span = tracing::debug_span!(
        "quarry.statement",
        backend,
        sql,
        params = tracing::field::Empty,
        rows = tracing::field::Empty,
        elapsed_us = tracing::field::Empty,
    );
    let debug = tracing::enabled!(target: QUERY, Level::DEBUG);
    let slow = trace
        .slow
        .filter(|_| tracing::enabled!(target: QUERY, Level::WARN));
    if span.is_disabled() && !debug && slow.is_none() {
        return fut.await;
    }
    if trace.log_parameters {
        span.record("params", tracing::field::debug(params));
    }
    let start = Instant::now();
    let out = fut.instrument(span.clone()).await;
    let elapsed = start.elapsed();
    let elapsed_us = u64::try_from(elapsed.as_micros()).unwrap_or(u64::MAX);
    span.record("elapsed_us", elapsed_us);
    let (count, error) = match &out {
        Ok(v) => {
            let n = rows(v);
            span.record("rows", n);
            (Some(n), None)
        }
        Err(e) => (None, Some(e)),
    };
    let slow = slow.filter(|t| elapsed >= *t);
    if debug || slow.is_some() {
        let event = StatementEvent {
            backend,
            sql,
            params: trace.log_parameters.then_some(params),
            elapsed,
            rows: count,
            error,
        };
        match slow {
            Some(threshold) => event.warn_slow(threshold),
            None => event.debug(),
        }
    }
    out
}

/// What the `quarry::query` events say about one statement.
struct StatementEvent<'a> {
    backend: &'static str,
    sql: &'a str,
    params: Option<&'a [crate::Value]>,
    elapsed: Duration,
    rows: Option<u64>,
    error: Option<&'a Error>,
}

impl StatementEvent<'_> {
    fn debug(&self) {
        let sql = summarize(self.sql);
        let params = self.params.map(tracing::field::debug);
        let elapsed_us = u64::try_from(self.elapsed.as_micros()).unwrap_or(u64::MAX);
        match self.error {
            None => tracing::debug!(
                target: QUERY,
                backend = self.backend,
                sql = %sql,
                params,
                rows = self.rows,
                elapsed = ?self.elapsed,
                elapsed_us,
                "statement",
            ),
            Some(e) => tracing::debug!(
                target: QUERY,
                backend = self.backend,
                sql = %sql,
                params,
                error = %WithSource(e),
                elapsed = ?self.elapsed,
                elapsed_us,
                "statement failed",
            ),
        }
    }

    fn warn_slow(&self, threshold: Duration) {
        let sql = summarize(self.sql);
        let params = self.params.map(tracing::field::debug);
        let elapsed_us = u64::try_from(self.elapsed.as_micros()).unwrap_or(u64::MAX);
        tracing::warn!(
            target: QUERY,
            backend = self.backend,
            sql = %sql,
            params,
            rows = self.rows,
            error = self.error.map(|e| tracing::field::display(WithSource(e))),
            elapsed = ?self.elapsed,
            elapsed_us,
            threshold = ?threshold,
            "slow statement",
        );
    }
}

/// An error followed by the texts of its sources (each skipped when the text before already
/// holds it), for a log line that must say what happened on its own.
struct WithSource<'a>(&'a Error);

impl fmt::Display for WithSource<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut last = self.0.to_string();
        f.write_str(&last)?;
        let mut source = std::error::Error::source(self.0);
        while let Some(s) = source {
            let text = s.to_string();
            if !last.contains(&text) {
                write!(f, ": {text}")?;
            }
            last = text;
            source = s.source();
        }
        Ok(())
    }
}

/// `sql` whole, or for a long statement its first [`SQL_SUMMARY_BYTES`] bytes (at a character
/// boundary) and how much was left out.
fn summarize(sql: &str) -> std::borrow::Cow<'_, str> {
    if sql.len() <= SQL_SUMMARY_BYTES {
        return sql.into();
    }
    let mut end = SQL_SUMMARY_BYTES;
    while !sql.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}… ({} more bytes)", &sql[..end], sql.len() - end).into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_sql_is_summarized_at_a_char_boundary() {
        assert_eq!(summarize("SELECT 1"), "SELECT 1");
        let long = format!("SELECT '{}'", "é".repeat(400));
        let s = summarize(&long);
        assert!(s.len() < long.len(), "{s}");
        assert!(s.starts_with("SELECT 'é"), "{s}");
        assert!(s.ends_with(&format!(
            "({} more bytes)",
            long.len() - (s.find('…').unwrap())
        )));
    }
}
