//! [`Engine`], [`Connection`], [`Transaction`] and [`RowStream`].

use super::PoolOptions;
use super::{Backend, BackendConnection, BoxFuture, BoxStream, Driver, ExecResult, FromRow, Row};
use crate::compile::{Compiled, Dialect, IntoCompiled, Plan, SqlWriter};
use crate::compile::{DdlStep, StepOwner};
use crate::error::{Error, Result};
use crate::schema::MetaData;
use crate::stmt::tx::TxOptions;
use crate::value::{FromValue, Value};
use std::collections::HashSet;
use std::fmt;
use std::ops::{Deref, DerefMut};
use std::pin::Pin;
use std::sync::{Arc, RwLock};
use std::task::{Context, Poll};
use std::time::Instant;
use tracing::Instrument;

static DRIVERS: RwLock<Vec<&'static dyn Driver>> = RwLock::new(Vec::new());

/// Installs drivers so that [`Engine::connect`] can pick one by URL scheme.
///
/// The core cannot name the backend crates (they depend on it), so an application installs the
/// ones it links, once, at start-up. Installing a driver twice is harmless.
///
/// ```no_run
/// # async fn demo() -> quarry::Result<()> {
/// // quarry::install_drivers(&[&quarry_sqlite::DRIVER, &quarry_postgres::DRIVER]);
/// let engine = quarry::Engine::connect("sqlite::memory:").await?;
/// # Ok(()) }
/// ```
pub fn install_drivers(drivers: &[&'static dyn Driver]) {
    let mut installed = DRIVERS.write().unwrap_or_else(|e| e.into_inner());
    for d in drivers {
        if !installed
            .iter()
            .any(|i| std::ptr::addr_eq(*i as *const dyn Driver, *d as *const dyn Driver))
        {
            installed.push(*d);
        }
    }
}

struct Shared {
    backend: Box<dyn Backend>,
}

/// A pooled database, whatever the backend: cheap to clone, `Send + Sync`.
///
/// Statements run on a connection checked out for the call; [`Engine::acquire`] keeps one,
/// [`Engine::begin`] starts a transaction on one.
///
/// ```no_run
/// # async fn demo() -> quarry::Result<()> {
/// use quarry::{Engine, MetaData, Table, ColumnDef, SqlType};
/// let engine = Engine::connect("sqlite::memory:").await?;
/// let md = MetaData::new().with(Table::new("t").column(ColumnDef::new("id", SqlType::BigInt).primary_key()));
/// engine.create_all(&md).await?;
/// assert_eq!(engine.execute("INSERT INTO t (id) VALUES (1)").await?, 1);
/// let n: i64 = engine.fetch_scalar("SELECT count(*) FROM t").await?;
/// engine.drop_all(&md).await?;
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct Engine {
    shared: Arc<Shared>,
    log_parameters: bool,
}

impl fmt::Debug for Engine {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Engine")
            .field("backend", &self.shared.backend)
            .finish()
    }
}

/// Builds an [`Engine`] with pool options; URL parameters override what is set here.
///
/// ```no_run
/// # async fn demo() -> quarry::Result<()> {
/// use std::time::Duration;
/// let engine = quarry::Engine::builder()
///     .max_size(8)
///     .connection_timeout(Duration::from_secs(5))
///     .connect("postgres://postgres@127.0.0.1/test")
///     .await?;
/// # Ok(()) }
/// ```
#[derive(Clone, Debug, Default)]
pub struct EngineBuilder {
    options: PoolOptions,
}

impl EngineBuilder {
    /// Most connections open at once.
    ///
    /// ```
    /// let b = quarry::Engine::builder().max_size(4);
    /// assert_eq!(b.options().max_size, 4);
    /// ```
    pub fn max_size(mut self, n: u32) -> Self {
        self.options.max_size = n;
        self
    }

    /// Idle connections kept open.
    ///
    /// ```
    /// assert_eq!(quarry::Engine::builder().min_idle(2).options().min_idle, Some(2));
    /// ```
    pub fn min_idle(mut self, n: u32) -> Self {
        self.options.min_idle = Some(n);
        self
    }

    /// How long to wait for a pooled connection.
    ///
    /// ```
    /// let b = quarry::Engine::builder().connection_timeout(std::time::Duration::from_secs(1));
    /// assert_eq!(b.options().connection_timeout.as_secs(), 1);
    /// ```
    pub fn connection_timeout(mut self, t: std::time::Duration) -> Self {
        self.options.connection_timeout = t;
        self
    }

    /// Close connections idle longer than this.
    ///
    /// ```
    /// let b = quarry::Engine::builder().idle_timeout(None);
    /// assert_eq!(b.options().idle_timeout, None);
    /// ```
    pub fn idle_timeout(mut self, t: Option<std::time::Duration>) -> Self {
        self.options.idle_timeout = t;
        self
    }

    /// Close connections older than this.
    ///
    /// ```
    /// let b = quarry::Engine::builder().max_lifetime(None);
    /// assert_eq!(b.options().max_lifetime, None);
    /// ```
    pub fn max_lifetime(mut self, t: Option<std::time::Duration>) -> Self {
        self.options.max_lifetime = t;
        self
    }

    /// Ping connections when they are checked out.
    ///
    /// ```
    /// assert!(quarry::Engine::builder().test_on_checkout(true).options().test_on_checkout);
    /// ```
    pub fn test_on_checkout(mut self, yes: bool) -> Self {
        self.options.test_on_checkout = yes;
        self
    }

    /// Record bound parameters in tracing spans (off by default: they may be secrets).
    ///
    /// ```
    /// assert!(quarry::Engine::builder().log_parameters(true).options().log_parameters);
    /// ```
    pub fn log_parameters(mut self, yes: bool) -> Self {
        self.options.log_parameters = yes;
        self
    }

    /// The options so far.
    ///
    /// ```
    /// assert_eq!(quarry::Engine::builder().options().max_size, 10);
    /// ```
    pub fn options(&self) -> &PoolOptions {
        &self.options
    }

    /// Connects with the installed driver for `url`'s scheme (see [`install_drivers`]).
    ///
    /// ```
    /// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
    /// let err = quarry::Engine::builder().connect("nosuch://x").await.unwrap_err();
    /// assert_eq!(err.kind(), quarry::ErrorKind::Configuration);
    /// # });
    /// ```
    pub async fn connect(self, url: &str) -> Result<Engine> {
        let (url, options) = self.options.apply_url(url)?;
        let scheme = url
            .split(':')
            .next()
            .unwrap_or_default()
            .to_ascii_lowercase();
        let driver = {
            let installed = DRIVERS.read().unwrap_or_else(|e| e.into_inner());
            installed
                .iter()
                .find(|d| d.schemes().contains(&scheme.as_str()))
                .copied()
        };
        match driver {
            Some(d) => {
                let engine = d.connect(&url, &options).await?;
                let log = options.log_parameters || engine.log_parameters;
                Ok(engine.with_log_parameters(log))
            }
            None => Err(Error::Configuration(format!(
                "no installed driver handles URL scheme {scheme:?}; call quarry::install_drivers with the backend crates' DRIVERs"
            ))),
        }
    }
}

/// Runs `fut` inside a tracing span describing one statement.
async fn traced<T>(
    backend: &'static str,
    sql: &str,
    params: &[crate::Value],
    log_parameters: bool,
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
    if span.is_disabled() {
        return fut.await;
    }
    if log_parameters {
        span.record("params", tracing::field::debug(params));
    }
    let start = Instant::now();
    let out = fut.instrument(span.clone()).await;
    let elapsed = start.elapsed().as_micros() as u64;
    span.record("elapsed_us", elapsed);
    match &out {
        Ok(v) => {
            span.record("rows", rows(v));
        }
        Err(e) => {
            tracing::debug!(parent: &span, error = %e, "statement failed");
        }
    }
    out
}

impl Engine {
    /// An engine over `backend` (what backend crates call).
    ///
    /// ```no_run
    /// # fn demo(b: impl quarry::Backend) { let e = quarry::Engine::from_backend(b); }
    /// ```
    pub fn from_backend(backend: impl Backend) -> Self {
        Engine {
            shared: Arc::new(Shared {
                backend: Box::new(backend),
            }),
            log_parameters: false,
        }
    }

    /// This engine with bound parameters recorded in tracing spans or not (backend crates'
    /// `connect` functions apply the URL's `log_parameters` with it).
    ///
    /// ```no_run
    /// # fn demo(e: quarry::Engine) { let e = e.with_log_parameters(true); }
    /// ```
    pub fn with_log_parameters(mut self, yes: bool) -> Self {
        self.log_parameters = yes;
        self
    }

    /// A builder for pool options.
    ///
    /// ```
    /// assert_eq!(quarry::Engine::builder().max_size(3).options().max_size, 3);
    /// ```
    pub fn builder() -> EngineBuilder {
        EngineBuilder::default()
    }

    /// Connects with the installed driver for `url`'s scheme (`sqlite:`, `postgres://`,
    /// `mysql://`, …) and default pool options; see [`install_drivers`] and [`PoolOptions`].
    ///
    /// ```
    /// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
    /// let err = quarry::Engine::connect("nosuch://x").await.unwrap_err();
    /// assert_eq!(err.kind(), quarry::ErrorKind::Configuration);
    /// # });
    /// ```
    pub async fn connect(url: &str) -> Result<Engine> {
        EngineBuilder::default().connect(url).await
    }

    /// The dialect statements are compiled for.
    ///
    /// ```no_run
    /// # fn demo(e: quarry::Engine) { println!("{}", e.dialect().name()); }
    /// ```
    pub fn dialect(&self) -> &'static dyn Dialect {
        self.shared.backend.dialect()
    }

    /// The backend's name (`sqlite`, `postgres`, `mysql`).
    ///
    /// ```no_run
    /// # fn demo(e: quarry::Engine) { assert!(!e.backend_name().is_empty()); }
    /// ```
    pub fn backend_name(&self) -> &'static str {
        self.shared.backend.name()
    }

    /// The pool's state: (connections open, connections idle).
    ///
    /// ```no_run
    /// # fn demo(e: quarry::Engine) { let (open, idle) = e.pool_state(); assert!(idle <= open); }
    /// ```
    pub fn pool_state(&self) -> (u32, u32) {
        self.shared.backend.pool_state()
    }

    /// Checks a connection out of the pool.
    ///
    /// ```no_run
    /// # async fn demo(e: quarry::Engine) -> quarry::Result<()> {
    /// let mut conn = e.acquire().await?;
    /// conn.execute("SELECT 1").await?;
    /// # Ok(()) }
    /// ```
    pub async fn acquire(&self) -> Result<Connection> {
        let backend = &self.shared.backend;
        let inner = match backend.acquire_ready() {
            Some(inner) => inner,
            None => backend.acquire().await?,
        };
        Ok(Connection {
            inner: Some(inner),
            dialect: self.shared.backend.dialect(),
            backend: self.shared.backend.name(),
            log_parameters: self.log_parameters,
            depth: 0,
            pending_rollback: None,
            interrupted: None,
        })
    }

    /// Starts a transaction on a pooled connection; it rolls back if dropped uncommitted.
    ///
    /// ```no_run
    /// # async fn demo(e: quarry::Engine) -> quarry::Result<()> {
    /// let mut tx = e.begin().await?;
    /// tx.execute("INSERT INTO t (id) VALUES (1)").await?;
    /// tx.commit().await?;
    /// # Ok(()) }
    /// ```
    pub async fn begin(&self) -> Result<Transaction<'static>> {
        self.begin_with(TxOptions::default()).await
    }

    /// Starts a transaction with an isolation level or read-only mode.
    ///
    /// ```no_run
    /// # async fn demo(e: quarry::Engine) -> quarry::Result<()> {
    /// use quarry::{TxOptions, IsolationLevel};
    /// let tx = e.begin_with(TxOptions::default().isolation(IsolationLevel::Serializable)).await?;
    /// tx.commit().await?;
    /// # Ok(()) }
    /// ```
    pub async fn begin_with(&self, options: TxOptions) -> Result<Transaction<'static>> {
        let mut conn = self.acquire().await?;
        conn.start(options).await?;
        Ok(Transaction {
            conn: ConnRef::Owned(conn),
            level: 1,
            done: false,
        })
    }

    /// Runs `f` in a transaction and commits it, retrying the whole transaction up to
    /// `retries` more times when it fails with a serialization failure or a deadlock, or
    /// when no connection could be opened for it ([`Error::is_retryable`]). Any other error
    /// rolls back and is returned.
    ///
    /// ```no_run
    /// # async fn demo(e: quarry::Engine) -> quarry::Result<()> {
    /// let n: u64 = e.transaction(Default::default(), 3, |tx| Box::pin(async move {
    ///     tx.execute("UPDATE counters SET n = n + 1").await
    /// })).await?;
    /// # Ok(()) }
    /// ```
    pub async fn transaction<T, F>(&self, options: TxOptions, retries: u32, mut f: F) -> Result<T>
    where
        F: for<'t> FnMut(&'t mut Transaction<'static>) -> BoxFuture<'t, Result<T>>,
    {
        let mut attempt = 0;
        loop {
            let mut tx = match self.begin_with(options).await {
                Ok(tx) => tx,
                // No connection could be opened: nothing ran, so try again.
                Err(e) if e.is_retryable() && attempt < retries => {
                    attempt += 1;
                    tracing::debug!(attempt, error = %e, "retrying transaction");
                    continue;
                }
                Err(e) => return Err(e),
            };
            let outcome = match f(&mut tx).await {
                Ok(v) => tx.commit().await.map(|()| v),
                Err(e) => {
                    // The error that ended the work matters more than a failed rollback.
                    let _ = tx.rollback().await;
                    Err(e)
                }
            };
            match outcome {
                Err(e) if e.is_retryable() && attempt < retries => {
                    attempt += 1;
                    tracing::debug!(attempt, error = %e, "retrying transaction");
                }
                other => return other,
            }
        }
    }

    /// Runs a statement (compiled for this engine's dialect); returns the rows affected.
    ///
    /// ```no_run
    /// # async fn demo(e: quarry::Engine) -> quarry::Result<()> {
    /// e.execute("CREATE TABLE t (a INTEGER)").await?;
    /// # Ok(()) }
    /// ```
    pub async fn execute(&self, stmt: impl IntoCompiled) -> Result<u64> {
        self.acquire().await?.execute(stmt).await
    }

    /// Runs a statement; returns rows affected and the generated id where the backend reports
    /// one.
    ///
    /// ```no_run
    /// # async fn demo(e: quarry::Engine) -> quarry::Result<()> {
    /// let r = e.execute_result("INSERT INTO t (a) VALUES (1)").await?;
    /// println!("{:?}", r.last_insert_id);
    /// # Ok(()) }
    /// ```
    pub async fn execute_result(&self, stmt: impl IntoCompiled) -> Result<ExecResult> {
        self.acquire().await?.execute_result(stmt).await
    }

    /// Runs a query and returns all rows.
    ///
    /// ```no_run
    /// # async fn demo(e: quarry::Engine) -> quarry::Result<()> {
    /// let rows = e.fetch_all("SELECT 1 AS one").await?;
    /// assert_eq!(rows[0].get::<i64>("one")?, 1);
    /// # Ok(()) }
    /// ```
    pub async fn fetch_all(&self, stmt: impl IntoCompiled) -> Result<Vec<Row>> {
        self.acquire().await?.fetch_all(stmt).await
    }

    /// Runs a query and decodes every row into `T` (a tuple, a `Deserialize` struct, …).
    ///
    /// ```no_run
    /// # async fn demo(e: quarry::Engine) -> quarry::Result<()> {
    /// let pairs: Vec<(i64, String)> = e.fetch_all_as("SELECT id, name FROM users").await?;
    /// # Ok(()) }
    /// ```
    pub async fn fetch_all_as<T: FromRow>(&self, stmt: impl IntoCompiled) -> Result<Vec<T>> {
        self.acquire().await?.fetch_all_as(stmt).await
    }

    /// Runs a query that must return a row; the first one. No row is
    /// [`crate::ErrorKind::NotFound`].
    ///
    /// ```no_run
    /// # async fn demo(e: quarry::Engine) -> quarry::Result<()> {
    /// let row = e.fetch_one("SELECT 1 AS one").await?;
    /// # Ok(()) }
    /// ```
    pub async fn fetch_one(&self, stmt: impl IntoCompiled) -> Result<Row> {
        self.acquire().await?.fetch_one(stmt).await
    }

    /// [`Engine::fetch_one`] decoded into `T`.
    ///
    /// ```no_run
    /// # async fn demo(e: quarry::Engine) -> quarry::Result<()> {
    /// let (id, name): (i64, String) = e.fetch_one_as("SELECT id, name FROM users LIMIT 1").await?;
    /// # Ok(()) }
    /// ```
    pub async fn fetch_one_as<T: FromRow>(&self, stmt: impl IntoCompiled) -> Result<T> {
        self.acquire().await?.fetch_one_as(stmt).await
    }

    /// Runs a query; its first row, if any.
    ///
    /// ```no_run
    /// # async fn demo(e: quarry::Engine) -> quarry::Result<()> {
    /// let row = e.fetch_optional("SELECT 1 WHERE 1 = 0").await?;
    /// assert!(row.is_none());
    /// # Ok(()) }
    /// ```
    pub async fn fetch_optional(&self, stmt: impl IntoCompiled) -> Result<Option<Row>> {
        self.acquire().await?.fetch_optional(stmt).await
    }

    /// [`Engine::fetch_optional`] decoded into `T`.
    ///
    /// ```no_run
    /// # async fn demo(e: quarry::Engine) -> quarry::Result<()> {
    /// let name: Option<(String,)> = e.fetch_optional_as("SELECT name FROM users WHERE id = 1").await?;
    /// # Ok(()) }
    /// ```
    pub async fn fetch_optional_as<T: FromRow>(
        &self,
        stmt: impl IntoCompiled,
    ) -> Result<Option<T>> {
        self.acquire().await?.fetch_optional_as(stmt).await
    }

    /// Runs a query that must return a row; its first column decoded into `T`.
    ///
    /// ```no_run
    /// # async fn demo(e: quarry::Engine) -> quarry::Result<()> {
    /// let n: i64 = e.fetch_scalar("SELECT count(*) FROM users").await?;
    /// # Ok(()) }
    /// ```
    pub async fn fetch_scalar<T: FromValue>(&self, stmt: impl IntoCompiled) -> Result<T> {
        self.acquire().await?.fetch_scalar(stmt).await
    }

    /// Streams a query's rows with constant memory; the stream holds a pooled connection until
    /// it ends or is dropped.
    ///
    /// ```no_run
    /// # async fn demo(e: quarry::Engine) -> quarry::Result<()> {
    /// let mut rows = e.stream("SELECT id FROM big").await?;
    /// while let Some(row) = rows.next().await {
    ///     let id: i64 = row?.get(0)?;
    /// }
    /// # Ok(()) }
    /// ```
    pub async fn stream(&self, stmt: impl IntoCompiled) -> Result<RowStream<'static>> {
        let c = stmt.into_compiled(self.dialect())?;
        let mut conn = self.acquire().await?;
        let inner = conn
            .inner
            .take()
            .ok_or_else(|| Error::connection("connection already released", None))?;
        let span = tracing::debug_span!("quarry.stream", backend = conn.backend, sql = %c.sql);
        Ok(RowStream {
            inner: inner.into_stream(c.sql, c.params),
            span,
        })
    }

    /// Inserts rows straight from the caller's data, each text and byte value bound by
    /// reference (no `String` copied per cell): the columns are typed, and each row is a tuple
    /// of values for them ([`RowFor`](crate::RowFor)). All rows land in one transaction (a
    /// savepoint inside one), or none. Returns the number of rows inserted. The number of
    /// rows is taken from the iterator's `size_hint` when it is exact (a slice's, a `Vec`'s,
    /// a range's, mapped); other iterators are collected first.
    ///
    /// This is the bulk path: PostgreSQL loads the rows with `COPY … (FORMAT binary)`, SQLite
    /// binds them into multi-row INSERTs on the calling thread (through `block_in_place` on a
    /// multi-threaded runtime; the statements are not cancellable midway), and MariaDB/MySQL
    /// send multi-row INSERTs within the bound-parameter limit. Client-side column defaults
    /// are filled in, and a NOT NULL column left out is an error before anything is sent.
    ///
    /// ```no_run
    /// # async fn demo(e: quarry::Engine) -> quarry::Result<()> {
    /// quarry::table! { pub struct Users("users") { id: i64, name: String, email: Option<String> } }
    /// struct User { id: i64, name: String, email: Option<String> }
    /// let data = vec![User { id: 1, name: "Ann".into(), email: None }];
    /// let u = Users::new();
    /// let n = e
    ///     .insert_rows(u, (u.id, u.name, u.email), data.iter().map(|r| (r.id, &r.name, &r.email)))
    ///     .await?;
    /// assert_eq!(n, 1);
    /// # Ok(()) }
    /// ```
    pub async fn insert_rows<C, I>(
        &self,
        table: impl crate::TableSource,
        columns: C,
        rows: I,
    ) -> Result<u64>
    where
        C: crate::ColumnNames,
        I: IntoIterator,
        I::IntoIter: Send,
        I::Item: crate::RowFor<C> + Send,
    {
        self.acquire()
            .await?
            .insert_rows(table, columns, rows)
            .await
    }

    /// Runs SQL text holding one or more statements, without parameters.
    ///
    /// ```no_run
    /// # async fn demo(e: quarry::Engine) -> quarry::Result<()> {
    /// e.execute_script("CREATE TABLE a (x INTEGER); CREATE TABLE b (y INTEGER);").await?;
    /// # Ok(()) }
    /// ```
    pub async fn execute_script(&self, sql: &str) -> Result<()> {
        self.acquire().await?.execute_script(sql).await
    }

    /// Whether table `name` exists in `schema` (or the connection's current schema).
    ///
    /// ```no_run
    /// # async fn demo(e: quarry::Engine) -> quarry::Result<()> {
    /// assert!(!e.has_table(None, "no_such_table").await?);
    /// # Ok(()) }
    /// ```
    pub async fn has_table(&self, schema: Option<&str>, name: &str) -> Result<bool> {
        self.acquire().await?.has_table(schema, name).await
    }

    /// Creates the metadata's enum types, tables, indexes and constraints in foreign-key order,
    /// skipping tables (and types) that already exist, as SQLAlchemy's `create_all` does. On
    /// dialects with transactional DDL (PostgreSQL, SQLite) it all happens in one transaction.
    ///
    /// ```no_run
    /// # async fn demo(e: quarry::Engine, md: quarry::MetaData) -> quarry::Result<()> {
    /// e.create_all(&md).await?;
    /// e.create_all(&md).await?; // nothing left to create
    /// # Ok(()) }
    /// ```
    pub async fn create_all(&self, metadata: &MetaData) -> Result<()> {
        let steps = metadata.plan_create(self.dialect(), false)?;
        let mut conn = self.acquire().await?;
        conn.run_steps(metadata, steps, true).await
    }

    /// Drops what [`Engine::create_all`] creates, in reverse order, skipping tables that do not
    /// exist.
    ///
    /// ```no_run
    /// # async fn demo(e: quarry::Engine, md: quarry::MetaData) -> quarry::Result<()> {
    /// e.drop_all(&md).await?;
    /// # Ok(()) }
    /// ```
    pub async fn drop_all(&self, metadata: &MetaData) -> Result<()> {
        let steps = metadata.plan_drop(self.dialect(), false)?;
        let mut conn = self.acquire().await?;
        conn.run_steps(metadata, steps, false).await
    }
}

/// A connection checked out of an [`Engine`]'s pool; returned when dropped (or closed, if it is
/// dropped inside a transaction).
pub struct Connection {
    inner: Option<Box<dyn BackendConnection>>,
    dialect: &'static dyn Dialect,
    backend: &'static str,
    log_parameters: bool,
    /// Open transaction levels (0: none; 1: a transaction; 2+: savepoints).
    depth: usize,
    /// The level a dropped transaction left to roll back before the next statement.
    pending_rollback: Option<usize>,
    /// The transaction-control statement (`BEGIN`, `COMMIT`, …) whose future was dropped
    /// before its reply was read: set before it is sent, cleared once it has ended (see
    /// [`Connection::control`]).
    interrupted: Option<&'static str>,
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

fn savepoint(level: usize) -> String {
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

    fn inner(&mut self) -> Result<&mut Box<dyn BackendConnection>> {
        self.inner
            .as_mut()
            .ok_or_else(|| Error::connection("connection already released", None))
    }

    /// Before the next statement: refuses a connection on which a transaction-control
    /// statement was interrupted, and rolls back what a dropped transaction left open.
    async fn settle(&mut self) -> Result<()> {
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
    async fn control(&mut self, sql: &str, what: &'static str, trace: bool) -> Result<()> {
        self.interrupted = Some(what);
        let out = if trace {
            self.script(sql).await
        } else {
            match self.inner() {
                Ok(inner) => inner.execute_script(sql).await,
                Err(e) => Err(e),
            }
        };
        self.interrupted = None;
        out
    }

    async fn script(&mut self, sql: &str) -> Result<()> {
        let (backend, log) = (self.backend, self.log_parameters);
        let inner = self.inner()?;
        traced(backend, sql, &[], log, |_| 0, inner.execute_script(sql)).await
    }

    /// Opens the next transaction level: BEGIN, or a savepoint inside a transaction.
    async fn start(&mut self, options: TxOptions) -> Result<()> {
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

    /// Runs a statement; returns the rows affected.
    ///
    /// ```no_run
    /// # async fn demo(e: quarry::Engine) -> quarry::Result<()> {
    /// let mut c = e.acquire().await?;
    /// c.execute("CREATE TABLE t (a INTEGER)").await?;
    /// # Ok(()) }
    /// ```
    pub async fn execute(&mut self, stmt: impl IntoCompiled) -> Result<u64> {
        Ok(self.execute_result(stmt).await?.rows_affected)
    }

    /// Runs a statement; returns rows affected and the generated id where reported.
    ///
    /// ```no_run
    /// # async fn demo(e: quarry::Engine) -> quarry::Result<()> {
    /// let mut c = e.acquire().await?;
    /// let r = c.execute_result("INSERT INTO t (a) VALUES (1)").await?;
    /// # Ok(()) }
    /// ```
    pub async fn execute_result(&mut self, stmt: impl IntoCompiled) -> Result<ExecResult> {
        match stmt.into_plan(self.dialect)? {
            Plan::One(c) => self.execute_compiled(&c).await,
            plan => Ok(Box::pin(self.run_plan(plan, false)).await?.0),
        }
    }

    async fn execute_compiled(&mut self, c: &Compiled) -> Result<ExecResult> {
        self.execute_sql(&c.sql, &c.params).await
    }

    async fn execute_sql(&mut self, sql: &str, params: &[Value]) -> Result<ExecResult> {
        self.settle().await?;
        let (backend, log) = (self.backend, self.log_parameters);
        let inner = self.inner()?;
        traced(
            backend,
            sql,
            params,
            log,
            |r: &ExecResult| r.rows_affected,
            inner.execute(sql, params),
        )
        .await
    }

    /// Runs a query and returns all rows.
    ///
    /// ```no_run
    /// # async fn demo(e: quarry::Engine) -> quarry::Result<()> {
    /// let mut c = e.acquire().await?;
    /// let rows = c.fetch_all("SELECT 1").await?;
    /// # Ok(()) }
    /// ```
    pub async fn fetch_all(&mut self, stmt: impl IntoCompiled) -> Result<Vec<Row>> {
        match stmt.into_plan(self.dialect)? {
            Plan::One(c) => self.fetch_compiled(&c).await,
            plan => Ok(Box::pin(self.run_plan(plan, true)).await?.1),
        }
    }

    /// Inserts rows straight from the caller's data; see [`Engine::insert_rows`].
    ///
    /// ```no_run
    /// # async fn demo(e: quarry::Engine) -> quarry::Result<()> {
    /// quarry::table! { pub struct T("t") { id: i64, name: String } }
    /// let t = T::new();
    /// let mut tx = e.begin().await?;
    /// tx.insert_rows(t, (t.id, t.name), [(1_i64, "a"), (2, "b")]).await?;
    /// tx.commit().await?;
    /// # Ok(()) }
    /// ```
    pub async fn insert_rows<C, I>(
        &mut self,
        table: impl crate::TableSource,
        columns: C,
        rows: I,
    ) -> Result<u64>
    where
        C: crate::ColumnNames,
        I: IntoIterator,
        I::IntoIter: Send,
        I::Item: crate::RowFor<C> + Send,
    {
        use crate::RowFor;
        let stmt = crate::insert(table).columns(columns).into_stmt();
        let plan = crate::compile::dml::rows_plan(&stmt, I::Item::WIDTH, self.dialect)?;
        let rows = rows.into_iter();
        match rows.size_hint() {
            (low, Some(high)) if low == high => self.insert_counted::<C, _>(&plan, rows, low).await,
            _ => {
                // The number of rows must be known before the first statement is written.
                let rows: Vec<I::Item> = rows.collect();
                let n = rows.len();
                self.insert_counted::<C, _>(&plan, rows.into_iter(), n)
                    .await
            }
        }
    }

    /// [`Connection::insert_rows`] of `n` rows (as the iterator says: checked).
    async fn insert_counted<C, I>(
        &mut self,
        plan: &crate::compile::dml::RowsPlan,
        rows: I,
        n: usize,
    ) -> Result<u64>
    where
        I: Iterator + Send,
        I::Item: crate::RowFor<C>,
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
        plan: &crate::compile::dml::RowsPlan,
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
        plan: &crate::compile::dml::RowsPlan,
        n: usize,
        source: &mut dyn super::RowSource,
    ) -> Result<ExecResult> {
        self.settle().await?;
        let (backend, log, dialect) = (self.backend, self.log_parameters, self.dialect);
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
            let r = self.execute_sql(&sql, &values).await?;
            total.rows_affected += r.rows_affected;
            total.last_insert_id = total.last_insert_id.or(r.last_insert_id);
        }
        Ok(total)
    }

    /// Loads a COPY plan through the backend; `None` when it has no copy path.
    async fn run_copy(&mut self, copy: &crate::compile::dml::CopyPlan) -> Result<Option<u64>> {
        self.settle().await?;
        let (backend, log) = (self.backend, self.log_parameters);
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
    async fn run_plan(&mut self, plan: Plan, rows: bool) -> Result<(ExecResult, Vec<Row>)> {
        let mut total = ExecResult::default();
        let mut out = Vec::new();
        let batch = match plan {
            Plan::One(c) => vec![c],
            Plan::Batch(v) => v,
            Plan::Chunked(mut chunks) if !rows => {
                // Run as rows moved out of the plan's values, so that a backend can bind them
                // its own way (SQLite in place, one prepared statement for every full part).
                let plan = crate::compile::dml::RowsPlan::of_chunked(&mut chunks, self.dialect);
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
                let crate::compile::dml::Chunked {
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
            let r = self.execute_sql(sql, params).await?;
            total.rows_affected += r.rows_affected;
            total.last_insert_id = total.last_insert_id.or(r.last_insert_id);
        }
        Ok(())
    }

    async fn fetch_compiled(&mut self, c: &Compiled) -> Result<Vec<Row>> {
        self.fetch_sql(&c.sql, &c.params).await
    }

    async fn fetch_sql(&mut self, sql: &str, params: &[Value]) -> Result<Vec<Row>> {
        self.traced_call(
            sql,
            params,
            |rows: &Vec<Row>| rows.len() as u64,
            |c, s, p| c.fetch_all(s, p),
        )
        .await
    }

    /// The first row of one statement (the backend may stop reading there).
    async fn fetch_first(&mut self, sql: &str, params: &[Value]) -> Result<Option<Row>> {
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
    async fn traced_call<T>(
        &mut self,
        sql: &str,
        params: &[Value],
        rows: fn(&T) -> u64,
        call: BackendCall<T>,
    ) -> Result<T> {
        self.settle().await?;
        let (backend, log) = (self.backend, self.log_parameters);
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

    /// Runs a query and decodes every row into `T`.
    ///
    /// ```no_run
    /// # async fn demo(e: quarry::Engine) -> quarry::Result<()> {
    /// let mut c = e.acquire().await?;
    /// let ids: Vec<(i64,)> = c.fetch_all_as("SELECT id FROM t").await?;
    /// # Ok(()) }
    /// ```
    pub async fn fetch_all_as<T: FromRow>(&mut self, stmt: impl IntoCompiled) -> Result<Vec<T>> {
        self.fetch_all(stmt)
            .await?
            .into_iter()
            .map(T::from_owned_row)
            .collect()
    }

    /// Runs a query that must return a row; the first one.
    ///
    /// ```no_run
    /// # async fn demo(e: quarry::Engine) -> quarry::Result<()> {
    /// let mut c = e.acquire().await?;
    /// let row = c.fetch_one("SELECT 1").await?;
    /// # Ok(()) }
    /// ```
    pub async fn fetch_one(&mut self, stmt: impl IntoCompiled) -> Result<Row> {
        match stmt.into_plan(self.dialect)? {
            Plan::One(c) => self
                .fetch_first(&c.sql, &c.params)
                .await?
                .ok_or_else(|| Error::NotFound { sql: c.sql }),
            plan => {
                let rows = Box::pin(self.run_plan(plan, true)).await?.1;
                rows.into_iter().next().ok_or_else(|| Error::NotFound {
                    sql: "(an INSERT run as several statements)".into(),
                })
            }
        }
    }

    /// [`Connection::fetch_one`] decoded into `T`.
    ///
    /// ```no_run
    /// # async fn demo(e: quarry::Engine) -> quarry::Result<()> {
    /// let mut c = e.acquire().await?;
    /// let (one,): (i64,) = c.fetch_one_as("SELECT 1").await?;
    /// # Ok(()) }
    /// ```
    pub async fn fetch_one_as<T: FromRow>(&mut self, stmt: impl IntoCompiled) -> Result<T> {
        T::from_owned_row(self.fetch_one(stmt).await?)
    }

    /// Runs a query; its first row, if any.
    ///
    /// ```no_run
    /// # async fn demo(e: quarry::Engine) -> quarry::Result<()> {
    /// let mut c = e.acquire().await?;
    /// assert!(c.fetch_optional("SELECT 1 WHERE 1 = 0").await?.is_none());
    /// # Ok(()) }
    /// ```
    pub async fn fetch_optional(&mut self, stmt: impl IntoCompiled) -> Result<Option<Row>> {
        match stmt.into_plan(self.dialect)? {
            Plan::One(c) => self.fetch_first(&c.sql, &c.params).await,
            plan => Ok(Box::pin(self.run_plan(plan, true))
                .await?
                .1
                .into_iter()
                .next()),
        }
    }

    /// [`Connection::fetch_optional`] decoded into `T`.
    ///
    /// ```no_run
    /// # async fn demo(e: quarry::Engine) -> quarry::Result<()> {
    /// let mut c = e.acquire().await?;
    /// let v: Option<(i64,)> = c.fetch_optional_as("SELECT 1").await?;
    /// # Ok(()) }
    /// ```
    pub async fn fetch_optional_as<T: FromRow>(
        &mut self,
        stmt: impl IntoCompiled,
    ) -> Result<Option<T>> {
        self.fetch_optional(stmt)
            .await?
            .map(T::from_owned_row)
            .transpose()
    }

    /// Runs a query that must return a row; its first column decoded into `T`.
    ///
    /// ```no_run
    /// # async fn demo(e: quarry::Engine) -> quarry::Result<()> {
    /// let mut c = e.acquire().await?;
    /// let n: i64 = c.fetch_scalar("SELECT 42").await?;
    /// # Ok(()) }
    /// ```
    pub async fn fetch_scalar<T: FromValue>(&mut self, stmt: impl IntoCompiled) -> Result<T> {
        self.fetch_one(stmt).await?.get(0)
    }

    /// Streams a query's rows with constant memory; the connection is busy until the stream
    /// ends or is dropped.
    ///
    /// ```no_run
    /// # async fn demo(e: quarry::Engine) -> quarry::Result<()> {
    /// let mut c = e.acquire().await?;
    /// let mut rows = c.stream("SELECT id FROM t").await?;
    /// while let Some(row) = rows.next().await { row?; }
    /// # Ok(()) }
    /// ```
    pub async fn stream(&mut self, stmt: impl IntoCompiled) -> Result<RowStream<'_>> {
        let c = match stmt.into_plan(self.dialect)? {
            Plan::One(c) => c,
            plan => {
                // Split statements run as one transaction first; their rows then stream
                // from memory.
                let rows = Box::pin(self.run_plan(plan, true)).await?.1;
                return Ok(RowStream {
                    inner: Box::pin(VecStream(rows.into_iter())),
                    span: tracing::Span::none(),
                });
            }
        };
        self.settle().await?;
        let span = tracing::debug_span!("quarry.stream", backend = self.backend, sql = %c.sql);
        let inner = self.inner()?;
        Ok(RowStream {
            inner: inner.fetch_stream(c.sql, c.params),
            span,
        })
    }

    /// Runs SQL text holding one or more statements, without parameters.
    ///
    /// ```no_run
    /// # async fn demo(e: quarry::Engine) -> quarry::Result<()> {
    /// let mut c = e.acquire().await?;
    /// c.execute_script("SELECT 1; SELECT 2").await?;
    /// # Ok(()) }
    /// ```
    pub async fn execute_script(&mut self, sql: &str) -> Result<()> {
        self.settle().await?;
        self.script(sql).await
    }

    /// Whether table `name` exists in `schema` (or the current schema).
    ///
    /// ```no_run
    /// # async fn demo(e: quarry::Engine) -> quarry::Result<()> {
    /// let mut c = e.acquire().await?;
    /// let exists = c.has_table(None, "users").await?;
    /// # Ok(()) }
    /// ```
    pub async fn has_table(&mut self, schema: Option<&str>, name: &str) -> Result<bool> {
        let mut w = SqlWriter::new(self.dialect);
        self.dialect.write_table_exists(&mut w, schema, name);
        Ok(!self.fetch_all(w.finish()).await?.is_empty())
    }

    async fn has_type(&mut self, schema: Option<&str>, name: &str) -> Result<bool> {
        let mut w = SqlWriter::new(self.dialect);
        self.dialect.write_type_exists(&mut w, schema, name)?;
        Ok(!self.fetch_all(w.finish()).await?.is_empty())
    }

    /// Runs a DDL plan, skipping the objects that already exist (creating) or are missing
    /// (dropping); in one transaction where the dialect has transactional DDL.
    async fn run_steps(
        &mut self,
        md: &MetaData,
        steps: Vec<DdlStep>,
        creating: bool,
    ) -> Result<()> {
        let mut skip_tables = HashSet::new();
        let mut skip_types = HashSet::new();
        for (i, t) in md.tables().iter().enumerate() {
            if self.has_table(t.schema.as_deref(), &t.name).await? == creating {
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
                tx.execute(&s.compiled).await?;
            }
            tx.commit().await
        } else {
            for s in todo {
                self.execute(&s.compiled).await?;
            }
            Ok(())
        }
    }
}

/// A connection owned by a transaction (from [`Engine::begin`]) or borrowed from a
/// [`Connection`].
enum ConnRef<'c> {
    Owned(Connection),
    Borrowed(&'c mut Connection),
}

/// A transaction (or, nested, a savepoint). It rolls back when dropped uncommitted: the
/// rollback runs before the connection's next statement, or the connection is closed instead
/// of returning to the pool.
///
/// A `Transaction` dereferences to its [`Connection`], so every statement method is available
/// on it, and [`Connection::begin`] on it opens a savepoint.
///
/// ```no_run
/// # async fn demo(e: quarry::Engine) -> quarry::Result<()> {
/// let mut tx = e.begin().await?;
/// tx.execute("INSERT INTO t (id) VALUES (1)").await?;
/// {
///     let mut sp = tx.begin().await?;         // SAVEPOINT
///     sp.execute("INSERT INTO t (id) VALUES (2)").await?;
///     // dropped: rolled back to the savepoint
/// }
/// tx.commit().await?;                          // row 1 only
/// # Ok(()) }
/// ```
pub struct Transaction<'c> {
    conn: ConnRef<'c>,
    level: usize,
    done: bool,
}

impl fmt::Debug for Transaction<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Transaction")
            .field("level", &self.level)
            .finish_non_exhaustive()
    }
}

impl Deref for Transaction<'_> {
    type Target = Connection;
    fn deref(&self) -> &Connection {
        match &self.conn {
            ConnRef::Owned(c) => c,
            ConnRef::Borrowed(c) => c,
        }
    }
}

impl DerefMut for Transaction<'_> {
    fn deref_mut(&mut self) -> &mut Connection {
        match &mut self.conn {
            ConnRef::Owned(c) => c,
            ConnRef::Borrowed(c) => c,
        }
    }
}

impl Transaction<'_> {
    async fn finish(mut self, commit: bool) -> Result<()> {
        let level = self.level;
        let (sql, what) = match (commit, level) {
            (true, 1) => ("COMMIT".to_owned(), "COMMIT"),
            (false, 1) => ("ROLLBACK".to_owned(), "ROLLBACK"),
            (true, _) => (
                format!("RELEASE SAVEPOINT {}", savepoint(level)),
                "RELEASE SAVEPOINT",
            ),
            (false, _) => {
                let sp = savepoint(level);
                (
                    format!("ROLLBACK TO SAVEPOINT {sp}; RELEASE SAVEPOINT {sp}"),
                    "ROLLBACK TO SAVEPOINT",
                )
            }
        };
        self.done = true;
        let conn: &mut Connection = &mut self;
        // The level ends here whatever follows: should this future be dropped mid-way, the
        // connection is left marked interrupted (see `Connection::control`), not one level deep
        // in a transaction the server may already have ended.
        conn.depth = level - 1;
        let out = match conn.settle().await {
            Ok(()) => conn.control(&sql, what, true).await,
            Err(e) => Err(e),
        };
        if out.is_err() {
            if level == 1 {
                // The server's transaction state is unknown (SQLite keeps a transaction open
                // after a failed COMMIT, PostgreSQL ends it): never reuse this connection.
                if let Some(inner) = conn.inner.as_mut() {
                    inner.discard();
                }
            } else {
                conn.pending_rollback = Some(conn.pending_rollback.map_or(level, |p| p.min(level)));
            }
        }
        out
    }

    /// Commits (or releases the savepoint).
    ///
    /// ```no_run
    /// # async fn demo(e: quarry::Engine) -> quarry::Result<()> {
    /// e.begin().await?.commit().await?;
    /// # Ok(()) }
    /// ```
    pub async fn commit(self) -> Result<()> {
        self.finish(true).await
    }

    /// Rolls back (to the savepoint, for a nested transaction).
    ///
    /// ```no_run
    /// # async fn demo(e: quarry::Engine) -> quarry::Result<()> {
    /// e.begin().await?.rollback().await?;
    /// # Ok(()) }
    /// ```
    pub async fn rollback(self) -> Result<()> {
        self.finish(false).await
    }
}

impl Drop for Transaction<'_> {
    fn drop(&mut self) {
        if !self.done {
            let level = self.level;
            let conn: &mut Connection = self;
            conn.depth = level - 1;
            conn.pending_rollback = Some(conn.pending_rollback.map_or(level, |p| p.min(level)));
        }
    }
}

/// A stream of rows. Implements `futures_core::Stream`; [`RowStream::next`] needs no extra
/// crate.
pub struct RowStream<'a> {
    inner: BoxStream<'a, Result<Row>>,
    span: tracing::Span,
}

impl fmt::Debug for RowStream<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RowStream").finish_non_exhaustive()
    }
}

impl RowStream<'_> {
    /// The next row, or `None` at the end.
    ///
    /// ```no_run
    /// # async fn demo(e: quarry::Engine) -> quarry::Result<()> {
    /// let mut s = e.stream("SELECT 1").await?;
    /// while let Some(row) = s.next().await { row?; }
    /// # Ok(()) }
    /// ```
    pub async fn next(&mut self) -> Option<Result<Row>> {
        std::future::poll_fn(|cx| self.inner.as_mut().poll_next(cx)).await
    }
}

impl futures_core::Stream for RowStream<'_> {
    type Item = Result<Row>;
    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Result<Row>>> {
        let span = self.span.clone();
        let _enter = span.enter();
        self.inner.as_mut().poll_next(cx)
    }
}

/// Rows already in memory, as a stream.
struct VecStream(std::vec::IntoIter<Row>);

impl futures_core::Stream for VecStream {
    type Item = Result<Row>;

    fn poll_next(
        mut self: std::pin::Pin<&mut Self>,
        _cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Option<Self::Item>> {
        std::task::Poll::Ready(self.0.next().map(Ok))
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
