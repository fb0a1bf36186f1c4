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
//! Modes (each iteration is one point select of `SELECT id, name FROM users WHERE id = $1`,
//! ids cycling over 1..=10000, decoded into `(i64, String)` on both sides):
//!
//! - `sequential`: one operation at a time. quarry: `Engine::fetch_one` of
//!   `quarry::sql(…).bind("id", id)` (compiled on every call, a pooled connection checked out
//!   and returned on every call, its statement cache preparing the query once). raw: one
//!   tokio-postgres `Client` and one `Statement` prepared up front, `query_one` per call.
//! - `concurrent16_pool8`: 16 tokio tasks share the operations of an iteration batch over a
//!   pool of 8 connections. quarry: one `Engine` with `max_size = 8`, `min_idle = 8`. raw: a
//!   bb8 pool (`max_size = 8`, `min_idle = 8`, `test_on_check_out = false`, as quarry's) whose
//!   connections are tokio-postgres clients each holding the statement it prepared when it
//!   connected; each operation checks one out, runs `query_one`, and returns it.
//!
//! The runtime is a multi-threaded tokio runtime with 2 workers (the machine's cores).
//!
//! After criterion's measurements (when run by `cargo bench`), a paired comparison runs: ten
//! rounds, each measuring quarry and raw (alternating which goes first) for 300 ms per mode, and prints the median ops/s of
//! each side and the median of the per-round ratios. On a shared machine whose load drifts
//! during the run, that ratio is steadier than the ratio of criterion's separate estimates.

use criterion::{BenchmarkId, Criterion, Throughput};
use quarry::Engine;
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio_postgres::{Client, Config, NoTls, Statement};

const URL_VAR: &str = "QUARRY_TEST_POSTGRES_URL";
const ROWS: i64 = 10_000;
const TASKS: u64 = 16;
const POOL: u32 = 8;
const QUERY: &str = "SELECT id, name FROM users WHERE id = $1";

/// The next id in 1..=ROWS.
fn next_id(counter: &AtomicI64) -> i64 {
    counter.fetch_add(1, Ordering::Relaxed) % ROWS + 1
}

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
        let (client, connection) = self.config.connect(NoTls).await?;
        tokio::spawn(async move {
            let _ = connection.await;
        });
        let statement = client.prepare(QUERY).await?;
        Ok(RawConn { client, statement })
    }

    async fn is_valid(&self, conn: &mut RawConn) -> Result<(), tokio_postgres::Error> {
        conn.client.simple_query("").await.map(|_| ())
    }

    fn has_broken(&self, conn: &mut RawConn) -> bool {
        conn.client.is_closed()
    }
}

async fn connect_raw(config: &Config) -> Client {
    let (client, connection) = config.connect(NoTls).await.expect("raw connect");
    tokio::spawn(async move {
        let _ = connection.await;
    });
    client
}

async fn raw_client(config: &Config) -> (Client, Statement) {
    let client = connect_raw(config).await;
    let statement = client.prepare(QUERY).await.expect("prepare");
    (client, statement)
}

/// Creates and fills `users` (BENCH.md's schema) unless it already holds the rows.
async fn setup(config: &Config) {
    let client = connect_raw(config).await;
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

async fn quarry_select(engine: &Engine, id: i64) -> (i64, String) {
    let row = engine
        .fetch_one(quarry::sql("SELECT id, name FROM users WHERE id = :id").bind("id", id))
        .await
        .expect("quarry select");
    (row.get(0).expect("id"), row.get(1).expect("name"))
}

async fn raw_select(client: &Client, statement: &Statement, id: i64) -> (i64, String) {
    let row = client
        .query_one(statement, &[&id])
        .await
        .expect("raw select");
    (row.get(0), row.get(1))
}

/// Runs `iters` operations split over [`TASKS`] tasks; the wall time.
async fn concurrently<F, Fut>(iters: u64, op: F) -> Duration
where
    F: Fn() -> Fut + Clone + Send + 'static,
    Fut: std::future::Future<Output = ()> + Send + 'static,
{
    let start = Instant::now();
    let mut tasks = Vec::with_capacity(TASKS as usize);
    for t in 0..TASKS {
        let n = iters / TASKS + u64::from(t < iters % TASKS);
        let op = op.clone();
        tasks.push(tokio::spawn(async move {
            for _ in 0..n {
                op().await;
            }
        }));
    }
    for t in tasks {
        t.await.expect("task");
    }
    start.elapsed()
}

/// Ops/s of `op` run by `tasks` tasks for `window`.
async fn rate<F, Fut>(tasks: u64, window: Duration, op: F) -> f64
where
    F: Fn() -> Fut + Clone + Send + 'static,
    Fut: std::future::Future<Output = ()> + Send + 'static,
{
    let start = Instant::now();
    let mut handles = Vec::new();
    for _ in 0..tasks {
        let op = op.clone();
        handles.push(tokio::spawn(async move {
            let mut n = 0_u64;
            while start.elapsed() < window {
                op().await;
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

async fn quarry_rate(engine: &Engine, ids: &Arc<AtomicI64>, tasks: u64, window: Duration) -> f64 {
    let (e, i) = (engine.clone(), Arc::clone(ids));
    rate(tasks, window, move || {
        let (e, i) = (e.clone(), Arc::clone(&i));
        async move {
            quarry_select(&e, next_id(&i)).await;
        }
    })
    .await
}

async fn raw_rate(
    single: &Arc<(Client, Statement)>,
    pool: &bb8::Pool<RawManager>,
    ids: &Arc<AtomicI64>,
    tasks: u64,
    window: Duration,
) -> f64 {
    if tasks == 1 {
        let (c, i) = (Arc::clone(single), Arc::clone(ids));
        rate(1, window, move || {
            let (c, i) = (Arc::clone(&c), Arc::clone(&i));
            async move {
                raw_select(&c.0, &c.1, next_id(&i)).await;
            }
        })
        .await
    } else {
        let (p, i) = (pool.clone(), Arc::clone(ids));
        rate(tasks, window, move || {
            let (p, i) = (p.clone(), Arc::clone(&i));
            async move {
                let conn = p.get().await.expect("raw checkout");
                raw_select(&conn.client, &conn.statement, next_id(&i)).await;
            }
        })
        .await
    }
}

/// The paired comparison described in the module docs.
fn paired(rt: &tokio::runtime::Runtime, url: &str, config: &Config) {
    const ROUNDS: usize = 10;
    let window = Duration::from_millis(300);
    rt.block_on(async {
        let engine = Engine::builder()
            .max_size(POOL)
            .min_idle(POOL)
            .connect(url)
            .await
            .expect("engine");
        let raw_pool = bb8::Pool::builder()
            .max_size(POOL)
            .min_idle(POOL)
            .test_on_check_out(false)
            .build(RawManager {
                config: config.clone(),
            })
            .await
            .expect("raw pool");
        let (client, statement) = raw_client(config).await;
        let raw_single = Arc::new((client, statement));
        let ids = Arc::new(AtomicI64::new(0));
        println!("paired comparison: {ROUNDS} rounds of {window:?} per side and mode");
        for (mode, tasks) in [("sequential", 1_u64), ("concurrent16_pool8", TASKS)] {
            let (mut q, mut r, mut ratios) = (Vec::new(), Vec::new(), Vec::new());
            for round in 0..ROUNDS {
                // Alternate which side goes first, so a drifting load favours neither.
                let (qr, rr) = if round % 2 == 0 {
                    let qr = quarry_rate(&engine, &ids, tasks, window).await;
                    (qr, raw_rate(&raw_single, &raw_pool, &ids, tasks, window).await)
                } else {
                    let rr = raw_rate(&raw_single, &raw_pool, &ids, tasks, window).await;
                    (quarry_rate(&engine, &ids, tasks, window).await, rr)
                };
                q.push(qr);
                r.push(rr);
                ratios.push(qr / rr);
            }
            println!(
                "  {mode}: quarry {:.0} ops/s, raw {:.0} ops/s, quarry/raw {:.3} (median of per-round ratios; range {:.3}..{:.3})",
                median(q),
                median(r),
                median(ratios.clone()),
                ratios.iter().copied().fold(f64::INFINITY, f64::min),
                ratios.iter().copied().fold(0.0, f64::max),
            );
        }
    });
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

    let mut group = c.benchmark_group("pg_point_select");
    group.throughput(Throughput::Elements(1));

    // Sequential.
    let engine = rt
        .block_on(Engine::builder().max_size(POOL).connect(url))
        .expect("engine");
    let ids = Arc::new(AtomicI64::new(0));
    group.bench_function(BenchmarkId::new("sequential", "quarry"), |b| {
        b.to_async(&rt)
            .iter(|| async { quarry_select(&engine, next_id(&ids)).await })
    });
    let (client, statement) = rt.block_on(raw_client(&config));
    group.bench_function(BenchmarkId::new("sequential", "raw"), |b| {
        b.to_async(&rt)
            .iter(|| async { raw_select(&client, &statement, next_id(&ids)).await })
    });
    drop((client, statement));

    // 16 tasks over a pool of 8.
    let pooled = rt
        .block_on(Engine::builder().max_size(POOL).min_idle(POOL).connect(url))
        .expect("engine");
    group.bench_function(BenchmarkId::new("concurrent16_pool8", "quarry"), |b| {
        b.to_async(&rt).iter_custom(|iters| {
            let engine = pooled.clone();
            let ids = Arc::clone(&ids);
            concurrently(iters, move || {
                let engine = engine.clone();
                let ids = Arc::clone(&ids);
                async move {
                    quarry_select(&engine, next_id(&ids)).await;
                }
            })
        })
    });
    let raw_pool = rt
        .block_on(
            bb8::Pool::builder()
                .max_size(POOL)
                .min_idle(POOL)
                .test_on_check_out(false)
                .build(RawManager {
                    config: config.clone(),
                }),
        )
        .expect("raw pool");
    group.bench_function(BenchmarkId::new("concurrent16_pool8", "raw"), |b| {
        b.to_async(&rt).iter_custom(|iters| {
            let pool = raw_pool.clone();
            let ids = Arc::clone(&ids);
            concurrently(iters, move || {
                let pool = pool.clone();
                let ids = Arc::clone(&ids);
                async move {
                    let conn = pool.get().await.expect("raw checkout");
                    raw_select(&conn.client, &conn.statement, next_id(&ids)).await;
                }
            })
        })
    });
    group.finish();
    drop((engine, pooled, raw_pool));
    if std::env::args().any(|a| a == "--bench") {
        paired(&rt, url, &config);
    }
}

fn main() {
    let url = match std::env::var(URL_VAR) {
        Ok(u) if !u.is_empty() => u,
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
