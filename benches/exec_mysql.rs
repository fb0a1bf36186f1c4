//! Executor benchmark on MariaDB/MySQL (`QUARRY_TEST_MYSQL_URL`; skipped with a message when
//! unset): a point select by primary key on a 10k-row `users` table (BENCH.md's schema, here
//! named `bench_users`), quarry's [`Engine`] against raw `mysql_async` with a prepared
//! statement.
//!
//! - `sequential`: one operation at a time. `quarry`: `engine.fetch_one(sql("SELECT id, name
//!   FROM bench_users WHERE id = :id").bind("id", id))` (named parameters compiled on every
//!   call, a pool checkout per call, rows decoded into `Row` and read with `get`).
//!   `quarry_compiled`: the same with a `Compiled::with_params(sql, params)` built for each call (no
//!   named-parameter compilation: what the backend itself costs), on an engine of its own.
//!   `quarry_compiled_nolane` (paired run only): `quarry_compiled` on an engine whose pool
//!   has no lane (`pool_lane=false`), so every call checks out through bb8: what the lane
//!   saves.
//!   Raw: one
//!   `mysql_async::Conn`, the statement prepared once (`conn.prep`), then
//!   `conn.exec_first::<(i64, String), _, _>(&stmt, (id,))` — no pool at all.
//! - `16_tasks_pool_8`: 16 tokio tasks share the operations of an iteration batch. quarry: the
//!   same calls on an engine with `pool_max_size=8&pool_min_idle=8`. Raw: a `mysql_async::Pool`
//!   of exactly 8 connections (`PoolConstraints::new(8, 8)`, `reset_connection` off so that
//!   returning a connection costs no round trip), each operation `pool.get_conn()` then
//!   `exec_first::<(i64, String), _, _>(SQL, (id,))` (the per-connection statement cache makes it
//!   a prepared statement after the first use on each connection).
//!
//! Both sides use the same URL (so the same transport: the Unix socket for a local server,
//! unless `prefer_socket=false`), a 2-worker tokio runtime, and pseudo-random ids in 1..=10000.
//!
//! After criterion's groups, a paired run alternates the sides in short blocks (30
//! rounds; `QUARRY_BENCH_ROUNDS` to change), each block after an untimed warm-up of a tenth
//! of its operations, and prints median ops/s, median per-round ratios and the ratio of the
//! mean rates: on a shared machine, load from elsewhere then hits every side alike.
//!
//! Every side has connections of its own (`quarry` and `quarry_compiled` each their own
//! engine), so that each block starts right after a block that ran on other connections. On
//! a small VM, a connection kept busy runs in a different scheduling state (client and
//! server threads placed on the cores differently) than one taken up after another was busy;
//! with one engine shared by the two quarry sides, the rotation always ran one right after
//! the other on the same connection, and that side measured 5–9 % slower than the other
//! quarry side in three runs, though it does less work.
//!
//! ```text
//! QUARRY_TEST_MYSQL_URL=mysql://root@127.0.0.1:3306/test \
//!     cargo bench --bench exec_mysql -- --warm-up-time 1 --measurement-time 5
//! ```

use criterion::{BenchmarkId, Criterion, Throughput};
use mysql_async::prelude::Queryable;
use quarry::Executor;
use quarry::{sql, Compiled, Engine, Value};
use std::time::{Duration, Instant};

const VAR: &str = "QUARRY_TEST_MYSQL_URL";
const ROWS: i64 = 10_000;
const TASKS: u64 = 16;
const POOL: usize = 8;
const SELECT: &str = "SELECT id, name FROM bench_users WHERE id = ?";
const SELECT_NAMED: &str = "SELECT id, name FROM bench_users WHERE id = :id";

/// A cheap pseudo-random id in 1..=ROWS (xorshift).
fn next_id(state: &mut u64) -> i64 {
    *state ^= *state << 13;
    *state ^= *state >> 7;
    *state ^= *state << 17;
    (*state % ROWS as u64) as i64 + 1
}

fn with_options(url: &str, options: &str) -> String {
    let sep = if url.contains('?') { '&' } else { '?' };
    format!("{url}{sep}{options}")
}

/// Creates and fills `bench_users` (10k rows) unless it is already there.
async fn setup(engine: &Engine) {
    engine
        .execute(
            "CREATE TABLE IF NOT EXISTS bench_users (id BIGINT PRIMARY KEY, name TEXT NOT NULL, \
             email TEXT NOT NULL, active BOOLEAN NOT NULL, created_at TIMESTAMP NOT NULL)",
        )
        .await
        .expect("create bench_users");
    let n: i64 = engine
        .fetch_scalar("SELECT COUNT(*) FROM bench_users")
        .await
        .expect("count bench_users");
    if n == ROWS {
        return;
    }
    engine
        .execute("DELETE FROM bench_users")
        .await
        .expect("empty bench_users");
    for start in (1..=ROWS).step_by(1000) {
        let values: Vec<String> = (start..start + 1000)
            .map(|i| {
                format!(
                    "({i}, 'user {i}', 'user{i}@example.com', {}, '2024-01-01 00:00:00')",
                    i % 2
                )
            })
            .collect();
        engine
            .execute(format!(
                "INSERT INTO bench_users (id, name, email, active, created_at) VALUES {}",
                values.join(", ")
            ))
            .await
            .expect("fill bench_users");
    }
}

/// One quarry point select: named parameters compiled on each call, or (`compiled`) a
/// ready [`Compiled`] built for the call (the SQL text copied, the id bound).
async fn quarry_select(engine: &Engine, id: i64, compiled: bool) {
    let row = if compiled {
        engine
            .fetch_one(Compiled::with_params(SELECT, vec![Value::I64(id)]))
            .await
    } else {
        engine.fetch_one(sql(SELECT_NAMED).bind("id", id)).await
    }
    .expect("quarry select");
    let got: i64 = row.get(0).expect("id");
    let name: String = row.get(1).expect("name");
    assert_eq!(got, id);
    std::hint::black_box(name);
}

/// One raw point select on a pooled connection.
async fn raw_pool_select(pool: &mysql_async::Pool, id: i64) {
    let mut conn = pool.get_conn().await.expect("raw checkout");
    let row: Option<(i64, String)> = conn.exec_first(SELECT, (id,)).await.expect("raw select");
    let (got, name) = row.expect("a row");
    assert_eq!(got, id);
    std::hint::black_box(name);
}

/// Runs `iters` operations split over [`TASKS`] tasks and returns the elapsed time.
async fn concurrently<F, Fut>(iters: u64, op: F) -> Duration
where
    F: Fn(i64) -> Fut + Clone + Send + 'static,
    Fut: std::future::Future<Output = ()> + Send,
{
    let start = Instant::now();
    let mut handles = Vec::new();
    for t in 0..TASKS {
        let n = iters / TASKS + u64::from(t < iters % TASKS);
        let op = op.clone();
        handles.push(tokio::spawn(async move {
            let mut seed = (t + 1).wrapping_mul(0x9e37_79b9_7f4a_7c15);
            for _ in 0..n {
                op(next_id(&mut seed)).await;
            }
        }));
    }
    for h in handles {
        h.await.expect("task");
    }
    start.elapsed()
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

/// Paired measurement: the quarry sides and raw alternate in blocks (rotating which goes
/// first), so that load from elsewhere on a shared machine hits all alike; prints the median
/// ops/s of each side and the medians of the per-round ratios to raw.
fn paired(
    rt: &tokio::runtime::Runtime,
    engines: [&Engine; 3],
    raw_conn: &std::sync::Arc<tokio::sync::Mutex<mysql_async::Conn>>,
    stmt: &mysql_async::Statement,
    raw_pool: &mysql_async::Pool,
) {
    let rounds: usize = std::env::var("QUARRY_BENCH_ROUNDS")
        .ok()
        .and_then(|r| r.parse().ok())
        .filter(|r| *r > 0)
        .unwrap_or(30);
    /// The quarry sides run on `engines[i]`; raw goes last.
    const SIDES: [&str; 4] = [
        "quarry",
        "quarry_compiled",
        "quarry_compiled_nolane",
        "raw_mysql_async",
    ];
    const RAW: usize = SIDES.len() - 1;
    println!("\npaired rounds ({rounds} rounds, the sides in rotating order; medians):");
    for concurrent in [false, true] {
        let n: u64 = if concurrent { 12_000 } else { 3000 };
        let mut ops: [Vec<f64>; SIDES.len()] = Default::default();
        let mut ratios: [Vec<f64>; RAW] = Default::default();
        for round in 0..rounds {
            let mut this = [0.0; SIDES.len()];
            for k in 0..SIDES.len() {
                let side = (k + round) % SIDES.len();
                let (e, c, st, p) = (
                    engines[side.min(RAW - 1)].clone(),
                    raw_conn.clone(),
                    stmt.clone(),
                    raw_pool.clone(),
                );
                let elapsed = rt.block_on(async move {
                    let compiled = side != 0;
                    match (concurrent, side == RAW) {
                        (false, false) => {
                            let mut seed = 0x5eed_u64 + round as u64;
                            for _ in 0..n / 10 {
                                quarry_select(&e, next_id(&mut seed), compiled).await;
                            }
                            let start = Instant::now();
                            for _ in 0..n {
                                quarry_select(&e, next_id(&mut seed), compiled).await;
                            }
                            start.elapsed()
                        }
                        (false, true) => {
                            let mut seed = 0x5eed_u64 + round as u64;
                            let mut conn = c.lock().await;
                            for _ in 0..n / 10 {
                                let row: Option<(i64, String)> = conn
                                    .exec_first(&st, (next_id(&mut seed),))
                                    .await
                                    .expect("raw select");
                                std::hint::black_box(row);
                            }
                            let start = Instant::now();
                            for _ in 0..n {
                                let id = next_id(&mut seed);
                                let row: Option<(i64, String)> =
                                    conn.exec_first(&st, (id,)).await.expect("raw select");
                                let (got, name) = row.expect("a row");
                                assert_eq!(got, id);
                                std::hint::black_box(name);
                            }
                            start.elapsed()
                        }
                        (true, false) => {
                            let op = move |id| {
                                let e = e.clone();
                                async move { quarry_select(&e, id, compiled).await }
                            };
                            concurrently(n / 10, op.clone()).await;
                            concurrently(n, op).await
                        }
                        (true, true) => {
                            let op = move |id| {
                                let p = p.clone();
                                async move { raw_pool_select(&p, id).await }
                            };
                            concurrently(n / 10, op.clone()).await;
                            concurrently(n, op).await
                        }
                    }
                });
                this[side] = n as f64 / elapsed.as_secs_f64();
            }
            for (i, v) in this.iter().enumerate() {
                ops[i].push(*v);
            }
            for (i, r) in ratios.iter_mut().enumerate() {
                r.push(this[i] / this[RAW]);
            }
        }
        let sum = |v: &Vec<f64>| v.iter().sum::<f64>();
        println!(
            "  {}",
            if concurrent {
                "16 tasks, pool of 8:"
            } else {
                "sequential:"
            }
        );
        for (i, name) in SIDES.iter().enumerate() {
            let rate = median(ops[i].clone());
            if i == RAW {
                println!("    {name:24} {rate:7.0} ops/s");
            } else {
                println!(
                    "    {name:24} {rate:7.0} ops/s; /raw {:.3} (median of per-round ratios; ratio of mean rates {:.3})",
                    median(ratios[i].clone()),
                    sum(&ops[i]) / sum(&ops[RAW]),
                );
            }
        }
    }
}

fn main() {
    let Ok(url) = std::env::var(VAR) else {
        eprintln!("exec_mysql: {VAR} is not set; benchmark skipped");
        return;
    };
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("tokio runtime");
    quarry::install_drivers(&[&quarry_mysql::DRIVER]);
    let (engine, engine_compiled, engine_nolane, raw_conn, raw_pool) = rt.block_on(async {
        let pooled = with_options(&url, &format!("pool_max_size={POOL}&pool_min_idle={POOL}"));
        let engine = Engine::connect(&pooled).await.expect("quarry engine");
        // The `quarry_compiled` side's own connections (see the module docs).
        let engine_compiled = Engine::connect(&pooled).await.expect("quarry engine");
        // The `quarry_compiled_nolane` side: bb8 alone, no lane (see the module docs).
        let engine_nolane = Engine::connect(&with_options(&pooled, "pool_lane=false"))
            .await
            .expect("quarry engine");
        setup(&engine).await;
        let raw_conn = mysql_async::Conn::from_url(&url)
            .await
            .expect("raw connection");
        let opts =
            mysql_async::OptsBuilder::from_opts(mysql_async::Opts::from_url(&url).expect("URL"))
                .pool_opts(
                    mysql_async::PoolOpts::default()
                        .with_constraints(
                            mysql_async::PoolConstraints::new(POOL, POOL).expect("constraints"),
                        )
                        .with_reset_connection(false),
                );
        let raw_pool = mysql_async::Pool::new(opts);
        (engine, engine_compiled, engine_nolane, raw_conn, raw_pool)
    });
    let raw_conn = std::sync::Arc::new(tokio::sync::Mutex::new(raw_conn));
    let stmt = rt.block_on(async { raw_conn.lock().await.prep(SELECT).await.expect("prepare") });

    let mut c = Criterion::default().configure_from_args();
    {
        let mut g = c.benchmark_group("point_select/sequential");
        g.throughput(Throughput::Elements(1));
        for (name, compiled) in [("quarry", false), ("quarry_compiled", true)] {
            let e = if compiled { &engine_compiled } else { &engine }.clone();
            g.bench_function(BenchmarkId::from_parameter(name), |b| {
                let mut seed = 0x2545_f491_4f6c_dd1d_u64;
                b.to_async(&rt).iter(|| {
                    let id = next_id(&mut seed);
                    let e = e.clone();
                    async move { quarry_select(&e, id, compiled).await }
                })
            });
        }
        let conn = raw_conn.clone();
        let stmt = stmt.clone();
        g.bench_function(BenchmarkId::from_parameter("raw_mysql_async"), |b| {
            let mut seed = 0x2545_f491_4f6c_dd1d_u64;
            b.to_async(&rt).iter(|| {
                let id = next_id(&mut seed);
                let (conn, stmt) = (conn.clone(), stmt.clone());
                async move {
                    let mut conn = conn.lock().await;
                    let row: Option<(i64, String)> =
                        conn.exec_first(&stmt, (id,)).await.expect("raw select");
                    let (got, name) = row.expect("a row");
                    assert_eq!(got, id);
                    std::hint::black_box(name);
                }
            })
        });
        g.finish();
    }
    {
        let mut g = c.benchmark_group("point_select/16_tasks_pool_8");
        g.throughput(Throughput::Elements(1));
        for (name, compiled) in [("quarry", false), ("quarry_compiled", true)] {
            let e = if compiled { &engine_compiled } else { &engine }.clone();
            g.bench_function(BenchmarkId::from_parameter(name), |b| {
                b.to_async(&rt).iter_custom(|iters| {
                    let e = e.clone();
                    async move {
                        concurrently(iters, move |id| {
                            let e = e.clone();
                            async move { quarry_select(&e, id, compiled).await }
                        })
                        .await
                    }
                })
            });
        }
        let p = raw_pool.clone();
        g.bench_function(BenchmarkId::from_parameter("raw_mysql_async"), |b| {
            b.to_async(&rt).iter_custom(|iters| {
                let p = p.clone();
                async move {
                    concurrently(iters, move |id| {
                        let p = p.clone();
                        async move { raw_pool_select(&p, id).await }
                    })
                    .await
                }
            })
        });
        g.finish();
    }
    c.final_summary();
    paired(
        &rt,
        [&engine, &engine_compiled, &engine_nolane],
        &raw_conn,
        &stmt,
        &raw_pool,
    );
    rt.block_on(async move {
        drop(engine);
        drop(engine_compiled);
        drop(engine_nolane);
        let _ = raw_pool.disconnect().await;
    });
}
