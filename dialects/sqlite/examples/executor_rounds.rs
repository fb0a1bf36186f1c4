//! Compares quarry-sqlite's executors with raw rusqlite in interleaved rounds, for machines
//! whose load changes from one minute to the next (criterion measures each case once, in a
//! row, so a burst of outside load lands on one case only).
//!
//! Each round measures every case for about one second, in turn; the median of the rounds is
//! printed with its share of raw rusqlite. The workload is `benches/exec_sqlite.rs`'s: a
//! primary-key point select on a 10k-row `users` table; `seq` is one tokio task, `16x8` is 16
//! tasks over a pool of 8, on a 2-worker runtime.
//!
//! ```text
//! cargo run --release -p quarry-sqlite --example executor_rounds -- [rounds] [case,…]
//! ```
//!
//! The cases are the four executors and `auto-nolane`, `auto` with the pool's lane turned
//! off (`pool_lane=false`: every call checks out through bb8), which shows what the lane buys.
//! A comma-separated list as the second argument picks some of them:
//!
//! ```text
//! cargo run --release -p quarry-sqlite --example executor_rounds -- 9 auto,auto-nolane
//! ```

use quarry::Executor;
use quarry::{Compiled, Engine, Value};
use std::hint::black_box;
use std::time::{Duration, Instant};

const ROWS: i64 = 10_000;
const SELECT: &str = "SELECT id, name FROM users WHERE id = ?";
const SETUP: &str = "CREATE TABLE users (id BIGINT PRIMARY KEY, name TEXT NOT NULL, \
    email TEXT NOT NULL, active BOOLEAN NOT NULL, created_at TIMESTAMP NOT NULL); \
    WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 10000) \
    INSERT INTO users SELECT x, 'user ' || x, 'user' || x || '@example.com', x % 3 != 0, \
    '2024-01-01 00:00:00' FROM c;";
const SLICE: Duration = Duration::from_secs(1);

fn key(n: u64) -> i64 {
    (n as i64).wrapping_mul(7919).rem_euclid(ROWS) + 1
}

/// Point selects per second on one synchronous rusqlite connection.
fn raw(conn: &rusqlite::Connection) -> f64 {
    let start = Instant::now();
    let mut n = 0u64;
    while start.elapsed() < SLICE {
        for _ in 0..1000 {
            n += 1;
            let mut stmt = conn.prepare_cached(SELECT).expect("prepare");
            let row: (i64, String) = stmt
                .query_row([key(n)], |r| Ok((r.get(0)?, r.get(1)?)))
                .expect("select");
            black_box(row);
        }
    }
    n as f64 / start.elapsed().as_secs_f64()
}

/// Point selects per second through `engine`, from `tasks` tokio tasks.
async fn quarry(engine: &Engine, tasks: u64) -> f64 {
    let start = Instant::now();
    let handles: Vec<_> = (0..tasks)
        .map(|t| {
            let engine = engine.clone();
            tokio::spawn(async move {
                let mut n = 0u64;
                while start.elapsed() < SLICE {
                    for _ in 0..100 {
                        n += 1;
                        let c = Compiled::with_params(SELECT, vec![Value::I64(key(n * tasks + t))]);
                        black_box(engine.fetch_one(c).await.expect("select"));
                    }
                }
                n
            })
        })
        .collect();
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

fn main() {
    let rounds: usize = std::env::args()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(5);
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    let all = [
        ("block_in_place", "executor=block_in_place"),
        ("auto", "executor=auto"),
        ("auto-nolane", "executor=auto&pool_lane=false"),
        ("thread", "executor=thread"),
        ("spawn_blocking", "executor=spawn_blocking"),
    ];
    let picked = std::env::args().nth(2);
    let executors: Vec<(&str, &str)> = all
        .into_iter()
        .filter(|(name, _)| {
            picked
                .as_deref()
                .is_none_or(|p| p.split(',').any(|n| n == *name))
        })
        .collect();
    for location in ["memory", "file"] {
        let dir = std::env::temp_dir();
        let file = |name: &str| {
            let p = dir.join(format!("quarry-rounds-{}-{name}.db", std::process::id()));
            for suffix in ["", "-wal", "-shm"] {
                let _ = std::fs::remove_file(format!("{}{suffix}", p.display()));
            }
            p
        };
        let raw_conn = match location {
            "memory" => rusqlite::Connection::open_in_memory().expect("open"),
            _ => {
                let c = rusqlite::Connection::open(file("raw")).expect("open");
                c.pragma_update(None, "journal_mode", "WAL").expect("wal");
                c
            }
        };
        raw_conn.execute_batch(SETUP).expect("setup");
        let engines: Vec<Engine> = executors
            .iter()
            .map(|(ex, params)| {
                let url = match location {
                    "memory" => format!("sqlite::memory:?{params}&pool_max_size=8"),
                    _ => format!("sqlite://{}?{params}&pool_max_size=8", file(ex).display()),
                };
                rt.block_on(async {
                    let e = quarry_sqlite::connect(&url).await.expect("connect");
                    e.execute_script(SETUP).await.expect("setup");
                    e
                })
            })
            .collect();
        let mut raw_rates = Vec::new();
        let mut rates = vec![vec![Vec::new(); 2]; executors.len()];
        for _ in 0..rounds {
            raw_rates.push(raw(&raw_conn));
            for (i, e) in engines.iter().enumerate() {
                for (j, tasks) in [1, 16].into_iter().enumerate() {
                    rates[i][j].push(rt.block_on(quarry(e, tasks)));
                }
            }
        }
        let raw_median = median(raw_rates);
        println!(
            "{location}: raw rusqlite {:.0}k/s (median of {rounds} rounds)",
            raw_median / 1e3
        );
        for (i, (ex, _)) in executors.iter().enumerate() {
            for (j, label) in ["seq", "16x8"].into_iter().enumerate() {
                let m = median(rates[i][j].clone());
                println!(
                    "  {ex:15} {label:5} {:>6.0}k/s  {:.2}x raw",
                    m / 1e3,
                    m / raw_median
                );
            }
        }
    }
}
