//! [`Engine`]: a pooled database chosen by URL, the driver registry and [`EngineBuilder`].

use super::connection::{ConnRef, Trace};
use super::{Backend, BoxFuture, Connection, Driver, PoolOptions, Transaction};
use crate::compile::Dialect;
use crate::error::{Error, Result};
use crate::schema::MetaData;
use crate::stmt::tx::TxOptions;
use std::fmt;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, RwLock};
use tokio::sync::Notify;

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
    life: Arc<Life>,
}

/// Whether the engine is closed, and how many connections are checked out: what
/// [`Engine::close`] waits on.
#[derive(Default)]
pub(crate) struct Life {
    closed: AtomicBool,
    active: AtomicUsize,
    drained: Notify,
}

/// A checked-out connection (or one being checked out), counted until dropped.
pub(crate) struct Active(Arc<Life>);

impl Active {
    /// Counts a checkout, unless the engine is closed.
    fn enter(life: &Arc<Life>) -> Result<Active> {
        // Counted before the closed flag is read, and `close` sets the flag before it reads
        // the count: a checkout either sees the flag or is waited for.
        life.active.fetch_add(1, Ordering::SeqCst);
        let active = Active(life.clone());
        if life.closed.load(Ordering::SeqCst) {
            return Err(Error::connection("the engine is closed", None));
        }
        Ok(active)
    }
}

impl Drop for Active {
    fn drop(&mut self) {
        if self.0.active.fetch_sub(1, Ordering::SeqCst) == 1 {
            self.0.drained.notify_waiters();
        }
    }
}

/// A pooled database, whatever the backend: cheap to clone, `Send + Sync`.
///
/// Statements run on a connection checked out for the call; [`Engine::acquire`] keeps one,
/// [`Engine::begin`] starts a transaction on one.
///
/// ```no_run
/// # async fn demo() -> quarry::Result<()> {
/// use quarry::{Engine, MetaData, Table, ColumnDef, SqlType};
/// use quarry::Executor;
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
    trace: Trace,
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

    /// Log statements that run at least `threshold` at `warn` (default 1 s; `None` never); see
    /// [`PoolOptions::slow_statement_threshold`].
    ///
    /// ```
    /// use std::time::Duration;
    /// let b = quarry::Engine::builder().slow_statement_threshold(Duration::from_millis(100));
    /// assert_eq!(b.options().slow_statement_threshold, Some(Duration::from_millis(100)));
    /// let b = quarry::Engine::builder().slow_statement_threshold(None);
    /// assert_eq!(b.options().slow_statement_threshold, None);
    /// ```
    pub fn slow_statement_threshold(
        mut self,
        threshold: impl Into<Option<std::time::Duration>>,
    ) -> Self {
        self.options.slow_statement_threshold = threshold.into();
        self
    }

    /// Cut off statements that run longer than `timeout` with an
    /// [`crate::ErrorKind::Timeout`] error (default: no limit; `None` or zero for none); what
    /// each backend does is described at
    /// [`PoolOptions::statement_timeout`](PoolOptions#structfield.statement_timeout) (MySQL 8 limits
    /// `SELECT` statements only). The URL parameter `statement_timeout` (seconds) overrides it.
    ///
    /// ```
    /// use std::time::Duration;
    /// let b = quarry::Engine::builder().statement_timeout(Duration::from_secs(5));
    /// assert_eq!(b.options().statement_timeout, Some(Duration::from_secs(5)));
    /// assert_eq!(quarry::Engine::builder().statement_timeout(None).options().statement_timeout, None);
    /// ```
    pub fn statement_timeout(mut self, timeout: impl Into<Option<std::time::Duration>>) -> Self {
        self.options = self.options.statement_timeout(timeout);
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
                let log = options.log_parameters || engine.trace.log_parameters;
                Ok(engine
                    .with_log_parameters(log)
                    .with_slow_statement_threshold(options.slow_statement_threshold))
            }
            None => Err(Error::Configuration(format!(
                "no installed driver handles URL scheme {scheme:?}; call quarry::install_drivers with the backend crates' DRIVERs"
            ))),
        }
    }
}

impl Engine {
    /// An engine over `backend` (what backend crates call).
    ///
    /// ```no_run
    /// # fn demo(b: impl quarry::backend::Backend) { let e = quarry::Engine::from_backend(b); }
    /// ```
    pub fn from_backend(backend: impl Backend) -> Self {
        Engine {
            shared: Arc::new(Shared {
                backend: Box::new(backend),
                life: Arc::default(),
            }),
            trace: Trace::default(),
        }
    }

    /// This engine with bound parameters recorded in tracing spans or not (backend crates'
    /// `connect` functions apply the URL's `log_parameters` with it).
    ///
    /// ```no_run
    /// # fn demo(e: quarry::Engine) { let e = e.with_log_parameters(true); }
    /// ```
    pub fn with_log_parameters(mut self, yes: bool) -> Self {
        self.trace.log_parameters = yes;
        self
    }

    /// This engine with statements that run at least `threshold` logged at `warn` (`None`:
    /// never); [`Engine::builder`] applies [`PoolOptions::slow_statement_threshold`] with it.
    ///
    /// ```no_run
    /// # fn demo(e: quarry::Engine) {
    /// let e = e.with_slow_statement_threshold(std::time::Duration::from_millis(250));
    /// # }
    /// ```
    pub fn with_slow_statement_threshold(
        mut self,
        threshold: impl Into<Option<std::time::Duration>>,
    ) -> Self {
        self.trace.slow = threshold.into();
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

    /// Closes the engine, gracefully: from now on a checkout fails at once (a connection
    /// error, "the engine is closed"), on every clone of the engine; the work in progress
    /// finishes — `close` waits until every connection checked out is dropped (calls running,
    /// [`Connection`]s and [`Transaction`]s held, streams being read) — and then the pool's idle
    /// connections are closed. To bound the wait, run it under a timeout
    /// (`tokio::time::timeout(limit, engine.close())`): the connections still out then close
    /// when they are dropped.
    ///
    /// ```no_run
    /// # async fn demo(engine: quarry::Engine) -> quarry::Result<()> {
    /// use quarry::Executor;
    /// let worker = engine.clone();
    /// let task = tokio::spawn(async move { worker.execute("UPDATE jobs SET done = TRUE").await });
    /// engine.close().await; // the UPDATE finishes first
    /// assert!(engine.is_closed());
    /// assert!(engine.execute("SELECT 1").await.unwrap_err().is_connection_error());
    /// # let _ = task.await;
    /// # Ok(()) }
    /// ```
    pub async fn close(&self) {
        let life = &self.shared.life;
        life.closed.store(true, Ordering::SeqCst);
        loop {
            let drained = life.drained.notified();
            let mut drained = std::pin::pin!(drained);
            // Registered before the count is read, so that the last drop is not missed.
            drained.as_mut().enable();
            if life.active.load(Ordering::SeqCst) == 0 {
                break;
            }
            drained.await;
        }
        self.shared.backend.close().await;
    }

    /// Whether [`Engine::close`] was called (on this engine or a clone).
    ///
    /// ```no_run
    /// # fn demo(e: quarry::Engine) { assert!(!e.is_closed()); }
    /// ```
    pub fn is_closed(&self) -> bool {
        self.shared.life.closed.load(Ordering::SeqCst)
    }

    /// Checks a connection out of the pool.
    ///
    /// ```no_run
    /// # async fn demo(e: quarry::Engine) -> quarry::Result<()> {
    /// use quarry::Executor;
    /// let mut conn = e.acquire().await?;
    /// conn.execute("SELECT 1").await?;
    /// # Ok(()) }
    /// ```
    pub async fn acquire(&self) -> Result<Connection> {
        let active = Active::enter(&self.shared.life)?;
        let backend = &self.shared.backend;
        let inner = match backend.acquire_ready() {
            Some(inner) => inner,
            None => backend.acquire().await?,
        };
        Ok(Connection {
            active: Some(active),
            inner: Some(inner),
            dialect: self.shared.backend.dialect(),
            backend: self.shared.backend.name(),
            trace: self.trace,
            depth: 0,
            pending_rollback: None,
            interrupted: None,
        })
    }

    /// Starts a transaction on a pooled connection; it rolls back if dropped uncommitted.
    /// use quarry::Executor;
    ///
    /// ```no_run
    /// # async fn demo(e: quarry::Engine) -> quarry::Result<()> {
    /// use quarry::Executor;
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
    /// use quarry::Executor;
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
    /// use quarry::Executor;
    /// rolls back and is returned.
    ///
    /// ```no_run
    /// # async fn demo(e: quarry::Engine) -> quarry::Result<()> {
    /// use quarry::Executor;
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
