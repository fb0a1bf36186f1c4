//! [`PostgresBackend`]: the [`quarry::backend::Backend`] over a bb8 pool of tokio-postgres connections,
//! the connections it hands out (statements through the prepared-statement cache, row streams,
//! the calls that start a COPY) and the lane beside the pool. The COPY itself is in `copy.rs`.

use crate::bind::{self, PgParam};
use crate::cache::{self, Lookup};
use crate::decode::{column_names, decode_row};
use crate::error::{connect_error, map_error};
use crate::pool::{pool_builder, Manager, PgClient, Session};
use futures_util::future;
use futures_util::stream::{self, StreamExt};
use quarry::backend::{Backend, BackendConnection, BoxFuture, BoxStream};
use quarry::backend::{CopyIn, Gather, Lane, LaneRules};
use quarry::StatementKind;
use quarry::{Dialect, ExecResult, PoolOptions, Postgres, Result, Row, Value};
use std::fmt;
use std::ops::DerefMut;
use std::pin::{pin, Pin};
use std::sync::Arc;
use tokio_postgres::types::Type;
use tokio_postgres::RowStream;

/// A PostgreSQL database reached through a bb8 pool; wrap it in a [`quarry::Engine`].
///
/// ```no_run
/// # async fn demo() -> quarry::Result<()> {
/// let backend = quarry_postgres::PostgresBackend::connect("postgres://postgres@localhost/app").await?;
/// let engine = quarry::Engine::from_backend(backend);
/// assert_eq!(engine.backend_name(), "postgres");
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct PostgresBackend {
    pub(crate) pool: bb8::Pool<Manager>,
    /// The connection returned last, handed to the next caller without a bb8 checkout (off
    /// for a pool built by [`PostgresBackend::with_builder`], whose options are not known).
    pub(crate) lane: Arc<Lane<PgLane>>,
}

impl fmt::Debug for PostgresBackend {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let state = self.pool.state();
        f.debug_struct("PostgresBackend")
            .field("connections", &state.connections)
            .field("idle_connections", &state.idle_connections)
            .finish_non_exhaustive()
    }
}

impl PostgresBackend {
    /// Connects to `url` with the default [`PoolOptions`] (overridden by the `pool_*`
    /// parameters of the URL); see [`PostgresBackend::connect_with`].
    ///
    /// ```no_run
    /// # async fn demo() -> quarry::Result<()> {
    /// let backend = quarry_postgres::PostgresBackend::connect("postgresql://postgres@localhost/app?pool_max_size=4").await?;
    /// # Ok(()) }
    /// ```
    pub async fn connect(url: &str) -> Result<Self> {
        Self::connect_with(url, &PoolOptions::default()).await
    }

    /// Connects to `url` with pool `options`; `pool_*` parameters left in the URL override
    /// them. When the URL sets no `connect_timeout`, opening one connection may take as long
    /// as the pool's `connection_timeout`.
    ///
    /// ```no_run
    /// # async fn demo() -> quarry::Result<()> {
    /// let options = quarry::Engine::builder().max_size(4).options().clone();
    /// let backend = quarry_postgres::PostgresBackend::connect_with("postgres://postgres@localhost/app", &options).await?;
    /// assert_eq!(backend.pool().state().connections, 1);
    /// # Ok(()) }
    /// ```
    pub async fn connect_with(url: &str, options: &PoolOptions) -> Result<Self> {
        let (url, options) = options.clone().apply_url(url)?;
        let manager = Manager::from_url(&url)?
            .default_connect_timeout(&url, options.connection_timeout)
            .with_statement_timeout(options.statement_timeout);
        let lane = Lane::new(&options);
        crate::pool::build(manager, pool_builder(&options)?, lane).await
    }

    /// Builds a pool from `builder` over `manager` and opens its first connection, so that an
    /// unreachable server, bad credentials or an unknown database fail here with a
    /// [`quarry::Error::Connection`] rather than as a pool timeout later.
    ///
    /// ```no_run
    /// # async fn demo() -> quarry::Result<()> {
    /// use quarry_postgres::{pool_builder, Manager, PostgresBackend};
    /// let manager = Manager::from_url("postgres://postgres@localhost/app")?;
    /// let options = quarry::Engine::builder().max_size(4).options().clone();
    /// let backend = PostgresBackend::with_builder(manager, pool_builder(&options)?).await?;
    /// # Ok(()) }
    /// ```
    pub async fn with_builder(manager: Manager, builder: bb8::Builder<Manager>) -> Result<Self> {
        let mut off = PoolOptions::default();
        off.lane = false;
        crate::pool::build(manager, builder, Lane::new(&off)).await
    }

    /// The underlying pool, e.g. to borrow a raw tokio-postgres client for `COPY`.
    ///
    /// A checkout made here does not see the connection the engine keeps beside the pool for
    /// its next call (see the crate docs): with every other connection in use, it waits until
    /// one is returned, as it would for any connection checked out by the engine.
    ///
    /// ```no_run
    /// # async fn demo(b: quarry_postgres::PostgresBackend) -> Result<(), Box<dyn std::error::Error>> {
    /// let conn = b.pool().get().await?;
    /// conn.client().batch_execute("SELECT 1").await?;
    /// # Ok(()) }
    /// ```
    pub fn pool(&self) -> &bb8::Pool<Manager> {
        &self.pool
    }
}

impl Backend for PostgresBackend {
    fn name(&self) -> &'static str {
        "postgres"
    }

    fn dialect(&self) -> &'static dyn Dialect {
        &Postgres
    }

    fn acquire(&self) -> BoxFuture<'_, Result<Box<dyn BackendConnection>>> {
        Box::pin(async move {
            let checkout = || {
                self.lane
                    .checkout(|| async { self.pool.get_owned().await.map_err(run_error) })
            };
            let mut conn = checkout().await?;
            if conn.s.client.is_closed() {
                // An idle connection the server closed (restart, pg_terminate_backend, idle
                // session timeout) is dropped instead of being handed out; every pooled
                // connection may be in that state after a restart.
                let attempts = self.pool.state().connections;
                for _ in 0..attempts {
                    conn.s.discarded = true;
                    drop(conn);
                    // Through the lane, so that a connection parked meanwhile is not
                    // waited past.
                    conn = checkout().await?;
                    if !conn.s.client.is_closed() {
                        break;
                    }
                }
            }
            Ok(self.connection(conn))
        })
    }

    /// The connection parked in the lane, if any and still open (no boxed future, no bb8
    /// checkout). A closed one is discarded, and [`Backend::acquire`] finds another.
    fn acquire_ready(&self) -> Option<Box<dyn BackendConnection>> {
        let mut conn = self.lane.take()?;
        if conn.s.client.is_closed() {
            conn.s.discarded = true;
            return None;
        }
        Some(self.connection(conn))
    }

    fn pool_state(&self) -> (u32, u32) {
        let state = self.pool.state();
        (
            state.connections,
            state.idle_connections + self.lane.parked(),
        )
    }

    /// Retires the parked connection and the pool's idle ones (the engine has waited for the
    /// connections in use); connections given back afterwards are retired too.
    fn close(&self) -> BoxFuture<'_, ()> {
        let idle = self.pool.state().idle_connections;
        Box::pin(self.lane.close(idle, || async {
            self.pool
                .get_owned()
                .await
                .map_err(|_| quarry::Error::PoolTimeout)
        }))
    }
}

type Checkout = bb8::PooledConnection<'static, Manager>;

impl PostgresBackend {
    /// A checked-out connection, as the engine takes it.
    fn connection(&self, conn: Checkout) -> Box<dyn BackendConnection> {
        Box::new(PgConnection {
            conn: Some(conn),
            lane: self.lane.clone(),
        })
    }
}

/// The rules of the lane beside the pool (see [`quarry::backend::Lane`]): a connection is parked
/// only when bb8 would keep it.
pub(crate) struct PgLane;

impl LaneRules for PgLane {
    type Conn = Checkout;

    fn reusable(conn: &Checkout) -> bool {
        !conn.is_broken()
    }

    fn opened(conn: &Checkout) -> std::time::Instant {
        conn.s.born
    }

    fn retire(conn: &mut Checkout) {
        conn.s.discarded = true;
    }
}

/// The error of a connection already given back (never seen by callers: the core does not
/// use a connection after dropping it).
fn released() -> quarry::Error {
    quarry::Error::connection("connection already released", None)
}

fn run_error(e: bb8::RunError<tokio_postgres::Error>) -> quarry::Error {
    match e {
        bb8::RunError::TimedOut => quarry::Error::PoolTimeout,
        bb8::RunError::User(e) => connect_error(e),
    }
}

/// Whether a cached statement failed because the server's copy is gone or its plan no longer
/// fits (`cached plan must not change result type` after a schema change).
fn stale_statement(e: &tokio_postgres::Error) -> Option<Stale> {
    let db = e.as_db_error()?;
    match db.code().code() {
        // invalid_sql_statement_name: DEALLOCATE ALL or DISCARD ALL ran on the session.
        "26000" => Some(Stale::All),
        // feature_not_supported from the plan cache ("cached plan must not change result
        // type"); the routine name does not depend on the server's message language.
        "0A000"
            if db.routine() == Some("RevalidateCachedQuery")
                || db.message().contains("cached plan") =>
        {
            Some(Stale::One)
        }
        _ => None,
    }
}

enum Stale {
    One,
    All,
}

/// Whether an error leaves the session in a state not worth reusing: a lost connection, or a
/// driver failure that is not a server error (an unexpected message, a parse failure).
fn poisons(e: &quarry::Error) -> bool {
    e.is_connection_error() || (e.kind() == quarry::ErrorKind::Database && e.code() == Some(""))
}

/// Ends a call on `pg`: clears the in-flight mark and discards the connection after an error
/// that [`poisons`] it.
fn settle<T>(pg: &mut Session, result: &Result<T>) {
    pg.in_flight = false;
    if let Err(e) = result {
        if poisons(e) {
            pg.discarded = true;
        }
    }
}

impl Session {
    /// Starts a call: refuses a lost session (see [`Session::lost`]) with a connection
    /// error, and marks the session in flight until the call ends.
    fn begin(&mut self) -> Result<()> {
        if self.lost {
            return Err(quarry::Error::connection(
                "the PostgreSQL session is no longer usable: a COPY failed to start and left \
                 the driver out of step with the server; the connection will be closed",
                None,
            ));
        }
        self.in_flight = true;
        Ok(())
    }
}

/// Whether `e` says the transaction is aborted (`25P02`).
fn in_failed_transaction(e: &tokio_postgres::Error) -> bool {
    e.as_db_error()
        .is_some_and(|db| db.code().code() == "25P02")
}

impl Session {
    /// Starts `sql` with `params` through the statement cache; returns the rows and, for a
    /// prepared statement, its column names.
    ///
    /// Only the hot path (a cached statement) is inline; preparing, sending unnamed and
    /// recovering from a stale statement are boxed, so this future (and the boxed futures of
    /// [`BackendConnection`] built on it, allocated on every call) is no larger than the hot
    /// path needs.
    async fn start(
        &mut self,
        sql: &str,
        params: &[Value],
    ) -> std::result::Result<(RowStream, Option<Arc<[String]>>), tokio_postgres::Error> {
        let key = cache::key(sql, params);
        match self.cache.lookup(key, sql, params) {
            Lookup::Hit(statement, names) => {
                let names = Arc::clone(names);
                let rows = self
                    .client
                    .query_raw(statement, params.iter().map(PgParam))
                    .await;
                match rows {
                    Ok(rows) => Ok((rows, Some(names))),
                    Err(e) => Box::pin(self.recover(key, sql, params, e)).await,
                }
            }
            Lookup::Prepare => Box::pin(self.start_prepared(key, sql, params)).await,
            Lookup::Unnamed => Box::pin(self.start_unnamed(sql, params)).await,
        }
    }

    /// Sends `sql` unnamed with explicitly typed parameters: one round trip, nothing kept.
    async fn start_unnamed(
        &self,
        sql: &str,
        params: &[Value],
    ) -> std::result::Result<(RowStream, Option<Arc<[String]>>), tokio_postgres::Error> {
        let rows = self
            .client
            .query_typed_raw(sql, params.iter().map(|v| (PgParam(v), bind::type_of(v))))
            .await?;
        Ok((rows, None))
    }

    /// Prepares `sql` with the types of `params`, caches it under `key`, and runs it.
    async fn start_prepared(
        &mut self,
        key: u64,
        sql: &str,
        params: &[Value],
    ) -> std::result::Result<(RowStream, Option<Arc<[String]>>), tokio_postgres::Error> {
        let types: Vec<Type> = params.iter().map(bind::type_of).collect();
        let statement = self.client.prepare_typed(sql, &types).await?;
        if statement.params().len() != params.len() {
            // The text uses more parameters than were given: let the server say so, as it does
            // for an unnamed statement, and keep nothing.
            return self.start_unnamed(sql, params).await;
        }
        let names = self.cache.insert(key, sql, params, statement.clone());
        let rows = self
            .client
            .query_raw(&statement, params.iter().map(PgParam))
            .await?;
        Ok((rows, Some(names)))
    }

    /// Handles the failure `e` of the cached statement `key`: a stale statement is forgotten
    /// and `sql` re-sent unnamed; any other error is returned.
    async fn recover(
        &mut self,
        key: u64,
        sql: &str,
        params: &[Value],
        e: tokio_postgres::Error,
    ) -> std::result::Result<(RowStream, Option<Arc<[String]>>), tokio_postgres::Error> {
        match stale_statement(&e) {
            None => Err(e),
            Some(stale) => {
                match stale {
                    Stale::One => self.cache.remove(key),
                    Stale::All => self.cache.clear(),
                }
                // Outside a transaction the unnamed retry succeeds; inside one the first error
                // aborted it, and that error is the one to report.
                match self.start_unnamed(sql, params).await {
                    Ok(started) => Ok(started),
                    Err(again) if in_failed_transaction(&again) => Err(e),
                    Err(again) => Err(again),
                }
            }
        }
    }

    /// Runs a statement to its end; returns the rows affected.
    async fn run_execute(&mut self, sql: &str, params: &[Value]) -> Result<ExecResult> {
        let err = |e| map_error(e, Some(sql));
        let (rows, _) = self.start(sql, params).await.map_err(err)?;
        let mut rows = pin!(rows);
        while let Some(row) = rows.next().await {
            row.map_err(err)?;
        }
        Ok(ExecResult {
            rows_affected: rows.rows_affected().unwrap_or(0),
            last_insert_id: None,
        })
    }

    /// Runs a query to its end; returns its decoded rows gathered into `G` (all of them, or
    /// the first only), or the first decode error, once every row is read (and decoded: both
    /// gatherings fail alike).
    async fn run_fetch<G: Gather>(&mut self, sql: &str, params: &[Value]) -> Result<G> {
        let err = |e| map_error(e, Some(sql));
        let (rows, mut names) = self.start(sql, params).await.map_err(err)?;
        let mut rows = pin!(rows);
        let mut out = G::default();
        let mut failure = None;
        while let Some(row) = rows.next().await {
            let row = row.map_err(err)?;
            if failure.is_some() {
                continue;
            }
            let names = names.get_or_insert_with(|| column_names(row.columns()));
            match decode_row(&row, names) {
                Ok(r) => out.add(r),
                Err(e) => failure = Some(e),
            }
        }
        failure.map_or(Ok(out), Err)
    }
}

/// A connection checked out of a [`PostgresBackend`]'s pool; returned to it when dropped.
///
/// Each call sets `in_flight` before its first await and clears it when the statement has
/// been read to its end, so a call whose future is dropped midway (or a stream dropped before
/// its end) leaves the flag set and the pool closes the connection instead of reusing a
/// session that may be inside a transaction or a result.
struct PgConnection {
    /// `None` only once given back.
    conn: Option<Checkout>,
    lane: Arc<Lane<PgLane>>,
}

impl PgConnection {
    fn session(&mut self) -> Result<&mut Session> {
        Ok(&mut self.conn.as_deref_mut().ok_or_else(released)?.s)
    }
}

impl Drop for PgConnection {
    fn drop(&mut self) {
        if let Some(conn) = self.conn.take() {
            self.lane.give_back(conn);
        }
    }
}

/// The body of one statement call on a [`PgConnection`]: checks `$params`, marks the session
/// `$pg` in flight, evaluates `$run` (an `.await`ed call on it) and settles the session with
/// the result (see [`settle`]). A macro rather than an async helper taking a closure, which
/// would add a future layer to every call (figures in BENCHMARKS.md).
macro_rules! call {
    ($conn:expr, $params:expr, |$pg:ident| $run:expr) => {
        Box::pin(async move {
            bind::check($params)?;
            let $pg: &mut Session = $conn.session()?;
            $pg.begin()?;
            let result = $run;
            settle($pg, &result);
            result
        })
    };
}

impl BackendConnection for PgConnection {
    fn execute<'a>(
        &'a mut self,
        sql: &'a str,
        params: &'a [Value],
        _kind: StatementKind,
    ) -> BoxFuture<'a, Result<ExecResult>> {
        call!(self, params, |pg| pg.run_execute(sql, params).await)
    }

    fn fetch_all<'a>(
        &'a mut self,
        sql: &'a str,
        params: &'a [Value],
    ) -> BoxFuture<'a, Result<Vec<Row>>> {
        call!(self, params, |pg| pg
            .run_fetch::<Vec<Row>>(sql, params)
            .await)
    }

    /// As [`BackendConnection::fetch_all`] (every row is read and decoded), keeping the first
    /// row only: no `Vec` of rows, and no second boxed future as the default makes.
    fn fetch_first<'a>(
        &'a mut self,
        sql: &'a str,
        params: &'a [Value],
    ) -> BoxFuture<'a, Result<Option<Row>>> {
        call!(self, params, |pg| pg
            .run_fetch::<Option<Row>>(sql, params)
            .await)
    }

    fn fetch_stream(&mut self, sql: String, params: Vec<Value>) -> BoxStream<'_, Result<Row>> {
        match self.conn.as_deref_mut() {
            Some(conn) => row_stream(conn, sql, params),
            None => Box::pin(stream::once(future::ready(Err(released())))),
        }
    }

    fn into_stream(
        mut self: Box<Self>,
        sql: String,
        params: Vec<Value>,
    ) -> BoxStream<'static, Result<Row>> {
        // The stream owns the connection and returns it to bb8 when it ends.
        match self.conn.take() {
            Some(conn) => row_stream(conn, sql, params),
            None => Box::pin(stream::once(future::ready(Err(released())))),
        }
    }

    fn execute_script<'a>(&'a mut self, sql: &'a str) -> BoxFuture<'a, Result<()>> {
        Box::pin(async move {
            let pg: &mut Session = self.session()?;
            pg.begin()?;
            let result = pg
                .client
                .batch_execute(sql)
                .await
                .map_err(|e| map_error(e, Some(sql)));
            settle(pg, &result);
            result
        })
    }

    fn discard(&mut self) {
        if let Some(conn) = self.conn.as_mut() {
            conn.s.discarded = true;
        }
    }

    fn copy_in<'a>(&'a mut self, copy: CopyIn<'a>) -> Option<BoxFuture<'a, Result<u64>>> {
        Some(Box::pin(async move {
            if copy.columns == 0 || !copy.values.len().is_multiple_of(copy.columns) {
                return Err(quarry::Error::InvalidStatement(format!(
                    "COPY of {} values in rows of {} columns",
                    copy.values.len(),
                    copy.columns
                )));
            }
            if copy.values.is_empty() {
                return Ok(0);
            }
            let pg: &mut Session = self.session()?;
            pg.begin()?;
            let result = pg.run_copy(copy).await;
            settle(pg, &result);
            result
        }))
    }

    /// Loads the rows with `COPY … FROM STDIN (FORMAT binary)`, each cell written into the
    /// COPY data straight from the caller's row.
    fn insert_rows<'a>(
        &'a mut self,
        rows: &'a mut quarry::backend::InsertRows<'_>,
    ) -> Option<BoxFuture<'a, Result<ExecResult>>> {
        if rows.copy_sql.is_empty() {
            // Statements with an upsert clause or RETURNING: the core runs them.
            return None;
        }
        Some(Box::pin(async move {
            let pg: &mut Session = self.session()?;
            pg.begin()?;
            let result = pg.copy_rows(rows).await;
            settle(pg, &result);
            Ok(ExecResult {
                rows_affected: result?,
                last_insert_id: None,
            })
        }))
    }
}

/// Where a row stream is.
enum StreamState<C> {
    /// Not sent yet.
    Start(C, String, Vec<Value>),
    /// Reading rows.
    Rows {
        conn: C,
        rows: Pin<Box<RowStream>>,
        names: Option<Arc<[String]>>,
        sql: String,
    },
    /// Ended (the connection, if owned, is back in the pool).
    Done,
}

/// Streams the rows of `sql` over `conn` (borrowed for [`BackendConnection::fetch_stream`],
/// owned for [`BackendConnection::into_stream`]) with constant memory: tokio-postgres reads
/// the socket only as rows are consumed.
///
/// The connection is marked in flight until the last row is read. When a stream is dropped
/// before that, tokio-postgres' connection task reads and discards the rest of the result before
/// it answers the next request, so no unread row is ever seen by a later statement: a
/// borrowed connection stays usable at once (and a later statement that completes on it clears
/// the mark). If the mark is still set when the connection goes back to the pool (an owned
/// stream dropped early, or a borrowed one dropped last), the pool closes the connection rather
/// than make its next user wait for the server to finish sending the abandoned result.
fn row_stream<'c, C>(conn: C, sql: String, params: Vec<Value>) -> BoxStream<'c, Result<Row>>
where
    C: DerefMut<Target = PgClient> + Send + 'c,
{
    Box::pin(stream::unfold(
        StreamState::Start(conn, sql, params),
        |state| async move {
            match state {
                StreamState::Start(mut conn, sql, params) => {
                    if let Err(e) = bind::check(&params) {
                        return Some((Err(e), StreamState::Done));
                    }
                    if let Err(e) = conn.s.begin() {
                        return Some((Err(e), StreamState::Done));
                    }
                    match conn.s.start(&sql, &params).await {
                        Ok((rows, names)) => next_row(conn, Box::pin(rows), names, sql).await,
                        Err(e) => {
                            let result = Err(map_error(e, Some(&sql)));
                            settle(&mut conn.s, &result);
                            Some((result, StreamState::Done))
                        }
                    }
                }
                StreamState::Rows {
                    conn,
                    rows,
                    names,
                    sql,
                } => next_row(conn, rows, names, sql).await,
                StreamState::Done => None,
            }
        },
    ))
}

async fn next_row<C>(
    mut conn: C,
    mut rows: Pin<Box<RowStream>>,
    mut names: Option<Arc<[String]>>,
    sql: String,
) -> Option<(Result<Row>, StreamState<C>)>
where
    C: DerefMut<Target = PgClient>,
{
    match rows.next().await {
        Some(Ok(row)) => {
            let names_ref = names.get_or_insert_with(|| column_names(row.columns()));
            let decoded = decode_row(&row, names_ref);
            Some((
                decoded,
                StreamState::Rows {
                    conn,
                    rows,
                    names,
                    sql,
                },
            ))
        }
        Some(Err(e)) => {
            // The server ended the statement with an error: nothing more will come.
            let result = Err(map_error(e, Some(&sql)));
            settle(&mut conn.s, &result);
            Some((result, StreamState::Done))
        }
        None => {
            conn.s.in_flight = false;
            None
        }
    }
}
