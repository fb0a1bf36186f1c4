//! Live tests of PostgreSQL's backend fast paths (`QUARRY_TEST_POSTGRES_URL`): the binary
//! `COPY … FROM STDIN` hook ([`quarry::backend::BackendConnection::copy_in`], called directly on a
//! backend connection since the core does not route inserts to it yet) and array parameters
//! ([`quarry::Value::Array`], as the compiler binds long `IN` lists: `x = ANY($1)`).
//!
//! Each test uses its own tables (prefix `lpc_`) and first drops leftovers of a previous run;
//! tests in one binary run concurrently.

mod common;

use quarry::backend::CopyIn;
use quarry::backend::{Backend, BackendConnection};
use quarry::value::{Date, Decimal, Time, Timestamp, Uuid};
use quarry::Executor;
use quarry::{Compiled, Engine, ErrorKind, Value, ValueType};
use quarry_postgres::PostgresBackend;
use std::time::{Duration, Instant};

const URL_VAR: &str = "QUARRY_TEST_POSTGRES_URL";

/// A parameterised query.
fn q(sql: &str, params: Vec<Value>) -> Compiled {
    Compiled::with_params(sql, params)
}

/// A backend over its own pool; `None` when skipped.
async fn backend() -> Option<PostgresBackend> {
    let url = common::url(URL_VAR)?;
    Some(
        PostgresBackend::connect(&url)
            .await
            .unwrap_or_else(|e| panic!("cannot connect to {URL_VAR}: {e}")),
    )
}

/// A raw backend connection; `None` when skipped.
async fn raw_conn() -> Option<(PostgresBackend, Box<dyn BackendConnection>)> {
    let b = backend().await?;
    let conn = b.acquire().await.unwrap();
    Some((b, conn))
}

/// The `COPY` statement and probe for `columns` of `table`.
fn copy_sql(table: &str, columns: &[&str]) -> (String, String) {
    let quoted: Vec<String> = columns.iter().map(|c| format!("\"{c}\"")).collect();
    (
        format!(
            "COPY \"{table}\" ({}) FROM STDIN (FORMAT binary)",
            quoted.join(", ")
        ),
        format!("SELECT {} FROM \"{table}\"", quoted.join(", ")),
    )
}

/// Runs the copy hook of `conn`.
async fn copy(
    conn: &mut Box<dyn BackendConnection>,
    sql: &(String, String),
    columns: usize,
    values: &[Value],
) -> quarry::Result<u64> {
    conn.copy_in(CopyIn {
        copy_sql: &sql.0,
        probe_sql: &sql.1,
        columns,
        values,
    })
    .expect("the PostgreSQL backend has a COPY path")
    .await
}

async fn count(conn: &mut Box<dyn BackendConnection>, table: &str) -> i64 {
    let rows = conn
        .fetch_all(&format!("SELECT count(*) FROM {table}"), &[])
        .await
        .unwrap();
    rows[0].get(0).unwrap()
}

const MIXED_COLUMNS: [&str; 20] = [
    "id", "small", "tiny", "big", "name", "label", "flag", "at", "seen", "day", "wake", "ext",
    "doc", "amount", "ratio", "score", "bin", "mood", "pos", "tags",
];

/// The row with id `i` as it is written: integers of other widths than their columns, text
/// into an enum, a domain and a varchar, NULLs here and there, and one 1 MiB bytea.
fn mixed_row(i: i64) -> Vec<Value> {
    let ts = Timestamp::from_micros_since_epoch(1_700_000_000_000_000 + i * 1_234_567).unwrap();
    let or_null = |cond: bool, v: Value| {
        if cond {
            Value::Null(v.value_type())
        } else {
            v
        }
    };
    let bin = if i == 4242 {
        (0..1 << 20).map(|j| (j % 251) as u8).collect()
    } else {
        i.to_be_bytes().to_vec()
    };
    let mut uuid = [0u8; 16];
    uuid[8..].copy_from_slice(&i.to_be_bytes());
    uuid[0] = 0xa5;
    vec![
        Value::I64(i),
        Value::I64(i * 1000 - 5_000_000),
        Value::I32((i % 30_000) as i32 - 15_000),
        or_null(i % 19 == 0, Value::I32(i as i32 * 7)),
        or_null(
            i % 11 == 0,
            Value::Text(format!("名前 {i} — ünïcödé 🦀 'q' \"d\" \\ \t")),
        ),
        Value::Text(format!("label-{i}")),
        or_null(i % 13 == 0, Value::Bool(i % 2 == 0)),
        Value::Timestamp(ts),
        or_null(i % 5 == 0, Value::TimestampTz(ts)),
        Value::Date(Date::from_days_since_epoch(19_000 + i).unwrap()),
        Value::Time(Time::from_micros_since_midnight(i * 8_640_001 % 86_400_000_000).unwrap()),
        or_null(i % 7 == 0, Value::Uuid(Uuid(uuid))),
        Value::Json(format!("{{\"i\": {i}, \"s\": \"ü\"}}")),
        Value::Decimal(format!("{i}.{:02}", i % 100).parse().unwrap()),
        Value::F64(i as f64 + 0.5),
        Value::F64(i as f64 / 3.0),
        or_null(i % 3 == 0 && i != 4242, Value::Bytes(bin)),
        Value::Text(["happy", "sad", "it's ok"][(i % 3) as usize].into()),
        Value::I64(i + 1),
        if i % 17 == 0 {
            Value::Null(ValueType::Array)
        } else {
            Value::Array(vec![
                Value::Text(format!("a{i}")),
                Value::Null(ValueType::Text),
                Value::Text("ü".into()),
            ])
        },
    ]
}

/// What reading row `i` back gives: each value as its column's type decodes.
fn mixed_expected(i: i64) -> Vec<Value> {
    let mut row = mixed_row(i);
    let narrow = |v: &Value, f: &dyn Fn(i64) -> Value, t: ValueType| match v {
        Value::Null(_) => Value::Null(t),
        other => f(other.as_i64().unwrap()),
    };
    row[1] = narrow(&row[1], &|n| Value::I32(n as i32), ValueType::I32);
    row[2] = narrow(&row[2], &|n| Value::I16(n as i16), ValueType::I16);
    row[3] = narrow(&row[3], &Value::I64, ValueType::I64);
    row[14] = Value::F32(i as f32 + 0.5);
    row[18] = Value::I32(i as i32 + 1);
    row
}

/// Creates the table of [`MIXED_COLUMNS`] (named `table`; its enum and domain get the same
/// prefix).
async fn create_mixed(conn: &mut Box<dyn BackendConnection>, table: &str) {
    conn.execute_script(&format!(
        "DROP TABLE IF EXISTS {table}; DROP TYPE IF EXISTS {table}_mood; \
         DROP DOMAIN IF EXISTS {table}_pos; \
         CREATE TYPE {table}_mood AS ENUM ('happy', 'sad', 'it''s ok'); \
         CREATE DOMAIN {table}_pos AS int4 CHECK (VALUE > 0); \
         CREATE TABLE {table} (id int8 PRIMARY KEY, small int4, tiny int2, big int8, name text, \
           label varchar(40), flag bool, at timestamp, seen timestamptz, day date, wake time, \
           ext uuid, doc jsonb, amount numeric(12, 2), ratio float4, score float8, bin bytea, \
           mood {table}_mood, pos {table}_pos, tags text[])"
    ))
    .await
    .unwrap();
}

#[tokio::test]
async fn copy_10k_mixed_rows_round_trip() {
    let Some((_b, mut conn)) = raw_conn().await else {
        return;
    };
    create_mixed(&mut conn, "lpc_mixed").await;
    let sql = copy_sql("lpc_mixed", &MIXED_COLUMNS);
    let n = 10_000;
    let values: Vec<Value> = (0..n).flat_map(mixed_row).collect();
    let written = copy(&mut conn, &sql, MIXED_COLUMNS.len(), &values)
        .await
        .unwrap();
    assert_eq!(written, n as u64);

    let rows = conn
        .fetch_all(&format!("{} ORDER BY id", sql.1), &[])
        .await
        .unwrap();
    assert_eq!(rows.len(), n as usize);
    for (i, row) in rows.into_iter().enumerate() {
        let got = row.into_values();
        let want = mixed_expected(i as i64);
        assert_eq!(got.len(), want.len(), "row {i}: columns");
        for (c, (g, w)) in got.iter().zip(&want).enumerate() {
            assert_eq!(g, w, "row {i}, column {}", MIXED_COLUMNS[c]);
        }
    }
    let big: i64 = conn
        .fetch_all(
            "SELECT length(bin)::int8 FROM lpc_mixed WHERE id = 4242",
            &[],
        )
        .await
        .unwrap()[0]
        .get(0)
        .unwrap();
    assert_eq!(big, 1 << 20);

    // The COPY statement is cached: a second load on the same connection works as well.
    let more: Vec<Value> = (n..n + 10).flat_map(mixed_row).collect();
    assert_eq!(
        copy(&mut conn, &sql, MIXED_COLUMNS.len(), &more)
            .await
            .unwrap(),
        10
    );
    assert_eq!(count(&mut conn, "lpc_mixed").await, n + 10);
}

#[tokio::test]
async fn unique_violation_mid_copy_is_typed_and_writes_nothing() {
    let Some((_b, mut conn)) = raw_conn().await else {
        return;
    };
    conn.execute_script(
        "DROP TABLE IF EXISTS lpc_uniq; CREATE TABLE lpc_uniq (id int8 PRIMARY KEY, v text); \
         INSERT INTO lpc_uniq VALUES (5000, 'already here')",
    )
    .await
    .unwrap();
    let sql = copy_sql("lpc_uniq", &["id", "v"]);
    let values: Vec<Value> = (0..10_000_i64)
        .flat_map(|i| [Value::I64(i), Value::Text(format!("row {i}"))])
        .collect();
    let err = copy(&mut conn, &sql, 2, &values).await.unwrap_err();
    assert!(err.is_unique_violation(), "{err}");
    assert_eq!(err.kind(), ErrorKind::UniqueViolation);
    assert_eq!(err.code(), Some("23505"));
    assert_eq!(err.sql(), Some(sql.0.as_str()));
    assert!(format!("{err:?}").contains("5000"), "{err:?}");

    // Nothing of the COPY was kept, and the connection goes on.
    assert_eq!(count(&mut conn, "lpc_uniq").await, 1);
    let values: Vec<Value> = (10_000..10_010_i64)
        .flat_map(|i| [Value::I64(i), Value::Null(ValueType::Text)])
        .collect();
    assert_eq!(copy(&mut conn, &sql, 2, &values).await.unwrap(), 10);
    assert_eq!(count(&mut conn, "lpc_uniq").await, 11);
}

#[tokio::test]
async fn out_of_range_and_mismatched_values_are_typed_errors() {
    let Some((_b, mut conn)) = raw_conn().await else {
        return;
    };
    conn.execute_script(
        "DROP TABLE IF EXISTS lpc_range; \
         CREATE TABLE lpc_range (id int8, n int4 NOT NULL, addr inet)",
    )
    .await
    .unwrap();
    let sql = copy_sql("lpc_range", &["id", "n", "addr"]);
    let row = |id: i64, n: Value| [Value::I64(id), n, Value::Null(ValueType::Text)];

    // An int8 value beyond int4 in the fourth row: 22003, naming the row and the column.
    let mut values: Vec<Value> = (0..3).flat_map(|i| row(i, Value::I64(i))).collect();
    values.extend(row(3, Value::I64(i64::from(i32::MAX) + 1)));
    let err = copy(&mut conn, &sql, 3, &values).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Database, "{err}");
    assert_eq!(err.code(), Some("22003"), "{err}");
    let text = err.to_string();
    assert!(text.contains("row 4") && text.contains("\"n\""), "{text}");
    assert_eq!(count(&mut conn, "lpc_range").await, 0);

    // Text into an int4 column, or into a type without a binary form here: 42804.
    let err = copy(&mut conn, &sql, 3, &row(1, Value::Text("1".into())))
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some("42804"), "{err}");
    let bad_inet = [Value::I64(1), Value::I32(1), Value::Text("10.0.0.1".into())];
    let err = copy(&mut conn, &sql, 3, &bad_inet).await.unwrap_err();
    assert_eq!(err.code(), Some("42804"), "{err}");
    assert!(err.to_string().contains("inet"), "{err}");

    // NOT NULL is the server's: a typed not-null violation.
    let err = copy(&mut conn, &sql, 3, &row(1, Value::Null(ValueType::I32)))
        .await
        .unwrap_err();
    assert!(err.is_not_null_violation(), "{err}");

    // The connection is fine, and in-range values of any integer width go in.
    let mut values = row(1, Value::I64(i64::from(i32::MIN))).to_vec();
    values.extend(row(2, Value::I16(-3)));
    assert_eq!(copy(&mut conn, &sql, 3, &values).await.unwrap(), 2);
    let rows = conn
        .fetch_all("SELECT n FROM lpc_range ORDER BY id", &[])
        .await
        .unwrap();
    let got: Vec<i32> = rows.iter().map(|r| r.get(0).unwrap()).collect();
    assert_eq!(got, [i32::MIN, -3]);
}

#[tokio::test]
async fn malformed_copies_are_errors_not_panics() {
    let Some((_b, mut conn)) = raw_conn().await else {
        return;
    };
    conn.execute_script("DROP TABLE IF EXISTS lpc_shape; CREATE TABLE lpc_shape (a int8, b text)")
        .await
        .unwrap();
    let sql = copy_sql("lpc_shape", &["a", "b"]);
    // Values not a whole number of rows, or zero columns.
    let err = copy(&mut conn, &sql, 2, &[Value::I64(1)])
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidStatement, "{err}");
    let err = copy(&mut conn, &sql, 0, &[]).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidStatement, "{err}");
    // A probe that disagrees with the row width.
    let err = copy(&mut conn, &sql, 1, &[Value::I64(1)])
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidStatement, "{err}");
    // A missing table is the server's error.
    let missing = copy_sql("lpc_no_such_table", &["a"]);
    let err = copy(&mut conn, &missing, 1, &[Value::I64(1)])
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some("42P01"), "{err}");
    // No rows: nothing to do.
    assert_eq!(copy(&mut conn, &sql, 2, &[]).await.unwrap(), 0);
    // The connection still works.
    let ok = [Value::I64(1), Value::Text("x".into())];
    assert_eq!(copy(&mut conn, &sql, 2, &ok).await.unwrap(), 1);
}

#[tokio::test]
async fn copy_joins_the_open_transaction() {
    let Some((_b, mut conn)) = raw_conn().await else {
        return;
    };
    conn.execute_script("DROP TABLE IF EXISTS lpc_tx; CREATE TABLE lpc_tx (id int8 PRIMARY KEY)")
        .await
        .unwrap();
    let sql = copy_sql("lpc_tx", &["id"]);
    let ids = |r: std::ops::Range<i64>| r.map(Value::I64).collect::<Vec<_>>();

    conn.execute_script("BEGIN").await.unwrap();
    assert_eq!(copy(&mut conn, &sql, 1, &ids(0..100)).await.unwrap(), 100);
    conn.execute_script("ROLLBACK").await.unwrap();
    assert_eq!(count(&mut conn, "lpc_tx").await, 0);

    conn.execute_script("BEGIN").await.unwrap();
    assert_eq!(copy(&mut conn, &sql, 1, &ids(0..100)).await.unwrap(), 100);
    // A failed COPY aborts the transaction, as a failed INSERT would.
    let err = copy(&mut conn, &sql, 1, &ids(99..101)).await.unwrap_err();
    assert!(err.is_unique_violation(), "{err}");
    let err = conn.fetch_all("SELECT 1", &[]).await.unwrap_err();
    assert_eq!(err.code(), Some("25P02"), "{err}");
    conn.execute_script("ROLLBACK").await.unwrap();

    conn.execute_script("BEGIN").await.unwrap();
    assert_eq!(copy(&mut conn, &sql, 1, &ids(0..50)).await.unwrap(), 50);
    conn.execute_script("COMMIT").await.unwrap();
    assert_eq!(count(&mut conn, "lpc_tx").await, 50);
}

#[tokio::test]
async fn copy_follows_schema_changes_and_lost_statements() {
    let Some((_b, mut conn)) = raw_conn().await else {
        return;
    };
    conn.execute_script("DROP TABLE IF EXISTS lpc_alter; CREATE TABLE lpc_alter (id int4, v int8)")
        .await
        .unwrap();
    let sql = copy_sql("lpc_alter", &["id", "v"]);
    let rows = |id: i64, v: i64| [Value::I64(id), Value::I64(v)];
    assert_eq!(copy(&mut conn, &sql, 2, &rows(1, 3)).await.unwrap(), 1);
    assert_eq!(copy(&mut conn, &sql, 2, &rows(2, 4)).await.unwrap(), 1);

    // Same width, other type: an int8 written as before would be read as a float8's bits.
    conn.execute_script("ALTER TABLE lpc_alter ALTER COLUMN v TYPE float8")
        .await
        .unwrap();
    assert_eq!(copy(&mut conn, &sql, 2, &rows(3, 5)).await.unwrap(), 1);
    // The server forgot every prepared statement, including the cached COPY.
    conn.execute_script("DEALLOCATE ALL").await.unwrap();
    assert_eq!(copy(&mut conn, &sql, 2, &rows(4, 6)).await.unwrap(), 1);

    let got: Vec<f64> = conn
        .fetch_all("SELECT v FROM lpc_alter ORDER BY id", &[])
        .await
        .unwrap()
        .iter()
        .map(|r| r.get(0).unwrap())
        .collect();
    assert_eq!(got, [3.0, 4.0, 5.0, 6.0]);
}

#[tokio::test]
async fn copy_refused_at_start_closes_the_connection() {
    let Some(b) = backend().await else {
        return;
    };
    let mut conn = b.acquire().await.unwrap();
    conn.execute_script(
        "DROP TABLE IF EXISTS lpc_perm; CREATE TABLE lpc_perm (id int8); \
         DO $$ BEGIN CREATE ROLE lpc_reader; EXCEPTION WHEN duplicate_object THEN NULL; END $$; \
         GRANT SELECT ON lpc_perm TO lpc_reader",
    )
    .await
    .unwrap();
    let sql = copy_sql("lpc_perm", &["id"]);
    // The probe may read the table, the COPY may not write it: refused when it starts.
    conn.execute_script("SET ROLE lpc_reader").await.unwrap();
    let err = copy(&mut conn, &sql, 1, &[Value::I64(1)])
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some("42501"), "{err}");
    // The driver is out of step with the server after that: the session refuses more work
    // with a connection error, and the pool closes it.
    let err = conn.fetch_all("SELECT 1", &[]).await.unwrap_err();
    assert!(err.is_connection_error(), "{err}");
    drop(conn);
    assert_eq!(b.pool_state(), (0, 0));

    // Same in a read-only transaction.
    let mut conn = b.acquire().await.unwrap();
    conn.execute_script("BEGIN READ ONLY").await.unwrap();
    let err = copy(&mut conn, &sql, 1, &[Value::I64(1)])
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some("25006"), "{err}");
    let err = conn.execute_script("ROLLBACK").await.unwrap_err();
    assert!(err.is_connection_error(), "{err}");
    drop(conn);
    assert_eq!(b.pool_state(), (0, 0));

    // A new connection works.
    let mut conn = b.acquire().await.unwrap();
    assert_eq!(copy(&mut conn, &sql, 1, &[Value::I64(1)]).await.unwrap(), 1);
    assert_eq!(count(&mut conn, "lpc_perm").await, 1);
}

#[tokio::test]
async fn dropped_copy_discards_the_connection() {
    let Some(b) = backend().await else {
        return;
    };
    let Some(admin) = common::engine(URL_VAR).await else {
        return;
    };
    let mut conn = b.acquire().await.unwrap();
    conn.execute_script(
        "DROP TABLE IF EXISTS lpc_cancel; CREATE TABLE lpc_cancel (id int8, v int8)",
    )
    .await
    .unwrap();
    let pid: i32 = conn
        .fetch_all("SELECT pg_backend_pid()", &[])
        .await
        .unwrap()[0]
        .get(0)
        .unwrap();
    let sql = copy_sql("lpc_cancel", &["id", "v"]);
    let values: Vec<Value> = (0..1_000_000_i64)
        .flat_map(|i| [Value::I64(i), Value::I64(-i)])
        .collect();
    {
        let load = copy(&mut conn, &sql, 2, &values);
        // Drop the load once the server has received some rows of it.
        let watch = async {
            let start = Instant::now();
            loop {
                let n: i64 = admin
                    .fetch_scalar(q(
                        "SELECT coalesce(max(tuples_processed), 0) FROM pg_stat_progress_copy \
                         WHERE pid = $1",
                        vec![Value::I32(pid)],
                    ))
                    .await
                    .unwrap();
                if n > 0 {
                    break;
                }
                assert!(
                    start.elapsed() < Duration::from_secs(30),
                    "COPY never started"
                );
                tokio::time::sleep(Duration::from_millis(2)).await;
            }
        };
        tokio::select! {
            r = load => panic!("the COPY finished before it could be dropped: {r:?}"),
            () = watch => {}
        }
    }
    assert_eq!(b.pool_state().0, 1);
    drop(conn);
    // The pool closed the connection rather than taking it back mid-COPY.
    assert_eq!(b.pool_state(), (0, 0));
    common::wait_pg_backend_gone(&admin, pid).await;
    let n: i64 = admin
        .fetch_scalar("SELECT count(*) FROM lpc_cancel")
        .await
        .unwrap();
    assert_eq!(n, 0);
    // A fresh connection loads fine.
    let mut conn = b.acquire().await.unwrap();
    assert_eq!(
        copy(&mut conn, &sql, 2, &values[..2000]).await.unwrap(),
        1000
    );
}

// ---------------------------------------------------------------------------------------------
// Array parameters

/// An engine with a table of 200,000 rows `g` = 1..=200000: `i4 int4` (indexed), `i8 int8`,
/// `name text` (`'n' || g`), `vc varchar(20)` (`'v' || g`).
async fn array_engine(table: &str) -> Option<Engine> {
    let engine = common::engine(URL_VAR).await?;
    engine
        .execute_script(&format!(
            "DROP TABLE IF EXISTS {table}; \
             CREATE TABLE {table} (i4 int4, i8 int8, name text, vc varchar(20)); \
             INSERT INTO {table} SELECT g, g, 'n' || g, 'v' || g \
             FROM generate_series(1, 200000) g; \
             CREATE INDEX ON {table} (i4); ANALYZE {table}"
        ))
        .await
        .unwrap();
    Some(engine)
}

/// `count(*)` of `sql` with one array parameter.
async fn count_with(engine: &Engine, sql: &str, array: &[Value]) -> i64 {
    engine
        .fetch_scalar(q(sql, vec![Value::Array(array.to_vec())]))
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"))
}

#[tokio::test]
async fn any_with_100k_int8_values_against_int4_and_int8() {
    let Some(engine) = array_engine("lpc_any_int").await else {
        return;
    };
    let evens: Vec<Value> = (1..=100_000).map(|i| Value::I64(i * 2)).collect();
    let evens32: Vec<Value> = (1..=100_000).map(|i| Value::I32(i * 2)).collect();
    // Three runs: sent unnamed, then prepared, then from the statement cache.
    for _ in 0..3 {
        // int8[] against both columns (int4 = int8 is a cross-type operator PostgreSQL does
        // not hash: the int4 column is indexed, as an id column would be).
        for col in ["i4", "i8"] {
            let any = format!("SELECT count(*) FROM lpc_any_int WHERE {col} = ANY($1)");
            assert_eq!(count_with(&engine, &any, &evens).await, 100_000, "{col}");
        }
        let all = "SELECT count(*) FROM lpc_any_int WHERE i8 <> ALL($1)";
        assert_eq!(count_with(&engine, all, &evens).await, 100_000);
        // An int4[] against the int4 column: the same type, hashed.
        let all = "SELECT count(*) FROM lpc_any_int WHERE i4 <> ALL($1)";
        assert_eq!(count_with(&engine, all, &evens32).await, 100_000);
    }
    // `<> ALL` of an int8[] against the int4 column, on fewer rows (each row is compared with
    // the elements one by one).
    let all = "SELECT count(*) FROM lpc_any_int WHERE i4 <= 2000 AND i4 <> ALL($1)";
    assert_eq!(count_with(&engine, all, &evens).await, 1000);
    // Values beyond int4 compare fine against an int4 column (int4 = int8).
    let mixed = [Value::I64(7), Value::I64(1 << 40), Value::I32(9)];
    let any = "SELECT count(*) FROM lpc_any_int WHERE i4 = ANY($1)";
    assert_eq!(count_with(&engine, any, &mixed).await, 2);
    // int4 and int2 arrays work too, against either column.
    let small: Vec<Value> = (1..=1000).map(Value::I32).collect();
    assert_eq!(count_with(&engine, any, &small).await, 1000);
    let any8 = "SELECT count(*) FROM lpc_any_int WHERE i8 = ANY($1)";
    assert_eq!(count_with(&engine, any8, &small).await, 1000);
    let tiny: Vec<Value> = (1..=10).map(Value::I16).collect();
    assert_eq!(count_with(&engine, any8, &tiny).await, 10);
    // The rows themselves.
    let rows = engine
        .fetch_all(q(
            "SELECT i4, i8 FROM lpc_any_int WHERE i4 = ANY($1) ORDER BY i4 LIMIT 3",
            vec![Value::Array(evens.clone())],
        ))
        .await
        .unwrap();
    let got: Vec<(i32, i64)> = rows
        .iter()
        .map(|r| (r.get(0).unwrap(), r.get(1).unwrap()))
        .collect();
    assert_eq!(got, [(2, 2), (4, 4), (6, 6)]);
}

#[tokio::test]
async fn any_and_all_with_text_arrays() {
    let Some(engine) = array_engine("lpc_any_text").await else {
        return;
    };
    let names: Vec<Value> = (1..=100_000)
        .map(|i| Value::Text(format!("n{}", i * 2)))
        .collect();
    for _ in 0..3 {
        let any = "SELECT count(*) FROM lpc_any_text WHERE name = ANY($1)";
        assert_eq!(count_with(&engine, any, &names).await, 100_000);
        let all = "SELECT count(*) FROM lpc_any_text WHERE name <> ALL($1)";
        assert_eq!(count_with(&engine, all, &names).await, 100_000);
    }
    // A varchar column against text[]; NULL and unicode elements.
    let some = [
        Value::Text("v1".into()),
        Value::Null(ValueType::Text),
        Value::Text("v200000".into()),
        Value::Text("ü🦀".into()),
    ];
    let any = "SELECT count(*) FROM lpc_any_text WHERE vc = ANY($1)";
    assert_eq!(count_with(&engine, any, &some).await, 2);
    // SQL semantics: `<> ALL` of an array holding a NULL is never true.
    let all = "SELECT count(*) FROM lpc_any_text WHERE vc <> ALL($1)";
    assert_eq!(count_with(&engine, all, &some).await, 0);
    assert_eq!(count_with(&engine, all, &some[..1]).await, 199_999);
}

#[tokio::test]
async fn empty_arrays_take_the_statement_type() {
    let Some(engine) = array_engine("lpc_any_empty").await else {
        return;
    };
    for _ in 0..3 {
        for col in ["i4", "i8", "name", "vc"] {
            let any = format!("SELECT count(*) FROM lpc_any_empty WHERE {col} = ANY($1)");
            assert_eq!(count_with(&engine, &any, &[]).await, 0, "{col}");
            let all = format!("SELECT count(*) FROM lpc_any_empty WHERE {col} <> ALL($1)");
            assert_eq!(count_with(&engine, &all, &[]).await, 200_000, "{col}");
        }
    }
    // A NULL array: `x = ANY(NULL)` is NULL.
    let n: i64 = engine
        .fetch_scalar(q(
            "SELECT count(*) FROM lpc_any_empty WHERE i4 = ANY($1)",
            vec![Value::Null(ValueType::Array)],
        ))
        .await
        .unwrap();
    assert_eq!(n, 0);
    // Only NULLs, typed: an int8[] of NULLs.
    let nulls = vec![Value::Null(ValueType::I64); 3];
    let any = "SELECT count(*) FROM lpc_any_empty WHERE i4 = ANY($1)";
    assert_eq!(count_with(&engine, any, &nulls).await, 0);
}

#[tokio::test]
async fn arrays_of_every_type_round_trip() {
    let Some(engine) = common::engine(URL_VAR).await else {
        return;
    };
    let ts: Timestamp = "2024-02-29 13:45:07.123456".parse().unwrap();
    let dec = |s: &str| Value::Decimal(s.parse::<Decimal>().unwrap());
    let arrays = [
        vec![
            Value::Bool(true),
            Value::Null(ValueType::Bool),
            Value::Bool(false),
        ],
        vec![Value::I16(-3), Value::I16(i16::MAX)],
        vec![Value::I32(i32::MIN), Value::Null(ValueType::I32)],
        vec![Value::I64(i64::MAX), Value::I64(0)],
        vec![Value::F32(1.5), Value::F32(f32::INFINITY)],
        vec![Value::F64(-0.25), Value::F64(1e300)],
        vec![
            Value::Text("é🦀".into()),
            Value::Text(String::new()),
            Value::Text("a,b{\"}".into()),
        ],
        vec![Value::Bytes(vec![0, 255, 1]), Value::Bytes(vec![])],
        vec![
            Value::Date(ts.date),
            Value::Date("0001-01-01".parse().unwrap()),
        ],
        vec![Value::Time(ts.time)],
        vec![Value::Timestamp(ts)],
        vec![Value::TimestampTz(ts)],
        vec![Value::Uuid(Uuid([7; 16])), Value::Null(ValueType::Uuid)],
        vec![
            Value::Json("{\"a\": [1, 2]}".into()),
            Value::Json("null".into()),
        ],
        vec![
            dec("12.50"),
            dec("-0.001"),
            dec("123456789012345678901234567890"),
        ],
    ];
    for items in arrays {
        let v = Value::Array(items);
        for _ in 0..2 {
            let row = engine
                .fetch_one(q("SELECT $1 AS a", vec![v.clone()]))
                .await
                .unwrap_or_else(|e| panic!("{v:?}: {e}"));
            assert_eq!(row.value(0).unwrap(), &v);
        }
    }
    // Arrays built by the server decode too; multi-dimensional ones are a decode error.
    let row = engine
        .fetch_one(
            "SELECT ARRAY[1, NULL, 3]::int4[] AS a, '{}'::text[] AS e, NULL::int8[] AS n, \
             ARRAY['sad']::text[] AS t",
        )
        .await
        .unwrap();
    assert_eq!(
        row.into_values(),
        [
            Value::Array(vec![
                Value::I32(1),
                Value::Null(ValueType::I32),
                Value::I32(3)
            ]),
            Value::Array(vec![]),
            Value::Null(ValueType::Array),
            Value::Array(vec![Value::Text("sad".into())]),
        ]
    );
    let err = engine
        .fetch_one("SELECT ARRAY[[1, 2], [3, 4]] AS m")
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Decode, "{err}");
}

#[tokio::test]
async fn bad_array_parameters_are_errors() {
    let Some(engine) = common::engine(URL_VAR).await else {
        return;
    };
    let mixed = Value::Array(vec![Value::I64(1), Value::Text("a".into())]);
    let err = engine
        .fetch_all(q("SELECT 1 WHERE 1 = ANY($1)", vec![mixed]))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidStatement, "{err}");
    let nested = Value::Array(vec![Value::Array(vec![Value::I64(1)])]);
    let err = engine
        .fetch_all(q("SELECT 1 WHERE 1 = ANY($1)", vec![nested]))
        .await
        .unwrap_err();
    assert!(err.is_unsupported(), "{err}");
    // A text[] against an int column is the server's type error, as for a scalar.
    let err = engine
        .fetch_all(q(
            "SELECT 1 WHERE 1 = ANY($1)",
            vec![Value::Array(vec![Value::Text("1".into())])],
        ))
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some("42883"), "{err}");
    let n: i64 = engine.fetch_scalar("SELECT 2::int8").await.unwrap();
    assert_eq!(n, 2);
}
