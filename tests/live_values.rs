//! Values a column cannot hold are refused with a typed error instead of being stored as
//! something else, on SQLite, PostgreSQL and MariaDB (those configured): NaN (SQLite would
//! store NULL, MariaDB `0`) and ±infinity (MariaDB) as parameters; chrono leap seconds (once
//! clamped to `23:59:59.999999`) and years beyond ±9999 (once bound as text, which SQLite
//! stored).
//!
//! Every test uses tables of its own (`qvals_<test>`), so tests run side by side.

mod common;

use chrono::{DateTime, NaiveDate, NaiveDateTime, NaiveTime, Utc};
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
    pub struct Infs("qvals_infs") {
        id: i64 => primary_key(),
        d: Option<f64>,
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
        let md = MetaData::new().with(Infs::table());
        fresh(&engine, &md).await;
        let t = Infs::new();
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

quarry::table! {
    pub struct Times("qvals_times") {
        id: i64 => primary_key(),
        d: Option<NaiveDate>,
        tm: Option<NaiveTime>,
        ts: Option<NaiveDateTime>,
        tz: Option<DateTime<Utc>>,
    }
}

type TimesRow = (
    Option<NaiveDate>,
    Option<NaiveTime>,
    Option<NaiveDateTime>,
    Option<DateTime<Utc>>,
);

fn ymd(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

/// Reads row `id` back.
async fn times_row(engine: &Engine, id: i64) -> TimesRow {
    let t = Times::new();
    let rows: Vec<TimesRow> = select((t.d, t.tm, t.ts, t.tz))
        .from(t)
        .filter(t.id.eq(id))
        .fetch_all(engine)
        .await
        .unwrap();
    assert_eq!(rows.len(), 1, "{}: row {id}", be(engine));
    rows[0]
}

/// Asserts that `r` is the typed refusal naming `why` (and, if given, `position`).
fn assert_invalid<T: std::fmt::Debug>(r: quarry::Result<T>, why: &str, position: &str, b: &str) {
    let e = r.expect_err(&format!("{why}: must be refused on {b}"));
    assert_eq!(e.kind(), ErrorKind::Unsupported, "{b}: {e}");
    let msg = e.to_string();
    assert!(msg.contains(why), "{b}: {msg}");
    // PostgreSQL names parameters `$n`.
    assert!(msg.replace('$', "").contains(position), "{b}: {msg}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn regression_leap_second_is_refused_not_clamped() {
    const LEAP: &str = "leap second";
    let leap = NaiveTime::from_hms_nano_opt(23, 59, 59, 1_500_000_000).unwrap();
    let leap_ts = ymd(2016, 12, 31).and_time(leap);
    let leap_tz = leap_ts.and_utc();
    // No database accepts second 60, so there is no literal for it either.
    let mut w = quarry::dialect::SqlWriter::new(&quarry::Sqlite);
    let e = quarry::dialect::write_literal_default(&mut w, &leap.into()).unwrap_err();
    assert!(e.is_unsupported() && e.to_string().contains(LEAP), "{e}");

    for engine in common::all_engines().await {
        let b = be(&engine);
        eprintln!("live_values::regression_leap_second on {b}");
        let md = MetaData::new().with(Times::table());
        fresh(&engine, &md).await;
        let t = Times::new();

        // By value: each type, in an INSERT and in a WHERE clause.
        let r = engine
            .execute(insert(t).values((t.id.set(1), t.tm.set(Some(leap)))))
            .await;
        assert_invalid(r, LEAP, "parameter 2", b);
        let r = engine
            .execute(insert(t).values((t.id.set(1), t.ts.set(Some(leap_ts)))))
            .await;
        assert_invalid(r, LEAP, "parameter 2", b);
        let r = engine
            .execute(insert(t).values((t.id.set(1), t.tz.set(Some(leap_tz)))))
            .await;
        assert_invalid(r, LEAP, "parameter 2", b);
        let r = select(t.id)
            .from(t)
            .filter(t.ts.eq(leap_ts))
            .fetch_all(&engine)
            .await;
        assert_invalid(r, LEAP, "parameter 1", b);
        let r = engine
            .fetch_all(sql("SELECT id FROM qvals_times WHERE tm = :v").bind("v", leap))
            .await;
        assert_invalid(r, LEAP, "parameter 1", b);

        // Rows bound by reference (PostgreSQL: COPY).
        let r = engine
            .insert_rows(
                t,
                (t.id, t.tm, t.ts, t.tz),
                [(
                    2_i64,
                    None::<NaiveTime>,
                    Some(leap_ts),
                    None::<DateTime<Utc>>,
                )],
            )
            .await;
        assert_invalid(r, LEAP, "", b);
        assert_eq!(count(&engine, "qvals_times").await, 0, "{b}");

        // The engine is still usable; the last instant before a leap second round-trips.
        let last = NaiveTime::from_hms_micro_opt(23, 59, 59, 999_999).unwrap();
        let last_ts = ymd(2016, 12, 31).and_time(last);
        engine
            .execute(insert(t).values((
                t.id.set(3),
                t.tm.set(Some(last)),
                t.ts.set(Some(last_ts)),
                t.tz.set(Some(last_ts.and_utc())),
            )))
            .await
            .unwrap();
        assert_eq!(
            times_row(&engine, 3).await,
            (None, Some(last), Some(last_ts), Some(last_ts.and_utc())),
            "{b}"
        );
        engine.drop_all(&md).await.unwrap();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn regression_year_range_is_enforced_alike_on_every_backend() {
    const YEARS: &str = "years -9999 to 9999";
    let midnight = NaiveTime::MIN;
    for engine in common::all_engines().await {
        let b = be(&engine);
        eprintln!("live_values::regression_year_range on {b}");
        let md = MetaData::new().with(Times::table());
        fresh(&engine, &md).await;
        let t = Times::new();

        // Beyond quarry's range: refused by value and by reference, on every backend.
        for y in [10_000, -10_000, 262_000] {
            let d = ymd(y, 1, 1);
            let ts = d.and_time(midnight);
            let r = engine
                .execute(insert(t).values((t.id.set(1), t.d.set(Some(d)))))
                .await;
            assert_invalid(r, YEARS, "parameter 2", b);
            let r = engine
                .execute(insert(t).values((t.id.set(1), t.ts.set(Some(ts)))))
                .await;
            assert_invalid(r, YEARS, "parameter 2", b);
            let r = engine
                .execute(insert(t).values((t.id.set(1), t.tz.set(Some(ts.and_utc())))))
                .await;
            assert_invalid(r, YEARS, "parameter 2", b);
            let r = engine
                .insert_rows(
                    t,
                    (t.id, t.d, t.ts, t.tz),
                    [(
                        1_i64,
                        None::<NaiveDate>,
                        None::<NaiveDateTime>,
                        Some(ts.and_utc()),
                    )],
                )
                .await;
            assert_invalid(r, YEARS, "", b);
        }
        assert_eq!(count(&engine, "qvals_times").await, 0, "{b}");

        // The edges of years 1 to 9999 round-trip exactly, by value and by reference.
        let last =
            ymd(9999, 12, 31).and_time(NaiveTime::from_hms_micro_opt(23, 59, 59, 999_999).unwrap());
        let first = ymd(1, 1, 1).and_time(midnight);
        for (id, ts) in [(10_i64, last), (11, first)] {
            engine
                .execute(insert(t).values((
                    t.id.set(id),
                    t.d.set(Some(ts.date())),
                    t.ts.set(Some(ts)),
                    t.tz.set(Some(ts.and_utc())),
                )))
                .await
                .unwrap();
            let want = (Some(ts.date()), None, Some(ts), Some(ts.and_utc()));
            assert_eq!(times_row(&engine, id).await, want, "{b}");
            engine
                .insert_rows(
                    t,
                    (t.id, t.d, t.ts, t.tz),
                    [(id + 10, Some(ts.date()), Some(ts), Some(ts.and_utc()))],
                )
                .await
                .unwrap();
            assert_eq!(times_row(&engine, id + 10).await, want, "{b}");
        }

        // Years before 1 are within quarry's range: SQLite and PostgreSQL keep them; MySQL and
        // MariaDB dates start at year 0, so there they are refused the same typed way.
        let bc = ymd(-1, 3, 1);
        let r = engine
            .execute(insert(t).values((
                t.id.set(30),
                t.d.set(Some(bc)),
                t.ts.set(Some(bc.and_time(midnight))),
            )))
            .await;
        if matches!(b, "mysql" | "mariadb") {
            assert_invalid(r, "years 0 to 9999", "", b);
        } else {
            r.unwrap();
            assert_eq!(
                times_row(&engine, 30).await,
                (Some(bc), None, Some(bc.and_time(midnight)), None),
                "{b}"
            );
        }
        engine.drop_all(&md).await.unwrap();
    }
}
