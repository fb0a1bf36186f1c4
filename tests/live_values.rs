//! Values a column cannot hold are refused with a typed error instead of being stored as
//! something else, on SQLite, PostgreSQL and MariaDB (those configured): NaN (SQLite would
//! store NULL, MariaDB `0`) and ±infinity (MariaDB) as parameters.
//!
//! Every test uses tables of its own (`qvals_<test>`), so tests run side by side.

mod common;

use quarry::prelude::*;
use quarry::{Engine, ErrorKind, MetaData, SqlType, Value};

fn be(engine: &Engine) -> &'static str {
    engine.dialect().name()
}

async fn fresh(engine: &Engine, md: &MetaData) {
    engine.drop_all(md).await.unwrap();
    engine.create_all(md).await.unwrap();
}

quarry::table! {
    pub struct Floats("qvals_floats") {
        id: i64 => primary_key(),
        d: Option<f64>,
        n: Option<f64> => sql_type(SqlType::numeric(10, 2)),
    }
}

quarry::table! {
    pub struct Bulk("qvals_bulk") {
        id: i64 => primary_key(),
        d: f64,
    }
}

/// Whether the backend keeps a bound NaN as NaN (only PostgreSQL: SQLite has no NaN, MySQL
/// and MariaDB floats and decimals neither NaN nor infinity).
fn holds_nan(engine: &Engine) -> bool {
    be(engine) == "postgresql"
}

/// Asserts that `r` is the typed refusal of a non-finite parameter at `position`.
fn assert_refused<T: std::fmt::Debug>(r: quarry::Result<T>, what: &str, position: &str, b: &str) {
    let e = r.expect_err(&format!("{what} must be refused on {b}"));
    assert_eq!(e.kind(), ErrorKind::Unsupported, "{b}: {e}");
    let msg = e.to_string();
    assert!(msg.contains(what), "{b}: {msg}");
    assert!(msg.contains(position), "{b}: {msg}");
}

async fn count(engine: &Engine, table: &str) -> i64 {
    engine
        .fetch_scalar(sql(format!("SELECT COUNT(*) FROM {table}")))
        .await
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn regression_nan_parameter_is_refused_where_the_column_cannot_hold_it() {
    for engine in common::all_engines().await {
        let b = be(&engine);
        eprintln!("live_values::regression_nan_parameter on {b}");
        let md = MetaData::new().with(Floats::table());
        fresh(&engine, &md).await;
        let nans = [Value::F64(f64::NAN), Value::F32(f32::NAN)];
        let mut id = 0_i64;
        for column in ["d", "n"] {
            for nan in &nans {
                id += 1;
                let insert = sql(format!(
                    "INSERT INTO qvals_floats (id, {column}) VALUES (:id, :v)"
                ))
                .bind("id", id)
                .bind("v", nan.clone());
                let r = engine.execute(insert).await;
                if holds_nan(&engine) {
                    r.unwrap();
                    // numeric NaN has no `Decimal` form: read it as a double.
                    let back: f64 = engine
                        .fetch_scalar(
                            sql(format!(
                                "SELECT CAST({column} AS DOUBLE PRECISION) FROM qvals_floats \
                                 WHERE id = :id"
                            ))
                            .bind("id", id),
                        )
                        .await
                        .unwrap();
                    assert!(back.is_nan(), "{b} {column} {nan:?}: {back}");
                } else {
                    assert_refused(r, "NaN", "parameter 2", b);
                }
            }
        }
        // A NaN compared in a WHERE clause is refused alike (SQLite would compare with NULL).
        let r = engine
            .fetch_all(sql("SELECT id FROM qvals_floats WHERE d = :v").bind("v", f64::NAN))
            .await;
        if !holds_nan(&engine) {
            assert_refused(r, "NaN", "parameter 1", b);
        }
        // The engine is still usable and nothing was stored where NaN was refused.
        engine
            .execute(sql(
                "INSERT INTO qvals_floats (id, d, n) VALUES (100, 1.5, 2.25)",
            ))
            .await
            .unwrap();
        let want = if holds_nan(&engine) { 5 } else { 1 };
        assert_eq!(count(&engine, "qvals_floats").await, want, "{b}");
        engine.drop_all(&md).await.unwrap();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn regression_nan_infinity_is_kept_or_refused_never_changed() {
    for engine in common::all_engines().await {
        let b = be(&engine);
        eprintln!("live_values::regression_nan_infinity on {b}");
        let md = MetaData::new().with(Floats::table());
        fresh(&engine, &md).await;
        let t = Floats::new();
        for (id, inf) in [(1_i64, f64::INFINITY), (2, f64::NEG_INFINITY)] {
            let r = engine
                .execute(insert(t).values((t.id.set(id), t.d.set(Some(inf)))))
                .await;
            if matches!(b, "mysql" | "mariadb") {
                assert_refused(r, "inf", "parameter 2", b);
                continue;
            }
            // SQLite and PostgreSQL keep infinities.
            r.unwrap();
            let back: Vec<Option<f64>> = select(t.d)
                .from(t)
                .filter(t.id.eq(id))
                .fetch_all(&engine)
                .await
                .unwrap();
            assert_eq!(back, [Some(inf)], "{b}");
        }
        engine.drop_all(&md).await.unwrap();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn regression_nan_in_bulk_inserts_is_refused_and_leaves_nothing() {
    for engine in common::all_engines().await {
        let b = be(&engine);
        eprintln!("live_values::regression_nan_in_bulk_inserts on {b}");
        let md = MetaData::new().with(Bulk::table());
        fresh(&engine, &md).await;
        let t = Bulk::new();
        let values = |base: i64| {
            (0..500_i64).map(move |i| (base + i, if i == 300 { f64::NAN } else { i as f64 }))
        };

        // Rows bound by reference.
        let r = engine.insert_rows(t, (t.id, t.d), values(0)).await;
        // A multi-row INSERT by value (split into several statements where the backend needs it).
        let by_value = insert(t).rows(values(1000).map(|(id, d)| (t.id.set(id), t.d.set(d))));
        let r2 = engine.execute(by_value).await;
        if holds_nan(&engine) {
            assert_eq!(r.unwrap(), 500, "{b}");
            assert_eq!(r2.unwrap(), 500, "{b}");
            let nans: i64 = engine
                .fetch_scalar(sql("SELECT COUNT(*) FROM qvals_bulk WHERE d = 'NaN'"))
                .await
                .unwrap();
            assert_eq!(nans, 2, "{b}");
        } else {
            assert_refused(r, "NaN", "NaN", b);
            assert_refused(r2, "NaN", "parameter", b);
            assert_eq!(count(&engine, "qvals_bulk").await, 0, "{b}");
        }

        // Inside a transaction the refusal costs neither the transaction nor the connection.
        let mut tx = engine.begin().await.unwrap();
        tx.execute(insert(t).values((t.id.set(5000), t.d.set(1.0))))
            .await
            .unwrap();
        let r = tx
            .execute(insert(t).values((t.id.set(5001), t.d.set(f64::NAN))))
            .await;
        if !holds_nan(&engine) {
            assert_refused(r, "NaN", "parameter 2", b);
        } else {
            r.unwrap();
        }
        tx.execute(insert(t).values((t.id.set(5002), t.d.set(2.0))))
            .await
            .unwrap();
        tx.commit().await.unwrap();
        let kept: i64 = engine
            .fetch_scalar(sql("SELECT COUNT(*) FROM qvals_bulk WHERE id >= 5000"))
            .await
            .unwrap();
        assert_eq!(kept, if holds_nan(&engine) { 3 } else { 2 }, "{b}");
        engine.drop_all(&md).await.unwrap();
    }
}
