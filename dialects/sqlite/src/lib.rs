//! # quarry-sqlite
//!
//! The SQLite backend of [quarry]: rusqlite with SQLite bundled (no system library
//! needed), pooled with bb8. SQL comes from the core compiler with the [`Sqlite`] dialect.
//!
//! ```
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> quarry::Result<()> {
//! use quarry::Executor;
//! let engine = quarry_sqlite::connect("sqlite::memory:").await?;
//! engine.execute("CREATE TABLE t (a INTEGER)").await?;
//! assert_eq!(engine.execute("INSERT INTO t (a) VALUES (1), (2)").await?, 2);
//! let rows = engine.fetch_all("SELECT count(*) AS n FROM t").await?;
//! assert_eq!(rows[0].get::<i64>("n")?, 2);
//! # Ok(()) }
//! ```
//!
//! ## URLs
//! - `sqlite::memory:` — an in-memory database shared by every connection of the engine's pool
//!   (SQLite's `memdb` VFS, kept alive by one extra connection), living as long as the engine;
//! - `sqlite://path/to/file.db`, `sqlite:path/to/file.db` (relative) or `sqlite:///abs/file.db`
//!   — a file, in WAL mode (unless opened read-only).
//!
//! Options go in the query string (see [`SqliteOptions`]); quarry's `pool_*` options are taken
//! out first. An unknown option is a [`quarry::ErrorKind::Configuration`] error.
//!
//! | option | meaning | default |
//! |---|---|---|
//! | `mode=ro\|rw\|rwc` | read-only; read-write of an existing file; read-write, creating it | `rwc` |
//! | `busy_timeout=<ms>` | how long a statement waits for another connection's lock | `5000` |
//! | `foreign_keys=on\|off` | `PRAGMA foreign_keys` | `on` |
//! | `executor=auto\|block_in_place\|thread\|spawn_blocking` | how statements reach SQLite (below) | `auto` |
//! | `statement_cache=<n>` | prepared statements cached per connection | `256` |
//!
//! Connecting opens one connection at once, so a bad path or a file that is not a database fails
//! [`connect`] with a [`quarry::ErrorKind::Connection`] error. With `mode=ro` every write fails
//! with a database error ("attempt to write a readonly database", extended code 8).
//!
//! Every [`quarry::PoolOptions`] field is applied to the bb8 pool; idle connections are reused
//! last-in first-out, so a lone caller keeps getting the connection whose thread is awake.
//!
//! The connection returned last is kept beside the pool ([`quarry::backend::Lane`]) and handed
//! to the next caller directly, which skips bb8's checkout and return (a timeout future, a
//! lock, three clock readings) on the path of every statement; figures in BENCHMARKS.md. That
//! connection still counts against `max_size` and as idle in [`quarry::Engine::pool_state`]. Only a clean
//! connection is kept there (no transaction open, nothing in flight); while any caller waits on
//! the pool, returned connections go to the pool so that it is served; `idle_timeout` and
//! `max_lifetime` are checked when it is taken, and by a reaper task of the lane's own while
//! nothing runs (bb8's reaper does not see it); with `test_on_checkout` every checkout goes
//! through bb8 and is pinged.
//!
//! `fetch_one`, `fetch_optional` and `fetch_scalar` stop a read-only statement after its first
//! row, as rusqlite's `query_row` does; any other statement (`INSERT … RETURNING`) still runs to
//! its end.
//!
//! ## Types
//! SQLite stores integers, floats, text and blobs. Values are bound as:
//!
//! | quarry value | bound as | decoded back from a column declared |
//! |---|---|---|
//! | `Bool` | integer 0 / 1 | `BOOLEAN` → `Value::Bool` |
//! | `I16`, `I32`, `I64` | integer | `I64` |
//! | `F32`, `F64` | real (±∞ are kept; NaN, which SQLite would store as NULL, is refused: [`quarry::Error::Unsupported`]) | `F64` |
//! | `Text`, `Bytes` | text, blob | `Text`, `Bytes` |
//! | `Date` | text `YYYY-MM-DD` | `DATE` → `Value::Date` |
//! | `Time` | text `HH:MM:SS[.ffffff]` | `TIME` → `Value::Time` |
//! | `Timestamp` | text `YYYY-MM-DD HH:MM:SS[.ffffff]` | `TIMESTAMP`/`DATETIME` → `Value::Timestamp` |
//! | `TimestampTz` | the same in UTC with the suffix `+00:00` | `TIMESTAMPTZ` → `Value::TimestampTz` (other offsets are converted to UTC) |
//! | `Uuid` | text, hyphenated lower case | `UUID`, or `CHAR(36)` (quarry's UUID column) holding canonical UUID text → `Value::Uuid` |
//! | `Json` | text | `JSON` → `Value::Json` |
//! | `Decimal` | real, when it has at most 15 significant digits | `NUMERIC(p, s)` / `DECIMAL(p, s)` → `Value::Decimal` with scale `s` |
//! | `Array` | not bound: a PostgreSQL-only parameter, [`quarry::Error::Unsupported`] | — |
//!
//! The `+00:00` suffix keeps instants in SQLite's own date-time format (its date functions read
//! it) and in the same text quarry writes for literals; texts with the same suffix sort in time
//! order. Fractions of a second are written without trailing zeros.
//!
//! SQLite has no exact decimal type: a `NUMERIC` column turns the value into a 64-bit float.
//! A `Decimal` with more than 15 significant digits (leading and trailing zeros do not count)
//! cannot survive that, so binding one is an [`quarry::Error::Unsupported`] error rather than a
//! silent rounding; store such numbers as text in a `TEXT` column. Reading a `NUMERIC(p, s)`
//! column formats the float with the column's scale, so `12.50` comes back as `12.50`.
//!
//! A cell that does not parse as its column's declared type comes back as it is stored
//! (`Value::Text`, …). Text cells must be UTF-8.
//!
//! [`quarry::ExecResult::last_insert_id`] is `last_insert_rowid()` after an INSERT or REPLACE
//! that inserted a row (and whenever a statement changed it), `None` otherwise.
//!
//! ## Executors: getting statements to a synchronous library
//! rusqlite is synchronous, so a statement must never run on a thread that is acting as a
//! tokio worker. A point select is so short that how the statement gets to the thread that
//! runs it can cost more than the statement. Four designs are built in (`executor=` in the
//! URL, [`Executor`] in [`SqliteOptions`]); BENCHMARKS.md compares them:
//!
//! - **`block_in_place`**: on a multi-thread runtime the statement runs in
//!   [`tokio::task::block_in_place`] on the calling thread, which first hands its worker role
//!   (and the tasks queued on it) to another thread, so it is no longer a worker while SQLite
//!   runs. No copy of the SQL or the parameters, no hand-off of the statement: the cost is the
//!   notification that lends the worker to a blocking-pool thread, which for a short statement
//!   is usually back before that thread has even woken up (and nothing at all when called from
//!   `Runtime::block_on`). On a current-thread runtime (where `block_in_place` panics), without
//!   a runtime, and for streams, the connection's thread runs the statement, as with `thread`.
//!   **Trade-offs:** a statement runs to its end inside the poll that started it, so dropping
//!   its future (a `tokio::time::timeout`, a `select!`) takes effect only when it is done; and
//!   a long statement lets the blocking-pool thread take the worker over, so long statements
//!   under concurrency churn threads.
//! - **`auto`** (default): `block_in_place`, except that a statement whose last run on the
//!   connection did 1000 or more SQLite VM steps (a primary-key select does a few dozen) goes
//!   to that connection's thread, where it can be cancelled and runs beside the workers, until
//!   a run shows it light again. The work is read from SQLite's statement counters rather than
//!   a clock, so a preempted thread on a busy machine does not move fast statements. A heavy statement never seen before still runs in
//!   place, uncancellable.
//! - **`thread`**: each pooled connection has a dedicated OS thread that owns it. The caller
//!   writes the statement into a one-slot mailbox (reusing its buffers: no allocation per
//!   statement besides the result) and unparks the thread only if it is parked. When one
//!   caller issues statements back to back, the thread spins 50 µs for the next one before
//!   parking (at most about half the cores' worth of threads spin, process-wide) and the
//!   caller spins up to 20 µs for the answer before yielding, so that neither side pays a
//!   wake-up — when the machine has a core free for the spinning; with several statements in
//!   flight neither spins, and each statement costs two thread wake-ups and context switches.
//!   A dropped future withdraws its statement, or interrupts it (`sqlite3_interrupt`), at once.
//! - **`spawn_blocking`**: each statement is a [`tokio::task::spawn_blocking`] job (copies of
//!   the SQL and the parameters, a blocking-pool wake-up and a task wake-up per statement).
//!   Dropping the future interrupts the statement.
//!
//! `auto` is the default: it keeps `block_in_place`'s cheap hand-off for short statements and
//! moves long ones where they can be cancelled and do not churn threads. `thread` pays off only
//! with a core free for its spinning, `spawn_blocking` pays two wake-ups per statement; figures
//! in BENCHMARKS.md.
//!
//! ## Streams
//! [`quarry::Executor::stream`] runs the query on the
//! connection's thread, which sends rows through a bounded channel (4 batches of at most 128
//! rows; a batch is sent early when the consumer has caught up), so memory stays constant
//! whatever the result size. Dropping the stream early stops the query (the statement is
//! interrupted and reset) before the connection is used again.
//!
//! ## Cancellation and clean-up
//! With `thread` and `spawn_blocking` (and with `auto` for statements it runs on the
//! connection's thread), a statement whose future is dropped is withdrawn if it has not
//! started, and interrupted (`sqlite3_interrupt`) if it has; the next caller of the connection
//! waits for it to finish. Under `block_in_place` a statement cannot be dropped half-way: it
//! runs to its end inside one poll. A connection that goes back to the pool with a statement in
//! flight or a transaction open (say, `BEGIN` sent by hand) is rolled back before it is handed
//! out again; [`quarry::backend::BackendConnection::discard`] (a connection dropped inside a quarry
//! transaction) closes it instead.
//!
//! ## Hooks
//! [`SqliteOptions::on_connect`] runs code on each new connection (register SQL functions,
//! set pragmas), on the connection's thread.

#![forbid(unsafe_code)]
#![warn(missing_docs)]

mod backend;
mod bind;
mod cache;
mod deadline;
mod decode;
mod error;
mod options;
mod pool;
mod run;
mod worker;

pub use backend::SqliteBackend;
pub use options::{
    Executor, Location, OpenMode, SqliteOptions, DEFAULT_BUSY_TIMEOUT, DEFAULT_STATEMENT_CACHE,
};
pub use pool::{Manager, PooledSqlite};
pub use quarry::Sqlite;
/// The rusqlite version this crate uses, for [`SqliteOptions::on_connect`] hooks.
///
/// ```
/// use quarry_sqlite::rusqlite::functions::FunctionFlags;
/// let o = quarry_sqlite::SqliteOptions::parse("sqlite::memory:").unwrap()
///     .on_connect(|c| c.create_scalar_function("one", 0, FunctionFlags::SQLITE_DETERMINISTIC, |_| Ok(1)));
/// # let _ = o;
/// ```
pub use rusqlite;

use quarry::backend::BoxFuture;
use quarry::{Engine, PoolOptions, Result};
use std::sync::Arc;

/// Code run on each new connection, on its thread: see [`SqliteOptions::on_connect`].
///
/// ```
/// let hook: quarry_sqlite::OnConnect = std::sync::Arc::new(|c| c.execute_batch("PRAGMA cache_size = -2000"));
/// # let _ = hook;
/// ```
pub type OnConnect = Arc<dyn Fn(&rusqlite::Connection) -> rusqlite::Result<()> + Send + Sync>;

/// Opens a pooled SQLite engine for a `sqlite:` URL (see the crate docs), with quarry's pool
/// options from the URL or their defaults.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> quarry::Result<()> {
/// let engine = quarry_sqlite::connect("sqlite::memory:?pool_max_size=4").await?;
/// assert_eq!(engine.dialect().name(), "sqlite");
/// let err = quarry_sqlite::connect("sqlite:///no/such/dir/x.db").await.unwrap_err();
/// assert!(err.is_connection_error());
/// # Ok(()) }
/// ```
pub async fn connect(url: &str) -> Result<Engine> {
    let (url, pool) = PoolOptions::default().apply_url(url)?;
    connect_with(SqliteOptions::parse(&url)?, &pool).await
}

/// Opens a pooled SQLite engine with explicit options.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> quarry::Result<()> {
/// use quarry_sqlite::{SqliteOptions, Location};
/// let options = SqliteOptions::parse("sqlite::memory:")?
///     .on_connect(|c| c.execute_batch("PRAGMA cache_size = -4000"));
/// let engine = quarry_sqlite::connect_with(options, &quarry::PoolOptions::default()).await?;
/// assert_eq!(engine.pool_state().0, 1);
/// let mut empty = quarry::PoolOptions::default();
/// empty.max_size = 0;
/// let err = quarry_sqlite::connect_with(SqliteOptions::parse("sqlite::memory:")?, &empty).await.unwrap_err();
/// assert_eq!(err.kind(), quarry::ErrorKind::Configuration);
/// # Ok(()) }
/// ```
pub async fn connect_with(options: SqliteOptions, pool: &PoolOptions) -> Result<Engine> {
    Ok(Engine::from_backend(pool::build(options, pool).await?)
        .with_log_parameters(pool.log_parameters)
        .with_slow_statement_threshold(pool.slow_statement_threshold))
}

/// The SQLite driver for [`quarry::install_drivers`]: handles `sqlite:` URLs.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> quarry::Result<()> {
/// use quarry::Executor;
/// quarry::install_drivers(&[&quarry_sqlite::DRIVER]);
/// let engine = quarry::Engine::connect("sqlite::memory:?pool_max_size=2&busy_timeout=100").await?;
/// assert_eq!(engine.fetch_scalar::<i64>("SELECT 1").await?, 1);
/// # Ok(()) }
/// ```
#[derive(Debug)]
pub struct SqliteDriver;

/// The driver instance to install.
///
/// ```
/// quarry::install_drivers(&[&quarry_sqlite::DRIVER]);
/// ```
pub static DRIVER: SqliteDriver = SqliteDriver;

impl quarry::backend::Driver for SqliteDriver {
    fn schemes(&self) -> &'static [&'static str] {
        &["sqlite"]
    }

    fn connect<'a>(
        &'a self,
        url: &'a str,
        options: &'a PoolOptions,
    ) -> BoxFuture<'a, Result<Engine>> {
        Box::pin(async move { connect_with(SqliteOptions::parse(url)?, options).await })
    }
}
