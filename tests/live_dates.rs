//! Typed date and time arithmetic (`date - date`, `date ± days/months/years`, `timestamp ±
//! any interval`) runs on SQLite, PostgreSQL and MariaDB (those configured): every backend
//! must return the same rows, written out here.

mod common;

use quarry::functions::{days, hours, minutes, months, seconds, years};
use quarry::prelude::*;
use quarry::stmt::DecodeRow;
use quarry::value::{Date, Timestamp, Utc};
use quarry::{Column, ColumnDef, Engine, MetaData, SqlType, Table};
use std::fmt::Debug;

fn d(s: &str) -> Date {
    s.parse().unwrap()
}

fn ts(s: &str) -> Timestamp {
    s.parse().unwrap()
}

fn tz(s: &str) -> Utc {
    Utc(ts(s))
}

/// The columns, typed, on the table aliased `e`.
struct Cols {
    id: Column<i64>,
    a: Column<Date>,
    b: Column<Date>,
    c: Column<Option<Date>>,
    at: Column<Timestamp>,
    tz: Column<Utc>,
    n: Column<i32>,
}

const COLS: Cols = Cols {
    id: Column::new("e", "id"),
    a: Column::new("e", "a"),
    b: Column::new("e", "b"),
    c: Column::new("e", "c"),
    at: Column::new("e", "at"),
    tz: Column::new("e", "tz"),
    n: Column::new("e", "n"),
};

struct Fx {
    engine: Engine,
    md: MetaData,
    table: Table,
}

impl Fx {
    /// The table, created and seeded: month and year ends, leap days, fractions of a second.
    async fn new(engine: Engine) -> Fx {
        let name = format!("qd_{}_dates", engine.backend_name());
        eprintln!("live_dates on {}", engine.dialect().name());
        let table = Table::new(name)
            .column(ColumnDef::new("id", SqlType::BigInt).primary_key())
            .column(ColumnDef::new("a", SqlType::Date).not_null())
            .column(ColumnDef::new("b", SqlType::Date).not_null())
            .column(ColumnDef::new("c", SqlType::Date))
            .column(ColumnDef::new("at", SqlType::Timestamp).not_null())
            .column(ColumnDef::new("tz", SqlType::TimestampTz).not_null())
            .column(ColumnDef::new("n", SqlType::Integer).not_null());
        let md = MetaData::new().with(table.clone());
        engine.drop_all(&md).await.unwrap();
        engine.create_all(&md).await.unwrap();
        let rows = [
            (
                1_i64,
                "2024-03-31",
                "2024-02-28",
                None,
                "2024-01-31 10:00:00.25",
                "2024-12-31 23:30:00.000001",
                1_i32,
            ),
            (
                2,
                "2023-01-01",
                "2022-12-31",
                Some("2023-03-01"),
                "2024-02-29 23:59:59.999999",
                "2024-02-29 12:00:00",
                -2,
            ),
            (
                3,
                "2024-01-31",
                "2024-12-31",
                Some("2024-02-29"),
                "2023-12-31 23:00:00",
                "2024-01-31 00:00:00.5",
                13,
            ),
            (
                4,
                "2024-02-29",
                "2020-02-29",
                Some("2024-02-28"),
                "2024-03-31 00:00:00.5",
                "2023-03-01 00:00:00",
                0,
            ),
        ];
        insert(TableRef::new(&table))
            .rows(rows.map(|(id, a, b, c, at, t, n)| {
                (
                    quarry::Assign::new("id", id),
                    quarry::Assign::new("a", d(a)),
                    quarry::Assign::new("b", d(b)),
                    quarry::Assign::new("c", c.map(d)),
                    quarry::Assign::new("at", ts(at)),
                    quarry::Assign::new("tz", tz(t)),
                    quarry::Assign::new("n", n),
                )
            }))
            .execute(&engine)
            .await
            .unwrap();
        Fx { engine, md, table }
    }

    fn from(&self) -> TableRef {
        TableRef::new(&self.table).alias("e")
    }

    /// Runs `q` and checks its rows against `want`.
    async fn rows<R: DecodeRow + PartialEq + Debug>(
        &self,
        what: &str,
        q: quarry::Select<R>,
        want: Vec<R>,
    ) {
        common::assert_rows(&self.engine, what, q, want).await
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn date_arithmetic_agrees_on_every_backend() {
    let engines = common::all_engines().await;
    assert!(!engines.is_empty());
    for engine in engines {
        let fx = Fx::new(engine).await;
        let Cols {
            id,
            a,
            b,
            c,
            at,
            tz: z,
            n,
        } = COLS;

        fx.rows(
            "date - date: month and year ends, leap days, negative, NULL, a bound date",
            select((id, a - b, c - a, val(d("2024-01-01")) - a))
                .from(fx.from())
                .order_by(id),
            vec![
                (1, 32, None, -90),
                (2, 1, Some(59), 365),
                (3, -335, Some(29), -30),
                (4, 1461, Some(-1), -59),
            ],
        )
        .await;

        fx.rows(
            "date ± days, months, years (bound counts; month ends clamp)",
            select((
                a + days(1),
                a - days(1),
                a + months(1),
                a - months(1),
                a + years(1),
                a - years(1),
            ))
            .from(fx.from())
            .order_by(id),
            vec![
                (
                    d("2024-04-01"),
                    d("2024-03-30"),
                    d("2024-04-30"),
                    d("2024-02-29"),
                    d("2025-03-31"),
                    d("2023-03-31"),
                ),
                (
                    d("2023-01-02"),
                    d("2022-12-31"),
                    d("2023-02-01"),
                    d("2022-12-01"),
                    d("2024-01-01"),
                    d("2022-01-01"),
                ),
                (
                    d("2024-02-01"),
                    d("2024-01-30"),
                    d("2024-02-29"),
                    d("2023-12-31"),
                    d("2025-01-31"),
                    d("2023-01-31"),
                ),
                (
                    d("2024-03-01"),
                    d("2024-02-28"),
                    d("2024-03-29"),
                    d("2024-01-29"),
                    d("2025-02-28"),
                    d("2023-02-28"),
                ),
            ],
        )
        .await;

        fx.rows(
            "date ± intervals counted by a column and an expression",
            select((
                a + days(n),
                a - months(n),
                b + years(n),
                c + days(n),
                a + days(n * 2),
            ))
            .from(fx.from())
            .order_by(id),
            vec![
                (
                    d("2024-04-01"),
                    d("2024-02-29"),
                    d("2025-02-28"),
                    None,
                    d("2024-04-02"),
                ),
                (
                    d("2022-12-30"),
                    d("2023-03-01"),
                    d("2020-12-31"),
                    Some(d("2023-02-27")),
                    d("2022-12-28"),
                ),
                (
                    d("2024-02-13"),
                    d("2022-12-31"),
                    d("2037-12-31"),
                    Some(d("2024-03-13")),
                    d("2024-02-26"),
                ),
                (
                    d("2024-02-29"),
                    d("2024-02-29"),
                    d("2020-02-29"),
                    Some(d("2024-02-28")),
                    d("2024-02-29"),
                ),
            ],
        )
        .await;

        fx.rows(
            "timestamp ± hours, minutes, seconds, months, days (fractions of a second kept)",
            select((
                at + hours(1),
                at - minutes(30),
                at + seconds(1),
                at + months(1),
                at - days(n),
                at + hours(n),
            ))
            .from(fx.from())
            .order_by(id),
            vec![
                (
                    ts("2024-01-31 11:00:00.25"),
                    ts("2024-01-31 09:30:00.25"),
                    ts("2024-01-31 10:00:01.25"),
                    ts("2024-02-29 10:00:00.25"),
                    ts("2024-01-30 10:00:00.25"),
                    ts("2024-01-31 11:00:00.25"),
                ),
                (
                    ts("2024-03-01 00:59:59.999999"),
                    ts("2024-02-29 23:29:59.999999"),
                    ts("2024-03-01 00:00:00.999999"),
                    ts("2024-03-29 23:59:59.999999"),
                    ts("2024-03-02 23:59:59.999999"),
                    ts("2024-02-29 21:59:59.999999"),
                ),
                (
                    ts("2024-01-01 00:00:00"),
                    ts("2023-12-31 22:30:00"),
                    ts("2023-12-31 23:00:01"),
                    ts("2024-01-31 23:00:00"),
                    ts("2023-12-18 23:00:00"),
                    ts("2024-01-01 12:00:00"),
                ),
                (
                    ts("2024-03-31 01:00:00.5"),
                    ts("2024-03-30 23:30:00.5"),
                    ts("2024-03-31 00:00:01.5"),
                    ts("2024-04-30 00:00:00.5"),
                    ts("2024-03-31 00:00:00.5"),
                    ts("2024-03-31 00:00:00.5"),
                ),
            ],
        )
        .await;

        fx.rows(
            "timestamp with time zone ± intervals",
            select((z + hours(1), z - days(1), z + months(n), z - seconds(n)))
                .from(fx.from())
                .order_by(id),
            vec![
                (
                    tz("2025-01-01 00:30:00.000001"),
                    tz("2024-12-30 23:30:00.000001"),
                    tz("2025-01-31 23:30:00.000001"),
                    tz("2024-12-31 23:29:59.000001"),
                ),
                (
                    tz("2024-02-29 13:00:00"),
                    tz("2024-02-28 12:00:00"),
                    tz("2023-12-29 12:00:00"),
                    tz("2024-02-29 12:00:02"),
                ),
                (
                    tz("2024-01-31 01:00:00.5"),
                    tz("2024-01-30 00:00:00.5"),
                    tz("2025-02-28 00:00:00.5"),
                    tz("2024-01-30 23:59:47.5"),
                ),
                (
                    tz("2023-03-01 01:00:00"),
                    tz("2023-02-28 00:00:00"),
                    tz("2023-03-01 00:00:00"),
                    tz("2023-03-01 00:00:00"),
                ),
            ],
        )
        .await;

        fx.rows(
            "arithmetic in WHERE and ORDER BY",
            select(id)
                .from(fx.from())
                .filter(
                    (a - b)
                        .gt(30)
                        .and((at + days(1)).gt(ts("2024-01-01 00:00:00"))),
                )
                .order_by((a + years(1)).desc()),
            vec![1, 4],
        )
        .await;

        let a_chrono = Column::<chrono::NaiveDate>::new("e", "a");
        let b_chrono = Column::<chrono::NaiveDate>::new("e", "b");
        let z_chrono = Column::<chrono::DateTime<chrono::Utc>>::new("e", "tz");
        let at_time = Column::<time::PrimitiveDateTime>::new("e", "at");
        let chrono_day = |s: &str| s.parse::<chrono::NaiveDate>().unwrap();
        let got = select((
            a_chrono - b_chrono,
            a_chrono + months(1),
            z_chrono + hours(1),
            at_time + seconds(1),
        ))
        .from(fx.from())
        .filter(id.eq(3))
        .fetch_one(&fx.engine)
        .await
        .unwrap();
        assert_eq!(got.0, -335);
        assert_eq!(got.1, chrono_day("2024-02-29"));
        assert_eq!(
            got.2.naive_utc(),
            chrono_day("2024-01-31")
                .and_hms_milli_opt(1, 0, 0, 500)
                .unwrap()
        );
        assert_eq!(
            got.3,
            time::PrimitiveDateTime::new(
                time::Date::from_calendar_date(2023, time::Month::December, 31).unwrap(),
                time::Time::from_hms(23, 0, 1).unwrap()
            )
        );

        fx.engine.drop_all(&fx.md).await.unwrap();
    }
}
