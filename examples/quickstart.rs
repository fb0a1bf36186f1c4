//! A tour of quarry: declare a schema in Rust, print its DDL for three dialects, create it on a
//! real database, insert (with RETURNING and an upsert), update, delete, query into structs and
//! tuples, use a transaction with a savepoint, stream rows, and bulk-load rows straight from
//! the application's data.
//!
//! ```text
//! cargo run --example quickstart                                      # SQLite in memory
//! cargo run --example quickstart -- postgres://postgres@127.0.0.1/test
//! cargo run --example quickstart -- mysql://root@127.0.0.1:3306/test
//! ```

use quarry::prelude::*;
use quarry::{
    Check, Dialect, Engine, FkAction, ForeignKey, Index, MetaData, MySql, Postgres, SqlType, Sqlite,
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

fn install() {
    quarry::install_drivers(&[
        &quarry_sqlite::DRIVER,
        &quarry_postgres::DRIVER,
        &quarry_mysql::DRIVER,
    ]);
}

#[tokio::main]
async fn main() -> quarry::Result<()> {
    install();
    let url = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "sqlite::memory:".to_owned());
    run(&url).await
}

/// The tour, on the database at `url`.
async fn run(url: &str) -> quarry::Result<()> {
    // Declared children first: create_all orders them by their foreign keys.
    let md = MetaData::new().with(Orders::table()).with(Users::table());

    for dialect in [&Postgres as &dyn Dialect, &MySql, &Sqlite] {
        println!("-- {}", dialect.name());
        for stmt in md.create_all_ddl(dialect)? {
            println!("{stmt};");
        }
        println!();
    }

    let engine = Engine::connect(url).await?;
    println!(
        "-- connected to {} ({})",
        engine.backend_name(),
        engine.dialect().name()
    );
    engine.drop_all(&md).await?; // leftovers of an earlier run
    engine.create_all(&md).await?;

    let (u, o) = (Users::new(), Orders::new());
    // Two rows in one INSERT; RETURNING gives the generated ids (PostgreSQL, SQLite, MariaDB).
    // Values are typed by their columns (`u.name.set(1)` does not compile) and always bound.
    let ids: Vec<i64> = insert(u)
        .values((u.name.set("Ann"), u.email.set("ann@example.com")))
        .values((u.name.set("Bob"), u.email.set("bob@example.com")))
        .returning(u.id)
        .fetch_all(&engine)
        .await?;
    println!("inserted users {ids:?}");
    // Insert or skip: Bob is there already (the email is unique).
    let again = insert(u)
        .values((u.name.set("Bob"), u.email.set("bob@example.com")))
        .on_conflict_do_nothing()
        .execute(&engine)
        .await?;
    println!("insert-or-skip counted {again} (0 on PostgreSQL and SQLite, 1 on MariaDB)");
    // Update with an expression and a condition; raw SQL with named parameters works too.
    update(u)
        .set(u.active, false)
        .set(u.name, lower(u.name))
        .filter(u.email.eq("bob@example.com"))
        .execute(&engine)
        .await?;
    engine
        .execute(
            sql("UPDATE users SET active = :a WHERE name = :n")
                .bind("a", true)
                .bind("n", "Ann"),
        )
        .await?;

    // Query into structs (serde) and tuples.
    let users: Vec<UserRow> = engine
        .fetch_all_as("SELECT id, name, active FROM users ORDER BY id")
        .await?;
    println!("users: {users:?}");
    let ann_id: i64 = select(u.id)
        .from(u)
        .filter(u.email.eq("ann@example.com"))
        .fetch_one(&engine)
        .await?;

    // A transaction with a savepoint; the failed inner part rolls back alone.
    let mut tx = engine.begin().await?;
    let total: quarry::value::Decimal = "19.90".parse()?;
    insert(o)
        .values((o.user_id.set(ann_id), o.total.set(total)))
        .execute(&mut tx)
        .await?;
    {
        let mut sp = tx.begin().await?;
        let negative: quarry::value::Decimal = "-1".parse()?;
        let err = insert(o)
            .values((o.user_id.set(ann_id), o.total.set(negative)))
            .execute(&mut sp)
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

    // A bulk load bound straight from the application's data (COPY on PostgreSQL, multi-row
    // INSERTs elsewhere), all in one transaction.
    let totals = (1..=1000)
        .map(|i| format!("{}.{:02}", i / 100, i % 100).parse())
        .collect::<Result<Vec<quarry::value::Decimal>, _>>()?;
    let loaded = engine
        .insert_rows(o, (o.user_id, o.total), totals.iter().map(|t| (ann_id, t)))
        .await?;
    let orders: i64 = engine.fetch_scalar("SELECT COUNT(*) FROM orders").await?;
    println!("bulk-loaded {loaded} orders; {orders} in all");

    // Delete with a condition; the foreign key cascades to Bob's orders (none here).
    let gone = delete(u)
        .filter(u.active.eq(false))
        .execute(&engine)
        .await?;
    println!("deleted {gone} inactive user(s)");

    engine.drop_all(&md).await?;
    println!(
        "dropped again: users exists = {}",
        engine.has_table(None, "users").await?
    );
    Ok(())
}

#[cfg(test)]
#[path = "support/urls.rs"]
mod urls;

#[cfg(test)]
mod tests {
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn runs_on_every_configured_database() {
        super::install();
        for url in super::urls::urls() {
            super::run(&url)
                .await
                .unwrap_or_else(|e| panic!("{url}: {e}"));
        }
    }
}
