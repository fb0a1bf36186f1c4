//! Live executor tests specific to PostgreSQL (`QUARRY_TEST_POSTGRES_URL`): a session ended
//! while idle, an error mid-stream, the prepared-statement cache, isolation levels as the
//! server reports them, real serialization failures, PostgreSQL's own value edges and values
//! without a quarry form, and its pool and URL options. The scenarios every backend shares
//! (pool timeouts, ended sessions, dropped streams, isolation, deadlocks, keys, value round
//! trips) are in `live_engine.rs`.
//!
//! Each test uses its own tables (prefix `lxp_`) and first drops leftovers of a previous run;
//! tests in one binary run concurrently.

mod common;

use quarry::value::{Date, Decimal, Time, Timestamp, Uuid};
use quarry::Executor;
use quarry::{Compiled, Engine, ErrorKind, IsolationLevel, Row, TxOptions, Value, ValueType};
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

const URL_VAR: &str = "QUARRY_TEST_POSTGRES_URL";

/// A parameterised query.
fn q(sql: &str, params: Vec<Value>) -> Compiled {
    Compiled::with_params(sql, params)
}

/// `url` with `param` added to its query string.
fn with_param(url: &str, param: &str) -> String {
    if url.contains('?') {
        format!("{url}&{param}")
    } else {
        format!("{url}?{param}")
    }
}

/// An engine over its own pool, built from the test URL and `builder`; `None` when skipped.
async fn own_engine(builder: quarry::EngineBuilder) -> Option<Engine> {
    common::install();
    let url = common::url(URL_VAR)?;
    Some(
        builder
            .connect(&url)
            .await
            .unwrap_or_else(|e| panic!("cannot connect to {URL_VAR}: {e}")),
    )
}

/// Waits until the server no longer lists backend `pid`, then lets the client notice.
async fn wait_gone(admin: &Engine, pid: i32) {
    common::wait_pg_backend_gone(admin, pid).await;
    // The client's connection task reads the server's goodbye asynchronously.
    tokio::time::sleep(Duration::from_millis(250)).await;
}

/// Whether `conn` is inside a transaction: there `now()` (the transaction's start) stays the
/// same from one statement to the next. (`now() = statement_timestamp()` within one statement
/// is no probe over the extended protocol, where Bind and Execute restart the statement clock
/// after Parse started the implicit transaction.)
async fn in_transaction(conn: &mut quarry::Connection) -> bool {
    let a: Timestamp = conn.fetch_scalar("SELECT now()").await.unwrap();
    tokio::time::sleep(Duration::from_millis(2)).await;
    let b: Timestamp = conn.fetch_scalar("SELECT now()").await.unwrap();
    a == b
}

async fn terminate(admin: &Engine, pid: i32) {
    let killed: bool = admin
        .fetch_scalar(q("SELECT pg_terminate_backend($1)", vec![Value::I32(pid)]))
        .await
        .unwrap();
    assert!(killed, "pg_terminate_backend({pid})");
    wait_gone(admin, pid).await;
}

/// A session the server ends while it is idle in the pool is replaced before the next call:
/// the client's connection task reads the server's goodbye, so the pool sees the connection is
/// closed. (What every server backend does with ended sessions is in `live_engine.rs`.)
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_session_ended_while_idle_is_replaced_before_the_next_call() {
    let Some(admin) = common::engine(URL_VAR).await else {
        return;
    };
    let Some(engine) = own_engine(Engine::builder().max_size(1)).await else {
        return;
    };
    let pid: i32 = engine
        .fetch_scalar("SELECT pg_backend_pid()")
        .await
        .unwrap();
    terminate(&admin, pid).await;
    let pid2: i32 = engine
        .fetch_scalar("SELECT pg_backend_pid()")
        .await
        .expect("the pool replaces a connection the server closed");
    assert_ne!(pid, pid2);
    assert_eq!(engine.pool_state(), (1, 1));
}

/// An error in the middle of a stream (the server's division by zero) ends it with the
/// server's code after the rows before it; the connection stays usable. (Streams dropped early
/// on every backend are in `live_engine.rs`.)
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_error_mid_stream_ends_it_and_keeps_the_connection() {
    let Some(engine) = own_engine(Engine::builder().max_size(1)).await else {
        return;
    };
    let mut conn = engine.acquire().await.unwrap();
    let pid: i32 = conn.fetch_scalar("SELECT pg_backend_pid()").await.unwrap();
    {
        let mut rows = conn
            .stream("SELECT 10 / (3 - g) AS x FROM generate_series(1, 5) g")
            .await
            .unwrap();
        let mut seen = Vec::new();
        let mut failed = None;
        while let Some(row) = rows.next().await {
            match row {
                Ok(r) => seen.push(r.get::<i32>("x").unwrap()),
                Err(e) => failed = Some(e),
            }
        }
        assert_eq!(seen, [5, 10]);
        let e = failed.expect("the division by zero");
        assert_eq!(e.kind(), ErrorKind::Database, "{e}");
        assert_eq!(e.code(), Some("22012"), "{e}");
    }
    assert_eq!(conn.fetch_scalar::<i32>("SELECT 7").await.unwrap(), 7);
    assert!(!in_transaction(&mut conn).await);
    let same: i32 = conn.fetch_scalar("SELECT pg_backend_pid()").await.unwrap();
    assert_eq!(same, pid);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn prepared_statement_cache_stays_bounded_and_correct() {
    let Some(engine) = own_engine(Engine::builder().max_size(1)).await else {
        return;
    };
    let mut conn = engine.acquire().await.unwrap();
    let prepared = "SELECT count(*) FROM pg_prepared_statements";
    let base: i64 = conn.fetch_scalar(prepared).await.unwrap();

    // 300 distinct statements (more than the 256 cached), three rounds each: the first run
    // is unnamed, the second prepares, the third reuses or re-prepares what was evicted.
    for round in 0..3_i64 {
        for i in 0..300_i64 {
            let sql = format!("SELECT $1::int8 + {i} AS v");
            let v: i64 = conn
                .fetch_scalar(q(&sql, vec![Value::I64(round)]))
                .await
                .unwrap();
            assert_eq!(v, round + i);
        }
    }
    let held: i64 = conn.fetch_scalar(prepared).await.unwrap();
    assert!(held - base <= 256, "{held} prepared statements held");
    assert!(held - base >= 200, "{held} prepared statements held");

    // The same text with other parameter types is another statement.
    let sql = "SELECT $1 IS NULL AS n";
    for v in [
        Value::I64(1),
        Value::Text("x".into()),
        Value::Null(ValueType::Date),
    ] {
        for _ in 0..3 {
            let is_null: bool = conn.fetch_scalar(q(sql, vec![v.clone()])).await.unwrap();
            assert_eq!(is_null, v.is_null());
        }
    }

    // Too few parameters: the server's error every time, and the connection is kept.
    let pid: i32 = conn.fetch_scalar("SELECT pg_backend_pid()").await.unwrap();
    for _ in 0..3 {
        let err = conn
            .fetch_all(q("SELECT $1::int8 + $2::int8", vec![Value::I64(1)]))
            .await
            .unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Database, "{err}");
        assert_eq!(err.code(), Some("08P01"), "{err}");
    }

    // A schema change that alters a cached statement's result is handled by re-sending it.
    conn.execute_script(
        "DROP TABLE IF EXISTS lxp_cache; CREATE TABLE lxp_cache (a int8); \
         INSERT INTO lxp_cache VALUES (1)",
    )
    .await
    .unwrap();
    for _ in 0..3 {
        let rows = conn.fetch_all("SELECT * FROM lxp_cache").await.unwrap();
        assert_eq!(rows[0].len(), 1);
    }
    conn.execute_script("ALTER TABLE lxp_cache ADD COLUMN b text DEFAULT 'x'")
        .await
        .unwrap();
    for _ in 0..3 {
        let rows = conn.fetch_all("SELECT * FROM lxp_cache").await.unwrap();
        assert_eq!(rows[0].len(), 2);
        assert_eq!(rows[0].get::<String>("b").unwrap(), "x");
    }
    // DEALLOCATE ALL drops the server's statements; the cache recovers.
    conn.execute_script("DEALLOCATE ALL").await.unwrap();
    let rows = conn.fetch_all("SELECT * FROM lxp_cache").await.unwrap();
    assert_eq!(rows.len(), 1);
    conn.execute_script("DROP TABLE lxp_cache").await.unwrap();
    drop(conn);
    let same: i32 = engine
        .fetch_scalar("SELECT pg_backend_pid()")
        .await
        .unwrap();
    assert_eq!(same, pid, "statement errors keep the connection");

    // With the cache off, nothing is prepared.
    let Some(url) = common::url(URL_VAR) else {
        return;
    };
    let uncached = quarry_postgres::connect(&with_param(&url, "statement_cache_size=0"))
        .await
        .unwrap();
    let mut conn = uncached.acquire().await.unwrap();
    for _ in 0..3 {
        conn.fetch_scalar::<i64>(q("SELECT $1::int8", vec![Value::I64(1)]))
            .await
            .unwrap();
    }
    let held: i64 = conn.fetch_scalar(prepared).await.unwrap();
    assert_eq!(held, 0);
}

/// Each isolation level and READ ONLY reach the server (read back with SHOW), and a read-only
/// transaction's write fails with SQLSTATE 25006. (What the levels do on every backend is in
/// `live_engine.rs`.)
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn isolation_levels_and_read_only_reach_the_server() {
    let Some(engine) = common::engine(URL_VAR).await else {
        return;
    };
    engine
        .execute_script("DROP TABLE IF EXISTS lxp_iso; CREATE TABLE lxp_iso (id int8 PRIMARY KEY)")
        .await
        .unwrap();

    let mut tx = engine
        .begin_with(TxOptions::default().isolation(IsolationLevel::Serializable))
        .await
        .unwrap();
    let level: String = tx.fetch_scalar("SHOW transaction_isolation").await.unwrap();
    assert_eq!(level, "serializable");
    tx.commit().await.unwrap();

    let mut tx = engine
        .begin_with(TxOptions::default().isolation(IsolationLevel::RepeatableRead))
        .await
        .unwrap();
    let level: String = tx.fetch_scalar("SHOW transaction_isolation").await.unwrap();
    assert_eq!(level, "repeatable read");
    tx.rollback().await.unwrap();

    let mut tx = engine
        .begin_with(TxOptions::default().read_only())
        .await
        .unwrap();
    let ro: String = tx.fetch_scalar("SHOW transaction_read_only").await.unwrap();
    assert_eq!(ro, "on");
    let err = tx
        .execute(q(
            "INSERT INTO lxp_iso (id) VALUES ($1)",
            vec![Value::I64(1)],
        ))
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some("25006"), "{err}");
    assert_eq!(err.kind(), ErrorKind::Database);
    tx.rollback().await.unwrap();
    engine.execute_script("DROP TABLE lxp_iso").await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn serialization_failures_are_retryable_and_retried() {
    let Some(engine) = common::engine(URL_VAR).await else {
        return;
    };
    let reset = "DROP TABLE IF EXISTS lxp_ser; \
                 CREATE TABLE lxp_ser (id int8 PRIMARY KEY, val int8 NOT NULL); \
                 INSERT INTO lxp_ser VALUES (1, 0), (2, 0)";
    engine.execute_script(reset).await.unwrap();
    let ser = TxOptions::default().isolation(IsolationLevel::Serializable);

    // Write skew: each reads both rows and updates a different one.
    let mut t1 = engine.begin_with(ser).await.unwrap();
    let mut t2 = engine.begin_with(ser).await.unwrap();
    let _: i64 = t1
        .fetch_scalar("SELECT sum(val)::int8 FROM lxp_ser")
        .await
        .unwrap();
    let _: i64 = t2
        .fetch_scalar("SELECT sum(val)::int8 FROM lxp_ser")
        .await
        .unwrap();
    t1.execute("UPDATE lxp_ser SET val = val + 1 WHERE id = 1")
        .await
        .unwrap();
    let second = t2
        .execute("UPDATE lxp_ser SET val = val + 1 WHERE id = 2")
        .await;
    t1.commit().await.unwrap();
    let err = match second {
        Err(e) => e,
        Ok(_) => t2.commit().await.unwrap_err(),
    };
    assert_eq!(err.kind(), ErrorKind::SerializationFailure, "{err}");
    assert_eq!(err.code(), Some("40001"));
    assert!(err.is_retryable());

    // Engine::transaction retries it: the first attempt meets a conflicting transaction that
    // commits between its read and its write; the second runs alone.
    engine.execute_script(reset).await.unwrap();
    let attempts = Arc::new(AtomicU32::new(0));
    let other = engine.clone();
    let counter = Arc::clone(&attempts);
    let sum: i64 = engine
        .transaction(ser, 3, move |tx| {
            let other = other.clone();
            let counter = Arc::clone(&counter);
            Box::pin(async move {
                let attempt = counter.fetch_add(1, Ordering::SeqCst) + 1;
                let sum: i64 = tx
                    .fetch_scalar("SELECT sum(val)::int8 FROM lxp_ser")
                    .await?;
                if attempt == 1 {
                    let mut t = other.begin_with(ser).await?;
                    let _: i64 = t.fetch_scalar("SELECT sum(val)::int8 FROM lxp_ser").await?;
                    t.execute("UPDATE lxp_ser SET val = val + 1 WHERE id = 2")
                        .await?;
                    t.commit().await?;
                }
                tx.execute("UPDATE lxp_ser SET val = val + 1 WHERE id = 1")
                    .await?;
                Ok(sum)
            })
        })
        .await
        .expect("retried to success");
    assert_eq!(attempts.load(Ordering::SeqCst), 2);
    assert_eq!(sum, 1, "the retry saw the other transaction's write");
    let vals: Vec<(i64, i64)> = engine
        .fetch_all_as("SELECT id, val FROM lxp_ser ORDER BY id")
        .await
        .unwrap();
    assert_eq!(vals, [(1, 1), (2, 1)]);
    engine.execute_script("DROP TABLE lxp_ser").await.unwrap();
}

fn date(s: &str) -> Date {
    s.parse().unwrap()
}

fn ts(s: &str) -> Timestamp {
    s.parse().unwrap()
}

fn dec(s: &str) -> Decimal {
    s.parse().unwrap()
}

/// Column names and types of the round-trip table, in order.
const COLUMNS: [(&str, &str); 17] = [
    ("b", "boolean"),
    ("i2", "smallint"),
    ("i4", "integer"),
    ("i8", "bigint"),
    ("f4", "real"),
    ("f8", "double precision"),
    ("t", "text"),
    ("by", "bytea"),
    ("d", "date"),
    ("tm", "time"),
    ("ts", "timestamp"),
    ("tz", "timestamptz"),
    ("u", "uuid"),
    ("jb", "jsonb"),
    ("js", "json"),
    ("n", "numeric"),
    ("vc", "varchar(20)"),
];

/// Whether two cells are equal, NaN being equal to NaN.
fn same(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::F32(x), Value::F32(y)) => x == y || (x.is_nan() && y.is_nan()),
        (Value::F64(x), Value::F64(y)) => x == y || (x.is_nan() && y.is_nan()),
        _ => a == b,
    }
}

fn row_values(row: &Row) -> Vec<Value> {
    (1..row.len())
        .map(|i| row.value(i).unwrap().clone())
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_value_type_round_trips() {
    let Some(engine) = common::engine(URL_VAR).await else {
        return;
    };
    let cols: Vec<String> = COLUMNS.iter().map(|(n, t)| format!("{n} {t}")).collect();
    engine
        .execute_script(&format!(
            "DROP TABLE IF EXISTS lxp_types; CREATE TABLE lxp_types (id int8 PRIMARY KEY, {})",
            cols.join(", ")
        ))
        .await
        .unwrap();
    let mebibyte: Vec<u8> = (0..1_048_576_u32).map(|i| (i * 7 % 251) as u8).collect();
    let rows: Vec<Vec<Value>> = vec![
        vec![
            Value::Bool(true),
            Value::I16(i16::MIN),
            Value::I32(i32::MIN),
            Value::I64(i64::MIN),
            Value::F32(f32::NAN),
            Value::F64(f64::NAN),
            Value::Text(String::new()),
            Value::Bytes(Vec::new()),
            Value::Date(date("0001-01-01")),
            Value::Time(Time::new(0, 0, 0, 0).unwrap()),
            Value::Timestamp(ts("0001-01-01 00:00:00")),
            Value::TimestampTz(ts("0001-01-01 00:00:00")),
            Value::Uuid(Uuid([0; 16])),
            Value::Json("{}".into()),
            Value::Json("[]".into()),
            Value::Decimal(dec("0")),
            Value::Text(String::new()),
        ],
        vec![
            Value::Bool(false),
            Value::I16(i16::MAX),
            Value::I32(i32::MAX),
            Value::I64(i64::MAX),
            Value::F32(f32::INFINITY),
            Value::F64(f64::INFINITY),
            Value::Text("héllo wörld — 你好 🎉, 'quoted' \\ \"dq\"".into()),
            Value::Bytes(mebibyte.clone()),
            Value::Date(date("9999-12-31")),
            Value::Time(Time::new(23, 59, 59, 999_999).unwrap()),
            Value::Timestamp(ts("9999-12-31 23:59:59.999999")),
            Value::TimestampTz(ts("9999-12-31 23:59:59.999999")),
            Value::Uuid("67e55044-10b1-426f-9247-bb680e5fe0c8".parse().unwrap()),
            Value::Json(r#"{"a": [1, 2.5, "é"], "b": null}"#.into()),
            Value::Json(r#"{"b":1,  "a":[true]}"#.into()),
            Value::Decimal(dec("123456789012345678901234567890")),
            Value::Text("ünïcode".into()),
        ],
        vec![
            Value::Bool(true),
            Value::I16(-1),
            Value::I32(0),
            Value::I64(-1),
            Value::F32(f32::NEG_INFINITY),
            Value::F64(f64::NEG_INFINITY),
            Value::Text("line\nbreak\ttab".into()),
            Value::Bytes(vec![0, 1, 255]),
            Value::Date(date("2024-02-29")),
            Value::Time(Time::new(13, 45, 7, 1).unwrap()),
            Value::Timestamp(ts("2024-02-29 13:45:07.123456")),
            Value::TimestampTz(ts("1969-12-31 23:59:59.999999")),
            Value::Uuid(Uuid([0xff; 16])),
            Value::Json(r#""just a string""#.into()),
            Value::Json("null".into()),
            Value::Decimal(dec(
                "-123456789012345678901234567890.123456789012345678901234567890",
            )),
            Value::Text("x".into()),
        ],
        vec![
            Value::Bool(false),
            Value::I16(0),
            Value::I32(1),
            Value::I64(0),
            Value::F32(-0.5),
            Value::F64(1e-300),
            Value::Text("a".into()),
            Value::Bytes(vec![0]),
            Value::Date(date("1970-01-01")),
            Value::Time(Time::new(12, 0, 0, 500_000).unwrap()),
            Value::Timestamp(ts("2000-01-01 00:00:00")),
            Value::TimestampTz(ts("2000-01-01 00:00:00.000001")),
            Value::Uuid(Uuid([1; 16])),
            Value::Json("[1, 2, 3]".into()),
            Value::Json("3.25".into()),
            Value::Decimal(dec("12.50")),
            Value::Text("y".into()),
        ],
        vec![
            Value::Bool(true),
            Value::I16(7),
            Value::I32(-7),
            Value::I64(7),
            Value::F32(3.25),
            Value::F64(-2.5),
            Value::Text("b".into()),
            Value::Bytes(vec![1]),
            Value::Date(date("1999-12-31")),
            Value::Time(Time::new(0, 0, 0, 1).unwrap()),
            Value::Timestamp(ts("1999-12-31 23:59:59.999999")),
            Value::TimestampTz(ts("2024-06-30 12:00:00")),
            Value::Uuid(Uuid([2; 16])),
            Value::Json("true".into()),
            Value::Json("{}".into()),
            Value::Decimal(dec("-0.000001")),
            Value::Text("z".into()),
        ],
        // Typed NULLs of every type.
        vec![
            Value::Null(ValueType::Bool),
            Value::Null(ValueType::I16),
            Value::Null(ValueType::I32),
            Value::Null(ValueType::I64),
            Value::Null(ValueType::F32),
            Value::Null(ValueType::F64),
            Value::Null(ValueType::Text),
            Value::Null(ValueType::Bytes),
            Value::Null(ValueType::Date),
            Value::Null(ValueType::Time),
            Value::Null(ValueType::Timestamp),
            Value::Null(ValueType::TimestampTz),
            Value::Null(ValueType::Uuid),
            Value::Null(ValueType::Json),
            Value::Null(ValueType::Json),
            Value::Null(ValueType::Decimal),
            Value::Null(ValueType::Text),
        ],
    ];
    let names: Vec<&str> = COLUMNS.iter().map(|(n, _)| *n).collect();
    let placeholders: Vec<String> = (2..=COLUMNS.len() + 1).map(|i| format!("${i}")).collect();
    let insert = format!(
        "INSERT INTO lxp_types (id, {}) VALUES ($1, {})",
        names.join(", "),
        placeholders.join(", ")
    );
    // Inserted twice over (ids i and 100 + i) so the statement runs unnamed and prepared.
    for offset in [0_i64, 100] {
        for (i, row) in rows.iter().enumerate() {
            let mut params = vec![Value::I64(offset + i as i64)];
            params.extend(row.iter().cloned());
            let r = engine.execute_result(q(&insert, params)).await.unwrap();
            assert_eq!(r.rows_affected, 1);
            assert_eq!(r.last_insert_id, None);
        }
    }
    // Json is bound as jsonb, which normalises the text; the json column stores that
    // normalised text (through the jsonb → json cast).
    let mut expected = rows.clone();
    expected[1][14] = Value::Json(r#"{"a": [true], "b": 1}"#.into());
    let select = format!(
        "SELECT id, {} FROM lxp_types WHERE id = $1",
        names.join(", ")
    );
    for offset in [0_i64, 100] {
        for round in 0..2 {
            for (i, want) in expected.iter().enumerate() {
                let row = engine
                    .fetch_one(q(&select, vec![Value::I64(offset + i as i64)]))
                    .await
                    .unwrap();
                let got = row_values(&row);
                assert_eq!(got.len(), want.len(), "row {i}: columns");
                for (k, (g, w)) in got.iter().zip(want).enumerate() {
                    if let (Value::Bytes(g), Value::Bytes(w)) = (g, w) {
                        assert!(g == w, "row {i} column {}: bytes differ", COLUMNS[k].0);
                        continue;
                    }
                    assert!(
                        same(g, w),
                        "row {i} round {round} column {}: got {g:?}, want {w:?}",
                        COLUMNS[k].0
                    );
                }
            }
        }
    }
    // Parameters compare with the stored values on the server side too.
    let matches: i64 = engine
        .fetch_scalar(q(
            "SELECT count(*) FROM lxp_types WHERE n = $1 AND d = $2 AND ts = $3 AND u = $4",
            vec![
                Value::Decimal(dec("12.5")),
                Value::Date(date("1970-01-01")),
                Value::Timestamp(ts("2000-01-01 00:00:00")),
                Value::Uuid(Uuid([1; 16])),
            ],
        ))
        .await
        .unwrap();
    assert_eq!(matches, 2);
    // The 1 MiB value is intact, as the server sees it.
    let len: i32 = engine
        .fetch_scalar("SELECT length(by) FROM lxp_types WHERE id = 1")
        .await
        .unwrap();
    assert_eq!(len, 1_048_576);

    // Literals decode to the same values.
    let row = engine
        .fetch_one(
            "SELECT '2024-02-29'::date AS d, '13:45:07.000001'::time AS tm, \
             '2024-02-29 13:45:07.123456'::timestamp AS ts, \
             '2024-02-29 14:45:07.5+01'::timestamptz AS tz, \
             '67e55044-10b1-426f-9247-bb680e5fe0c8'::uuid AS u, \
             '{\"k\": 1}'::jsonb AS jb, '{\"k\":1}'::json AS js, \
             '12.50'::numeric AS n, (-0.0)::numeric(5,2) AS z, \
             '-99999999999999999999.99999999999999999999'::numeric AS big",
        )
        .await
        .unwrap();
    assert_eq!(row.get::<Date>("d").unwrap(), date("2024-02-29"));
    assert_eq!(
        row.get::<Time>("tm").unwrap(),
        Time::new(13, 45, 7, 1).unwrap()
    );
    assert_eq!(
        row.value("ts").unwrap(),
        &Value::Timestamp(ts("2024-02-29 13:45:07.123456"))
    );
    assert_eq!(
        row.value("tz").unwrap(),
        &Value::TimestampTz(ts("2024-02-29 13:45:07.5"))
    );
    assert_eq!(
        row.get::<Uuid>("u").unwrap().to_string(),
        "67e55044-10b1-426f-9247-bb680e5fe0c8"
    );
    assert_eq!(row.value("jb").unwrap(), &Value::Json("{\"k\": 1}".into()));
    assert_eq!(row.value("js").unwrap(), &Value::Json("{\"k\":1}".into()));
    assert_eq!(row.get::<Decimal>("n").unwrap().as_str(), "12.50");
    assert_eq!(row.get::<Decimal>("z").unwrap().as_str(), "0.00");
    assert_eq!(
        row.get::<Decimal>("big").unwrap().as_str(),
        "-99999999999999999999.99999999999999999999"
    );
    engine.execute_script("DROP TABLE lxp_types").await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn values_without_a_quarry_form_are_decode_errors() {
    let Some(engine) = common::engine(URL_VAR).await else {
        return;
    };
    for (sql, column, needle) in [
        ("SELECT 'infinity'::date AS d_inf", "d_inf", "infinity"),
        (
            "SELECT '-infinity'::timestamp AS ts_ninf",
            "ts_ninf",
            "-infinity",
        ),
        (
            "SELECT 'infinity'::timestamptz AS tz_inf",
            "tz_inf",
            "infinity",
        ),
        ("SELECT 'NaN'::numeric AS n_nan", "n_nan", "NaN"),
        ("SELECT '24:00:00'::time AS t24", "t24", "24:00"),
        ("SELECT '10000-01-01'::date AS far", "far", "range"),
        ("SELECT '1 day'::interval AS iv", "iv", "interval"),
    ] {
        let err = engine.fetch_all(sql).await.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Decode, "{sql}: {err}");
        let msg = err.to_string();
        assert!(msg.contains(column), "{sql}: {msg}");
        assert!(msg.contains(needle), "{sql}: {msg}");
    }
    // The connection is fine afterwards, and a bound NaN-free decimal still works.
    let n: Decimal = engine
        .fetch_scalar(q(
            "SELECT $1::numeric * 2",
            vec![Value::Decimal(dec("1.25"))],
        ))
        .await
        .unwrap();
    assert_eq!(n.as_str(), "2.50");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pool_options_urls_and_discarding() {
    let Some(url) = common::url(URL_VAR) else {
        return;
    };
    common::install();
    // The first connection is opened at connect time.
    let engine = Engine::builder()
        .max_size(2)
        .connect(&with_param(&url, "sslmode=disable"))
        .await
        .unwrap();
    assert_eq!(engine.pool_state(), (1, 1));
    for mode in ["allow", "prefer"] {
        let e = Engine::connect(&with_param(&url, &format!("sslmode={mode}")))
            .await
            .unwrap();
        assert_eq!(e.fetch_scalar::<i32>("SELECT 1").await.unwrap(), 1);
    }
    // The tests build quarry-postgres with TLS (tests/live_tls.rs covers it on a server of
    // its own): `require` works when the server has TLS on; verifying modes need a root.
    let admin = Engine::connect(&url).await.unwrap();
    let server_tls = admin.fetch_scalar::<String>("SHOW ssl").await.unwrap() == "on";
    match Engine::connect(&with_param(&url, "sslmode=require")).await {
        Ok(e) => {
            assert!(server_tls);
            assert_eq!(e.fetch_scalar::<i32>("SELECT 1").await.unwrap(), 1);
        }
        Err(err) => {
            assert!(!server_tls, "{err}");
            assert!(err.to_string().contains("does not support TLS"), "{err}");
        }
    }
    for mode in ["verify-ca", "verify-full"] {
        let err = Engine::connect(&with_param(
            &url,
            &format!("sslmode={mode}&sslrootcert=/nonexistent/root.crt"),
        ))
        .await
        .unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Configuration, "{mode}");
        assert!(err.to_string().contains("sslrootcert"), "{err}");
    }
    let err = Engine::builder()
        .min_idle(3)
        .max_size(2)
        .connect(&url)
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Configuration, "{err}");

    // min_idle fills the pool in the background.
    let filled = Engine::builder()
        .max_size(3)
        .min_idle(3)
        .connect(&url)
        .await
        .unwrap();
    let start = Instant::now();
    while filled.pool_state().0 < 3 {
        assert!(
            start.elapsed() < Duration::from_secs(10),
            "{:?}",
            filled.pool_state()
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }

    // A transaction dropped uncommitted closes its connection instead of pooling it.
    let single = Engine::builder().max_size(1).connect(&url).await.unwrap();
    let pid: i32 = single
        .fetch_scalar("SELECT pg_backend_pid()")
        .await
        .unwrap();
    let mut tx = single.begin().await.unwrap();
    let same: i32 = tx.fetch_scalar("SELECT pg_backend_pid()").await.unwrap();
    assert_eq!(same, pid);
    drop(tx);
    let next: i32 = single
        .fetch_scalar("SELECT pg_backend_pid()")
        .await
        .unwrap();
    assert_ne!(next, pid);

    // A statement future dropped mid-flight closes its connection too.
    let mut conn = single.acquire().await.unwrap();
    let slow = tokio::time::timeout(
        Duration::from_millis(50),
        conn.execute("SELECT pg_sleep(30)"),
    )
    .await;
    let _elapsed: tokio::time::error::Elapsed =
        slow.expect_err("pg_sleep(30) finished within 50 ms?");
    drop(conn);
    let start = Instant::now();
    let after: i32 = single
        .fetch_scalar("SELECT pg_backend_pid()")
        .await
        .unwrap();
    assert_ne!(after, next);
    assert!(
        start.elapsed() < Duration::from_secs(10),
        "waited for the abandoned sleep"
    );
}
