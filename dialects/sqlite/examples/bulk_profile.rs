//! Diagnosis: quarry's 100k-row bulk insert into SQLite (as `benches/bulk_insert.rs`), run
//! `n` times, for profiling. `cargo run --release -p quarry-sqlite --example bulk_profile -- 20 [file]`

use quarry::prelude::*;
use quarry::value::Timestamp;
use std::time::Instant;

quarry::table! {
    pub struct BulkUsers("bulk_users") {
        id: i64 => primary_key(),
        name: String,
        email: String,
        active: bool,
        created_at: Timestamp,
    }
}

struct UserRow {
    id: i64,
    name: String,
    email: String,
    active: bool,
    created_at: Timestamp,
}

fn main() {
    let n: usize = std::env::args()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(20);
    let file = std::env::args().nth(2).is_some();
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let base: Timestamp = "2024-01-01 00:00:00".parse().unwrap();
    let data: Vec<UserRow> = (1..=100_000i64)
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
        .collect();
    rt.block_on(async {
        let url = if file {
            let p = std::env::temp_dir().join(format!("quarry-prof-{}.db", std::process::id()));
            format!("sqlite://{}", p.display())
        } else {
            "sqlite::memory:".to_owned()
        };
        let engine = quarry_sqlite::connect(&url).await.unwrap();
        engine
            .execute(
                "CREATE TABLE bulk_users (id BIGINT PRIMARY KEY, name TEXT NOT NULL, \
                 email TEXT NOT NULL, active BOOLEAN NOT NULL, created_at TIMESTAMP NOT NULL)",
            )
            .await
            .unwrap();
        let mut times = Vec::new();
        for _ in 0..n {
            engine.execute("DELETE FROM bulk_users").await.unwrap();
            let u = BulkUsers::new();
            let t = Instant::now();
            let q = insert(u).rows(data.iter().map(|r| {
                (
                    u.id.set(r.id),
                    u.name.set(r.name.as_str()),
                    u.email.set(r.email.as_str()),
                    u.active.set(r.active),
                    u.created_at.set(r.created_at),
                )
            }));
            let done = engine.execute(q).await.unwrap();
            assert_eq!(done, 100_000);
            times.push(t.elapsed().as_secs_f64() * 1e3);
        }
        times.sort_by(f64::total_cmp);
        println!(
            "median {:.1} ms, min {:.1} ms",
            times[times.len() / 2],
            times[0]
        );
    });
}
