//! # quarry-sqlite
//!
//! The SQLite backend of [quarry](quarry): rusqlite with SQLite bundled (no system library
//! needed), pooled with bb8. SQL comes from the core compiler with the [`Sqlite`] dialect.
//!
//! URLs:
//! - `sqlite::memory:` — an in-memory database shared by every connection of the engine's pool
//!   (SQLite's `memdb` VFS), living as long as the engine;
//! - `sqlite://path/to/file.db` or `sqlite:path/to/file.db` — a file, created if missing, in WAL
//!   mode.
//!
//! Every connection has `foreign_keys = ON` and a 5 s `busy_timeout`. rusqlite is synchronous:
//! statements run on tokio's blocking threads, never on a runtime worker.
//!
//! ```
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> quarry::Result<()> {
//! let engine = quarry_sqlite::connect("sqlite::memory:").await?;
//! engine.execute("CREATE TABLE t (a INTEGER)").await?;
//! assert_eq!(engine.execute("INSERT INTO t (a) VALUES (1), (2)").await?, 2);
//! let rows = engine.fetch_all("SELECT count(*) AS n FROM t").await?;
//! assert_eq!(rows[0].get::<i64>("n")?, 2);
//! # Ok(()) }
//! ```

#![forbid(unsafe_code)]
#![warn(missing_docs)]

mod convert;

use quarry::{Backend, BackendConnection, BoxFuture, Dialect, Engine, Error, Result, Row, Value};
use rusqlite::OpenFlags;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

pub use quarry::Sqlite;

/// Where a SQLite engine's database lives.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Location {
    /// A private in-memory database shared by the engine's connections (named for the memdb VFS).
    Memory(String),
    /// A database file.
    File(PathBuf),
}

impl Location {
    /// Parses a `sqlite:` URL.
    ///
    /// ```
    /// use quarry_sqlite::Location;
    /// assert!(matches!(Location::parse("sqlite::memory:").unwrap(), Location::Memory(_)));
    /// assert_eq!(Location::parse("sqlite://data/app.db").unwrap(), Location::File("data/app.db".into()));
    /// assert_eq!(Location::parse("sqlite:app.db").unwrap(), Location::File("app.db".into()));
    /// assert!(Location::parse("postgres://x").is_err());
    /// ```
    pub fn parse(url: &str) -> Result<Location> {
        static NEXT: AtomicU64 = AtomicU64::new(0);
        let rest = url
            .strip_prefix("sqlite:")
            .ok_or_else(|| Error::Configuration(format!("not a sqlite URL: {url:?}")))?;
        let rest = rest.split('?').next().unwrap_or_default();
        if rest == ":memory:" || rest == "//:memory:" {
            let n = NEXT.fetch_add(1, Ordering::Relaxed);
            return Ok(Location::Memory(format!(
                "/quarry-{}-{n}",
                std::process::id()
            )));
        }
        let path = rest.strip_prefix("//").unwrap_or(rest);
        if path.is_empty() {
            return Err(Error::Configuration(format!(
                "sqlite URL {url:?} names no file"
            )));
        }
        Ok(Location::File(PathBuf::from(path)))
    }

    fn open(&self) -> rusqlite::Result<rusqlite::Connection> {
        let conn = match self {
            Location::Memory(name) => rusqlite::Connection::open_with_flags(
                format!("file:{name}?vfs=memdb"),
                OpenFlags::SQLITE_OPEN_READ_WRITE
                    | OpenFlags::SQLITE_OPEN_CREATE
                    | OpenFlags::SQLITE_OPEN_URI
                    | OpenFlags::SQLITE_OPEN_NO_MUTEX,
            )?,
            Location::File(path) => rusqlite::Connection::open(path)?,
        };
        conn.busy_timeout(Duration::from_secs(5))?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        if matches!(self, Location::File(_)) {
            conn.pragma_update(None, "journal_mode", "WAL")?;
        }
        Ok(conn)
    }
}

/// The bb8 connection manager for SQLite.
#[derive(Debug)]
pub struct Manager {
    location: Location,
}

impl Manager {
    /// A manager opening connections to `location`.
    ///
    /// ```
    /// let m = quarry_sqlite::Manager::new(quarry_sqlite::Location::parse("sqlite::memory:").unwrap());
    /// # let _ = m;
    /// ```
    pub fn new(location: Location) -> Self {
        Manager { location }
    }
}

/// A SQLite connection as the pool holds it. `None` after a statement's future was dropped while
/// the connection was away on a blocking thread; such a connection is discarded by the pool.
#[derive(Debug)]
pub struct PooledSqlite {
    conn: Option<rusqlite::Connection>,
}

impl bb8::ManageConnection for Manager {
    type Connection = PooledSqlite;
    type Error = Error;

    async fn connect(&self) -> Result<PooledSqlite> {
        let location = self.location.clone();
        let conn = tokio::task::spawn_blocking(move || location.open())
            .await
            .map_err(|e| Error::connection(format!("sqlite open task failed: {e}"), None))?
            .map_err(|e| convert::error(e, None))?;
        Ok(PooledSqlite { conn: Some(conn) })
    }

    async fn is_valid(&self, conn: &mut PooledSqlite) -> Result<()> {
        match &conn.conn {
            Some(c) => c
                .execute_batch("SELECT 1")
                .map_err(|e| convert::error(e, None)),
            None => Err(Error::connection("sqlite connection was lost", None)),
        }
    }

    fn has_broken(&self, conn: &mut PooledSqlite) -> bool {
        conn.conn.is_none()
    }
}

/// A pooled SQLite database: what [`connect`] wraps in an [`Engine`].
#[derive(Debug)]
pub struct SqliteBackend {
    pool: bb8::Pool<Manager>,
    /// Keeps an in-memory database alive while the engine lives.
    _keeper: Option<Mutex<rusqlite::Connection>>,
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
            let conn = self.pool.get_owned().await.map_err(|e| match e {
                bb8::RunError::User(e) => e,
                bb8::RunError::TimedOut => Error::PoolTimeout,
            })?;
            Ok(Box::new(SqliteConnection { conn }) as Box<dyn BackendConnection>)
        })
    }
}

/// A connection checked out of the pool.
struct SqliteConnection {
    conn: bb8::PooledConnection<'static, Manager>,
}

impl SqliteConnection {
    /// Runs `f` with the connection on a blocking thread.
    async fn run<T: Send + 'static>(
        &mut self,
        f: impl FnOnce(&rusqlite::Connection) -> Result<T> + Send + 'static,
    ) -> Result<T> {
        let conn = self
            .conn
            .conn
            .take()
            .ok_or_else(|| Error::connection("sqlite connection was lost", None))?;
        let (conn, result) = tokio::task::spawn_blocking(move || {
            let r = f(&conn);
            (conn, r)
        })
        .await
        .map_err(|e| Error::connection(format!("sqlite task failed: {e}"), None))?;
        self.conn.conn = Some(conn);
        result
    }
}

impl BackendConnection for SqliteConnection {
    fn execute<'a>(&'a mut self, sql: &'a str, params: &'a [Value]) -> BoxFuture<'a, Result<u64>> {
        let sql = sql.to_owned();
        let params = params.to_vec();
        Box::pin(self.run(move |c| convert::execute(c, &sql, &params)))
    }

    fn fetch_all<'a>(
        &'a mut self,
        sql: &'a str,
        params: &'a [Value],
    ) -> BoxFuture<'a, Result<Vec<Row>>> {
        let sql = sql.to_owned();
        let params = params.to_vec();
        Box::pin(self.run(move |c| convert::fetch_all(c, &sql, &params)))
    }

    fn execute_script<'a>(&'a mut self, sql: &'a str) -> BoxFuture<'a, Result<()>> {
        let sql = sql.to_owned();
        Box::pin(self.run(move |c| {
            c.execute_batch(&sql)
                .map_err(|e| convert::error(e, Some(&sql)))
        }))
    }
}

/// Opens a pooled SQLite engine for a `sqlite:` URL (see the crate docs).
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> quarry::Result<()> {
/// let engine = quarry_sqlite::connect("sqlite::memory:").await?;
/// assert_eq!(engine.dialect().name(), "sqlite");
/// # Ok(()) }
/// ```
pub async fn connect(url: &str) -> Result<Engine> {
    let location = Location::parse(url)?;
    let keeper = match &location {
        Location::Memory(_) => {
            let l = location.clone();
            let conn = tokio::task::spawn_blocking(move || l.open())
                .await
                .map_err(|e| Error::connection(format!("sqlite open task failed: {e}"), None))?
                .map_err(|e| convert::error(e, None))?;
            Some(Mutex::new(conn))
        }
        Location::File(_) => None,
    };
    let manager = Manager::new(location);
    // Open one connection now so that a bad path fails here with its own error.
    let first = bb8::ManageConnection::connect(&manager).await?;
    let pool = bb8::Pool::builder()
        .max_size(8)
        .test_on_check_out(false)
        .retry_connection(false)
        .connection_timeout(Duration::from_secs(30))
        .build_unchecked(manager);
    // The pool has room for it: it was just created empty.
    let _ = pool.add(first);
    Ok(Engine::from_backend(SqliteBackend {
        pool,
        _keeper: keeper,
    }))
}

/// The SQLite driver for [`quarry::install_drivers`]: handles `sqlite:` URLs.
#[derive(Debug)]
pub struct SqliteDriver;

/// The driver instance to install.
///
/// ```
/// quarry::install_drivers(&[&quarry_sqlite::DRIVER]);
/// ```
pub static DRIVER: SqliteDriver = SqliteDriver;

impl quarry::Driver for SqliteDriver {
    fn schemes(&self) -> &'static [&'static str] {
        &["sqlite"]
    }

    fn connect<'a>(&'a self, url: &'a str) -> BoxFuture<'a, Result<Engine>> {
        Box::pin(connect(url))
    }
}

#[allow(dead_code)]
fn assert_send_sync() {
    fn is<T: Send + Sync>() {}
    is::<SqliteBackend>();
    is::<Arc<SqliteBackend>>();
}
