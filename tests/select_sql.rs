//! Exact SQL and parameters per dialect for the expression language and SELECT. No database.

mod common {
    //! Only the SQL assertion helper: these tests need no database.
    pub mod sql;
}

use common::sql::Expect::WithParams;
use quarry::prelude::*;
use quarry::stmt::TableRef;
use quarry::{
    Column, Cte, DynColumn, ErrorKind, ForeignKey, Frame, FrameBound, SqlType, Table, Value,
};

quarry::table! {
    pub struct Users("users") {
        id: i64 => primary_key(),
        name: String,
        email: Option<String>,
        active: bool,
        score: Option<f64>,
        age: i32,
    }
}

quarry::table! {
    pub struct Orders("orders") {
        id: i64 => primary_key(),
        user_id: i64,
        total: f64,
        note: Option<String>,
    }
    with { foreign_key(ForeignKey::new(["user_id"], "users", ["id"])) }
}

quarry::table! {
    pub struct Employees("employees") {
        id: i64 => primary_key(),
        mentor_id: Option<i64>,
    }
    with { foreign_key(ForeignKey::new(["mentor_id"], "employees", ["id"])) }
}

quarry::table! {
    pub struct Transfers("transfers") {
        id: i64 => primary_key(),
        from_user: i64,
        to_user: i64,
    }
    with {
        foreign_key(ForeignKey::new(["from_user"], "users", ["id"])),
        foreign_key(ForeignKey::new(["to_user"], "users", ["id"])),
    }
}

fn i(v: i64) -> Value {
    Value::I64(v)
}
fn s(v: &str) -> Value {
    Value::from(v)
}

#[test]
fn point_select_typed() {
    let u = Users::new();
    let q = select((u.id, u.name)).from(u).filter(u.id.eq(7));
    let _typed: &quarry::Select<(i64, String)> = &q;
    assert_sql!(|d| q.compile(d),
        postgres: WithParams("SELECT users.id, users.name FROM users WHERE users.id = $1", vec![i(7)]),
        mysql_family: WithParams("SELECT users.id, users.name FROM users WHERE users.id = ?", vec![i(7)]),
        sqlite: WithParams("SELECT users.id, users.name FROM users WHERE users.id = ?", vec![i(7)]),
    );
}

/// Several FROM items (the first is kept inline, the others in a vector) are written in
/// order, comma-separated, each with its alias.
#[test]
fn several_from_items() {
    let (a, b) = (Users::alias("a"), Users::alias("b"));
    let t = Transfers::new();
    let q = select((a.name, b.name))
        .from(t)
        .from(a)
        .from(b)
        .filter(t.from_user.eq(a.id).and(t.to_user.eq(b.id)));
    assert_eq!(q.stmt().from.len(), 3);
    assert_sql!(|d| q.compile(d).map(|c| quarry::Compiled::new(c.sql)),
        postgres: "SELECT a.name, b.name FROM transfers, users AS a, users AS b WHERE transfers.from_user = a.id AND transfers.to_user = b.id",
        mysql_family: "SELECT a.name, b.name FROM transfers, users AS a, users AS b WHERE transfers.from_user = a.id AND transfers.to_user = b.id",
        sqlite: "SELECT a.name, b.name FROM transfers, users AS a, users AS b WHERE transfers.from_user = a.id AND transfers.to_user = b.id",
    );
    let mut two = q.clone().into_stmt();
    two.from = vec![two.from[1].clone(), two.from[2].clone()].into();
    assert_eq!(two.from.len(), 2);
    assert_ne!(two, q.into_stmt());
}

#[test]
fn comparisons_and_option_columns() {
    let u = Users::new();
    let q = select(u.id).from(u).filter(
        u.email
            .eq("a@x")
            .and(u.age.ne(3))
            .and(u.age.lt(4))
            .and(u.age.le(5))
            .and(u.score.gt(1.5))
            .and(u.score.ge(u.score)),
    );
    assert_sql!(|d| q.compile(d),
        postgres: WithParams(
            "SELECT users.id FROM users WHERE users.email = $1 AND users.age <> $2 AND users.age < $3 AND users.age <= $4 AND users.score > $5 AND users.score >= users.score",
            vec![s("a@x"), Value::I32(3), Value::I32(4), Value::I32(5), Value::F64(1.5)]),
        sqlite: WithParams(
            "SELECT users.id FROM users WHERE users.email = ? AND users.age <> ? AND users.age < ? AND users.age <= ? AND users.score > ? AND users.score >= users.score",
            vec![s("a@x"), Value::I32(3), Value::I32(4), Value::I32(5), Value::F64(1.5)]),
    );
}

#[test]
fn boolean_parenthesising() {
    let u = Users::new();
    let a = u.id.eq(1);
    let b = u.id.eq(2);
    let c = u.id.eq(3);
    // (a OR b) AND c
    let q = select(u.id)
        .from(u)
        .filter(a.clone().or(b.clone()).and(c.clone()));
    assert_sql!(|d| q.compile(d),
        sqlite: WithParams("SELECT users.id FROM users WHERE (users.id = ? OR users.id = ?) AND users.id = ?", vec![i(1), i(2), i(3)]),
    );
    // a OR (b AND c)
    let q = select(u.id)
        .from(u)
        .filter(a.clone().or(b.clone().and(c.clone())));
    assert_sql!(|d| q.compile(d),
        sqlite: WithParams("SELECT users.id FROM users WHERE users.id = ? OR users.id = ? AND users.id = ?", vec![i(1), i(2), i(3)]),
    );
    // NOT (a OR b), a AND (b AND c) flattened, operators & | !
    let q = select(u.id)
        .from(u)
        .filter(!(a.clone() | b.clone()) & (b.clone() & c.clone()));
    assert_sql!(|d| q.compile(d),
        postgres: WithParams("SELECT users.id FROM users WHERE NOT (users.id = $1 OR users.id = $2) AND users.id = $3 AND users.id = $4", vec![i(1), i(2), i(2), i(3)]),
    );
    // Boolean column, NOT on a column
    let q = select(u.id)
        .from(u)
        .filter(not(u.active).or(u.active.eq(true)));
    assert_sql!(|d| q.compile(d),
        postgres: WithParams("SELECT users.id FROM users WHERE NOT users.active OR users.active = $1", vec![Value::Bool(true)]),
    );
    // Empty AND / OR: always true / always false (an empty AND absorbs what is ANDed to it).
    let q = select(u.id)
        .from(u)
        .filter(and_all(Vec::<TypedExpr<bool>>::new()));
    assert_sql!(|d| q.compile(d), all: "SELECT users.id FROM users WHERE 1 = 1");
    let q = select(u.id)
        .from(u)
        .filter(u.active.and(or_any(Vec::<TypedExpr<bool>>::new())));
    assert_sql!(|d| q.compile(d), all: "SELECT users.id FROM users WHERE users.active AND 1 = 0");
    let q = select(u.id)
        .from(u)
        .filter(and_all(Vec::<TypedExpr<bool>>::new()).and(or_any(Vec::<TypedExpr<bool>>::new())));
    assert_sql!(|d| q.compile(d), all: "SELECT users.id FROM users WHERE 1 = 0");
}

#[test]
fn arithmetic_precedence() {
    let u = Users::new();
    let q = select((
        (u.age + 1) * 2,
        u.age - (u.age - 1),
        -(u.age + 1),
        u.age % 3,
        u.age / 2,
    ))
    .from(u);
    assert_sql!(|d| q.compile(d),
        postgres: WithParams(
            "SELECT (users.age + $1) * $2, users.age - (users.age - $3), -(users.age + $4), users.age % $5, users.age / $6 FROM users",
            vec![Value::I32(1), Value::I32(2), Value::I32(1), Value::I32(1), Value::I32(3), Value::I32(2)]),
    );
    // a + b = c: arithmetic binds tighter than comparison, no parentheses needed
    let q = select(u.id).from(u).filter((u.age + 1).eq(u.age * 2));
    assert_sql!(|d| q.compile(d),
        sqlite: WithParams("SELECT users.id FROM users WHERE users.age + ? = users.age * ?", vec![Value::I32(1), Value::I32(2)]),
    );
    // Integers divide into integers on every backend (the MySQL family's `/` gives a
    // decimal); a float on either side divides exactly; `%` of integers everywhere.
    let o = Orders::new();
    let q = select((
        u.age / 2,
        (u.age + 1) / (u.id - 1),
        u.age / 2.0,
        o.total / u.age,
        u.id % 7,
    ))
    .from(u)
    .join(o);
    assert_sql!(|d| q.compile(d),
        postgres: WithParams("SELECT users.age / $1, (users.age + $2) / (users.id - $3), users.age / $4, orders.total / users.age, users.id % $5 FROM users JOIN orders ON orders.user_id = users.id", vec![Value::I32(2), Value::I32(1), Value::I64(1), Value::F64(2.0), Value::I64(7)]),
        mysql_family: WithParams("SELECT users.age DIV ?, (users.age + ?) DIV (users.id - ?), users.age / ?, orders.total / users.age, users.id % ? FROM users JOIN orders ON orders.user_id = users.id", vec![Value::I32(2), Value::I32(1), Value::I64(1), Value::F64(2.0), Value::I64(7)]),
        sqlite: WithParams("SELECT users.age / ?, (users.age + ?) / (users.id - ?), users.age / ?, orders.total / users.age, users.id % ? FROM users JOIN orders ON orders.user_id = users.id", vec![Value::I32(2), Value::I32(1), Value::I64(1), Value::F64(2.0), Value::I64(7)]),
    );
}

#[test]
fn null_tests_between_in() {
    let u = Users::new();
    let q = select(u.id).from(u).filter(
        u.email
            .is_null()
            .or(u.score.is_not_null())
            .and(u.age.between(18, 65))
            .and(u.age.not_between(30, 40)),
    );
    assert_sql!(|d| q.compile(d),
        postgres: WithParams(
            "SELECT users.id FROM users WHERE (users.email IS NULL OR users.score IS NOT NULL) AND users.age BETWEEN $1 AND $2 AND users.age NOT BETWEEN $3 AND $4",
            vec![Value::I32(18), Value::I32(65), Value::I32(30), Value::I32(40)]),
    );
    let q = select(u.id)
        .from(u)
        .filter(u.id.in_list([1, 2, 3]).and(u.name.not_in_list(["a", "b"])));
    assert_sql!(|d| q.compile(d),
        postgres: WithParams("SELECT users.id FROM users WHERE users.id IN ($1, $2, $3) AND users.name NOT IN ($4, $5)",
            vec![i(1), i(2), i(3), s("a"), s("b")]),
        mysql_family: WithParams("SELECT users.id FROM users WHERE users.id IN (?, ?, ?) AND users.name NOT IN (?, ?)",
            vec![i(1), i(2), i(3), s("a"), s("b")]),
    );
}

#[test]
fn empty_in_list() {
    let u = Users::new();
    let none: Vec<i64> = Vec::new();
    let q = select(u.id).from(u).filter(u.id.in_list(none.clone()));
    assert_sql!(|d| q.compile(d), all: "SELECT users.id FROM users WHERE 1 = 0");
    let q = select(u.id)
        .from(u)
        .filter(u.id.not_in_list(none.clone()).and(u.id.gt(0)));
    assert_sql!(|d| q.compile(d),
        postgres: WithParams("SELECT users.id FROM users WHERE 1 = 1 AND users.id > $1", vec![i(0)]),
    );
    let q = select(u.id).from(u).filter(not(u.id.in_list(none)));
    assert_sql!(|d| q.compile(d), all: "SELECT users.id FROM users WHERE NOT (1 = 0)");
}

#[test]
fn in_subquery_exists_scalar() {
    let (u, o) = (Users::new(), Orders::new());
    let q = select(u.name)
        .from(u)
        .filter(u.id.in_query(select(o.user_id).from(o).filter(o.total.gt(100.0))));
    assert_sql!(|d| q.compile(d),
        postgres: WithParams("SELECT users.name FROM users WHERE users.id IN (SELECT orders.user_id FROM orders WHERE orders.total > $1)", vec![Value::F64(100.0)]),
    );
    let q = select(u.name)
        .from(u)
        .filter(u.id.not_in_query(select(o.user_id).from(o)));
    assert_sql!(|d| q.compile(d), all: "SELECT users.name FROM users WHERE users.id NOT IN (SELECT orders.user_id FROM orders)");
    let q = select(u.name).from(u).filter(
        exists(select(o.id).from(o).filter(o.user_id.eq(u.id)))
            .and(not_exists(select(o.id).from(o).filter(o.total.lt(0.0)))),
    );
    assert_sql!(|d| q.compile(d),
        sqlite: WithParams("SELECT users.name FROM users WHERE EXISTS (SELECT orders.id FROM orders WHERE orders.user_id = users.id) AND NOT EXISTS (SELECT orders.id FROM orders WHERE orders.total < ?)", vec![Value::F64(0.0)]),
    );
    let q = select((
        u.name,
        select(count_star())
            .from(o)
            .filter(o.user_id.eq(u.id))
            .as_scalar()
            .label("n"),
    ))
    .from(u);
    let _typed: &quarry::Select<(String, i64)> = &q;
    assert_sql!(|d| q.compile(d), all: "SELECT users.name, (SELECT count(*) FROM orders WHERE orders.user_id = users.id) AS n FROM users");
}

#[test]
fn like_ilike_escape() {
    let u = Users::new();
    let q = select(u.id)
        .from(u)
        .filter(u.name.like("a%").and(u.email.not_like("%@x")));
    assert_sql!(|d| q.compile(d),
        postgres: WithParams("SELECT users.id FROM users WHERE users.name LIKE $1 AND users.email NOT LIKE $2", vec![s("a%"), s("%@x")]),
    );
    let q = select(u.id)
        .from(u)
        .filter(u.name.like_escape("50!%%", '!'));
    assert_sql!(|d| q.compile(d),
        postgres: WithParams("SELECT users.id FROM users WHERE users.name LIKE $1 ESCAPE '!'", vec![s("50!%%")]),
        mysql_family: WithParams("SELECT users.id FROM users WHERE users.name LIKE ? ESCAPE '!'", vec![s("50!%%")]),
        sqlite: WithParams("SELECT users.id FROM users WHERE users.name LIKE ? ESCAPE '!'", vec![s("50!%%")]),
    );
    let q = select(u.id)
        .from(u)
        .filter(u.name.like_escape("a\\_b", '\\'));
    assert_sql!(|d| q.compile(d),
        postgres: WithParams("SELECT users.id FROM users WHERE users.name LIKE $1 ESCAPE E'\\\\'", vec![s("a\\_b")]),
        mysql_family: WithParams("SELECT users.id FROM users WHERE users.name LIKE ? ESCAPE '\\\\'", vec![s("a\\_b")]),
    );
    let q = select(u.id)
        .from(u)
        .filter(u.name.ilike("AN%").or(u.email.not_ilike("%X")));
    assert_sql!(|d| q.compile(d),
        postgres: WithParams("SELECT users.id FROM users WHERE users.name ILIKE $1 OR users.email NOT ILIKE $2", vec![s("AN%"), s("%X")]),
        mysql_family: WithParams("SELECT users.id FROM users WHERE lower(users.name) LIKE lower(?) OR lower(users.email) NOT LIKE lower(?)", vec![s("AN%"), s("%X")]),
        sqlite: WithParams("SELECT users.id FROM users WHERE lower(users.name) LIKE lower(?) OR lower(users.email) NOT LIKE lower(?)", vec![s("AN%"), s("%X")]),
    );
    let q = select(u.id)
        .from(u)
        .filter(u.name.contains("5%_!").and(u.name.starts_with("a")));
    assert_sql!(|d| q.compile(d),
        sqlite: WithParams("SELECT users.id FROM users WHERE users.name LIKE ? ESCAPE '!' AND users.name LIKE ? ESCAPE '!'", vec![s("%5!%!_!!%"), s("a%")]),
    );
}

#[test]
fn concatenation() {
    let u = Users::new();
    let q = select(
        u.name
            .concat(" <")
            .concat(coalesce(u.email, "?"))
            .concat(">")
            .label("who"),
    )
    .from(u);
    assert_sql!(|d| q.compile(d),
        postgres: WithParams("SELECT users.name || $1 || COALESCE(users.email, $2) || $3 AS who FROM users", vec![s(" <"), s("?"), s(">")]),
        mysql_family: WithParams("SELECT CONCAT(users.name, ?, COALESCE(users.email, ?), ?) AS who FROM users", vec![s(" <"), s("?"), s(">")]),
        sqlite: WithParams("SELECT users.name || ? || COALESCE(users.email, ?) || ? AS who FROM users", vec![s(" <"), s("?"), s(">")]),
    );
    // Concatenation compared: parenthesized on the operator dialects is not needed, but inside
    // arithmetic-like contexts it is kept apart.
    let q = select(u.id).from(u).filter(u.name.concat("x").eq("ax"));
    assert_sql!(|d| q.compile(d),
        postgres: WithParams("SELECT users.id FROM users WHERE users.name || $1 = $2", vec![s("x"), s("ax")]),
        mysql_family: WithParams("SELECT users.id FROM users WHERE CONCAT(users.name, ?) = ?", vec![s("x"), s("ax")]),
    );
}

#[test]
fn case_cast_coalesce_nullif() {
    let u = Users::new();
    let q = select((
        case_when(u.age.lt(18), "minor")
            .when(u.age.lt(65), "adult")
            .otherwise("senior"),
        case::<String>(u.active).when(true, "on").end(),
        nullif(u.age, 0),
        coalesce(u.score, 0.0),
    ))
    .from(u);
    let _typed: &quarry::Select<(String, Option<String>, Option<i32>, f64)> = &q;
    assert_sql!(|d| q.compile(d),
        postgres: WithParams(
            "SELECT CASE WHEN users.age < $1 THEN $2 WHEN users.age < $3 THEN $4 ELSE $5 END, CASE users.active WHEN $6 THEN $7 END, NULLIF(users.age, $8), COALESCE(users.score, $9) FROM users",
            vec![Value::I32(18), s("minor"), Value::I32(65), s("adult"), s("senior"), Value::Bool(true), s("on"), Value::I32(0), Value::F64(0.0)]),
    );
    let casts = select((
        cast::<String>(u.id, SqlType::Text),
        cast::<i64>(u.name, SqlType::BigInt),
        cast::<f64>(u.age, SqlType::Double),
        u.score
            .cast::<quarry::value::Decimal>(SqlType::numeric(10, 2)),
        cast::<String>(u.id, SqlType::Varchar(20)),
        cast::<quarry::value::Timestamp>(u.name, SqlType::Timestamp),
        cast::<quarry::value::Date>(u.name, SqlType::Date),
    ))
    .from(u);
    assert_sql!(|d| casts.compile(d),
        postgres: "SELECT CAST(users.id AS TEXT), CAST(users.name AS BIGINT), CAST(users.age AS DOUBLE PRECISION), CAST(users.score AS NUMERIC(10, 2)), CAST(users.id AS VARCHAR(20)), CAST(users.name AS TIMESTAMP), CAST(users.name AS DATE) FROM users",
        mysql_family: "SELECT CAST(users.id AS CHAR), CAST(users.name AS SIGNED), CAST(users.age AS DOUBLE), CAST(users.score AS DECIMAL(10, 2)), CAST(users.id AS CHAR(20)), CAST(users.name AS DATETIME(6)), CAST(users.name AS DATE) FROM users",
        sqlite: "SELECT CAST(users.id AS TEXT), CAST(users.name AS BIGINT), CAST(users.age AS DOUBLE), CAST(users.score AS NUMERIC(10, 2)), CAST(users.id AS VARCHAR(20)), CAST(users.name AS TIMESTAMP), CAST(users.name AS DATE) FROM users",
    );
    let json = select(cast::<String>(u.name, SqlType::Json));
    assert_sql!(|d| json.compile(d),
        postgres: "SELECT CAST(users.name AS JSONB)",
        mysql: "SELECT CAST(users.name AS JSON)",
        mariadb: ErrorKind::Unsupported,
        sqlite: "SELECT CAST(users.name AS TEXT)",
    );
}

#[test]
fn functions_and_aggregates() {
    let (u, o) = (Users::new(), Orders::new());
    let q = select((
        count(o.id),
        count_distinct(o.user_id),
        count_star(),
        sum(o.total),
        sum(u.age),
        avg(o.total),
        min(u.name),
        max(o.total),
    ))
    .from(o)
    .join(u);
    type Aggregates = (
        i64,
        i64,
        i64,
        Option<f64>,
        Option<i64>,
        Option<f64>,
        Option<String>,
        Option<f64>,
    );
    let _typed: &quarry::Select<Aggregates> = &q;
    assert_sql!(|d| q.compile(d),
        postgres: "SELECT count(orders.id), count(DISTINCT orders.user_id), count(*), CAST(sum(orders.total) AS DOUBLE PRECISION), CAST(sum(users.age) AS BIGINT), CAST(avg(orders.total) AS DOUBLE PRECISION), min(users.name), max(orders.total) FROM orders JOIN users ON orders.user_id = users.id",
        mysql_family: "SELECT count(orders.id), count(DISTINCT orders.user_id), count(*), CAST(sum(orders.total) AS DOUBLE), CAST(sum(users.age) AS SIGNED), CAST(avg(orders.total) AS DOUBLE), min(users.name), max(orders.total) FROM orders JOIN users ON orders.user_id = users.id",
    );
    let q = select((
        lower(u.name),
        upper(u.name),
        length(u.name),
        now(),
        current_date(),
        func("abs", u.age),
    ))
    .from(u);
    assert_sql!(|d| q.compile(d),
        postgres: "SELECT lower(users.name), upper(users.name), length(users.name), CURRENT_TIMESTAMP, CURRENT_DATE, abs(users.age) FROM users",
        mysql_family: "SELECT lower(users.name), upper(users.name), CHAR_LENGTH(users.name), CURRENT_TIMESTAMP, CURRENT_DATE, abs(users.age) FROM users",
        sqlite: "SELECT lower(users.name), upper(users.name), length(users.name), CURRENT_TIMESTAMP, CURRENT_DATE, abs(users.age) FROM users",
    );
    let bad = select(func("drop table x; --", ()));
    assert_sql!(|d| bad.compile(d), all: ErrorKind::InvalidStatement);
}

#[test]
fn aggregate_filter() {
    let o = Orders::new();
    let q = select((
        count_star().filter(o.total.gt(10.0)),
        sum(o.total).filter(o.note.is_not_null()),
        count_distinct(o.user_id).filter(o.total.gt(1.0)),
    ))
    .from(o);
    assert_sql!(|d| q.compile(d),
        postgres: WithParams(
            "SELECT count(*) FILTER (WHERE orders.total > $1), CAST(sum(orders.total) FILTER (WHERE orders.note IS NOT NULL) AS DOUBLE PRECISION), count(DISTINCT orders.user_id) FILTER (WHERE orders.total > $2) FROM orders",
            vec![Value::F64(10.0), Value::F64(1.0)]),
        mysql_family: WithParams(
            "SELECT count(CASE WHEN orders.total > ? THEN 1 END), CAST(sum(CASE WHEN orders.note IS NOT NULL THEN orders.total END) AS DOUBLE), count(DISTINCT CASE WHEN orders.total > ? THEN orders.user_id END) FROM orders",
            vec![Value::F64(10.0), Value::F64(1.0)]),
        sqlite: WithParams(
            "SELECT count(*) FILTER (WHERE orders.total > ?), CAST(sum(orders.total) FILTER (WHERE orders.note IS NOT NULL) AS DOUBLE), count(DISTINCT orders.user_id) FILTER (WHERE orders.total > ?) FROM orders",
            vec![Value::F64(10.0), Value::F64(1.0)]),
    );
    let other = select(func("group_concat", o.note).filter(o.total.gt(1.0))).from(o);
    assert_sql!(|d| other.compile(d),
        postgres: WithParams("SELECT group_concat(orders.note) FILTER (WHERE orders.total > $1) FROM orders", vec![Value::F64(1.0)]),
        mysql_family: ErrorKind::Unsupported,
    );
    let wrong = select(val(1_i64).filter(o.total.gt(1.0)));
    assert_sql!(|d| wrong.compile(d), all: ErrorKind::InvalidStatement);
}

#[test]
fn window_functions() {
    let o = Orders::new();
    let q = select((
        o.id,
        row_number()
            .over(
                Window::new()
                    .partition_by(o.user_id)
                    .order_by(o.total.desc()),
            )
            .label("rn"),
        sum(o.total).over(Window::new().order_by(o.id).frame(Frame::rows(
            FrameBound::UnboundedPreceding,
            FrameBound::CurrentRow,
        ))),
        count(o.id).over(Window::new().frame(Frame::range(
            FrameBound::Preceding(1),
            FrameBound::Following(2),
        ))),
        func("lag", (o.total, 1_i64)).over_named("w"),
        max(o.total).over(Window::based_on("w").frame(Frame::rows(
            FrameBound::CurrentRow,
            FrameBound::UnboundedFollowing,
        ))),
    ))
    .from(o)
    .window("w", Window::new().partition_by(o.user_id).order_by(o.id));
    assert_sql!(|d| q.compile(d),
        postgres: WithParams(
            "SELECT orders.id, row_number() OVER (PARTITION BY orders.user_id ORDER BY orders.total DESC) AS rn, CAST(sum(orders.total) OVER (ORDER BY orders.id ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS DOUBLE PRECISION), count(orders.id) OVER (RANGE BETWEEN 1 PRECEDING AND 2 FOLLOWING), lag(orders.total, $1) OVER w, max(orders.total) OVER (w ROWS BETWEEN CURRENT ROW AND UNBOUNDED FOLLOWING) FROM orders WINDOW w AS (PARTITION BY orders.user_id ORDER BY orders.id)",
            vec![i(1)]),
        mysql_family: WithParams(
            "SELECT orders.id, row_number() OVER (PARTITION BY orders.user_id ORDER BY orders.total DESC) AS rn, CAST(sum(orders.total) OVER (ORDER BY orders.id ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS DOUBLE), count(orders.id) OVER (RANGE BETWEEN 1 PRECEDING AND 2 FOLLOWING), lag(orders.total, ?) OVER w, max(orders.total) OVER (w ROWS BETWEEN CURRENT ROW AND UNBOUNDED FOLLOWING) FROM orders WINDOW w AS (PARTITION BY orders.user_id ORDER BY orders.id)",
            vec![i(1)]),
    );
    let groups = select(
        count(o.id).over(Window::new().order_by(o.id).frame(Frame::groups(
            FrameBound::Preceding(1),
            FrameBound::CurrentRow,
        ))),
    )
    .from(o);
    assert_sql!(|d| groups.compile(d),
        postgres: "SELECT count(orders.id) OVER (ORDER BY orders.id GROUPS BETWEEN 1 PRECEDING AND CURRENT ROW) FROM orders",
        mysql_family: ErrorKind::Unsupported,
        sqlite: "SELECT count(orders.id) OVER (ORDER BY orders.id GROUPS BETWEEN 1 PRECEDING AND CURRENT ROW) FROM orders",
    );
}

#[test]
fn aliases_and_self_join() {
    let e = Employees::alias("e");
    let m = Employees::alias("m");
    // A self-referencing foreign key links two aliases either way (mentee → mentor or mentor
    // → mentee): the join is ambiguous and the error names both ways.
    let q = select((e.id, m.id.label("mentee"))).from(e).left_join(m);
    assert_sql!(|d| q.compile(d), all: ErrorKind::InvalidStatement);
    let err = q.compile(&quarry::Postgres).unwrap_err().to_string();
    assert!(
        err.contains("2 foreign keys")
            && err.contains("m.(mentor_id) → e.(id)")
            && err.contains("e.(mentor_id) → m.(id)")
            && err.contains(".on("),
        "{err}"
    );
    let q = select((e.id, m.id.label("mentee")))
        .from(e)
        .left_join(m)
        .on(m.mentor_id.eq(e.id));
    assert_sql!(|d| q.compile(d),
        all: "SELECT e.id, m.id AS mentee FROM employees AS e LEFT JOIN employees AS m ON m.mentor_id = e.id",
    );
    let q = select((e.id, m.id))
        .from(e)
        .join(m)
        .on(e.mentor_id.eq(m.id));
    assert_sql!(|d| q.compile(d),
        all: "SELECT e.id, m.id FROM employees AS e JOIN employees AS m ON e.mentor_id = m.id",
    );
}

#[test]
fn joins_and_fk_inference() {
    let (u, o) = (Users::new(), Orders::new());
    let q = select((u.name, o.total)).from(u).join(o);
    assert_sql!(|d| q.compile(d), all: "SELECT users.name, orders.total FROM users JOIN orders ON orders.user_id = users.id");
    let q = select((u.name, o.total)).from(o).right_join(u);
    assert_sql!(|d| q.compile(d), all: "SELECT users.name, orders.total FROM orders RIGHT JOIN users ON orders.user_id = users.id");
    // (FULL JOIN, emulated on the MySQL family: `full_join_emulated_on_the_mysql_family`.)
    let q = select((u.name, o.total)).from(u).cross_join(o);
    assert_sql!(|d| q.compile(d), all: "SELECT users.name, orders.total FROM users CROSS JOIN orders");
    // Several FKs: ambiguous; none: no inference.
    let t = Transfers::new();
    let q = select(t.id).from(t).join(u);
    assert_sql!(|d| q.compile(d), all: ErrorKind::InvalidStatement);
    let q = select(t.id).from(t).join(u).on(t.to_user.eq(u.id));
    assert_sql!(|d| q.compile(d), all: "SELECT transfers.id FROM transfers JOIN users ON transfers.to_user = users.id");
    let q = select(u.id).from(u).join(Employees::new());
    assert_sql!(|d| q.compile(d), all: ErrorKind::InvalidStatement);
    // Inference across an earlier join, and `on` without a join.
    let q = select(u.id).from(Employees::new()).cross_join(u).join(o);
    assert_sql!(|d| q.compile(d), all: "SELECT users.id FROM employees CROSS JOIN users JOIN orders ON orders.user_id = users.id");
    let q = select(u.id).from(u).on(u.id.eq(1));
    assert_sql!(|d| q.compile(d), all: ErrorKind::InvalidStatement);
    // Runtime tables infer too.
    let parent =
        Table::new("parent").column(quarry::ColumnDef::new("id", SqlType::BigInt).primary_key());
    let child = Table::new("child")
        .column(quarry::ColumnDef::new("id", SqlType::BigInt).primary_key())
        .column(quarry::ColumnDef::new("parent_id", SqlType::BigInt).references("parent", "id"));
    let (p, c) = (
        TableRef::new(&parent).alias("p"),
        TableRef::new(&child).alias("c"),
    );
    let q = select((p.c("id"), c.c("id"))).from(p).join(c);
    assert_sql!(|d| q.compile(d), all: "SELECT p.id, c.id FROM parent AS p JOIN child AS c ON c.parent_id = p.id");
}

#[test]
fn typed_and_dynamic_mixed() {
    let u = Users::new();
    let t = Table::new("audit")
        .column(quarry::ColumnDef::new("user_id", SqlType::BigInt))
        .column(quarry::ColumnDef::new("What", SqlType::Text));
    let a = TableRef::new(&t);
    let what = a.c("What");
    let q = select((u.name, what.clone()))
        .from(u)
        .join(a.clone())
        .on(u.id.eq(a.c("user_id")))
        .filter(what.eq("login"));
    let _typed: &quarry::Select<(String, Value)> = &q;
    assert_sql!(|d| q.compile(d),
        postgres: WithParams("SELECT users.name, audit.\"What\" FROM users JOIN audit ON users.id = audit.user_id WHERE audit.\"What\" = $1", vec![s("login")]),
        mysql_family: WithParams("SELECT users.name, audit.`What` FROM users JOIN audit ON users.id = audit.user_id WHERE audit.`What` = ?", vec![s("login")]),
    );
    // A fully dynamic select.
    let q = quarry::Select::new()
        .column(DynColumn::new("t", "a"))
        .column(count_star().label("n"))
        .from("t")
        .group_by(DynColumn::new("t", "a"));
    assert_sql!(|d| q.compile(d), all: "SELECT t.a, count(*) AS n FROM t GROUP BY t.a");
}

#[test]
fn quoting_of_identifiers() {
    let c: Column<i64> = Column::new("order", "select");
    let q = select(c.label("Group")).from("order");
    assert_sql!(|d| q.compile(d),
        postgres: "SELECT \"order\".\"select\" AS \"Group\" FROM \"order\"",
        mysql_family: "SELECT `order`.`select` AS `Group` FROM `order`",
        sqlite: "SELECT \"order\".\"select\" AS \"Group\" FROM \"order\"",
    );
}

#[test]
fn text_fragments_stay_bound() {
    let u = Users::new();
    let q = select(u.id)
        .from(u)
        .filter(
            u.age
                .gt(1)
                .and(quarry::sql("users.name = :n OR users.name = :n").bind("n", "ann")),
        )
        .filter(u.age.lt(9));
    assert_sql!(|d| q.compile(d),
        postgres: WithParams("SELECT users.id FROM users WHERE users.age > $1 AND (users.name = $2 OR users.name = $2) AND users.age < $3", vec![Value::I32(1), s("ann"), Value::I32(9)]),
        mysql_family: WithParams("SELECT users.id FROM users WHERE users.age > ? AND (users.name = ? OR users.name = ?) AND users.age < ?", vec![Value::I32(1), s("ann"), s("ann"), Value::I32(9)]),
    );
    let q = select(quarry::sql("':x' || :x").bind("x", 5_i64));
    assert_sql!(|d| q.compile(d),
        postgres: WithParams("SELECT ':x' || $1", vec![i(5)]),
        sqlite: WithParams("SELECT ':x' || ?", vec![i(5)]),
    );
    let bad = select(quarry::sql("SELECT :missing"));
    assert_sql!(|d| bad.compile(d), all: ErrorKind::InvalidStatement);
}

#[test]
fn group_by_having_order_limit_offset() {
    let (u, o) = (Users::alias("u"), Orders::alias("o"));
    let q = select((u.id, u.name, count(o.id)))
        .from(u)
        .left_join(o)
        .on(o.user_id.eq(u.id))
        .filter(u.active.eq(true))
        .group_by((u.id, u.name))
        .having(count(o.id).gt(3))
        .order_by(u.name)
        .limit(10)
        .offset(20);
    assert_sql!(|d| q.compile(d),
        postgres: WithParams("SELECT u.id, u.name, count(o.id) FROM users AS u LEFT JOIN orders AS o ON o.user_id = u.id WHERE u.active = $1 GROUP BY u.id, u.name HAVING count(o.id) > $2 ORDER BY u.name LIMIT $3 OFFSET $4", vec![Value::Bool(true), i(3), i(10), i(20)]),
        mysql_family: WithParams("SELECT u.id, u.name, count(o.id) FROM users AS u LEFT JOIN orders AS o ON o.user_id = u.id WHERE u.active = ? GROUP BY u.id, u.name HAVING count(o.id) > ? ORDER BY u.name LIMIT ? OFFSET ?", vec![Value::Bool(true), i(3), i(10), i(20)]),
        sqlite: WithParams("SELECT u.id, u.name, count(o.id) FROM users AS u LEFT JOIN orders AS o ON o.user_id = u.id WHERE u.active = ? GROUP BY u.id, u.name HAVING count(o.id) > ? ORDER BY u.name LIMIT ? OFFSET ?", vec![Value::Bool(true), i(3), i(10), i(20)]),
    );
    let q = select(u.id).from(u).offset(5);
    assert_sql!(|d| q.compile(d),
        postgres: WithParams("SELECT u.id FROM users AS u OFFSET $1", vec![i(5)]),
        mysql_family: WithParams("SELECT u.id FROM users AS u LIMIT 18446744073709551615 OFFSET ?", vec![i(5)]),
        sqlite: WithParams("SELECT u.id FROM users AS u LIMIT -1 OFFSET ?", vec![i(5)]),
    );
}

#[test]
fn nulls_ordering() {
    let u = Users::new();
    let q = select(u.id).from(u).order_by((
        u.score.asc().nulls_last(),
        u.email.desc().nulls_first(),
        u.score.asc().nulls_first(),
        u.email.desc().nulls_last(),
    ));
    assert_sql!(|d| q.compile(d),
        postgres: "SELECT users.id FROM users ORDER BY users.score NULLS LAST, users.email DESC NULLS FIRST, users.score NULLS FIRST, users.email DESC NULLS LAST",
        mysql_family: "SELECT users.id FROM users ORDER BY users.score IS NULL, users.score, users.email IS NULL DESC, users.email DESC, users.score, users.email DESC",
        sqlite: "SELECT users.id FROM users ORDER BY users.score NULLS LAST, users.email DESC NULLS FIRST, users.score NULLS FIRST, users.email DESC NULLS LAST",
    );
}

#[test]
fn distinct_and_distinct_on() {
    let u = Users::new();
    let q = select(u.name).from(u).distinct();
    assert_sql!(|d| q.compile(d), all: "SELECT DISTINCT users.name FROM users");
    let q = select((u.name, u.id))
        .from(u)
        .distinct_on(u.name)
        .order_by((u.name, u.id.desc()));
    assert_sql!(|d| q.compile(d),
        postgres: "SELECT DISTINCT ON (users.name) users.name, users.id FROM users ORDER BY users.name, users.id DESC",
        mysql_family: ErrorKind::Unsupported,
        sqlite: ErrorKind::Unsupported,
    );
}

#[test]
fn ctes_plain_and_recursive() {
    let o = Orders::new();
    let recent = select((
        o.user_id,
        o.total,
        row_number()
            .over(Window::new().partition_by(o.user_id).order_by(o.id.desc()))
            .label("rn"),
    ))
    .from(o)
    .cte("recent");
    let (uid, total, rn): (Column<i64>, Column<f64>, Column<i64>) = (
        Column::new("recent", "user_id"),
        Column::new("recent", "total"),
        Column::new("recent", "rn"),
    );
    let q = select((uid, total))
        .with(recent.clone())
        .from(recent)
        .filter(rn.eq(1));
    assert_sql!(|d| q.compile(d),
        postgres: WithParams("WITH recent AS (SELECT orders.user_id, orders.total, row_number() OVER (PARTITION BY orders.user_id ORDER BY orders.id DESC) AS rn FROM orders) SELECT recent.user_id, recent.total FROM recent WHERE recent.rn = $1", vec![i(1)]),
        sqlite: WithParams("WITH recent AS (SELECT orders.user_id, orders.total, row_number() OVER (PARTITION BY orders.user_id ORDER BY orders.id DESC) AS rn FROM orders) SELECT recent.user_id, recent.total FROM recent WHERE recent.rn = ?", vec![i(1)]),
    );
    let n: Column<i64> = Column::new("nums", "n");
    let body = select(val(1_i64)).union_all(select(n + 1_i64).from("nums").filter(n.lt(5)));
    let nums = Cte::new("nums", body).columns(["n"]);
    let q = select(sum(n)).with_recursive(nums.clone()).from(nums);
    assert_sql!(|d| q.compile(d),
        postgres: WithParams("WITH RECURSIVE nums (n) AS (SELECT $1 UNION ALL SELECT nums.n + $2 FROM nums WHERE nums.n < $3) SELECT CAST(sum(nums.n) AS BIGINT) FROM nums", vec![i(1), i(1), i(5)]),
        mysql_family: WithParams("WITH RECURSIVE nums (n) AS (SELECT ? UNION ALL SELECT nums.n + ? FROM nums WHERE nums.n < ?) SELECT CAST(sum(nums.n) AS SIGNED) FROM nums", vec![i(1), i(1), i(5)]),
    );
}

#[test]
fn compound_selects() {
    let (u, o) = (Users::new(), Orders::new());
    let q = select(u.id)
        .from(u)
        .union(select(o.user_id).from(o))
        .order_by(u.id.desc())
        .limit(3)
        .offset(1);
    assert_sql!(|d| q.compile(d),
        postgres: WithParams("SELECT users.id FROM users UNION SELECT orders.user_id FROM orders ORDER BY id DESC LIMIT $1 OFFSET $2", vec![i(3), i(1)]),
        mysql_family: WithParams("SELECT users.id FROM users UNION SELECT orders.user_id FROM orders ORDER BY id DESC LIMIT ? OFFSET ?", vec![i(3), i(1)]),
        sqlite: WithParams("SELECT users.id FROM users UNION SELECT orders.user_id FROM orders ORDER BY id DESC LIMIT ? OFFSET ?", vec![i(3), i(1)]),
    );
    let q = select(u.id)
        .from(u)
        .intersect(select(o.user_id).from(o))
        .except(select(o.user_id).from(o).filter(o.total.lt(0.0)));
    assert_sql!(|d| q.compile(d),
        postgres: WithParams("SELECT users.id FROM users INTERSECT SELECT orders.user_id FROM orders EXCEPT SELECT orders.user_id FROM orders WHERE orders.total < $1", vec![Value::F64(0.0)]),
    );
    let q = select(u.id).from(u).order_by(u.id).limit(1).union_all(
        select(o.user_id)
            .from(o)
            .order_by(o.user_id.desc())
            .limit(1),
    );
    assert_sql!(|d| q.compile(d),
        postgres: WithParams("(SELECT users.id FROM users ORDER BY users.id LIMIT $1) UNION ALL (SELECT orders.user_id FROM orders ORDER BY orders.user_id DESC LIMIT $2)", vec![i(1), i(1)]),
        mysql_family: WithParams("(SELECT users.id FROM users ORDER BY users.id LIMIT ?) UNION ALL (SELECT orders.user_id FROM orders ORDER BY orders.user_id DESC LIMIT ?)", vec![i(1), i(1)]),
        sqlite: WithParams("SELECT * FROM (SELECT users.id FROM users ORDER BY users.id LIMIT ?) UNION ALL SELECT * FROM (SELECT orders.user_id FROM orders ORDER BY orders.user_id DESC LIMIT ?)", vec![i(1), i(1)]),
    );
}

#[test]
fn subqueries_in_from_and_lateral() {
    let (u, o) = (Users::new(), Orders::new());
    let totals = select((o.user_id, sum(o.total).label("spent")))
        .from(o)
        .group_by(o.user_id)
        .subquery("t");
    let q = select((u.name, totals.c("spent")))
        .from(u)
        .join(totals.clone())
        .on(totals.c("user_id").eq(u.id));
    assert_sql!(|d| q.compile(d),
        postgres: "SELECT users.name, t.spent FROM users JOIN (SELECT orders.user_id, CAST(sum(orders.total) AS DOUBLE PRECISION) AS spent FROM orders GROUP BY orders.user_id) AS t ON t.user_id = users.id",
    );
    let last = select(o.total)
        .from(o)
        .filter(o.user_id.eq(u.id))
        .order_by(o.id.desc())
        .limit(1)
        .lateral("last");
    let q = select((u.name, last.c("total")))
        .from(u)
        .left_join(last)
        .on(quarry::sql("TRUE"));
    assert_sql!(|d| q.compile(d),
        postgres: WithParams("SELECT users.name, last.total FROM users LEFT JOIN LATERAL (SELECT orders.total FROM orders WHERE orders.user_id = users.id ORDER BY orders.id DESC LIMIT $1) AS last ON TRUE", vec![i(1)]),
        mysql: WithParams("SELECT users.name, last.total FROM users LEFT JOIN LATERAL (SELECT orders.total FROM orders WHERE orders.user_id = users.id ORDER BY orders.id DESC LIMIT ?) AS last ON TRUE", vec![i(1)]),
        mariadb: ErrorKind::Unsupported,
        sqlite: ErrorKind::Unsupported,
    );
    let q = select(u.id).from(u).join(totals);
    assert_sql!(|d| q.compile(d), all: ErrorKind::InvalidStatement);
}

#[test]
fn row_locking() {
    let u = Users::alias("u");
    let q = select(u.id).from(u).filter(u.id.eq(1)).for_update();
    assert_sql!(|d| q.compile(d),
        postgres: WithParams("SELECT u.id FROM users AS u WHERE u.id = $1 FOR UPDATE", vec![i(1)]),
        mysql_family: WithParams("SELECT u.id FROM users AS u WHERE u.id = ? FOR UPDATE", vec![i(1)]),
        sqlite: ErrorKind::Unsupported,
    );
    let q = select(u.id).from(u).for_share();
    assert_sql!(|d| q.compile(d),
        postgres: "SELECT u.id FROM users AS u FOR SHARE",
        mysql: "SELECT u.id FROM users AS u FOR SHARE",
        mariadb: "SELECT u.id FROM users AS u LOCK IN SHARE MODE",
        sqlite: ErrorKind::Unsupported,
    );
    let q = select(u.id)
        .from(u)
        .limit(1)
        .lock(RowLock::update().of("u").skip_locked());
    assert_sql!(|d| q.compile(d),
        postgres: WithParams("SELECT u.id FROM users AS u LIMIT $1 FOR UPDATE OF u SKIP LOCKED", vec![i(1)]),
        mysql: WithParams("SELECT u.id FROM users AS u LIMIT ? FOR UPDATE OF u SKIP LOCKED", vec![i(1)]),
        mariadb: ErrorKind::Unsupported,
        sqlite: ErrorKind::Unsupported,
    );
    let q = select(u.id).from(u).lock(RowLock::update().nowait());
    assert_sql!(|d| q.compile(d),
        postgres: "SELECT u.id FROM users AS u FOR UPDATE NOWAIT",
        mysql_family: "SELECT u.id FROM users AS u FOR UPDATE NOWAIT",
        sqlite: ErrorKind::Unsupported,
    );
}

#[test]
fn debug_sql_inlines_literals() {
    let u = Users::new();
    let q = select(u.id).from(u).filter(
        u.name
            .eq("o'brien")
            .and(u.active.eq(true))
            .and(quarry::sql("users.age > :a").bind("a", 3_i64)),
    );
    assert_eq!(
        q.to_debug_sql(&quarry::Postgres).unwrap(),
        "SELECT users.id FROM users WHERE users.name = 'o''brien' AND users.active = TRUE AND (users.age > 3)"
    );
    assert_eq!(
        q.to_debug_sql(&quarry::MySql).unwrap(),
        "SELECT users.id FROM users WHERE users.name = 'o''brien' AND users.active = 1 AND (users.age > 3)"
    );
}

#[test]
fn statements_are_plain_data() {
    fn assert_traits<T: Clone + Send + Sync + std::fmt::Debug>() {}
    assert_traits::<quarry::Select<(i64, String)>>();
    assert_traits::<quarry::Select>();
    assert_traits::<quarry::Compound<i64>>();
    assert_traits::<quarry::Expr>();
    assert_traits::<TypedExpr<bool>>();
}

#[test]
fn dynamic_composition() {
    let (u, o) = (Users::new(), Orders::new());
    for (name, join, sort) in [(None, false, "id"), (Some("ann"), true, "name")] {
        let mut q = select(u.id).from(u);
        if let Some(n) = name {
            q = q.filter(u.name.eq(n));
        }
        if join {
            q = q.join(o).filter(o.total.gt(1.0));
        }
        let key: quarry::Expr = match sort {
            "name" => u.name.into(),
            _ => u.id.into(),
        };
        q = q.order_by(key.desc());
        let sql = q.compile(&quarry::Sqlite).unwrap().sql;
        if join {
            assert_eq!(sql, "SELECT users.id FROM users JOIN orders ON orders.user_id = users.id WHERE users.name = ? AND orders.total > ? ORDER BY users.name DESC");
        } else {
            assert_eq!(sql, "SELECT users.id FROM users ORDER BY users.id DESC");
        }
    }
}

#[test]
fn remembered_identifiers_stay_per_dialect() {
    // `user` is reserved on PostgreSQL only: the identifier cache
    // must not carry one dialect's answer to another, in either order, however often.
    const USER: Column<i64> = Column::new("t", "user");
    for _ in 0..3 {
        assert_sql!(|d| select(USER).from("t").compile(d),
            postgres: "SELECT t.\"user\" FROM t",
            mysql_family: "SELECT t.user FROM t",
            sqlite: "SELECT t.user FROM t",
        );
    }
}

/// Inlined (debug) PostgreSQL literals and the LIKE escape character do not depend on
/// `standard_conforming_strings`: a backslash makes an `E'…'` string with it doubled.
#[test]
fn regression_pg_literals_in_debug_sql_and_like_escape() {
    let u = Users::new();
    let q = select(u.id).from(u).filter(
        u.name
            .like_escape("a\\_b", '\\')
            .and(u.email.eq("\\' OR 1=1 --")),
    );
    assert_eq!(
        q.to_debug_sql(&quarry::Postgres).unwrap(),
        "SELECT users.id FROM users WHERE users.name LIKE E'a\\\\_b' ESCAPE E'\\\\' AND users.email = E'\\\\'' OR 1=1 --'"
    );
    assert_eq!(
        select(val(vec![0x5c_u8]))
            .to_debug_sql(&quarry::Postgres)
            .unwrap(),
        "SELECT E'\\\\x5c'::bytea"
    );
    assert_eq!(
        select(val("it's")).to_debug_sql(&quarry::Postgres).unwrap(),
        "SELECT 'it''s'"
    );
}

/// A statement compiled for the dialect given.
type Compile<'a> = Box<dyn Fn(&dyn quarry::Dialect) -> quarry::Result<quarry::Compiled> + 'a>;

/// The error of compiling `q` for `d`, which must fail as an invalid statement.
fn refused(d: &dyn quarry::Dialect, q: &quarry::Result<quarry::Compiled>) -> String {
    match q {
        Err(e) => {
            assert_eq!(e.kind(), ErrorKind::InvalidStatement, "{}: {e}", d.name());
            e.to_string()
        }
        Ok(c) => panic!("{}: expected a refusal, got {:?}", d.name(), c.sql),
    }
}

/// A label or alias the database would change is refused when compiling, naming it and the
/// limit: PostgreSQL truncates identifiers past 63 bytes, MariaDB truncates a column label past
/// 255 bytes and strips its leading spaces; SQLite keeps them all.
#[test]
fn regression_label_changed_by_the_dialect_is_refused() {
    let u = Users::new();
    let dialects: [&dyn quarry::Dialect; 4] = [
        &quarry::Postgres,
        &quarry::MySql,
        &quarry::MariaDb,
        &quarry::Sqlite,
    ];
    let fits = |d: &dyn quarry::Dialect, bytes: usize| {
        d.features()
            .max_statement_identifier_bytes
            .is_none_or(|max| bytes <= max)
    };
    for label in [
        "x".repeat(63),
        "x".repeat(64),
        "é".repeat(127),
        "y".repeat(256),
    ] {
        let q = select(u.id.label(label.clone())).from(u);
        for d in dialects {
            let got = q.compile(d);
            if fits(d, label.len()) {
                assert!(got.unwrap().sql.contains(&label), "{}", d.name());
            } else {
                let e = refused(d, &got);
                let max = d.features().max_statement_identifier_bytes.unwrap();
                assert!(e.contains(&label), "{e}");
                assert!(e.contains(&format!("at most {max} bytes")), "{e}");
            }
        }
    }
    // The limits themselves.
    let q = select(u.id.label("x".repeat(64))).from(u);
    assert_sql!(|d| q.compile(d),
        postgres: ErrorKind::InvalidStatement,
        mysql_family: format!("SELECT users.id AS {} FROM users", "x".repeat(64)).leak() as &str,
    );
    let q = select(u.id.label("y".repeat(256))).from(u);
    assert_sql!(|d| q.compile(d),
        postgres: ErrorKind::InvalidStatement,
        mysql_family: ErrorKind::InvalidStatement,
        sqlite: format!("SELECT users.id AS {} FROM users", "y".repeat(256)).leak() as &str,
    );
    // Every other alias a statement writes is held to the same limit.
    let long = "t".repeat(64);
    let sub = select(quarry::prelude::val(1_i64)).subquery(long.clone());
    let cte = Cte::new(long.clone(), select(u.id).from(u));
    let cases: Vec<Compile> = vec![
        Box::new(|d| {
            select(u.id)
                .from(TableRef::new(Users::metadata()).alias(long.clone()))
                .compile(d)
        }),
        Box::new(|d| select(sub.c("x")).from(sub.clone()).compile(d)),
        Box::new(|d| select(u.id).with(cte.clone()).from(cte.clone()).compile(d)),
    ];
    for q in &cases {
        for d in dialects {
            let got = q(d);
            if d.name() == "postgresql" {
                assert!(refused(d, &got).contains(&long));
            } else {
                got.unwrap();
            }
        }
    }
    // Leading spaces and control characters are stripped from labels by the MySQL family.
    for label in [" a", "  a", "\ta", "\na"] {
        let q = select(u.id.label(label)).from(u);
        assert_sql!(|d| q.compile(d), mysql_family: ErrorKind::InvalidStatement);
        assert!(
            refused(&quarry::MariaDb, &q.compile(&quarry::MariaDb)).contains(&format!("{label:?}"))
        );
        assert!(q.compile(&quarry::Postgres).is_ok());
        assert!(q.compile(&quarry::Sqlite).is_ok());
    }
    // Elsewhere than at the start, and on table aliases, spaces are kept.
    let q = select(u.id.label("a b ")).from(TableRef::new(Users::metadata()).alias(" u"));
    assert_sql!(|d| q.compile(d),
        mysql_family: "SELECT users.id AS `a b ` FROM users AS ` u`",
    );
}

/// A NUL character in any identifier is refused when compiling, on every dialect: labels,
/// aliases, tables, columns, schemas, CTEs and their columns, window names.
#[test]
fn regression_nul_identifier_is_refused() {
    let u = Users::new();
    let bad_col: Column<i64> = Column::new("t", "a\0b");
    let bad_table: Column<i64> = Column::new("t\0", "a");
    let sub = select(u.id).from(u).subquery("s\0");
    let cte = Cte::new("c\0", select(u.id).from(u));
    let cte_cols = Cte::new("c", select(u.id).from(u)).columns(["x\0"]);
    let schema = Table::new("t").schema("s\0");
    let queries: Vec<Compile> = vec![
        Box::new(|d| select(u.id.label("a\0b")).from(u).compile(d)),
        Box::new(|d| {
            select(u.id)
                .from(TableRef::new(Users::metadata()).alias("u\0"))
                .compile(d)
        }),
        Box::new(|d| select(bad_col).from("t").compile(d)),
        Box::new(|d| select(bad_table).from("t\0").compile(d)),
        Box::new(|d| select(u.id).from(TableRef::new(&schema)).compile(d)),
        Box::new(|d| select(sub.c("id")).from(sub.clone()).compile(d)),
        Box::new(|d| select(u.id).with(cte.clone()).from(cte.clone()).compile(d)),
        Box::new(|d| {
            select(u.id)
                .with(cte_cols.clone())
                .from(cte_cols.clone())
                .compile(d)
        }),
    ];
    for q in &queries {
        assert_sql!(|d| q(d), all: ErrorKind::InvalidStatement);
        let e = q(&quarry::Postgres).unwrap_err().to_string();
        assert!(e.contains("NUL") && e.contains("\\0"), "{e}");
    }
    // A compound statement and a debug rendering are checked alike.
    let q = select(u.id.label("a\0"))
        .from(u)
        .union(select(u.id).from(u));
    assert_sql!(|d| q.compile(d), all: ErrorKind::InvalidStatement);
    let q = select(u.id.label("a\0")).from(u);
    let e = q.to_debug_sql(&quarry::Postgres).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidStatement, "{e}");
}

/// Found by the statement generator: the MySQL family's NULLS FIRST/LAST emulation tested a
/// select-list label (`n IS NULL`), which MariaDB refuses when the label names an aggregate
/// (1247); the labelled expression is tested instead.
#[test]
fn regression_nulls_emulation_tests_a_labels_expression() {
    let u = Users::new();
    let q = select((u.email, max(u.score).label("top")))
        .from(u)
        .group_by(u.email)
        .order_by(quarry::DynColumn::new("", "top").asc().nulls_last());
    assert_sql!(|d| q.compile(d),
        postgres: "SELECT users.email, max(users.score) AS top FROM users GROUP BY users.email ORDER BY top NULLS LAST",
        mysql_family: "SELECT users.email, max(users.score) AS top FROM users GROUP BY users.email ORDER BY max(users.score) IS NULL, top",
        sqlite: "SELECT users.email, max(users.score) AS top FROM users GROUP BY users.email ORDER BY top NULLS LAST",
    );
}

/// Found by the statement generator: a compound member with a WITH clause was parenthesized,
/// `(WITH c AS (…) SELECT …) UNION …`, which MariaDB refuses (1064); the MySQL family wraps it
/// as a derived table.
#[test]
fn regression_compound_member_with_cte_is_a_derived_table_on_mysql() {
    let c = Cte::new("c", select(val(1_i64).label("n")));
    let n: Column<i64> = Column::new("c", "n");
    let q = select(val(2_i64)).union(select(n).with(c.clone()).from(c).limit(5));
    assert_sql!(|d| q.compile(d),
        postgres: WithParams("SELECT $1 UNION (WITH c AS (SELECT $2 AS n) SELECT c.n FROM c LIMIT $3)", vec![i(2), i(1), i(5)]),
        mysql_family: WithParams("SELECT ? UNION SELECT * FROM (WITH c AS (SELECT ? AS n) SELECT c.n FROM c LIMIT ?) AS quarry_member", vec![i(2), i(1), i(5)]),
        sqlite: WithParams("SELECT ? UNION SELECT * FROM (WITH c AS (SELECT ? AS n) SELECT c.n FROM c LIMIT ?)", vec![i(2), i(1), i(5)]),
    );
}

/// Found by the statement generator: `ORDER BY ?` bound to 10 is the 10th column to MariaDB
/// (1054), as `ORDER BY 10` is to every database in debug SQL; a bare value is written as a
/// constant expression.
#[test]
fn regression_order_by_a_value_is_a_constant() {
    let u = Users::new();
    let q = select(u.id)
        .from(u)
        .order_by((val(10_i64).asc(), u.id.asc()));
    assert_sql!(|d| q.compile(d),
        postgres: WithParams("SELECT users.id FROM users ORDER BY COALESCE($1, NULL), users.id", vec![i(10)]),
        mysql_family: WithParams("SELECT users.id FROM users ORDER BY COALESCE(?, NULL), users.id", vec![i(10)]),
        sqlite: WithParams("SELECT users.id FROM users ORDER BY COALESCE(?, NULL), users.id", vec![i(10)]),
    );
    assert_eq!(
        q.to_debug_sql(&quarry::Postgres).unwrap(),
        "SELECT users.id FROM users ORDER BY COALESCE(10, NULL), users.id"
    );
}

#[test]
fn full_join_emulated_on_the_mysql_family() {
    let (u, o, e) = (Users::new(), Orders::new(), Employees::alias("e"));
    // The plain case: LEFT JOIN UNION ALL the RIGHT JOIN's unmatched rows, told by the left
    // table's primary key being NULL.
    let q = select((u.name, o.total)).from(u).full_join(o);
    assert_sql!(|d| q.compile(d),
        postgres: "SELECT users.name, orders.total FROM users FULL JOIN orders ON orders.user_id = users.id",
        mysql_family: "SELECT users.name, orders.total FROM users LEFT JOIN orders ON orders.user_id = users.id UNION ALL SELECT users.name, orders.total FROM users RIGHT JOIN orders ON orders.user_id = users.id WHERE users.id IS NULL",
        sqlite: "SELECT users.name, orders.total FROM users FULL JOIN orders ON orders.user_id = users.id",
    );
    // WHERE (bound once per half, parenthesized under the key test), a join after the FULL
    // JOIN, ORDER BY select-list items (by position) and LIMIT / OFFSET after the union.
    let q = select((u.id.label("uid"), o.total, e.id))
        .from(u)
        .full_join(o)
        .on(o.user_id.eq(u.id).and(o.total.gt(5.0)))
        .left_join(e)
        .on(e.id.eq(o.id))
        .filter(u.name.ne("bob").or(o.note.is_null()))
        .order_by((o.total.desc(), u.id.asc().nulls_first()))
        .limit(3)
        .offset(1);
    let f = |v: f64| Value::F64(v);
    assert_sql!(|d| q.compile(d),
        postgres: WithParams(
            "SELECT users.id AS uid, orders.total, e.id FROM users FULL JOIN orders ON orders.user_id = users.id AND orders.total > $1 LEFT JOIN employees AS e ON e.id = orders.id WHERE users.name <> $2 OR orders.note IS NULL ORDER BY orders.total DESC, users.id NULLS FIRST LIMIT $3 OFFSET $4",
            vec![f(5.0), s("bob"), i(3), i(1)]),
        mysql_family: WithParams(
            "SELECT users.id AS uid, orders.total, e.id FROM users LEFT JOIN orders ON orders.user_id = users.id AND orders.total > ? LEFT JOIN employees AS e ON e.id = orders.id WHERE users.name <> ? OR orders.note IS NULL UNION ALL SELECT users.id AS uid, orders.total, e.id FROM users RIGHT JOIN orders ON orders.user_id = users.id AND orders.total > ? LEFT JOIN employees AS e ON e.id = orders.id WHERE users.id IS NULL AND (users.name <> ? OR orders.note IS NULL) ORDER BY 2 DESC, 1 LIMIT ? OFFSET ?",
            vec![f(5.0), s("bob"), f(5.0), s("bob"), i(3), i(1)]),
        sqlite: WithParams(
            "SELECT users.id AS uid, orders.total, e.id FROM users FULL JOIN orders ON orders.user_id = users.id AND orders.total > ? LEFT JOIN employees AS e ON e.id = orders.id WHERE users.name <> ? OR orders.note IS NULL ORDER BY orders.total DESC, users.id NULLS FIRST LIMIT ? OFFSET ?",
            vec![f(5.0), s("bob"), i(3), i(1)]),
    );
    // An ORDER BY term may name a select-list label.
    let uid = u.id.label("uid");
    let by_label = select((uid.clone(), o.id))
        .from(u)
        .full_join(o)
        .order_by(uid.desc());
    assert_sql!(|d| by_label.compile(d),
        mysql_family: "SELECT users.id AS uid, orders.id FROM users LEFT JOIN orders ON orders.user_id = users.id UNION ALL SELECT users.id AS uid, orders.id FROM users RIGHT JOIN orders ON orders.user_id = users.id WHERE users.id IS NULL ORDER BY 1 DESC",
    );
    // CTEs are written once, before both halves; the key may come from an earlier inner join
    // when the FROM item has no metadata.
    let c = Cte::values("c", ["k"], [(1_i64,), (2,)]);
    let q = select((c.c("k"), o.id))
        .with(c.clone())
        .from(&c)
        .join(u)
        .on(u.id.eq(c.c("k")))
        .full_join(o)
        .on(o.user_id.eq(u.id));
    assert_sql!(|d| q.compile(d),
        postgres: WithParams(
            "WITH c (k) AS (VALUES ($1), ($2)) SELECT c.k, orders.id FROM c JOIN users ON users.id = c.k FULL JOIN orders ON orders.user_id = users.id",
            vec![i(1), i(2)]),
        mysql: WithParams(
            "WITH c (k) AS (VALUES ROW(?), ROW(?)) SELECT c.k, orders.id FROM c JOIN users ON users.id = c.k LEFT JOIN orders ON orders.user_id = users.id UNION ALL SELECT c.k, orders.id FROM c JOIN users ON users.id = c.k RIGHT JOIN orders ON orders.user_id = users.id WHERE users.id IS NULL",
            vec![i(1), i(2)]),
        mariadb: WithParams(
            "WITH c (k) AS (SELECT ? UNION ALL SELECT ?) SELECT c.k, orders.id FROM c JOIN users ON users.id = c.k LEFT JOIN orders ON orders.user_id = users.id UNION ALL SELECT c.k, orders.id FROM c JOIN users ON users.id = c.k RIGHT JOIN orders ON orders.user_id = users.id WHERE users.id IS NULL",
            vec![i(1), i(2)]),
    );
    // The key comes from the FROM table past a LEFT JOIN of another, or from a table
    // RIGHT-joined before the FULL JOIN (whose rows are all real).
    let q = select(u.id)
        .from(u)
        .left_join(e)
        .on(e.id.eq(u.id))
        .full_join(o);
    assert_sql!(|d| q.compile(d),
        mysql_family: "SELECT users.id FROM users LEFT JOIN employees AS e ON e.id = users.id LEFT JOIN orders ON orders.user_id = users.id UNION ALL SELECT users.id FROM users LEFT JOIN employees AS e ON e.id = users.id RIGHT JOIN orders ON orders.user_id = users.id WHERE users.id IS NULL",
    );
    let q = select(u.id)
        .from(e)
        .right_join(u)
        .on(e.id.eq(u.id))
        .full_join(o);
    assert_sql!(|d| q.compile(d),
        mysql_family: "SELECT users.id FROM employees AS e RIGHT JOIN users ON e.id = users.id LEFT JOIN orders ON orders.user_id = users.id UNION ALL SELECT users.id FROM employees AS e RIGHT JOIN users ON e.id = users.id RIGHT JOIN orders ON orders.user_id = users.id WHERE users.id IS NULL",
    );
    // As a compound member it is parenthesized, so the operators around it keep their scope.
    let q = select(u.id)
        .from(u)
        .full_join(o)
        .intersect(select(u.id).from(u));
    assert_sql!(|d| q.compile(d),
        postgres: "SELECT users.id FROM users FULL JOIN orders ON orders.user_id = users.id INTERSECT SELECT users.id FROM users",
        mysql_family: "(SELECT users.id FROM users LEFT JOIN orders ON orders.user_id = users.id UNION ALL SELECT users.id FROM users RIGHT JOIN orders ON orders.user_id = users.id WHERE users.id IS NULL) INTERSECT SELECT users.id FROM users",
    );
    // As a subquery.
    let inner = select((u.id.nullable().label("a"), o.id.nullable().label("b")))
        .from(u)
        .full_join(o)
        .subquery("fj");
    let q = select(count_star()).from(inner);
    assert_sql!(|d| q.compile(d),
        mysql_family: "SELECT count(*) FROM (SELECT users.id AS a, orders.id AS b FROM users LEFT JOIN orders ON orders.user_id = users.id UNION ALL SELECT users.id AS a, orders.id AS b FROM users RIGHT JOIN orders ON orders.user_id = users.id WHERE users.id IS NULL) AS fj",
    );
}

#[test]
fn full_join_refusals_name_the_rewrite() {
    let (u, o) = (Users::new(), Orders::new());
    let e = Employees::alias("e");
    let base = || select((u.name, o.total)).from(u).full_join(o);
    let refused = |q: &quarry::Select<(String, f64)>, why: &str| {
        assert!(q.compile(&quarry::Postgres).is_ok());
        assert_sql!(|d| q.compile(d), mysql_family: ErrorKind::Unsupported);
        for d in [&quarry::MySql as &dyn quarry::Dialect, &quarry::MariaDb] {
            let msg = q.compile(d).unwrap_err().to_string();
            assert!(msg.contains(why), "{}: {msg}", d.name());
            assert!(
                msg.contains(
                    "write it as the LEFT JOIN UNION ALL the right table's unmatched rows"
                ),
                "{msg}"
            );
        }
    };
    refused(
        &base().full_join(e).on(e.id.eq(o.id)),
        "FULL JOIN more than once in one SELECT",
    );
    refused(
        &base().right_join(e).on(e.id.eq(o.id)),
        "followed by a RIGHT JOIN",
    );
    refused(
        &base().group_by((u.name, o.total)),
        "with GROUP BY or HAVING",
    );
    refused(&base().having(u.id.gt(1)), "with GROUP BY or HAVING");
    refused(&base().distinct(), "with DISTINCT");
    refused(&base().lock(RowLock::update()), "with a row lock");
    refused(
        &base().order_by(u.id),
        "with an ORDER BY term that is not a select-list item",
    );
    refused(
        &base().order_by(u.name.asc().nulls_last()),
        "with NULLS FIRST / LAST other than the dialect's own order",
    );
    // NULLS FIRST ascending is the MySQL family's own order: accepted.
    assert!(base()
        .order_by(u.name.asc().nulls_first())
        .compile(&quarry::MariaDb)
        .is_ok());
    let agg = select((u.name, count(o.id))).from(u).full_join(o);
    let msg = agg.compile(&quarry::MariaDb).unwrap_err().to_string();
    assert!(msg.contains("with aggregates in the select list"), "{msg}");
    let win = select((u.name, row_number().over(Window::new().order_by(u.id))))
        .from(u)
        .full_join(o);
    let msg = win.compile(&quarry::MySql).unwrap_err().to_string();
    assert!(msg.contains("with window functions"), "{msg}");
    let raw = select(quarry::sql("count(*)")).from(u).full_join(o);
    let msg = raw.compile(&quarry::MySql).unwrap_err().to_string();
    assert!(msg.contains("with a raw SQL fragment"), "{msg}");
    // No column known to be NOT NULL on the left: a table by name, or one left-joined.
    let named = select(DynColumn::new("a", "x"))
        .from("a")
        .full_join("b")
        .on(quarry::sql("a.x = b.x"));
    let msg = named.compile(&quarry::MariaDb).unwrap_err().to_string();
    assert!(
        msg.contains("without a column on its left side known to be NOT NULL"),
        "{msg}"
    );
    assert!(named.compile(&quarry::Postgres).is_ok());
    let left_joined = select(u.name)
        .from("t")
        .left_join(u)
        .on(quarry::sql("TRUE"))
        .full_join(o)
        .on(o.user_id.eq(u.id));
    let msg = left_joined
        .compile(&quarry::MariaDb)
        .unwrap_err()
        .to_string();
    assert!(
        msg.contains("without a column on its left side known to be NOT NULL"),
        "{msg}"
    );
    // A CTE named as the table hides it: its metadata says nothing of the CTE's rows.
    let shadow = Cte::new("users", select(quarry::val(1_i64).label("id")));
    let q = select(u.name).with(shadow).from(u).full_join(o);
    let msg = q.compile(&quarry::MariaDb).unwrap_err().to_string();
    assert!(
        msg.contains("without a column on its left side known to be NOT NULL"),
        "{msg}"
    );
}
