//! Exact SQL and parameters per dialect for INSERT, UPDATE, DELETE and upsert. No database.

mod common {
    //! Only the SQL assertion helper: these tests need no database.
    pub mod sql;
}

use common::sql::Expect::WithParams;
use quarry::prelude::*;
use quarry::{Assign, ColumnDef, DynColumn, ErrorKind, ForeignKey, SqlType, Table, Unique, Value};

quarry::table! {
    pub struct Users("users") {
        id: i64 => primary_key().autoincrement(),
        name: String,
        email: Option<String>,
        active: bool => server_default(true),
        hits: i64 => default(0_i64),
    }
}

quarry::table! {
    pub struct Orders("orders") {
        id: i64 => primary_key(),
        user_id: i64,
        total: f64,
    }
    with { foreign_key(ForeignKey::new(["user_id"], "users", ["id"])) }
}

quarry::table! {
    /// Two unique keys: MariaDB cannot honour a conflict target here.
    pub struct Accounts("accounts") {
        id: i64 => primary_key(),
        login: String,
        seen: i64,
    }
    with { unique(Unique::new(["login"])) }
}

fn i(v: i64) -> Value {
    Value::I64(v)
}
fn s(v: &str) -> Value {
    Value::from(v)
}
fn b(v: bool) -> Value {
    Value::Bool(v)
}

#[test]
fn insert_one_row_with_client_default() {
    let u = Users::new();
    let q = insert(u).values((u.name.set("Ann"), u.email.set(None), u.active.set(true)));
    // `hits` has a client-side default: quarry writes it; `id` is autoincrement.
    let null = Value::Null(quarry::ValueType::Text);
    assert_sql!(|d| q.compile(d),
        postgres: WithParams("INSERT INTO users (name, email, active, hits) VALUES ($1, $2, $3, $4)",
            vec![s("Ann"), null.clone(), b(true), i(0)]),
        mysql_family: WithParams("INSERT INTO users (name, email, active, hits) VALUES (?, ?, ?, ?)",
            vec![s("Ann"), null.clone(), b(true), i(0)]),
        sqlite: WithParams("INSERT INTO users (name, email, active, hits) VALUES (?, ?, ?, ?)",
            vec![s("Ann"), null, b(true), i(0)]),
    );
}

#[test]
fn insert_many_rows_with_defaults_in_some() {
    let u = Users::new();
    let q = insert(u)
        .values((u.name.set("a"), u.active.set(false)))
        .values(u.name.set("b"))
        .values((u.name.set("c"), u.hits.set(7)));
    assert_sql!(|d| q.compile(d),
        postgres: WithParams(
            "INSERT INTO users (name, active, hits) VALUES ($1, $2, $3), ($4, DEFAULT, $5), ($6, DEFAULT, $7)",
            vec![s("a"), b(false), i(0), s("b"), i(0), s("c"), i(7)]),
        mysql_family: WithParams(
            "INSERT INTO users (name, active, hits) VALUES (?, ?, ?), (?, DEFAULT, ?), (?, DEFAULT, ?)",
            vec![s("a"), b(false), i(0), s("b"), i(0), s("c"), i(7)]),
        // No DEFAULT in SQLite's VALUES: the declared server default is written instead.
        sqlite: WithParams(
            "INSERT INTO users (name, active, hits) VALUES (?, ?, ?), (?, ?, ?), (?, ?, ?)",
            vec![s("a"), b(false), i(0), s("b"), b(true), i(0), s("c"), b(true), i(7)]),
    );
}

#[test]
fn default_in_every_row_is_left_out_on_sqlite() {
    let u = Users::new();
    let q = insert(u)
        .values((u.name.set("a"), u.active.set(DEFAULT)))
        .values((u.name.set("b"), u.active.set(DEFAULT)));
    assert_sql!(|d| q.compile(d),
        postgres: WithParams("INSERT INTO users (name, active, hits) VALUES ($1, DEFAULT, $2), ($3, DEFAULT, $4)",
            vec![s("a"), i(0), s("b"), i(0)]),
        mysql_family: WithParams("INSERT INTO users (name, active, hits) VALUES (?, DEFAULT, ?), (?, DEFAULT, ?)",
            vec![s("a"), i(0), s("b"), i(0)]),
        sqlite: WithParams("INSERT INTO users (name, hits) VALUES (?, ?), (?, ?)",
            vec![s("a"), i(0), s("b"), i(0)]),
    );
}

#[test]
fn default_values_only() {
    let t = quarry::stmt::TableRef::named("log");
    let q = insert(t.clone()).default_values();
    assert_sql!(|d| q.compile(d),
        postgres: "INSERT INTO log DEFAULT VALUES",
        mysql_family: "INSERT INTO log () VALUES ()",
        sqlite: "INSERT INTO log DEFAULT VALUES",
    );
    // Several rows of defaults: the MySQL family writes them; elsewhere it takes metadata.
    let q = insert(t).default_values().default_values();
    assert_sql!(|d| q.compile(d),
        postgres: ErrorKind::Unsupported,
        mysql_family: "INSERT INTO log () VALUES (), ()",
        sqlite: ErrorKind::Unsupported,
    );
}

#[test]
fn dynamic_rows_and_expressions() {
    let t = DynColumn::new("t", "n");
    let q = insert("t")
        .values(vec![t.set(1_i64), Assign::new("s", "x")])
        .values([Assign::new("s", "y"), t.set(t.clone() + 1_i64)]);
    assert_sql!(|d| q.compile(d),
        postgres: WithParams("INSERT INTO t (n, s) VALUES ($1, $2), (t.n + $3, $4)",
            vec![i(1), s("x"), i(1), s("y")]),
        mysql_family: WithParams("INSERT INTO t (n, s) VALUES (?, ?), (t.n + ?, ?)",
            vec![i(1), s("x"), i(1), s("y")]),
        sqlite: WithParams("INSERT INTO t (n, s) VALUES (?, ?), (t.n + ?, ?)",
            vec![i(1), s("x"), i(1), s("y")]),
    );
}

#[test]
fn quoting_of_reserved_and_mixed_case_columns() {
    let q = insert(quarry::stmt::TableRef::named("Order"))
        .values((Assign::new("select", 1_i64), Assign::new("Key", 2_i64)));
    assert_sql!(|d| q.compile(d),
        postgres: WithParams("INSERT INTO \"Order\" (\"select\", \"Key\") VALUES ($1, $2)", vec![i(1), i(2)]),
        mysql_family: WithParams("INSERT INTO `Order` (`select`, `Key`) VALUES (?, ?)", vec![i(1), i(2)]),
        sqlite: WithParams("INSERT INTO \"Order\" (\"select\", \"Key\") VALUES (?, ?)", vec![i(1), i(2)]),
    );
}

#[test]
fn insert_select() {
    let (u, o) = (Users::new(), Orders::new());
    let q = insert(o).columns((o.id, o.user_id, o.total)).from_select(
        select((u.id, u.id, val(0.0_f64)))
            .from(u)
            .filter(u.active.eq(true)),
    );
    assert_sql!(|d| q.compile(d),
        postgres: WithParams(
            "INSERT INTO orders (id, user_id, total) SELECT users.id, users.id, $1 FROM users WHERE users.active = $2",
            vec![Value::F64(0.0), b(true)]),
        mysql_family: WithParams(
            "INSERT INTO orders (id, user_id, total) SELECT users.id, users.id, ? FROM users WHERE users.active = ?",
            vec![Value::F64(0.0), b(true)]),
        sqlite: WithParams(
            "INSERT INTO orders (id, user_id, total) SELECT users.id, users.id, ? FROM users WHERE users.active = ?",
            vec![Value::F64(0.0), b(true)]),
    );
    // With an upsert, SQLite needs the SELECT wrapped (its parser reads ON as a join's).
    let q = q.on_conflict_do_nothing();
    assert_sql!(|d| q.compile(d),
        postgres: WithParams(
            "INSERT INTO orders (id, user_id, total) SELECT users.id, users.id, $1 FROM users WHERE users.active = $2 ON CONFLICT DO NOTHING",
            vec![Value::F64(0.0), b(true)]),
        mariadb: WithParams(
            "INSERT INTO orders (id, user_id, total) SELECT users.id, users.id, ? FROM users WHERE users.active = ? ON DUPLICATE KEY UPDATE id = orders.id",
            vec![Value::F64(0.0), b(true)]),
        mysql: WithParams(
            "INSERT INTO orders (id, user_id, total) SELECT users.id, users.id, ? FROM users WHERE users.active = ? ON DUPLICATE KEY UPDATE id = orders.id",
            vec![Value::F64(0.0), b(true)]),
        sqlite: WithParams(
            "INSERT INTO orders (id, user_id, total) SELECT * FROM (SELECT users.id, users.id, ? FROM users WHERE users.active = ?) WHERE true ON CONFLICT DO NOTHING",
            vec![Value::F64(0.0), b(true)]),
    );
}

#[test]
fn returning_generated_ids() {
    let u = Users::new();
    let q = insert(u)
        .values((u.name.set("a"), u.active.set(true)))
        .returning((u.id, u.name));
    assert_sql!(|d| q.compile(d),
        postgres: WithParams("INSERT INTO users (name, active, hits) VALUES ($1, $2, $3) RETURNING id, name",
            vec![s("a"), b(true), i(0)]),
        mariadb: WithParams("INSERT INTO users (name, active, hits) VALUES (?, ?, ?) RETURNING id, name",
            vec![s("a"), b(true), i(0)]),
        mysql: ErrorKind::Unsupported,
        sqlite: WithParams("INSERT INTO users (name, active, hits) VALUES (?, ?, ?) RETURNING id, name",
            vec![s("a"), b(true), i(0)]),
    );
}

#[test]
fn upsert_do_nothing_with_and_without_target() {
    let a = Accounts::new();
    let q = insert(a)
        .values((a.id.set(1), a.login.set("x"), a.seen.set(1)))
        .on_conflict_do_nothing();
    assert_sql!(|d| q.compile(d).map(|c| quarry::Compiled::new(c.sql)),
        postgres: "INSERT INTO accounts (id, login, seen) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
        mariadb: "INSERT INTO accounts (id, login, seen) VALUES (?, ?, ?) ON DUPLICATE KEY UPDATE id = id",
        mysql: "INSERT INTO accounts (id, login, seen) VALUES (?, ?, ?) AS new ON DUPLICATE KEY UPDATE id = id",
        sqlite: "INSERT INTO accounts (id, login, seen) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
    );
    // A target that is one of two unique keys means something else on the MySQL family.
    let q = insert(a)
        .values((a.id.set(1), a.login.set("x"), a.seen.set(1)))
        .on_conflict(a.login)
        .do_nothing();
    assert_sql!(|d| q.compile(d).map(|c| quarry::Compiled::new(c.sql)),
        postgres: "INSERT INTO accounts (id, login, seen) VALUES ($1, $2, $3) ON CONFLICT (login) DO NOTHING",
        mysql_family: ErrorKind::Unsupported,
        sqlite: "INSERT INTO accounts (id, login, seen) VALUES (?, ?, ?) ON CONFLICT (login) DO NOTHING",
    );
}

#[test]
fn upsert_update_from_new_row_and_expressions() {
    let u = Users::new();
    let q = insert(u)
        .values((
            u.id.set(1),
            u.name.set("a"),
            u.active.set(true),
            u.hits.set(1),
        ))
        .on_conflict(u.id)
        .do_update([u.name])
        .do_update_set(u.hits, u.hits + excluded(u.hits));
    let params = vec![i(1), s("a"), b(true), i(1)];
    assert_sql!(|d| q.compile(d),
        postgres: WithParams(
            "INSERT INTO users (id, name, active, hits) VALUES ($1, $2, $3, $4) ON CONFLICT (id) DO UPDATE SET name = excluded.name, hits = users.hits + excluded.hits",
            params.clone()),
        mariadb: WithParams(
            "INSERT INTO users (id, name, active, hits) VALUES (?, ?, ?, ?) ON DUPLICATE KEY UPDATE name = VALUE(name), hits = users.hits + VALUE(hits)",
            params.clone()),
        mysql: WithParams(
            "INSERT INTO users (id, name, active, hits) VALUES (?, ?, ?, ?) AS new ON DUPLICATE KEY UPDATE name = new.name, hits = users.hits + new.hits",
            params.clone()),
        sqlite: WithParams(
            "INSERT INTO users (id, name, active, hits) VALUES (?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET name = excluded.name, hits = users.hits + excluded.hits",
            params),
    );
}

#[test]
fn upsert_update_where() {
    let u = Users::new();
    let q = insert(u)
        .values((u.id.set(1), u.name.set("a"), u.active.set(true)))
        .on_conflict(u.id)
        .do_update_set(u.name, excluded(u.name))
        .do_update_where(u.active.eq(true));
    assert_sql!(|d| q.compile(d),
        postgres: WithParams(
            "INSERT INTO users (id, name, active, hits) VALUES ($1, $2, $3, $4) ON CONFLICT (id) DO UPDATE SET name = excluded.name WHERE users.active = $5",
            vec![i(1), s("a"), b(true), i(0), b(true)]),
        mysql_family: ErrorKind::Unsupported,
        sqlite: WithParams(
            "INSERT INTO users (id, name, active, hits) VALUES (?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET name = excluded.name WHERE users.active = ?",
            vec![i(1), s("a"), b(true), i(0), b(true)]),
    );
}

#[test]
fn upsert_update_without_target() {
    let q = insert("t")
        .values((Assign::new("id", 1_i64), Assign::new("n", 2_i64)))
        .do_update(["n"]);
    assert_sql!(|d| q.compile(d).map(|c| quarry::Compiled::new(c.sql)),
        postgres: ErrorKind::InvalidStatement,
        mariadb: "INSERT INTO t (id, n) VALUES (?, ?) ON DUPLICATE KEY UPDATE n = VALUE(n)",
        mysql: "INSERT INTO t (id, n) VALUES (?, ?) AS new ON DUPLICATE KEY UPDATE n = new.n",
        sqlite: "INSERT INTO t (id, n) VALUES (?, ?) ON CONFLICT DO UPDATE SET n = excluded.n",
    );
}

#[test]
fn excluded_and_default_outside_their_place_are_errors() {
    let u = Users::new();
    let q = select(excluded(u.name)).from(u);
    assert_sql!(|d| q.compile(d), all: ErrorKind::InvalidStatement);
    let q = select(u.id)
        .from(u)
        .filter(u.hits.dynamic().eq(quarry::Expr::Default));
    assert_sql!(|d| q.compile(d), all: ErrorKind::InvalidStatement);
}

#[test]
fn update_values_and_expressions() {
    let u = Users::new();
    let q = update(u)
        .set(u.name, "b")
        .set(u.hits, u.hits + 1)
        .set(u.email, None)
        .filter(u.id.eq(3).and(u.active.eq(true)));
    let null = Value::Null(quarry::ValueType::Text);
    assert_sql!(|d| q.compile(d),
        postgres: WithParams("UPDATE users SET name = $1, hits = hits + $2, email = $3 WHERE id = $4 AND active = $5",
            vec![s("b"), i(1), null.clone(), i(3), b(true)]),
        mysql_family: WithParams("UPDATE users SET name = ?, hits = hits + ?, email = ? WHERE id = ? AND active = ?",
            vec![s("b"), i(1), null.clone(), i(3), b(true)]),
        sqlite: WithParams("UPDATE users SET name = ?, hits = hits + ?, email = ? WHERE id = ? AND active = ?",
            vec![s("b"), i(1), null, i(3), b(true)]),
    );
}

#[test]
fn update_from_another_table() {
    let (u, o) = (Users::new(), Orders::new());
    let q = update(u)
        .set(u.hits, o.id)
        .from(o)
        .filter(o.user_id.eq(u.id).and(o.total.gt(10.0)));
    assert_sql!(|d| q.compile(d),
        postgres: WithParams("UPDATE users SET hits = orders.id FROM orders WHERE orders.user_id = users.id AND orders.total > $1",
            vec![Value::F64(10.0)]),
        mysql_family: WithParams("UPDATE users JOIN orders SET users.hits = orders.id WHERE orders.user_id = users.id AND orders.total > ?",
            vec![Value::F64(10.0)]),
        sqlite: WithParams("UPDATE users SET hits = orders.id FROM orders WHERE orders.user_id = users.id AND orders.total > ?",
            vec![Value::F64(10.0)]),
    );
}

#[test]
fn update_with_subquery_keeps_qualifiers_inside() {
    let (u, o) = (Users::new(), Orders::new());
    let q = update(u)
        .set(
            u.hits,
            select(count_star())
                .from(o)
                .filter(o.user_id.eq(u.id))
                .as_scalar(),
        )
        .filter(u.id.gt(0));
    assert_sql!(|d| q.compile(d).map(|c| quarry::Compiled::new(c.sql)),
        postgres: "UPDATE users SET hits = (SELECT count(*) FROM orders WHERE orders.user_id = users.id) WHERE id > $1",
        mysql_family: "UPDATE users SET hits = (SELECT count(*) FROM orders WHERE orders.user_id = users.id) WHERE id > ?",
        sqlite: "UPDATE users SET hits = (SELECT count(*) FROM orders WHERE orders.user_id = users.id) WHERE id > ?",
    );
}

#[test]
fn update_returning() {
    let u = Users::new();
    let q = update(u)
        .set(u.hits, 0)
        .filter(u.id.eq(1))
        .returning((u.id, u.hits));
    assert_sql!(|d| q.compile(d),
        postgres: WithParams("UPDATE users SET hits = $1 WHERE id = $2 RETURNING id, hits", vec![i(0), i(1)]),
        mysql_family: ErrorKind::Unsupported,
        sqlite: WithParams("UPDATE users SET hits = ? WHERE id = ? RETURNING id, hits", vec![i(0), i(1)]),
    );
}

#[test]
fn update_with_alias() {
    let u = Users::alias("u");
    let q = update(u).set(u.name, "x").filter(u.id.eq(1));
    assert_sql!(|d| q.compile(d).map(|c| quarry::Compiled::new(c.sql)),
        postgres: "UPDATE users AS u SET name = $1 WHERE id = $2",
        mysql_family: "UPDATE users AS u SET name = ? WHERE id = ?",
        sqlite: "UPDATE users AS u SET name = ? WHERE id = ?",
    );
}

#[test]
fn empty_update_is_an_error() {
    let q = update(Users::new());
    assert_sql!(|d| q.compile(d), all: ErrorKind::InvalidStatement);
}

#[test]
fn delete_where_and_returning() {
    let u = Users::new();
    let q = delete(u).filter(u.hits.lt(5)).returning(u.id);
    assert_sql!(|d| q.compile(d),
        postgres: WithParams("DELETE FROM users WHERE hits < $1 RETURNING id", vec![i(5)]),
        mariadb: WithParams("DELETE FROM users WHERE hits < ? RETURNING id", vec![i(5)]),
        mysql: ErrorKind::Unsupported,
        sqlite: WithParams("DELETE FROM users WHERE hits < ? RETURNING id", vec![i(5)]),
    );
    let q = delete(u);
    assert_sql!(|d| q.compile(d), all: "DELETE FROM users");
}

#[test]
fn delete_using_another_table() {
    let (u, o) = (Users::new(), Orders::new());
    let q = delete(o)
        .using(u)
        .filter(o.user_id.eq(u.id).and(u.active.eq(false)));
    assert_sql!(|d| q.compile(d),
        postgres: WithParams("DELETE FROM orders USING users WHERE orders.user_id = users.id AND users.active = $1",
            vec![b(false)]),
        mysql_family: WithParams("DELETE orders FROM orders JOIN users WHERE orders.user_id = users.id AND users.active = ?",
            vec![b(false)]),
        sqlite: WithParams("DELETE FROM orders WHERE EXISTS (SELECT 1 FROM users WHERE orders.user_id = users.id AND users.active = ?)",
            vec![b(false)]),
    );
    let q = q.returning(o.id);
    assert_sql!(|d| q.compile(d).map(|c| quarry::Compiled::new(c.sql)),
        // Other tables in the statement: RETURNING keeps the qualifier (a shared column name
        // would be ambiguous).
        postgres: "DELETE FROM orders USING users WHERE orders.user_id = users.id AND users.active = $1 RETURNING orders.id",
        mysql_family: ErrorKind::Unsupported,
        sqlite: "DELETE FROM orders WHERE EXISTS (SELECT 1 FROM users WHERE orders.user_id = users.id AND users.active = ?) RETURNING id",
    );
}

#[test]
fn missing_not_null_column_is_caught_before_the_database() {
    let u = Users::new();
    // `name` is NOT NULL with no default.
    let q = insert(u).values(u.email.set("x"));
    assert_sql!(|d| q.compile(d), all: ErrorKind::InvalidStatement);
    let e = q.compile(&quarry::Postgres).unwrap_err().to_string();
    assert!(e.contains("name"), "{e}");
    // Leading columns in the table's order, the required one after them left out.
    let q = insert(u).values(u.id.set(1));
    assert_sql!(|d| q.compile(d), all: ErrorKind::InvalidStatement);
    // An unknown column, and a column set twice.
    let q = insert(u).values((u.name.set("a"), Assign::new("nope", 1_i64)));
    assert_sql!(|d| q.compile(d), all: ErrorKind::InvalidStatement);
    let q = insert(u).values((u.name.set("a"), u.name.set("b")));
    assert_sql!(|d| q.compile(d), all: ErrorKind::InvalidStatement);
}

#[test]
fn a_large_insert_splits_under_each_parameter_limit() {
    let t = Table::new("big")
        .column(ColumnDef::new("a", SqlType::BigInt))
        .column(ColumnDef::new("b", SqlType::Text));
    let tr = quarry::stmt::TableRef::new(&t);
    let rows = 40_000_i64;
    let q = insert(tr).rows((0..rows).map(|n| (Assign::new("a", n), Assign::new("b", "x"))));
    // Two values a row. The numbers are written out per dialect, not derived from its features:
    // the bound-parameter limit (65,535 on PostgreSQL and the MySQL family, 32,766 on SQLite)
    // and the MySQL family's cap of 2000 rows a statement.
    let dialects: [(&dyn quarry::Dialect, usize, usize, usize); 4] = [
        (&quarry::Postgres, 65_535, 32_767, 2),
        (&quarry::MySql, 65_535, 2000, 20),
        (&quarry::MariaDb, 65_535, 2000, 20),
        (&quarry::Sqlite, 32_766, 16_383, 3),
    ];
    for (d, max_params, rows_per, statements) in dialects {
        let name = d.name();
        let parts = q.compile_batches(d).unwrap();
        assert_eq!(parts.len(), statements, "{name}");
        let total: usize = parts.iter().map(|c| c.params.len()).sum();
        assert_eq!(total, 80_000, "{name}");
        for (i, part) in parts.iter().enumerate() {
            assert!(part.params.len() <= max_params, "{name}: part {i}");
            if i + 1 < parts.len() {
                assert_eq!(part.params.len(), 2 * rows_per, "{name}: part {i}");
            }
        }
        // Every part is a complete statement with its own placeholder numbering.
        if name == "postgresql" {
            assert!(parts[1]
                .sql
                .starts_with("INSERT INTO big (a, b) VALUES ($1, $2), ($3, $4)"));
        }
        let err = q.compile(d).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidStatement, "{name}: {err}");
        assert!(
            err.to_string()
                .contains(&format!("needs {statements} statements")),
            "{name}: {err}"
        );
    }
}

#[test]
fn a_large_in_list_is_one_parameter() {
    let u = Users::new();
    let ids: Vec<i64> = (0..5000).collect();
    let q = select(u.id).from(u).filter(u.id.in_list(ids.clone()));
    let pg = q.compile(&quarry::Postgres).unwrap();
    assert_eq!(
        pg.sql,
        "SELECT users.id FROM users WHERE users.id = ANY($1)"
    );
    assert_eq!(
        pg.params,
        vec![Value::Array(ids.iter().map(|&n| Value::I64(n)).collect())]
    );
    let sqlite = q.compile(&quarry::Sqlite).unwrap();
    assert_eq!(
        sqlite.sql,
        "SELECT users.id FROM users WHERE users.id IN (SELECT value FROM json_each(?))"
    );
    let json = sqlite.params[0].as_str().unwrap();
    assert!(json.starts_with("[0,1,2,") && json.ends_with(",4999]"));
    let maria = q.compile(&quarry::MariaDb).unwrap();
    assert_eq!(
        maria.sql,
        "SELECT users.id FROM users WHERE users.id IN (SELECT j.v FROM JSON_TABLE(?, '$[*]' COLUMNS (v BIGINT PATH '$')) AS j)"
    );
    let names: Vec<String> = (0..2000).map(|n| format!("n\"{n}")).collect();
    let q = select(u.id).from(u).filter(u.name.not_in_list(names));
    assert_sql!(|d| q.compile(d).map(|c| quarry::Compiled::new(c.sql)),
        postgres: "SELECT users.id FROM users WHERE users.name <> ALL($1)",
        mysql_family: "SELECT users.id FROM users WHERE users.name NOT IN (SELECT j.v FROM JSON_TABLE(?, '$[*]' COLUMNS (v VARCHAR(6) PATH '$')) AS j)",
        sqlite: "SELECT users.id FROM users WHERE users.name NOT IN (SELECT value FROM json_each(?))",
    );
    let sqlite = q.compile(&quarry::Sqlite).unwrap();
    assert!(sqlite.params[0]
        .as_str()
        .unwrap()
        .starts_with("[\"n\\\"0\",\"n\\\"1\""));
    // Short lists stay as they were.
    let q = select(u.id).from(u).filter(u.id.in_list([1_i64, 2]));
    assert_sql!(|d| q.compile(d).map(|c| quarry::Compiled::new(c.sql)),
        postgres: "SELECT users.id FROM users WHERE users.id IN ($1, $2)",
        mysql_family: "SELECT users.id FROM users WHERE users.id IN (?, ?)",
        sqlite: "SELECT users.id FROM users WHERE users.id IN (?, ?)",
    );
}

#[test]
fn insert_debug_sql_inlines_values() {
    let u = Users::new();
    let q = insert(u).values((u.name.set("it's"), u.active.set(true)));
    assert_eq!(
        q.to_debug_sql(&quarry::Postgres).unwrap(),
        "INSERT INTO users (name, active, hits) VALUES ('it''s', TRUE, 0)"
    );
}

#[test]
fn insert_into_a_subquery_is_an_error() {
    let sub = select(val(1_i64)).subquery("s");
    let q = insert(sub).values(Assign::new("a", 1_i64));
    assert_sql!(|d| q.compile(d), all: ErrorKind::InvalidStatement);
}

#[test]
fn update_set_default() {
    let u = Users::new();
    let q = update(u)
        .set(u.active, DEFAULT)
        .set(u.email, DEFAULT)
        .filter(u.id.eq(1));
    assert_sql!(|d| q.compile(d),
        postgres: WithParams("UPDATE users SET active = DEFAULT, email = DEFAULT WHERE id = $1", vec![i(1)]),
        mysql_family: WithParams("UPDATE users SET active = DEFAULT, email = DEFAULT WHERE id = ?", vec![i(1)]),
        // SQLite has no DEFAULT here: the declared default (or NULL) is written.
        sqlite: WithParams("UPDATE users SET active = ?, email = NULL WHERE id = ?", vec![b(true), i(1)]),
    );
    let q = update("t").set("a", DEFAULT);
    assert_sql!(|d| q.compile(d).map(|c| quarry::Compiled::new(c.sql)),
        postgres: "UPDATE t SET a = DEFAULT",
        mysql_family: "UPDATE t SET a = DEFAULT",
        sqlite: ErrorKind::Unsupported,
    );
}

#[test]
fn owned_and_borrowed_compiles_agree() {
    use quarry::IntoCompiled;
    let u = Users::new();
    let q = insert(u)
        .values((u.name.set("a"), u.active.set(false)))
        .values(u.name.set("b"))
        .values((u.name.set("c"), u.hits.set(u.hits.dynamic() + 1_i64)))
        .returning(u.id);
    for d in [
        &quarry::Postgres as &dyn quarry::Dialect,
        &quarry::MariaDb,
        &quarry::Sqlite,
    ] {
        assert_eq!(
            q.clone().into_compiled(d).unwrap(),
            q.compile(d).unwrap(),
            "{}",
            d.name()
        );
    }
    // Split inserts agree statement by statement.
    let t = Table::new("big")
        .column(ColumnDef::new("a", SqlType::BigInt))
        .column(ColumnDef::new("b", SqlType::Text).nullable(true));
    let q = insert(quarry::stmt::TableRef::new(&t)).rows((0..20_000_i64).map(|n| {
        vec![
            Assign::new("a", n),
            Assign::new(
                "b",
                if n % 3 == 0 {
                    Value::Null(quarry::ValueType::Text)
                } else {
                    s("x")
                },
            ),
        ]
    }));
    let parts = q.compile_batches(&quarry::Sqlite).unwrap();
    match q.clone().into_plan(&quarry::Sqlite).unwrap() {
        quarry::backend::Plan::Batch(owned) => assert_eq!(owned, parts),
        quarry::backend::Plan::Chunked(owned) => assert_eq!(owned.to_compiled(), parts),
        other => panic!("expected a batch, got {other:?}"),
    }
}

/// An UPDATE compiled by value moves its SET values into the parameters; it must bind the
/// same values in the same order as compiling by reference, whatever comes before SET (a
/// subquery in MariaDB's multi-table form) and whatever the cells are.
#[test]
fn owned_and_borrowed_updates_agree() {
    use quarry::IntoCompiled;
    let (u, o) = (Users::new(), Orders::new());
    let recent = select(o.user_id)
        .from(o)
        .filter(o.total.gt(10.5_f64))
        .subquery("r");
    let r_user: quarry::Column<i64> = quarry::Column::new("r", "user_id");
    let qs = [
        update(u)
            .set(u.name, "Ann")
            .set(u.email, Some("a@x".to_owned()))
            .set(u.hits, u.hits.dynamic() + 1_i64)
            .set(u.active, true)
            .filter(u.id.eq(7_i64).and(u.name.ne("Bob"))),
        update(u)
            .set(u.name, "Cy")
            .set(u.hits, DEFAULT)
            .from(recent)
            .filter(r_user.eq(u.id).and(u.name.like("%x%"))),
    ];
    for q in qs {
        for d in [
            &quarry::Postgres as &dyn quarry::Dialect,
            &quarry::MariaDb,
            &quarry::MySql,
            &quarry::Sqlite,
        ] {
            let borrowed = q.compile(d);
            let owned = q.clone().into_compiled(d);
            match (borrowed, owned) {
                (Ok(b), Ok(o)) => assert_eq!(o, b, "{}", d.name()),
                (Err(b), Err(o)) => assert_eq!(o.kind(), b.kind(), "{}", d.name()),
                (b, o) => panic!("{}: {b:?} vs {o:?}", d.name()),
            }
        }
    }
    let q = update(u).set(u.name, "Ann").filter(u.id.eq(7_i64));
    let owned = q.into_compiled(&quarry::Postgres).unwrap();
    assert_eq!(owned.sql, "UPDATE users SET name = $1 WHERE id = $2");
    assert_eq!(owned.params, [s("Ann"), i(7)]);
}

#[test]
fn update_from_returning_keeps_qualifiers() {
    let (u, o) = (Users::new(), Orders::new());
    let q = update(u)
        .set(u.hits, o.id)
        .from(o)
        .filter(o.user_id.eq(u.id))
        .returning((u.id, u.hits));
    assert_sql!(|d| q.compile(d).map(|c| quarry::Compiled::new(c.sql)),
        postgres: "UPDATE users SET hits = orders.id FROM orders WHERE orders.user_id = users.id RETURNING users.id, users.hits",
        mysql_family: ErrorKind::Unsupported,
        sqlite: "UPDATE users SET hits = orders.id FROM orders WHERE orders.user_id = users.id RETURNING users.id, users.hits",
    );
}

/// Rows of plain values in the first row's column order are kept as bare values and written
/// from one template; any other row moves the insert to the general form. Both must compile
/// to the same statements, split at the same rows.
#[test]
fn plain_rows_and_general_rows_compile_alike() {
    // Without and with a client-side default of a column the rows leave out (bound after
    // each row's values).
    let plain_table = Table::new("big")
        .column(ColumnDef::new("a", SqlType::BigInt))
        .column(ColumnDef::new("b", SqlType::Text))
        .column(ColumnDef::new("c", SqlType::Boolean));
    let with_default = plain_table
        .clone()
        .column(ColumnDef::new("d", SqlType::Text).default("dflt"));
    for t in [plain_table, with_default] {
        plain_and_general_alike(&t);
    }
}

fn plain_and_general_alike(t: &Table) {
    use quarry::IntoCompiled;
    let tr = quarry::stmt::TableRef::new(t);
    // Long texts in the first rows, so the MySQL family's 8 MiB statement-size limit splits
    // before its 2000 rows per statement do (checked below), not only the value limit.
    let long = |n: i64| n % 7 == 0 && n < 4000;
    let text = |n: i64| format!("{n}:{}", "x".repeat(if long(n) { 40_000 } else { 10 }));
    let row = |n: i64| {
        vec![
            Assign::new("a", n),
            Assign::new("b", text(n)),
            Assign::new("c", n % 2 == 0),
        ]
    };
    // The same rows with the last one's cells in another order: the general form.
    let reordered = |n: i64| {
        vec![
            Assign::new("c", n % 2 == 0),
            Assign::new("a", n),
            Assign::new("b", text(n)),
        ]
    };
    for rows in [2_i64, 3, 30_000] {
        let plain = insert(tr.clone()).rows((0..rows).map(row));
        let general = insert(tr.clone())
            .rows((0..rows - 1).map(row))
            .values(reordered(rows - 1));
        for d in [
            &quarry::Postgres as &dyn quarry::Dialect,
            &quarry::MySql,
            &quarry::MariaDb,
            &quarry::Sqlite,
        ] {
            let (p, g) = (
                plain.compile_batches(d).unwrap(),
                general.compile_batches(d).unwrap(),
            );
            assert_eq!(p.len(), g.len(), "{rows} rows on {}", d.name());
            assert!(p == g, "{rows} rows on {}: statements differ", d.name());
            if rows == 30_000 {
                assert!(p.len() > 1, "{}", d.name());
                if let Some(cap) = d.features().max_insert_rows {
                    // The MySQL family: cut by its 8 MiB of bytes, before its rows cap.
                    let per_row = t.columns.len();
                    assert!(p[0].params.len() / per_row < cap, "{}", d.name());
                }
                assert!(
                    p.iter().all(|c| c.sql.len() + c.params.len() < 9 << 20),
                    "{}",
                    d.name()
                );
            }
            // By value: the same statements, one plan.
            let owned = match plain.clone().into_plan(d).unwrap() {
                quarry::backend::Plan::One(c) | quarry::backend::Plan::Scaled(c, _) => vec![c],
                quarry::backend::Plan::Batch(v) => v,
                quarry::backend::Plan::Chunked(c) => c.to_compiled(),
                quarry::backend::Plan::Copy(c) => c
                    .fallback(d)
                    .map(|p| match p {
                        quarry::backend::Plan::Chunked(c) => c.to_compiled(),
                        quarry::backend::Plan::One(c) => vec![c],
                        other => panic!("{other:?}"),
                    })
                    .unwrap(),
            };
            assert!(
                owned == p,
                "{rows} rows on {}: owned plan differs",
                d.name()
            );
        }
    }
}

/// A row that breaks the plain form part-way (a DEFAULT, a missing or an extra column, a
/// column given twice) gives the same statement as when the insert was general throughout.
#[test]
fn rows_leaving_the_plain_form_midway() {
    let u = Users::new();
    // First row plain, second row DEFAULT in its middle.
    let q = insert(u)
        .values((u.name.set("a"), u.active.set(false), u.hits.set(1)))
        .values((
            u.name.set("b"),
            u.active.set(quarry::DEFAULT),
            u.hits.set(2),
        ));
    assert_sql!(|d| q.compile(d),
        postgres: WithParams(
            "INSERT INTO users (name, active, hits) VALUES ($1, $2, $3), ($4, DEFAULT, $5)",
            vec![s("a"), b(false), i(1), s("b"), i(2)]),
        mysql_family: WithParams(
            "INSERT INTO users (name, active, hits) VALUES (?, ?, ?), (?, DEFAULT, ?)",
            vec![s("a"), b(false), i(1), s("b"), i(2)]),
        sqlite: WithParams(
            "INSERT INTO users (name, active, hits) VALUES (?, ?, ?), (?, ?, ?)",
            vec![s("a"), b(false), i(1), s("b"), b(true), i(2)]),
    );
    // The first row's DEFAULT in its middle; a later row leaves a column out, another adds
    // one.
    let q = insert(u)
        .values((
            u.name.set("a"),
            u.active.set(quarry::DEFAULT),
            u.hits.set(1),
        ))
        .values((u.name.set("b"), u.active.set(true)))
        .values((
            u.name.set("c"),
            u.active.set(false),
            u.hits.set(3),
            u.email.set("e"),
        ));
    assert_sql!(|d| q.compile(d),
        postgres: WithParams(
            "INSERT INTO users (name, active, hits, email) VALUES ($1, DEFAULT, $2, DEFAULT), ($3, $4, $5, DEFAULT), ($6, $7, $8, $9)",
            vec![s("a"), i(1), s("b"), b(true), i(0), s("c"), b(false), i(3), s("e")]),
        mysql_family: WithParams(
            "INSERT INTO users (name, active, hits, email) VALUES (?, DEFAULT, ?, DEFAULT), (?, ?, ?, DEFAULT), (?, ?, ?, ?)",
            vec![s("a"), i(1), s("b"), b(true), i(0), s("c"), b(false), i(3), s("e")]),
        sqlite: WithParams(
            "INSERT INTO users (name, active, hits, email) VALUES (?, ?, ?, NULL), (?, ?, ?, NULL), (?, ?, ?, ?)",
            vec![s("a"), b(true), i(1), s("b"), b(true), i(0), s("c"), b(false), i(3), s("e")]),
    );
    // A column given twice in a later row is an error, as in the first row.
    let q = insert(u)
        .values((u.name.set("a"), u.active.set(false)))
        .values((u.name.set("b"), u.name.set("c")));
    assert!(q
        .compile(&quarry::Postgres)
        .unwrap_err()
        .to_string()
        .contains("twice"));
    let q = insert(u).values((u.name.set("a"), u.name.set("b")));
    assert!(q
        .compile(&quarry::Sqlite)
        .unwrap_err()
        .to_string()
        .contains("twice"));
    // Cells read back the same either way.
    let q = insert(u)
        .values((u.name.set("a"), u.active.set(false)))
        .values((u.active.set(true), u.name.set("b")));
    assert_eq!(q.stmt().cell(1, 0), Some(quarry::Expr::Value(s("b"))));
    assert_eq!(q.stmt().cell(1, 1), Some(quarry::Expr::Value(b(true))));
    // The same rows compare equal in either form.
    let plain = insert(u)
        .values((u.name.set("a"), u.active.set(false)))
        .values((u.name.set("b"), u.active.set(true)));
    assert_eq!(plain.stmt(), q.stmt());
    assert_eq!(q.stmt(), plain.stmt());
    let other = insert(u)
        .values((u.name.set("a"), u.active.set(false)))
        .values((u.name.set("c"), u.active.set(true)));
    assert_ne!(other.stmt(), q.stmt());
}

#[test]
fn a_column_set_twice_in_a_plain_row_is_an_error_on_every_path() {
    // Plain rows (tuples of bound values) are not checked while building: every way of
    // compiling them must find the repeat, with the table's metadata and without, on each
    // dialect, by reference and by value, split or not, and in the debug rendering.
    let u = Users::new();
    let with_meta = || {
        insert(u)
            .values((u.id.set(1), u.name.set("a"), u.id.set(2)))
            .values((u.id.set(3), u.name.set("b"), u.id.set(4)))
    };
    let without_meta = || {
        insert("t")
            .values((Assign::new("a", 1_i64), Assign::new("a", 2_i64)))
            .values((Assign::new("a", 3_i64), Assign::new("a", 4_i64)))
    };
    // In the metadata's order up to the repeat (the direct layout's case) and out of it.
    let first_twice = || insert(u).values((u.id.set(1), u.id.set(2)));
    let twice = |r: quarry::Result<String>| {
        let e = r.expect_err("a repeated column must be refused");
        assert_eq!(e.kind(), ErrorKind::InvalidStatement, "{e}");
        assert!(e.to_string().contains("twice"), "{e}");
    };
    let dialects: [&dyn quarry::Dialect; 4] = [
        &quarry::Postgres,
        &quarry::MySql,
        &quarry::MariaDb,
        &quarry::Sqlite,
    ];
    for d in dialects {
        for q in [with_meta(), without_meta(), first_twice()] {
            twice(q.compile(d).map(|c| c.sql));
            twice(q.compile_batches(d).map(|v| v[0].sql.clone()));
            twice(q.to_debug_sql(d));
            twice(quarry::IntoCompiled::into_compiled(q.clone(), d).map(|c| c.sql));
            twice(quarry::IntoCompiled::into_plan(q, d).map(|_| String::new()));
        }
    }
}

quarry::table! {
    /// Reserved words as column names: the kept column list must keep their quoting.
    pub struct Keyed("keyed") {
        id: i64 => primary_key(),
        order: String,
        select: Option<i64>,
    }
}

#[test]
fn an_insert_of_every_column_reads_the_same_each_time_and_per_dialect() {
    // An INSERT giving every column of a `table!` table in order writes its column list
    // from a per-dialect copy made the first time: the first, the second and the tenth
    // compile read alike, quoted as each dialect quotes, and two tables keep their own.
    let k = Keyed::new();
    let u = Users::new();
    for _ in 0..10 {
        let q = insert(k).values((k.id.set(1), k.order.set("a"), k.select.set(2)));
        assert_sql!(|d| quarry::IntoCompiled::into_compiled(q.clone(), d),
            postgres: WithParams("INSERT INTO keyed (id, \"order\", \"select\") VALUES ($1, $2, $3)",
                vec![i(1), s("a"), i(2)]),
            mysql_family: WithParams("INSERT INTO keyed (id, `order`, `select`) VALUES (?, ?, ?)",
                vec![i(1), s("a"), i(2)]),
            sqlite: WithParams("INSERT INTO keyed (id, \"order\", \"select\") VALUES (?, ?, ?)",
                vec![i(1), s("a"), i(2)]),
        );
        let q = insert(u)
            .values((
                u.id.set(1),
                u.name.set("a"),
                u.email.set("e"),
                u.active.set(true),
                u.hits.set(3),
            ))
            .returning(u.id);
        assert_sql!(|d| q.compile(d),
            postgres: WithParams(
                "INSERT INTO users (id, name, email, active, hits) VALUES ($1, $2, $3, $4, $5) RETURNING id",
                vec![i(1), s("a"), s("e"), b(true), i(3)]),
            sqlite: WithParams(
                "INSERT INTO users (id, name, email, active, hits) VALUES (?, ?, ?, ?, ?) RETURNING id",
                vec![i(1), s("a"), s("e"), b(true), i(3)]),
        );
        // Fewer columns than the table's: written name by name, as before.
        let q = insert(k).values((k.id.set(1), k.order.set("a")));
        assert_sql!(|d| q.compile(d),
            postgres: WithParams("INSERT INTO keyed (id, \"order\") VALUES ($1, $2)", vec![i(1), s("a")]),
            mysql_family: WithParams("INSERT INTO keyed (id, `order`) VALUES (?, ?)", vec![i(1), s("a")]),
        );
    }
}

#[test]
fn an_insert_too_large_for_one_statement_says_how_many_it_needs() {
    // Compiled by value to one statement, an INSERT that needs several is an error naming
    // as many statements as `compile_batches` makes, whichever path lays it out: the
    // table's own columns in order (the direct path), or columns left to a client default.
    let u = Users::new();
    let k = Keyed::new();
    let direct = || {
        insert(k).rows((0..40_000_i64).map(|i| (k.id.set(i), k.order.set("o"), k.select.set(i))))
    };
    let planned = || insert(u).rows((0..40_000_i64).map(|_| (u.name.set("n"), u.active.set(true))));
    for q in [direct(), planned()] {
        for d in [&quarry::Sqlite as &dyn quarry::Dialect, &quarry::Postgres] {
            let q = q.clone();
            let n = q.compile_batches(d).expect("batches").len();
            assert!(n > 1, "{}", d.name());
            // By reference and by value: the same error, word for word.
            let by_ref = q.compile(d).expect_err("several statements").to_string();
            let e = quarry::IntoCompiled::into_compiled(q, d).expect_err("several statements");
            assert_eq!(e.kind(), ErrorKind::InvalidStatement, "{e}");
            assert!(
                e.to_string().contains(&format!("needs {n} statements")),
                "{e}"
            );
            assert_eq!(by_ref, e.to_string());
        }
    }
}

fn mood_type(schema: Option<&str>) -> SqlType {
    SqlType::Enum(quarry::EnumType {
        name: "mood".into(),
        schema: schema.map(Into::into),
        values: vec!["happy".into(), "sad".into()],
    })
}

quarry::table! {
    pub struct Moods("moods") {
        id: i64 => primary_key(),
        mood: String => sql_type(mood_type(None)),
        was: Option<String> => sql_type(mood_type(Some("app"))).default("sad"),
    }
}

/// A bound value written into, or compared with, a PostgreSQL enum column is cast to the
/// column's type (text is bound as `text`, which PostgreSQL neither assigns to nor compares
/// with an enum); other dialects and columns are unchanged.
#[test]
fn regression_pg_enum_values_are_cast() {
    let m = Moods::new();
    let q = insert(m).values((m.id.set(1), m.mood.set("happy")));
    assert_sql!(|d| q.compile(d),
        postgres: WithParams(
            "INSERT INTO moods (id, mood, was) VALUES ($1, $2::mood, $3::app.mood)",
            vec![i(1), s("happy"), s("sad")],
        ),
        sqlite: WithParams(
            "INSERT INTO moods (id, mood, was) VALUES (?, ?, ?)",
            vec![i(1), s("happy"), s("sad")],
        ),
    );
    // Several rows, and an upsert setting the enum column.
    let q = insert(m)
        .rows([
            (m.id.set(1), m.mood.set("happy"), m.was.set(None::<String>)),
            (
                m.id.set(2),
                m.mood.set("sad"),
                m.was.set(Some("happy".to_owned())),
            ),
        ])
        .on_conflict(m.id)
        .do_update_set(m.mood, "sad");
    assert_sql!(|d| q.compile(d),
        postgres: WithParams(
            "INSERT INTO moods (id, mood, was) VALUES ($1, $2::mood, $3::app.mood), ($4, $5::mood, $6::app.mood) ON CONFLICT (id) DO UPDATE SET mood = $7::mood",
            vec![i(1), s("happy"), Value::Null(quarry::ValueType::Text), i(2), s("sad"), s("happy"), s("sad")],
        ),
    );
    let q = update(m)
        .set(m.mood, "sad")
        .set(m.id, 3_i64)
        .filter(m.mood.eq("happy").and(m.was.ne("sad")).and(m.id.eq(1_i64)));
    assert_sql!(|d| q.compile(d),
        postgres: WithParams(
            "UPDATE moods SET mood = $1::mood, id = $2 WHERE mood = $3::mood AND was <> $4::app.mood AND id = $5",
            vec![s("sad"), i(3), s("happy"), s("sad"), i(1)],
        ),
        sqlite: WithParams(
            "UPDATE moods SET mood = ?, id = ? WHERE mood = ? AND was <> ? AND id = ?",
            vec![s("sad"), i(3), s("happy"), s("sad"), i(1)],
        ),
    );
    let q = select(m.id)
        .from(m)
        .filter(m.mood.in_list(["happy", "sad"]).or(m.mood.eq(m.was)));
    assert_sql!(|d| q.compile(d),
        postgres: WithParams(
            "SELECT moods.id FROM moods WHERE moods.mood IN ($1::mood, $2::mood) OR moods.mood = moods.was",
            vec![s("happy"), s("sad")],
        ),
    );
    let q = delete(m).filter(m.mood.eq("sad"));
    assert_sql!(|d| q.compile(d),
        postgres: WithParams("DELETE FROM moods WHERE mood = $1::mood", vec![s("sad")]),
    );
    // A runtime table and dynamic columns: the same casts.
    let t = Moods::table();
    let q = insert(&t).values([
        DynColumn::new("moods", "id").set(5_i64),
        DynColumn::new("moods", "mood").set("sad"),
    ]);
    assert_sql!(|d| q.compile(d),
        postgres: WithParams(
            "INSERT INTO moods (id, mood, was) VALUES ($1, $2::mood, $3::app.mood)",
            vec![i(5), s("sad"), s("sad")],
        ),
    );
    let q = update(&t)
        .set(DynColumn::new("moods", "mood"), "happy")
        .filter(DynColumn::new("moods", "mood").eq("sad"));
    assert_sql!(|d| q.compile(d),
        postgres: WithParams(
            "UPDATE moods SET mood = $1::mood WHERE mood = $2::mood",
            vec![s("happy"), s("sad")],
        ),
    );
    assert_eq!(
        select(m.id)
            .from(m)
            .filter(m.mood.eq("it's"))
            .to_debug_sql(&quarry::Postgres)
            .unwrap(),
        "SELECT moods.id FROM moods WHERE moods.mood = 'it''s'::mood"
    );
    // A table known by name only has no types to go by: no cast.
    let q = update("moods").set("mood", "sad");
    assert_sql!(|d| q.compile(d),
        postgres: WithParams("UPDATE moods SET mood = $1", vec![s("sad")]),
    );
}

quarry::table! {
    /// A column name one byte longer than PostgreSQL keeps.
    pub struct LongNames("long_names") {
        id: i64 => primary_key(),
        a_column_name_longer_than_postgresql_keeps_xxxxxxxxxxxxxxxxxxxxx: i64,
    }
}

/// A statement compiled for the dialect given.
type Compile<'a> = Box<dyn Fn(&dyn quarry::Dialect) -> quarry::Result<quarry::Compiled> + 'a>;

/// An identifier the database would change is refused in INSERT, UPDATE, DELETE and
/// RETURNING as in SELECT: a label or column past PostgreSQL's 63 bytes (also in an INSERT's
/// cached column list), a RETURNING label with leading spaces on MariaDB.
#[test]
fn regression_label_in_dml_is_refused() {
    let u = Users::new();
    let long = "r".repeat(64);
    let q = delete(u).returning(u.id.label(long.clone()));
    assert_sql!(|d| q.compile(d),
        postgres: ErrorKind::InvalidStatement,
        mariadb: format!("DELETE FROM users RETURNING id AS {long}").leak() as &str,
        sqlite: format!("DELETE FROM users RETURNING id AS {long}").leak() as &str,
    );
    let e = q.compile(&quarry::Postgres).unwrap_err().to_string();
    assert!(e.contains(&long) && e.contains("at most 63 bytes"), "{e}");
    let q = delete(u).returning(u.id.label(" id"));
    assert_sql!(|d| q.compile(d),
        mariadb: ErrorKind::InvalidStatement,
        sqlite: "DELETE FROM users RETURNING id AS \" id\"",
    );
    // Twice, so the second compile reads the per-dialect column list a first one may keep.
    let l = LongNames::new();
    for _ in 0..2 {
        let q = insert(l).values((
            l.id.set(1),
            l.a_column_name_longer_than_postgresql_keeps_xxxxxxxxxxxxxxxxxxxxx
                .set(2),
        ));
        assert_sql!(|d| quarry::IntoCompiled::into_compiled(q.clone(), d),
            postgres: ErrorKind::InvalidStatement,
            sqlite: WithParams("INSERT INTO long_names (id, a_column_name_longer_than_postgresql_keeps_xxxxxxxxxxxxxxxxxxxxx) VALUES (?, ?)", vec![i(1), i(2)]),
        );
        let q = update(l).set(
            l.a_column_name_longer_than_postgresql_keeps_xxxxxxxxxxxxxxxxxxxxx,
            3,
        );
        assert_sql!(|d| q.compile(d), postgres: ErrorKind::InvalidStatement);
    }
}

/// A NUL character in any identifier of an INSERT, UPDATE, DELETE or RETURNING is refused
/// when compiling, on every dialect.
#[test]
fn regression_nul_identifier_in_dml_is_refused() {
    let u = Users::new();
    let nul = DynColumn::new("t", "n\0");
    let queries: Vec<Compile> = vec![
        Box::new(|d| insert("t").values(vec![nul.set(1_i64)]).compile(d)),
        Box::new(|d| {
            insert("t\0")
                .values(vec![Assign::new("n", 1_i64)])
                .compile(d)
        }),
        Box::new(|d| update("t").set(nul.clone(), 1_i64).compile(d)),
        Box::new(|d| delete("t\0").compile(d)),
        Box::new(|d| delete(u).returning(u.id.label("a\0")).compile(d)),
    ];
    for q in &queries {
        assert_sql!(|d| q(d), postgres: ErrorKind::InvalidStatement, mariadb: ErrorKind::InvalidStatement, sqlite: ErrorKind::InvalidStatement);
        let e = q(&quarry::Sqlite).unwrap_err().to_string();
        assert!(e.contains("NUL"), "{e}");
    }
}

#[test]
fn a_bulk_plan_falls_back_to_the_statements_compiled_by_reference() {
    use quarry::backend::Plan;
    use quarry::IntoCompiled;
    // A row given in another column order puts the rows in the general form; the bulk plan
    // still takes them (every cell is a value), and its INSERT fallback must write the same
    // statements as compiling by reference.
    let rows = 2001_i64;
    let row = |n: i64| {
        let mut v = vec![
            Assign::new("a", n),
            Assign::new("b", format!("n{n}")),
            Assign::new("c", n % 3 == 0),
        ];
        if n == 1 {
            v.reverse();
        }
        v
    };
    let q = insert("t").rows((0..rows).map(row));
    let by_ref = q.compile_batches(&quarry::Postgres).unwrap();
    let Plan::Copy(copy) = q.clone().into_plan(&quarry::Postgres).unwrap() else {
        panic!("expected a bulk plan");
    };
    let statements = match copy.fallback(&quarry::Postgres).unwrap() {
        Plan::One(c) => vec![c],
        Plan::Batch(v) => v,
        Plan::Chunked(c) => c.to_compiled(),
        Plan::Copy(_) | Plan::Scaled(..) => panic!("a fallback is never a bulk plan or a query"),
    };
    assert_eq!(statements.len(), 1);
    assert!(
        statements == by_ref,
        "the fallback differs from compile_batches"
    );
    assert_eq!(statements[0].params.len(), 3 * rows as usize);
}
