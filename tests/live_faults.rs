//! Faults on private servers that the tests start, kill and restart themselves (never the
//! shared ones): a PostgreSQL cluster made with `initdb` and a MariaDB made with
//! `mariadb-install-db`, each on a spare port. Skipped with a notice where the server binaries
//! are absent, failed under `CI=true`.
//!
//! Each scenario asserts the error kinds, that the engine recovers, and that a bulk load cut
//! by the server's death leaves all of its rows or none ("nothing lost, nothing duplicated").
//! The recovery times are printed (`cargo test --test live_faults -- --nocapture`).

mod common;

use common::private::{PrivateMariaDb, PrivatePostgres};
use quarry::prelude::*;
use quarry::{Engine, MetaData};
use std::sync::Mutex;
use std::time::{Duration, Instant};

quarry::table! {
    pub struct Load("qf_load") {
        id: i64 => primary_key(),
        body: String => sql_type(quarry::SqlType::Varchar(200)),
    }
}

/// A private server the scenarios can stop (`SIGKILL`-like: no goodbye) and start again.
trait Server: Send {
    fn stop(&mut self);
    fn start_again(&mut self);
}

impl Server for PrivatePostgres {
    fn stop(&mut self) {
        PrivatePostgres::stop(self)
    }
    fn start_again(&mut self) {
        PrivatePostgres::start_again(self)
    }
}

impl Server for PrivateMariaDb {
    fn stop(&mut self) {
        PrivateMariaDb::stop(self)
    }
    fn start_again(&mut self) {
        PrivateMariaDb::start_again(self)
    }
}

/// Calls `SELECT 1` until one succeeds; returns how long that took (failing after 30 s).
async fn recovery(engine: &Engine) -> Duration {
    let t = Instant::now();
    loop {
        match engine.fetch_scalar::<i64>("SELECT 1").await {
            Ok(1) => return t.elapsed(),
            Ok(n) => panic!("SELECT 1 returned {n}"),
            Err(e) => {
                assert!(e.is_connection_error(), "while recovering: {e}");
                assert!(t.elapsed() < Duration::from_secs(30), "no recovery: {e}");
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
        }
    }
}

/// The id of the server session behind `conn`.
async fn session_id(engine: &Engine, conn: &mut quarry::Connection) -> i64 {
    let sql = if engine.dialect().name() == "postgresql" {
        "SELECT pg_backend_pid()::int8"
    } else {
        "SELECT CONNECTION_ID()"
    };
    conn.fetch_scalar(sql).await.unwrap()
}

/// Ends session `id` from another connection of `killer`.
async fn kill_session(killer: &Engine, id: i64) {
    let sql = if killer.dialect().name() == "postgresql" {
        format!("SELECT pg_terminate_backend({id})")
    } else {
        format!("KILL {id}")
    };
    killer.execute(sql).await.unwrap();
}

/// The slow statement a killed session runs.
fn sleeper(engine: &Engine) -> &'static str {
    if engine.dialect().name() == "postgresql" {
        "SELECT 1 FROM pg_sleep(30)"
    } else {
        "SELECT SLEEP(30)"
    }
}

async fn scenarios(url: &str, server: &Mutex<Box<dyn Server>>) {
    let engine = Engine::connect(url).await.unwrap();
    let killer = Engine::connect(url).await.unwrap();
    let name = engine.dialect().name();
    let mut md = MetaData::new();
    md.add(Load::table()).unwrap();
    engine.drop_all(&md).await.unwrap();
    engine.create_all(&md).await.unwrap();

    // 1. A pooled session killed while idle: the next calls get a live connection (at most
    //    one reports the loss: a statement that may have run is never run twice).
    let mut conn = engine.acquire().await.unwrap();
    let id = session_id(&engine, &mut conn).await;
    drop(conn);
    kill_session(&killer, id).await;
    tokio::time::sleep(Duration::from_millis(100)).await;
    let took = recovery(&engine).await;
    println!("{name}: session killed while idle: recovered in {took:?}");

    // 2. A session killed mid-query: a connection error, and the engine goes on.
    let mut conn = engine.acquire().await.unwrap();
    let id = session_id(&engine, &mut conn).await;
    let slow = sleeper(&engine);
    let (r, ()) = tokio::join!(conn.fetch_all(slow), async {
        tokio::time::sleep(Duration::from_millis(300)).await;
        kill_session(&killer, id).await;
    });
    let e = r.unwrap_err();
    assert!(e.is_connection_error(), "{name}: killed mid-query: {e}");
    drop(conn);
    let took = recovery(&engine).await;
    println!("{name}: session killed mid-query: {e}; recovered in {took:?}");

    // 3. A restart: every pooled connection is dead; calls fail fast while the server is
    //    down and succeed once it is back.
    server.lock().unwrap().stop();
    let t = Instant::now();
    let e = engine.fetch_scalar::<i64>("SELECT 1").await.unwrap_err();
    assert!(e.is_connection_error(), "{name}: while down: {e}");
    assert!(
        t.elapsed() < Duration::from_secs(5),
        "{name}: {:?}",
        t.elapsed()
    );
    server.lock().unwrap().start_again();
    let took = recovery(&engine).await;
    println!("{name}: restart: recovered {took:?} after the server was back");

    // 4. A 10 s outage: every call in it fails fast with a connection error.
    server.lock().unwrap().stop();
    let down = Instant::now();
    let mut calls = 0;
    while down.elapsed() < Duration::from_secs(10) {
        let t = Instant::now();
        let e = engine.fetch_scalar::<i64>("SELECT 1").await.unwrap_err();
        assert!(e.is_connection_error(), "{name}: during the outage: {e}");
        assert!(
            t.elapsed() < Duration::from_secs(2),
            "{name}: a call took {:?}",
            t.elapsed()
        );
        calls += 1;
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    server.lock().unwrap().start_again();
    let took = recovery(&engine).await;
    println!("{name}: 10 s outage: {calls} calls failed fast; recovered {took:?} after it");

    // 5. A bulk load cut by the server's death at several points: afterwards the table holds
    //    every row of the load or none, never a part and never a duplicate.
    let t = Load::new();
    let rows: Vec<(i64, String)> = (0..60_000).map(|i| (i, format!("row {i:>150}"))).collect();
    for (point, after) in [0_u64, 30, 120, 400].into_iter().enumerate() {
        engine.execute(delete(t)).await.unwrap();
        let load = engine.insert_rows(
            t,
            (t.id, t.body),
            rows.iter().map(|(id, body)| (*id, body.as_str())),
        );
        let (r, ()) = tokio::join!(load, async {
            tokio::time::sleep(Duration::from_millis(after)).await;
            server.lock().unwrap().stop();
        });
        server.lock().unwrap().start_again();
        recovery(&engine).await;
        let (n, distinct): (i64, i64) = engine
            .fetch_one(select((count_star(), count_distinct(t.id))).from(t))
            .await
            .map(|row| (row.get(0).unwrap(), row.get(1).unwrap()))
            .unwrap();
        assert_eq!(
            n, distinct,
            "{name}: duplicated rows after a cut at {after} ms"
        );
        match r {
            Ok(loaded) => {
                assert_eq!(loaded, rows.len() as u64);
                assert_eq!(n, rows.len() as i64, "{name}: a finished load lost rows");
            }
            Err(e) => {
                assert!(e.is_connection_error(), "{name}: cut load: {e}");
                assert!(
                    n == 0 || n == rows.len() as i64,
                    "{name}: {n} rows of a cut load"
                );
            }
        }
        println!(
            "{name}: bulk load cut at {after} ms (point {point}): {} with {n} rows kept",
            if n == 0 { "rolled back" } else { "committed" }
        );
    }
    // A load that finished before the server died is all there after the restart.
    engine.execute(delete(t)).await.unwrap();
    let loaded = engine
        .insert_rows(
            t,
            (t.id, t.body),
            rows.iter().map(|(id, body)| (*id, body.as_str())),
        )
        .await
        .unwrap();
    server.lock().unwrap().stop();
    server.lock().unwrap().start_again();
    recovery(&engine).await;
    let (n, distinct): (i64, i64) = select((count_star(), count_distinct(t.id)))
        .from(t)
        .fetch_one(&engine)
        .await
        .unwrap();
    assert_eq!((n, distinct), (loaded as i64, loaded as i64), "{name}");
    println!("{name}: a finished load of {loaded} rows survived the server's death");
    engine.drop_all(&md).await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn faults_on_a_private_postgres() {
    common::install();
    let Some(server) = PrivatePostgres::start("faults-pg", &[]) else {
        return;
    };
    let url = server.url("pool_max_size=4&pool_timeout=20");
    let server: Mutex<Box<dyn Server>> = Mutex::new(Box::new(server));
    scenarios(&url, &server).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn faults_on_a_private_mariadb() {
    common::install();
    let Some(server) = PrivateMariaDb::start("faults-my", &[]) else {
        return;
    };
    let url = server.url("prefer_socket=false&pool_max_size=4&pool_timeout=20");
    let server: Mutex<Box<dyn Server>> = Mutex::new(Box::new(server));
    scenarios(&url, &server).await;
}
