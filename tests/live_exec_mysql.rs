//! Live executor tests specific to MariaDB (`QUARRY_TEST_MYSQL_URL`, e.g.
//! `mysql://root@127.0.0.1:3306/test`); skipped with a notice when unset outside CI.
//!
//! Connections killed by the server, streams dropped early, `LAST_INSERT_ID()`, isolation
//! levels and read-only transactions, a real deadlock retried by `Engine::transaction`, round
//! trips of every value type at its edges, the prepared-statement cache and the pool's options.
//! Every test uses its own tables (`qm_…`): tests in this binary run concurrently.

mod common;

use quarry::value::{Date, Decimal, Json, Time, Timestamp, Utc, Uuid};
use quarry::Executor;
use quarry::{sql, Compiled, Engine, ErrorKind, IsolationLevel, Row, TxOptions, Value, ValueType};
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

const VAR: &str = "QUARRY_TEST_MYSQL_URL";

/// An engine with its own pool, built with `options` applied to the test URL's query string
/// (`pool_max_size=1&…`); `None` when the live tests are skipped.
async fn engine_with(options: &str) -> Option<Engine> {
    let url = common::url(VAR)?;
    common::install();
    let sep = if url.contains('?') { '&' } else { '?' };
    let url = if options.is_empty() {
        url
    } else {
        format!("{url}{sep}{options}")
    };
    Some(
        Engine::connect(&url)
            .await
            .unwrap_or_else(|e| panic!("cannot connect to {url}: {e}")),
    )
}

async fn connection_id(conn: &mut quarry::Connection) -> i64 {
    conn.fetch_scalar("SELECT CONNECTION_ID()").await.unwrap()
}

/// Kills connection `id` from another connection and waits until the server has let go of it.
async fn kill(killer: &Engine, id: i64) {
    killer.execute(format!("KILL {id}")).await.unwrap();
    for _ in 0..100 {
        let n: i64 = killer
            .fetch_scalar(
                sql("SELECT COUNT(*) FROM information_schema.processlist WHERE id = :id")
                    .bind("id", id),
            )
            .await
            .unwrap();
        if n == 0 {
            return;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    panic!("connection {id} survived KILL");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn connection_killed_by_the_server_is_replaced() {
    let Some(killer) = engine_with("").await else {
        return;
    };
    // Unix socket (the default for a local server) and TCP behave differently when the peer
    // has gone: the write fails on the first, the read on the second.
    let url = common::url(VAR).unwrap();
    let local = url.contains("@127.0.0.1") || url.contains("@localhost");
    for transport in ["", "prefer_socket=false&"] {
        let engine = engine_with(&format!("{transport}pool_max_size=1"))
            .await
            .unwrap();
        let mut conn = engine.acquire().await.unwrap();
        let first = connection_id(&mut conn).await;
        let socket: String = conn.fetch_scalar("SELECT @@socket").await.unwrap();
        drop(conn);
        let on_socket = transport.is_empty()
            && local
            && !url.contains("prefer_socket=false")
            && !socket.is_empty();
        kill(&killer, first).await;
        // The pool's only connection is dead. A query moves to a live connection only when
        // the driver shows it never reached the server (a SELECT may have side effects, so it
        // is not run twice): on the Unix socket; over TCP the loss is reported and the next
        // call gets a live connection.
        match engine.fetch_scalar::<i64>("SELECT 1").await {
            Ok(one) => {
                assert_eq!(one, 1);
                assert!(on_socket, "{transport}: a query was run again over TCP");
            }
            Err(e) => {
                assert!(!on_socket, "query after KILL on the Unix socket: {e}");
                assert!(e.is_connection_error(), "{transport}: {e}");
            }
        }
        let one: i64 = engine.fetch_scalar("SELECT 1").await.unwrap();
        assert_eq!(one, 1, "{transport}");
        let mut conn = engine.acquire().await.unwrap();
        let second = connection_id(&mut conn).await;
        assert_ne!(second, first, "{transport}");
        drop(conn);

        // A transaction's BEGIN moves to a live connection too.
        kill(&killer, second).await;
        let mut tx = engine.begin().await.unwrap();
        let third = connection_id(&mut tx).await;
        assert_ne!(third, second, "{transport}");
        tx.commit().await.unwrap();

        // A connection killed while checked out reports the loss, and is not reused.
        let mut conn = engine.acquire().await.unwrap();
        let held = connection_id(&mut conn).await;
        kill(&killer, held).await;
        let e = conn.fetch_scalar::<i64>("SELECT 1").await.unwrap_err();
        assert!(e.is_connection_error(), "{transport}: {e}");
        drop(conn);
        let mut conn = engine.acquire().await.unwrap();
        assert_ne!(connection_id(&mut conn).await, held, "{transport}");
        assert_eq!(engine.pool_state().0, 1, "{transport}");
    }
    // Nor does a statement that is not a query (`DO 1`).
    for transport in ["", "prefer_socket=false&"] {
        let engine = engine_with(&format!("{transport}pool_max_size=1"))
            .await
            .unwrap();
        let mut conn = engine.acquire().await.unwrap();
        let id = connection_id(&mut conn).await;
        let socket: String = conn.fetch_scalar("SELECT @@socket").await.unwrap();
        drop(conn);
        let on_socket = transport.is_empty()
            && local
            && !url.contains("prefer_socket=false")
            && !socket.is_empty();
        kill(&killer, id).await;
        match engine.execute("DO 1").await {
            Ok(_) => assert!(on_socket, "{transport}: a non-query was run again over TCP"),
            Err(e) => {
                assert!(!on_socket, "statement after KILL on the Unix socket: {e}");
                assert!(e.is_connection_error(), "{transport}: {e}");
                engine.execute("DO 1").await.unwrap();
            }
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stream_dropped_early_leaves_the_pool_clean() {
    let Some(engine) = engine_with("pool_max_size=1").await else {
        return;
    };
    let big = "SELECT seq AS n, REPEAT('x', 100) AS pad FROM seq_1_to_200000";
    // Engine::stream owns the pooled connection: dropped early, the connection is closed
    // rather than handed out with rows still unread.
    let mut conn = engine.acquire().await.unwrap();
    let first = connection_id(&mut conn).await;
    drop(conn);
    for _ in 0..5 {
        let mut s = engine.stream(big).await.unwrap();
        for want in 1..=3_i64 {
            assert_eq!(
                s.next().await.unwrap().unwrap().get::<i64>("n").unwrap(),
                want
            );
        }
    }
    let mut conn = engine.acquire().await.unwrap();
    assert_ne!(connection_id(&mut conn).await, first);
    let open: i64 = conn.fetch_scalar("SELECT @@in_transaction").await.unwrap();
    assert_eq!(open, 0);
    let v: i64 = conn
        .fetch_scalar(sql("SELECT :x").bind("x", 42_i64))
        .await
        .unwrap();
    assert_eq!(v, 42);
    drop(conn);
    assert_eq!(engine.pool_state().0, 1);

    // A stream read to its end returns its connection for reuse.
    let mut conn = engine.acquire().await.unwrap();
    let kept = connection_id(&mut conn).await;
    drop(conn);
    let mut s = engine
        .stream("SELECT seq FROM seq_1_to_1000")
        .await
        .unwrap();
    let mut n = 0;
    while let Some(row) = s.next().await {
        row.unwrap();
        n += 1;
    }
    assert_eq!(n, 1000);
    drop(s);
    let mut conn = engine.acquire().await.unwrap();
    assert_eq!(connection_id(&mut conn).await, kept);

    // A stream borrowing a connection, dropped early: the same connection goes on, the rest of
    // the result is read and dropped first, and inside a transaction the work is kept.
    conn.execute("CREATE TEMPORARY TABLE qm_stream_tmp (a INT)")
        .await
        .unwrap();
    let mut tx = conn.begin().await.unwrap();
    tx.execute("INSERT INTO qm_stream_tmp VALUES (1)")
        .await
        .unwrap();
    {
        let mut s = tx.stream(big).await.unwrap();
        s.next().await.unwrap().unwrap();
    }
    tx.execute("INSERT INTO qm_stream_tmp VALUES (2)")
        .await
        .unwrap();
    tx.commit().await.unwrap();
    let n: i64 = conn
        .fetch_scalar("SELECT COUNT(*) FROM qm_stream_tmp")
        .await
        .unwrap();
    assert_eq!(n, 2);
    assert_eq!(connection_id(&mut conn).await, kept);

    // Dropped early and then returned to the pool: closed, not reused.
    {
        let mut s = conn.stream(big).await.unwrap();
        s.next().await.unwrap().unwrap();
    }
    drop(conn);
    let mut conn = engine.acquire().await.unwrap();
    assert_ne!(connection_id(&mut conn).await, kept);
    let n: i64 = conn
        .fetch_scalar("SELECT COUNT(*) FROM seq_1_to_10")
        .await
        .unwrap();
    assert_eq!(n, 10);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn streams_decode_every_row_and_report_errors() {
    let Some(engine) = engine_with("").await else {
        return;
    };
    // Statements without rows stream nothing.
    let mut s = engine.stream("DO 1").await.unwrap();
    assert!(s.next().await.is_none());
    drop(s);
    // A bad query surfaces as the stream's first item.
    let mut s = engine
        .stream("SELECT * FROM qm_no_such_table")
        .await
        .unwrap();
    let e = s.next().await.unwrap().unwrap_err();
    assert_eq!(e.code(), Some("1146"), "{e}");
    assert!(s.next().await.is_none());
    drop(s);
    // A decode error names the column; the engine stays usable.
    let mut s = engine
        .stream("SELECT seq, CAST(CONCAT(seq, ':00:00') AS TIME) AS t FROM seq_20_to_30")
        .await
        .unwrap();
    let mut ok = 0;
    let err = loop {
        match s.next().await.unwrap() {
            Ok(_) => ok += 1,
            Err(e) => break e,
        }
    };
    drop(s);
    assert_eq!(ok, 4, "20..=23 are times of day");
    assert_eq!(err.kind(), ErrorKind::Decode);
    assert!(err.to_string().contains("column t:"), "{err}");
    let sum: Decimal = engine
        .fetch_scalar("SELECT SUM(seq) FROM seq_1_to_100000")
        .await
        .unwrap();
    assert_eq!(sum.as_str(), "5000050000");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn last_insert_id_is_reported() {
    let Some(engine) = engine_with("").await else {
        return;
    };
    engine
        .execute("DROP TABLE IF EXISTS qm_auto")
        .await
        .unwrap();
    engine
        .execute("CREATE TABLE qm_auto (id BIGINT AUTO_INCREMENT PRIMARY KEY, name VARCHAR(20) NOT NULL)")
        .await
        .unwrap();
    let r = engine
        .execute_result(sql("INSERT INTO qm_auto (name) VALUES (:n)").bind("n", "a"))
        .await
        .unwrap();
    assert_eq!((r.rows_affected, r.last_insert_id), (1, Some(1)));
    let r = engine
        .execute_result("INSERT INTO qm_auto (name) VALUES ('b')")
        .await
        .unwrap();
    assert_eq!((r.rows_affected, r.last_insert_id), (1, Some(2)));
    // A multi-row INSERT reports the first id it generated.
    let r = engine
        .execute_result(
            sql("INSERT INTO qm_auto (name) VALUES (:a), (:b), (:c)")
                .bind("a", "c")
                .bind("b", "d")
                .bind("c", "e"),
        )
        .await
        .unwrap();
    assert_eq!((r.rows_affected, r.last_insert_id), (3, Some(3)));
    let r = engine
        .execute_result("INSERT INTO qm_auto (id, name) VALUES (1000000000000, 'big')")
        .await
        .unwrap();
    assert_eq!(r.last_insert_id, Some(1_000_000_000_000));
    // Statements that generate no id report none.
    let r = engine
        .execute_result(sql("UPDATE qm_auto SET name = :n WHERE id <= 2").bind("n", "z"))
        .await
        .unwrap();
    assert_eq!((r.rows_affected, r.last_insert_id), (2, None));
    let r = engine
        .execute_result("DELETE FROM qm_auto WHERE id = 5")
        .await
        .unwrap();
    assert_eq!((r.rows_affected, r.last_insert_id), (1, None));
    engine.execute("DROP TABLE qm_auto").await.unwrap();
}

/// Checks the isolation level InnoDB reports for the connection's open transaction (made
/// visible to `innodb_trx` by a locking read of a row no other part of the test writes).
/// InnoDB's information_schema tables are a cache shared by every connection, refreshed only
/// when nobody read them for 100 ms: a stale row (this connection's previous transaction) may
/// show for a while, so this waits for `want` and reports what it last saw.
async fn assert_trx_isolation(conn: &mut quarry::Connection, want: &str) {
    let _: i64 = conn
        .fetch_scalar("SELECT v FROM qm_iso WHERE id = 3 LOCK IN SHARE MODE")
        .await
        .unwrap();
    let mut seen = None;
    for _ in 0..60 {
        tokio::time::sleep(Duration::from_millis(150)).await;
        seen = conn
            .fetch_optional_as::<(String,)>(
                "SELECT trx_isolation_level FROM information_schema.innodb_trx \
                 WHERE trx_mysql_thread_id = CONNECTION_ID()",
            )
            .await
            .unwrap()
            .map(|(l,)| l);
        if seen.as_deref() == Some(want) {
            return;
        }
    }
    panic!("isolation level: want {want}, InnoDB says {seen:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn isolation_levels_and_read_only_transactions() {
    let Some(engine) = engine_with("").await else {
        return;
    };
    engine.execute("DROP TABLE IF EXISTS qm_iso").await.unwrap();
    engine
        .execute("CREATE TABLE qm_iso (id INT PRIMARY KEY, v INT NOT NULL) ENGINE=InnoDB")
        .await
        .unwrap();
    engine
        .execute("INSERT INTO qm_iso VALUES (1, 10), (2, 20), (3, 30)")
        .await
        .unwrap();

    // READ COMMITTED sees another transaction's commit within the same transaction.
    let mut rc = engine
        .begin_with(TxOptions::default().isolation(IsolationLevel::ReadCommitted))
        .await
        .unwrap();
    let v: i64 = rc
        .fetch_scalar("SELECT v FROM qm_iso WHERE id = 1")
        .await
        .unwrap();
    assert_eq!(v, 10);
    assert_trx_isolation(&mut rc, "READ COMMITTED").await;
    engine
        .execute("UPDATE qm_iso SET v = 11 WHERE id = 1")
        .await
        .unwrap();
    let v: i64 = rc
        .fetch_scalar("SELECT v FROM qm_iso WHERE id = 1")
        .await
        .unwrap();
    assert_eq!(v, 11, "READ COMMITTED reads the latest commit");
    rc.commit().await.unwrap();

    // The default (REPEATABLE READ) keeps its snapshot: the level applied to one transaction
    // only.
    let mut rr = engine.begin().await.unwrap();
    let v: i64 = rr
        .fetch_scalar("SELECT v FROM qm_iso WHERE id = 1")
        .await
        .unwrap();
    assert_trx_isolation(&mut rr, "REPEATABLE READ").await;
    engine
        .execute("UPDATE qm_iso SET v = 12 WHERE id = 1")
        .await
        .unwrap();
    let again: i64 = rr
        .fetch_scalar("SELECT v FROM qm_iso WHERE id = 1")
        .await
        .unwrap();
    assert_eq!(again, v, "REPEATABLE READ keeps its snapshot");
    rr.commit().await.unwrap();

    // SERIALIZABLE turns plain reads into shared locks: a writer elsewhere waits, then times
    // out.
    let mut ser = engine
        .begin_with(TxOptions::default().isolation(IsolationLevel::Serializable))
        .await
        .unwrap();
    let _: i64 = ser
        .fetch_scalar("SELECT v FROM qm_iso WHERE id = 2")
        .await
        .unwrap();
    assert_trx_isolation(&mut ser, "SERIALIZABLE").await;
    let mut writer = engine.acquire().await.unwrap();
    writer
        .execute("SET SESSION innodb_lock_wait_timeout = 1")
        .await
        .unwrap();
    let e = writer
        .execute("UPDATE qm_iso SET v = 21 WHERE id = 2")
        .await
        .unwrap_err();
    assert_eq!(e.code(), Some("1205"), "lock wait timeout: {e}");
    ser.commit().await.unwrap();
    writer
        .execute("UPDATE qm_iso SET v = 21 WHERE id = 2")
        .await
        .unwrap();
    writer
        .execute("SET SESSION innodb_lock_wait_timeout = DEFAULT")
        .await
        .unwrap();
    drop(writer);

    // READ ONLY: reads work, writes are refused, and the connection is fine afterwards.
    let mut ro = engine
        .begin_with(TxOptions::default().read_only())
        .await
        .unwrap();
    let n: i64 = ro
        .fetch_scalar("SELECT COUNT(*) FROM qm_iso")
        .await
        .unwrap();
    assert_eq!(n, 3);
    let e = ro
        .execute(
            sql("INSERT INTO qm_iso VALUES (:id, :v)")
                .bind("id", 4)
                .bind("v", 40),
        )
        .await
        .unwrap_err();
    assert_eq!(e.code(), Some("1792"), "read-only transaction: {e}");
    ro.rollback().await.unwrap();
    // Both at once.
    let mut both = engine
        .begin_with(
            TxOptions::default()
                .isolation(IsolationLevel::Serializable)
                .read_only(),
        )
        .await
        .unwrap();
    assert!(both.execute("DELETE FROM qm_iso").await.is_err());
    both.rollback().await.unwrap();
    let n: i64 = engine
        .fetch_scalar("SELECT COUNT(*) FROM qm_iso")
        .await
        .unwrap();
    assert_eq!(n, 3);
    engine.execute("DROP TABLE qm_iso").await.unwrap();
}

/// Waits until connection `id` waits for a lock while running `query`. InnoDB's
/// information_schema tables are a cache shared by every connection and refreshed only when
/// nobody read them for 100 ms, so a stale row of an earlier wait must not match: the
/// connection and the exact statement identify this wait.
async fn wait_for_lock_wait(engine: &Engine, id: i64, query: &str) {
    for _ in 0..200 {
        let n: i64 = engine
            .fetch_scalar(
                sql("SELECT COUNT(*) FROM information_schema.innodb_trx \
                     WHERE trx_state = 'LOCK WAIT' AND trx_mysql_thread_id = :id AND trx_query = :q")
                .bind("id", id)
                .bind("q", query),
            )
            .await
            .unwrap();
        if n > 0 {
            return;
        }
        tokio::time::sleep(Duration::from_millis(150)).await;
    }
    panic!("connection {id} never waited for a lock running {query}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn deadlocks_are_retryable_and_retried() {
    let Some(engine) = engine_with("").await else {
        return;
    };
    engine
        .execute_script(
            "DROP TABLE IF EXISTS qm_dead; DROP TABLE IF EXISTS qm_dead_pad; \
             CREATE TABLE qm_dead (id INT PRIMARY KEY, v INT NOT NULL) ENGINE=InnoDB; \
             CREATE TABLE qm_dead_pad (n INT PRIMARY KEY) ENGINE=InnoDB; \
             INSERT INTO qm_dead VALUES (1, 0), (2, 0)",
        )
        .await
        .unwrap();

    // Two transactions lock rows 1 and 2 in opposite orders (point updates only, so no scan
    // locks anything else). The second one to ask has done more work (300 rows written
    // elsewhere), so InnoDB picks the first as the victim.
    let mut light = engine.begin().await.unwrap();
    light
        .execute("UPDATE qm_dead SET v = v + 1 WHERE id = 1")
        .await
        .unwrap();
    const BLOCKED: &str = "UPDATE qm_dead SET v = v + 1 WHERE id = 1";
    let heavy_engine = engine.clone();
    let (id_tx, id_rx) = tokio::sync::oneshot::channel();
    let heavy = tokio::spawn(async move {
        let mut tx = heavy_engine.begin().await.unwrap();
        let _ = id_tx.send(connection_id(&mut tx).await);
        tx.execute("INSERT INTO qm_dead_pad SELECT seq FROM seq_1_to_300")
            .await
            .unwrap();
        tx.execute("UPDATE qm_dead SET v = v + 1 WHERE id = 2")
            .await
            .unwrap();
        // Blocks on `light`'s lock on row 1 until `light` is rolled back.
        tx.execute(BLOCKED).await.unwrap();
        tx.commit().await.unwrap();
    });
    wait_for_lock_wait(&engine, id_rx.await.unwrap(), BLOCKED).await;
    let e = light
        .execute("UPDATE qm_dead SET v = v + 1 WHERE id = 2")
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Deadlock, "{e}");
    assert_eq!(e.code(), Some("1213"));
    assert!(e.is_retryable());
    light.rollback().await.unwrap();
    heavy.await.unwrap();

    // Engine::transaction runs the work again after the deadlock and commits.
    engine.execute("UPDATE qm_dead SET v = 0").await.unwrap();
    let attempts = Arc::new(AtomicU32::new(0));
    let (outer, counter) = (engine.clone(), attempts.clone());
    let total: i64 = engine
        .transaction(TxOptions::default(), 3, move |tx| {
            let engine = outer.clone();
            let counter = counter.clone();
            Box::pin(async move {
                let attempt = counter.fetch_add(1, Ordering::SeqCst) + 1;
                tx.execute("UPDATE qm_dead SET v = v + 1 WHERE id = 1")
                    .await?;
                if attempt == 1 {
                    const BLOCKED: &str = "UPDATE qm_dead SET v = v + 100 WHERE id = 1";
                    let other = engine.clone();
                    let (id_tx, id_rx) = tokio::sync::oneshot::channel();
                    let heavy = tokio::spawn(async move {
                        let mut tx = other.begin().await.unwrap();
                        let _ = id_tx.send(connection_id(&mut tx).await);
                        tx.execute("INSERT INTO qm_dead_pad SELECT seq FROM seq_1001_to_1300")
                            .await
                            .unwrap();
                        tx.execute("UPDATE qm_dead SET v = v + 100 WHERE id = 2")
                            .await
                            .unwrap();
                        tx.execute(BLOCKED).await.unwrap();
                        tx.commit().await.unwrap();
                    });
                    let heavy_id = id_rx.await.expect("heavy connection id");
                    wait_for_lock_wait(&engine, heavy_id, BLOCKED).await;
                    let deadlocked = tx
                        .execute("UPDATE qm_dead SET v = v + 1 WHERE id = 2")
                        .await;
                    // InnoDB rolled this transaction back: the other one goes through.
                    heavy.await.unwrap();
                    deadlocked?;
                    panic!("no deadlock on the first attempt");
                }
                tx.execute("UPDATE qm_dead SET v = v + 1 WHERE id = 2")
                    .await?;
                tx.fetch_scalar("SELECT CAST(SUM(v) AS SIGNED) FROM qm_dead WHERE id <= 2")
                    .await
            })
        })
        .await
        .unwrap();
    assert_eq!(
        attempts.load(Ordering::SeqCst),
        2,
        "one deadlock, one retry"
    );
    assert_eq!(total, 101 + 101);
    engine
        .execute_script("DROP TABLE qm_dead; DROP TABLE qm_dead_pad")
        .await
        .unwrap();
}

/// Reads a row's typed cells back and checks them.
fn check_round_trip(row: &Row, want: &Expected, how: &str) {
    assert_eq!(row.get::<Option<bool>>("b").unwrap(), want.b, "{how}: b");
    assert_eq!(
        row.get::<Option<i16>>("i16").unwrap(),
        want.i16,
        "{how}: i16"
    );
    assert_eq!(
        row.get::<Option<i32>>("i32").unwrap(),
        want.i32,
        "{how}: i32"
    );
    assert_eq!(
        row.get::<Option<i64>>("i64").unwrap(),
        want.i64,
        "{how}: i64"
    );
    assert_eq!(
        row.get::<Option<f32>>("f32").unwrap(),
        want.f32,
        "{how}: f32"
    );
    assert_eq!(
        row.get::<Option<f64>>("f64").unwrap(),
        want.f64,
        "{how}: f64"
    );
    assert_eq!(
        row.get::<Option<String>>("txt").unwrap(),
        want.txt,
        "{how}: txt"
    );
    assert_eq!(
        row.get::<Option<String>>("vc").unwrap(),
        want.vc,
        "{how}: vc"
    );
    assert_eq!(
        row.get::<Option<Vec<u8>>>("blob").unwrap(),
        want.blob,
        "{how}: blob"
    );
    assert_eq!(row.get::<Option<Date>>("d").unwrap(), want.d, "{how}: d");
    assert_eq!(row.get::<Option<Time>>("tm").unwrap(), want.tm, "{how}: tm");
    assert_eq!(
        row.get::<Option<Timestamp>>("ts").unwrap(),
        want.ts,
        "{how}: ts"
    );
    assert_eq!(
        row.get::<Option<Utc>>("tz").unwrap(),
        want.tz.map(Utc),
        "{how}: tz"
    );
    assert_eq!(row.get::<Option<Uuid>>("u").unwrap(), want.u, "{how}: u");
    assert_eq!(
        row.get::<Option<Json>>("j").unwrap().map(|j| j.0),
        want.j.clone(),
        "{how}: j"
    );
    assert_eq!(
        row.get::<Option<Decimal>>("num").unwrap(),
        want.dec,
        "{how}: num"
    );
}

/// One row of the round-trip table, as Rust values.
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
    blob: Option<Vec<u8>>,
    d: Option<Date>,
    tm: Option<Time>,
    ts: Option<Timestamp>,
    tz: Option<Timestamp>,
    u: Option<Uuid>,
    j: Option<String>,
    dec: Option<Decimal>,
}

impl Expected {
    /// The bound values, in column order.
    fn params(&self) -> Vec<(&'static str, Value)> {
        vec![
            ("b", self.b.into()),
            ("i16", self.i16.into()),
            ("i32", self.i32.into()),
            ("i64", self.i64.into()),
            ("f32", self.f32.into()),
            ("f64", self.f64.into()),
            ("txt", self.txt.clone().into()),
            ("vc", self.vc.clone().into()),
            ("blob", self.blob.clone().into()),
            ("d", self.d.into()),
            ("tm", self.tm.into()),
            ("ts", self.ts.into()),
            (
                "tz",
                self.tz
                    .map_or(Value::Null(ValueType::TimestampTz), Value::TimestampTz),
            ),
            ("u", self.u.into()),
            (
                "j",
                self.j
                    .clone()
                    .map_or(Value::Null(ValueType::Json), Value::Json),
            ),
            ("dec", self.dec.clone().into()),
        ]
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_value_type_round_trips_at_its_edges() {
    let Some(engine) = engine_with("").await else {
        return;
    };
    engine
        .execute("DROP TABLE IF EXISTS qm_types")
        .await
        .unwrap();
    engine
        .execute(
            "CREATE TABLE qm_types (k INT PRIMARY KEY, b BOOLEAN, i16 SMALLINT, i32 INT, i64 BIGINT, \
             f32 FLOAT, f64 DOUBLE, txt LONGTEXT, vc VARCHAR(255), `blob` LONGBLOB, d DATE, \
             tm TIME(6), ts DATETIME(6), tz DATETIME(6), u UUID, j JSON, num DECIMAL(40,10))",
        )
        .await
        .unwrap();
    let d = |s: &str| s.parse::<Date>().unwrap();
    let t = |s: &str| s.parse::<Time>().unwrap();
    let ts = |s: &str| s.parse::<Timestamp>().unwrap();
    let dec = |s: &str| s.parse::<Decimal>().unwrap();
    let blob: Vec<u8> = (0..1024 * 1024).map(|i| (i * 7 % 256) as u8).collect();
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
            blob: Some(blob.clone()),
            d: Some(d("1000-01-01")),
            tm: Some(t("00:00:00")),
            ts: Some(ts("1000-01-01 00:00:00.000001")),
            tz: Some(ts("1970-01-01 00:00:00")),
            u: Some("00000000-0000-0000-0000-000000000000".parse().unwrap()),
            j: Some("[]".into()),
            dec: Some(dec("-999999999999999999999999999999.9999999999")),
        },
        Expected {
            b: Some(false),
            i16: Some(i16::MAX),
            i32: Some(i32::MAX),
            i64: Some(i64::MAX),
            f32: Some(f32::MAX),
            f64: Some(f64::MIN_POSITIVE),
            txt: Some(String::new()),
            vc: Some("😀".repeat(255)),
            blob: Some(Vec::new()),
            d: Some(d("9999-12-31")),
            tm: Some(t("23:59:59.999999")),
            ts: Some(ts("9999-12-31 23:59:59.999999")),
            tz: Some(ts("2024-02-29 12:34:56.123456")),
            u: Some("67e55044-10b1-426f-9247-bb680e5fe0c8".parse().unwrap()),
            j: Some(r#"{"a": [1, 2.5, null, "é🦀"], "b": {}}"#.into()),
            dec: Some(dec("123456789012345678901234567890.0123456789")),
        },
        Expected {
            dec: Some(dec("0.0000000001")),
            ..Expected::default()
        },
    ];
    let cols = "k, b, i16, i32, i64, f32, f64, txt, vc, `blob`, d, tm, ts, tz, u, j, num";
    for (k, row) in rows.iter().enumerate() {
        let mut params = vec![Value::I64(k as i64)];
        params.extend(row.params().into_iter().map(|(_, v)| v));
        let marks = vec!["?"; params.len()].join(", ");
        let stmt = Compiled::with_params(
            format!("INSERT INTO qm_types ({cols}) VALUES ({marks})"),
            params,
        );
        assert_eq!(engine.execute(stmt).await.unwrap(), 1, "row {k}");
    }
    let select = format!("SELECT {cols} FROM qm_types ORDER BY k");
    let fetched = engine.fetch_all(select.as_str()).await.unwrap();
    assert_eq!(fetched.len(), rows.len());
    for (k, (got, want)) in fetched.iter().zip(&rows).enumerate() {
        check_round_trip(got, want, &format!("fetch_all row {k}"));
    }
    // The same through a stream.
    let mut s = engine.stream(select.as_str()).await.unwrap();
    let mut k = 0;
    while let Some(row) = s.next().await {
        check_round_trip(&row.unwrap(), &rows[k], &format!("stream row {k}"));
        k += 1;
    }
    assert_eq!(k, rows.len());
    drop(s);

    // The values themselves: each column's native variant.
    let r = &fetched[1];
    assert_eq!(r.value("d").unwrap(), &Value::Date(d("9999-12-31")));
    assert_eq!(r.value("tm").unwrap(), &Value::Time(t("23:59:59.999999")));
    assert_eq!(
        r.value("ts").unwrap(),
        &Value::Timestamp(ts("9999-12-31 23:59:59.999999"))
    );
    assert_eq!(
        r.value("num").unwrap(),
        &Value::Decimal(dec("123456789012345678901234567890.0123456789"))
    );
    // MariaDB reports UUID and JSON columns as text.
    assert_eq!(
        r.value("u").unwrap(),
        &Value::Text("67e55044-10b1-426f-9247-bb680e5fe0c8".into())
    );
    assert!(matches!(r.value("j").unwrap(), Value::Text(_)));
    // A DECIMAL keeps the column's scale.
    let r = &fetched[0];
    assert_eq!(r.get::<Decimal>("num").unwrap().scale(), 10);
    let nulls = &fetched[2];
    for (col, ty) in [
        ("i64", ValueType::I64),
        ("f32", ValueType::F32),
        ("txt", ValueType::Text),
        ("blob", ValueType::Bytes),
        ("d", ValueType::Date),
        ("tm", ValueType::Time),
        ("ts", ValueType::Timestamp),
        ("u", ValueType::Text),
    ] {
        assert_eq!(nulls.value(col).unwrap(), &Value::Null(ty), "{col}");
    }
    // Parameters compare in SQL as their column types.
    let n: i64 = engine
        .fetch_scalar(
            sql("SELECT COUNT(*) FROM qm_types WHERE d = :d AND ts = :ts AND u = :u AND num = :dec AND tm = :tm")
                .bind("d", d("9999-12-31"))
                .bind("ts", ts("9999-12-31 23:59:59.999999"))
                .bind("u", rows[1].u.unwrap())
                .bind("dec", dec("123456789012345678901234567890.0123456789"))
                .bind("tm", t("23:59:59.999999")),
        )
        .await
        .unwrap();
    assert_eq!(n, 1);
    // Out of MySQL's range: refused before anything is sent.
    let e = engine
        .execute(
            sql("INSERT INTO qm_types (k, d) VALUES (9, :d)")
                .bind("d", Date::new(-1, 1, 1).unwrap()),
        )
        .await
        .unwrap_err();
    assert!(e.is_unsupported(), "{e}");
    // A TIME that is not a time of day is a decode error naming the column.
    let e = engine
        .fetch_all("SELECT CAST('-01:00:00' AS TIME) AS neg")
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Decode);
    assert!(e.to_string().contains("neg"), "{e}");
    let e = engine
        .fetch_all("SELECT CAST('25:00:00' AS TIME) AS long_one")
        .await
        .unwrap_err();
    assert!(e.to_string().contains("long_one"), "{e}");
    // The connection that met the decode error is clean and reused.
    let one: i64 = engine.fetch_scalar("SELECT 1").await.unwrap();
    assert_eq!(one, 1);
    engine.execute("DROP TABLE qm_types").await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pool_timeout_is_quick() {
    let Some(url) = common::url(VAR) else {
        return;
    };
    common::install();
    let engine = Engine::builder()
        .max_size(1)
        .connection_timeout(Duration::from_millis(200))
        .connect(&url)
        .await
        .unwrap();
    let held = engine.acquire().await.unwrap();
    let start = Instant::now();
    let e = engine.acquire().await.unwrap_err();
    let waited = start.elapsed();
    assert_eq!(e.kind(), ErrorKind::PoolTimeout, "{e}");
    assert!(waited >= Duration::from_millis(150), "{waited:?}");
    assert!(waited < Duration::from_millis(800), "{waited:?}");
    let e = engine.fetch_scalar::<i64>("SELECT 1").await.unwrap_err();
    assert_eq!(e.kind(), ErrorKind::PoolTimeout);
    drop(held);
    let one: i64 = engine.fetch_scalar("SELECT 1").await.unwrap();
    assert_eq!(one, 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pool_options_from_the_url_apply() {
    let Some(engine) =
        engine_with("pool_max_size=3&pool_min_idle=2&pool_timeout=0.3&pool_test_on_checkout=true")
            .await
    else {
        return;
    };
    // min_idle: the pool opens a second connection by itself.
    let start = Instant::now();
    while engine.pool_state().0 < 2 {
        assert!(
            start.elapsed() < Duration::from_secs(5),
            "{:?}",
            engine.pool_state()
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    // max_size: three connections, not four.
    let a = engine.acquire().await.unwrap();
    let b = engine.acquire().await.unwrap();
    let c = engine.acquire().await.unwrap();
    assert_eq!(engine.pool_state(), (3, 0));
    let e = engine.acquire().await.unwrap_err();
    assert_eq!(e.kind(), ErrorKind::PoolTimeout);
    drop((a, b, c));
    assert_eq!(engine.pool_state(), (3, 3));
    // test_on_checkout: a killed idle connection is weeded out by the ping.
    let mut conn = engine.acquire().await.unwrap();
    let id = connection_id(&mut conn).await;
    drop(conn);
    let killer = engine_with("").await.unwrap();
    kill(&killer, id).await;
    for _ in 0..3 {
        let mut conn = engine.acquire().await.unwrap();
        assert_ne!(connection_id(&mut conn).await, id);
    }
    // Malformed and refused options.
    for bad in [
        "pool_max_size=0",
        "pool_max=2",
        "stmt_cache_size=0",
        "pool_min_idle=9&pool_max_size=2",
    ] {
        let url = format!(
            "{}?{bad}",
            common::url(VAR).unwrap().split('?').next().unwrap()
        );
        let e = Engine::connect(&url).await.unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Configuration, "{bad}: {e}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn prepared_statements_are_cached_per_connection() {
    let Some(engine) = engine_with("pool_max_size=1").await else {
        return;
    };
    let mut conn = engine.acquire().await.unwrap();
    let prepares =
        |rows: Vec<Row>| -> i64 { rows[0].get::<String>("Value").unwrap().parse().unwrap() };
    let before = prepares(
        conn.fetch_all("SHOW SESSION STATUS LIKE 'Com_stmt_prepare'")
            .await
            .unwrap(),
    );
    for id in 0..50_i64 {
        let v: i64 = conn
            .fetch_scalar(sql("SELECT :id + 1").bind("id", id))
            .await
            .unwrap();
        assert_eq!(v, id + 1);
        conn.execute(sql("DO :id").bind("id", id)).await.unwrap();
    }
    let after = prepares(
        conn.fetch_all("SHOW SESSION STATUS LIKE 'Com_stmt_prepare'")
            .await
            .unwrap(),
    );
    // SELECT, DO and the SHOW itself: prepared once each.
    assert!(after - before <= 3, "{before} -> {after}");
    // Beyond stmt_cache_size the least recently used statement is closed, and prepared again
    // when it comes back.
    let small = engine_with("pool_max_size=1&stmt_cache_size=2")
        .await
        .unwrap();
    let mut conn2 = small.acquire().await.unwrap();
    let status =
        |rows: Vec<Row>| -> i64 { rows[0].get::<String>("Value").unwrap().parse().unwrap() };
    let closes_before = status(
        conn2
            .fetch_all("SHOW SESSION STATUS LIKE 'Com_stmt_close'")
            .await
            .unwrap(),
    );
    for round in 0..5_i64 {
        for k in 1..=3_i64 {
            let v: i64 = conn2
                .fetch_scalar(sql(format!("SELECT :v * {k}")).bind("v", round))
                .await
                .unwrap();
            assert_eq!(v, round * k);
        }
    }
    let closes = status(
        conn2
            .fetch_all("SHOW SESSION STATUS LIKE 'Com_stmt_close'")
            .await
            .unwrap(),
    ) - closes_before;
    assert!(closes >= 10, "statements closed: {closes}");
    drop(conn2);
    // The connection talks utf8mb4 whatever the server's default.
    let row = conn
        .fetch_one("SELECT @@character_set_client AS c, @@character_set_results AS r, @@character_set_connection AS k")
        .await
        .unwrap();
    for col in ["c", "r", "k"] {
        assert_eq!(row.get::<String>(col).unwrap(), "utf8mb4", "{col}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn interrupted_statement_closes_the_connection() {
    let Some(engine) = engine_with("pool_max_size=1").await else {
        return;
    };
    let mut conn = engine.acquire().await.unwrap();
    let id = connection_id(&mut conn).await;
    let r = tokio::time::timeout(
        Duration::from_millis(100),
        conn.fetch_all("SELECT SLEEP(3)"),
    )
    .await;
    assert!(r.is_err(), "not interrupted");
    // The same connection refuses to go on: its protocol state is unknown.
    let e = conn.fetch_scalar::<i64>("SELECT 1").await.unwrap_err();
    assert!(e.is_connection_error(), "{e}");
    drop(conn);
    let mut conn = engine.acquire().await.unwrap();
    assert_ne!(connection_id(&mut conn).await, id);
    let one: i64 = conn.fetch_scalar("SELECT 1").await.unwrap();
    assert_eq!(one, 1);
}

/// Issue #20 point 1: a parameterless statement used to go over the text protocol, where
/// `mysql_async` allows several statements, so `execute("SELECT 1; DROP TABLE victim")` dropped
/// the table. Every call runs one statement now, as on PostgreSQL and SQLite; scripts go
/// through `execute_script` only.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn regression_stacked_statements_are_refused() {
    let Some(engine) = engine_with("").await else {
        return;
    };
    engine
        .execute("CREATE TABLE IF NOT EXISTS qm_victim (id INT)")
        .await
        .unwrap();
    engine.execute("DELETE FROM qm_victim").await.unwrap();
    engine
        .execute("INSERT INTO qm_victim VALUES (1)")
        .await
        .unwrap();
    let stacked = [
        "SELECT 1; DROP TABLE qm_victim",
        "DO 1; DROP TABLE qm_victim",
        "INSERT INTO qm_victim VALUES (2); DROP TABLE qm_victim",
        "DELETE FROM qm_victim WHERE id = 3;DROP TABLE qm_victim;",
        "LOCK TABLES qm_victim WRITE; DROP TABLE qm_victim",
    ];
    let mut conn = engine.acquire().await.unwrap();
    // The server refuses to prepare them: a syntax error (1064) at the second statement.
    let refused = |e: quarry::Error, sql: &str| {
        assert_eq!(e.kind(), ErrorKind::Database, "{sql}: {e}");
        assert_eq!(e.code(), Some("1064"), "{sql}: {e}");
    };
    for sql in stacked {
        refused(engine.execute(sql).await.unwrap_err(), sql);
        refused(conn.execute(sql).await.unwrap_err(), sql);
        refused(engine.fetch_all(sql).await.unwrap_err(), sql);
        let mut tx = conn.begin().await.unwrap();
        refused(tx.execute(sql).await.unwrap_err(), sql);
        tx.rollback().await.unwrap();
    }
    drop(conn);
    // The table and its one row survived every attempt.
    let n: i64 = engine
        .fetch_scalar("SELECT COUNT(*) FROM qm_victim")
        .await
        .unwrap();
    assert_eq!(n, 1);
    // A statement the server cannot prepare still runs (over the text protocol), one at a time.
    engine.execute("SELECT 1").await.unwrap();
    // The explicit script API runs several.
    engine
        .execute_script("INSERT INTO qm_victim VALUES (5); INSERT INTO qm_victim VALUES (6)")
        .await
        .unwrap();
    let n: i64 = engine
        .fetch_scalar("SELECT COUNT(*) FROM qm_victim")
        .await
        .unwrap();
    assert_eq!(n, 3);
    engine.execute("DROP TABLE qm_victim").await.unwrap();
}

/// Issue #20 point 11: after a lost reply, the first statement of a checkout used to run again
/// on another connection whenever it started with `SELECT`, so a `SELECT NEXTVAL(s)` whose
/// connection was killed mid-way took two values. A statement that may have run is reported
/// now, never rerun.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn regression_lost_reply_select_is_not_rerun() {
    let Some(killer) = engine_with("").await else {
        return;
    };
    for (i, transport) in ["", "prefer_socket=false&"].into_iter().enumerate() {
        let seq = format!("qm_rerun_seq{i}");
        killer
            .execute(format!("CREATE OR REPLACE SEQUENCE {seq} START WITH 1"))
            .await
            .unwrap();
        let engine = engine_with(&format!("{transport}pool_max_size=1"))
            .await
            .unwrap();
        let mut conn = engine.acquire().await.unwrap();
        let id = connection_id(&mut conn).await;
        drop(conn);
        // The value is taken at once; the statement then sleeps until it is killed.
        let query = format!("SELECT NEXTVAL({seq}) + SLEEP(5) * 0");
        let running = tokio::spawn({
            let engine = engine.clone();
            async move { engine.fetch_scalar::<i64>(query.as_str()).await }
        });
        let mut seen = false;
        for _ in 0..500 {
            let n: i64 = killer
                .fetch_scalar(
                    sql("SELECT COUNT(*) FROM information_schema.processlist \
                         WHERE id = :id AND info LIKE '%SLEEP(5)%'")
                    .bind("id", id),
                )
                .await
                .unwrap();
            if n == 1 {
                seen = true;
                break;
            }
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        assert!(seen, "{transport}: the query never started");
        kill(&killer, id).await;
        let e = running.await.unwrap().unwrap_err();
        assert!(e.is_connection_error(), "{transport}: {e}");
        // One value was taken by the killed statement; a rerun would have taken a second.
        let next: i64 = killer
            .fetch_scalar(format!("SELECT NEXTVAL({seq})"))
            .await
            .unwrap();
        assert_eq!(next, 2, "{transport}: the killed SELECT ran again");
        // The engine goes on with a live connection.
        let one: i64 = engine.fetch_scalar("SELECT 1").await.unwrap();
        assert_eq!(one, 1);
        killer
            .execute(format!("DROP SEQUENCE {seq}"))
            .await
            .unwrap();
    }
}

quarry::table! {
    pub struct Big("qm_big") {
        id: i64 => primary_key(),
        body: String,
        data: Vec<u8>,
    }
}

/// Issue #20 point 6: `SqlType::Text` was `TEXT` (64 KiB) on the MySQL family, so a
/// 100,000-byte string failed in strict mode and was cut to 65,535 bytes otherwise; and one
/// row over a hard-coded 8 MiB was refused whatever `max_allowed_packet` allowed. `Text` is
/// `LONGTEXT` now, a row over the split target gets a statement of its own (the server
/// judges it), and bulk loads split under the connection's `max_allowed_packet`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn regression_large_text_and_packet_size() {
    use quarry::prelude::*;
    let Some(engine) = engine_with("").await else {
        return;
    };
    let t = Big::new();
    let mut md = quarry::MetaData::new();
    md.add(Big::table()).unwrap();
    let fresh = |engine: Engine| {
        let md = md.clone();
        async move {
            engine.drop_all(&md).await.unwrap();
            engine.create_all(&md).await.unwrap();
        }
    };
    // Non-strict mode (the setting that cut values silently) on a connection of its own.
    fresh(engine.clone()).await;
    let long = "é".repeat(50_000); // 100,000 bytes
    let blob: Vec<u8> = (0..9 << 20).map(|i: u32| (i % 251) as u8).collect();
    let mut conn = engine.acquire().await.unwrap();
    conn.execute("SET SESSION sql_mode = ''").await.unwrap();
    conn.execute(insert(t).values((
        t.id.set(1),
        t.body.set(long.clone()),
        t.data.set(blob.clone()),
    )))
    .await
    .unwrap();
    drop(conn);
    let (body, data): (String, Vec<u8>) = select((t.body, t.data))
        .from(t)
        .filter(t.id.eq(1))
        .fetch_one(&engine)
        .await
        .unwrap();
    assert_eq!(body.len(), 100_000);
    assert_eq!(body, long);
    assert_eq!(data.len(), blob.len());
    assert!(data == blob, "the 9 MiB blob came back changed");

    // A server with a 1 MiB max_allowed_packet: a 3 MB bulk load splits under it; a row
    // larger than the packet is refused by the driver with an error, and the engine goes on.
    let Some(server) =
        common::private::PrivateMariaDb::start("packet", &["--max-allowed-packet=1M"])
    else {
        return;
    };
    let small = Engine::connect(&server.url("")).await.unwrap();
    fresh(small.clone()).await;
    let rows: Vec<(i64, String)> = (0..300).map(|i| (i, format!("{i:0>10000}"))).collect();
    let n = small
        .insert_rows(
            t,
            (t.id, t.body, t.data),
            rows.iter().map(|(id, s)| (*id, s.as_str(), &[][..])),
        )
        .await
        .unwrap();
    assert_eq!(n, 300);
    let total: i64 = small
        .fetch_scalar("SELECT SUM(LENGTH(body)) FROM qm_big")
        .await
        .unwrap();
    assert_eq!(total, 300 * 10_000);
    let e = insert(t)
        .values((
            t.id.set(1000),
            t.body.set("x".repeat(2 << 20)),
            t.data.set(Vec::new()),
        ))
        .execute(&small)
        .await
        .unwrap_err();
    assert!(
        e.to_string().contains("max_allowed_packet") || e.to_string().contains("packet"),
        "{e}"
    );
    let one: i64 = small.fetch_scalar("SELECT 1").await.unwrap();
    assert_eq!(one, 1);
    engine.drop_all(&md).await.unwrap();
}
