//! Evolve a live schema: declare version 1, create it and add rows; declare version 2 (a
//! column renamed, one added with a default, a type widened, a new table with a foreign key,
//! an index); print the plan quarry computes against the database, migrate, and show the
//! rows as they are now.
//!
//! ```text
//! cargo run --example migrate                                      # SQLite in memory
//! cargo run --example migrate -- postgres://postgres@127.0.0.1/test
//! cargo run --example migrate -- mysql://root@127.0.0.1/test
//! ```

use quarry::migrate::{MigrateOptions, ReflectOptions};
use quarry::{Assign, ColumnDef, Engine, Executor, ForeignKey, Index, MetaData, SqlType, Table};

/// The tables this example owns (migrations are scoped to them).
const PREFIX: &str = "ex_mig_";

/// Version 1: customers with a name and a short code.
fn v1() -> MetaData {
    MetaData::new().with(
        Table::new("ex_mig_customers")
            .column(ColumnDef::new("id", SqlType::BigInt).primary_key())
            .column(ColumnDef::new("fullname", SqlType::Varchar(50)).not_null())
            .column(ColumnDef::new("code", SqlType::Varchar(8))),
    )
}

/// Version 2: `fullname` is now `name`, `code` holds up to 32 characters, a `tier` column with
/// a default, an index on `code`, and an `ex_mig_orders` table referencing customers.
fn v2() -> MetaData {
    MetaData::new()
        .with(
            Table::new("ex_mig_customers")
                .column(ColumnDef::new("id", SqlType::BigInt).primary_key())
                .column(ColumnDef::new("name", SqlType::Varchar(50)).not_null())
                .column(ColumnDef::new("code", SqlType::Varchar(32)))
                .column(
                    ColumnDef::new("tier", SqlType::Varchar(10))
                        .not_null()
                        .server_default("basic"),
                )
                .index(Index::on("ix_ex_mig_customers_code", ["code"])),
        )
        .with(
            Table::new("ex_mig_orders")
                .column(ColumnDef::new("id", SqlType::BigInt).primary_key())
                .column(ColumnDef::new("customer_id", SqlType::BigInt).not_null())
                .foreign_key(
                    ForeignKey::new(["customer_id"], "ex_mig_customers", ["id"])
                        .named("fk_ex_mig_orders_customer"),
                ),
        )
}

async fn run(url: &str) -> quarry::Result<()> {
    let engine = Engine::connect(url).await?;
    let scope = || MigrateOptions::new().scope(ReflectOptions::new().prefix(PREFIX));
    // Start clean: migrating to an empty schema drops this example's tables (destructive,
    // so it must be allowed).
    engine
        .migrate_to(&MetaData::new(), &scope().allow_destructive(true))
        .await?;

    println!("-- {}: version 1", engine.backend_name());
    engine.migrate_to(&v1(), &scope()).await?;
    engine
        .execute(quarry::insert("ex_mig_customers").rows([
            [
                Assign::new("id", 1_i64),
                Assign::new("fullname", "Ada Lovelace"),
                Assign::new("code", "ADA"),
            ],
            [
                Assign::new("id", 2_i64),
                Assign::new("fullname", "Alan Turing"),
                Assign::new("code", "ALAN"),
            ],
        ]))
        .await?;

    // The rename is said, never guessed: without the hint it would be a drop and an add.
    let options = scope().rename_column("ex_mig_customers", "fullname", "name");
    let plan = engine
        .migrate_to(&v2(), &options.clone().dry_run(true))
        .await?;
    println!("-- plan to version 2:\n{plan}");
    let done = engine.migrate_to(&v2(), &options).await?;
    println!("-- applied {} statements", done.statements().len());
    assert!(engine.migrate_to(&v2(), &scope()).await?.is_empty());

    let rows = engine
        .fetch_all("SELECT id, name, code, tier FROM ex_mig_customers ORDER BY id")
        .await?;
    for r in &rows {
        println!(
            "{} {} {} {}",
            r.get::<i64>(0)?,
            r.get::<String>(1)?,
            r.get::<String>(2)?,
            r.get::<String>(3)?
        );
    }
    let now = engine
        .reflect(&ReflectOptions::new().prefix(PREFIX))
        .await?;
    for t in now.tables() {
        let cols: Vec<&str> = t.columns.iter().map(|c| c.name.as_str()).collect();
        println!("-- {}: {}", t.name, cols.join(", "));
    }
    engine
        .migrate_to(&MetaData::new(), &scope().allow_destructive(true))
        .await?;
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
    let url = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "sqlite::memory:".to_owned());
    run(&url).await
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
