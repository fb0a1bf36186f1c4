//! Server outages, on private servers that the tests start and stop themselves (never the
//! shared ones): a PostgreSQL cluster made with `initdb` and a MariaDB made with
//! `mariadb-install-db`, each on a spare port. Skipped with a notice where the server binaries
//! are absent, failed under `CI=true`.

mod common;

use common::private::{PrivateMariaDb, PrivatePostgres};
use quarry::Executor;
use quarry::{Engine, TxOptions};
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant};

/// The pool timeout of the engines here: a call that waited it out took far longer than a
/// failed connection attempt (refused at once on a local port).
const POOL_TIMEOUT: &str = "pool_timeout=20";
const FAST: Duration = Duration::from_secs(5);

/// Issue #20 point 10: while the server was down, every call waited the whole pool timeout
/// and returned `PoolTimeout` (not a connection error), although each connection attempt was
/// refused within a millisecond; and `Engine::transaction` did not retry a failure to
/// connect. Now the attempt's error comes back at once, as a retryable connection error, and
/// the engine recovers when the server is back.
async fn outage(engine: &Engine, stop: &mut dyn FnMut(), start: &mut dyn FnMut()) {
    let name = engine.dialect().name();
    let one: i64 = engine.fetch_scalar("SELECT 1").await.unwrap();
    assert_eq!(one, 1);
    stop();
    for call in 0..3 {
        let t = Instant::now();
        let e = engine.fetch_scalar::<i64>("SELECT 1").await.unwrap_err();
        assert!(e.is_connection_error(), "{name} call {call}: {e}");
        assert!(
            t.elapsed() < FAST,
            "{name} call {call} took {:?}",
            t.elapsed()
        );
    }
    // With the pool's connections gone, a call fails when it opens one: before any
    // statement, so the error is retryable and `transaction` retries it.
    for call in 0..5 {
        let t = Instant::now();
        let e = engine.acquire().await.unwrap_err();
        assert!(
            e.is_connection_error() && e.is_retryable(),
            "{name} {call}: {e}"
        );
        assert!(
            e.to_string().contains("no connection could be opened"),
            "{name}: {e}"
        );
        assert!(
            t.elapsed() < FAST,
            "{name}: acquire {call} took {:?}",
            t.elapsed()
        );
    }
    let ran = AtomicU32::new(0);
    let t = Instant::now();
    let e = engine
        .transaction(TxOptions::default(), 3, |tx| {
            ran.fetch_add(1, Ordering::SeqCst);
            Box::pin(async move { tx.execute("SELECT 1").await })
        })
        .await
        .unwrap_err();
    assert!(e.is_connection_error() && e.is_retryable(), "{name}: {e}");
    assert_eq!(
        ran.load(Ordering::SeqCst),
        0,
        "{name}: the work ran without a connection"
    );
    assert!(
        t.elapsed() < FAST,
        "{name}: transaction took {:?}",
        t.elapsed()
    );
    // Back up: the next calls succeed.
    start();
    let one: i64 = engine.fetch_scalar("SELECT 1").await.unwrap();
    assert_eq!(one, 1);
    let n: u64 = engine
        .transaction(TxOptions::default(), 0, |tx| {
            Box::pin(async move { tx.execute("SELECT 1").await })
        })
        .await
        .unwrap();
    let _ = n;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn regression_outage_fails_fast_postgres() {
    common::install();
    let Some(server) = PrivatePostgres::start("outage-pg", &[]) else {
        return;
    };
    let url = server.url(&format!("pool_max_size=2&{POOL_TIMEOUT}"));
    let server = std::sync::Mutex::new(server);
    let engine = Engine::connect(&url).await.unwrap();
    outage(&engine, &mut || server.lock().unwrap().stop(), &mut || {
        server.lock().unwrap().start_again()
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn regression_outage_fails_fast_mariadb() {
    common::install();
    let Some(server) = PrivateMariaDb::start("outage-my", &[]) else {
        return;
    };
    // TCP, as a remote server is reached.
    let url = server.url(&format!(
        "prefer_socket=false&pool_max_size=2&{POOL_TIMEOUT}"
    ));
    let server = std::sync::Mutex::new(server);
    let engine = Engine::connect(&url).await.unwrap();
    outage(&engine, &mut || server.lock().unwrap().stop(), &mut || {
        server.lock().unwrap().start_again()
    })
    .await;
}
