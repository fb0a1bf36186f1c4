//! # quarry-sqlite
//!
//! The SQLite backend of [quarry]: rusqlite with SQLite bundled (no system library
//! needed), pooled with bb8. SQL comes from the core compiler with the [`Sqlite`] dialect.
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
//! The connection returned last is kept beside the pool ([`quarry::exec::Lane`]) and handed
//! to the next caller directly: a checkout from bb8 (its timeout future, its lock, three clock readings per
//! checkout and return) costs about a tenth of an in-memory point select. That connection
//! still counts against `max_size` and as idle in [`quarry::Engine::pool_state`]. Only a clean
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
//! tokio worker. A point select takes about 1–5 µs in SQLite, so how the statement gets to the
//! thread that runs it can cost more than the statement. Four designs are built in
//! (`executor=` in the URL, [`Executor`] in [`SqliteOptions`]):
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
//!   under concurrency churn threads (see `range_scan` below).
//! - **`auto`** (default): `block_in_place`, except that a statement whose last run on the
//!   connection did 1000 or more SQLite VM steps (a primary-key select does a few dozen; a
//!   thousand is some tens of microseconds) goes to that connection's thread, where it can be
//!   cancelled and runs beside the workers, until a run shows it light again. The work is read
//!   from SQLite's statement counters rather than a clock, so a preempted thread on a busy
//!   machine does not move fast statements. A heavy statement never seen before still runs in
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
//! Measured on the project's 2-core benchmark machine, with nothing else running:
//! `benches/exec_sqlite.rs`, a primary-key point select on a 10k-row `users` table with
//! `Engine::fetch_one` of a `Compiled`, from tokio tasks on a 2-worker runtime (`seq`: one
//! task; `16x8`: 16 tasks over a pool of 8), against rusqlite `prepare_cached` on one
//! connection, synchronous, in the same run. The interleaved medians
//! (`cargo run --release -p quarry-sqlite --example executor_rounds -- 5`, each case measured
//! one second at a time in turn, five rounds) are the steadiest. Selects per second, and the
//! share of raw rusqlite:
//!
//! ```text
//! cargo bench --bench exec_sqlite -- --warm-up-time 1 --measurement-time 3
//! ```
//!
//! | database | executor | tasks | criterion | interleaved medians |
//! |---|---|---|---|---|
//! | memory | `auto` | seq | 926k (0.56×) | 997k (0.59×) |
//! | memory | `auto` | 16x8 | 1211k (0.74×) | 1250k (0.73×) |
//! | memory | `block_in_place` | seq | 952k (0.58×) | 996k (0.59×) |
//! | memory | `block_in_place` | 16x8 | 1269k (0.77×) | 1282k (0.75×) |
//! | memory | `thread` | seq | 345k (0.21×) | 710k (0.42×) |
//! | memory | `thread` | 16x8 | 181k (0.11×) | 250k (0.15×) |
//! | memory | `spawn_blocking` | seq | 63k (0.04×) | 75k (0.04×) |
//! | memory | `spawn_blocking` | 16x8 | 185k (0.11×) | 199k (0.12×) |
//! | memory | raw rusqlite | 1 thread | 1644k | 1701k |
//! | file | `auto` | seq | 364k (0.81×) | 382k (0.80×) |
//! | file | `auto` | 16x8 | 335k (0.75×) | 1158k (2.43×) |
//! | file | `block_in_place` | seq | 367k (0.82×) | 384k (0.80×) |
//! | file | `block_in_place` | 16x8 | 356k (0.79×) | 1165k (2.44×) |
//! | file | `thread` | seq | 200k (0.45×) | 329k (0.69×) |
//! | file | `thread` | 16x8 | 123k (0.27×) | 162k (0.34×) |
//! | file | `spawn_blocking` | seq | 22k (0.05×) | 49k (0.10×) |
//! | file | `spawn_blocking` | 16x8 | 109k (0.24×) | 188k (0.39×) |
//! | file | raw rusqlite | 1 thread | 449k | 477k |
//! | range_scan, memory | `auto` | 16x8 | 51.5k (1.30×) | – |
//! | range_scan, memory | `block_in_place` | 16x8 | 63.9k (1.61×) | – |
//! | range_scan, memory | `thread` | 16x8 | 51.9k (1.31×) | – |
//! | range_scan, memory | `spawn_blocking` | 16x8 | 46.4k (1.17×) | – |
//! | range_scan, memory | raw rusqlite | 1 thread | 39.7k | – |
//!
//! On a file, 16 tasks can beat one raw connection because WAL lets both cores read at once;
//! that case swings from run to run (0.75× to 2.4× for `auto`; a criterion run of only raw and
//! `auto` gave 0.61× and 0.77× in memory, 0.81× and 2.24× on the file). `thread`'s sequential
//! figure needs a core free for its spinning; otherwise it pays two wake-ups per statement, as
//! `spawn_blocking` always does. `range_scan` is an aggregate over 500 rows (tens of
//! microseconds): under outside load `block_in_place` churns threads on it, which `auto`
//! avoids by sending it to the connection's thread.
//!
//! The rest of the path (the pool checkout and return, the engine's boxing and tracing spans,
//! building the rows) costs about as much as an in-memory select itself, which is why the
//! in-memory cases sit near 0.6× raw and the file cases, where SQLite's own work is larger,
//! near 0.8×.
//!
//! ## Streams
//! [`quarry::Engine::stream`] and [`quarry::Connection::stream`] run the query on the
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
//! out again; [`quarry::BackendConnection::discard`] (a connection dropped inside a quarry
//! transaction) closes it instead.
//!
//! ## Hooks
//! [`SqliteOptions::on_connect`] runs code on each new connection (register SQL functions,
//! set pragmas), on the connection's thread.

#![forbid(unsafe_code)]
#![warn(missing_docs)]

mod bind;
mod options;
mod worker;

pub use options::{
    Executor, Location, OpenMode, SqliteOptions, DEFAULT_BUSY_TIMEOUT, DEFAULT_STATEMENT_CACHE,
};
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

use bind::{Encoded, Params};
use quarry::exec::{ConnectGate, Lane, LaneRules};
use quarry::{
    Backend, BackendConnection, BoxFuture, BoxStream, Dialect, Engine, Error, ExecResult,
    PoolOptions, Result, Row, Value,
};
use std::collections::HashSet;
use std::fmt;
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::{Duration, Instant};
use tokio::sync::mpsc;
use worker::{Job, Response, Shared};

/// Code run on each new connection, on its thread: see [`SqliteOptions::on_connect`].
///
/// ```
/// let hook: quarry_sqlite::OnConnect = std::sync::Arc::new(|c| c.execute_batch("PRAGMA cache_size = -2000"));
/// # let _ = hook;
/// ```
pub type OnConnect = Arc<dyn Fn(&rusqlite::Connection) -> rusqlite::Result<()> + Send + Sync>;

/// The bb8 connection manager for SQLite: opens each connection on a dedicated thread.
///
/// [`connect_with`] builds the pool; a manager can also feed a bb8 pool of your own:
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
        }
    }

    async fn open(&self) -> Result<PooledSqlite> {
        let n = self.next.fetch_add(1, Ordering::Relaxed);
        let shared = Shared::spawn(
            self.options.clone(),
            format!("quarry-sqlite-{n}"),
            self.in_flight.clone(),
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
    shared: Arc<Shared>,
    broken: bool,
    /// SQL texts whose last run on this connection did at least [`HEAVY_WORK`] steps
    /// ([`Executor::Auto`] sends them to the connection's thread).
    heavy: HashSet<Box<str>, bind::SqlHash>,
    /// When the connection was opened (for `max_lifetime` while it sits in the [`Lane`]).
    born: Instant,
}

/// SQLite VM plus full-scan steps from which [`Executor::Auto`] deems a statement heavy (a
/// primary-key select takes a few dozen; a thousand steps are some tens of microseconds).
const HEAVY_WORK: u64 = 1000;
/// Heavy SQL texts remembered per connection (the set is cleared when full).
const HEAVY_STATEMENTS_KEPT: usize = 64;

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

/// A pooled SQLite database: what [`connect`] wraps in an [`Engine`].
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
    pool: bb8::Pool<Manager>,
    lane: Arc<Lane<SqliteLane>>,
    executor: Executor,
    /// Keeps an in-memory database alive while the engine lives.
    _keeper: Option<PooledSqlite>,
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
/// next caller without a bb8 checkout (see [`quarry::exec::Lane`]).
struct SqliteLane;

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
    Execute,
    Fetch,
    First,
    Script,
}

impl Op {
    fn job(self) -> Job {
        match self {
            Op::Execute => Job::Execute,
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
    ) -> BoxFuture<'a, Result<ExecResult>> {
        Box::pin(async move {
            match self.run(Op::Execute, sql, params).await {
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
        rows: &'a mut quarry::InsertRows<'_>,
    ) -> Option<BoxFuture<'a, Result<ExecResult>>> {
        if !matches!(self.executor, Executor::Auto | Executor::BlockInPlace)
            || !can_block_in_place()
        {
            return None;
        }
        let shared = &self.shared;
        Some(Box::pin(async move {
            tokio::task::block_in_place(|| {
                shared.with_conn(|held| bind::insert_rows(&held.conn, &mut held.cache, rows))
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
    let mut manager = Manager::new(options);
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
    Ok(Engine::from_backend(SqliteBackend {
        pool,
        lane,
        executor,
        _keeper: keeper,
    }))
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

/// The SQLite driver for [`quarry::install_drivers`]: handles `sqlite:` URLs.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> quarry::Result<()> {
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

impl quarry::Driver for SqliteDriver {
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

#[allow(dead_code)]
fn assert_send_sync() {
    fn is<T: Send + Sync>() {}
    is::<SqliteBackend>();
    fn send<T: Send>() {}
    send::<RowStream>();
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
