//! Bulk insert benchmark (BENCH.md, "Executor: quarry Engine vs the raw driver"): 100k rows ×
//! 5 columns into `bulk_users` (BENCH.md's `users` schema under its own name, so the point
//! select benchmarks' `users` table is left alone), quarry's `Engine` against each raw
//! driver's best path, measured in the same run.
//!
//! ```text
//! QUARRY_TEST_POSTGRES_URL=postgres://postgres@127.0.0.1:5432/test \
//! QUARRY_TEST_MYSQL_URL=mysql://root@127.0.0.1:3306/test \
//!     cargo bench --bench bulk_insert -- --warm-up-time 1 --measurement-time 5
//! ```
//!
//! The rows are generated once (`id`, `name`, `email`, `active`, `created_at` as a
//! `quarry::value::Timestamp`). Every iteration loads all 100k rows into an empty table; the
//! table is emptied (`TRUNCATE`, `DELETE` on SQLite) before each iteration, outside the timed
//! part (`iter_custom`). Sides:
//!
//! - `quarry`: `engine.execute(insert(u).rows(data.iter().map(..)))`: the `Insert` is built
//!   from the data inside the timed part (the text cells are copied into it, as the builder
//!   owns its values), then executed by value: on PostgreSQL one `COPY … (FORMAT binary)`
//!   (≥ 1000 rows), elsewhere multi-row INSERTs split under the dialect's bound-parameter limit
//!   and run in one transaction.
//! - `raw` on SQLite: rusqlite on one connection, synchronous, `BEGIN`, multi-row INSERTs of
//!   [`SQLITE_ROWS`] rows (its best size here, see the sweep below) through one
//!   `prepare_cached` statement bound in place (`raw_bind_parameter`) and run again for each
//!   chunk (a shorter one for the last chunk), `COMMIT`; the statement text is written once,
//!   outside the timing; the timestamp is formatted per row into a stack buffer (the text
//!   quarry binds). Same storage as quarry's: the `memdb` VFS in memory; a WAL file on disk.
//!   `QUARRY_BENCH_SQLITE_ROWS=n` changes the rows per statement (at most 6553: 32766
//!   parameters).
//! - `raw` on PostgreSQL: tokio-postgres `COPY bulk_users (…) FROM STDIN (FORMAT binary)`
//!   through `BinaryCopyInWriter` (the timestamp as a `SystemTime`).
//! - `raw` on MariaDB: mysql_async, one transaction, multi-row INSERTs of [`MYSQL_ROWS`] rows
//!   (its best size here, see the sweep below), the statement prepared once (during the
//!   warm-up) and executed for each chunk with the values as a positional `Vec<Value>`
//!   (`QUARRY_BENCH_MYSQL_BATCH` changes the rows per statement).
//!
//! Before criterion, on SQLite and MariaDB, a sweep loads the table with the raw side at
//! several rows per statement (3 rounds, sizes in rotating order, each size warmed up once)
//! and prints the median rows/s of each, so the raw side's batch size can be checked against
//! this machine; `QUARRY_BENCH_SWEEP=0` skips it.
//!
//! Criterion reports rows/s (`Throughput::Elements`). Sample size 10, flat sampling (every
//! sample is one 100k-row load). After criterion, `QUARRY_BENCH_ROUNDS` (default 7) paired
//! rounds load once per side (rotating which goes first) and print the median rows/s and the
//! median per-round ratio quarry/raw; the client CPU time per load (all of the process's
//! threads, from `/proc/self/task/*/schedstat`: steadier than wall time on a loaded machine,
//! but blind to the server's work); and quarry's time split into phases: building the
//! `Insert` and executing it, the latter split into planning (`IntoCompiled::into_plan`,
//! timed apart on another build of the same statement, outside the load) and running the plan
//! (run = execute − plan); and, for scale, the time to drop a plan, also timed apart (the
//! executor frees a large plan's values off the caller's path: a split insert's while its next
//! statement runs, a COPY's on a short-lived thread). `QUARRY_BENCH_BACKENDS`
//! (`sqlite,postgres,mysql`) limits the backends run. A backend whose URL variable
//! (`QUARRY_TEST_POSTGRES_URL`, `QUARRY_TEST_MYSQL_URL`) is unset is skipped with a notice;
//! SQLite always runs.

use criterion::{BenchmarkId, Criterion, SamplingMode, Throughput};
use quarry::prelude::*;
use quarry::value::Timestamp;
use quarry::{Engine, IntoCompiled};
use std::collections::HashMap;
use std::future::Future;
use std::path::PathBuf;
use std::pin::Pin;
use std::time::{Duration, Instant, SystemTime};

const ROWS: i64 = 100_000;
const TABLE: &str = "bulk_users";
const CREATE: &str = "CREATE TABLE bulk_users (id BIGINT PRIMARY KEY, name TEXT NOT NULL, \
    email TEXT NOT NULL, active BOOLEAN NOT NULL, created_at TIMESTAMP NOT NULL)";
const COLUMNS: &str = "(id, name, email, active, created_at)";
/// Rows per raw MariaDB statement: among the best of the sweep (500 to 4000 rows are level
/// within the noise; 13107 rows, 65535 values, are clearly slower on the server).
const MYSQL_ROWS: usize = 1000;
/// Rows per raw SQLite statement: the best of the sweep (see `BENCHMARKS.md`).
const SQLITE_ROWS: usize = 100;
/// Rows per statement tried by the sweep, per backend.
const SQLITE_SWEEP: &[usize] = &[1, 50, 100, 200, 499, 1000, 6553];
const MYSQL_SWEEP: &[usize] = &[500, 1000, 2000, 4000];

quarry::table! {
    pub struct BulkUsers("bulk_users") {
        id: i64 => primary_key(),
        name: String,
        email: String,
        active: bool,
        created_at: Timestamp,
    }
}

/// One pre-generated row.
struct UserRow {
    id: i64,
    name: String,
    email: String,
    active: bool,
    created_at: Timestamp,
}

fn data() -> Vec<UserRow> {
    let base: Timestamp = "2024-01-01 00:00:00".parse().unwrap();
    (1..=ROWS)
        .map(|id| UserRow {
            id,
            name: format!("user {id}"),
            email: format!("user{id}@example.com"),
            active: id % 3 != 0,
            created_at: Timestamp::from_micros_since_epoch(
                base.micros_since_epoch() + id * 1_000_123,
            )
            .unwrap(),
        })
        .collect()
}

/// quarry's statement, built from the data.
fn build(data: &[UserRow]) -> quarry::Insert {
    let u = BulkUsers::new();
    insert(u).rows(data.iter().map(|r| {
        (
            u.id.set(r.id),
            u.name.set(r.name.as_str()),
            u.email.set(r.email.as_str()),
            u.active.set(r.active),
            u.created_at.set(r.created_at),
        )
    }))
}

/// One quarry load; the elapsed time.
async fn quarry_load(engine: &Engine, data: &[UserRow]) -> Duration {
    let start = Instant::now();
    let n = engine.execute(build(data)).await.expect("quarry insert");
    let t = start.elapsed();
    assert_eq!(n, ROWS as u64, "quarry inserted {n} rows");
    t
}

/// One load through `insert_rows` (the rows bound by reference); the elapsed time.
async fn quarry_rows_load(engine: &Engine, data: &[UserRow]) -> Duration {
    let u = BulkUsers::new();
    let start = Instant::now();
    let n = engine
        .insert_rows(
            u,
            (u.id, u.name, u.email, u.active, u.created_at),
            data.iter().map(|r| {
                (
                    r.id,
                    r.name.as_str(),
                    r.email.as_str(),
                    r.active,
                    r.created_at,
                )
            }),
        )
        .await
        .expect("quarry insert_rows");
    let t = start.elapsed();
    assert_eq!(n, ROWS as u64, "quarry inserted {n} rows");
    t
}

/// Wall and process CPU time of one phase.
#[derive(Clone, Copy, Default)]
struct Spent {
    wall: Duration,
    cpu_ns: u64,
}

impl Spent {
    fn start() -> (Instant, u64) {
        (Instant::now(), cpu_ns())
    }
    fn since((t, c): (Instant, u64)) -> Spent {
        Spent {
            wall: t.elapsed(),
            cpu_ns: cpu_ns().saturating_sub(c),
        }
    }
    fn minus(self, o: Spent) -> Spent {
        Spent {
            wall: self.wall.saturating_sub(o.wall),
            cpu_ns: self.cpu_ns.saturating_sub(o.cpu_ns),
        }
    }
}

/// One quarry load split in two: (building the `Insert`, executing it).
async fn quarry_split(engine: &Engine, data: &[UserRow]) -> [Spent; 2] {
    let t0 = Spent::start();
    let q = build(data);
    let build_t = Spent::since(t0);
    let t1 = Spent::start();
    let n = engine.execute(q).await.expect("quarry insert");
    let exec_t = Spent::since(t1);
    assert_eq!(n, ROWS as u64, "quarry inserted {n} rows");
    [build_t, exec_t]
}

/// Client-side only, outside any load: the time to plan a freshly built `Insert`
/// (`IntoCompiled::into_plan`, what `execute` does first) and to drop the plan (which
/// `execute` does after running it).
fn plan_and_drop(engine: &Engine, data: &[UserRow]) -> [Spent; 2] {
    let q = build(data);
    let t0 = Spent::start();
    let plan = q.into_plan(engine.dialect()).expect("plan");
    let plan_t = Spent::since(t0);
    let t1 = Spent::start();
    drop(plan);
    [plan_t, Spent::since(t1)]
}

/// CPU time used so far by every thread of this process (the driver's and quarry's threads
/// included; the database server's not), from `/proc/self/task/*/schedstat`, in ns. Less
/// sensitive than wall time to other processes competing for the machine's two cores.
fn cpu_ns() -> u64 {
    let Ok(dir) = std::fs::read_dir("/proc/self/task") else {
        return 0;
    };
    dir.filter_map(|e| {
        let s = std::fs::read_to_string(e.ok()?.path().join("schedstat")).ok()?;
        s.split_whitespace().next()?.parse::<u64>().ok()
    })
    .sum()
}

type BoxFut<'a, T> = Pin<Box<dyn Future<Output = T> + 'a>>;

/// A backend under test: how to empty the table and how to run each side once.
trait Fixture {
    fn name(&self) -> &'static str;
    fn engine(&self) -> &Engine;
    fn reset<'a>(&'a mut self) -> BoxFut<'a, ()>;
    fn raw<'a>(&'a mut self, data: &'a [UserRow]) -> BoxFut<'a, Duration>;
    /// Rows per statement the sweep tries (none: the raw side has no batch size).
    fn sweep_sizes(&self) -> &'static [usize] {
        &[]
    }
    /// The raw side with `rows` rows per statement (for the sweep).
    fn raw_batched<'a>(&'a mut self, data: &'a [UserRow], rows: usize) -> BoxFut<'a, Duration> {
        let _ = rows;
        self.raw(data)
    }
}

// ---------------------------------------------------------------------------------------
// SQLite

struct SqliteFixture {
    label: &'static str,
    engine: Engine,
    raw: rusqlite::Connection,
    /// Rows per raw statement.
    rows: usize,
    /// Statement texts by rows per statement, written once (outside the timing).
    texts: HashMap<usize, String>,
}

fn temp_file(name: &str) -> PathBuf {
    let path = std::env::temp_dir().join(format!("quarry-bulk-{}-{name}.db", std::process::id()));
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
    }
    path
}

impl SqliteFixture {
    async fn new(memory: bool) -> SqliteFixture {
        use rusqlite::OpenFlags as F;
        let (url, raw) = if memory {
            let raw = rusqlite::Connection::open_with_flags(
                format!("file:/quarry-bulk-raw-{}?vfs=memdb", std::process::id()),
                F::SQLITE_OPEN_READ_WRITE
                    | F::SQLITE_OPEN_CREATE
                    | F::SQLITE_OPEN_URI
                    | F::SQLITE_OPEN_NO_MUTEX,
            )
            .expect("open raw");
            ("sqlite::memory:".to_owned(), raw)
        } else {
            let raw = rusqlite::Connection::open(temp_file("raw")).expect("open raw");
            raw.pragma_update(None, "journal_mode", "WAL").expect("wal");
            (format!("sqlite://{}", temp_file("quarry").display()), raw)
        };
        raw.execute_batch(CREATE).expect("create raw");
        let engine = quarry_sqlite::connect(&url).await.expect("quarry sqlite");
        engine.execute(CREATE).await.expect("create quarry");
        SqliteFixture {
            label: if memory {
                "sqlite_memory"
            } else {
                "sqlite_wal_file"
            },
            engine,
            raw,
            rows: sqlite_rows_per_statement(),
            texts: HashMap::new(),
        }
    }

    /// The text of an `n`-row INSERT, written on first use.
    fn text(&mut self, n: usize) -> String {
        self.texts.entry(n).or_insert_with(|| insert_sql(n)).clone()
    }
}

/// `YYYY-MM-DD HH:MM:SS[.ffffff]` (trailing zeros of the fraction trimmed): the text quarry
/// stores for a `Timestamp` on SQLite (its `Display`), written by hand into a stack buffer as
/// a tuned raw loop would (no `core::fmt`, no allocation). Years 0–9999.
fn timestamp_text<'b>(ts: &Timestamp, buf: &'b mut [u8; 32]) -> &'b str {
    fn put(buf: &mut [u8], at: usize, mut n: u32, width: usize) {
        for i in (0..width).rev() {
            buf[at + i] = b'0' + (n % 10) as u8;
            n /= 10;
        }
    }
    let (h, mi, s, us) = ts.time.parts();
    put(buf, 0, ts.date.year() as u32, 4);
    buf[4] = b'-';
    put(buf, 5, u32::from(ts.date.month()), 2);
    buf[7] = b'-';
    put(buf, 8, u32::from(ts.date.day()), 2);
    buf[10] = b' ';
    put(buf, 11, u32::from(h), 2);
    buf[13] = b':';
    put(buf, 14, u32::from(mi), 2);
    buf[16] = b':';
    put(buf, 17, u32::from(s), 2);
    let mut len = 19;
    if us != 0 {
        buf[19] = b'.';
        put(buf, 20, us, 6);
        len = 26;
        while buf[len - 1] == b'0' {
            len -= 1;
        }
    }
    std::str::from_utf8(&buf[..len]).unwrap()
}

/// Rows per raw INSERT on SQLite: [`SQLITE_ROWS`], or `QUARRY_BENCH_SQLITE_ROWS` (at most
/// 6553 rows of 5 values, under SQLite's 32766-parameter limit; quarry's own statements are
/// that size).
fn sqlite_rows_per_statement() -> usize {
    std::env::var("QUARRY_BENCH_SQLITE_ROWS")
        .ok()
        .and_then(|s| s.parse().ok())
        .filter(|&n| (1..=6553).contains(&n))
        .unwrap_or(SQLITE_ROWS)
}

/// `INSERT INTO bulk_users (…) VALUES (?, ?, ?, ?, ?), …` with `rows` rows (SQLite and
/// MariaDB alike).
fn insert_sql(rows: usize) -> String {
    let mut sql = format!("INSERT INTO {TABLE} {COLUMNS} VALUES ");
    for i in 0..rows {
        sql.push_str(if i == 0 {
            "(?, ?, ?, ?, ?)"
        } else {
            ", (?, ?, ?, ?, ?)"
        });
    }
    sql
}

/// One raw SQLite load: `BEGIN`, `data` in `rows`-row INSERTs (`full`: the text of a
/// `rows`-row statement; `rest`: of the last, shorter one), `COMMIT`.
fn sqlite_raw_load(
    conn: &rusqlite::Connection,
    data: &[UserRow],
    rows: usize,
    full: &str,
    rest: Option<&str>,
) {
    conn.execute_batch("BEGIN").expect("begin");
    let mut inserted = 0;
    {
        let mut stmt = conn.prepare_cached(full).expect("prepare");
        let mut buf = [0u8; 32];
        for chunk in data.chunks(rows) {
            let mut last;
            let stmt = if chunk.len() == rows {
                &mut stmt
            } else {
                last = conn
                    .prepare_cached(rest.expect("remainder statement"))
                    .expect("prepare");
                &mut last
            };
            for (i, r) in chunk.iter().enumerate() {
                let at = i * 5;
                stmt.raw_bind_parameter(at + 1, r.id).unwrap();
                stmt.raw_bind_parameter(at + 2, r.name.as_str()).unwrap();
                stmt.raw_bind_parameter(at + 3, r.email.as_str()).unwrap();
                stmt.raw_bind_parameter(at + 4, r.active).unwrap();
                stmt.raw_bind_parameter(at + 5, timestamp_text(&r.created_at, &mut buf))
                    .unwrap();
            }
            inserted += stmt.raw_execute().expect("insert");
        }
    }
    conn.execute_batch("COMMIT").expect("commit");
    assert_eq!(inserted, data.len(), "raw inserted {inserted} rows");
}

impl Fixture for SqliteFixture {
    fn name(&self) -> &'static str {
        self.label
    }
    fn engine(&self) -> &Engine {
        &self.engine
    }
    fn reset<'a>(&'a mut self) -> BoxFut<'a, ()> {
        Box::pin(async move {
            self.raw
                .execute_batch("DELETE FROM bulk_users")
                .expect("empty raw");
            self.engine
                .execute("DELETE FROM bulk_users")
                .await
                .expect("empty quarry");
        })
    }
    fn raw<'a>(&'a mut self, data: &'a [UserRow]) -> BoxFut<'a, Duration> {
        let rows = self.rows;
        self.raw_batched(data, rows)
    }
    fn sweep_sizes(&self) -> &'static [usize] {
        SQLITE_SWEEP
    }
    fn raw_batched<'a>(&'a mut self, data: &'a [UserRow], rows: usize) -> BoxFut<'a, Duration> {
        let full = self.text(rows);
        let rest = match data.len() % rows {
            0 => None,
            n => Some(self.text(n)),
        };
        Box::pin(async move {
            let start = Instant::now();
            sqlite_raw_load(&self.raw, data, rows, &full, rest.as_deref());
            start.elapsed()
        })
    }
}

// ---------------------------------------------------------------------------------------
// PostgreSQL

/// The benchmark's URL with `sslmode=disable` unless it sets a mode: the raw tokio-postgres
/// side connects without TLS, and quarry (whose tests enable its `rustls` feature) would
/// otherwise encrypt by default (`prefer`) against a server with TLS on.
fn plain_text(url: String) -> String {
    if url.contains("sslmode=") {
        url
    } else {
        let sep = if url.contains('?') { '&' } else { '?' };
        format!("{url}{sep}sslmode=disable")
    }
}

struct PgFixture {
    engine: Engine,
    client: tokio_postgres::Client,
}

impl PgFixture {
    async fn new(url: &str) -> PgFixture {
        let config: tokio_postgres::Config = url.parse().expect("postgres URL");
        let (client, connection) = config
            .connect(tokio_postgres::NoTls)
            .await
            .expect("raw connect");
        tokio::spawn(async move {
            let _ = connection.await;
        });
        client
            .batch_execute(&format!("DROP TABLE IF EXISTS {TABLE}; {CREATE}"))
            .await
            .expect("create");
        let engine = Engine::connect(url).await.expect("quarry postgres");
        PgFixture { engine, client }
    }
}

impl Fixture for PgFixture {
    fn name(&self) -> &'static str {
        "postgres"
    }
    fn engine(&self) -> &Engine {
        &self.engine
    }
    fn reset<'a>(&'a mut self) -> BoxFut<'a, ()> {
        Box::pin(async move {
            self.client
                .batch_execute("TRUNCATE bulk_users")
                .await
                .expect("truncate");
        })
    }
    fn raw<'a>(&'a mut self, data: &'a [UserRow]) -> BoxFut<'a, Duration> {
        use tokio_postgres::binary_copy::BinaryCopyInWriter;
        use tokio_postgres::types::Type;
        Box::pin(async move {
            let start = Instant::now();
            let sink = self
                .client
                .copy_in(&format!(
                    "COPY {TABLE} {COLUMNS} FROM STDIN (FORMAT binary)"
                ))
                .await
                .expect("copy in");
            let writer = BinaryCopyInWriter::new(
                sink,
                &[
                    Type::INT8,
                    Type::TEXT,
                    Type::TEXT,
                    Type::BOOL,
                    Type::TIMESTAMP,
                ],
            );
            let mut writer = std::pin::pin!(writer);
            for r in data {
                let ts = SystemTime::UNIX_EPOCH
                    + Duration::from_micros(r.created_at.micros_since_epoch() as u64);
                writer
                    .as_mut()
                    .write(&[&r.id, &r.name, &r.email, &r.active, &ts])
                    .await
                    .expect("copy row");
            }
            let n = writer.finish().await.expect("copy finish");
            let t = start.elapsed();
            assert_eq!(n, ROWS as u64);
            t
        })
    }
}

// ---------------------------------------------------------------------------------------
// MariaDB

struct MysqlFixture {
    engine: Engine,
    conn: mysql_async::Conn,
    /// Rows per raw statement.
    batch: usize,
    /// Prepared statements by rows per statement (prepared on first use, in the warm-up).
    stmts: HashMap<usize, mysql_async::Statement>,
}

/// The rows per raw statement on MariaDB: [`MYSQL_ROWS`], or `QUARRY_BENCH_MYSQL_BATCH`
/// (to compare with quarry's split, 2000 rows by default).
fn mysql_batch() -> usize {
    std::env::var("QUARRY_BENCH_MYSQL_BATCH")
        .ok()
        .and_then(|s| s.parse().ok())
        .filter(|&n| (1..=13107).contains(&n))
        .unwrap_or(MYSQL_ROWS)
}

impl MysqlFixture {
    async fn new(url: &str) -> MysqlFixture {
        use mysql_async::prelude::Queryable;
        let mut conn = mysql_async::Conn::from_url(url).await.expect("raw connect");
        conn.query_drop(format!("DROP TABLE IF EXISTS {TABLE}"))
            .await
            .expect("drop");
        conn.query_drop(CREATE).await.expect("create");
        let engine = Engine::connect(url).await.expect("quarry mysql");
        MysqlFixture {
            engine,
            conn,
            batch: mysql_batch(),
            stmts: HashMap::new(),
        }
    }

    /// The prepared `n`-row INSERT.
    async fn stmt(&mut self, n: usize) -> mysql_async::Statement {
        use mysql_async::prelude::Queryable;
        if let Some(s) = self.stmts.get(&n) {
            return s.clone();
        }
        let s = self.conn.prep(insert_sql(n)).await.expect("prepare");
        self.stmts.insert(n, s.clone());
        s
    }
}

impl Fixture for MysqlFixture {
    fn name(&self) -> &'static str {
        "mariadb"
    }
    fn engine(&self) -> &Engine {
        &self.engine
    }
    fn reset<'a>(&'a mut self) -> BoxFut<'a, ()> {
        use mysql_async::prelude::Queryable;
        Box::pin(async move {
            self.conn
                .query_drop("TRUNCATE TABLE bulk_users")
                .await
                .expect("truncate");
        })
    }
    fn raw<'a>(&'a mut self, data: &'a [UserRow]) -> BoxFut<'a, Duration> {
        let batch = self.batch;
        self.raw_batched(data, batch)
    }
    fn sweep_sizes(&self) -> &'static [usize] {
        MYSQL_SWEEP
    }
    fn raw_batched<'a>(&'a mut self, data: &'a [UserRow], rows: usize) -> BoxFut<'a, Duration> {
        use mysql_async::prelude::Queryable;
        use mysql_async::Value as V;
        Box::pin(async move {
            // Prepared outside the timing (already there after the warm-up).
            let full = self.stmt(rows).await;
            let rest = match data.len() % rows {
                0 => None,
                n => Some(self.stmt(n).await),
            };
            let start = Instant::now();
            let mut tx = self
                .conn
                .start_transaction(mysql_async::TxOpts::default())
                .await
                .expect("begin");
            for chunk in data.chunks(rows) {
                let mut params = Vec::with_capacity(chunk.len() * 5);
                for r in chunk {
                    let (date, time) = (r.created_at.date, r.created_at.time);
                    let (h, mi, s, us) = time.parts();
                    params.push(V::Int(r.id));
                    params.push(V::Bytes(r.name.as_bytes().to_vec()));
                    params.push(V::Bytes(r.email.as_bytes().to_vec()));
                    params.push(V::Int(i64::from(r.active)));
                    params.push(V::Date(
                        date.year() as u16,
                        date.month(),
                        date.day(),
                        h,
                        mi,
                        s,
                        us,
                    ));
                }
                let stmt = if chunk.len() == rows {
                    &full
                } else {
                    rest.as_ref().expect("remainder statement")
                };
                tx.exec_drop(stmt, params).await.expect("insert");
            }
            tx.commit().await.expect("commit");
            start.elapsed()
        })
    }
}

// ---------------------------------------------------------------------------------------

fn median(v: &mut [f64]) -> f64 {
    v.sort_by(|a, b| a.partial_cmp(b).unwrap());
    let n = v.len();
    if n % 2 == 1 {
        v[n / 2]
    } else {
        (v[n / 2 - 1] + v[n / 2]) / 2.0
    }
}

/// The raw side at each of the fixture's batch sizes: 3 rounds, the sizes in rotating order,
/// median rows/s per size (see the module docs).
fn sweep<F: Fixture>(rt: &tokio::runtime::Runtime, fixture: &mut F, data: &[UserRow]) {
    let sizes = fixture.sweep_sizes();
    if sizes.is_empty() || std::env::var("QUARRY_BENCH_SWEEP").is_ok_and(|v| v == "0") {
        return;
    }
    let name = fixture.name();
    let mut rates: Vec<Vec<f64>> = vec![Vec::new(); sizes.len()];
    rt.block_on(async {
        for &n in sizes {
            fixture.reset().await;
            fixture.raw_batched(data, n).await;
        }
        for round in 0..3 {
            for k in 0..sizes.len() {
                let i = (k + round) % sizes.len();
                fixture.reset().await;
                let t = fixture.raw_batched(data, sizes[i]).await;
                rates[i].push(ROWS as f64 / t.as_secs_f64());
            }
        }
    });
    let line: Vec<String> = sizes
        .iter()
        .zip(rates.iter_mut())
        .map(|(n, r)| format!("{n} → {:.0}k", median(r) / 1e3))
        .collect();
    println!(
        "bulk_insert_100k/{name} raw rows/s by rows per statement (median of 3): {}",
        line.join(", ")
    );
}

fn run_backend<F: Fixture>(
    c: &mut Criterion,
    rt: &tokio::runtime::Runtime,
    fixture: &mut F,
    data: &[UserRow],
) {
    let name = fixture.name();
    // Warm up both sides once (statement caches, connections, table pages).
    rt.block_on(async {
        fixture.reset().await;
        fixture.raw(data).await;
        fixture.reset().await;
        quarry_load(fixture.engine(), data).await;
        fixture.reset().await;
        quarry_rows_load(fixture.engine(), data).await;
    });
    sweep(rt, fixture, data);
    let mut g = c.benchmark_group(format!("bulk_insert_100k/{name}"));
    g.throughput(Throughput::Elements(ROWS as u64));
    g.sample_size(10);
    g.sampling_mode(SamplingMode::Flat);
    g.bench_function(BenchmarkId::from_parameter("quarry"), |b| {
        b.iter_custom(|iters| {
            rt.block_on(async {
                let mut total = Duration::ZERO;
                for _ in 0..iters {
                    fixture.reset().await;
                    total += quarry_load(fixture.engine(), data).await;
                }
                total
            })
        })
    });
    g.bench_function(BenchmarkId::from_parameter("quarry_rows"), |b| {
        b.iter_custom(|iters| {
            rt.block_on(async {
                let mut total = Duration::ZERO;
                for _ in 0..iters {
                    fixture.reset().await;
                    total += quarry_rows_load(fixture.engine(), data).await;
                }
                total
            })
        })
    });
    g.bench_function(BenchmarkId::from_parameter("raw"), |b| {
        b.iter_custom(|iters| {
            rt.block_on(async {
                let mut total = Duration::ZERO;
                for _ in 0..iters {
                    fixture.reset().await;
                    total += fixture.raw(data).await;
                }
                total
            })
        })
    });
    g.finish();

    // Paired rounds, with quarry's phases.
    let rounds: usize = std::env::var("QUARRY_BENCH_ROUNDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(7);
    let (mut q_rate, mut r_rate, mut ratio) = (Vec::new(), Vec::new(), Vec::new());
    let (mut q_cpu, mut r_cpu, mut cpu_ratio) = (Vec::new(), Vec::new(), Vec::new());
    let (mut rows_rate, mut rows_ratio, mut rows_cpu) = (Vec::new(), Vec::new(), Vec::new());
    let mut wall: [Vec<f64>; 4] = Default::default();
    let mut cpu: [Vec<f64>; 4] = Default::default();
    rt.block_on(async {
        for round in 0..rounds {
            let mut q = [Spent::default(); 2];
            let mut raw = Spent::default();
            let mut by_ref = Spent::default();
            // The three sides in rotating order.
            for side in 0..3 {
                fixture.reset().await;
                match (side + round) % 3 {
                    0 => q = quarry_split(fixture.engine(), data).await,
                    1 => {
                        let t0 = Spent::start();
                        fixture.raw(data).await;
                        raw = Spent::since(t0);
                    }
                    _ => {
                        let t0 = Spent::start();
                        quarry_rows_load(fixture.engine(), data).await;
                        by_ref = Spent::since(t0);
                    }
                }
            }
            rows_rate.push(ROWS as f64 / by_ref.wall.as_secs_f64());
            rows_ratio.push(raw.wall.as_secs_f64() / by_ref.wall.as_secs_f64());
            rows_cpu.push(by_ref.cpu_ns as f64 / 1e6);
            let qt = q[0].wall + q[1].wall;
            let qc = q[0].cpu_ns + q[1].cpu_ns;
            q_rate.push(ROWS as f64 / qt.as_secs_f64());
            r_rate.push(ROWS as f64 / raw.wall.as_secs_f64());
            ratio.push(raw.wall.as_secs_f64() / qt.as_secs_f64());
            q_cpu.push(qc as f64 / 1e6);
            r_cpu.push(raw.cpu_ns as f64 / 1e6);
            cpu_ratio.push(raw.cpu_ns as f64 / qc as f64);
            let [plan, dropped] = plan_and_drop(fixture.engine(), data);
            let run = q[1].minus(plan);
            for (i, p) in [q[0], plan, run, dropped].iter().enumerate() {
                wall[i].push(p.wall.as_secs_f64() * 1e3);
                cpu[i].push(p.cpu_ns as f64 / 1e6);
            }
        }
    });
    if rounds > 0 {
        println!(
            "bulk_insert_100k/{name} paired ({rounds} rounds): quarry {:.0} rows/s, raw {:.0} rows/s, \
             median ratio quarry/raw {:.2} (per round: {})",
            median(&mut q_rate),
            median(&mut r_rate),
            median(&mut ratio.clone()),
            ratio
                .iter()
                .map(|r| format!("{r:.2}"))
                .collect::<Vec<_>>()
                .join(" ")
        );
        println!(
            "bulk_insert_100k/{name} paired, insert_rows: {:.0} rows/s, median ratio \
             insert_rows/raw {:.2} (per round: {}); client CPU {:.1} ms",
            median(&mut rows_rate),
            median(&mut rows_ratio.clone()),
            rows_ratio
                .iter()
                .map(|r| format!("{r:.2}"))
                .collect::<Vec<_>>()
                .join(" "),
            median(&mut rows_cpu)
        );
        println!(
            "bulk_insert_100k/{name} client CPU per load (median ms, all threads): quarry {:.1}, \
             raw {:.1}, ratio raw/quarry {:.2}",
            median(&mut q_cpu),
            median(&mut r_cpu),
            median(&mut cpu_ratio)
        );
        let line = |what: &str, v: &mut [Vec<f64>; 4]| {
            println!(
                "bulk_insert_100k/{name} quarry phases, {what} (median ms): build {:.1}, plan {:.1}, \
                 run {:.1}; dropping a plan, apart: {:.1}",
                median(&mut v[0]),
                median(&mut v[1]),
                median(&mut v[2]),
                median(&mut v[3])
            )
        };
        line("wall", &mut wall);
        line("CPU", &mut cpu);
    }
}

fn main() {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("tokio runtime");
    quarry::install_drivers(&[
        &quarry_sqlite::DRIVER,
        &quarry_postgres::DRIVER,
        &quarry_mysql::DRIVER,
    ]);
    let data = data();
    {
        // What formatting the timestamps as text costs (SQLite binds them as text): quarry's
        // `Display` (what its SQLite backend uses) against the raw side's hand-written loop.
        let mut buf = [0u8; 32];
        let (mut display, mut by_hand) = (Vec::new(), Vec::new());
        for _ in 0..5 {
            let t = Instant::now();
            for r in &data {
                std::hint::black_box(r.created_at.to_string());
            }
            display.push(t.elapsed().as_secs_f64() * 1e3);
            let t = Instant::now();
            for r in &data {
                std::hint::black_box(timestamp_text(&r.created_at, &mut buf).len());
            }
            by_hand.push(t.elapsed().as_secs_f64() * 1e3);
        }
        assert_eq!(
            timestamp_text(&data[1].created_at, &mut buf),
            data[1].created_at.to_string()
        );
        println!(
            "timestamp text for 100k rows (median ms): quarry Display {:.1}, by hand {:.1}",
            median(&mut display),
            median(&mut by_hand)
        );
    }
    let mut c = Criterion::default().configure_from_args();
    let only: Option<String> = std::env::var("QUARRY_BENCH_BACKENDS").ok();
    let wanted = |n: &str| only.as_deref().is_none_or(|o| o.split(',').any(|x| x == n));

    if wanted("sqlite") {
        for memory in [true, false] {
            let mut f = rt.block_on(SqliteFixture::new(memory));
            run_backend(&mut c, &rt, &mut f, &data);
        }
    }
    if wanted("postgres") {
        match std::env::var("QUARRY_TEST_POSTGRES_URL") {
            Ok(url) => {
                let mut f = rt.block_on(PgFixture::new(&plain_text(url)));
                run_backend(&mut c, &rt, &mut f, &data);
                rt.block_on(async {
                    let _ = f.client.batch_execute("DROP TABLE bulk_users").await;
                });
            }
            Err(_) => {
                eprintln!("bulk_insert: QUARRY_TEST_POSTGRES_URL is not set; PostgreSQL skipped")
            }
        }
    }
    if wanted("mysql") {
        match std::env::var("QUARRY_TEST_MYSQL_URL") {
            Ok(url) => {
                let mut f = rt.block_on(MysqlFixture::new(&url));
                run_backend(&mut c, &rt, &mut f, &data);
                rt.block_on(async {
                    use mysql_async::prelude::Queryable;
                    let _ = f.conn.query_drop("DROP TABLE bulk_users").await;
                });
            }
            Err(_) => eprintln!("bulk_insert: QUARRY_TEST_MYSQL_URL is not set; MariaDB skipped"),
        }
    }
    c.final_summary();
}
