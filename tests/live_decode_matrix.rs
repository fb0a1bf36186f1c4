//! The decoding contract, checked as a matrix: every supported Rust type × every decode path ×
//! every backend (SQLite always, PostgreSQL and MariaDB when configured).
//!
//! For each type a table `qdm_<type>` is declared with its portable SQL type (`SqlTyped`), a
//! NOT NULL column `v` and a nullable column `n`; each value is inserted bound (`v` = value,
//! `n` = the value on even rows and NULL on odd ones) and read back four ways, each of which
//! must give exactly what was inserted:
//! - `tuple`: a typed select, `select((id, v, n)).fetch_all` into `(i64, T, Option<T>)`;
//! - `get`: `Row::get::<T>` / `Row::get::<Option<T>>` on dynamic rows;
//! - `serde`: a `Deserialize` struct through `Executor::fetch_all_as` (untyped rows);
//! - `typed_serde`: a `Deserialize` struct through the typed select's `fetch_all_as`.
//!
//! Left out, and why: NaN and ±infinity (SQLite stores NULL for NaN, MariaDB refuses both;
//! `live_values.rs` checks the refusals); decimals beyond 15 significant digits on SQLite
//! (it stores NUMERIC as REAL; they run on PostgreSQL and MariaDB); years before 1 and leap
//! seconds (MariaDB has no BC dates; no backend stores second 60); JSON `null` (it is not SQL
//! NULL and PostgreSQL's jsonb and text JSON differ in nothing else worth a row).
//!
//! The test prints the matrix, then fails listing every mismatch.

mod common;

use quarry::prelude::*;
use quarry::value::{Date, Decimal, Time, Timestamp, Utc};
use quarry::{
    Column, ColumnDef, Engine, FromValue, IntoValue, MetaData, Row, SqlType, SqlTyped, Table,
};
use serde::de::DeserializeOwned;
use std::fmt::Debug;

const PATHS: [&str; 4] = ["tuple", "get", "serde", "typed_serde"];

#[derive(serde::Deserialize, Debug, PartialEq)]
struct Pair<T> {
    id: i64,
    v: T,
    n: Option<T>,
}

/// One type's results on one backend: per path, `Ok` or what went wrong.
struct Outcome {
    ty: &'static str,
    backend: &'static str,
    paths: [Result<(), String>; 4],
}

fn expect<T: PartialEq + Debug>(
    got: Vec<(i64, T, Option<T>)>,
    want: &[(i64, T, Option<T>)],
) -> Result<(), String> {
    if got.len() != want.len() {
        return Err(format!("{} rows, want {}", got.len(), want.len()));
    }
    for (g, w) in got.iter().zip(want) {
        if g != w {
            return Err(format!("got {g:?}, want {w:?}"));
        }
    }
    Ok(())
}

/// Creates `qdm_<ty>`, inserts `values` and reads them back by every path.
async fn roundtrip<T>(engine: &Engine, ty: &'static str, values: Vec<T>) -> Outcome
where
    T: IntoValue
        + FromValue
        + SqlTyped
        + DeserializeOwned
        + PartialEq
        + Debug
        + Clone
        + Send
        + Sync
        + 'static,
{
    let backend = engine.dialect().name();
    let name: &'static str = Box::leak(format!("qdm_{}", ty.to_lowercase()).into_boxed_str());
    let table = Table::new(name)
        .column(ColumnDef::new("id", SqlType::BigInt).primary_key())
        .column(ColumnDef::new("v", T::sql_type()).not_null())
        .column(ColumnDef::new("n", T::sql_type()));
    let md = MetaData::new().with(table);
    engine.drop_all(&md).await.unwrap();
    engine.create_all(&md).await.unwrap();
    let mut want = Vec::new();
    for (i, x) in values.into_iter().enumerate() {
        let id = i as i64;
        let n = (i % 2 == 0).then(|| x.clone());
        let insert = sql(format!(
            "INSERT INTO {name} (id, v, n) VALUES (:id, :v, :n)"
        ))
        .bind("id", id)
        .bind("v", x.clone().into_value())
        .bind("n", n.clone().into_value());
        engine
            .execute(insert)
            .await
            .unwrap_or_else(|e| panic!("{backend} {ty}: insert {x:?}: {e}"));
        want.push((id, x, n));
    }
    let (id, v, n) = (
        Column::<i64>::new(name, "id"),
        Column::<T>::new(name, "v"),
        Column::<Option<T>>::new(name, "n"),
    );
    let q = select((id, v, n)).from(name).order_by(id);

    let tuple = match q.fetch_all(engine).await {
        Ok(rows) => expect(rows, &want),
        Err(e) => Err(e.to_string()),
    };
    let get = match engine.fetch_all(q.clone().dynamic()).await {
        Ok(rows) => rows
            .iter()
            .map(|r: &Row| Ok((r.get("id")?, r.get::<T>("v")?, r.get::<Option<T>>("n")?)))
            .collect::<quarry::Result<Vec<_>>>()
            .map_err(|e| e.to_string())
            .and_then(|rows| expect(rows, &want)),
        Err(e) => Err(e.to_string()),
    };
    let pairs = |rows: Vec<Pair<T>>| rows.into_iter().map(|p| (p.id, p.v, p.n)).collect();
    let serde = match engine.fetch_all_as::<Pair<T>>(q.clone().dynamic()).await {
        Ok(rows) => expect(pairs(rows), &want),
        Err(e) => Err(e.to_string()),
    };
    let typed_serde = match q.fetch_all_as::<Pair<T>, _>(engine).await {
        Ok(rows) => expect(pairs(rows), &want),
        Err(e) => Err(e.to_string()),
    };
    engine.drop_all(&md).await.unwrap();
    Outcome {
        ty,
        backend,
        paths: [tuple, get, serde, typed_serde],
    }
}

fn d(y: i32, m: u8, day: u8) -> Date {
    Date::new(y, m, day).unwrap()
}
fn t(h: u8, m: u8, s: u8, us: u32) -> Time {
    Time::new(h, m, s, us).unwrap()
}
fn ts(s: &str) -> Timestamp {
    s.parse().unwrap()
}
fn dec(s: &str) -> Decimal {
    s.parse().unwrap()
}

/// The timestamps every temporal type is checked with: microseconds, the epoch, a leap day,
/// the first and last microsecond quarry's range shares with every backend.
const STAMPS: [&str; 5] = [
    "2024-02-29 23:59:59.999999",
    "1970-01-01 00:00:00",
    "0001-01-01 00:00:00.000001",
    "9999-12-31 23:59:59.999999",
    "1582-10-04 12:34:56.5",
];
const DATES: [(i32, u8, u8); 5] = [
    (2024, 2, 29),
    (1970, 1, 1),
    (1, 1, 1),
    (9999, 12, 31),
    (1582, 10, 4),
];
const TIMES: [(u8, u8, u8, u32); 4] = [
    (0, 0, 0, 0),
    (23, 59, 59, 999_999),
    (12, 34, 56, 1),
    (7, 0, 0, 500_000),
];
/// Decimals within SQLite's 15 significant digits, at the default scale 10 (quarry's
/// `Decimal` compares by its text).
const DECIMALS: [&str; 6] = [
    "0.0000000000",
    "-12345.6789012345",
    "0.0000000001",
    "-99999999.5000000000",
    "42.0000000000",
    "99999.9999999999",
];
/// 28 significant digits, the most NUMERIC(28, 10) holds: PostgreSQL and MariaDB only.
const WIDE_DECIMALS: [&str; 2] = [
    "-123456789012345678.1234567890",
    "999999999999999999.9999999999",
];

async fn matrix(engine: &Engine) -> Vec<Outcome> {
    let exact_wide = engine.dialect().name() != "sqlite";
    let decimals: Vec<&str> = DECIMALS
        .iter()
        .chain(if exact_wide { &WIDE_DECIMALS[..] } else { &[] })
        .copied()
        .collect();
    let mut out = Vec::new();
    out.push(roundtrip(engine, "i16", vec![0_i16, i16::MIN, i16::MAX, -1]).await);
    out.push(roundtrip(engine, "i32", vec![0_i32, i32::MIN, i32::MAX, -1]).await);
    out.push(roundtrip(engine, "i64", vec![0_i64, i64::MIN, i64::MAX, -1]).await);
    out.push(
        roundtrip(
            engine,
            "f32",
            vec![
                0.0_f32,
                -1.5,
                f32::MAX,
                f32::MIN,
                f32::MIN_POSITIVE,
                std::f32::consts::PI,
            ],
        )
        .await,
    );
    out.push(
        roundtrip(
            engine,
            "f64",
            vec![0.0_f64, -0.1, f64::MAX, f64::MIN, f64::MIN_POSITIVE, 1e-300],
        )
        .await,
    );
    out.push(roundtrip(engine, "bool", vec![true, false]).await);
    out.push(
        roundtrip(
            engine,
            "String",
            vec![
                String::new(),
                "plain".into(),
                "ünïcødé ✓ 漢字 🦀".into(),
                "quote ' \" \\ back".into(),
                "line\nbreak\ttab".into(),
            ],
        )
        .await,
    );
    out.push(
        roundtrip(
            engine,
            "Vec_u8",
            vec![Vec::<u8>::new(), (0..=255).collect(), vec![0, 0xff, 0]],
        )
        .await,
    );
    out.push(
        roundtrip(
            engine,
            "quarry_Decimal",
            decimals.iter().map(|s| dec(s)).collect(),
        )
        .await,
    );
    out.push(
        roundtrip(
            engine,
            "rust_decimal",
            decimals
                .iter()
                .map(|s| s.parse::<rust_decimal::Decimal>().unwrap())
                .collect(),
        )
        .await,
    );
    out.push(
        roundtrip(
            engine,
            "quarry_Date",
            DATES.iter().map(|&(y, m, dd)| d(y, m, dd)).collect(),
        )
        .await,
    );
    out.push(
        roundtrip(
            engine,
            "quarry_Time",
            TIMES.iter().map(|&(h, m, s, us)| t(h, m, s, us)).collect(),
        )
        .await,
    );
    let stamps: Vec<Timestamp> = STAMPS.iter().map(|s| ts(s)).collect();
    out.push(roundtrip(engine, "quarry_Timestamp", stamps.clone()).await);
    out.push(
        roundtrip(
            engine,
            "quarry_Utc",
            stamps.iter().map(|&s| Utc(s)).collect(),
        )
        .await,
    );
    out.push(
        roundtrip(
            engine,
            "chrono_NaiveDate",
            DATES
                .iter()
                .map(|&(y, m, dd)| chrono::NaiveDate::from_ymd_opt(y, m.into(), dd.into()).unwrap())
                .collect(),
        )
        .await,
    );
    out.push(
        roundtrip(
            engine,
            "chrono_NaiveTime",
            TIMES
                .iter()
                .map(|&(h, m, s, us)| {
                    chrono::NaiveTime::from_hms_micro_opt(h.into(), m.into(), s.into(), us).unwrap()
                })
                .collect(),
        )
        .await,
    );
    let naive: Vec<chrono::NaiveDateTime> = STAMPS
        .iter()
        .map(|s| chrono::NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M:%S%.f").unwrap())
        .collect();
    out.push(roundtrip(engine, "chrono_NaiveDateTime", naive.clone()).await);
    out.push(
        roundtrip(
            engine,
            "chrono_DateTime_Utc",
            naive.iter().map(|n| n.and_utc()).collect(),
        )
        .await,
    );
    let time_date = |&(y, m, dd): &(i32, u8, u8)| {
        time::Date::from_calendar_date(y, time::Month::try_from(m).unwrap(), dd).unwrap()
    };
    let time_time =
        |&(h, m, s, us): &(u8, u8, u8, u32)| time::Time::from_hms_micro(h, m, s, us).unwrap();
    out.push(roundtrip(engine, "time_Date", DATES.iter().map(time_date).collect()).await);
    out.push(roundtrip(engine, "time_Time", TIMES.iter().map(time_time).collect()).await);
    let prim: Vec<time::PrimitiveDateTime> = stamps
        .iter()
        .map(|s| {
            let (y, m, dd) = (s.date.year(), s.date.month(), s.date.day());
            let (h, mi, se, us) = s.time.parts();
            time::PrimitiveDateTime::new(time_date(&(y, m, dd)), time_time(&(h, mi, se, us)))
        })
        .collect();
    out.push(roundtrip(engine, "time_PrimitiveDateTime", prim.clone()).await);
    out.push(
        roundtrip(
            engine,
            "time_OffsetDateTime",
            prim.iter().map(|p| p.assume_utc()).collect(),
        )
        .await,
    );
    let uuids = [
        "00000000-0000-0000-0000-000000000000",
        "ffffffff-ffff-ffff-ffff-ffffffffffff",
        "67e55044-10b1-426f-9247-bb680e5fe0c8",
    ];
    out.push(
        roundtrip(
            engine,
            "uuid_Uuid",
            uuids
                .iter()
                .map(|u| u.parse::<uuid::Uuid>().unwrap())
                .collect(),
        )
        .await,
    );
    out.push(
        roundtrip(
            engine,
            "quarry_Uuid",
            uuids
                .iter()
                .map(|u| u.parse::<quarry::value::Uuid>().unwrap())
                .collect(),
        )
        .await,
    );
    out.push(
        roundtrip(
            engine,
            "serde_json_Value",
            vec![
                serde_json::json!({"a": 1, "b": [true, false], "ü": "✓", "nested": {"x": -2.5}}),
                serde_json::json!([1, "two", {"k": 3}, []]),
                serde_json::json!("a JSON string, ü"),
                serde_json::json!(42),
                serde_json::json!(-1.25),
                serde_json::json!({}),
            ],
        )
        .await,
    );
    out
}

/// `type | sqlite: tuple get serde typed_serde | postgresql: … | mariadb: …`, one line per
/// type, `ok` or `FAIL`.
fn print_matrix(outcomes: &[Outcome], backends: &[&'static str]) {
    let mut types: Vec<&str> = Vec::new();
    for o in outcomes {
        if !types.contains(&o.ty) {
            types.push(o.ty);
        }
    }
    let mut header = format!("{:<22}", "type \\ backend:path");
    for b in backends {
        header.push_str(&format!(" | {b}: {}", PATHS.join(" ")));
    }
    println!("{header}");
    for ty in types {
        let mut line = format!("{ty:<22}");
        for b in backends {
            let cells = match outcomes.iter().find(|o| o.ty == ty && o.backend == *b) {
                Some(o) => o
                    .paths
                    .iter()
                    .zip(PATHS)
                    .map(|(r, p)| {
                        let mark = if r.is_ok() { "ok" } else { "FAIL" };
                        format!("{mark:<w$}", w = p.len())
                    })
                    .collect::<Vec<_>>()
                    .join(" "),
                None => "-".into(),
            };
            line.push_str(&format!(" | {:w$}{cells}", "", w = b.len() + 2));
        }
        println!("{line}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_type_decodes_back_equal_by_every_path_on_every_backend() {
    let mut outcomes = Vec::new();
    let mut backends = Vec::new();
    for engine in common::all_engines().await {
        backends.push(engine.dialect().name());
        outcomes.extend(matrix(&engine).await);
    }
    print_matrix(&outcomes, &backends);
    let failures: Vec<String> = outcomes
        .iter()
        .flat_map(|o| {
            o.paths.iter().zip(PATHS).filter_map(move |(r, p)| {
                r.as_ref()
                    .err()
                    .map(|e| format!("{} / {p} / {}: {e}", o.ty, o.backend))
            })
        })
        .collect();
    assert!(failures.is_empty(), "mismatches:\n{}", failures.join("\n"));
}

quarry::table! {
    pub struct Orders("qdm_orders") {
        id: i64 => primary_key(),
        customer: String,
        total: Decimal => sql_type(SqlType::numeric(10, 2)),
        placed_at: chrono::DateTime<chrono::Utc>,
        meta: Option<serde_json::Value>,
    }
}

/// What the select list's columns and labels are named: the fields of the struct.
#[derive(serde::Deserialize, Debug, PartialEq)]
struct OrderRow {
    id: i64,
    #[serde(rename = "customer")]
    who: String,
    total: rust_decimal::Decimal,
    placed_at: chrono::DateTime<chrono::Utc>,
    meta: Option<serde_json::Value>,
    items: i64,
}

/// A typed select decodes into a `Deserialize` struct, fields matched by column name and
/// label, on every backend; `fetch_one_as` and `fetch_optional_as` alike.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn typed_select_decodes_into_a_struct_by_column_names_and_labels() {
    for engine in common::all_engines().await {
        let b = engine.dialect().name();
        let md = MetaData::new().with(Orders::table());
        engine.drop_all(&md).await.unwrap();
        engine.create_all(&md).await.unwrap();
        let o = Orders::new();
        let placed = chrono::NaiveDate::from_ymd_opt(2024, 2, 29)
            .unwrap()
            .and_hms_micro_opt(13, 45, 7, 250)
            .unwrap()
            .and_utc();
        let meta = serde_json::json!({"gift": true, "note": "ünï"});
        engine
            .execute(
                insert(o)
                    .values((
                        o.id.set(1),
                        o.customer.set("ann"),
                        o.total.set(dec("12.50")),
                        o.placed_at.set(placed),
                        o.meta.set(Some(meta.clone())),
                    ))
                    .values((
                        o.id.set(2),
                        o.customer.set("bo"),
                        o.total.set(dec("-0.01")),
                        o.placed_at.set(placed),
                        o.meta.set(None::<serde_json::Value>),
                    )),
            )
            .await
            .unwrap_or_else(|e| panic!("{b}: {e}"));
        let q = select((
            o.id,
            o.customer,
            o.total,
            o.placed_at,
            o.meta,
            (o.id * 3).label("items"),
        ))
        .from(o)
        .order_by(o.id);
        let rows: Vec<OrderRow> = q
            .fetch_all_as(&engine)
            .await
            .unwrap_or_else(|e| panic!("{b}: {e}"));
        let want = |id: i64, who: &str, total: &str, meta: Option<serde_json::Value>| OrderRow {
            id,
            who: who.into(),
            total: total.parse().unwrap(),
            placed_at: placed,
            meta,
            items: id * 3,
        };
        assert_eq!(
            rows,
            [
                want(1, "ann", "12.50", Some(meta.clone())),
                want(2, "bo", "-0.01", None)
            ],
            "{b}"
        );
        let first: OrderRow = q.fetch_one_as(&engine).await.unwrap();
        assert_eq!(first.id, 1, "{b}");
        let none: Option<OrderRow> = q
            .clone()
            .filter(o.id.eq(99))
            .fetch_optional_as(&engine)
            .await
            .unwrap();
        assert!(none.is_none(), "{b}");
        // A field no column fills is an error naming it.
        #[derive(serde::Deserialize, Debug)]
        #[allow(dead_code)]
        struct Missing {
            id: i64,
            absent: i64,
        }
        let e = select(o.id)
            .from(o)
            .fetch_all_as::<Missing, _>(&engine)
            .await
            .unwrap_err();
        assert!(e.to_string().contains("absent"), "{b}: {e}");
        engine.drop_all(&md).await.unwrap();
        println!("typed select into struct on {b}: ok");
    }
}
