//! Load many rows from the application's own data: `insert_rows` binds each row's values by
//! reference (COPY on PostgreSQL, multi-row INSERTs within each server's parameter limit
//! elsewhere), all in one transaction; then a large `insert(..).rows(..)` statement and a
//! streamed read-back, holding memory constant.
//!
//! ```text
//! cargo run --release --example bulk_load                     # SQLite file in the temp dir
//! cargo run --release --example bulk_load -- postgres://postgres@127.0.0.1/test 1000000
//! ```

use quarry::prelude::*;
use quarry::value::{Decimal, Timestamp};
use quarry::{Engine, Executor, MetaData};
use std::time::Instant;

quarry::table! {
    /// Sensor readings.
    pub struct Readings("ex_bulk_readings") {
        id: i64 => primary_key(),
        sensor: String => sql_type(quarry::SqlType::Varchar(40)),
        at: Timestamp,
        value: Decimal => sql_type(quarry::SqlType::numeric(12, 3)),
        note: Option<String>,
    }
}

/// One reading as the application holds it.
struct Reading {
    id: i64,
    sensor: String,
    at: Timestamp,
    value: Decimal,
    note: Option<String>,
}

/// `n` readings made up for the example, a second apart.
fn readings(n: i64) -> quarry::Result<Vec<Reading>> {
    let start: Timestamp = "2024-01-01 00:00:00".parse()?;
    (0..n)
        .map(|i| {
            let at = Timestamp::from_micros_since_epoch(start.micros_since_epoch() + i * 1_000_000)
                .ok_or_else(|| quarry::Error::InvalidStatement("a date out of range".into()))?;
            Ok(Reading {
                id: i,
                sensor: format!("sensor-{}", i % 17),
                at,
                value: Decimal::new(i * 37 % 100_000, 3),
                note: (i % 10 == 0).then(|| format!("check #{i}")),
            })
        })
        .collect()
}

/// Loads `n` readings at `url` two ways and reads them back; returns the rows counted.
async fn run(url: &str, n: i64) -> quarry::Result<i64> {
    let engine = Engine::connect(url).await?;
    let md = MetaData::new().with(Readings::table());
    engine.drop_all(&md).await?;
    engine.create_all(&md).await?;
    let r = Readings::new();
    let data = readings(n)?;

    // The bulk path: values bound by reference from the application's structs.
    let started = Instant::now();
    let loaded = engine
        .insert_rows(
            r,
            (r.id, r.sensor, r.at, r.value, r.note),
            data.iter()
                .map(|x| (x.id, &x.sensor, x.at, &x.value, &x.note)),
        )
        .await?;
    println!(
        "{}: insert_rows loaded {loaded} rows in {:.2?}",
        engine.backend_name(),
        started.elapsed()
    );

    // A statement of many rows: split as the server's limits require, in one transaction.
    let started = Instant::now();
    let more = insert(r)
        .rows(data.iter().map(|x| {
            (
                r.id.set(x.id + n),
                r.sensor.set(x.sensor.as_str()),
                r.at.set(x.at),
                r.value.set(x.value.clone()),
                r.note.set(x.note.clone()),
            )
        }))
        .execute(&engine)
        .await?;
    println!(
        "insert(..).rows(..) added {more} rows in {:.2?}",
        started.elapsed()
    );

    // Read back as a stream: one row in memory at a time.
    let mut rows = engine
        .stream(
            select((r.sensor, r.value))
                .from(r)
                .filter(r.note.is_not_null()),
        )
        .await?;
    let (mut noted, mut sum) = (0_i64, 0_i64);
    while let Some(row) = rows.next().await {
        let row = row?;
        let value: Decimal = row.get(1)?;
        sum += value.as_str().replace('.', "").parse::<i64>().unwrap_or(0);
        noted += 1;
    }
    drop(rows);
    let total: i64 = select(count_star()).from(r).fetch_one(&engine).await?;
    println!("{total} rows in all; {noted} with a note, their values summing to {sum} thousandths");
    engine.drop_all(&md).await?;
    Ok(total)
}

fn install() {
    quarry::install_drivers(&[
        &quarry_sqlite::DRIVER,
        &quarry_postgres::DRIVER,
        &quarry_mysql::DRIVER,
    ]);
}

#[tokio::main]
async fn main() -> quarry::Result<()> {
    install();
    let mut args = std::env::args().skip(1);
    let url = args.next().unwrap_or_else(|| {
        let file = std::env::temp_dir().join("quarry-bulk-load-example.db");
        format!("sqlite://{}", file.display())
    });
    let n = args.next().and_then(|n| n.parse().ok()).unwrap_or(100_000);
    run(&url, n).await.map(drop)
}

#[cfg(test)]
#[path = "support/urls.rs"]
mod urls;

#[cfg(test)]
mod tests {
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn runs_on_every_configured_database() {
        super::install();
        for url in super::urls::urls() {
            let total = super::run(&url, 5_000)
                .await
                .unwrap_or_else(|e| panic!("{url}: {e}"));
            assert_eq!(total, 10_000, "{url}");
        }
    }
}
