//! Executor benchmark, SQLite: a primary-key point select on a 10k-row `users` table (the
//! schema of BENCH.md), in memory and on a WAL file.
//!
//! - `raw_rusqlite`: rusqlite `prepare_cached` on one connection, synchronous (the physical
//!   limit);
//! - `quarry/<executor>/seq`: one tokio task running `Engine::fetch_one` of a `Compiled`, one
//!   select after another;
//! - `quarry/<executor>/16x8`: 16 tasks sharing a pool of 8 connections;
//! - `quarry/auto-nolane/…`: the `auto` executor with the pool's lane off (`pool_lane=false`).
//!
//! A second group, `range_scan/memory`, runs a heavier statement (an aggregate over 500 rows,
//! tens of microseconds) with 16 tasks, where the executors' trade-offs differ.
//!
//! Every quarry case runs inside tokio tasks on a 2-worker multi-thread runtime, as a server's
//! handlers do. Throughput is reported in selects per second; compare each quarry case with
//! `raw_rusqlite` of the same group, measured in the same run.
//!
//! ```text
//! cargo bench --bench exec_sqlite -- --warm-up-time 1 --measurement-time 5
//! ```

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use quarry::Executor;
use quarry::{Compiled, Engine, Value};
use std::hint::black_box;
use std::path::PathBuf;
use std::time::{Duration, Instant};

const ROWS: i64 = 10_000;
const SELECT: &str = "SELECT id, name FROM users WHERE id = ?";
const RANGE: &str = "SELECT count(*), max(name) FROM users WHERE id BETWEEN ? AND ? + 500";
const CREATE: &str = "CREATE TABLE users (id BIGINT PRIMARY KEY, name TEXT NOT NULL, \
    email TEXT NOT NULL, active BOOLEAN NOT NULL, created_at TIMESTAMP NOT NULL)";
const INSERT: &str =
    "INSERT INTO users (id, name, email, active, created_at) VALUES (?, ?, ?, ?, ?)";
const TASKS: u64 = 16;
/// The quarry cases: each executor, and `auto` with the pool's lane off (every call checks
/// out through bb8), which shows what the lane buys.
const CASES: [(&str, &str); 5] = [
    ("block_in_place", "executor=block_in_place"),
    ("auto", "executor=auto"),
    ("auto-nolane", "executor=auto&pool_lane=false"),
    ("thread", "executor=thread"),
    ("spawn_blocking", "executor=spawn_blocking"),
];
const POOL: u32 = 8;

/// The n-th key of a sequence that visits the table in a scattered order.
fn key(n: u64) -> i64 {
    (n as i64).wrapping_mul(7919).rem_euclid(ROWS) + 1
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("tokio runtime")
}

fn temp_file(name: &str) -> PathBuf {
    let path = std::env::temp_dir().join(format!("quarry-bench-{}-{name}.db", std::process::id()));
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
    }
    path
}

fn fill_raw(conn: &rusqlite::Connection) {
    conn.execute_batch(CREATE).expect("create");
    conn.execute_batch("BEGIN").expect("begin");
    {
        let mut stmt = conn.prepare(INSERT).expect("prepare");
        for id in 1..=ROWS {
            stmt.execute(rusqlite::params![
                id,
                format!("user {id}"),
                format!("user{id}@example.com"),
                id % 3 != 0,
                "2024-01-01 00:00:00"
            ])
            .expect("insert");
        }
    }
    conn.execute_batch("COMMIT").expect("commit");
}

async fn fill_quarry(engine: &Engine) {
    engine.execute(CREATE).await.expect("create");
    let mut tx = engine.begin().await.expect("begin");
    for id in 1..=ROWS {
        let c = Compiled::with_params(
            INSERT,
            vec![
                Value::I64(id),
                Value::Text(format!("user {id}")),
                Value::Text(format!("user{id}@example.com")),
                Value::Bool(id % 3 != 0),
                Value::Text("2024-01-01 00:00:00".into()),
            ],
        );
        tx.execute(c).await.expect("insert");
    }
    tx.commit().await.expect("commit");
}

fn select(id: i64) -> Compiled {
    Compiled::with_params(SELECT, vec![Value::I64(id)])
}

fn range(id: i64) -> Compiled {
    Compiled::with_params(RANGE, vec![Value::I64(id), Value::I64(id)])
}

/// `iters` statements made by `stmt` run by `tasks` tokio tasks; the elapsed time.
async fn run_quarry(
    engine: &Engine,
    iters: u64,
    tasks: u64,
    stmt: fn(i64) -> Compiled,
) -> Duration {
    let start = Instant::now();
    let handles: Vec<_> = (0..tasks)
        .map(|t| {
            let engine = engine.clone();
            let n = iters / tasks + u64::from(t < iters % tasks);
            tokio::spawn(async move {
                for i in 0..n {
                    let row = engine
                        .fetch_one(stmt(key(i * tasks + t)))
                        .await
                        .expect("select");
                    black_box(row);
                }
            })
        })
        .collect();
    for h in handles {
        h.await.expect("task");
    }
    start.elapsed()
}

fn bench_location(c: &mut Criterion, location: &str) {
    let rt = runtime();
    let mut group = c.benchmark_group(format!("point_select/{location}"));
    group.throughput(Throughput::Elements(1));

    // Raw rusqlite on one connection, synchronous.
    let raw = match location {
        "memory" => rusqlite::Connection::open_in_memory().expect("open"),
        _ => {
            let conn = rusqlite::Connection::open(temp_file("raw")).expect("open");
            conn.pragma_update(None, "journal_mode", "WAL")
                .expect("wal");
            conn
        }
    };
    fill_raw(&raw);
    let mut n = 0u64;
    group.bench_function("raw_rusqlite", |b| {
        b.iter(|| {
            n += 1;
            let mut stmt = raw.prepare_cached(SELECT).expect("prepare");
            let row: (i64, String) = stmt
                .query_row([key(n)], |r| Ok((r.get(0)?, r.get(1)?)))
                .expect("select");
            black_box(row)
        })
    });

    for (executor, params) in CASES {
        let url = match location {
            "memory" => format!("sqlite::memory:?{params}&pool_max_size={POOL}"),
            _ => format!(
                "sqlite://{}?{params}&pool_max_size={POOL}",
                temp_file(executor).display()
            ),
        };
        let engine = rt.block_on(async {
            let engine = quarry_sqlite::connect(&url).await.expect("connect");
            fill_quarry(&engine).await;
            engine
        });
        for (label, tasks) in [("seq", 1), ("16x8", TASKS)] {
            group.bench_function(BenchmarkId::new(format!("quarry/{executor}"), label), |b| {
                b.to_async(&rt)
                    .iter_custom(|iters| run_quarry(&engine, iters, tasks, select))
            });
        }
    }
    group.finish();
}

fn range_scan(c: &mut Criterion) {
    let rt = runtime();
    let mut group = c.benchmark_group("range_scan/memory");
    group.throughput(Throughput::Elements(1));
    let raw = rusqlite::Connection::open_in_memory().expect("open");
    fill_raw(&raw);
    let mut n = 0u64;
    group.bench_function("raw_rusqlite", |b| {
        b.iter(|| {
            n += 1;
            let mut stmt = raw.prepare_cached(RANGE).expect("prepare");
            let id = key(n);
            let row: (i64, String) = stmt
                .query_row([id, id], |r| Ok((r.get(0)?, r.get(1)?)))
                .expect("select");
            black_box(row)
        })
    });
    for executor in ["block_in_place", "auto", "thread", "spawn_blocking"] {
        let url = format!("sqlite::memory:?executor={executor}&pool_max_size={POOL}");
        let engine = rt.block_on(async {
            let engine = quarry_sqlite::connect(&url).await.expect("connect");
            fill_quarry(&engine).await;
            engine
        });
        group.bench_function(
            BenchmarkId::new(format!("quarry/{executor}"), "16x8"),
            |b| {
                b.to_async(&rt)
                    .iter_custom(|iters| run_quarry(&engine, iters, TASKS, range))
            },
        );
    }
    group.finish();
}

fn point_select(c: &mut Criterion) {
    bench_location(c, "memory");
    bench_location(c, "file");
}

criterion_group!(benches, point_select, range_scan);
criterion_main!(benches);
