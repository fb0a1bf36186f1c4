//! Reflection benchmark: `Engine::reflect` of a 500-table schema (target: at most 1 s per call
//! on each server).
//!
//! Each table has 6 columns, a primary key, a foreign key to the previous table, a unique
//! constraint and an index; the tables start with `rflb_` and are dropped after the run (and
//! before it, should an earlier run have left them). PostgreSQL and MariaDB run when
//! `QUARRY_TEST_POSTGRES_URL` / `QUARRY_TEST_MYSQL_URL` are set (a backend whose variable is
//! unset is skipped with a message); SQLite runs on a temporary file.
//!
//! ```text
//! QUARRY_TEST_POSTGRES_URL=postgres://postgres@127.0.0.1:5432/test \
//! QUARRY_TEST_MYSQL_URL=mysql://root@127.0.0.1:3306/test \
//!     cargo bench --bench reflect -- --sample-size 10
//! ```

use criterion::Criterion;
use quarry::migrate::ReflectOptions;
use quarry::{ColumnDef, Engine, Index, MetaData, SqlType, Table};
use std::time::Instant;

const PREFIX: &str = "rflb_";
const TABLES: usize = 500;

fn schema() -> MetaData {
    let mut md = MetaData::new();
    for i in 0..TABLES {
        let mut t = Table::new(format!("{PREFIX}{i:03}"))
            .column(ColumnDef::new("id", SqlType::BigInt).primary_key())
            .column(
                ColumnDef::new("code", SqlType::Varchar(20))
                    .not_null()
                    .unique(),
            )
            .column(ColumnDef::new("name", SqlType::Varchar(100)).not_null())
            .column(ColumnDef::new("qty", SqlType::Integer).server_default(0_i64))
            .column(ColumnDef::new("created", SqlType::Timestamp))
            .index(Index::on(format!("{PREFIX}ix_{i:03}"), ["name", "qty"]));
        let prev = ColumnDef::new("prev", SqlType::BigInt);
        t = if i > 0 {
            t.column(prev.references(format!("{PREFIX}{:03}", i - 1), "id"))
        } else {
            t.column(prev)
        };
        md = md.with(t);
    }
    md
}

fn sqlite_path() -> std::path::PathBuf {
    std::env::temp_dir().join(format!("quarry_reflect_bench_{}.db", std::process::id()))
}

async fn engines() -> Vec<(String, Engine)> {
    quarry::install_drivers(&[
        &quarry_sqlite::DRIVER,
        &quarry_postgres::DRIVER,
        &quarry_mysql::DRIVER,
    ]);
    let path = sqlite_path();
    let _ = std::fs::remove_file(&path);
    let mut out = vec![(
        "sqlite".to_owned(),
        Engine::connect(&format!("sqlite://{}", path.display()))
            .await
            .expect("SQLite file"),
    )];
    for (name, var) in [
        ("postgresql", "QUARRY_TEST_POSTGRES_URL"),
        ("mariadb", "QUARRY_TEST_MYSQL_URL"),
    ] {
        match std::env::var(var) {
            Ok(url) if !url.is_empty() => out.push((
                name.to_owned(),
                Engine::connect(&url)
                    .await
                    .unwrap_or_else(|e| panic!("{var}: {e}")),
            )),
            _ => eprintln!("SKIPPED {name}: {var} is not set"),
        }
    }
    out
}

fn main() {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    let md = schema();
    let engines = rt.block_on(engines());
    let options = ReflectOptions::new().prefix(PREFIX);
    let mut c = Criterion::default().configure_from_args();
    for (name, engine) in &engines {
        rt.block_on(async {
            // Leftovers of an interrupted run first.
            let old = engine.reflect(&options).await.expect("reflect leftovers");
            if !old.tables().is_empty() {
                engine.drop_all(&old).await.expect("drop leftovers");
            }
            let start = Instant::now();
            engine.create_all(&md).await.expect("create_all");
            eprintln!("{name}: created {TABLES} tables in {:.1?}", start.elapsed());
            let got = engine.reflect(&options).await.expect("reflect");
            assert_eq!(got.tables().len(), TABLES, "{name}: tables reflected");
        });
        c.bench_function(&format!("reflect_{TABLES}_tables/{name}"), |b| {
            b.to_async(&rt).iter(|| async {
                engine.reflect(&options).await.expect("reflect");
            })
        });
        rt.block_on(async { engine.drop_all(&md).await.expect("drop_all") });
    }
    c.final_summary();
    drop(engines);
    let _ = std::fs::remove_file(sqlite_path());
}
