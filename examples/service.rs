//! A small orders service: one `Engine` shared through the application's state by every task,
//! orders placed in transactions (stock checked and taken in the same transaction), a report
//! read meanwhile, and a graceful shutdown — stop taking work, let what is running finish
//! (`Engine::close` waits for it), close the pool. No web framework: the request handlers are
//! plain async functions, which is what a handler of axum or actix would call.
//!
//! ```text
//! cargo run --example service                               # SQLite file, 16 tasks, until Ctrl-C or done
//! cargo run --example service -- postgres://postgres@127.0.0.1/test
//! ```

use quarry::prelude::*;
use quarry::{Engine, Executor, MetaData};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

quarry::table! {
    /// What the shop sells, with the stock left.
    pub struct Products("ex_svc_products") {
        id: i64 => primary_key(),
        name: String,
        stock: i32,
    }
}

quarry::table! {
    /// Orders placed.
    pub struct Orders("ex_svc_orders") {
        id: i64 => primary_key().autoincrement(),
        product_id: i64,
        qty: i32,
    }
    with { foreign_key(quarry::ForeignKey::new(["product_id"], "ex_svc_products", ["id"])) }
}

/// Initial stock of each product.
const STOCK: i32 = 100;

/// The application's state, shared by every task (an axum `State`, an actix `Data`).
struct App {
    engine: Engine,
    /// Set when the service stops taking new work.
    stopping: AtomicBool,
}

/// What placing an order gave.
#[derive(Debug, PartialEq)]
enum Placed {
    /// The order's id.
    Ok(i64),
    /// Not enough stock: nothing was written.
    OutOfStock,
}

impl App {
    /// A handler: takes `qty` of `product` from the stock and records the order, both or
    /// neither (the transaction rolls back when dropped without a commit, an error included).
    async fn place_order(&self, product: i64, qty: i32) -> quarry::Result<Placed> {
        let (p, o) = (Products::new(), Orders::new());
        let mut tx = self.engine.begin().await?;
        let taken = update(p)
            .set(p.stock, p.stock - qty)
            .filter(p.id.eq(product).and(p.stock.ge(qty)))
            .execute(&mut tx)
            .await?;
        if taken == 0 {
            return Ok(Placed::OutOfStock); // `tx` rolls back here
        }
        let id: i64 = insert(o)
            .values((o.product_id.set(product), o.qty.set(qty)))
            .returning(o.id)
            .fetch_one(&mut tx)
            .await?;
        tx.commit().await?;
        Ok(Placed::Ok(id))
    }

    /// A handler: units ordered and stock left, per product.
    async fn report(&self) -> quarry::Result<Vec<(String, i64, i32)>> {
        let (p, o) = (Products::new(), Orders::new());
        select((p.name, coalesce(sum(o.qty), 0_i64), p.stock))
            .from(p)
            .left_join(o)
            .group_by((p.id, p.name, p.stock))
            .order_by(p.id)
            .fetch_all(&self.engine)
            .await
    }
}

/// Runs the service at `url` with `tasks` clients placing up to `orders` orders each (or
/// until `stop` resolves), shuts down gracefully, and returns the orders placed and refused.
async fn run(
    url: &str,
    tasks: usize,
    orders: usize,
    stop: impl std::future::Future<Output = ()>,
) -> quarry::Result<(usize, usize)> {
    let engine = Engine::builder().max_size(8).connect(url).await?;
    let md = MetaData::new()
        .with(Orders::table())
        .with(Products::table());
    engine.drop_all(&md).await?;
    engine.create_all(&md).await?;
    let p = Products::new();
    engine
        .insert_rows(
            p,
            (p.id, p.name, p.stock),
            [
                (1_i64, "tea", STOCK),
                (2, "coffee", STOCK),
                (3, "cocoa", STOCK),
            ],
        )
        .await?;
    let app = Arc::new(App {
        engine,
        stopping: AtomicBool::new(false),
    });

    let clients: Vec<_> = (0..tasks)
        .map(|t| {
            let app = app.clone();
            tokio::spawn(async move {
                let (mut placed, mut refused) = (0, 0);
                for i in 0..orders {
                    if app.stopping.load(Ordering::SeqCst) {
                        break;
                    }
                    let product = ((t + i) % 3 + 1) as i64;
                    let qty = (i % 3 + 1) as i32;
                    match app.place_order(product, qty).await? {
                        Placed::Ok(_) => placed += 1,
                        Placed::OutOfStock => refused += 1,
                    }
                }
                quarry::Result::Ok((placed, refused))
            })
        })
        .collect();
    // A reader meanwhile, as a dashboard would poll.
    let reader = {
        let app = app.clone();
        tokio::spawn(async move {
            while !app.stopping.load(Ordering::SeqCst) {
                app.report().await?;
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
            quarry::Result::Ok(())
        })
    };

    // Stop taking work when the clients are done or `stop` says so.
    let all_done = futures_util::future::join_all(clients);
    tokio::pin!(all_done);
    let results = tokio::select! {
        r = &mut all_done => r,
        () = stop => {
            println!("stopping: no new orders");
            app.stopping.store(true, Ordering::SeqCst);
            all_done.await
        }
    };
    app.stopping.store(true, Ordering::SeqCst);
    let (mut placed, mut refused) = (0, 0);
    for r in results {
        let (p, r) = r.expect("a client task panicked")?;
        placed += p;
        refused += r;
    }
    reader.await.expect("the reader panicked")?;

    for (name, ordered, left) in app.report().await? {
        println!("{name}: {ordered} ordered, {left} left");
        // Every unit is either ordered or still in stock: no lost or doubled update.
        assert_eq!(ordered + i64::from(left), i64::from(STOCK), "{name}");
    }
    println!("{placed} orders placed, {refused} refused (out of stock)");
    // Graceful shutdown: whatever still runs finishes, then the pool closes.
    let engine = app.engine.clone();
    engine.drop_all(&md).await?;
    engine.close().await;
    println!(
        "closed; a new call fails: {}",
        engine.execute("SELECT 1").await.unwrap_err()
    );
    Ok((placed, refused))
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
    let url = std::env::args().nth(1).unwrap_or_else(|| {
        let file = std::env::temp_dir().join("quarry-service-example.db");
        format!("sqlite://{}", file.display())
    });
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    run(&url, 16, 50, ctrl_c).await.map(drop)
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
            // 16 clients × 30 orders of 1-3 units ask for more than the 300 units in stock.
            let (placed, refused) = super::run(&url, 16, 30, std::future::pending())
                .await
                .unwrap_or_else(|e| panic!("{url}: {e}"));
            assert_eq!(placed + refused, 16 * 30, "{url}");
            assert!(refused > 0, "{url}: the stock should run out");
        }
    }
}
