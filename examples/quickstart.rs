//! quarry's quickstart: declare a schema in Rust, print its DDL for three dialects, and create
//! it on a real database.
//!
//! ```text
//! cargo run --example quickstart                                      # SQLite in memory
//! cargo run --example quickstart -- postgres://postgres@127.0.0.1/test
//! cargo run --example quickstart -- mysql://root@127.0.0.1:3306/test
//! ```

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
        created_at: String => sql_type(SqlType::Timestamp).server_default_expr("CURRENT_TIMESTAMP"),
    }
}

quarry::table! {
    /// What users buy.
    pub struct Orders("orders") {
        id: i64 => primary_key().autoincrement(),
        user_id: i64,
        total: Option<String> => sql_type(SqlType::numeric(10, 2)),
        created_at: String => sql_type(SqlType::Timestamp).server_default_expr("CURRENT_TIMESTAMP"),
    }
    with {
        foreign_key(ForeignKey::new(["user_id"], "users", ["id"]).on_delete(FkAction::Cascade)),
        check(Check::new("total >= 0").named("ck_orders_total")),
        index(Index::on("ix_orders_user", ["user_id"])),
    }
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
    engine.create_all(&md).await?;
    for t in md.sorted_tables() {
        println!(
            "created {}: {}",
            t.name,
            engine.has_table(None, &t.name).await?
        );
    }
    engine.drop_all(&md).await?;
    println!(
        "dropped again: users exists = {}",
        engine.has_table(None, "users").await?
    );
    Ok(())
}
