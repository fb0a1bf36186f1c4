//! Build + compile benchmark, quarry vs sea-query 1.0, PostgreSQL and MySQL output (BENCH.md).
//!
//! Each iteration builds the statement from scratch and renders SQL text plus bound values,
//! on both sides. All six reference statements: 1 (point select), 2 (join/group/having),
//! 3 (one-row INSERT … RETURNING id), 4 (the INSERT with 100 rows in one VALUES), 5 (UPDATE)
//! and 6 (CTE + window). Group 7 has no sea-query side: raw `sql()` text with 3 and with
//! 10,000 named parameters, bound and compiled by value (the executor's path), which guards
//! against binding or placeholder lookup growing quadratically.
//!
//! Statements 3, 4 and 5 are compiled by value, as the executor compiles a statement it is
//! given: their values move into the parameters (sea-query's `build(&self)` copies its
//! values). Statements 3 and 4 take their row data from a `Vec` generated once (the same for
//! both sides); each iteration copies the text cells into the statement (both builders own
//! their values), so the per-row cost is the builder's, not the data generator's. Each side
//! uses its one-row call for statement 3 (quarry's `values`, sea-query's `values_panic`) and
//! its many-row form for statement 4 (quarry's `rows` over an iterator, sea-query's
//! `values_panic` in a loop). `created_at` is a
//! `quarry::value::Timestamp` on quarry's side and a `chrono::NaiveDateTime` on sea-query's
//! (its `with-chrono` feature), both `Copy`. MySQL has no RETURNING: sea-query's MySQL builder
//! drops it silently and quarry's `MySql` dialect refuses it, so the MySQL output of
//! statement 3 is compiled without RETURNING on both sides.
//!
//! Run: `cargo bench --bench build_compile -- --warm-up-time 1 --measurement-time 3`

use criterion::{black_box, criterion_group, criterion_main, Criterion};
use quarry::prelude::*;
use quarry::value::Timestamp;
use quarry::{Column, Dialect, MySql, Postgres};
use sea_query::{
    CommonTableExpression, Expr as SExpr, ExprTrait, Func, JoinType, MysqlQueryBuilder, Order,
    PostgresQueryBuilder, Query as SQuery, QueryBuilder, WindowStatement, WithClause,
};

quarry::table! {
    pub struct Users("users") {
        id: i64 => primary_key(),
        name: String,
        email: String,
        active: bool,
        created_at: Timestamp,
    }
}

quarry::table! {
    pub struct Orders("orders") {
        id: i64 => primary_key(),
        user_id: i64,
        total: Option<quarry::value::Decimal>,
        created_at: Timestamp,
    }
}

fn q1(d: &dyn Dialect) -> quarry::Compiled {
    let u = Users::new();
    select((u.id, u.name))
        .from(u)
        .filter(u.id.eq(black_box(42_i64)))
        .compile(d)
        .unwrap()
}

fn s1<B: QueryBuilder>(b: B) -> (String, sea_query::Values) {
    SQuery::select()
        .column(("users", "id"))
        .column(("users", "name"))
        .from("users")
        .and_where(SExpr::col(("users", "id")).eq(black_box(42_i64)))
        .build(b)
}

fn q2(d: &dyn Dialect, ts: Timestamp) -> quarry::Compiled {
    let (u, o) = (Users::alias("u"), Orders::alias("o"));
    select((u.id, u.name, count(o.id)))
        .from(u)
        .left_join(o)
        .on(o.user_id.eq(u.id))
        .filter(u.active.eq(black_box(true)))
        .filter(u.created_at.gt(ts))
        .group_by((u.id, u.name))
        .having(count(o.id).gt(black_box(5_i64)))
        .order_by(u.name)
        .limit(10)
        .offset(20)
        .compile(d)
        .unwrap()
}

fn s2<B: QueryBuilder>(b: B) -> (String, sea_query::Values) {
    SQuery::select()
        .column(("u", "id"))
        .column(("u", "name"))
        .expr(Func::count(SExpr::col(("o", "id"))))
        .from_as("users", "u")
        .join_as(
            JoinType::LeftJoin,
            "orders",
            "o",
            SExpr::col(("o", "user_id")).equals(("u", "id")),
        )
        .and_where(SExpr::col(("u", "active")).eq(black_box(true)))
        .and_where(SExpr::col(("u", "created_at")).gt("2024-01-01 00:00:00"))
        .group_by_col(("u", "id"))
        .group_by_col(("u", "name"))
        .and_having(SExpr::expr(Func::count(SExpr::col(("o", "id")))).gt(black_box(5_i64)))
        .order_by(("u", "name"), Order::Asc)
        .limit(10)
        .offset(20)
        .build(b)
}

/// One pre-generated row of `users`, as both builders take it.
struct UserRow {
    id: i64,
    name: String,
    email: String,
    active: bool,
    created_at: Timestamp,
    created_at_chrono: chrono::NaiveDateTime,
}

fn user_rows(n: i64) -> Vec<UserRow> {
    let base = chrono::NaiveDate::from_ymd_opt(2024, 1, 1)
        .unwrap()
        .and_hms_opt(0, 0, 0)
        .unwrap();
    (1..=n)
        .map(|id| {
            let chrono_ts = base + chrono::Duration::seconds(id * 37);
            UserRow {
                id,
                name: format!("user {id}"),
                email: format!("user{id}@example.com"),
                active: id % 3 != 0,
                created_at: Timestamp::from_micros_since_epoch(
                    chrono_ts.and_utc().timestamp_micros(),
                )
                .unwrap(),
                created_at_chrono: chrono_ts,
            }
        })
        .collect()
}

/// Statement 3 (`returning`: PostgreSQL): one row, given through `values`, the one-row call
/// (as sea-query's side makes its one `values_panic` call).
fn q3_one(d: &dyn Dialect, r: &UserRow, returning: bool) -> quarry::Compiled {
    let u = Users::new();
    let q = insert(u).values(user_cells(u, r));
    finish_insert(q, u, d, returning)
}

/// One row of statements 3 and 4: the five `column.set(value)` cells, the text copied.
#[inline(always)]
fn user_cells(
    u: Users,
    r: &UserRow,
) -> (
    quarry::Assign,
    quarry::Assign,
    quarry::Assign,
    quarry::Assign,
    quarry::Assign,
) {
    (
        u.id.set(r.id),
        u.name.set(r.name.as_str()),
        u.email.set(r.email.as_str()),
        u.active.set(r.active),
        u.created_at.set(r.created_at),
    )
}

/// Compiles an insert of statement 3 or 4 by value (`returning`: with `RETURNING id`).
///
/// Built for this one render: compiled by value, its values move into the parameters
/// (`compile(&self)` would copy them, as sea-query's `build(&self)` does).
#[inline(always)]
fn finish_insert(
    q: quarry::Insert,
    u: Users,
    d: &dyn Dialect,
    returning: bool,
) -> quarry::Compiled {
    if returning {
        quarry::IntoCompiled::into_compiled(q.returning(u.id), d).unwrap()
    } else {
        quarry::IntoCompiled::into_compiled(q, d).unwrap()
    }
}

/// Statement 4 (`rows.len()` rows, through `rows`; `returning`: PostgreSQL).
fn q3(d: &dyn Dialect, rows: &[UserRow], returning: bool) -> quarry::Compiled {
    let u = Users::new();
    let q = insert(u).rows(rows.iter().map(|r| user_cells(u, r)));
    finish_insert(q, u, d, returning)
}

fn s3<B: QueryBuilder>(b: B, rows: &[UserRow], returning: bool) -> (String, sea_query::Values) {
    let mut q = SQuery::insert();
    q.into_table("users")
        .columns(["id", "name", "email", "active", "created_at"]);
    for r in rows {
        q.values_panic([
            r.id.into(),
            r.name.as_str().into(),
            r.email.as_str().into(),
            r.active.into(),
            r.created_at_chrono.into(),
        ]);
    }
    if returning {
        q.returning_col("id");
    }
    q.build(b)
}

/// Statement 5, compiled by value as `engine.execute(update)` compiles it: the SET values
/// move into the parameters (`compile(&self)` would copy them).
fn q5(d: &dyn Dialect) -> quarry::Compiled {
    let u = Users::new();
    let q = update(u)
        .set(u.name, black_box("Ann"))
        .set(u.active, black_box(true))
        .filter(u.id.eq(black_box(42_i64)));
    quarry::IntoCompiled::into_compiled(q, d).unwrap()
}

fn s5<B: QueryBuilder>(b: B) -> (String, sea_query::Values) {
    SQuery::update()
        .table("users")
        .value("name", black_box("Ann"))
        .value("active", black_box(true))
        .and_where(SExpr::col("id").eq(black_box(42_i64)))
        .build(b)
}

fn q6(d: &dyn Dialect) -> quarry::Compiled {
    let o = Orders::new();
    let recent = select((
        o.user_id,
        o.total,
        row_number()
            .over(
                Window::new()
                    .partition_by(o.user_id)
                    .order_by(o.created_at.desc()),
            )
            .label("rn"),
    ))
    .from(o)
    .cte("recent");
    const USER_ID: Column<i64> = Column::new("recent", "user_id");
    const TOTAL: Column<Option<quarry::value::Decimal>> = Column::new("recent", "total");
    const RN: Column<i64> = Column::new("recent", "rn");
    select((USER_ID, TOTAL))
        .with(recent)
        .from("recent")
        .filter(RN.eq(black_box(1_i64)))
        .compile(d)
        .unwrap()
}

fn s6<B: QueryBuilder>(b: B) -> (String, sea_query::Values) {
    let inner = SQuery::select()
        .column("user_id")
        .column("total")
        .expr_window_as(
            SExpr::cust("row_number()"),
            WindowStatement::partition_by("user_id")
                .order_by("created_at", Order::Desc)
                .to_owned(),
            "rn",
        )
        .from("orders")
        .to_owned();
    let cte = CommonTableExpression::new()
        .query(inner)
        .table_name("recent")
        .to_owned();
    SQuery::select()
        .column("user_id")
        .column("total")
        .from("recent")
        .and_where(SExpr::col("rn").eq(black_box(1_i64)))
        .to_owned()
        .with(WithClause::new().cte(cte).to_owned())
        .build(b)
}

fn bench(c: &mut Criterion) {
    let ts: Timestamp = "2024-01-01 00:00:00".parse().unwrap();
    let rows = user_rows(100);
    let dialects: [(&str, &dyn Dialect); 2] = [("postgres", &Postgres), ("mysql", &MySql)];
    for (name, d) in dialects {
        let mut g = c.benchmark_group(format!("1_point_select/{name}"));
        g.bench_function("quarry", |b| b.iter(|| black_box(q1(d))));
        if name == "postgres" {
            g.bench_function("sea_query", |b| {
                b.iter(|| black_box(s1(PostgresQueryBuilder)))
            });
        } else {
            g.bench_function("sea_query", |b| b.iter(|| black_box(s1(MysqlQueryBuilder))));
        }
        g.finish();

        let mut g = c.benchmark_group(format!("2_join_group_having/{name}"));
        g.bench_function("quarry", |b| b.iter(|| black_box(q2(d, ts))));
        if name == "postgres" {
            g.bench_function("sea_query", |b| {
                b.iter(|| black_box(s2(PostgresQueryBuilder)))
            });
        } else {
            g.bench_function("sea_query", |b| b.iter(|| black_box(s2(MysqlQueryBuilder))));
        }
        g.finish();

        let pg = name == "postgres";
        let mut g = c.benchmark_group(format!("3_insert_returning/{name}"));
        let one = &rows[..1];
        g.bench_function("quarry", |b| {
            b.iter(|| black_box(q3_one(d, black_box(&one[0]), pg)))
        });
        if pg {
            g.bench_function("sea_query", |b| {
                b.iter(|| black_box(s3(PostgresQueryBuilder, black_box(one), true)))
            });
        } else {
            g.bench_function("sea_query", |b| {
                b.iter(|| black_box(s3(MysqlQueryBuilder, black_box(one), false)))
            });
        }
        g.finish();

        let mut g = c.benchmark_group(format!("4_insert_100_rows/{name}"));
        g.bench_function("quarry", |b| {
            b.iter(|| black_box(q3(d, black_box(&rows), pg)))
        });
        if pg {
            g.bench_function("sea_query", |b| {
                b.iter(|| black_box(s3(PostgresQueryBuilder, black_box(&rows), true)))
            });
        } else {
            g.bench_function("sea_query", |b| {
                b.iter(|| black_box(s3(MysqlQueryBuilder, black_box(&rows), false)))
            });
        }
        g.finish();

        let mut g = c.benchmark_group(format!("5_update/{name}"));
        g.bench_function("quarry", |b| b.iter(|| black_box(q5(d))));
        if pg {
            g.bench_function("sea_query", |b| {
                b.iter(|| black_box(s5(PostgresQueryBuilder)))
            });
        } else {
            g.bench_function("sea_query", |b| b.iter(|| black_box(s5(MysqlQueryBuilder))));
        }
        g.finish();

        let mut g = c.benchmark_group(format!("6_cte_window/{name}"));
        g.bench_function("quarry", |b| b.iter(|| black_box(q6(d))));
        if name == "postgres" {
            g.bench_function("sea_query", |b| {
                b.iter(|| black_box(s6(PostgresQueryBuilder)))
            });
        } else {
            g.bench_function("sea_query", |b| b.iter(|| black_box(s6(MysqlQueryBuilder))));
        }
        g.finish();
    }
}

/// `SELECT :p0, :p1, …` with `n` named parameters, bound and compiled by value.
fn q7(d: &dyn Dialect, text: &str, names: &[String]) -> quarry::Compiled {
    let mut q = quarry::sql(text);
    for (i, name) in names.iter().enumerate() {
        q = q.bind(name, black_box(i as i64));
    }
    quarry::IntoCompiled::into_compiled(q, d).unwrap()
}

fn bench_sql_named(c: &mut Criterion) {
    let mut g = c.benchmark_group("7_sql_named/postgres");
    for n in [3, 10_000] {
        let names: Vec<String> = (0..n).map(|i| format!("p{i}")).collect();
        let text = format!(
            "SELECT {}",
            names
                .iter()
                .map(|n| format!(":{n}"))
                .collect::<Vec<_>>()
                .join(", ")
        );
        if n > 100 {
            g.sample_size(10);
        }
        g.bench_function(format!("quarry_{n}"), |b| {
            b.iter(|| black_box(q7(&Postgres, &text, &names)))
        });
    }
    g.finish();
}

/// Prints each statement once per side, so the comparison is visibly like for like, and
/// checks that the DML statements (3–5) come out as the same SQL up to sea-query's identifier
/// quoting, with the same number of bound values. (On statement 2 sea-query binds LIMIT and
/// OFFSET as parameters where quarry writes them as literals.)
fn show(_c: &mut Criterion) {
    let ts: Timestamp = "2024-01-01 00:00:00".parse().unwrap();
    let rows = user_rows(100);
    let unquote = |s: &str| s.replace(['"', '`'], "");
    let cases: Vec<(&str, quarry::Compiled, (String, sea_query::Values), bool)> = vec![
        ("1 pg", q1(&Postgres), s1(PostgresQueryBuilder), false),
        ("2 pg", q2(&Postgres, ts), s2(PostgresQueryBuilder), false),
        (
            "3 pg",
            q3_one(&Postgres, &rows[0], true),
            s3(PostgresQueryBuilder, &rows[..1], true),
            true,
        ),
        (
            "3 mysql",
            q3_one(&MySql, &rows[0], false),
            s3(MysqlQueryBuilder, &rows[..1], false),
            true,
        ),
        (
            "4 pg",
            q3(&Postgres, &rows, true),
            s3(PostgresQueryBuilder, &rows, true),
            true,
        ),
        (
            "4 mysql",
            q3(&MySql, &rows, false),
            s3(MysqlQueryBuilder, &rows, false),
            true,
        ),
        ("5 pg", q5(&Postgres), s5(PostgresQueryBuilder), true),
        ("5 mysql", q5(&MySql), s5(MysqlQueryBuilder), true),
        ("6 pg", q6(&Postgres), s6(PostgresQueryBuilder), false),
    ];
    for (label, q, s, same_sql) in cases {
        let short = |t: &str| -> String {
            if t.len() > 160 {
                format!("{} … ({} bytes)", &t[..120], t.len())
            } else {
                t.to_owned()
            }
        };
        eprintln!(
            "{label}\n  quarry:    {} [{} values]\n  sea-query: {} [{} values]",
            short(&q.sql),
            q.params.len(),
            short(&s.0),
            s.1 .0.len()
        );
        if same_sql {
            assert_eq!(
                q.params.len(),
                s.1 .0.len(),
                "{label}: bound value counts differ"
            );
            assert_eq!(q.sql, unquote(&s.0), "{label}: SQL differs beyond quoting");
        }
    }
    eprintln!();
}

criterion_group!(benches, show, bench, bench_sql_named);
criterion_main!(benches);
