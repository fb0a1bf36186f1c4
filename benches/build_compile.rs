//! Build + compile benchmark, quarry vs sea-query 1.0, PostgreSQL and MySQL output (BENCH.md).
//!
//! Each iteration builds the statement from scratch and renders SQL text plus bound values,
//! on both sides. All six reference statements: 1 (point select), 2 (join/group/having),
//! 3 (one-row INSERT … RETURNING id), 4 (the INSERT with 100 rows in one VALUES), 5 (UPDATE)
//! and 6 (CTE + window). Group 7 has no sea-query side: raw `sql()` text with 3 and with
//! 10,000 named parameters, bound and compiled by value (the executor's path), which guards
//! against binding or placeholder lookup growing quadratically.
//!
//! Statements 3, 4 and 5 are compiled two ways, as separate ids: `quarry` by value
//! (`IntoCompiled::into_compiled`), as the executor compiles a statement it is given, their
//! values moved into the parameters; and `quarry_by_ref` through `compile(&self)`, which
//! copies the values as sea-query's `build(&self)` does, then drops the statement. Statement
//! 6 moves sea-query's window, inner select and CTE into place (`take()` where sea-query
//! offers it, owned locals elsewhere) rather than cloning them.
//!
//! Statements 3 and 4 take their row data from a `Vec` generated once (the same for both
//! sides); each iteration copies the text cells into the statement (both builders own their
//! values), so the per-row cost is the builder's, not the data generator's. Each side uses its
//! one-row call for statement 3 (quarry's `values`, sea-query's `values_panic`) and its
//! many-row form for statement 4 (quarry's `rows` over an iterator, sea-query's
//! `values_panic` in a loop). `created_at` is a `quarry::value::Timestamp` on quarry's side
//! and a `chrono::NaiveDateTime` on sea-query's (its `with-chrono` feature), both `Copy`.
//! MySQL has no RETURNING: sea-query's MySQL builder drops it silently and quarry's `MySql`
//! dialect refuses it, so the MySQL output of statement 3 is compiled without RETURNING on
//! both sides.
//!
//! After criterion's groups (when run by `cargo bench`), paired rounds measure statements
//! 1–6 once more: in each of `QUARRY_BENCH_ROUNDS` rounds (default 60) every side of a
//! statement runs a block of about 2 ms in turn, the order rotating from round to round, and
//! the bench prints each side's median time and the median (with quartiles) of its per-round
//! ratio to sea-query. Criterion measures one side for seconds and then the other, so a burst
//! of outside load on this shared machine lands on one side only; within a round it lands on
//! all sides alike. A filter matching no criterion group (`-- zzz`) runs the rounds alone.
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
use std::time::{Duration, Instant};

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
/// (as sea-query's side makes its one `values_panic` call); `BY_REF`: through
/// `compile(&self)` instead of by value.
fn q3_one<const BY_REF: bool>(d: &dyn Dialect, r: &UserRow, returning: bool) -> quarry::Compiled {
    let u = Users::new();
    let q = insert(u).values(user_cells(u, r));
    finish_insert::<BY_REF>(q, u, d, returning)
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

/// Compiles an insert of statement 3 or 4 (`returning`: with `RETURNING id`).
///
/// By value, its values move into the parameters; `BY_REF`, `compile(&self)` copies them
/// (as sea-query's `build(&self)` does) and the statement is dropped after.
#[inline(always)]
fn finish_insert<const BY_REF: bool>(
    q: quarry::Insert,
    u: Users,
    d: &dyn Dialect,
    returning: bool,
) -> quarry::Compiled {
    if returning {
        compile_insert::<BY_REF, _>(q.returning(u.id), d)
    } else {
        compile_insert::<BY_REF, _>(q, d)
    }
}

/// `compile(&self)` when `BY_REF`, else by value.
#[inline(always)]
fn compile_insert<const BY_REF: bool, R>(
    q: quarry::Insert<R>,
    d: &dyn Dialect,
) -> quarry::Compiled {
    if BY_REF {
        q.compile(d).unwrap()
    } else {
        quarry::IntoCompiled::into_compiled(q, d).unwrap()
    }
}

/// Statement 4 (`rows.len()` rows, through `rows`; `returning`: PostgreSQL; `BY_REF` as in
/// [`q3_one`]).
fn q3<const BY_REF: bool>(d: &dyn Dialect, rows: &[UserRow], returning: bool) -> quarry::Compiled {
    let u = Users::new();
    let q = insert(u).rows(rows.iter().map(|r| user_cells(u, r)));
    finish_insert::<BY_REF>(q, u, d, returning)
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

/// Statement 5, compiled by value as `engine.execute(update)` compiles it (the SET values
/// move into the parameters) or, `BY_REF`, through `compile(&self)` (they are copied).
fn q5<const BY_REF: bool>(d: &dyn Dialect) -> quarry::Compiled {
    let u = Users::new();
    let q = update(u)
        .set(u.name, black_box("Ann"))
        .set(u.active, black_box(true))
        .filter(u.id.eq(black_box(42_i64)));
    if BY_REF {
        q.compile(d).unwrap()
    } else {
        quarry::IntoCompiled::into_compiled(q, d).unwrap()
    }
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

/// Statement 6 on sea-query's side: each part is built once and moved into its parent
/// (`take()` on the window and the selects, which sea-query offers for them; the CTE and the
/// WITH clause, which have no `take()`, as owned locals), so nothing is cloned.
fn s6<B: QueryBuilder>(b: B) -> (String, sea_query::Values) {
    let window = WindowStatement::partition_by("user_id")
        .order_by("created_at", Order::Desc)
        .take();
    let inner = SQuery::select()
        .column("user_id")
        .column("total")
        .expr_window_as(SExpr::cust("row_number()"), window, "rn")
        .from("orders")
        .take();
    let mut cte = CommonTableExpression::new();
    cte.query(inner).table_name("recent");
    let mut with = WithClause::new();
    with.cte(cte);
    SQuery::select()
        .column("user_id")
        .column("total")
        .from("recent")
        .and_where(SExpr::col("rn").eq(black_box(1_i64)))
        .take()
        .with(with)
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
            b.iter(|| black_box(q3_one::<false>(d, black_box(&one[0]), pg)))
        });
        g.bench_function("quarry_by_ref", |b| {
            b.iter(|| black_box(q3_one::<true>(d, black_box(&one[0]), pg)))
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
            b.iter(|| black_box(q3::<false>(d, black_box(&rows), pg)))
        });
        g.bench_function("quarry_by_ref", |b| {
            b.iter(|| black_box(q3::<true>(d, black_box(&rows), pg)))
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
        g.bench_function("quarry", |b| b.iter(|| black_box(q5::<false>(d))));
        g.bench_function("quarry_by_ref", |b| b.iter(|| black_box(q5::<true>(d))));
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
/// quoting, with the same number of bound values, and the same by value as by reference. (On statement 2 sea-query binds LIMIT and
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
            q3_one::<false>(&Postgres, &rows[0], true),
            s3(PostgresQueryBuilder, &rows[..1], true),
            true,
        ),
        (
            "3 mysql",
            q3_one::<false>(&MySql, &rows[0], false),
            s3(MysqlQueryBuilder, &rows[..1], false),
            true,
        ),
        (
            "4 pg",
            q3::<false>(&Postgres, &rows, true),
            s3(PostgresQueryBuilder, &rows, true),
            true,
        ),
        (
            "4 mysql",
            q3::<false>(&MySql, &rows, false),
            s3(MysqlQueryBuilder, &rows, false),
            true,
        ),
        (
            "5 pg",
            q5::<false>(&Postgres),
            s5(PostgresQueryBuilder),
            true,
        ),
        ("5 mysql", q5::<false>(&MySql), s5(MysqlQueryBuilder), true),
        ("6 pg", q6(&Postgres), s6(PostgresQueryBuilder), false),
        ("6 mysql", q6(&MySql), s6(MysqlQueryBuilder), false),
    ];
    // Both quarry modes of statements 3–5 compile to the same SQL and values.
    let by_value_and_ref: Vec<(&str, quarry::Compiled, quarry::Compiled)> = vec![
        (
            "3 pg",
            q3_one::<false>(&Postgres, &rows[0], true),
            q3_one::<true>(&Postgres, &rows[0], true),
        ),
        (
            "3 mysql",
            q3_one::<false>(&MySql, &rows[0], false),
            q3_one::<true>(&MySql, &rows[0], false),
        ),
        (
            "4 pg",
            q3::<false>(&Postgres, &rows, true),
            q3::<true>(&Postgres, &rows, true),
        ),
        (
            "4 mysql",
            q3::<false>(&MySql, &rows, false),
            q3::<true>(&MySql, &rows, false),
        ),
        ("5 pg", q5::<false>(&Postgres), q5::<true>(&Postgres)),
        ("5 mysql", q5::<false>(&MySql), q5::<true>(&MySql)),
    ];
    for (label, by_value, by_ref) in by_value_and_ref {
        assert_eq!(
            by_value.sql, by_ref.sql,
            "{label}: by value and by reference differ"
        );
        assert_eq!(
            by_value.params, by_ref.params,
            "{label}: by value and by reference bind different values"
        );
    }
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

/// One side of a paired case: runs the statement `n` times and returns the elapsed time.
type Side<'a> = (&'static str, Box<dyn FnMut(u64) -> Duration + 'a>);

/// Times `n` runs of `f`.
#[inline(always)]
fn timed<R>(n: u64, mut f: impl FnMut() -> R) -> Duration {
    let start = Instant::now();
    for _ in 0..n {
        black_box(f());
    }
    start.elapsed()
}

/// The sides of statements 1–6 for dialect `d` (sea-query's with builder `B`), sea-query last.
fn paired_cases<'a, B: QueryBuilder + Default + 'a>(
    d: &'a dyn Dialect,
    pg: bool,
    ts: Timestamp,
    rows: &'a [UserRow],
) -> Vec<(&'static str, Vec<Side<'a>>)> {
    let one = &rows[..1];
    vec![
        (
            "1_point_select",
            vec![
                ("quarry", Box::new(move |n| timed(n, || q1(d)))),
                (
                    "sea_query",
                    Box::new(move |n| timed(n, || s1(B::default()))),
                ),
            ],
        ),
        (
            "2_join_group_having",
            vec![
                ("quarry", Box::new(move |n| timed(n, || q2(d, ts)))),
                (
                    "sea_query",
                    Box::new(move |n| timed(n, || s2(B::default()))),
                ),
            ],
        ),
        (
            "3_insert_returning",
            vec![
                (
                    "quarry",
                    Box::new(move |n| timed(n, || q3_one::<false>(d, black_box(&one[0]), pg))),
                ),
                (
                    "quarry_by_ref",
                    Box::new(move |n| timed(n, || q3_one::<true>(d, black_box(&one[0]), pg))),
                ),
                (
                    "sea_query",
                    Box::new(move |n| timed(n, || s3(B::default(), black_box(one), pg))),
                ),
            ],
        ),
        (
            "4_insert_100_rows",
            vec![
                (
                    "quarry",
                    Box::new(move |n| timed(n, || q3::<false>(d, black_box(rows), pg))),
                ),
                (
                    "quarry_by_ref",
                    Box::new(move |n| timed(n, || q3::<true>(d, black_box(rows), pg))),
                ),
                (
                    "sea_query",
                    Box::new(move |n| timed(n, || s3(B::default(), black_box(rows), pg))),
                ),
            ],
        ),
        (
            "5_update",
            vec![
                ("quarry", Box::new(move |n| timed(n, || q5::<false>(d)))),
                (
                    "quarry_by_ref",
                    Box::new(move |n| timed(n, || q5::<true>(d))),
                ),
                (
                    "sea_query",
                    Box::new(move |n| timed(n, || s5(B::default()))),
                ),
            ],
        ),
        (
            "6_cte_window",
            vec![
                ("quarry", Box::new(move |n| timed(n, || q6(d)))),
                (
                    "sea_query",
                    Box::new(move |n| timed(n, || s6(B::default()))),
                ),
            ],
        ),
    ]
}

fn median(v: &mut [f64]) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

/// The paired rounds described in the module docs.
fn paired(_c: &mut Criterion) {
    if !std::env::args().any(|a| a == "--bench") {
        return;
    }
    let rounds: usize = std::env::var("QUARRY_BENCH_ROUNDS")
        .ok()
        .and_then(|r| r.parse().ok())
        .filter(|r| *r > 0)
        .unwrap_or(60);
    let block = Duration::from_millis(2);
    let ts: Timestamp = "2024-01-01 00:00:00".parse().unwrap();
    let rows = user_rows(100);
    println!(
        "\npaired rounds: {rounds} rounds of a {block:?} block per side, rotating order; \
         median time per statement, median per-round ratio to sea-query (quartiles)"
    );
    for (name, pg) in [("postgres", true), ("mysql", false)] {
        let cases = if pg {
            paired_cases::<PostgresQueryBuilder>(&Postgres, true, ts, &rows)
        } else {
            paired_cases::<MysqlQueryBuilder>(&MySql, false, ts, &rows)
        };
        for (statement, mut sides) in cases {
            // Iterations per block, from a warm-up of each side.
            let iters: Vec<u64> = sides
                .iter_mut()
                .map(|(_, f)| {
                    f(1000);
                    let per = f(1000).as_secs_f64() / 1000.0;
                    std::cmp::max((block.as_secs_f64() / per) as u64, 1)
                })
                .collect();
            let k = sides.len();
            let mut times: Vec<Vec<f64>> = vec![Vec::new(); k];
            let mut ratios: Vec<Vec<f64>> = vec![Vec::new(); k - 1];
            for round in 0..rounds {
                let mut this = vec![0.0; k];
                for j in 0..k {
                    let i = (round + j) % k;
                    this[i] = (sides[i].1)(iters[i]).as_secs_f64() * 1e9 / iters[i] as f64;
                }
                for i in 0..k {
                    times[i].push(this[i]);
                    if i < k - 1 {
                        ratios[i].push(this[i] / this[k - 1]);
                    }
                }
            }
            let mut line = format!("  {statement}/{name}:");
            for i in 0..k {
                line += &format!(" {} {:.0} ns", sides[i].0, median(&mut times[i]));
                if i < k - 1 {
                    let r = &mut ratios[i];
                    let m = median(r);
                    line += &format!(
                        " ({m:.3}; {:.3}..{:.3})",
                        r[r.len() / 4],
                        r[(r.len() * 3 / 4).min(r.len() - 1)]
                    );
                }
                line += if i < k - 1 { "," } else { "" };
            }
            println!("{line}");
        }
    }
}

criterion_group!(benches, show, bench, bench_sql_named, paired);
criterion_main!(benches);
