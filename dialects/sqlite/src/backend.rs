//! [`SqliteBackend`]: the [`quarry::backend::Backend`] over the pool, the connections it hands out
//! (statements through the chosen [`Executor`], streams from the connection's thread) and the
//! lane beside the pool.

use crate::bind::{Encoded, Params};
use crate::options::Executor;
use crate::pool::{Manager, PooledSqlite};
use crate::worker::{self, Job, Response, Shared};
use quarry::backend::{Backend, BackendConnection, BoxFuture, BoxStream};
use quarry::backend::{Lane, LaneRules};
use quarry::StatementKind;
use quarry::{Dialect, Error, ExecResult, Result, Row, Sqlite, Value};
use std::fmt;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Instant;
use tokio::sync::mpsc;

/// SQLite VM plus full-scan steps from which [`Executor::Auto`] deems a statement heavy (a
/// primary-key select takes a few dozen).
pub(crate) const HEAVY_WORK: u64 = 1000;
/// Heavy SQL texts remembered per connection (the set is cleared when full).
const HEAVY_STATEMENTS_KEPT: usize = 64;

/// A pooled SQLite database: what [`crate::connect`] wraps in a [`quarry::Engine`].
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> quarry::Result<()> {
/// let engine = quarry_sqlite::connect("sqlite::memory:").await?;
/// assert_eq!(engine.backend_name(), "sqlite");
/// let (open, idle) = engine.pool_state();
/// assert_eq!((open, idle), (1, 1));
/// # Ok(()) }
/// ```
pub struct SqliteBackend {
    pub(crate) pool: bb8::Pool<Manager>,
    pub(crate) lane: Arc<Lane<SqliteLane>>,
    pub(crate) executor: Executor,
    /// Keeps an in-memory database alive while the engine lives.
    pub(crate) _keeper: Option<PooledSqlite>,
}

impl fmt::Debug for SqliteBackend {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SqliteBackend")
            .field("executor", &self.executor)
            .field("pool", &self.pool.state())
            .finish_non_exhaustive()
    }
}

impl Backend for SqliteBackend {
    fn name(&self) -> &'static str {
        "sqlite"
    }

    fn dialect(&self) -> &'static dyn Dialect {
        &Sqlite
    }

    fn acquire(&self) -> BoxFuture<'_, Result<Box<dyn BackendConnection>>> {
        Box::pin(async move {
            let mut conn = self
                .lane
                .checkout(|| async {
                    self.pool.get_owned().await.map_err(|e| match e {
                        bb8::RunError::User(e) => e,
                        bb8::RunError::TimedOut => Error::PoolTimeout,
                    })
                })
                .await?;
            if conn.shared.take_reset() {
                // Returned with a statement in flight or a transaction open: finish and roll
                // back before anyone uses it.
                if let Response::Unit(Err(e)) = conn.shared.call(Job::Reset, "", &[]).await {
                    conn.broken = true;
                    return Err(e);
                }
            }
            Ok(self.connection(conn))
        })
    }

    /// The connection parked in the lane, if any (no boxed future, no bb8 checkout).
    fn acquire_ready(&self) -> Option<Box<dyn BackendConnection>> {
        let conn = self.lane.take()?;
        if conn.shared.reset_pending() {
            // A clean-up must be awaited first: back to the pool, where `acquire` finds it.
            return None;
        }
        Some(self.connection(conn))
    }

    fn pool_state(&self) -> (u32, u32) {
        let s = self.pool.state();
        (s.connections, s.idle_connections + self.lane.parked())
    }

    /// Retires the parked connection and the pool's idle ones (the engine has waited for the
    /// connections in use); connections given back afterwards are retired too.
    fn close(&self) -> BoxFuture<'_, ()> {
        let idle = self.pool.state().idle_connections;
        Box::pin(self.lane.close(idle, || async {
            self.pool.get_owned().await.map_err(|_| Error::PoolTimeout)
        }))
    }
}

impl SqliteBackend {
    /// A checked-out connection, as the engine takes it.
    fn connection(&self, conn: Checkout) -> Box<dyn BackendConnection> {
        Box::new(SqliteConnection {
            shared: conn.shared.clone(),
            conn: Some(conn),
            lane: self.lane.clone(),
            executor: self.executor,
        })
    }
}

type Checkout = bb8::PooledConnection<'static, Manager>;

/// The rules of the [`Lane`] beside the pool: the connection returned last, handed to the
/// next caller without a bb8 checkout (see [`quarry::backend::Lane`]).
pub(crate) struct SqliteLane;

impl LaneRules for SqliteLane {
    type Conn = Checkout;

    fn reusable(conn: &Checkout) -> bool {
        !conn.broken && !conn.shared.is_dead() && conn.shared.is_clean()
    }

    fn opened(conn: &Checkout) -> Instant {
        conn.born
    }

    fn retire(conn: &mut Checkout) {
        conn.broken = true;
    }
}

/// A connection checked out of the pool.
struct SqliteConnection {
    /// `None` only while it is being dropped (and given back).
    conn: Option<Checkout>,
    /// The connection's shared state (the same as `conn`'s).
    shared: Arc<Shared>,
    lane: Arc<Lane<SqliteLane>>,
    executor: Executor,
}

impl Drop for SqliteConnection {
    fn drop(&mut self) {
        let Some(conn) = self.conn.take() else { return };
        if !conn.shared.is_clean() {
            conn.shared.mark_reset();
        }
        self.lane.give_back(conn);
    }
}

/// The statement kinds a caller runs.
#[derive(Clone, Copy)]
enum Op {
    /// A statement; `true` for an INSERT (whose generated rowid is reported).
    Execute(bool),
    Fetch,
    First,
    Script,
}

impl Op {
    fn job(self) -> Job {
        match self {
            Op::Execute(insert) => Job::Execute(insert),
            Op::Fetch => Job::Fetch,
            Op::First => Job::First,
            Op::Script => Job::Script,
        }
    }
}

/// Whether `block_in_place` may be called here (a multi-thread runtime).
fn can_block_in_place() -> bool {
    tokio::runtime::Handle::try_current()
        .is_ok_and(|h| h.runtime_flavor() == tokio::runtime::RuntimeFlavor::MultiThread)
}

impl SqliteConnection {
    async fn run(&mut self, op: Op, sql: &str, params: &[Value]) -> Response {
        let Some(pooled) = self.conn.as_deref_mut() else {
            return Response::Unit(Err(worker::lost()));
        };
        let shared = &self.shared;
        match self.executor {
            Executor::Auto if can_block_in_place() => {
                // Statements that did a lot of work last time on this connection go to its
                // thread (they are cancellable there, and long ones would make block_in_place
                // move the worker to a new thread each time); the others run in place. Work is
                // counted in SQLite's VM steps, which a busy machine does not skew.
                if !pooled.heavy.is_empty() && pooled.heavy.contains(sql) {
                    let r = shared.call(op.job(), sql, params).await;
                    if shared.last_work() < HEAVY_WORK {
                        pooled.heavy.remove(sql);
                    }
                    return r;
                }
                let r = tokio::task::block_in_place(|| {
                    shared
                        .with_conn(|held| {
                            worker::perform(held, op.job(), sql, Params::Values(params))
                        })
                        .unwrap_or_else(|e| Response::Unit(Err(e)))
                });
                if shared.last_work() >= HEAVY_WORK {
                    if pooled.heavy.len() >= HEAVY_STATEMENTS_KEPT {
                        pooled.heavy.clear();
                    }
                    pooled.heavy.insert(sql.into());
                }
                r
            }
            Executor::BlockInPlace if can_block_in_place() => {
                // A job left by a caller that went away holds the connection's lock until it
                // ends; waiting for it here is allowed (we are off the worker).
                tokio::task::block_in_place(|| {
                    shared
                        .with_conn(|held| {
                            worker::perform(held, op.job(), sql, Params::Values(params))
                        })
                        .unwrap_or_else(|e| Response::Unit(Err(e)))
                })
            }
            Executor::SpawnBlocking if tokio::runtime::Handle::try_current().is_ok() => {
                let theirs = shared.clone();
                let sql = sql.to_owned();
                let mut encoded = Encoded::default();
                if let Err(e) = encoded.encode(params) {
                    return Response::Unit(Err(e));
                }
                struct Interrupt<'a>(&'a Shared, bool);
                impl Drop for Interrupt<'_> {
                    fn drop(&mut self) {
                        if self.1 {
                            self.0.interrupt();
                        }
                    }
                }
                let mut guard = Interrupt(shared, true);
                let out = tokio::task::spawn_blocking(move || {
                    theirs
                        .with_conn(|held| {
                            worker::perform(held, op.job(), &sql, Params::Encoded(&encoded))
                        })
                        .unwrap_or_else(|e| Response::Unit(Err(e)))
                })
                .await;
                guard.1 = false;
                out.unwrap_or_else(|e| {
                    Response::Unit(Err(Error::connection(
                        format!("SQLite task failed: {e}"),
                        None,
                    )))
                })
            }
            _ => shared.call(op.job(), sql, params).await,
        }
    }
}

fn unexpected() -> Error {
    Error::connection("unexpected response from the SQLite thread", None)
}

impl BackendConnection for SqliteConnection {
    fn execute<'a>(
        &'a mut self,
        sql: &'a str,
        params: &'a [Value],
        kind: StatementKind,
    ) -> BoxFuture<'a, Result<ExecResult>> {
        let insert = kind == StatementKind::Insert;
        Box::pin(async move {
            match self.run(Op::Execute(insert), sql, params).await {
                Response::Exec(r) => r,
                Response::Unit(Err(e)) => Err(e),
                _ => Err(unexpected()),
            }
        })
    }

    fn fetch_all<'a>(
        &'a mut self,
        sql: &'a str,
        params: &'a [Value],
    ) -> BoxFuture<'a, Result<Vec<Row>>> {
        Box::pin(async move {
            match self.run(Op::Fetch, sql, params).await {
                Response::Rows(r) => r,
                Response::Unit(Err(e)) => Err(e),
                _ => Err(unexpected()),
            }
        })
    }

    fn fetch_first<'a>(
        &'a mut self,
        sql: &'a str,
        params: &'a [Value],
    ) -> BoxFuture<'a, Result<Option<Row>>> {
        Box::pin(async move {
            match self.run(Op::First, sql, params).await {
                Response::Row(r) => r,
                Response::Unit(Err(e)) => Err(e),
                _ => Err(unexpected()),
            }
        })
    }

    fn fetch_stream(&mut self, sql: String, params: Vec<Value>) -> BoxStream<'_, Result<Row>> {
        Box::pin(RowStream::new(self.shared.clone(), None, sql, params))
    }

    fn into_stream(
        self: Box<Self>,
        sql: String,
        params: Vec<Value>,
    ) -> BoxStream<'static, Result<Row>> {
        let shared = self.shared.clone();
        Box::pin(RowStream::new(shared, Some(self), sql, params))
    }

    fn execute_script<'a>(&'a mut self, sql: &'a str) -> BoxFuture<'a, Result<()>> {
        Box::pin(async move {
            match self.run(Op::Script, sql, &[]).await {
                Response::Unit(r) => r,
                _ => Err(unexpected()),
            }
        })
    }

    fn discard(&mut self) {
        if let Some(conn) = self.conn.as_mut() {
            conn.broken = true;
        }
    }

    /// Binds the rows straight from the caller's data on the calling thread (through
    /// `block_in_place`), under `executor=auto` and `block_in_place` on a multi-threaded
    /// runtime; otherwise the core's by-value path runs the statements through the executor.
    fn insert_rows<'a>(
        &'a mut self,
        rows: &'a mut quarry::backend::InsertRows<'_>,
    ) -> Option<BoxFuture<'a, Result<ExecResult>>> {
        if !matches!(self.executor, Executor::Auto | Executor::BlockInPlace)
            || !can_block_in_place()
        {
            return None;
        }
        let shared = &self.shared;
        Some(Box::pin(async move {
            tokio::task::block_in_place(|| {
                shared.with_conn(|held| {
                    crate::run::insert_rows(
                        &held.conn,
                        &mut held.cache,
                        rows,
                        held.deadline.as_deref(),
                    )
                })
            })?
        }))
    }
}

enum StreamState {
    /// Waiting for the connection to finish an earlier job.
    Start {
        sql: String,
        params: Vec<Value>,
    },
    /// Rows are coming.
    Rows {
        rx: mpsc::Receiver<Result<Vec<Row>>>,
        batch: std::vec::IntoIter<Row>,
    },
    Done,
}

/// The rows of a query running on a connection's thread.
struct RowStream {
    shared: Arc<Shared>,
    /// The connection, when the stream owns it ([`BackendConnection::into_stream`]).
    _owner: Option<Box<SqliteConnection>>,
    state: StreamState,
    settle: Option<BoxFuture<'static, ()>>,
}

impl RowStream {
    fn new(
        shared: Arc<Shared>,
        owner: Option<Box<SqliteConnection>>,
        sql: String,
        params: Vec<Value>,
    ) -> Self {
        RowStream {
            shared,
            _owner: owner,
            state: StreamState::Start { sql, params },
            settle: None,
        }
    }
}

impl futures_core::Stream for RowStream {
    type Item = Result<Row>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Result<Row>>> {
        let this = &mut *self;
        loop {
            // Finish whatever ran before (or, at the end, this stream's own job).
            if let Some(f) = this.settle.as_mut() {
                match f.as_mut().poll(cx) {
                    Poll::Ready(()) => this.settle = None,
                    Poll::Pending => return Poll::Pending,
                }
            }
            match &mut this.state {
                StreamState::Start { sql, params } => {
                    if !this.shared.is_clean_mailbox() {
                        let s = this.shared.clone();
                        this.settle = Some(Box::pin(async move { s.settle().await }));
                        continue;
                    }
                    if this.shared.is_dead() {
                        this.state = StreamState::Done;
                        return Poll::Ready(Some(Err(worker::lost())));
                    }
                    let rx = this.shared.submit_stream(sql, params);
                    this.state = StreamState::Rows {
                        rx,
                        batch: Vec::new().into_iter(),
                    };
                }
                StreamState::Rows { rx, batch } => {
                    if let Some(row) = batch.next() {
                        return Poll::Ready(Some(Ok(row)));
                    }
                    match rx.poll_recv(cx) {
                        Poll::Ready(Some(Ok(rows))) => *batch = rows.into_iter(),
                        Poll::Ready(Some(Err(e))) => return Poll::Ready(Some(Err(e))),
                        Poll::Ready(None) => {
                            this.state = StreamState::Done;
                            let s = this.shared.clone();
                            this.settle = Some(Box::pin(async move { s.settle().await }));
                        }
                        Poll::Pending => return Poll::Pending,
                    }
                }
                StreamState::Done => return Poll::Ready(None),
            }
        }
    }
}

impl Drop for RowStream {
    fn drop(&mut self) {
        if let StreamState::Rows { rx, .. } = &mut self.state {
            // Stop the producer: closing the channel fails its next send, and an interrupt
            // stops a statement that is still computing its next row.
            rx.close();
            self.shared.cancel();
        }
    }
}

#[allow(dead_code)]
fn assert_send_sync() {
    fn is<T: Send + Sync>() {}
    is::<SqliteBackend>();
    fn send<T: Send>() {}
    send::<RowStream>();
}
