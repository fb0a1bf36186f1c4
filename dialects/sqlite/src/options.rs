//! `sqlite:` URLs: where the database is and how connections are opened.

use crate::OnConnect;
use quarry::{Error, Result};
use std::fmt;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

/// Where a SQLite engine's database lives.
///
/// ```
/// use quarry_sqlite::Location;
/// assert_eq!(Location::parse("sqlite:app.db").unwrap(), Location::File("app.db".into()));
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Location {
    /// A private in-memory database shared by the engine's connections (named for the memdb VFS).
    Memory(String),
    /// A database file.
    File(PathBuf),
}

impl Location {
    /// Parses the location of a `sqlite:` URL (its query string is ignored here; see
    /// [`SqliteOptions::parse`]).
    ///
    /// ```
    /// use quarry_sqlite::Location;
    /// assert!(matches!(Location::parse("sqlite::memory:").unwrap(), Location::Memory(_)));
    /// assert_eq!(Location::parse("sqlite://data/app.db").unwrap(), Location::File("data/app.db".into()));
    /// assert_eq!(Location::parse("sqlite:///tmp/app.db").unwrap(), Location::File("/tmp/app.db".into()));
    /// assert_eq!(Location::parse("sqlite:app.db?mode=ro").unwrap(), Location::File("app.db".into()));
    /// // The path is percent-decoded.
    /// assert_eq!(Location::parse("sqlite:///tmp/a%20b/x.db").unwrap(), Location::File("/tmp/a b/x.db".into()));
    /// assert!(Location::parse("postgres://x").is_err());
    /// ```
    pub fn parse(url: &str) -> Result<Location> {
        static NEXT: AtomicU64 = AtomicU64::new(0);
        let rest = url
            .strip_prefix("sqlite:")
            .ok_or_else(|| Error::Configuration(format!("not a sqlite URL: {url:?}")))?;
        let rest = rest.split(['?', '#']).next().unwrap_or_default();
        if rest == ":memory:" || rest == "//:memory:" {
            let n = NEXT.fetch_add(1, Ordering::Relaxed);
            return Ok(Location::Memory(format!(
                "/quarry-{}-{n}",
                std::process::id()
            )));
        }
        let path = quarry::backend::percent_decode(rest.strip_prefix("//").unwrap_or(rest))?;
        if path.is_empty() {
            return Err(Error::Configuration(format!(
                "sqlite URL {url:?} names no file"
            )));
        }
        Ok(Location::File(PathBuf::from(&*path)))
    }
}

/// How a database file is opened (`mode=` in the URL).
///
/// ```
/// use quarry_sqlite::{OpenMode, SqliteOptions};
/// assert_eq!(SqliteOptions::parse("sqlite:app.db?mode=rw").unwrap().mode, OpenMode::ReadWrite);
/// assert_eq!(OpenMode::default(), OpenMode::ReadWriteCreate);
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum OpenMode {
    /// `ro`: read-only; every write fails with a database error ("attempt to write a readonly
    /// database", extended code 8).
    ReadOnly,
    /// `rw`: read and write an existing file; a missing file is a connection error at connect.
    ReadWrite,
    /// `rwc` (default): read and write, creating the file if missing.
    #[default]
    ReadWriteCreate,
}

/// How statements get from the async caller to SQLite, which is synchronous (`executor=` in the
/// URL). In every mode rusqlite runs on a thread that is not acting as a tokio worker; the modes
/// differ in what the hand-off costs and in whether a running statement can be cancelled. See
/// the crate docs; figures in BENCHMARKS.md.
///
/// ```
/// use quarry_sqlite::{Executor, SqliteOptions};
/// let o = SqliteOptions::parse("sqlite::memory:?executor=spawn_blocking").unwrap();
/// assert_eq!(o.executor, Executor::SpawnBlocking);
/// assert_eq!(Executor::default(), Executor::Auto);
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Executor {
    /// `auto` (default): [`Executor::BlockInPlace`], except for statements whose last run on
    /// the connection took 1000 or more SQLite VM steps (a primary-key select takes a few
    /// dozen), which go to [`Executor::Thread`]'s dedicated thread: there they are
    /// cancellable, and they do not make `block_in_place` move the worker to a new thread
    /// each time. Work is counted in steps, not time, so a busy machine does not skew it.
    /// Each connection remembers up to 64 such SQL texts, until one runs light again.
    #[default]
    Auto,
    /// `block_in_place`: on a multi-thread tokio runtime the statement runs in
    /// [`tokio::task::block_in_place`], which hands the worker's other tasks to another thread
    /// first, so the calling thread stops being a worker while SQLite runs. Elsewhere (a
    /// current-thread runtime, where `block_in_place` panics, or no runtime) and for streams it
    /// uses the connection's thread, as [`Executor::Thread`] does.
    BlockInPlace,
    /// `thread`: each pooled connection has a dedicated OS thread that owns it and takes
    /// statements from a one-slot mailbox. When one caller issues statements back to back, the
    /// thread spins briefly after each statement before parking and the caller waits briefly
    /// for a fast answer before yielding, so that neither side pays a wake-up; under load both
    /// park and every statement costs two thread wake-ups.
    Thread,
    /// `spawn_blocking`: each statement is a [`tokio::task::spawn_blocking`] job (the simplest
    /// design; each statement pays a thread wake-up). Streams use the connection's thread.
    SpawnBlocking,
}

/// Default `busy_timeout`.
///
/// ```
/// assert_eq!(quarry_sqlite::DEFAULT_BUSY_TIMEOUT.as_millis(), 5000);
/// ```
pub const DEFAULT_BUSY_TIMEOUT: Duration = Duration::from_secs(5);
/// Default capacity of each connection's prepared-statement cache.
///
/// ```
/// let o = quarry_sqlite::SqliteOptions::parse("sqlite::memory:").unwrap();
/// assert_eq!(o.statement_cache, quarry_sqlite::DEFAULT_STATEMENT_CACHE);
/// ```
pub const DEFAULT_STATEMENT_CACHE: usize = 256;

/// The options of a `sqlite:` URL, after quarry took out the pool options.
///
/// | option | values | default |
/// |---|---|---|
/// | `mode` | `ro`, `rw`, `rwc` (files only) | `rwc` |
/// | `busy_timeout` | milliseconds a statement waits for a lock | `5000` |
/// | `foreign_keys` | `on`/`off` (also `true`/`false`, `1`/`0`) | `on` |
/// | `executor` | `auto`, `block_in_place`, `thread`, `spawn_blocking` | `auto` |
/// | `statement_cache` | prepared statements kept per connection | `256` |
///
/// Any other option is a [`quarry::ErrorKind::Configuration`] error.
///
/// ```
/// use quarry_sqlite::{SqliteOptions, OpenMode, Executor};
/// let o = SqliteOptions::parse("sqlite://app.db?mode=ro&busy_timeout=250&foreign_keys=off").unwrap();
/// assert_eq!(o.mode, OpenMode::ReadOnly);
/// assert_eq!(o.busy_timeout, std::time::Duration::from_millis(250));
/// assert!(!o.foreign_keys);
/// assert_eq!(o.executor, Executor::Auto);
/// let err = SqliteOptions::parse("sqlite::memory:?journal=wal").unwrap_err();
/// assert_eq!(err.kind(), quarry::ErrorKind::Configuration);
/// ```
#[derive(Clone)]
#[non_exhaustive]
pub struct SqliteOptions {
    /// Where the database is.
    pub location: Location,
    /// How the file is opened.
    pub mode: OpenMode,
    /// How long a statement waits for another connection's lock before failing with
    /// SQLITE_BUSY ([`quarry::ErrorKind::SerializationFailure`]).
    pub busy_timeout: Duration,
    /// Whether foreign keys are enforced (`PRAGMA foreign_keys`).
    pub foreign_keys: bool,
    /// How statements reach SQLite.
    pub executor: Executor,
    /// Prepared statements cached per connection.
    pub statement_cache: usize,
    /// Code run on each new connection, on its thread (see [`SqliteOptions::on_connect`]).
    pub on_connect: Option<OnConnect>,
}

impl fmt::Debug for SqliteOptions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SqliteOptions")
            .field("location", &self.location)
            .field("mode", &self.mode)
            .field("busy_timeout", &self.busy_timeout)
            .field("foreign_keys", &self.foreign_keys)
            .field("executor", &self.executor)
            .field("statement_cache", &self.statement_cache)
            .field("on_connect", &self.on_connect.as_ref().map(|_| "…"))
            .finish()
    }
}

fn flag(key: &str, v: &str) -> Result<bool> {
    match v.to_ascii_lowercase().as_str() {
        "on" | "true" | "1" | "yes" => Ok(true),
        "off" | "false" | "0" | "no" => Ok(false),
        _ => Err(Error::Configuration(format!(
            "sqlite URL option {key}={v:?} is not on or off"
        ))),
    }
}

impl SqliteOptions {
    /// Options for `location` with every default.
    ///
    /// ```
    /// use quarry_sqlite::{Location, SqliteOptions};
    /// let o = SqliteOptions::new(Location::File("app.db".into()));
    /// assert!(o.foreign_keys);
    /// ```
    pub fn new(location: Location) -> SqliteOptions {
        SqliteOptions {
            location,
            mode: OpenMode::default(),
            busy_timeout: DEFAULT_BUSY_TIMEOUT,
            foreign_keys: true,
            executor: Executor::default(),
            statement_cache: DEFAULT_STATEMENT_CACHE,
            on_connect: None,
        }
    }

    /// Runs `f` on each new connection, on the connection's own thread, after quarry's pragmas
    /// (to register SQL functions, set more pragmas, attach databases, …). An error fails the
    /// connection.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> quarry::Result<()> {
    /// use quarry_sqlite::{SqliteOptions, rusqlite::functions::FunctionFlags};
    /// use quarry::Executor;
    /// let options = SqliteOptions::parse("sqlite::memory:")?.on_connect(|c| {
    ///     c.create_scalar_function("twice", 1, FunctionFlags::SQLITE_DETERMINISTIC, |ctx| {
    ///         Ok(ctx.get::<i64>(0)? * 2)
    ///     })
    /// });
    /// let engine = quarry_sqlite::connect_with(options, &Default::default()).await?;
    /// assert_eq!(engine.fetch_scalar::<i64>("SELECT twice(21)").await?, 42);
    /// # Ok(()) }
    /// ```
    pub fn on_connect(
        mut self,
        f: impl Fn(&rusqlite::Connection) -> rusqlite::Result<()> + Send + Sync + 'static,
    ) -> Self {
        self.on_connect = Some(Arc::new(f));
        self
    }

    /// Parses a `sqlite:` URL and its options (see the table above).
    ///
    /// ```
    /// let o = quarry_sqlite::SqliteOptions::parse("sqlite::memory:?executor=thread").unwrap();
    /// assert_eq!(o.executor, quarry_sqlite::Executor::Thread);
    /// assert!(quarry_sqlite::SqliteOptions::parse("sqlite::memory:?mode=ro").is_err());
    /// ```
    pub fn parse(url: &str) -> Result<SqliteOptions> {
        let mut o = SqliteOptions::new(Location::parse(url)?);
        for p in quarry::backend::query_params(url)? {
            let (k, v) = (&*p.key, &*p.value);
            match k {
                "mode" => {
                    o.mode = match v {
                        "ro" => OpenMode::ReadOnly,
                        "rw" => OpenMode::ReadWrite,
                        "rwc" => OpenMode::ReadWriteCreate,
                        _ => {
                            return Err(Error::Configuration(format!(
                                "sqlite URL option mode={v:?}: expected ro, rw or rwc"
                            )))
                        }
                    }
                }
                "busy_timeout" => {
                    let ms: u64 = v.parse().map_err(|_| {
                        Error::Configuration(format!(
                            "sqlite URL option busy_timeout={v:?} is not a number of milliseconds"
                        ))
                    })?;
                    o.busy_timeout = Duration::from_millis(ms);
                }
                "foreign_keys" => o.foreign_keys = flag(k, v)?,
                "executor" => {
                    o.executor = match v {
                        "auto" => Executor::Auto,
                        "thread" => Executor::Thread,
                        "block_in_place" => Executor::BlockInPlace,
                        "spawn_blocking" => Executor::SpawnBlocking,
                        _ => {
                            return Err(Error::Configuration(format!(
                                "sqlite URL option executor={v:?}: expected auto, block_in_place, thread or spawn_blocking"
                            )))
                        }
                    }
                }
                "statement_cache" => {
                    o.statement_cache = v.parse().map_err(|_| {
                        Error::Configuration(format!(
                            "sqlite URL option statement_cache={v:?} is not a number"
                        ))
                    })?;
                }
                _ => {
                    return Err(Error::Configuration(format!(
                        "unknown sqlite URL option {k:?} (known: mode, busy_timeout, foreign_keys, executor, statement_cache, and quarry's pool_* options)"
                    )))
                }
            }
        }
        if matches!(o.location, Location::Memory(_)) && o.mode != OpenMode::ReadWriteCreate {
            return Err(Error::Configuration(
                "mode=ro and mode=rw apply to database files, not to sqlite::memory:".into(),
            ));
        }
        Ok(o)
    }

    /// Opens one connection with these options (on the calling thread).
    pub(crate) fn open(&self) -> rusqlite::Result<rusqlite::Connection> {
        use rusqlite::OpenFlags as F;
        let conn = match &self.location {
            Location::Memory(name) => rusqlite::Connection::open_with_flags(
                format!("file:{name}?vfs=memdb"),
                F::SQLITE_OPEN_READ_WRITE
                    | F::SQLITE_OPEN_CREATE
                    | F::SQLITE_OPEN_URI
                    | F::SQLITE_OPEN_NO_MUTEX,
            )?,
            Location::File(path) => {
                let mode = match self.mode {
                    OpenMode::ReadOnly => F::SQLITE_OPEN_READ_ONLY,
                    OpenMode::ReadWrite => F::SQLITE_OPEN_READ_WRITE,
                    OpenMode::ReadWriteCreate => F::SQLITE_OPEN_READ_WRITE | F::SQLITE_OPEN_CREATE,
                };
                rusqlite::Connection::open_with_flags(path, mode | F::SQLITE_OPEN_NO_MUTEX)?
            }
        };
        conn.busy_timeout(self.busy_timeout)?;
        conn.pragma_update(
            None,
            "foreign_keys",
            if self.foreign_keys { "ON" } else { "OFF" },
        )?;
        if matches!(self.location, Location::File(_)) && self.mode != OpenMode::ReadOnly {
            conn.pragma_update(None, "journal_mode", "WAL")?;
        }
        conn.set_prepared_statement_cache_capacity(self.statement_cache);
        // Opening is lazy: read the schema now so that a file that is not a database fails here.
        conn.query_row("SELECT count(*) FROM sqlite_master", [], |_| Ok(()))?;
        Ok(conn)
    }
}
