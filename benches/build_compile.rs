//! Build + compile benchmark, quarry vs sea-query 1.0, PostgreSQL and MySQL output (BENCH.md).
//!
//! Each iteration builds the statement from scratch and renders SQL text plus bound values,
//! on both sides. Statements 3–5 (INSERT / UPDATE) join this file once the DML builders land;
//! this covers the SELECT reference statements 1, 2 and 6.
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

/// Prints each statement once per side, so the comparison is visibly like for like.
fn show(_c: &mut Criterion) {
    let ts: Timestamp = "2024-01-01 00:00:00".parse().unwrap();
    for (q, s) in [
        (q1(&Postgres), s1(PostgresQueryBuilder)),
        (q2(&Postgres, ts), s2(PostgresQueryBuilder)),
        (q6(&Postgres), s6(PostgresQueryBuilder)),
    ] {
        eprintln!("quarry:    {}\nsea-query: {}\n", q.sql, s.0);
    }
}

criterion_group!(benches, show, bench);
criterion_main!(benches);
