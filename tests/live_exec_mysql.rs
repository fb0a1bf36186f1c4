//! Live executor tests specific to MariaDB (`QUARRY_TEST_MYSQL_URL`, e.g.
//! `mysql://root@127.0.0.1:3306/test`); skipped with a notice when unset outside CI.
//!
//! What only MariaDB shows: connections killed on either transport (Unix socket or TCP), stream
//! errors and statements without rows, the key a multi-row INSERT reports, isolation levels as
//! InnoDB reports them, its own value edges, the prepared-statement cache, the pool's URL
//! options, interrupted statements, and the regressions of issue #20. The scenarios every
//! backend shares (pool timeouts, ended sessions, dropped streams, isolation, deadlocks, keys,
//! value round trips) are in `live_engine.rs`.
//! Every test uses its own tables (`qm_…`): tests in this binary run concurrently.

mod common;

use quarry::value::{Date, Decimal, Json, Time, Timestamp, Uuid};
use quarry::Executor;
use quarry::{sql, Compiled, Engine, ErrorKind, IsolationLevel, Row, TxOptions, Value, ValueType};
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

/// A multi-row INSERT reports the first key it generated (the AUTO_INCREMENT rule; SQLite
/// reports the last). Single-row INSERTs and statements that generate no key are in
/// `live_engine.rs`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_multi_row_insert_reports_its_first_id() {
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
        .execute_result("INSERT INTO qm_auto (name) VALUES ('a'), ('b')")
        .await
        .unwrap();
    assert_eq!((r.rows_affected, r.last_insert_id), (2, Some(1)));
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

/// Each isolation level reaches InnoDB (read back from `innodb_trx`) for one transaction only;
/// SERIALIZABLE turns plain reads into shared locks; a read-only transaction's writes fail with
/// MariaDB's code. (What the levels do on every backend is in `live_engine.rs`.)
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn isolation_levels_reach_innodb() {
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

    // READ ONLY: writes are refused with MariaDB's code for it (what else a read-only
    // transaction does is in `live_engine.rs`).
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
    // Both at once: refused with the same code.
    let mut both = engine
        .begin_with(
            TxOptions::default()
                .isolation(IsolationLevel::Serializable)
                .read_only(),
        )
        .await
        .unwrap();
    let e = both.execute("DELETE FROM qm_iso").await.unwrap_err();
    assert_eq!(e.code(), Some("1792"), "read-only transaction: {e}");
    both.rollback().await.unwrap();
    engine.execute("DROP TABLE qm_iso").await.unwrap();
}

/// MariaDB's own value edges (those every backend shares are in `live_engine.rs`): DECIMAL(40,10)
/// at its limits, keeping its scale; a VARCHAR(255) full of 4-byte characters; each column's
/// native variant (UUID and JSON columns are text to the server) and the type of its NULL;
/// bound values compared as the column types; a date out of MySQL's range refused before
/// anything is sent; a TIME that is no time of day a decode error naming its column.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mariadb_value_edges_round_trip() {
    let Some(engine) = engine_with("").await else {
        return;
    };
    engine
        .execute("DROP TABLE IF EXISTS qm_types")
        .await
        .unwrap();
    engine
        .execute(
            "CREATE TABLE qm_types (k INT PRIMARY KEY, i64 BIGINT, f32 FLOAT, txt LONGTEXT, \
             vc VARCHAR(255), `blob` LONGBLOB, d DATE, tm TIME(6), ts DATETIME(6), u UUID, \
             j JSON, num DECIMAL(40,10))",
        )
        .await
        .unwrap();
    let d = |s: &str| s.parse::<Date>().unwrap();
    let t = |s: &str| s.parse::<Time>().unwrap();
    let ts = |s: &str| s.parse::<Timestamp>().unwrap();
    let dec = |s: &str| s.parse::<Decimal>().unwrap();
    let uuid: Uuid = "67e55044-10b1-426f-9247-bb680e5fe0c8".parse().unwrap();
    let json = r#"{"a": [1, 2.5, null, "é🦀"], "b": {}}"#;
    let wide = "😀".repeat(255);
    let cols = "k, i64, f32, txt, vc, `blob`, d, tm, ts, u, j, num";
    let rows: Vec<Vec<Value>> = vec![
        vec![
            Value::I64(0),
            Value::I64(i64::MAX),
            Value::F32(f32::MAX),
            Value::Text("🦀".into()),
            Value::Text(wide.clone()),
            Value::Bytes(vec![0, 255]),
            Value::Date(d("9999-12-31")),
            Value::Time(t("23:59:59.999999")),
            Value::Timestamp(ts("9999-12-31 23:59:59.999999")),
            Value::Uuid(uuid),
            Value::Json(json.into()),
            Value::Decimal(dec("123456789012345678901234567890.0123456789")),
        ],
        vec![
            Value::I64(1),
            Value::Null(ValueType::I64),
            Value::Null(ValueType::F32),
            Value::Null(ValueType::Text),
            Value::Null(ValueType::Text),
            Value::Null(ValueType::Bytes),
            Value::Null(ValueType::Date),
            Value::Null(ValueType::Time),
            Value::Null(ValueType::Timestamp),
            Value::Null(ValueType::Uuid),
            Value::Null(ValueType::Json),
            Value::Decimal(dec("-999999999999999999999999999999.9999999999")),
        ],
        vec![
            Value::I64(2),
            Value::Null(ValueType::I64),
            Value::Null(ValueType::F32),
            Value::Null(ValueType::Text),
            Value::Null(ValueType::Text),
            Value::Null(ValueType::Bytes),
            Value::Null(ValueType::Date),
            Value::Null(ValueType::Time),
            Value::Null(ValueType::Timestamp),
            Value::Null(ValueType::Uuid),
            Value::Null(ValueType::Json),
            Value::Decimal(dec("0.0000000001")),
        ],
    ];
    for (k, params) in rows.into_iter().enumerate() {
        let marks = vec!["?"; params.len()].join(", ");
        let stmt = Compiled::with_params(
            format!("INSERT INTO qm_types ({cols}) VALUES ({marks})"),
            params,
        );
        assert_eq!(engine.execute(stmt).await.unwrap(), 1, "row {k}");
    }
    let fetched = engine
        .fetch_all(format!("SELECT {cols} FROM qm_types ORDER BY k"))
        .await
        .unwrap();
    assert_eq!(fetched.len(), 3);

    // Each column's native variant.
    let r = &fetched[0];
    assert_eq!(r.get::<String>("vc").unwrap(), wide);
    assert_eq!(r.get::<f32>("f32").unwrap(), f32::MAX);
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
    // UUID and JSON columns are text to the server; their text is kept as it was.
    assert_eq!(
        r.value("u").unwrap(),
        &Value::Text("67e55044-10b1-426f-9247-bb680e5fe0c8".into())
    );
    assert_eq!(r.get::<Uuid>("u").unwrap(), uuid);
    assert_eq!(r.value("j").unwrap(), &Value::Text(json.into()));
    assert_eq!(r.get::<Json>("j").unwrap().0, json);
    // A DECIMAL keeps the column's scale, at both ends of its range.
    assert_eq!(
        fetched[1].get::<Decimal>("num").unwrap(),
        dec("-999999999999999999999999999999.9999999999")
    );
    assert_eq!(fetched[1].get::<Decimal>("num").unwrap().scale(), 10);
    assert_eq!(
        fetched[2].get::<Decimal>("num").unwrap(),
        dec("0.0000000001")
    );
    // The type of each column's NULL.
    let nulls = &fetched[1];
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
                .bind("u", uuid)
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
    assert_eq!(e.kind(), ErrorKind::Decode, "{e}");
    assert!(e.to_string().contains("neg"), "{e}");
    let e = engine
        .fetch_all("SELECT CAST('25:00:00' AS TIME) AS long_one")
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Decode, "{e}");
    assert!(e.to_string().contains("long_one"), "{e}");
    // The connection that met the decode error is clean and reused.
    let one: i64 = engine.fetch_scalar("SELECT 1").await.unwrap();
    assert_eq!(one, 1);
    engine.execute("DROP TABLE qm_types").await.unwrap();
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
    let _elapsed: tokio::time::error::Elapsed = r.expect_err("not interrupted");
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
    // The driver refuses to send it and drops that connection: a connection error.
    assert_eq!(e.kind(), ErrorKind::Connection, "{e}");
    assert!(format!("{e:?}").to_lowercase().contains("packet"), "{e:?}");
    let one: i64 = small.fetch_scalar("SELECT 1").await.unwrap();
    assert_eq!(one, 1);
    engine.drop_all(&md).await.unwrap();
}
