//! Executor benchmark on PostgreSQL (BENCH.md, "Executor: quarry Engine vs the raw driver"):
//! a point select by primary key on a 10k-row `users` table, quarry's [`Engine`] against raw
//! tokio-postgres with a prepared statement, measured in the same run.
//!
//! Needs `QUARRY_TEST_POSTGRES_URL` (skips with a message when unset); creates and fills
//! `users` once if it is missing or short of rows.
//!
//! ```text
//! QUARRY_TEST_POSTGRES_URL=postgres://postgres@127.0.0.1:5432/test \
//!     cargo bench --bench exec_postgres -- --warm-up-time 1 --measurement-time 5
//! ```
//!
//! Each operation is one point select of `SELECT id, name FROM users WHERE id = $1`, ids
//! cycling over 1..=10000, decoded into `(i64, String)`. Four sides:
//!
//! - `quarry`: `Engine::fetch_one` of a `Compiled` built for the call (the SQL text copied, the
//!   id bound), as an application that compiles its statements once does; a pooled connection
//!   is checked out and returned on every call, and its statement cache prepares the query on
//!   its second run.
//! - `quarry_sql`: the same through `quarry::sql("… WHERE id = :id").bind("id", id)`, parsed
//!   and compiled on every call, on an `Engine` of its own (see the paired comparison below).
//! - `quarry_nolane`: the `quarry` side on an `Engine` whose pool has no lane
//!   (`pool_lane=false`): every call checks out through bb8, which is what the lane saves.
//! - `raw`: tokio-postgres with a statement prepared up front and `query_one` per call.
//!
//! Two modes:
//!
//! - `sequential`: one operation at a time. quarry: one `Engine` (`max_size = 8`). raw: one
//!   `Client`, no pool.
//! - `concurrent16_pool8`: 16 tokio tasks share the operations of an iteration batch over a
//!   pool of 8 connections. quarry: one `Engine` with `max_size = 8`, `min_idle = 8`. raw: a
//!   bb8 pool configured as quarry's (`max_size = 8`, `min_idle = 8`,
//!   `test_on_check_out = false`, LIFO) whose connections are tokio-postgres clients each
//!   holding the statement it prepared when it connected; each operation checks one out, runs
//!   `query_one`, and returns it.
//!
//! The runtime is a multi-threaded tokio runtime with 2 workers (the machine's cores).
//!
//! After criterion's measurements (when run by `cargo bench`), a paired comparison runs: 30
//! rounds (`QUARRY_BENCH_ROUNDS` to change), each measuring every side for 300 ms per mode
//! after 50 ms of untimed warm-up (rotating which side goes first), and prints the median
//! ops/s of each side, the median of the per-round ratios to raw with its quartiles, and the
//! ratio of the mean rates. On a shared machine whose load drifts during the run, that ratio
//! is steadier than the ratio of criterion's separate estimates.
//!
//! Every side has connections of its own (`quarry` and `quarry_sql` each their own `Engine`,
//! raw its own client and pool), so that each measured block starts right after a block that
//! ran on other connections. On a small VM, the first statements on a connection after
//! another connection was busy run in a different scheduling state (client and server
//! processes placed on the cores differently) than a connection kept busy; two sides
//! sharing one engine, with the rotation always running one right after the other, measured
//! that side 10–17 % slower than the same code run after raw.

use criterion::{BenchmarkId, Criterion, Throughput};
use quarry::Executor;
use quarry::{Compiled, Engine, Value};
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio_postgres::{Client, Config, NoTls, Statement};

const URL_VAR: &str = "QUARRY_TEST_POSTGRES_URL";
const ROWS: i64 = 10_000;
const TASKS: u64 = 16;
const POOL: u32 = 8;
const QUERY: &str = "SELECT id, name FROM users WHERE id = $1";

/// A bb8 manager for the raw side: a tokio-postgres client with its prepared statement.
struct RawManager {
    config: Config,
}

struct RawConn {
    client: Client,
    statement: Statement,
}

impl bb8::ManageConnection for RawManager {
    type Connection = RawConn;
    type Error = tokio_postgres::Error;

    async fn connect(&self) -> Result<RawConn, tokio_postgres::Error> {
        let (client, statement) = raw_client(&self.config).await?;
        Ok(RawConn { client, statement })
    }

    async fn is_valid(&self, conn: &mut RawConn) -> Result<(), tokio_postgres::Error> {
        conn.client.simple_query("").await.map(|_| ())
    }

    fn has_broken(&self, conn: &mut RawConn) -> bool {
        conn.client.is_closed()
    }
}

async fn connect_raw(config: &Config) -> Result<Client, tokio_postgres::Error> {
    let (client, connection) = config.connect(NoTls).await?;
    tokio::spawn(async move {
        let _ = connection.await;
    });
    Ok(client)
}

async fn raw_client(config: &Config) -> Result<(Client, Statement), tokio_postgres::Error> {
    let client = connect_raw(config).await?;
    let statement = client.prepare(QUERY).await?;
    Ok((client, statement))
}

/// Creates and fills `users` (BENCH.md's schema) unless it already holds the rows.
async fn setup(config: &Config) {
    let client = connect_raw(config).await.expect("connect");
    client
        .batch_execute(
            "CREATE TABLE IF NOT EXISTS users (
                 id BIGINT PRIMARY KEY,
                 name TEXT NOT NULL,
                 email TEXT NOT NULL,
                 active BOOLEAN NOT NULL,
                 created_at TIMESTAMP NOT NULL)",
        )
        .await
        .expect("create users");
    let n: i64 = client
        .query_one(
            "SELECT count(*) FROM users WHERE id BETWEEN 1 AND $1",
            &[&ROWS],
        )
        .await
        .expect("count users")
        .get(0);
    if n < ROWS {
        client
            .execute(
                "INSERT INTO users (id, name, email, active, created_at)
                 SELECT g, 'user ' || g, 'user' || g || '@example.com', g % 3 <> 0,
                        TIMESTAMP '2024-01-01' + g * INTERVAL '1 minute'
                 FROM generate_series(1::int8, $1::int8) g
                 ON CONFLICT (id) DO NOTHING",
                &[&ROWS],
            )
            .await
            .expect("fill users");
        client
            .batch_execute("ANALYZE users")
            .await
            .expect("analyze");
    }
}

/// Who runs the query.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Side {
    Quarry,
    QuarrySql,
    QuarryNoLane,
    Raw,
}

/// Raw goes last: the paired comparison divides by it.
const SIDES: [Side; 4] = [Side::Quarry, Side::QuarrySql, Side::QuarryNoLane, Side::Raw];
const RAW: usize = SIDES.len() - 1;

impl Side {
    fn name(self) -> &'static str {
        match self {
            Side::Quarry => "quarry",
            Side::QuarrySql => "quarry_sql",
            Side::QuarryNoLane => "quarry_nolane",
            Side::Raw => "raw",
        }
    }
}

/// Everything the operations need; cheap to clone into tasks.
#[derive(Clone)]
struct Fixture {
    engine: Engine,
    /// The `quarry_sql` side's own engine (see the module docs).
    engine_sql: Engine,
    /// The `quarry_nolane` side's engine: bb8 alone, no lane.
    engine_nolane: Engine,
    single: Arc<(Client, Statement)>,
    pool: bb8::Pool<RawManager>,
    ids: Arc<AtomicI64>,
}

impl Fixture {
    async fn new(url: &str, config: &Config) -> Fixture {
        let connect = |url: String| async move {
            Engine::builder()
                .max_size(POOL)
                .min_idle(POOL)
                .connect(&url)
                .await
                .expect("engine")
        };
        let engine = connect(url.to_owned()).await;
        let engine_sql = connect(url.to_owned()).await;
        let sep = if url.contains('?') { '&' } else { '?' };
        let engine_nolane = connect(format!("{url}{sep}pool_lane=false")).await;
        let pool = bb8::Pool::builder()
            .max_size(POOL)
            .min_idle(POOL)
            .test_on_check_out(false)
            .queue_strategy(bb8::QueueStrategy::Lifo)
            .build(RawManager {
                config: config.clone(),
            })
            .await
            .expect("raw pool");
        let single = Arc::new(raw_client(config).await.expect("raw client"));
        let fixture = Fixture {
            engine,
            engine_sql,
            engine_nolane,
            single,
            pool,
            ids: Arc::new(AtomicI64::new(0)),
        };
        // Warm up: every side has its statement prepared before measuring.
        for _ in 0..4 {
            for side in SIDES {
                fixture.op(side, false).await;
                fixture.op(side, true).await;
            }
        }
        fixture
    }

    /// One point select by `side`; `pooled` picks the raw pool rather than the single client.
    async fn op(&self, side: Side, pooled: bool) {
        let id = self.ids.fetch_add(1, Ordering::Relaxed) % ROWS + 1;
        let (got, name): (i64, String) = match side {
            Side::Quarry | Side::QuarryNoLane => {
                let engine = match side {
                    Side::Quarry => &self.engine,
                    _ => &self.engine_nolane,
                };
                let row = engine
                    .fetch_one(Compiled::with_params(QUERY, vec![Value::I64(id)]))
                    .await
                    .expect("quarry select");
                (row.get(0).expect("id"), row.get(1).expect("name"))
            }
            Side::QuarrySql => {
                let row = self
                    .engine_sql
                    .fetch_one(
                        quarry::sql("SELECT id, name FROM users WHERE id = :id").bind("id", id),
                    )
                    .await
                    .expect("quarry select");
                (row.get(0).expect("id"), row.get(1).expect("name"))
            }
            Side::Raw if pooled => {
                let conn = self.pool.get().await.expect("raw checkout");
                let row = conn
                    .client
                    .query_one(&conn.statement, &[&id])
                    .await
                    .expect("raw select");
                (row.get(0), row.get(1))
            }
            Side::Raw => {
                let row = self
                    .single
                    .0
                    .query_one(&self.single.1, &[&id])
                    .await
                    .expect("raw select");
                (row.get(0), row.get(1))
            }
        };
        assert_eq!(got, id);
        std::hint::black_box(name);
    }
}

/// Runs `iters` operations of `side` split over [`TASKS`] tasks; the wall time.
async fn concurrently(fixture: &Fixture, side: Side, iters: u64) -> Duration {
    let start = Instant::now();
    let mut tasks = Vec::with_capacity(TASKS as usize);
    for t in 0..TASKS {
        let n = iters / TASKS + u64::from(t < iters % TASKS);
        let fixture = fixture.clone();
        tasks.push(tokio::spawn(async move {
            for _ in 0..n {
                fixture.op(side, true).await;
            }
        }));
    }
    for t in tasks {
        t.await.expect("task");
    }
    start.elapsed()
}

/// Ops/s of `side` run by `tasks` tasks for `window`.
async fn rate(fixture: &Fixture, side: Side, tasks: u64, window: Duration) -> f64 {
    let start = Instant::now();
    let mut handles = Vec::new();
    for _ in 0..tasks {
        let fixture = fixture.clone();
        handles.push(tokio::spawn(async move {
            let mut n = 0_u64;
            while start.elapsed() < window {
                fixture.op(side, tasks > 1).await;
                n += 1;
            }
            n
        }));
    }
    let mut total = 0;
    for h in handles {
        total += h.await.expect("task");
    }
    total as f64 / start.elapsed().as_secs_f64()
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

/// The paired comparison described in the module docs.
fn paired(rt: &tokio::runtime::Runtime, fixture: &Fixture) {
    let rounds: usize = std::env::var("QUARRY_BENCH_ROUNDS")
        .ok()
        .and_then(|r| r.parse().ok())
        .filter(|r| *r > 0)
        .unwrap_or(30);
    let window = Duration::from_millis(300);
    let warm_up = Duration::from_millis(50);
    println!(
        "paired comparison: {rounds} rounds of {window:?} per side and mode, each after {warm_up:?} untimed"
    );
    for (mode, tasks) in [("sequential", 1_u64), ("concurrent16_pool8", TASKS)] {
        let mut ops: Vec<Vec<f64>> = vec![Vec::new(); SIDES.len()];
        let mut ratios: Vec<Vec<f64>> = vec![Vec::new(); SIDES.len()];
        for round in 0..rounds {
            // Rotate which side goes first, so a drifting load favours none.
            let mut this = [0.0; SIDES.len()];
            for k in 0..SIDES.len() {
                let i = (round + k) % SIDES.len();
                rt.block_on(rate(fixture, SIDES[i], tasks, warm_up));
                this[i] = rt.block_on(rate(fixture, SIDES[i], tasks, window));
            }
            let raw = this[RAW];
            for i in 0..SIDES.len() {
                ops[i].push(this[i]);
                ratios[i].push(this[i] / raw);
            }
        }
        let line: Vec<String> = SIDES
            .iter()
            .enumerate()
            .map(|(i, side)| format!("{} {:.0} ops/s", side.name(), median(ops[i].clone())))
            .collect();
        println!("  {mode}: {}", line.join(", "));
        for i in 0..RAW {
            let r = &ratios[i];
            let means = ops[i].iter().sum::<f64>() / ops[RAW].iter().sum::<f64>();
            println!(
                "    {}/raw {:.3} (median of per-round ratios; quartiles {:.3}..{:.3}; ratio of mean rates {means:.3})",
                SIDES[i].name(),
                median(r.clone()),
                quartile(r, 1),
                quartile(r, 3),
            );
        }
    }
}

fn quartile(v: &[f64], q: usize) -> f64 {
    let mut v = v.to_vec();
    v.sort_by(f64::total_cmp);
    v[(v.len() * q / 4).min(v.len() - 1)]
}

fn bench(c: &mut Criterion, url: &str) {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    let config: Config = url.parse().expect("URL");
    rt.block_on(setup(&config));
    quarry::install_drivers(&[&quarry_postgres::DRIVER]);
    let fixture = rt.block_on(Fixture::new(url, &config));

    let mut group = c.benchmark_group("pg_point_select");
    group.throughput(Throughput::Elements(1));
    for side in SIDES {
        group.bench_function(BenchmarkId::new("sequential", side.name()), |b| {
            b.to_async(&rt).iter(|| fixture.op(side, false))
        });
    }
    for side in SIDES {
        group.bench_function(BenchmarkId::new("concurrent16_pool8", side.name()), |b| {
            b.to_async(&rt)
                .iter_custom(|iters| concurrently(&fixture, side, iters))
        });
    }
    group.finish();
    if std::env::args().any(|a| a == "--bench") {
        paired(&rt, &fixture);
    }
}

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

fn main() {
    let url = match std::env::var(URL_VAR) {
        Ok(u) if !u.is_empty() => plain_text(u),
        _ => {
            eprintln!(
                "SKIPPED: {URL_VAR} is not set; the PostgreSQL executor benchmark needs a database"
            );
            return;
        }
    };
    let mut c = Criterion::default().configure_from_args();
    bench(&mut c, &url);
    c.final_summary();
}
