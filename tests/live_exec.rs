//! The executor on every backend: fetch methods, typed decoding, named parameters,
//! transactions and savepoints, typed errors, round trips of every SQL type (bound and as a
//! literal), streaming, and cancellation at random points under concurrency.

mod common;

use common::session;
use quarry::dialect::SqlWriter;
use quarry::value::{Date, Decimal, Json, Time, Timestamp, Utc, Uuid};
use quarry::Executor;
use quarry::{
    sql, Check, ColumnDef, Engine, ErrorKind, FkAction, MetaData, SqlType, Table, TxOptions, Value,
};
use std::time::Duration;

/// A per-backend table name, so tests can run side by side.
fn name(engine: &Engine, base: &str) -> String {
    format!("qx_{}_{base}", engine.backend_name())
}

fn people(engine: &Engine) -> MetaData {
    let t = name(engine, "people");
    MetaData::new().with(
        Table::new(t)
            .column(ColumnDef::new("id", SqlType::BigInt).primary_key())
            .column(ColumnDef::new("name", SqlType::Varchar(50)).not_null())
            .column(ColumnDef::new("nick", SqlType::Varchar(50)))
            .column(ColumnDef::new("score", SqlType::Double)),
    )
}

async fn fresh(engine: &Engine, md: &MetaData) {
    engine.drop_all(md).await.unwrap();
    engine.create_all(md).await.unwrap();
}

#[derive(serde::Deserialize, Debug, PartialEq)]
struct Person {
    id: i64,
    name: String,
    nick: Option<String>,
    #[serde(rename = "score")]
    points: Option<f64>,
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fetch_methods_and_decoding() {
    for engine in common::all_engines().await {
        let be = engine.backend_name();
        let md = people(&engine);
        fresh(&engine, &md).await;
        let t = name(&engine, "people");
        for (id, n, nick) in [(1_i64, "ann", Some("a")), (2, "bob", None), (3, "cy", None)] {
            let affected = engine
                .execute(
                    sql(format!("INSERT INTO {t} (id, name, nick, score) VALUES (:id, :name, :nick, :score)"))
                        .bind("id", id)
                        .bind("name", n)
                        .bind("nick", nick)
                        .bind("score", id as f64 / 2.0),
                )
                .await
                .unwrap();
            assert_eq!(affected, 1, "{be}");
        }
        let q = |extra: &str| format!("SELECT id, name, nick, score FROM {t} {extra}");
        let all = engine.fetch_all(q("ORDER BY id")).await.unwrap();
        assert_eq!(all.len(), 3, "{be}");
        assert_eq!(all[1].get::<String>("name").unwrap(), "bob");
        assert_eq!(all[1].get::<Option<String>>("nick").unwrap(), None);
        let err = all[1].get::<String>("nick").unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Decode, "{be}");
        assert!(err.to_string().contains("nick"), "{be}: {err}");

        let people: Vec<Person> = engine.fetch_all_as(q("ORDER BY id")).await.unwrap();
        assert_eq!(
            people[0],
            Person {
                id: 1,
                name: "ann".into(),
                nick: Some("a".into()),
                points: Some(0.5)
            },
            "{be}"
        );
        let tuples: Vec<(i64, String)> = engine
            .fetch_all_as(format!("SELECT id, name FROM {t} ORDER BY id"))
            .await
            .unwrap();
        assert_eq!(tuples[2], (3, "cy".to_string()), "{be}");
        let one = engine
            .fetch_one(sql(q("WHERE id = :id")).bind("id", 2_i64))
            .await
            .unwrap();
        assert_eq!(one.get::<i64>(0).unwrap(), 2);
        let (id, nm): (i64, String) = engine
            .fetch_one_as(sql(format!("SELECT id, name FROM {t} WHERE name = :n")).bind("n", "cy"))
            .await
            .unwrap();
        assert_eq!((id, nm.as_str()), (3, "cy"));
        let none = engine
            .fetch_one(sql(q("WHERE id = :id")).bind("id", 99_i64))
            .await
            .unwrap_err();
        assert_eq!(none.kind(), ErrorKind::NotFound, "{be}");
        assert!(engine
            .fetch_optional(sql(q("WHERE id = :id")).bind("id", 99_i64))
            .await
            .unwrap()
            .is_none());
        let maybe: Option<Person> = engine
            .fetch_optional_as(sql(q("WHERE id = :id")).bind("id", 1_i64))
            .await
            .unwrap();
        assert_eq!(maybe.unwrap().name, "ann");
        let n: i64 = engine
            .fetch_scalar(format!("SELECT count(*) FROM {t}"))
            .await
            .unwrap();
        assert_eq!(n, 3, "{be}");
        let bad: Result<Vec<Person>, _> = engine
            .fetch_all_as(format!("SELECT id, nick AS name FROM {t}"))
            .await;
        let bad = bad.unwrap_err();
        assert_eq!(bad.kind(), ErrorKind::Decode, "{be}: {bad}");
        // A name bound twice is one value on every dialect.
        let twice: i64 = engine
            .fetch_scalar(
                sql(format!(
                    "SELECT count(*) FROM {t} WHERE id >= :v AND id <= :v + 1"
                ))
                .bind("v", 2_i64),
            )
            .await
            .unwrap();
        assert_eq!(twice, 2, "{be}");
        engine.drop_all(&md).await.unwrap();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn transactions_savepoints_and_rollback_on_drop() {
    for engine in common::all_engines().await {
        let be = engine.backend_name();
        let md = {
            let t = name(&engine, "tx");
            MetaData::new()
                .with(Table::new(t).column(ColumnDef::new("id", SqlType::BigInt).primary_key()))
        };
        fresh(&engine, &md).await;
        let t = name(&engine, "tx");
        let ins = |id: i64| sql(format!("INSERT INTO {t} (id) VALUES (:id)")).bind("id", id);
        let count = || format!("SELECT count(*) FROM {t}");

        // Commit persists, rollback discards.
        let mut tx = engine.begin().await.unwrap();
        tx.execute(ins(1)).await.unwrap();
        tx.commit().await.unwrap();
        let mut tx = engine.begin().await.unwrap();
        tx.execute(ins(2)).await.unwrap();
        tx.rollback().await.unwrap();
        assert_eq!(
            engine.fetch_scalar::<i64>(count()).await.unwrap(),
            1,
            "{be}"
        );

        // Savepoints: the inner rollback keeps the outer work.
        let mut conn = engine.acquire().await.unwrap();
        {
            let mut tx = conn.begin().await.unwrap();
            tx.execute(ins(3)).await.unwrap();
            {
                let mut sp = tx.begin().await.unwrap();
                assert_eq!(sp.transaction_depth(), 2);
                sp.execute(ins(4)).await.unwrap();
                {
                    let mut sp2 = sp.begin().await.unwrap();
                    sp2.execute(ins(5)).await.unwrap();
                    sp2.commit().await.unwrap();
                }
                sp.rollback().await.unwrap(); // discards 4 and 5
            }
            {
                let mut sp = tx.begin().await.unwrap();
                sp.execute(ins(6)).await.unwrap();
                // dropped: rolled back to the savepoint before the next statement
            }
            tx.execute(ins(7)).await.unwrap();
            tx.commit().await.unwrap();
        }
        let ids: Vec<(i64,)> = conn
            .fetch_all_as(format!("SELECT id FROM {t} ORDER BY id"))
            .await
            .unwrap();
        assert_eq!(ids, [(1,), (3,), (7,)], "{be}");
        assert!(!common::in_transaction(&mut conn).await, "{be}");

        // A transaction dropped uncommitted rolls back; the connection stays usable.
        {
            let mut tx = conn.begin().await.unwrap();
            tx.execute(ins(8)).await.unwrap();
        }
        assert_eq!(conn.fetch_scalar::<i64>(count()).await.unwrap(), 3, "{be}");
        assert!(!common::in_transaction(&mut conn).await, "{be}");
        drop(conn);

        // An engine transaction dropped uncommitted: its connection is closed, not reused dirty.
        for id in 10..20 {
            let mut tx = engine.begin().await.unwrap();
            tx.execute(ins(id)).await.unwrap();
        }
        assert_eq!(
            engine.fetch_scalar::<i64>(count()).await.unwrap(),
            3,
            "{be}"
        );
        let mut conns = Vec::new();
        for _ in 0..4 {
            conns.push(engine.acquire().await.unwrap());
        }
        for c in &mut conns {
            assert!(
                !common::in_transaction(c).await,
                "{be}: pooled connection left in a transaction"
            );
        }
        drop(conns);

        // Isolation levels and read-only transactions: `live_engine.rs`.
        // The retry helper commits the closure's work.
        let n = engine
            .transaction(TxOptions::default(), 2, |tx| {
                let stmt = ins(60);
                Box::pin(async move { tx.execute(stmt).await })
            })
            .await
            .unwrap();
        assert_eq!(n, 1);
        assert_eq!(
            engine.fetch_scalar::<i64>(count()).await.unwrap(),
            4,
            "{be}"
        );
        engine.drop_all(&md).await.unwrap();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn constraint_violations_are_typed_and_leave_data_unchanged() {
    for engine in common::all_engines().await {
        let be = engine.backend_name();
        let parent = name(&engine, "parent");
        let child = name(&engine, "child");
        let md = MetaData::new()
            .with(
                Table::new(parent.clone())
                    .column(ColumnDef::new("id", SqlType::BigInt).primary_key()),
            )
            .with(
                Table::new(child.clone())
                    .column(ColumnDef::new("id", SqlType::BigInt).primary_key())
                    .column(
                        ColumnDef::new("parent_id", SqlType::BigInt)
                            .references(parent.clone(), "id")
                            .on_delete(FkAction::Cascade),
                    )
                    .column(ColumnDef::new("qty", SqlType::Integer).not_null())
                    .check(Check::new("qty > 0")),
            );
        fresh(&engine, &md).await;
        engine
            .execute(format!("INSERT INTO {parent} (id) VALUES (1)"))
            .await
            .unwrap();
        engine
            .execute(format!(
                "INSERT INTO {child} (id, parent_id, qty) VALUES (1, 1, 5)"
            ))
            .await
            .unwrap();
        let cases = [
            (
                format!("INSERT INTO {parent} (id) VALUES (1)"),
                ErrorKind::UniqueViolation,
            ),
            (
                format!("INSERT INTO {child} (id, parent_id, qty) VALUES (2, 42, 1)"),
                ErrorKind::ForeignKeyViolation,
            ),
            (
                format!("INSERT INTO {child} (id, parent_id, qty) VALUES (3, 1, NULL)"),
                ErrorKind::NotNullViolation,
            ),
            (
                format!("INSERT INTO {child} (id, parent_id, qty) VALUES (4, 1, -1)"),
                ErrorKind::CheckViolation,
            ),
            (
                format!("INSERT INTO {child} (nope) VALUES (1)"),
                ErrorKind::Database,
            ),
        ];
        for (stmt, kind) in cases {
            let err = engine.execute(stmt.clone()).await.unwrap_err();
            assert_eq!(err.kind(), kind, "{be}: {stmt}: {err}");
            assert_eq!(err.sql(), Some(stmt.as_str()), "{be}");
            assert!(
                err.code().is_some_and(|c| !c.is_empty()),
                "{be}: native code kept"
            );
        }
        let rows: Vec<(i64, i64, i32)> = engine
            .fetch_all_as(format!("SELECT id, parent_id, qty FROM {child}"))
            .await
            .unwrap();
        assert_eq!(rows, [(1, 1, 5)], "{be}");
        // A failed statement inside a transaction, then rollback: nothing changed.
        let mut tx = engine.begin().await.unwrap();
        tx.execute(format!(
            "INSERT INTO {child} (id, parent_id, qty) VALUES (9, 1, 1)"
        ))
        .await
        .unwrap();
        let err = tx
            .execute(format!("INSERT INTO {parent} (id) VALUES (1)"))
            .await
            .unwrap_err();
        assert_eq!(err.kind(), ErrorKind::UniqueViolation, "{be}: {err}");
        tx.rollback().await.unwrap();
        let n: i64 = engine
            .fetch_scalar(format!("SELECT count(*) FROM {child}"))
            .await
            .unwrap();
        assert_eq!(n, 1, "{be}");
        engine.drop_all(&md).await.unwrap();
    }
}

/// A SQL literal of `v` for the engine's dialect.
fn literal(engine: &Engine, v: &Value) -> String {
    let mut w = SqlWriter::new(engine.dialect());
    w.push_literal(v).unwrap();
    w.finish().sql
}

/// Inserts `v` into a one-column table of type `ty` as a bound parameter and as a literal, reads
/// both back and decodes them as `T`; both must equal `expect`.
async fn round_trip<T>(engine: &Engine, ty: SqlType, v: Value, expect: T)
where
    T: quarry::FromValue + PartialEq + std::fmt::Debug,
{
    let be = engine.backend_name();
    let t = name(engine, "rt");
    let table = Table::new(t.clone())
        .column(ColumnDef::new("k", SqlType::Integer).primary_key())
        .column(ColumnDef::new("v", ty.clone()));
    let md = MetaData::new().with(table.clone());
    fresh(engine, &md).await;
    // Through the builder, which knows the column's type (PostgreSQL enum values are cast).
    let col = |c: &str| quarry::DynColumn::new(t.as_str(), c);
    engine
        .execute(quarry::insert(&table).values([col("k").set(1_i32), col("v").set(v.clone())]))
        .await
        .unwrap_or_else(|e| panic!("{be}: bind {ty:?} {v:?}: {e}"));
    let lit = literal(engine, &v);
    engine
        .execute(format!("INSERT INTO {t} (k, v) VALUES (2, {lit})"))
        .await
        .unwrap_or_else(|e| panic!("{be}: literal {ty:?} {lit}: {e}"));
    let rows = engine
        .fetch_all(format!("SELECT v FROM {t} ORDER BY k"))
        .await
        .unwrap();
    assert_eq!(rows.len(), 2, "{be}: {ty:?}: rows read back");
    for (row, how) in rows.iter().zip(["parameter", "literal"]) {
        let got: T = row
            .get(0)
            .unwrap_or_else(|e| panic!("{be}: decode {ty:?} ({how}): {e}"));
        assert_eq!(got, expect, "{be}: {ty:?} as {how}");
    }
    engine.drop_all(&md).await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_type_round_trips_as_parameter_and_literal() {
    for engine in common::all_engines().await {
        let e = &engine;
        let be = e.backend_name();
        round_trip(e, SqlType::SmallInt, Value::I16(i16::MIN), i16::MIN).await;
        round_trip(e, SqlType::SmallInt, Value::I16(i16::MAX), i16::MAX).await;
        round_trip(e, SqlType::Integer, Value::I32(i32::MIN), i32::MIN).await;
        round_trip(e, SqlType::BigInt, Value::I64(i64::MIN), i64::MIN).await;
        round_trip(e, SqlType::BigInt, Value::I64(i64::MAX), i64::MAX).await;
        round_trip(e, SqlType::Boolean, Value::Bool(true), true).await;
        round_trip(e, SqlType::Boolean, Value::Bool(false), false).await;
        round_trip(e, SqlType::Double, Value::F64(-1.25e300), -1.25e300_f64).await;
        round_trip(
            e,
            SqlType::Double,
            Value::F64(f64::MIN_POSITIVE),
            f64::MIN_POSITIVE,
        )
        .await;
        round_trip(e, SqlType::Real, Value::F32(3.5), 3.5_f64).await;
        if e.dialect().features().non_finite_floats {
            round_trip(e, SqlType::Double, Value::F64(f64::INFINITY), f64::INFINITY).await;
            round_trip(
                e,
                SqlType::Double,
                Value::F64(f64::NEG_INFINITY),
                f64::NEG_INFINITY,
            )
            .await;
        }
        round_trip(e, SqlType::Text, Value::Text(String::new()), String::new()).await;
        let unicode = "héllo wörld — 日本語 🦀 'quoted' \\ back".to_string();
        round_trip(e, SqlType::Text, Value::Text(unicode.clone()), unicode).await;
        round_trip(
            e,
            SqlType::Varchar(20),
            Value::Text("it's".into()),
            "it's".to_string(),
        )
        .await;
        round_trip(
            e,
            SqlType::Char(3),
            Value::Text("abc".into()),
            "abc".to_string(),
        )
        .await;
        let blob: Vec<u8> = (0..1024 * 1024).map(|i| (i % 251) as u8).collect();
        round_trip(e, SqlType::Blob, Value::Bytes(blob.clone()), blob).await;
        round_trip(e, SqlType::Blob, Value::Bytes(Vec::new()), Vec::<u8>::new()).await;
        for d in ["1000-01-01", "9999-12-31", "2024-02-29"] {
            let d: Date = d.parse().unwrap();
            round_trip(e, SqlType::Date, Value::Date(d), d).await;
        }
        let t: Time = "23:59:59.999999".parse().unwrap();
        round_trip(e, SqlType::Time, Value::Time(t), t).await;
        for ts in [
            "1000-01-01 00:00:00",
            "9999-12-31 23:59:59.999999",
            "2024-06-01 12:34:56.123456",
        ] {
            let ts: Timestamp = ts.parse().unwrap();
            round_trip(e, SqlType::Timestamp, Value::Timestamp(ts), ts).await;
            round_trip(e, SqlType::TimestampTz, Value::TimestampTz(ts), Utc(ts)).await;
        }
        let u: Uuid = "67e55044-10b1-426f-9247-bb680e5fe0c8".parse().unwrap();
        round_trip(e, SqlType::Uuid, Value::Uuid(u), u).await;
        let doc = r#"{"a": [1, 2, {"b": null}], "c": "é"}"#;
        let want: serde_json::Value = serde_json::from_str(doc).unwrap();
        round_trip(e, SqlType::Json, Value::Json(doc.into()), want).await;
        round_trip(
            e,
            SqlType::enumeration(format!("qx_{be}_mood"), ["happy", "it's ok"]),
            Value::Text("it's ok".into()),
            "it's ok".to_string(),
        )
        .await;
        let small: Decimal = "-12345.50".parse().unwrap();
        round_trip(
            e,
            SqlType::numeric(12, 2),
            Value::Decimal(small.clone()),
            small,
        )
        .await;
        let big: Decimal = "12345678901234567890.1234567890".parse().unwrap();
        if be == "sqlite" {
            // SQLite has no exact decimals: more than 15 significant digits is refused, not rounded.
            let err = e
                .execute(sql("SELECT :v").bind("v", Value::Decimal(big.clone())))
                .await
                .unwrap_err();
            assert!(err.is_unsupported(), "{err}");
        } else {
            round_trip(
                e,
                SqlType::numeric(30, 10),
                Value::Decimal(big.clone()),
                big,
            )
            .await;
        }
        // chrono, time, uuid, rust_decimal and serde_json conversions, bound as parameters.
        let nd = chrono::NaiveDate::from_ymd_opt(1999, 12, 31).unwrap();
        round_trip(e, SqlType::Date, nd.into(), nd).await;
        let ndt = nd.and_hms_micro_opt(23, 59, 58, 123_456).unwrap();
        round_trip(e, SqlType::Timestamp, ndt.into(), ndt).await;
        let utc = ndt.and_utc();
        round_trip(e, SqlType::TimestampTz, utc.into(), utc).await;
        let td = time::Date::from_calendar_date(2030, time::Month::July, 4).unwrap();
        round_trip(e, SqlType::Date, td.into(), td).await;
        let uu = uuid::Uuid::from_bytes(u.0);
        round_trip(e, SqlType::Uuid, uu.into(), uu).await;
        let rd: rust_decimal::Decimal = "1234.5678".parse().unwrap();
        round_trip(e, SqlType::numeric(10, 4), rd.into(), rd).await;
        let js = serde_json::json!({"k": [true, 1.5]});
        round_trip(e, SqlType::Json, js.clone().into(), js).await;
        let j = Json("[1,2]".into());
        let back: serde_json::Value = serde_json::json!([1, 2]);
        round_trip(e, SqlType::Json, j.into(), back).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn streams_rows_and_survives_early_drop() {
    for engine in common::all_engines().await {
        let be = engine.backend_name();
        let q = session::series(engine.dialect(), 50_000);
        let mut s = engine.stream(q.clone()).await.unwrap();
        let mut sum = 0_i64;
        let mut count = 0;
        while let Some(row) = s.next().await {
            sum += row.unwrap().get::<i64>(0).unwrap();
            count += 1;
        }
        assert_eq!(count, 50000, "{be}");
        assert_eq!(sum, 50000 * 50001 / 2, "{be}");
        drop(s);
        // Dropped after a few rows, many times: later statements are unaffected.
        for _ in 0..20 {
            let mut s = engine.stream(q.clone()).await.unwrap();
            for _ in 0..3 {
                s.next().await.unwrap().unwrap();
            }
        }
        let mut conn = engine.acquire().await.unwrap();
        {
            let mut s = conn.stream(q.clone()).await.unwrap();
            s.next().await.unwrap().unwrap();
        }
        let one: i64 = conn.fetch_scalar("SELECT 1").await.unwrap();
        assert_eq!(one, 1, "{be}");
        // futures::Stream works too.
        use futures_util::StreamExt;
        let n = engine.stream(q).await.unwrap().take(10).count().await;
        assert_eq!(n, 10, "{be}");
    }
}

/// Thousands of futures dropped at random points (mid-query, mid-stream, mid-transaction) under
/// concurrency; afterwards every pooled connection is clean and answers correctly.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cancellation_at_random_points_leaves_clean_connections() {
    for engine in common::all_engines().await {
        let be = engine.backend_name();
        let t = name(&engine, "cancel");
        let md = MetaData::new().with(
            Table::new(t.clone())
                .column(ColumnDef::new("id", SqlType::BigInt).primary_key())
                .column(ColumnDef::new("committed", SqlType::Boolean).not_null()),
        );
        fresh(&engine, &md).await;
        let slow = format!(
            "SELECT count(*) FROM ({}) AS s",
            session::series(engine.dialect(), 200_000)
        );
        // Deadlines up to a few operations' length, so that some finish (commits included) and
        // many are dropped mid-flight. PostgreSQL's round trips and its reconnects after
        // discarded connections are slower: it gets longer ones. (With 15 ms on MariaDB, a
        // quiet machine finished all but about 480 of the 2000 operations in time.)
        let max_deadline_us: u64 = if engine.dialect().name() == "postgresql" {
            60_000
        } else {
            8_000
        };
        let next_id = std::sync::Arc::new(std::sync::atomic::AtomicI64::new(1));
        let committed = std::sync::Arc::new(std::sync::atomic::AtomicI64::new(0));
        let cancelled = std::sync::Arc::new(std::sync::atomic::AtomicI64::new(0));
        let retryable = std::sync::Arc::new(std::sync::atomic::AtomicI64::new(0));
        let mut tasks = Vec::new();
        for task in 0..16_u64 {
            let (engine, t, slow) = (engine.clone(), t.clone(), slow.clone());
            let (next_id, committed, cancelled, retryable) = (
                next_id.clone(),
                committed.clone(),
                cancelled.clone(),
                retryable.clone(),
            );
            tasks.push(tokio::spawn(async move {
                let mut seed = task.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1;
                let mut rnd = move |n: u64| {
                    seed ^= seed << 13;
                    seed ^= seed >> 7;
                    seed ^= seed << 17;
                    seed % n
                };
                for i in 0..125 {
                    let mut deadline = Duration::from_micros(rnd(max_deadline_us));
                    let mut kind = rnd(4);
                    if i % 25 == 24 {
                        // Now and then a committing transaction with all the time it needs, so
                        // commits land even when a loaded machine makes every short deadline
                        // too short (the PostgreSQL run once committed none).
                        deadline = Duration::from_secs(20);
                        kind = 2;
                    }
                    let id = next_id.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    let work = async {
                        match kind {
                            0 => {
                                let mut tx = engine.begin().await?;
                                tx.execute(
                                    sql(format!(
                                        "INSERT INTO {t} (id, committed) VALUES (:id, :c)"
                                    ))
                                    .bind("id", id)
                                    .bind("c", false),
                                )
                                .await?;
                                tx.fetch_all(slow.as_str()).await?;
                                // never committed: must vanish
                                Ok::<bool, quarry::Error>(false)
                            }
                            1 => {
                                let mut s = engine.stream(slow.as_str()).await?;
                                while let Some(r) = s.next().await {
                                    r?;
                                }
                                Ok(false)
                            }
                            2 => {
                                let mut tx = engine.begin().await?;
                                tx.execute(
                                    sql(format!(
                                        "INSERT INTO {t} (id, committed) VALUES (:id, :c)"
                                    ))
                                    .bind("id", id)
                                    .bind("c", true),
                                )
                                .await?;
                                let mut sp = tx.begin().await?;
                                sp.execute(
                                    sql(format!("UPDATE {t} SET committed = :c WHERE id = :id"))
                                        .bind("c", true)
                                        .bind("id", id),
                                )
                                .await?;
                                sp.commit().await?;
                                tx.commit().await?;
                                Ok(true)
                            }
                            _ => {
                                engine.fetch_all(slow.as_str()).await?;
                                Ok(false)
                            }
                        }
                    };
                    match tokio::time::timeout(deadline, work).await {
                        Ok(Ok(true)) => {
                            committed.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                        }
                        Ok(Ok(false)) => {}
                        // Under this contention a connection may fail to open or a lock be
                        // refused (an in-memory SQLite database is locked as a whole): such
                        // an error says the work never ran or may be retried, and is counted.
                        // Any other error is a connection left dirty by a cancellation.
                        Ok(Err(e)) if e.is_retryable() => {
                            retryable.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                        }
                        Ok(Err(e)) => panic!("{be}: operation {kind} failed: {e}"),
                        Err(tokio::time::error::Elapsed { .. }) => {
                            cancelled.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                        }
                    }
                }
            }));
        }
        for task in tasks {
            task.await.unwrap();
        }
        // Every connection the pool hands out now is outside any transaction and answers right.
        let (open, _) = engine.pool_state();
        let mut conns = Vec::new();
        for _ in 0..open.max(1) {
            match tokio::time::timeout(Duration::from_secs(10), engine.acquire()).await {
                Ok(Ok(c)) => conns.push(c),
                other => panic!("{be}: acquire after cancellations: {other:?}"),
            }
        }
        for c in &mut conns {
            assert!(
                !common::in_transaction(c).await,
                "{be}: dirty connection in the pool"
            );
            let v: i64 = c
                .fetch_scalar(sql("SELECT :x").bind("x", 42_i64))
                .await
                .unwrap();
            assert_eq!(v, 42, "{be}");
        }
        drop(conns);
        // Uncommitted inserts vanished; committed ones (at most those counted, since a commit can
        // land just as its future is dropped) are all marked committed.
        let uncommitted: i64 = engine
            .fetch_scalar(
                sql(format!("SELECT count(*) FROM {t} WHERE committed = :c")).bind("c", false),
            )
            .await
            .unwrap();
        assert_eq!(
            uncommitted, 0,
            "{be}: rows of rolled-back transactions are visible"
        );
        let rows: i64 = engine
            .fetch_scalar(format!("SELECT count(*) FROM {t}"))
            .await
            .unwrap();
        assert!(
            rows >= committed.load(std::sync::atomic::Ordering::Relaxed),
            "{be}"
        );
        let cancelled = cancelled.load(std::sync::atomic::Ordering::Relaxed);
        let retryable = retryable.load(std::sync::atomic::Ordering::Relaxed);
        println!("{be}: 2000 operations with random deadlines: {cancelled} dropped mid-flight, {rows} committed, {retryable} failed retryably");
        assert!(
            cancelled > 500,
            "{be}: too few futures were dropped mid-flight ({cancelled})"
        );
        // Transactions committed, and their rows are visible (checked above). The
        // long-deadline ones always can; how many short-deadline ones land depends on the
        // machine's load (printed above).
        assert!(
            committed.load(std::sync::atomic::Ordering::Relaxed) > 0,
            "{be}: no transaction committed within its deadline"
        );
        engine.drop_all(&md).await.unwrap();
    }
}

/// SQLite reports a lock it cannot get (SQLITE_BUSY) as a retryable serialization failure, and
/// the retry helper gets through once the other writer is done.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_busy_is_a_retryable_serialization_failure() {
    common::install();
    let dir = std::env::temp_dir().join(format!("quarry-busy-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let url = format!("sqlite://{}?busy_timeout=0", dir.join("busy.db").display());
    let engine = Engine::connect(&url).await.unwrap();
    engine.execute("CREATE TABLE c (n INTEGER)").await.unwrap();
    engine
        .execute("INSERT INTO c (n) VALUES (0)")
        .await
        .unwrap();
    let mut holder = engine.begin().await.unwrap(); // BEGIN IMMEDIATE: the write lock
    holder.execute("UPDATE c SET n = n + 1").await.unwrap();
    let err = engine.begin().await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::SerializationFailure, "{err}");
    assert!(err.is_retryable());
    assert_eq!(err.code(), Some("5"), "SQLITE_BUSY");
    let release = tokio::spawn(async move {
        tokio::time::sleep(Duration::from_millis(50)).await;
        holder.commit().await.unwrap();
    });
    // Retries until the holder commits (each attempt fails fast with busy_timeout=0).
    let mut attempts = 0;
    let n = loop {
        match engine
            .transaction(TxOptions::default(), 0, |tx| {
                Box::pin(async move { tx.execute("UPDATE c SET n = n + 1").await })
            })
            .await
        {
            Ok(n) => break n,
            Err(e) if e.is_retryable() && attempts < 1000 => {
                attempts += 1;
                tokio::time::sleep(Duration::from_millis(2)).await;
            }
            Err(e) => panic!("{e}"),
        }
    };
    release.await.unwrap();
    assert_eq!(n, 1);
    assert!(attempts > 0, "the lock was never contended");
    let total: i64 = engine.fetch_scalar("SELECT n FROM c").await.unwrap();
    assert_eq!(total, 2);
    drop(engine);
    std::fs::remove_dir_all(&dir).unwrap();
}

/// The server's id of the session a call runs on.
async fn session_id(engine: &Engine) -> i64 {
    session::engine_session_id(engine).await
}

/// On the server backends too, the connection returned last is handed to the next caller
/// without a bb8 checkout, within the pool's rules: the same session serves one call after
/// another, a caller waiting for the pool's only connection is served when it comes back,
/// many tasks over a pool of one are all served, a connection returned inside a transaction
/// is not handed out again, and one idle past its idle timeout is closed, even while nothing
/// runs.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_last_returned_connection_is_reused_within_the_pool_rules() {
    common::install();
    for var in ["QUARRY_TEST_POSTGRES_URL", "QUARRY_TEST_MYSQL_URL"] {
        let Some(url) = common::url(var) else {
            continue;
        };
        let engine = Engine::builder()
            .max_size(1)
            .connection_timeout(Duration::from_secs(10))
            .idle_timeout(Some(Duration::from_millis(400)))
            .connect(&url)
            .await
            .expect("connect");
        let be = engine.dialect().name();
        let first = session_id(&engine).await;
        assert_eq!(engine.pool_state(), (1, 1), "{be}");
        assert_eq!(session_id(&engine).await, first, "{be}: reused");

        let held = engine.acquire().await.expect("hold");
        assert_eq!(engine.pool_state(), (1, 0), "{be}: held");
        let e = engine.clone();
        let waiter = tokio::spawn(async move {
            let start = std::time::Instant::now();
            (session_id(&e).await, start.elapsed())
        });
        tokio::time::sleep(Duration::from_millis(100)).await;
        drop(held);
        let (id, waited) = waiter.await.expect("task");
        assert_eq!(id, first, "{be}");
        assert!(waited < Duration::from_secs(5), "{be}: waited {waited:?}");

        let tasks: Vec<_> = (0..16)
            .map(|_| {
                let e = engine.clone();
                tokio::spawn(async move {
                    for _ in 0..10 {
                        assert_eq!(session_id(&e).await, first);
                    }
                })
            })
            .collect();
        for t in tasks {
            t.await.expect("task");
        }

        if be != "postgresql" {
            // The server reports the open transaction: the connection is closed, not reused.
            {
                let mut c = engine.acquire().await.expect("acquire");
                c.execute("START TRANSACTION").await.expect("begin");
            }
            let after = session_id(&engine).await;
            assert_ne!(
                after, first,
                "{be}: a connection left in a transaction was reused"
            );
        }
        let before = session_id(&engine).await;
        assert_eq!(session_id(&engine).await, before, "{be}: reused");
        // Idle past its idle timeout while nothing runs: closed then and there by the
        // lane's reaper, as bb8 closes its own idle connections.
        tokio::time::sleep(Duration::from_millis(900)).await;
        assert_eq!(
            engine.pool_state(),
            (0, 0),
            "{be}: closed while nothing ran"
        );
        assert_ne!(session_id(&engine).await, before, "{be}: idle timeout");
        assert_eq!(engine.pool_state(), (1, 1), "{be}");
    }
}

/// The transaction-control step whose future a test drops.
#[derive(Clone, Copy, Debug)]
enum TxStep {
    Begin,
    Savepoint,
    Commit,
    Rollback,
    Release,
    RollbackTo,
}

/// A transaction's commit or rollback.
type EndFuture<'a> =
    std::pin::Pin<Box<dyn std::future::Future<Output = quarry::Result<()>> + Send + 'a>>;

/// How a future given to [`cut`] ended.
enum Cut<T> {
    /// Dropped without being polled.
    NotPolled,
    /// Dropped after being polled, before it finished.
    MidWay,
    Done(T),
}

/// Polls `fut` `polls` times, 20 ms apart (time for the server's reply to arrive), and drops
/// it unless it has finished.
async fn cut<F: std::future::Future>(fut: F, polls: usize) -> Cut<F::Output> {
    let mut fut = std::pin::pin!(fut);
    for i in 0..polls {
        if i > 0 {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        let poll = std::future::poll_fn(|cx| std::task::Poll::Ready(fut.as_mut().poll(cx))).await;
        if let std::task::Poll::Ready(out) = poll {
            return Cut::Done(out);
        }
    }
    if polls == 0 {
        Cut::NotPolled
    } else {
        Cut::MidWay
    }
}

/// Asserts that `r` is the connection error of an interrupted transaction-control statement.
fn assert_interrupted<T>(r: quarry::Result<T>, what: &str, ctx: &str) {
    match r {
        Ok(_) => panic!("{ctx}: the connection was used after an interrupted {what}"),
        Err(e) => {
            assert_eq!(e.kind(), ErrorKind::Connection, "{ctx}: {e}");
            assert!(e.to_string().contains(what), "{ctx}: {e}");
        }
    }
}

/// Drops one step's future on a borrowed connection after `polls` polls, then checks the
/// connection's depth, its next use, and whether the row `id` inserted in the transaction was
/// committed (`Some(committed)`, or `None` when either is right: a COMMIT dropped after it was
/// sent). Returns whether the future was dropped mid-way.
async fn cut_step(engine: &Engine, t: &str, id: i64, step: TxStep, polls: usize) -> bool {
    let insert = |id: i64| sql(format!("INSERT INTO {t} (id) VALUES (:id)")).bind("id", id);
    let ctx = format!(
        "{} {step:?} dropped after {polls} polls",
        engine.backend_name()
    );
    let mut conn = engine.acquire().await.unwrap();
    let (midway, committed) = match step {
        TxStep::Begin => {
            let begun = match cut(conn.begin(), polls).await {
                Cut::Done(tx) => {
                    let mut tx = tx.unwrap();
                    tx.execute(insert(id)).await.unwrap();
                    tx.commit().await.unwrap();
                    Cut::Done(())
                }
                Cut::NotPolled => Cut::NotPolled,
                Cut::MidWay => Cut::MidWay,
            };
            match begun {
                Cut::Done(()) => (false, Some(true)),
                Cut::NotPolled => (false, Some(false)),
                Cut::MidWay => {
                    assert_eq!(conn.transaction_depth(), 0, "{ctx}");
                    assert_interrupted(conn.begin().await, "BEGIN", &ctx);
                    (true, Some(false))
                }
            }
        }
        TxStep::Savepoint => {
            let mut tx = conn.begin().await.unwrap();
            tx.execute(insert(id)).await.unwrap();
            let begun = match cut(tx.begin(), polls).await {
                Cut::Done(sp) => {
                    sp.unwrap().commit().await.unwrap();
                    Cut::Done(())
                }
                Cut::NotPolled => Cut::NotPolled,
                Cut::MidWay => Cut::MidWay,
            };
            assert_eq!(tx.transaction_depth(), 1, "{ctx}");
            match begun {
                Cut::Done(()) | Cut::NotPolled => {
                    tx.commit().await.unwrap();
                    (false, Some(true))
                }
                Cut::MidWay => {
                    assert_interrupted(tx.execute(insert(id + 1)).await, "SAVEPOINT", &ctx);
                    assert_interrupted(tx.commit().await, "SAVEPOINT", &ctx);
                    (true, Some(false))
                }
            }
        }
        TxStep::Commit | TxStep::Rollback => {
            let mut tx = conn.begin().await.unwrap();
            tx.execute(insert(id)).await.unwrap();
            let commit = matches!(step, TxStep::Commit);
            let end: EndFuture<'_> = if commit {
                Box::pin(tx.commit())
            } else {
                Box::pin(tx.rollback())
            };
            let what = if commit { "COMMIT" } else { "ROLLBACK" };
            match cut(end, polls).await {
                Cut::Done(r) => {
                    r.unwrap();
                    (false, Some(commit))
                }
                // The dropped transaction rolls back before the next statement.
                Cut::NotPolled => (false, Some(false)),
                Cut::MidWay => {
                    assert_eq!(conn.transaction_depth(), 0, "{ctx}");
                    assert_interrupted(conn.begin().await, what, &ctx);
                    assert_interrupted(conn.execute(insert(id + 1)).await, what, &ctx);
                    (true, if commit { None } else { Some(false) })
                }
            }
        }
        TxStep::Release | TxStep::RollbackTo => {
            let mut tx = conn.begin().await.unwrap();
            tx.execute(insert(id)).await.unwrap();
            let sp = tx.begin().await.unwrap();
            let release = matches!(step, TxStep::Release);
            let end: EndFuture<'_> = if release {
                Box::pin(sp.commit())
            } else {
                Box::pin(sp.rollback())
            };
            let what = if release {
                "RELEASE SAVEPOINT"
            } else {
                "ROLLBACK TO SAVEPOINT"
            };
            let cut = cut(end, polls).await;
            assert_eq!(tx.transaction_depth(), 1, "{ctx}");
            match cut {
                Cut::Done(r) => {
                    r.unwrap();
                    tx.commit().await.unwrap();
                    (false, Some(true))
                }
                Cut::NotPolled => {
                    tx.commit().await.unwrap();
                    (false, Some(true))
                }
                // The outer transaction cannot commit: nothing of it lands.
                Cut::MidWay => {
                    assert_interrupted(tx.execute(insert(id + 1)).await, what, &ctx);
                    assert_interrupted(tx.commit().await, what, &ctx);
                    (true, Some(false))
                }
            }
        }
    };
    if midway {
        assert_interrupted(conn.execute("SELECT 1").await, "", &ctx);
    } else {
        // The connection goes on at depth 0, with working transactions.
        assert_eq!(conn.transaction_depth(), 0, "{ctx}");
        let mut tx = conn.begin().await.unwrap();
        let mut sp = tx.begin().await.unwrap();
        sp.execute(insert(id + 1)).await.unwrap();
        sp.commit().await.unwrap();
        tx.commit().await.unwrap();
        assert_eq!(conn.transaction_depth(), 0, "{ctx}");
    }
    drop(conn);
    // Whatever happened, no transaction of this round is left open: inserting `id` anew either
    // succeeds (it was not committed) or meets the committed row, without waiting on a lock.
    let again = tokio::time::timeout(Duration::from_secs(10), engine.execute(insert(id)))
        .await
        .unwrap_or_else(|_| panic!("{ctx}: row {id} is still locked by a transaction"));
    let landed = match again {
        Ok(_) => false,
        Err(e) if e.kind() == ErrorKind::UniqueViolation => true,
        Err(e) => panic!("{ctx}: {e}"),
    };
    if let Some(committed) = committed {
        assert_eq!(landed, committed, "{ctx}: was row {id} committed?");
    }
    if !midway {
        let n: i64 = engine
            .fetch_scalar(
                sql(format!("SELECT count(*) FROM {t} WHERE id = :id")).bind("id", id + 1),
            )
            .await
            .unwrap();
        assert_eq!(
            n, 1,
            "{ctx}: the connection's next transaction did not commit"
        );
    }
    midway
}

/// A transaction-control future dropped mid-way on a borrowed connection (a COMMIT, ROLLBACK,
/// BEGIN, SAVEPOINT, RELEASE or ROLLBACK TO whose reply was not read) leaves the connection
/// at the right depth and refusing further statements with a connection error, rather than
/// sending a SAVEPOINT outside any transaction; one dropped before its first poll leaves a
/// connection that goes on normally. Every step is dropped at each of its await points in turn.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn regression_cancelled_commit_leaves_borrowed_connection_consistent() {
    let mut engines = common::all_engines().await;
    // SQLite's default executor runs a statement within its first poll; on a thread of its
    // own, a statement can be dropped while it runs.
    let threaded = Engine::connect("sqlite::memory:?executor=thread")
        .await
        .unwrap();
    engines.push(threaded);
    for (k, engine) in engines.into_iter().enumerate() {
        let be = engine.backend_name();
        let t = name(&engine, "cut_tx");
        let md = MetaData::new().with(
            Table::new(t.clone()).column(ColumnDef::new("id", SqlType::BigInt).primary_key()),
        );
        fresh(&engine, &md).await;
        let mut id = 0;
        for step in [
            TxStep::Begin,
            TxStep::Savepoint,
            TxStep::Commit,
            TxStep::Rollback,
            TxStep::Release,
            TxStep::RollbackTo,
        ] {
            let mut midway = 0;
            let mut polls = 0;
            let mut retries = 0;
            loop {
                id += 10;
                let dropped = cut_step(&engine, &t, id, step, polls).await;
                midway += usize::from(dropped);
                if !dropped && polls > 0 {
                    // A local server's reply can be there within the first poll: try again
                    // for a drop mid-way.
                    if midway == 0 && retries < 20 {
                        retries += 1;
                        continue;
                    }
                    break; // the future finished: every await point before it was cut
                }
                polls += 1;
                assert!(polls < 50, "{be} {step:?}: never finished");
            }
            // A server round trip is one await point at least. SQLite's statements may finish
            // within their first poll (always on the default executor; on a loaded machine,
            // often on its own thread too), so there a cut mid-way is counted, not required.
            if session::server(engine.dialect()).is_none() {
                println!("{be} (engine {k}) {step:?}: {midway} cut mid-way");
            } else {
                assert!(midway > 0, "{be} {step:?}: never dropped mid-way");
            }
        }
        engine.drop_all(&md).await.unwrap();
    }
}

/// Issue #20 point 1, on every backend: one call runs one statement. (MariaDB used to run
/// `execute("SELECT 1; DROP TABLE victim")` whole over its text protocol.) Scripts go through
/// `execute_script`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn regression_one_statement_per_call_on_every_backend() {
    for engine in common::all_engines().await {
        let be = engine.backend_name();
        let victim = name(&engine, "victim");
        engine
            .execute(format!("DROP TABLE IF EXISTS {victim}"))
            .await
            .unwrap();
        engine
            .execute(format!("CREATE TABLE {victim} (id INTEGER)"))
            .await
            .unwrap();
        let stacked = [
            format!("SELECT 1; DROP TABLE {victim}"),
            format!("INSERT INTO {victim} VALUES (1); DROP TABLE {victim}"),
            format!("DELETE FROM {victim};DROP TABLE {victim};"),
        ];
        let mut conn = engine.acquire().await.unwrap();
        for sql in &stacked {
            // Refused as a statement error (the server's syntax error, or SQLite's "multiple
            // statements"), never run in part.
            for e in [
                engine.execute(sql.as_str()).await.unwrap_err(),
                engine.fetch_all(sql.as_str()).await.unwrap_err(),
                conn.execute(sql.as_str()).await.unwrap_err(),
            ] {
                assert_eq!(e.kind(), ErrorKind::Database, "{be}: {sql}: {e}");
                assert_eq!(e.sql(), Some(sql.as_str()), "{be}: {e}");
            }
        }
        drop(conn);
        let n: i64 = engine
            .fetch_scalar(format!("SELECT COUNT(*) FROM {victim}"))
            .await
            .unwrap_or_else(|e| panic!("{be}: the table did not survive: {e}"));
        assert_eq!(n, 0, "{be}: a stacked INSERT ran");
        engine
            .execute_script(&format!(
                "INSERT INTO {victim} VALUES (1); INSERT INTO {victim} VALUES (2)"
            ))
            .await
            .unwrap();
        let n: i64 = engine
            .fetch_scalar(format!("SELECT COUNT(*) FROM {victim}"))
            .await
            .unwrap();
        assert_eq!(n, 2, "{be}");
        engine
            .execute(format!("DROP TABLE {victim}"))
            .await
            .unwrap();
    }
}
