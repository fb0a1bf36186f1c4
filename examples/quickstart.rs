//! A tour of quarry: declare a schema in Rust, print its DDL for three dialects, create it on a
//! real database, insert, query into structs and tuples, use a transaction with a savepoint,
//! and stream rows.
//!
//! ```text
//! cargo run --example quickstart                                      # SQLite in memory
//! cargo run --example quickstart -- postgres://postgres@127.0.0.1/test
//! cargo run --example quickstart -- mysql://root@127.0.0.1:3306/test
//! ```

use quarry::{
    sql, Check, Dialect, Engine, FkAction, ForeignKey, Index, MetaData, MySql, Postgres, SqlType,
    Sqlite,
};

quarry::table! {
    /// People who sign in.
    pub struct Users("users") {
        id: i64 => primary_key().autoincrement(),
        name: String => sql_type(SqlType::Varchar(100)),
        email: String => sql_type(SqlType::Varchar(255)).unique(),
        active: bool => server_default(true),
        created_at: quarry::value::Timestamp => server_default_expr("CURRENT_TIMESTAMP"),
    }
}

quarry::table! {
    /// What users buy.
    pub struct Orders("orders") {
        id: i64 => primary_key().autoincrement(),
        user_id: i64,
        total: Option<quarry::value::Decimal> => sql_type(SqlType::numeric(10, 2)),
    }
    with {
        foreign_key(ForeignKey::new(["user_id"], "users", ["id"]).on_delete(FkAction::Cascade)),
        check(Check::new("total >= 0").named("ck_orders_total")),
        index(Index::on("ix_orders_user", ["user_id"])),
    }
}

/// A row decoded by column name through serde.
#[derive(Debug, serde::Deserialize)]
#[allow(dead_code)]
struct UserRow {
    id: i64,
    name: String,
    active: bool,
}

#[tokio::main]
async fn main() -> quarry::Result<()> {
    quarry::install_drivers(&[
        &quarry_sqlite::DRIVER,
        &quarry_postgres::DRIVER,
        &quarry_mysql::DRIVER,
    ]);
    // Declared children first: create_all orders them by their foreign keys.
    let md = MetaData::new().with(Orders::table()).with(Users::table());

    for dialect in [&Postgres as &dyn Dialect, &MySql, &Sqlite] {
        println!("-- {}", dialect.name());
        for stmt in md.create_all_ddl(dialect)? {
            println!("{stmt};");
        }
        println!();
    }

    let url = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "sqlite::memory:".to_owned());
    let engine = Engine::connect(&url).await?;
    println!(
        "-- connected to {} ({})",
        engine.backend_name(),
        engine.dialect().name()
    );
    engine.drop_all(&md).await?; // leftovers of an earlier run
    engine.create_all(&md).await?;

    // Insert with named parameters: always bound, never spliced.
    for (name, email) in [("Ann", "ann@example.com"), ("Bob", "bob@example.com")] {
        engine
            .execute(
                sql("INSERT INTO users (name, email) VALUES (:name, :email)")
                    .bind("name", name)
                    .bind("email", email),
            )
            .await?;
    }

    // Query into structs (serde) and tuples.
    let users: Vec<UserRow> = engine
        .fetch_all_as("SELECT id, name, active FROM users ORDER BY id")
        .await?;
    println!("users: {users:?}");
    let ann_id: i64 = engine
        .fetch_scalar(sql("SELECT id FROM users WHERE email = :e").bind("e", "ann@example.com"))
        .await?;

    // A transaction with a savepoint; the failed inner part rolls back alone.
    let mut tx = engine.begin().await?;
    tx.execute(
        sql("INSERT INTO orders (user_id, total) VALUES (:u, :t)")
            .bind("u", ann_id)
            .bind("t", "19.90".parse::<quarry::value::Decimal>()?),
    )
    .await?;
    {
        let mut sp = tx.begin().await?;
        let err = sp
            .execute(
                sql("INSERT INTO orders (user_id, total) VALUES (:u, :t)")
                    .bind("u", ann_id)
                    .bind("t", "-1".parse::<quarry::value::Decimal>()?),
            )
            .await
            .unwrap_err();
        println!("rejected as expected ({:?}): {err}", err.kind());
        sp.rollback().await?;
    }
    tx.commit().await?;

    // Stream rows with constant memory.
    let mut rows = engine
        .stream("SELECT u.name, o.total FROM orders o JOIN users u ON u.id = o.user_id")
        .await?;
    while let Some(row) = rows.next().await {
        let (name, total): (String, Option<quarry::value::Decimal>) =
            quarry::FromRow::from_row(&row?)?;
        println!(
            "order: {name} {}",
            total.map(|t| t.to_string()).unwrap_or_default()
        );
    }
    drop(rows);

    engine.drop_all(&md).await?;
    println!(
        "dropped again: users exists = {}",
        engine.has_table(None, "users").await?
    );
    Ok(())
}
