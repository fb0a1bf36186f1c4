//! Executor scenarios every backend must pass, each written once and run on every live engine
//! (SQLite always; PostgreSQL and MariaDB when their URLs are set, always in CI). A scenario
//! asks what kind of database it talks to (a server or an embedded database, what the dialect's
//! features say), never which one, and every failure message names the backend. What belongs to
//! one backend (its catalog, protocol, native codes in context, URL options) stays in that
//! backend's `live_exec_*` / `live_ddl_*` file.
//!
//! Every table starts with `qeng_`; tests in this binary run concurrently.

mod common;

use common::session;
use quarry::dialect::{AutoIncrementStyle, Returning, SqlWriter};
use quarry::value::{Date, Decimal, Time, Timestamp, Utc, Uuid};
use quarry::Executor;
use quarry::{
    sql, ColumnDef, Dialect, Engine, ErrorKind, IsolationLevel, MetaData, Row, SqlType, Table,
    TxOptions, Value, ValueType,
};
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// Names the backend a scenario now runs on (shown with the output of a failing test, so that
/// any failure, an `unwrap` included, is placed on its backend) and returns its name.
fn on(test: &str, engine: &Engine) -> &'static str {
    let be = engine.backend_name();
    eprintln!("{test} on {be}");
    be
}

/// An engine over a pool of its own, built from `url` and `builder`.
async fn own_engine(url: &str, builder: quarry::EngineBuilder) -> Engine {
    builder
        .connect(url)
        .await
        .unwrap_or_else(|e| panic!("cannot connect to {url}: {e}"))
}

/// Drops and creates `md`.
async fn fresh(engine: &Engine, md: &MetaData) {
    let be = engine.backend_name();
    engine
        .drop_all(md)
        .await
        .unwrap_or_else(|e| panic!("{be}: drop_all: {e}"));
    engine
        .create_all(md)
        .await
        .unwrap_or_else(|e| panic!("{be}: create_all: {e}"));
}

/// A pool of one whose connection is held: the next checkout fails with a pool timeout after
/// about the configured 200 ms (neither at once nor much later), a statement too, and the pool
/// serves again once the connection comes back.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pool_timeout_is_prompt() {
    for url in common::live_urls() {
        let engine = own_engine(
            &url,
            Engine::builder()
                .max_size(1)
                .connection_timeout(Duration::from_millis(200)),
        )
        .await;
        let be = on("pool_timeout_is_prompt", &engine);
        let held = engine.acquire().await.unwrap();
        let start = Instant::now();
        let err = engine.acquire().await.unwrap_err();
        let waited = start.elapsed();
        assert_eq!(err.kind(), ErrorKind::PoolTimeout, "{be}: {err}");
        assert!(waited >= Duration::from_millis(150), "{be}: {waited:?}");
        // Prompt, not a wait for the held connection; generous for a loaded machine.
        assert!(waited < Duration::from_secs(3), "{be}: {waited:?}");
        let err = engine.fetch_scalar::<i64>("SELECT 1").await.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::PoolTimeout, "{be}: {err}");
        drop(held);
        let one: i64 = engine.fetch_scalar("SELECT 1").await.unwrap();
        assert_eq!(one, 1, "{be}");
        assert_eq!(engine.pool_state(), (1, 1), "{be}");
    }
}

/// `url` (`scheme://user@host:port/db?…`) with its host and port replaced by `host_port`.
fn with_host_port(url: &str, host_port: &str) -> String {
    let (scheme, rest) = url.split_once("://").expect("a server URL");
    let (authority, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
    match authority.rsplit_once('@') {
        Some((user, _)) => format!("{scheme}://{user}@{host_port}{path}"),
        None => format!("{scheme}://{host_port}{path}"),
    }
}

/// `url` (`scheme://user@host:port/db?…`) naming database `db` instead.
fn with_database(url: &str, db: &str) -> String {
    let (scheme, rest) = url.split_once("://").expect("a server URL");
    let (authority, path) = rest.split_at(rest.find('/').expect("a database in the URL"));
    let query = path.find('?').map_or("", |i| &path[i..]);
    format!("{scheme}://{authority}/{db}{query}")
}

/// Every backend refuses a URL option it does not know, as a configuration error. A server
/// that does not listen fails fast with a connection error, as does one that refuses the
/// database; a port that is not a number is a configuration error. (SQLite's equivalents, a
/// missing file and a bad directory, are in `live_exec_sqlite.rs`.)
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unreachable_server_is_a_connection_error() {
    for url in common::live_urls() {
        let engine = Engine::connect(&url).await.unwrap();
        let be = on("an_unreachable_server_is_a_connection_error", &engine);
        let err = Engine::connect(&common::with_param(&url, "no_such_option=1"))
            .await
            .unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Configuration, "{be}: {err}");
        if session::server(engine.dialect()).is_none() {
            continue;
        }
        let start = Instant::now();
        let err = Engine::connect(&with_host_port(&url, "127.0.0.1:1"))
            .await
            .unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Connection, "{be}: {err}");
        assert!(
            start.elapsed() < Duration::from_secs(10),
            "{be}: took {:?}",
            start.elapsed()
        );
        let err = Engine::connect(&with_database(&url, "quarry_no_such_database"))
            .await
            .unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Connection, "{be}: {err}");
        let err = Engine::connect(&with_host_port(&url, "127.0.0.1:notaport"))
            .await
            .unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Configuration, "{be}: {err}");
    }
}

/// A session the server ends, on a pool of one. Checked out: its next statement fails as a
/// connection error and the connection is not pooled again. Idle in the pool: the next call
/// runs on a live session or reports the loss (a statement that may have reached the server is
/// never run twice), and the call after it runs; a transaction's BEGIN moves to a live session.
/// The pool then serves every call with its one connection.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_session_ended_by_the_server_is_a_connection_error_and_replaced() {
    for url in common::live_urls() {
        let engine = own_engine(&url, Engine::builder().max_size(1)).await;
        let Some(server) = session::server(engine.dialect()) else {
            continue;
        };
        let be = on(
            "a_session_ended_by_the_server_is_a_connection_error_and_replaced",
            &engine,
        );
        let admin = Engine::connect(&url).await.unwrap();

        // Ended while checked out.
        let mut conn = engine.acquire().await.unwrap();
        let held = server.session_id(&mut conn).await;
        server.kill(&admin, held).await;
        let err = conn.fetch_scalar::<i64>("SELECT 1").await.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Connection, "{be}: {err}");
        drop(conn);
        let mut conn = engine.acquire().await.unwrap();
        let second = server.session_id(&mut conn).await;
        assert_ne!(second, held, "{be}: a dead connection was pooled again");
        drop(conn);
        assert_eq!(engine.pool_state().0, 1, "{be}");

        // Ended while idle in the pool.
        server.kill(&admin, second).await;
        match engine.fetch_scalar::<i64>("SELECT 1").await {
            Ok(one) => assert_eq!(one, 1, "{be}"),
            Err(e) => assert_eq!(e.kind(), ErrorKind::Connection, "{be}: {e}"),
        }
        let one: i64 = engine
            .fetch_scalar("SELECT 1")
            .await
            .unwrap_or_else(|e| panic!("{be}: the pool did not replace the session: {e}"));
        assert_eq!(one, 1, "{be}");
        let mut conn = engine.acquire().await.unwrap();
        let third = server.session_id(&mut conn).await;
        assert_ne!(third, second, "{be}");
        drop(conn);

        // A transaction's BEGIN moves to a live session.
        server.kill(&admin, third).await;
        let mut tx = engine
            .begin()
            .await
            .unwrap_or_else(|e| panic!("{be}: BEGIN after the session ended: {e}"));
        let fourth = server.session_id(&mut tx).await;
        assert_ne!(fourth, third, "{be}");
        tx.commit().await.unwrap();

        for _ in 0..12 {
            let one: i64 = engine.fetch_scalar("SELECT 1").await.unwrap();
            assert_eq!(one, 1, "{be}");
        }
        assert_eq!(engine.pool_state(), (1, 1), "{be}");
    }
}

/// Streams dropped before their end, on a pool of one. A borrowed connection goes on at once
/// (the rest of the result is read and dropped first; inside a transaction the work is kept),
/// and a stream read to its end hands its connection back for reuse. On a server, where the
/// rest of a result is in flight on the wire, a connection returned to the pool with a stream
/// cut short is closed rather than make the next user wait for it. Whatever happened, the next
/// user gets a connection outside any transaction that sees only its own results.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_dropped_stream_leaves_a_clean_pool() {
    for url in common::live_urls() {
        let engine = own_engine(&url, Engine::builder().max_size(1)).await;
        let be = on("a_dropped_stream_leaves_a_clean_pool", &engine);
        let d = engine.dialect();
        let on_a_wire = session::server(d).is_some();
        let big = session::series(d, 200_000);

        // Borrowed, dropped after three rows: the same connection goes on, clean.
        let mut conn = engine.acquire().await.unwrap();
        let first = session::session_id(&mut conn).await;
        {
            let mut rows = conn.stream(big.as_str()).await.unwrap();
            for want in 1..=3_i64 {
                let row = rows.next().await.unwrap().unwrap();
                assert_eq!(row.get::<i64>("n").unwrap(), want, "{be}");
            }
        }
        let v: i64 = conn
            .fetch_scalar(sql("SELECT :x").bind("x", 42_i64))
            .await
            .unwrap();
        assert_eq!(v, 42, "{be}");
        assert!(!common::in_transaction(&mut conn).await, "{be}");
        assert_eq!(session::session_id(&mut conn).await, first, "{be}");

        // Inside a transaction: the work before and after the dropped stream is kept.
        conn.execute("CREATE TEMPORARY TABLE qeng_stream_tmp (a INTEGER)")
            .await
            .unwrap();
        let mut tx = conn.begin().await.unwrap();
        tx.execute("INSERT INTO qeng_stream_tmp (a) VALUES (1)")
            .await
            .unwrap();
        {
            let mut rows = tx.stream(big.as_str()).await.unwrap();
            rows.next().await.unwrap().unwrap();
        }
        tx.execute("INSERT INTO qeng_stream_tmp (a) VALUES (2)")
            .await
            .unwrap();
        tx.commit().await.unwrap();
        let n: i64 = conn
            .fetch_scalar("SELECT COUNT(*) FROM qeng_stream_tmp")
            .await
            .unwrap();
        assert_eq!(n, 2, "{be}");
        assert_eq!(session::session_id(&mut conn).await, first, "{be}");
        conn.execute("DROP TABLE qeng_stream_tmp").await.unwrap();

        // Dropped early, then the connection goes back to the pool.
        {
            let mut rows = conn.stream(big.as_str()).await.unwrap();
            rows.next().await.unwrap().unwrap();
        }
        drop(conn);
        let mut conn = engine.acquire().await.unwrap();
        assert!(!common::in_transaction(&mut conn).await, "{be}");
        let kept = session::session_id(&mut conn).await;
        if on_a_wire {
            assert_ne!(
                kept, first,
                "{be}: a connection returned with rows in flight was pooled again"
            );
        }
        drop(conn);

        // Read to its end: the connection goes back to the pool and is reused.
        let mut rows = engine.stream(session::series(d, 1000)).await.unwrap();
        let (mut n, mut sum) = (0, 0_i64);
        while let Some(row) = rows.next().await {
            sum += row.unwrap().get::<i64>(0).unwrap();
            n += 1;
        }
        drop(rows);
        assert_eq!((n, sum), (1000, 500_500), "{be}");
        assert_eq!(
            session::engine_session_id(&engine).await,
            kept,
            "{be}: a stream read to its end returns its connection"
        );

        // Owned streams dropped early, five times: later calls see only their own results.
        for _ in 0..5 {
            let mut rows = engine.stream(big.as_str()).await.unwrap();
            for want in 1..=3_i64 {
                let row = rows.next().await.unwrap().unwrap();
                assert_eq!(row.get::<i64>("n").unwrap(), want, "{be}");
            }
        }
        for i in 0..5_i64 {
            let v: i64 = engine
                .fetch_scalar(sql("SELECT :v * 2").bind("v", i))
                .await
                .unwrap();
            assert_eq!(v, i * 2, "{be}");
        }
        let mut conn = engine.acquire().await.unwrap();
        assert!(!common::in_transaction(&mut conn).await, "{be}");
        let last = session::session_id(&mut conn).await;
        if on_a_wire {
            assert_ne!(
                last, kept,
                "{be}: a stream dropped early closes its connection"
            );
        }
        drop(conn);
        assert_eq!(engine.pool_state().0, 1, "{be}");
    }
}

/// Whether the dialect can open a transaction with `options` (SQLite's transactions are all
/// serializable and read-write).
fn can_begin(dialect: &dyn Dialect, options: &TxOptions) -> bool {
    let mut w = SqlWriter::new(dialect);
    dialect.write_begin(&mut w, options).is_ok()
}

/// Opens a transaction with `options` that the dialect refuses: it must be refused as
/// unsupported, before anything reaches the database.
async fn assert_refused(engine: &Engine, options: TxOptions, what: &str) {
    let be = engine.backend_name();
    match engine.begin_with(options).await {
        Ok(_) => panic!("{be}: {what} accepted though the dialect refuses it"),
        Err(e) => assert!(e.is_unsupported(), "{be}: {what}: {e}"),
    }
}

/// Isolation levels and read-only transactions do what they say where the dialect offers them
/// and are refused as unsupported where it does not: READ COMMITTED reads another
/// transaction's commit, REPEATABLE READ keeps its snapshot, SERIALIZABLE runs, a read-only
/// transaction reads and refuses to write (alone and with SERIALIZABLE), and afterwards the
/// pool writes again with the data as it was.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn isolation_levels_and_read_only_transactions() {
    for engine in common::all_engines().await {
        let be = on("isolation_levels_and_read_only_transactions", &engine);
        let d = engine.dialect();
        let md = MetaData::new().with(
            Table::new("qeng_iso")
                .column(ColumnDef::new("id", SqlType::Integer).primary_key())
                .column(ColumnDef::new("v", SqlType::Integer).not_null()),
        );
        fresh(&engine, &md).await;
        engine
            .execute("INSERT INTO qeng_iso (id, v) VALUES (1, 10), (2, 20), (3, 30)")
            .await
            .unwrap();
        let count = "SELECT COUNT(*) FROM qeng_iso";

        let mut conn = engine.acquire().await.unwrap();
        assert!(!common::in_transaction(&mut conn).await, "{be}");
        let mut tx = conn.begin().await.unwrap();
        assert!(common::in_transaction(&mut tx).await, "{be}");
        tx.rollback().await.unwrap();
        assert!(!common::in_transaction(&mut conn).await, "{be}");
        drop(conn);

        // Another connection commits between two reads of one transaction.
        let read = "SELECT v FROM qeng_iso WHERE id = 1";
        for (level, sees_commits) in [
            (IsolationLevel::ReadCommitted, true),
            (IsolationLevel::RepeatableRead, false),
        ] {
            let options = TxOptions::default().isolation(level);
            if !can_begin(d, &options) {
                assert_refused(&engine, options, &format!("{level:?}")).await;
                continue;
            }
            let mut tx = engine.begin_with(options).await.unwrap();
            let before: i64 = tx.fetch_scalar(read).await.unwrap();
            engine
                .execute("UPDATE qeng_iso SET v = v + 1 WHERE id = 1")
                .await
                .unwrap();
            let after: i64 = tx.fetch_scalar(read).await.unwrap();
            if sees_commits {
                assert_eq!(after, before + 1, "{be}: {level:?} reads the latest commit");
            } else {
                assert_eq!(after, before, "{be}: {level:?} keeps its snapshot");
            }
            tx.commit().await.unwrap();
        }
        let serializable = TxOptions::default().isolation(IsolationLevel::Serializable);
        assert!(can_begin(d, &serializable), "{be}: SERIALIZABLE");
        let mut tx = engine.begin_with(serializable).await.unwrap();
        let n: i64 = tx.fetch_scalar(count).await.unwrap();
        assert_eq!(n, 3, "{be}");
        tx.commit().await.unwrap();

        let insert = |id: i32| {
            sql("INSERT INTO qeng_iso (id, v) VALUES (:id, :v)")
                .bind("id", id)
                .bind("v", id * 10)
        };
        let read_only = TxOptions::default().read_only();
        if can_begin(d, &read_only) {
            let mut ro = engine.begin_with(read_only).await.unwrap();
            let n: i64 = ro.fetch_scalar(count).await.unwrap();
            assert_eq!(n, 3, "{be}");
            let err = ro.execute(insert(4)).await.unwrap_err();
            assert_eq!(err.kind(), ErrorKind::Database, "{be}: read-only: {err}");
            ro.rollback().await.unwrap();
            let both = TxOptions::default()
                .isolation(IsolationLevel::Serializable)
                .read_only();
            let mut tx = engine.begin_with(both).await.unwrap();
            let err = tx.execute("DELETE FROM qeng_iso").await.unwrap_err();
            assert_eq!(err.kind(), ErrorKind::Database, "{be}: read-only: {err}");
            tx.rollback().await.unwrap();
        } else {
            assert_refused(&engine, read_only, "a read-only transaction").await;
        }
        // Outside those transactions the pool writes again; the failed writes left nothing.
        assert_eq!(engine.execute(insert(4)).await.unwrap(), 1, "{be}");
        let n: i64 = engine.fetch_scalar(count).await.unwrap();
        assert_eq!(n, 4, "{be}");
        engine.drop_all(&md).await.unwrap();
    }
}

/// On a server, two transactions that lock two rows in opposite orders deadlock: exactly one
/// is chosen as the victim, with a retryable deadlock error and the server's code. Then
/// `Engine::transaction` runs a deadlocked attempt again and commits: the first attempt's
/// transaction waits first and has done less work than the other one, so both PostgreSQL
/// (which aborts the transaction that waited first) and InnoDB (which aborts the smaller one)
/// choose it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn deadlocks_are_retryable_and_retried() {
    for engine in common::all_engines().await {
        let Some(server) = session::server(engine.dialect()) else {
            continue;
        };
        let be = on("deadlocks_are_retryable_and_retried", &engine);
        let md = MetaData::new()
            .with(
                Table::new("qeng_dead")
                    .column(ColumnDef::new("id", SqlType::Integer).primary_key())
                    .column(ColumnDef::new("v", SqlType::BigInt).not_null()),
            )
            .with(
                Table::new("qeng_dead_pad")
                    .column(ColumnDef::new("n", SqlType::BigInt).primary_key()),
            );
        fresh(&engine, &md).await;
        engine
            .execute("INSERT INTO qeng_dead (id, v) VALUES (1, 0), (2, 0)")
            .await
            .unwrap();

        let mut t1 = engine.begin().await.unwrap();
        let mut t2 = engine.begin().await.unwrap();
        t1.execute("UPDATE qeng_dead SET v = 1 WHERE id = 1")
            .await
            .unwrap();
        t2.execute("UPDATE qeng_dead SET v = 2 WHERE id = 2")
            .await
            .unwrap();
        let (r1, r2) = tokio::join!(
            t1.execute("UPDATE qeng_dead SET v = 1 WHERE id = 2"),
            async {
                tokio::time::sleep(Duration::from_millis(100)).await;
                t2.execute("UPDATE qeng_dead SET v = 2 WHERE id = 1").await
            }
        );
        let errors: Vec<quarry::Error> = [r1, r2].into_iter().filter_map(Result::err).collect();
        assert_eq!(errors.len(), 1, "{be}: {errors:?}");
        let e = &errors[0];
        assert_eq!(e.kind(), ErrorKind::Deadlock, "{be}: {e}");
        assert_eq!(e.code(), Some(server.deadlock_code()), "{be}: {e}");
        assert!(e.is_retryable(), "{be}: {e}");
        t1.rollback().await.unwrap();
        t2.rollback().await.unwrap();

        engine.execute("UPDATE qeng_dead SET v = 0").await.unwrap();
        let pad = format!(
            "INSERT INTO qeng_dead_pad (n) SELECT n FROM ({}) AS s",
            session::series(engine.dialect(), 300)
        );
        let attempts = Arc::new(AtomicU32::new(0));
        let first_error = Arc::new(Mutex::new(None));
        let (outer, counter, seen) = (engine.clone(), attempts.clone(), first_error.clone());
        let total: i64 = engine
            .transaction(TxOptions::default(), 3, move |tx| {
                let (engine, counter, seen, pad) =
                    (outer.clone(), counter.clone(), seen.clone(), pad.clone());
                Box::pin(async move {
                    let attempt = counter.fetch_add(1, Ordering::SeqCst) + 1;
                    tx.execute("UPDATE qeng_dead SET v = v + 1 WHERE id = 1")
                        .await?;
                    const BLOCKED: &str = "UPDATE qeng_dead SET v = v + 1 WHERE id = 2";
                    if attempt == 1 {
                        let victim = server.session_id(tx).await;
                        let (locked, row2_locked) = tokio::sync::oneshot::channel();
                        let other = tokio::spawn(async move {
                            let mut t = engine.begin().await.unwrap();
                            t.execute(pad.as_str()).await.unwrap();
                            t.execute("UPDATE qeng_dead SET v = v + 100 WHERE id = 2")
                                .await
                                .unwrap();
                            let _ = locked.send(());
                            // Once the first attempt waits for row 2, ask for row 1.
                            server.wait_for_lock_wait(&engine, victim, BLOCKED).await;
                            t.execute("UPDATE qeng_dead SET v = v + 100 WHERE id = 1")
                                .await
                                .unwrap();
                            t.commit().await.unwrap();
                        });
                        row2_locked.await.expect("row 2 locked");
                        let deadlocked = tx.execute(BLOCKED).await;
                        // The server rolled this attempt back: the other one goes through.
                        other.await.expect("the other transaction");
                        let e = deadlocked.expect_err("no deadlock on the first attempt");
                        *seen.lock().unwrap() = Some((e.kind(), e.code().map(str::to_owned)));
                        return Err(e);
                    }
                    tx.execute(BLOCKED).await?;
                    let vs: Vec<(i64,)> = tx
                        .fetch_all_as("SELECT v FROM qeng_dead ORDER BY id")
                        .await?;
                    Ok(vs.iter().map(|(v,)| v).sum())
                })
            })
            .await
            .unwrap_or_else(|e| panic!("{be}: {e}"));
        assert_eq!(
            *first_error.lock().unwrap(),
            Some((ErrorKind::Deadlock, Some(server.deadlock_code().to_owned()))),
            "{be}: the first attempt's error"
        );
        assert_eq!(
            attempts.load(Ordering::SeqCst),
            2,
            "{be}: one deadlock, one retry"
        );
        assert_eq!(total, 101 + 101, "{be}");
        let rows: Vec<(i32, i64)> = engine
            .fetch_all_as("SELECT id, v FROM qeng_dead ORDER BY id")
            .await
            .unwrap();
        assert_eq!(rows, [(1, 101), (2, 101)], "{be}");
        engine.drop_all(&md).await.unwrap();
    }
}

/// `execute_result` reports the key an INSERT generated where keys are AUTO_INCREMENT or rowid
/// columns, and none where they are identity columns (RETURNING is the way there; it hands the
/// key back on every backend that has it). Statements that generate no key report none.
/// (Which key a multi-row INSERT reports is the backend's own rule: see its `live_exec_*`.)
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn last_insert_id_is_reported_unless_keys_are_identity_columns() {
    for engine in common::all_engines().await {
        let be = on(
            "last_insert_id_is_reported_unless_keys_are_identity_columns",
            &engine,
        );
        let f = engine.dialect().features();
        let reported = f.autoincrement != AutoIncrementStyle::Identity;
        let id = |n: i64| reported.then_some(n);
        let md = MetaData::new().with(
            Table::new("qeng_auto")
                .column(
                    ColumnDef::new("id", SqlType::BigInt)
                        .primary_key()
                        .autoincrement(),
                )
                .column(ColumnDef::new("name", SqlType::Varchar(20)).not_null()),
        );
        fresh(&engine, &md).await;
        let r = engine
            .execute_result(sql("INSERT INTO qeng_auto (name) VALUES (:n)").bind("n", "a"))
            .await
            .unwrap();
        assert_eq!((r.rows_affected, r.last_insert_id), (1, id(1)), "{be}");
        let r = engine
            .execute_result("INSERT INTO qeng_auto (name) VALUES ('b')")
            .await
            .unwrap();
        assert_eq!((r.rows_affected, r.last_insert_id), (1, id(2)), "{be}");
        if f.returning != Returning::None {
            let key: i64 = engine
                .fetch_scalar(
                    sql("INSERT INTO qeng_auto (name) VALUES (:n) RETURNING id").bind("n", "c"),
                )
                .await
                .unwrap();
            assert_eq!(key, 3, "{be}: RETURNING");
        }
        let r = engine
            .execute_result("INSERT INTO qeng_auto (id, name) VALUES (1000000000000, 'big')")
            .await
            .unwrap();
        assert_eq!(r.last_insert_id, id(1_000_000_000_000), "{be}");
        let r = engine
            .execute_result(sql("UPDATE qeng_auto SET name = :n WHERE id <= 2").bind("n", "z"))
            .await
            .unwrap();
        assert_eq!((r.rows_affected, r.last_insert_id), (2, None), "{be}");
        let r = engine
            .execute_result("DELETE FROM qeng_auto WHERE id = 1000000000000")
            .await
            .unwrap();
        assert_eq!((r.rows_affected, r.last_insert_id), (1, None), "{be}");
        engine.drop_all(&md).await.unwrap();
    }
}

/// One row of the round-trip table, as Rust values (`None`: a typed NULL).
#[derive(Clone, Debug, Default)]
struct Expected {
    b: Option<bool>,
    i16: Option<i16>,
    i32: Option<i32>,
    i64: Option<i64>,
    f32: Option<f32>,
    f64: Option<f64>,
    txt: Option<String>,
    vc: Option<String>,
    bl: Option<Vec<u8>>,
    d: Option<Date>,
    tm: Option<Time>,
    ts: Option<Timestamp>,
    tz: Option<Timestamp>,
    u: Option<Uuid>,
    j: Option<serde_json::Value>,
    num: Option<Decimal>,
}

/// The round-trip table's columns after `k`, in order.
const TYPE_COLUMNS: [&str; 16] = [
    "b", "i16", "i32", "i64", "f32", "f64", "txt", "vc", "bl", "d", "tm", "ts", "tz", "u", "j",
    "num",
];

impl Expected {
    /// The values to bind, in [`TYPE_COLUMNS`] order.
    fn params(&self) -> Vec<Value> {
        vec![
            self.b.into(),
            self.i16.into(),
            self.i32.into(),
            self.i64.into(),
            self.f32.into(),
            self.f64.into(),
            self.txt.clone().into(),
            self.vc.clone().into(),
            self.bl.clone().into(),
            self.d.into(),
            self.tm.into(),
            self.ts.into(),
            self.tz
                .map_or(Value::Null(ValueType::TimestampTz), Value::TimestampTz),
            self.u.into(),
            self.j
                .as_ref()
                .map_or(Value::Null(ValueType::Json), |j| Value::Json(j.to_string())),
            self.num.clone().into(),
        ]
    }

    /// Checks a row read back, each cell decoded as its Rust type.
    fn check(&self, row: &Row, how: &str) {
        fn cell<T: quarry::FromValue>(row: &Row, col: &str, how: &str) -> Option<T> {
            row.get::<Option<T>>(col)
                .unwrap_or_else(|e| panic!("{how}: decode {col}: {e}"))
        }
        assert_eq!(cell::<bool>(row, "b", how), self.b, "{how}: b");
        assert_eq!(cell::<i16>(row, "i16", how), self.i16, "{how}: i16");
        assert_eq!(cell::<i32>(row, "i32", how), self.i32, "{how}: i32");
        assert_eq!(cell::<i64>(row, "i64", how), self.i64, "{how}: i64");
        assert_eq!(cell::<f32>(row, "f32", how), self.f32, "{how}: f32");
        assert_eq!(cell::<f64>(row, "f64", how), self.f64, "{how}: f64");
        assert_eq!(cell::<String>(row, "txt", how), self.txt, "{how}: txt");
        assert_eq!(cell::<String>(row, "vc", how), self.vc, "{how}: vc");
        let bl = cell::<Vec<u8>>(row, "bl", how);
        assert!(bl == self.bl, "{how}: bl differs");
        assert_eq!(cell::<Date>(row, "d", how), self.d, "{how}: d");
        assert_eq!(cell::<Time>(row, "tm", how), self.tm, "{how}: tm");
        assert_eq!(cell::<Timestamp>(row, "ts", how), self.ts, "{how}: ts");
        assert_eq!(cell::<Utc>(row, "tz", how), self.tz.map(Utc), "{how}: tz");
        assert_eq!(cell::<Uuid>(row, "u", how), self.u, "{how}: u");
        assert_eq!(cell::<serde_json::Value>(row, "j", how), self.j, "{how}: j");
        assert_eq!(cell::<Decimal>(row, "num", how), self.num, "{how}: num");
    }
}

/// Rows of every SQL type at the edges every backend shares, typed NULLs included, bound as
/// parameters and read back through `fetch_all` and a stream; bound values compare with the
/// stored ones on the server side. (Each backend's own edges, such as PostgreSQL's infinities
/// and year 1 or MariaDB's 40-digit decimals, are in its `live_exec_*` file; one value at a
/// time, bound and as a literal, in `live_exec.rs`.)
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rows_of_every_type_round_trip_at_the_shared_edges() {
    let d = |s: &str| s.parse::<Date>().unwrap();
    let t = |s: &str| s.parse::<Time>().unwrap();
    let ts = |s: &str| s.parse::<Timestamp>().unwrap();
    let dec = |s: &str| s.parse::<Decimal>().unwrap();
    let json = |s: &str| serde_json::from_str::<serde_json::Value>(s).unwrap();
    let mebibyte: Vec<u8> = (0..1024 * 1024).map(|i| (i * 7 % 256) as u8).collect();
    let rows = vec![
        Expected {
            b: Some(true),
            i16: Some(i16::MIN),
            i32: Some(i32::MIN),
            i64: Some(i64::MIN),
            f32: Some(-1.5),
            f64: Some(-1.25e300),
            txt: Some("🦀 4-byte emoji 𝄞 and é".into()),
            vc: Some(String::new()),
            bl: Some(mebibyte.clone()),
            d: Some(d("1000-01-01")),
            tm: Some(t("00:00:00")),
            ts: Some(ts("1000-01-01 00:00:00.000001")),
            tz: Some(ts("1970-01-01 00:00:00")),
            u: Some(Uuid([0; 16])),
            j: Some(json("[]")),
            num: Some(dec("-999999999.999999")),
        },
        Expected {
            b: Some(false),
            i16: Some(i16::MAX),
            i32: Some(i32::MAX),
            i64: Some(i64::MAX),
            f32: Some(f32::MAX),
            f64: Some(f64::MIN_POSITIVE),
            txt: Some(String::new()),
            vc: Some("héllo wörld — 你好 🎉, 'quoted' \\ \"dq\"".into()),
            bl: Some(Vec::new()),
            d: Some(d("9999-12-31")),
            tm: Some(t("23:59:59.999999")),
            ts: Some(ts("9999-12-31 23:59:59.999999")),
            tz: Some(ts("2024-02-29 12:34:56.123456")),
            u: Some("67e55044-10b1-426f-9247-bb680e5fe0c8".parse().unwrap()),
            j: Some(json(r#"{"a": [1, 2.5, null, "é🦀"], "b": {}}"#)),
            num: Some(dec("123456789.123456")),
        },
        Expected {
            b: Some(true),
            i16: Some(-1),
            i32: Some(0),
            i64: Some(-1),
            f32: Some(3.25),
            f64: Some(-2.5),
            txt: Some("line\nbreak\ttab".into()),
            vc: Some("x".into()),
            bl: Some(vec![0, 1, 255]),
            d: Some(d("2024-02-29")),
            tm: Some(t("13:45:07.000001")),
            ts: Some(ts("1999-12-31 23:59:59.999999")),
            tz: Some(ts("1969-12-31 23:59:59.999999")),
            u: Some(Uuid([0xff; 16])),
            j: Some(json(r#""just a string""#)),
            num: Some(dec("12.500000")),
        },
        Expected {
            num: Some(dec("0.000001")),
            ..Expected::default()
        },
    ];
    for engine in common::all_engines().await {
        let be = on("rows_of_every_type_round_trip_at_the_shared_edges", &engine);
        let types = [
            SqlType::Boolean,
            SqlType::SmallInt,
            SqlType::Integer,
            SqlType::BigInt,
            SqlType::Real,
            SqlType::Double,
            SqlType::Text,
            SqlType::Varchar(255),
            SqlType::Blob,
            SqlType::Date,
            SqlType::Time,
            SqlType::Timestamp,
            SqlType::TimestampTz,
            SqlType::Uuid,
            SqlType::Json,
            SqlType::numeric(15, 6),
        ];
        let mut table =
            Table::new("qeng_types").column(ColumnDef::new("k", SqlType::BigInt).primary_key());
        for (name, ty) in TYPE_COLUMNS.iter().zip(types) {
            table = table.column(ColumnDef::new(*name, ty));
        }
        let md = MetaData::new().with(table);
        fresh(&engine, &md).await;
        let cols = TYPE_COLUMNS.join(", ");
        let marks: Vec<String> = TYPE_COLUMNS.iter().map(|c| format!(":{c}")).collect();
        let insert = format!(
            "INSERT INTO qeng_types (k, {cols}) VALUES (:k, {})",
            marks.join(", ")
        );
        for (k, row) in rows.iter().enumerate() {
            let mut stmt = sql(insert.as_str()).bind("k", k as i64);
            for (c, v) in TYPE_COLUMNS.iter().zip(row.params()) {
                stmt = stmt.bind(c, v);
            }
            let n = engine
                .execute(stmt)
                .await
                .unwrap_or_else(|e| panic!("{be}: row {k}: {e}"));
            assert_eq!(n, 1, "{be}: row {k}");
        }
        let select = format!("SELECT {cols} FROM qeng_types ORDER BY k");
        let fetched = engine.fetch_all(select.as_str()).await.unwrap();
        assert_eq!(fetched.len(), rows.len(), "{be}");
        for (k, (got, want)) in fetched.iter().zip(&rows).enumerate() {
            want.check(got, &format!("{be}: fetch_all row {k}"));
        }
        let mut s = engine.stream(select.as_str()).await.unwrap();
        let mut k = 0;
        while let Some(row) = s.next().await {
            assert!(
                k < rows.len(),
                "{be}: the stream has more rows than the table"
            );
            rows[k].check(&row.unwrap(), &format!("{be}: stream row {k}"));
            k += 1;
        }
        assert_eq!(k, rows.len(), "{be}: rows streamed");
        drop(s);
        // Bound values compare with the stored ones as their column types.
        let n: i64 = engine
            .fetch_scalar(
                sql("SELECT COUNT(*) FROM qeng_types \
                     WHERE d = :d AND ts = :ts AND u = :u AND num = :num AND tm = :tm")
                .bind("d", d("9999-12-31"))
                .bind("ts", ts("9999-12-31 23:59:59.999999"))
                .bind("u", rows[1].u.unwrap())
                .bind("num", dec("123456789.123456"))
                .bind("tm", t("23:59:59.999999")),
            )
            .await
            .unwrap();
        assert_eq!(n, 1, "{be}: bound values compared with stored ones");
        // The mebibyte is intact as the database sees it.
        let len: i64 = engine
            .fetch_scalar("SELECT length(bl) FROM qeng_types WHERE k = 0")
            .await
            .unwrap();
        assert_eq!(len, 1024 * 1024, "{be}");
        engine.drop_all(&md).await.unwrap();
    }
}

/// `Engine::close` drains gracefully: checkouts fail at once after it starts (on every clone),
/// a transaction and a stream still out finish their work and `close` waits for them, then
/// the pool's idle connections are closed.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn close_waits_for_work_in_progress_then_closes_the_pool() {
    for url in common::live_urls() {
        let engine = own_engine(&url, Engine::builder().max_size(4)).await;
        let be = on("close_waits_for_work_in_progress", &engine);
        // Warm the pool: some idle connections to close.
        let (a, b) = (
            engine.acquire().await.unwrap(),
            engine.acquire().await.unwrap(),
        );
        drop((a, b));
        let mut tx = engine.begin().await.unwrap();
        let one: i64 = tx.fetch_scalar("SELECT 1").await.unwrap();
        let mut stream = engine
            .stream("SELECT 1 UNION ALL SELECT 2")
            .await
            .unwrap_or_else(|e| panic!("{be}: {e}"));
        let closing = {
            let engine = engine.clone();
            tokio::spawn(async move { engine.close().await })
        };
        // Closed at once for new work, on every clone…
        let deadline = Instant::now() + Duration::from_secs(5);
        while !engine.is_closed() {
            assert!(Instant::now() < deadline, "{be}: close did not start");
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        let err = engine.fetch_scalar::<i64>("SELECT 1").await.unwrap_err();
        assert!(err.is_connection_error(), "{be}: {err}");
        assert!(err.to_string().contains("closed"), "{be}: {err}");
        // …while the work already out goes on, and close waits for it.
        tokio::time::sleep(Duration::from_millis(100)).await;
        assert!(
            !closing.is_finished(),
            "{be}: close returned with a transaction open"
        );
        let two: i64 = tx.fetch_scalar("SELECT 2").await.unwrap();
        tx.commit().await.unwrap_or_else(|e| panic!("{be}: {e}"));
        assert_eq!(one + two, 3, "{be}");
        tokio::time::sleep(Duration::from_millis(50)).await;
        assert!(
            !closing.is_finished(),
            "{be}: close returned with a stream open"
        );
        let mut n = 0;
        while let Some(row) = stream.next().await {
            row.unwrap_or_else(|e| panic!("{be}: {e}"));
            n += 1;
        }
        assert_eq!(n, 2, "{be}");
        drop(stream);
        tokio::time::timeout(Duration::from_secs(10), closing)
            .await
            .unwrap_or_else(|_| panic!("{be}: close did not return"))
            .unwrap();
        let (open, idle) = engine.pool_state();
        assert_eq!(idle, 0, "{be}: idle connections left open");
        // An in-memory SQLite database keeps one connection of its own while the engine lives.
        assert!(
            open <= u32::from(be == "sqlite"),
            "{be}: {open} connections open"
        );
        // Closing again returns at once.
        tokio::time::timeout(Duration::from_secs(1), engine.close())
            .await
            .unwrap_or_else(|_| panic!("{be}: a second close waited"));
    }
}

/// Typed statements run on a transaction inside a loop in spawned tasks: their futures are
/// `Send` where a spawned task needs them (an `async fn` generic over the executor was not
/// provably so: "implementation of `Executor` is not general enough").
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn typed_statements_in_spawned_loops() {
    use quarry::prelude::*;
    for engine in common::all_engines().await {
        let be = on("typed_statements_in_spawned_loops", &engine);
        let t = Table::new(format!("qeng_spawn_{be}"))
            .column(ColumnDef::new("id", SqlType::BigInt).primary_key())
            .column(ColumnDef::new("n", SqlType::BigInt).not_null());
        let md = MetaData::new().with(t.clone());
        fresh(&engine, &md).await;
        let t = quarry::stmt::TableRef::new(&t);
        let tasks: Vec<_> = (0..4_i64)
            .map(|k| {
                let (engine, t) = (engine.clone(), t.clone());
                tokio::spawn(async move {
                    let n = TypedExpr::<i64>::new(t.c("n"));
                    for i in 0..5_i64 {
                        let mut tx = engine.begin().await?;
                        insert(t.clone())
                            .values((
                                quarry::Assign::new("id", k * 10 + i),
                                quarry::Assign::new("n", i),
                            ))
                            .execute(&mut tx)
                            .await?;
                        let total: Option<i64> = select(sum(n.clone()))
                            .from(t.clone())
                            .fetch_one(&mut tx)
                            .await?;
                        assert!(total.is_some());
                        tx.commit().await?;
                    }
                    quarry::Result::Ok(())
                })
            })
            .collect();
        for task in tasks {
            task.await
                .unwrap()
                .unwrap_or_else(|e: quarry::Error| panic!("{be}: {e}"));
        }
        let count: i64 = engine
            .fetch_scalar(format!("SELECT count(*) FROM qeng_spawn_{be}"))
            .await
            .unwrap();
        assert_eq!(count, 20, "{be}");
        engine.drop_all(&md).await.unwrap();
    }
}
