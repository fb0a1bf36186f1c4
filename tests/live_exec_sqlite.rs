//! Live executor tests on SQLite (always run): how SQLite stores and decodes values, the
//! statement cache across schema changes, the rowid a multi-row INSERT reports, URL options,
//! and transactions, cancellation, pooling, streaming and where statements run, for each of
//! quarry-sqlite's executors. The scenarios every backend shares are in `live_engine.rs`.

mod common;

use quarry::value::{Date, Decimal, Json, Time, Timestamp, Uuid};
use quarry::Executor;
use quarry::{
    ColumnDef, Compiled, Engine, ErrorKind, MetaData, PoolOptions, SqlType, Table, Value, ValueType,
};
use quarry_sqlite::rusqlite::functions::FunctionFlags;
use quarry_sqlite::SqliteOptions;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const EXECUTORS: [&str; 4] = ["block_in_place", "auto", "thread", "spawn_blocking"];

fn q(sql: &str, params: Vec<Value>) -> Compiled {
    Compiled::with_params(sql, params)
}

/// A fresh database file path (and its WAL files) in the temp directory.
fn temp_db(name: &str) -> PathBuf {
    static N: AtomicU64 = AtomicU64::new(0);
    let path = std::env::temp_dir().join(format!(
        "quarry-live-exec-{}-{name}-{}.db",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed)
    ));
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
    }
    path
}

async fn connect(url: &str) -> Engine {
    common::install();
    Engine::connect(url)
        .await
        .unwrap_or_else(|e| panic!("connect {url}: {e}"))
}

fn pool(max_size: u32) -> PoolOptions {
    let mut p = PoolOptions::default();
    p.max_size = max_size;
    p
}

fn types_table() -> MetaData {
    MetaData::new().with(
        Table::new("types")
            .column(ColumnDef::new("id", SqlType::BigInt).primary_key())
            .column(ColumnDef::new("b", SqlType::Boolean))
            .column(ColumnDef::new("i16", SqlType::SmallInt))
            .column(ColumnDef::new("i32", SqlType::Integer))
            .column(ColumnDef::new("i64", SqlType::BigInt))
            .column(ColumnDef::new("f32", SqlType::Real))
            .column(ColumnDef::new("f64", SqlType::Double))
            .column(ColumnDef::new("t", SqlType::Text))
            .column(ColumnDef::new("v", SqlType::Varchar(20)))
            .column(ColumnDef::new("by", SqlType::Blob))
            .column(ColumnDef::new("d", SqlType::Date))
            .column(ColumnDef::new("tm", SqlType::Time))
            .column(ColumnDef::new("ts", SqlType::Timestamp))
            .column(ColumnDef::new("tz", SqlType::TimestampTz))
            .column(ColumnDef::new("u", SqlType::Uuid))
            .column(ColumnDef::new("j", SqlType::Json))
            .column(ColumnDef::new("n", SqlType::numeric(15, 2)))
            .column(ColumnDef::new("n0", SqlType::numeric(15, 0)))
            .column(ColumnDef::new("n6", SqlType::numeric(15, 6))),
    )
}

/// Inserts `value` into `column` of a new row and reads the cell back.
async fn round_trip(engine: &Engine, id: i64, column: &str, value: Value) -> Value {
    let insert = format!("INSERT INTO types (id, {column}) VALUES (?, ?)");
    engine
        .execute(q(&insert, vec![Value::I64(id), value.clone()]))
        .await
        .unwrap_or_else(|e| panic!("insert {value:?} into {column}: {e}"));
    let select = format!("SELECT {column} FROM types WHERE id = ?");
    let row = engine
        .fetch_one(q(&select, vec![Value::I64(id)]))
        .await
        .unwrap_or_else(|e| panic!("select {column}: {e}"));
    row.value(0).expect("one column").clone()
}

fn dec(s: &str) -> Decimal {
    s.parse().expect("decimal")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_value_type_round_trips_as_a_parameter() {
    let engine = connect("sqlite::memory:").await;
    engine.create_all(&types_table()).await.expect("create");
    let mut id = 0;
    let mut next = || {
        id += 1;
        id
    };
    let ts = |s: &str| s.parse::<Timestamp>().expect("timestamp");
    let uuid: Uuid = "67e55044-10b1-426f-9247-bb680e5fe0c8"
        .parse()
        .expect("uuid");
    let blob: Vec<u8> = (0..1024 * 1024).map(|i| (i % 251) as u8).collect();
    // Cells that come back as the very same value.
    let same: Vec<(&str, Value)> = vec![
        ("b", Value::Bool(true)),
        ("b", Value::Bool(false)),
        ("i64", Value::I64(i64::MIN)),
        ("i64", Value::I64(i64::MAX)),
        ("i64", Value::I64(0)),
        ("f64", Value::F64(f64::INFINITY)),
        ("f64", Value::F64(f64::NEG_INFINITY)),
        ("f64", Value::F64(-1.5e-300)),
        ("t", Value::Text(String::new())),
        ("t", Value::Text("héllo wörld ✓ 𝄞 日本語".into())),
        ("v", Value::Text("short".into())),
        ("by", Value::Bytes(Vec::new())),
        ("by", Value::Bytes(blob)),
        ("d", Value::Date(Date::new(1, 1, 1).expect("date"))),
        ("d", Value::Date(Date::new(9999, 12, 31).expect("date"))),
        ("d", Value::Date(Date::new(2024, 2, 29).expect("date"))),
        ("tm", Value::Time(Time::new(0, 0, 0, 0).expect("time"))),
        (
            "tm",
            Value::Time(Time::new(23, 59, 59, 999_999).expect("time")),
        ),
        (
            "tm",
            Value::Time(Time::new(12, 30, 0, 500_000).expect("time")),
        ),
        ("ts", Value::Timestamp(ts("0001-01-01 00:00:00"))),
        ("ts", Value::Timestamp(ts("9999-12-31 23:59:59.999999"))),
        ("ts", Value::Timestamp(ts("2024-02-29 13:45:07.000123"))),
        ("tz", Value::TimestampTz(ts("2024-02-29 13:45:07.654321"))),
        ("tz", Value::TimestampTz(ts("1970-01-01 00:00:00"))),
        ("u", Value::Uuid(uuid)),
        ("n", Value::Decimal(dec("12.50"))),
        ("n", Value::Decimal(dec("-0.01"))),
        ("n", Value::Decimal(dec("0.00"))),
        ("n", Value::Decimal(dec("1234567890123.45"))),
        ("n", Value::Decimal(dec("-9999999999999.99"))),
        ("n0", Value::Decimal(dec("999999999999999"))),
        ("n0", Value::Decimal(dec("-123456789012345"))),
        ("n6", Value::Decimal(dec("123456789.123456"))),
        ("n6", Value::Decimal(dec("0.000001"))),
    ];
    for (column, value) in same {
        let back = round_trip(&engine, next(), column, value.clone()).await;
        assert_eq!(back, value, "column {column}");
    }
    // Integers and floats narrower than the storage come back widened but equal.
    for v in [i16::MIN, -1, i16::MAX] {
        let back = round_trip(&engine, next(), "i16", Value::I16(v)).await;
        assert_eq!(back, Value::I64(i64::from(v)));
        assert_eq!(quarry::FromValue::from_value(back, "i16").ok(), Some(v));
    }
    for v in [i32::MIN, i32::MAX] {
        let back = round_trip(&engine, next(), "i32", Value::I32(v)).await;
        assert_eq!(quarry::FromValue::from_value(back, "i32").ok(), Some(v));
    }
    for v in [1.5_f32, f32::MAX, f32::INFINITY] {
        let back = round_trip(&engine, next(), "f32", Value::F32(v)).await;
        assert_eq!(back, Value::F64(f64::from(v)));
    }
    // JSON is TEXT on SQLite: the text comes back, and decodes as JSON.
    let doc = r#"{"a":[1,2,{"b":null}],"ü":"✓"}"#;
    let back = round_trip(&engine, next(), "j", Value::Json(doc.into())).await;
    assert_eq!(back, Value::Text(doc.into()));
    let json: Json = quarry::FromValue::from_value(back, "j").expect("json");
    assert_eq!(json.0, doc);
    // NaN: SQLite would store it as NULL, so binding one is refused (see `live_values.rs`).
    let err = engine
        .execute(q(
            "INSERT INTO types (id, f64) VALUES (?, ?)",
            vec![Value::I64(next()), Value::F64(f64::NAN)],
        ))
        .await
        .unwrap_err();
    assert!(err.is_unsupported(), "{err}");
    // Typed NULLs come back as NULLs of the column's type.
    for (column, vt) in [
        ("b", ValueType::Bool),
        ("i64", ValueType::I64),
        ("t", ValueType::Text),
        ("d", ValueType::Date),
        ("ts", ValueType::Timestamp),
        ("tz", ValueType::TimestampTz),
        ("n", ValueType::Decimal),
    ] {
        let back = round_trip(&engine, next(), column, Value::Null(vt)).await;
        assert_eq!(back, Value::Null(vt), "column {column}");
    }
    // A decimal given with fewer digits than the column's scale comes back with the scale.
    let back = round_trip(&engine, next(), "n", Value::Decimal(dec("7.5"))).await;
    assert_eq!(back, Value::Decimal(dec("7.50")));
    // Instants are stored in UTC with a +00:00 suffix, which SQLite's date functions read.
    let id = next();
    round_trip(
        &engine,
        id,
        "tz",
        Value::TimestampTz(ts("2024-01-02 03:04:05")),
    )
    .await;
    let (text, unix): (String, i64) = engine
        .fetch_one_as(q(
            "SELECT tz, unixepoch(tz) FROM types WHERE id = ?",
            vec![Value::I64(id)],
        ))
        .await
        .expect("tz text");
    assert_eq!(text, "2024-01-02 03:04:05+00:00");
    assert_eq!(unix, 1_704_164_645);
    let raw: String = engine
        .fetch_scalar(q(
            "SELECT CAST(tz AS TEXT) || '' FROM types WHERE id = ?",
            vec![Value::I64(id)],
        ))
        .await
        .expect("raw tz");
    assert_eq!(raw, "2024-01-02 03:04:05+00:00");
    // More than 15 significant digits cannot survive SQLite's float: refused, not rounded.
    for too_precise in [
        "1234567890123.456",
        "0.1234567890123456",
        "12345678901234567",
    ] {
        let err = engine
            .execute(q(
                "INSERT INTO types (id, n) VALUES (?, ?)",
                vec![Value::I64(next()), Value::Decimal(dec(too_precise))],
            ))
            .await
            .expect_err(too_precise);
        assert!(
            matches!(
                err,
                quarry::Error::Unsupported {
                    dialect: "sqlite",
                    ..
                }
            ),
            "{too_precise}: {err}"
        );
        assert!(err.to_string().contains("15"), "{err}");
    }
    // Text in the ISO forms decodes into the typed Rust values, whatever the column.
    let row = engine
        .fetch_one(
            "SELECT '2000-01-01', '2000-01-01T00:00:00', '67E55044-10B1-426F-9247-BB680E5FE0C8'",
        )
        .await
        .expect("typed text");
    assert_eq!(
        row.get::<Date>(0).expect("date"),
        Date::new(2000, 1, 1).expect("date")
    );
    assert_eq!(
        row.get::<Timestamp>(1).expect("ts"),
        ts("2000-01-01 00:00:00")
    );
    assert_eq!(row.get::<Uuid>(2).expect("uuid"), uuid);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn decoding_follows_a_schema_change_under_a_cached_statement() {
    // One connection, so the second SELECT reuses the first one's cached statement, which
    // SQLite re-prepares for the new table on its first step.
    for executor in EXECUTORS {
        let engine = connect(&format!(
            "sqlite::memory:?pool_max_size=1&executor={executor}"
        ))
        .await;
        for (ty, value, want) in [
            ("DOUBLE", Value::F64(12.5), Value::F64(12.5)),
            (
                "NUMERIC(10, 2)",
                Value::F64(12.5),
                Value::Decimal(dec("12.50")),
            ),
            ("BOOLEAN", Value::Bool(true), Value::Bool(true)),
            (
                "DATE",
                Value::from("2024-05-06"),
                Value::Date(Date::new(2024, 5, 6).expect("date")),
            ),
        ] {
            engine
                .execute_script(&format!("DROP TABLE IF EXISTS s; CREATE TABLE s (v {ty})"))
                .await
                .expect("create");
            engine
                .execute(q("INSERT INTO s (v) VALUES (?)", vec![value]))
                .await
                .expect("insert");
            let row = engine.fetch_one("SELECT v FROM s").await.expect("select");
            assert_eq!(row.value(0).expect("v"), &want, "{executor}: {ty}");
            let mut rows = engine.stream("SELECT v FROM s").await.expect("stream");
            let streamed = rows.next().await.expect("a row").expect("ok");
            assert_eq!(
                streamed.value(0).expect("v"),
                &want,
                "{executor}: {ty} streamed"
            );
        }
    }
}

/// A result's column names and decoding follow the schema when quarry keeps them beside a
/// cached statement: after a re-prepare (a column renamed and retyped), and after the
/// statement left rusqlite's cache and was prepared afresh, also when that fresh statement
/// first ran through `execute`, which reads no rows.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn column_names_follow_renames_across_cache_evictions() {
    for executor in EXECUTORS {
        // Two cached statements per connection, so two other statements evict a third.
        let engine = connect(&format!(
            "sqlite::memory:?pool_max_size=1&statement_cache=2&executor={executor}"
        ))
        .await;
        engine
            .execute_script("CREATE TABLE s (a BOOLEAN); INSERT INTO s (a) VALUES (1)")
            .await
            .expect("create");
        let select = "SELECT * FROM s";
        let row = engine.fetch_one(select).await.expect("select");
        assert_eq!(row.columns(), ["a"], "{executor}");
        assert_eq!(row.value(0).expect("a"), &Value::Bool(true), "{executor}");
        // Re-prepared under the cached statement.
        engine
            .execute_script("ALTER TABLE s RENAME COLUMN a TO b")
            .await
            .expect("rename");
        let row = engine.fetch_one(select).await.expect("select");
        assert_eq!(row.columns(), ["b"], "{executor}: after a rename");
        // Evicted, schema changed, prepared afresh.
        for round in 0..3 {
            // (Through `execute`, which keeps no metadata, so only rusqlite's cache turns over.)
            for other in ["SELECT 1", "SELECT 2", "SELECT 3"] {
                engine.execute(other).await.expect("other");
            }
            let (name, ty, want) = match round {
                0 => ("c", "INTEGER", Value::I64(1)),
                1 => ("d", "BOOLEAN", Value::Bool(true)),
                _ => ("e", "TEXT", Value::from("1")),
            };
            engine
                .execute_script(&format!(
                    "DROP TABLE s; CREATE TABLE s ({name} {ty}); INSERT INTO s VALUES (1)"
                ))
                .await
                .expect("recreate");
            if round == 2 {
                // The fresh statement runs once unseen by the metadata first.
                engine.execute(select).await.expect("execute");
            }
            let row = engine.fetch_one(select).await.expect("select");
            assert_eq!(row.columns(), [name], "{executor}: round {round}");
            assert_eq!(row.value(0).expect("v"), &want, "{executor}: round {round}");
        }
    }
}

/// A multi-row INSERT reports the rowid of its last row (MariaDB reports its first key);
/// statements that insert nothing, DDL and SELECT included, report no id. Single-row INSERTs
/// are in `live_engine.rs`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_multi_row_insert_reports_its_last_rowid() {
    let engine = connect("sqlite::memory:").await;
    engine
        .execute("CREATE TABLE items (id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT NOT NULL)")
        .await
        .expect("create");
    let r = engine
        .execute_result("INSERT INTO items (name) VALUES ('a'), ('b'), ('c')")
        .await
        .expect("insert three");
    assert_eq!((r.rows_affected, r.last_insert_id), (3, Some(3)));
    let r = engine
        .execute_result(q(
            "INSERT INTO items (name) VALUES (?), (?)",
            vec![Value::from("d"), Value::from("e")],
        ))
        .await
        .expect("insert two");
    assert_eq!((r.rows_affected, r.last_insert_id), (2, Some(5)));
    let r = engine
        .execute_result("UPDATE items SET name = 'y'")
        .await
        .expect("update");
    assert_eq!((r.rows_affected, r.last_insert_id), (5, None));
    let r = engine
        .execute_result("CREATE TABLE other (a INTEGER)")
        .await
        .expect("ddl");
    assert_eq!((r.rows_affected, r.last_insert_id), (0, None));
    let r = engine.execute_result("SELECT 1").await.expect("select");
    assert_eq!((r.rows_affected, r.last_insert_id), (0, None));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn url_options_are_applied_and_checked() {
    let path = temp_db("options");
    let url = format!("sqlite://{}", path.display());
    let rw = connect(&url).await;
    rw.execute("CREATE TABLE t (a INTEGER)")
        .await
        .expect("create");
    rw.execute("INSERT INTO t VALUES (1)")
        .await
        .expect("insert");
    let mode: String = rw
        .fetch_scalar("PRAGMA journal_mode")
        .await
        .expect("journal");
    assert_eq!(mode, "wal");
    let fk: i64 = rw.fetch_scalar("PRAGMA foreign_keys").await.expect("fk");
    assert_eq!(fk, 1);
    let busy: i64 = rw.fetch_scalar("PRAGMA busy_timeout").await.expect("busy");
    assert_eq!(busy, 5000);

    // mode=ro: reads work, writes fail with a clear database error.
    let ro = connect(&format!("{url}?mode=ro")).await;
    let n: i64 = ro
        .fetch_scalar("SELECT count(*) FROM t")
        .await
        .expect("read");
    assert_eq!(n, 1);
    let err = ro
        .execute("INSERT INTO t VALUES (2)")
        .await
        .expect_err("write");
    assert_eq!(err.kind(), ErrorKind::Database, "{err}");
    assert_eq!(err.code(), Some("8"), "{err}");
    assert!(format!("{err:?}").contains("readonly"), "{err:?}");
    let err = ro
        .execute("CREATE TABLE u (a INTEGER)")
        .await
        .expect_err("ddl");
    assert!(format!("{err:?}").contains("readonly"), "{err:?}");

    // busy_timeout and foreign_keys.
    let other = connect(&format!(
        "{url}?busy_timeout=250&foreign_keys=off&executor=thread"
    ))
    .await;
    let fk: i64 = other.fetch_scalar("PRAGMA foreign_keys").await.expect("fk");
    assert_eq!(fk, 0);
    let busy: i64 = other
        .fetch_scalar("PRAGMA busy_timeout")
        .await
        .expect("busy");
    assert_eq!(busy, 250);

    // Failing fast: a missing file with mode=rw, a bad directory, an unknown option.
    let missing = temp_db("missing");
    let err = Engine::connect(&format!("sqlite://{}?mode=rw", missing.display()))
        .await
        .expect_err("missing file");
    assert_eq!(err.kind(), ErrorKind::Connection, "{err}");
    let err = Engine::connect("sqlite:///no/such/dir/db.sqlite")
        .await
        .expect_err("bad dir");
    assert_eq!(err.kind(), ErrorKind::Connection, "{err}");
    for bad in [
        "sqlite::memory:?cache=shared",
        "sqlite::memory:?pool_timeout=0",
        "sqlite::memory:?pool_idle_timeout=0",
        "sqlite::memory:?busy_timeout=soon",
        "sqlite::memory:?foreign_keys=maybe",
        "sqlite::memory:?mode=ro",
        "sqlite::memory:?executor=fibers",
        &format!("{url}?mode=wo"),
    ] {
        let err = Engine::connect(bad).await.expect_err(bad);
        assert_eq!(err.kind(), ErrorKind::Configuration, "{bad}: {err}");
    }
    drop((rw, ro, other));
    let _ = std::fs::remove_file(&path);
}

/// 16 tasks, each running transactions through a pool of 8.
async fn concurrent_writers(engine: &Engine) {
    engine
        .execute("CREATE TABLE IF NOT EXISTS counter (task INTEGER NOT NULL, n INTEGER NOT NULL)")
        .await
        .expect("create");
    let tasks: Vec<_> = (0..16)
        .map(|task| {
            let engine = engine.clone();
            tokio::spawn(async move {
                for n in 0..10 {
                    let mut tx = engine.begin().await.expect("begin");
                    tx.execute(q(
                        "INSERT INTO counter (task, n) VALUES (?, ?)",
                        vec![Value::I64(task), Value::I64(n)],
                    ))
                    .await
                    .expect("insert");
                    let mine: i64 = tx
                        .fetch_scalar(q(
                            "SELECT count(*) FROM counter WHERE task = ?",
                            vec![Value::I64(task)],
                        ))
                        .await
                        .expect("count");
                    assert_eq!(mine, n + 1);
                    tx.commit().await.expect("commit");
                }
            })
        })
        .collect();
    for t in tasks {
        t.await.expect("task");
    }
    let total: i64 = engine
        .fetch_scalar("SELECT count(*) FROM counter")
        .await
        .expect("total");
    assert_eq!(total, 160);
    let (open, idle) = engine.pool_state();
    assert!(open <= 8 && idle <= open, "{open} {idle}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_transactions_all_commit_on_a_file() {
    for executor in EXECUTORS {
        let path = temp_db(executor);
        let engine = connect(&format!(
            "sqlite://{}?pool_max_size=8&executor={executor}",
            path.display()
        ))
        .await;
        concurrent_writers(&engine).await;
        drop(engine);
        let _ = std::fs::remove_file(&path);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_transactions_all_commit_in_memory() {
    for executor in EXECUTORS {
        let engine = connect(&format!(
            "sqlite::memory:?pool_max_size=8&executor={executor}"
        ))
        .await;
        concurrent_writers(&engine).await;
    }
}

#[tokio::test]
async fn concurrent_transactions_on_a_current_thread_runtime() {
    // block_in_place is impossible here: the connection threads take over.
    let engine = connect("sqlite::memory:?pool_max_size=8").await;
    concurrent_writers(&engine).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn savepoints_nest_and_dropped_transactions_leave_nothing() {
    for executor in EXECUTORS {
        let engine = connect(&format!("sqlite::memory:?executor={executor}")).await;
        engine
            .execute("CREATE TABLE t (a INTEGER)")
            .await
            .expect("create");
        let ins = |a: i64| q("INSERT INTO t (a) VALUES (?)", vec![Value::I64(a)]);

        let mut tx = engine.begin().await.expect("begin");
        tx.execute(ins(1)).await.expect("1");
        {
            let mut sp = tx.begin().await.expect("savepoint");
            sp.execute(ins(2)).await.expect("2");
            {
                let mut inner = sp.begin().await.expect("inner savepoint");
                assert_eq!(inner.transaction_depth(), 3);
                inner.execute(ins(3)).await.expect("3");
                inner.rollback().await.expect("rollback inner");
            }
            {
                let mut dropped = sp.begin().await.expect("savepoint to drop");
                dropped.execute(ins(4)).await.expect("4");
            }
            sp.execute(ins(5)).await.expect("5");
            sp.commit().await.expect("release");
        }
        tx.commit().await.expect("commit");
        let got: Vec<(i64,)> = engine
            .fetch_all_as("SELECT a FROM t ORDER BY a")
            .await
            .expect("rows");
        assert_eq!(got, [(1,), (2,), (5,)], "{executor}");

        // A transaction dropped uncommitted leaves nothing, owned or borrowed.
        {
            let mut tx = engine.begin().await.expect("begin");
            tx.execute(ins(10)).await.expect("10");
        }
        {
            let mut conn = engine.acquire().await.expect("acquire");
            {
                let mut tx = conn.begin().await.expect("begin");
                tx.execute(ins(11)).await.expect("11");
            }
            let n: i64 = conn
                .fetch_scalar("SELECT count(*) FROM t WHERE a >= 10")
                .await
                .expect("count");
            assert_eq!(n, 0);
        }
        let n: i64 = engine
            .fetch_scalar("SELECT count(*) FROM t")
            .await
            .expect("count");
        assert_eq!(n, 3, "{executor}");
    }
}

/// Seconds of work for SQLite.
const SLOW: &str =
    "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 50000000) \
                    SELECT count(*) FROM c";
/// Millions of VM steps: `auto` learns to send it to the connection's thread.
const LONG: &str =
    "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 1000000) \
                    SELECT count(*) FROM c";
/// A few hundred milliseconds at most.
const MEDIUM: &str =
    "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 100000) \
                      SELECT count(*) FROM c";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_dropped_future_never_leaves_a_dirty_connection() {
    for executor in EXECUTORS {
        // One connection, so every caller gets the one the dropped future used.
        let engine = connect(&format!(
            "sqlite::memory:?pool_max_size=1&executor={executor}"
        ))
        .await;
        engine
            .execute("CREATE TABLE t (a INTEGER)")
            .await
            .expect("create");

        // A slow query cut short: the next caller gets the connection quickly (the statement
        // was interrupted, not waited for) and clean. With block_in_place a statement runs to
        // its end inside the poll that started it, so a timeout only fires after it: it is
        // tried on a shorter query there. `auto` runs a statement it has seen do a lot of work on
        // the connection's thread, where it can be cancelled.
        let (query, cancellable) = match executor {
            "block_in_place" => (MEDIUM, false),
            "auto" => {
                // One run teaches the connection that LONG is heavy.
                engine
                    .fetch_all(LONG)
                    .await
                    .expect("learn that LONG is heavy");
                (LONG, true)
            }
            _ => (SLOW, true),
        };
        let start = Instant::now();
        let r = tokio::time::timeout(Duration::from_millis(5), engine.fetch_all(query)).await;
        match r {
            Err(tokio::time::error::Elapsed { .. }) => {}
            Ok(Ok(_)) if !cancellable => {}
            Ok(Ok(_)) => panic!("{executor}: the slow query should not finish in 5 ms"),
            Ok(Err(e)) => panic!("{executor}: the slow query failed: {e}"),
        }
        let one: i64 = engine.fetch_scalar("SELECT 1").await.expect("after drop");
        assert_eq!(one, 1);
        assert!(
            start.elapsed() < Duration::from_secs(3),
            "{executor}: {:?}",
            start.elapsed()
        );

        // The same inside a transaction: the connection is closed or rolled back, never
        // handed out with the transaction open.
        {
            let mut tx = engine.begin().await.expect("begin");
            tx.execute("INSERT INTO t VALUES (1)")
                .await
                .expect("insert");
            let r = tokio::time::timeout(Duration::from_millis(5), tx.fetch_all(query)).await;
            match r {
                Err(tokio::time::error::Elapsed { .. }) => {}
                Ok(Ok(_)) if !cancellable => {}
                Ok(Ok(_)) => panic!("{executor}: the slow query should not finish in 5 ms"),
                Ok(Err(e)) => panic!("{executor}: the slow query failed in a transaction: {e}"),
            }
        }
        let n: i64 = engine
            .fetch_scalar("SELECT count(*) FROM t")
            .await
            .expect("count");
        assert_eq!(n, 0, "{executor}");
        engine
            .begin()
            .await
            .expect("no transaction left open")
            .commit()
            .await
            .expect("commit");

        // A transaction opened behind quarry's back and abandoned is rolled back.
        {
            let mut conn = engine.acquire().await.expect("acquire");
            conn.execute_script("BEGIN IMMEDIATE; INSERT INTO t VALUES (2);")
                .await
                .expect("raw begin");
        }
        let n: i64 = engine
            .fetch_scalar("SELECT count(*) FROM t")
            .await
            .expect("count");
        assert_eq!(n, 0, "{executor}");
        let mut tx = engine.begin().await.expect("begin after reset");
        tx.execute("INSERT INTO t VALUES (3)")
            .await
            .expect("insert");
        tx.commit().await.expect("commit");

        // Many cancellations in a row, at random points.
        for i in 0..30_u64 {
            let r =
                tokio::time::timeout(Duration::from_micros(50 * i), engine.fetch_all(query)).await;
            if let Ok(Err(e)) = r {
                panic!("{executor}: the query cut after {} µs failed: {e}", 50 * i);
            }
            let n: i64 = engine
                .fetch_scalar("SELECT count(*) FROM t")
                .await
                .expect("count");
            assert_eq!(n, 1, "{executor} after cancellation {i}");
        }
    }
}

/// Rows in the connection's own TEMP table `mine`, or `None` when this connection has none
/// (a connection other than the one that created it).
async fn temp_rows(engine: &Engine) -> Option<i64> {
    engine
        .fetch_scalar("SELECT count(*) FROM temp.mine")
        .await
        .ok()
}

/// The connection returned last is reused without a bb8 checkout, within the pool's rules: a
/// caller waiting for the only connection gets it when it comes back, a connection returned
/// inside a transaction is rolled back before it is used again, and one idle past its idle
/// timeout (even while nothing runs) or older than its lifetime is closed (a TEMP table tells
/// connections apart).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_last_returned_connection_is_reused_within_the_pool_rules() {
    common::install();
    for executor in EXECUTORS {
        let engine = Engine::builder()
            .max_size(1)
            .connection_timeout(Duration::from_secs(10))
            .idle_timeout(Some(Duration::from_millis(300)))
            .connect(&format!("sqlite::memory:?executor={executor}"))
            .await
            .expect("connect");
        {
            let mut c = engine.acquire().await.expect("acquire");
            c.execute("CREATE TEMP TABLE mine (x INTEGER)")
                .await
                .expect("temp table");
        }
        assert_eq!(engine.pool_state(), (1, 1), "{executor}");
        assert_eq!(
            temp_rows(&engine).await,
            Some(0),
            "{executor}: same connection"
        );

        // A waiter on the only connection is served as soon as it comes back.
        let held = engine.acquire().await.expect("hold");
        let e = engine.clone();
        let waiter = tokio::spawn(async move {
            let start = Instant::now();
            let one: i64 = e.fetch_scalar("SELECT 1").await.expect("waiter");
            (one, start.elapsed())
        });
        tokio::time::sleep(Duration::from_millis(100)).await;
        assert_eq!(engine.pool_state(), (1, 0), "{executor}: held");
        drop(held);
        let (one, waited) = waiter.await.expect("task");
        assert_eq!(one, 1);
        assert!(
            waited < Duration::from_secs(5),
            "{executor}: waited {waited:?}"
        );

        // Sixteen tasks over a pool of one: every call is served, none times out.
        let tasks: Vec<_> = (0..16)
            .map(|_| {
                let e = engine.clone();
                tokio::spawn(async move {
                    for _ in 0..40 {
                        assert_eq!(temp_rows(&e).await, Some(0));
                    }
                })
            })
            .collect();
        for t in tasks {
            t.await.expect("task");
        }

        // Returned inside a transaction: rolled back, not handed out as it is.
        {
            let mut c = engine.acquire().await.expect("acquire");
            c.execute("BEGIN").await.expect("begin");
            c.execute("INSERT INTO temp.mine VALUES (1)")
                .await
                .expect("insert");
        }
        assert_eq!(temp_rows(&engine).await, Some(0), "{executor}: rolled back");
        assert_eq!(engine.pool_state(), (1, 1), "{executor}");

        // Idle past its idle timeout while nothing runs: closed then and there by the
        // lane's reaper, as bb8 closes its own idle connections, not kept until the next
        // call; a new connection has no TEMP table.
        tokio::time::sleep(Duration::from_millis(800)).await;
        assert_eq!(
            engine.pool_state(),
            (0, 0),
            "{executor}: closed while nothing ran"
        );
        assert_eq!(temp_rows(&engine).await, None, "{executor}: idle timeout");
        assert_eq!(engine.pool_state(), (1, 1), "{executor}");
    }

    // Busy all along but older than its lifetime: closed all the same.
    let engine = Engine::builder()
        .max_lifetime(Some(Duration::from_millis(300)))
        .connect("sqlite::memory:")
        .await
        .expect("connect");
    {
        let mut c = engine.acquire().await.expect("acquire");
        c.execute("CREATE TEMP TABLE mine (x INTEGER)")
            .await
            .expect("temp table");
    }
    let start = Instant::now();
    while temp_rows(&engine).await.is_some() {
        assert!(
            start.elapsed() < Duration::from_secs(5),
            "a connection outlived its lifetime"
        );
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    assert!(start.elapsed() >= Duration::from_millis(250));
}

/// An engine whose connections have `tick(x)`, which counts its calls in `ticks` and returns x.
async fn ticking_engine(url: &str, ticks: Arc<AtomicU64>) -> Engine {
    let options = SqliteOptions::parse(url)
        .expect("url")
        .on_connect(move |c| {
            let ticks = ticks.clone();
            c.create_scalar_function("tick", 1, FunctionFlags::SQLITE_UTF8, move |ctx| {
                ticks.fetch_add(1, Ordering::SeqCst);
                ctx.get::<i64>(0)
            })
        });
    quarry_sqlite::connect_with(options, &pool(2))
        .await
        .expect("connect")
}

const ROWS: i64 = 200_000;

fn stream_sql() -> String {
    format!(
        "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < {ROWS}) \
         SELECT tick(x) AS x FROM c"
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn streams_run_incrementally_with_bounded_buffering() {
    for executor in EXECUTORS {
        let ticks = Arc::new(AtomicU64::new(0));
        let engine = ticking_engine(
            &format!("sqlite::memory:?executor={executor}"),
            ticks.clone(),
        )
        .await;

        // Engine::stream (the stream owns its connection).
        let mut rows = engine.stream(stream_sql()).await.expect("stream");
        let mut seen = 0_i64;
        let mut max_ahead = 0;
        while let Some(row) = rows.next().await {
            let x: i64 = row.expect("row").get(0).expect("x");
            seen += 1;
            assert_eq!(x, seen);
            // Rows produced but not yet consumed stay bounded: memory is constant.
            let ahead = ticks.load(Ordering::SeqCst) as i64 - seen;
            max_ahead = max_ahead.max(ahead);
            assert!(
                ahead <= 1024,
                "{executor}: {ahead} rows buffered at row {seen}"
            );
            if seen == 1 {
                assert!(ahead < 1024, "the first row waits for the whole result");
            }
        }
        assert_eq!(seen, ROWS);
        assert!(max_ahead > 0);
        drop(rows);

        // Connection::stream, dropped early: the producer stops and the connection works.
        ticks.store(0, Ordering::SeqCst);
        let mut conn = engine.acquire().await.expect("acquire");
        {
            let mut rows = conn.stream(stream_sql()).await.expect("stream");
            for _ in 0..10 {
                rows.next().await.expect("row").expect("ok");
            }
        }
        let n: i64 = conn
            .fetch_scalar("SELECT 41 + 1")
            .await
            .expect("after early drop");
        assert_eq!(n, 42);
        tokio::time::sleep(Duration::from_millis(50)).await;
        let produced = ticks.load(Ordering::SeqCst);
        assert!(
            produced < 5_000,
            "{executor}: the producer went on to {produced} rows"
        );

        // Errors in the middle of a stream surface as items.
        let mut rows = conn
            .stream("SELECT 1 UNION ALL SELECT abs(-9223372036854775807 - 1)")
            .await
            .expect("stream");
        let mut results = Vec::new();
        while let Some(r) = rows.next().await {
            results.push(r.is_ok());
        }
        assert_eq!(results.last(), Some(&false), "{executor}");
        drop(rows);
        let n: i64 = conn.fetch_scalar("SELECT 7").await.expect("after error");
        assert_eq!(n, 7);
    }
}

/// `wait_for_flag()` blocks (up to 5 s) until another task sets the flag: if SQLite ran on the
/// only tokio worker, that task could never run and the call would time out.
async fn flag_engine(url: &str, flag: Arc<AtomicBool>, threads: Arc<Mutex<Vec<String>>>) -> Engine {
    let options = SqliteOptions::parse(url)
        .expect("url")
        .on_connect(move |c| {
            let (flag, threads) = (flag.clone(), threads.clone());
            c.create_scalar_function("wait_for_flag", 0, FunctionFlags::SQLITE_UTF8, move |_| {
                let name = std::thread::current().name().unwrap_or("").to_owned();
                threads.lock().unwrap_or_else(|e| e.into_inner()).push(name);
                let start = Instant::now();
                while !flag.load(Ordering::SeqCst) {
                    if start.elapsed() > Duration::from_secs(5) {
                        return Ok(0_i64);
                    }
                    std::thread::sleep(Duration::from_millis(1));
                }
                Ok(1_i64)
            })
        });
    quarry_sqlite::connect_with(options, &pool(2))
        .await
        .expect("connect")
}

async fn statement_does_not_hold_the_worker(executor: &str) -> Vec<String> {
    let flag = Arc::new(AtomicBool::new(false));
    let threads = Arc::new(Mutex::new(Vec::new()));
    let engine = flag_engine(
        &format!("sqlite::memory:?executor={executor}"),
        flag.clone(),
        threads.clone(),
    )
    .await;
    let setter = {
        let flag = flag.clone();
        tokio::spawn(async move {
            tokio::time::sleep(Duration::from_millis(20)).await;
            flag.store(true, Ordering::SeqCst);
        })
    };
    let got: i64 = engine
        .fetch_scalar("SELECT wait_for_flag()")
        .await
        .expect("query");
    assert_eq!(got, 1, "{executor}: the statement blocked the only worker");
    setter.await.expect("setter");
    let names = threads.lock().unwrap_or_else(|e| e.into_inner()).clone();
    names
}

#[tokio::test(flavor = "multi_thread", worker_threads = 1)]
async fn statements_never_block_a_tokio_worker() {
    // One worker: a statement that ran on it would starve the task that releases it.
    for executor in EXECUTORS {
        let names = statement_does_not_hold_the_worker(executor).await;
        assert_eq!(names.len(), 1);
        if executor == "thread" {
            // The connection's own thread, not a tokio thread.
            assert!(names[0].starts_with("quarry-sqlite-"), "{names:?}");
        }
    }
}

#[tokio::test]
async fn statements_run_on_connection_threads_on_a_current_thread_runtime() {
    // block_in_place is impossible on a current-thread runtime: the connection's thread runs
    // the statement (spawn_blocking uses tokio's blocking pool), and the runtime's only thread
    // stays free.
    for executor in EXECUTORS {
        let names = statement_does_not_hold_the_worker(executor).await;
        assert_eq!(names.len(), 1);
        if executor != "spawn_blocking" {
            assert!(
                names[0].starts_with("quarry-sqlite-"),
                "{executor}: {names:?}"
            );
        }
    }
}

/// A URL's path and options are percent-decoded: `a%20b` is the directory `a b`, and an
/// encoded option value is read decoded (pool options included).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn urls_are_percent_decoded() {
    let dir = std::env::temp_dir().join(format!("quarry url {}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("x.db");
    let _ = std::fs::remove_file(&file);
    let encoded = format!("{}", dir.display()).replace(' ', "%20");
    let url = format!("sqlite://{encoded}/x.db?busy_timeout=%3250&pool_max_size=%32");
    let engine = connect(&url).await;
    engine.execute("CREATE TABLE t (a INTEGER)").await.unwrap();
    assert!(file.exists(), "{} was not created", file.display());
    let busy: i64 = engine.fetch_scalar("PRAGMA busy_timeout").await.unwrap();
    assert_eq!(busy, 250);
    drop(engine);
    let err = Engine::connect("sqlite:///tmp/%FF.db").await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Configuration, "{err}");
    let _ = std::fs::remove_dir_all(&dir);
}
