//! The bb8 connection manager (each connection on its own thread, pinged as its health
//! check), the error sink that wakes waiting callers, and building the pool.

use crate::backend::SqliteBackend;
use crate::cache::SqlHash;
use crate::options::{Location, SqliteOptions};
use crate::worker::{Job, Response, Shared};
use quarry::backend::{ConnectGate, Lane};
use quarry::{Error, PoolOptions, Result};
use std::collections::HashSet;
use std::fmt;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// The bb8 connection manager for SQLite: opens each connection on a dedicated thread.
///
/// [`crate::connect_with`] builds the pool; a manager can also feed a bb8 pool of your own:
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// let m = quarry_sqlite::Manager::new(quarry_sqlite::SqliteOptions::parse("sqlite::memory:").unwrap());
/// let pool = bb8::Pool::builder().max_size(2).build(m).await.unwrap();
/// assert!(pool.get().await.is_ok());
/// # }
/// ```
pub struct Manager {
    options: SqliteOptions,
    next: AtomicU64,
    in_flight: Arc<AtomicUsize>,
    /// Told of every connection attempt, so that callers waiting for the pool learn of a
    /// failed one at once.
    gate: Arc<ConnectGate>,
    /// [`PoolOptions::statement_timeout`], enforced on every connection.
    statement_timeout: Option<Duration>,
}

impl fmt::Debug for Manager {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Manager")
            .field("options", &self.options)
            .finish_non_exhaustive()
    }
}

impl Manager {
    /// A manager opening connections with `options`.
    ///
    /// ```
    /// let o = quarry_sqlite::SqliteOptions::parse("sqlite::memory:").unwrap();
    /// let m = quarry_sqlite::Manager::new(o);
    /// # let _ = m;
    /// ```
    pub fn new(options: SqliteOptions) -> Self {
        Manager {
            options,
            next: AtomicU64::new(0),
            in_flight: Arc::new(AtomicUsize::new(0)),
            gate: Arc::default(),
            statement_timeout: None,
        }
    }

    /// Cuts off statements that run longer than `timeout` (`None` or zero: no limit) on the
    /// connections opened from now on: a progress handler, checked every 1000 virtual-machine
    /// steps, interrupts a statement once `timeout` has passed since it started, and it fails
    /// with a [`quarry::ErrorKind::Timeout`] error (code 9, `SQLITE_INTERRUPT`); the
    /// connection stays usable. Without a timeout no handler is installed.
    ///
    /// ```
    /// let o = quarry_sqlite::SqliteOptions::parse("sqlite::memory:").unwrap();
    /// let m = quarry_sqlite::Manager::new(o).with_statement_timeout(std::time::Duration::from_secs(5));
    /// # let _ = m;
    /// ```
    pub fn with_statement_timeout(mut self, timeout: impl Into<Option<Duration>>) -> Self {
        self.statement_timeout = timeout.into().filter(|t| !t.is_zero());
        self
    }

    async fn open(&self) -> Result<PooledSqlite> {
        let n = self.next.fetch_add(1, Ordering::Relaxed);
        let shared = Shared::spawn(
            self.options.clone(),
            format!("quarry-sqlite-{n}"),
            self.in_flight.clone(),
            self.statement_timeout,
        )
        .await?;
        Ok(PooledSqlite {
            shared,
            broken: false,
            heavy: HashSet::default(),
            born: Instant::now(),
        })
    }
}

/// A SQLite connection as the pool holds it: a handle on the connection's thread. Dropping it
/// closes the connection on that thread.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// use bb8::ManageConnection;
/// let m = quarry_sqlite::Manager::new(quarry_sqlite::SqliteOptions::parse("sqlite::memory:").unwrap());
/// let mut conn: quarry_sqlite::PooledSqlite = m.connect().await.unwrap();
/// assert!(m.is_valid(&mut conn).await.is_ok());
/// # }
/// ```
pub struct PooledSqlite {
    pub(crate) shared: Arc<Shared>,
    pub(crate) broken: bool,
    /// SQL texts whose last run on this connection did at least [`crate::backend::HEAVY_WORK`] steps
    /// ([`crate::Executor::Auto`] sends them to the connection's thread).
    pub(crate) heavy: HashSet<Box<str>, SqlHash>,
    /// When the connection was opened (for `max_lifetime` while it sits in the [`Lane`]).
    pub(crate) born: Instant,
}

impl fmt::Debug for PooledSqlite {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PooledSqlite")
            .field("broken", &self.broken)
            .finish_non_exhaustive()
    }
}

impl Drop for PooledSqlite {
    fn drop(&mut self) {
        self.shared.close();
    }
}

impl bb8::ManageConnection for Manager {
    type Connection = PooledSqlite;
    type Error = Error;

    async fn connect(&self) -> Result<PooledSqlite> {
        let opened = self.open().await;
        match &opened {
            Ok(_) => self.gate.succeeded(),
            Err(e) => self.gate.failed(e),
        }
        opened
    }

    async fn is_valid(&self, conn: &mut PooledSqlite) -> Result<()> {
        match conn.shared.call(Job::Ping, "", &[]).await {
            Response::Unit(r) => r,
            _ => Ok(()),
        }
    }

    fn has_broken(&self, conn: &mut PooledSqlite) -> bool {
        conn.broken || conn.shared.is_dead()
    }
}

/// Builds the pool for `options` and opens its first connection (and, for an in-memory
/// database, the one that keeps it alive), so that a bad path fails here.
pub(crate) async fn build(options: SqliteOptions, pool: &PoolOptions) -> Result<SqliteBackend> {
    check_pool(pool)?;
    let lane = Arc::new(Lane::new(pool));
    // Closes a connection left parked past the pool's idle timeout or lifetime, as bb8's
    // reaper closes its own; it ends when the engine is gone.
    if let (Some(reaper), Ok(rt)) = (
        Lane::reaper(&lane, tokio::time::sleep),
        tokio::runtime::Handle::try_current(),
    ) {
        rt.spawn(reaper);
    }
    let executor = options.executor;
    let mut manager = Manager::new(options).with_statement_timeout(pool.statement_timeout);
    manager.gate = lane.gate().clone();
    let keeper = match manager.options.location {
        Location::Memory(_) => Some(manager.open().await?),
        Location::File(_) => None,
    };
    // Open one connection now so that a bad path fails here with its own error.
    let first = manager.open().await?;
    let pool = bb8::Pool::builder()
        .max_size(pool.max_size)
        .min_idle(pool.min_idle)
        .connection_timeout(pool.connection_timeout)
        .idle_timeout(pool.idle_timeout)
        .max_lifetime(pool.max_lifetime)
        .test_on_check_out(pool.test_on_checkout)
        .retry_connection(false)
        .queue_strategy(bb8::QueueStrategy::Lifo)
        .error_sink(Box::new(WakeOnError(lane.gate().clone())))
        .build_unchecked(manager);
    // The pool has room for it: it was just created empty.
    let _ = pool.add(first);
    Ok(SqliteBackend {
        pool,
        lane,
        executor,
        _keeper: keeper,
    })
}

/// Rejects the pool options bb8 would panic on.
fn check_pool(pool: &PoolOptions) -> Result<()> {
    let zero = Some(Duration::ZERO);
    let problem = if pool.max_size == 0 {
        "max_size must be at least 1"
    } else if pool.min_idle.is_some_and(|m| m > pool.max_size) {
        "min_idle must not exceed max_size"
    } else if pool.connection_timeout.is_zero() {
        "connection_timeout must be longer than zero"
    } else if pool.idle_timeout == zero {
        "idle_timeout must be longer than zero (or none)"
    } else if pool.max_lifetime == zero {
        "max_lifetime must be longer than zero (or none)"
    } else {
        return Ok(());
    };
    Err(Error::Configuration(format!("pool options: {problem}")))
}

/// bb8's error sink: once the pool has counted a failed connection attempt, the callers
/// waiting for it are woken (see [`ConnectGate::wake`]).
#[derive(Debug, Clone)]
struct WakeOnError(Arc<ConnectGate>);

impl bb8::ErrorSink<Error> for WakeOnError {
    fn sink(&self, _: Error) {
        self.0.wake();
    }

    fn boxed_clone(&self) -> Box<dyn bb8::ErrorSink<Error>> {
        Box::new(self.clone())
    }
}
