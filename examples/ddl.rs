//! Print a schema's DDL for every dialect: declare tables once, with keys, defaults, checks
//! and indexes, and see the CREATE statements PostgreSQL, MySQL 8, MariaDB and SQLite get, in
//! foreign-key order (and the DROP statements in reverse).
//!
//! ```text
//! cargo run --example ddl                                   # print only
//! cargo run --example ddl -- postgres://postgres@127.0.0.1/test   # and create it there
//! ```

use quarry::{
    Check, Dialect, Engine, Executor, FkAction, ForeignKey, Index, MariaDb, MetaData, MySql,
    Postgres, SqlType, Sqlite,
};

quarry::table! {
    /// Customers.
    pub struct Customers("ex_ddl_customers") {
        id: i64 => primary_key().autoincrement(),
        email: String => unique(),
        name: String => sql_type(SqlType::Varchar(100)),
        vip: bool => server_default(false),
        created_at: quarry::value::Timestamp => server_default_expr("CURRENT_TIMESTAMP"),
    }
}

quarry::table! {
    /// Their orders.
    pub struct Orders("ex_ddl_orders") {
        id: i64 => primary_key().autoincrement(),
        customer_id: i64,
        total: quarry::value::Decimal => sql_type(SqlType::numeric(10, 2)),
        note: Option<String>,
    }
    with {
        foreign_key(ForeignKey::new(["customer_id"], "ex_ddl_customers", ["id"]).on_delete(FkAction::Cascade)),
        check(Check::new("total >= 0").named("ck_ex_ddl_total")),
        index(Index::on("ix_ex_ddl_customer", ["customer_id"])),
    }
}

/// The schema, children first: `create_all` orders tables by their foreign keys.
fn schema() -> MetaData {
    MetaData::new()
        .with(Orders::table())
        .with(Customers::table())
}

/// Prints the DDL for every dialect; with a URL, also creates and drops the schema there.
async fn run(url: Option<&str>) -> quarry::Result<()> {
    let md = schema();
    for dialect in [&Postgres as &dyn Dialect, &MySql, &MariaDb, &Sqlite] {
        println!("-- {}", dialect.name());
        for stmt in md.create_all_ddl(dialect)? {
            println!("{stmt};");
        }
        for stmt in md.drop_all_ddl(dialect)? {
            println!("{stmt};");
        }
        println!();
    }
    if let Some(url) = url {
        let engine = Engine::connect(url).await?;
        engine.drop_all(&md).await?;
        engine.create_all(&md).await?;
        println!(
            "-- created on {}: {} exists = {}",
            engine.backend_name(),
            Orders::table().name,
            engine.has_table(None, &Orders::table().name).await?
        );
        engine.drop_all(&md).await?;
    }
    Ok(())
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
    run(std::env::args().nth(1).as_deref()).await
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
            super::run(Some(&url))
                .await
                .unwrap_or_else(|e| panic!("{url}: {e}"));
        }
    }
}
