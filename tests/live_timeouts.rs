//! The statement timeout (`PoolOptions::statement_timeout`, `statement_timeout=` in a URL) on
//! every live backend: a slow statement is cut off promptly with a `Timeout` error keeping the
//! database's own code, the connection it ran on goes on serving, fast statements are
//! unaffected however many run on one connection, and without the option slow statements run
//! to their end.

mod common;

use quarry::{Engine, ErrorKind, Executor};
use std::time::{Duration, Instant};

const TIMEOUT: Duration = Duration::from_millis(200);

/// Names the backend a scenario now runs on (shown with a failing test's output).
fn on(test: &str, engine: &Engine) -> &'static str {
    let name = engine.dialect().name();
    eprintln!("{test} on {name}");
    name
}

/// A one-row statement running about `secs` seconds on `dialect`, failing (not returning
/// early) when the statement timeout cuts it off. MariaDB's `SLEEP` interrupted by
/// `max_statement_time` fails with 1969 (only `KILL QUERY` makes it return 1); SQLite counts
/// `secs` × 3.2 million rows with a recursive CTE (about `secs` on a debug build, less on an
/// optimized one).
fn slow(dialect: &str, secs: f64) -> String {
    match dialect {
        "postgresql" => format!("SELECT 1 FROM pg_sleep({secs})"),
        "mariadb" | "mysql" => format!("SELECT SLEEP({secs})"),
        "sqlite" => format!(
            "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < {}) \
             SELECT count(*) FROM c",
            (secs * 3.2e6) as u64
        ),
        other => panic!("no slow statement for {other}"),
    }
}

/// The native code of a statement cut off by the timeout.
fn timeout_code(dialect: &str) -> &'static str {
    match dialect {
        "postgresql" => "57014",
        "mariadb" => "1969",
        "mysql" => "3024",
        "sqlite" => "9",
        other => panic!("no timeout code for {other}"),
    }
}

/// How long a cut-off may take: the timeout plus a margin for a loaded machine, far below the
/// slow statement's own length.
const PROMPT: Duration = Duration::from_secs(5);

/// What an engine with the timeout must do: cut off the slow statement within [`PROMPT`] as
/// a `Timeout` with the native code and the SQL, then serve on the same connection,
/// where a run of fast statements longer than the timeout in all is not cut off.
async fn times_out(test: &str, engine: &Engine) {
    let be = on(test, engine);
    let mut conn = engine.acquire().await.unwrap();
    let session = common::session::session_id(&mut conn).await;
    // 30 s without the timeout (SQLite: a count to 10^9, minutes).
    let sql = slow(be, if be == "sqlite" { 312.5 } else { 30.0 });
    let started = Instant::now();
    let err = conn.fetch_all(sql.as_str()).await.unwrap_err();
    let took = started.elapsed();
    assert!(err.is_timeout(), "{be}: {err:?}");
    assert_eq!(err.kind(), ErrorKind::Timeout, "{be}");
    assert_eq!(err.code(), Some(timeout_code(be)), "{be}: {err:?}");
    assert_eq!(err.sql(), Some(sql.as_str()), "{be}");
    assert!(!err.is_connection_error() && !err.is_retryable(), "{be}");
    assert!(
        took >= TIMEOUT && took < PROMPT,
        "{be}: cut off after {took:?}"
    );
    // The same connection (the same server session) serves on.
    let one: i64 = conn.fetch_scalar("SELECT 1").await.unwrap();
    assert_eq!(one, 1, "{be}: after the timeout");
    assert_eq!(
        common::session::session_id(&mut conn).await,
        session,
        "{be}"
    );
    // The deadline is per statement: fast statements for longer than the timeout in all.
    let started = Instant::now();
    let mut n = 0_i64;
    while started.elapsed() < TIMEOUT * 2 {
        n += conn.fetch_scalar::<i64>("SELECT 1").await.unwrap();
    }
    assert!(n > 1, "{be}");
    // Streamed: the stream's item is the timeout.
    let started = Instant::now();
    let item = match conn.stream(sql.as_str()).await {
        Ok(mut rows) => rows.next().await.expect("an item"),
        Err(e) => Err(e),
    };
    let err = item.unwrap_err();
    assert!(err.is_timeout(), "{be}: streamed: {err:?}");
    assert_eq!(err.code(), Some(timeout_code(be)), "{be}: {err:?}");
    assert!(started.elapsed() < PROMPT, "{be}");
    let one: i64 = conn.fetch_scalar("SELECT 1").await.unwrap();
    assert_eq!(one, 1, "{be}: after the streamed timeout");
    drop(conn);
    let one: i64 = engine.fetch_scalar("SELECT 1").await.unwrap();
    assert_eq!(one, 1, "{be}: through the engine");
}

/// Set with `EngineBuilder::statement_timeout`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn builder_timeout_cuts_off_slow_statements() {
    for url in common::live_urls() {
        let engine = Engine::builder()
            .statement_timeout(TIMEOUT)
            .max_size(2)
            .connect(&url)
            .await
            .unwrap_or_else(|e| panic!("cannot connect to {url}: {e}"));
        assert_eq!(engine_timeout(&url, Engine::builder()), None);
        times_out("builder_timeout_cuts_off_slow_statements", &engine).await;
    }
}

/// Set with the URL's `statement_timeout` (seconds), which overrides the builder's.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn url_timeout_cuts_off_slow_statements() {
    for url in common::live_urls() {
        let with = common::with_param(&url, "statement_timeout=0.2");
        assert_eq!(
            engine_timeout(
                &with,
                Engine::builder().statement_timeout(Duration::from_secs(60))
            ),
            Some(TIMEOUT)
        );
        let engine = Engine::builder()
            .statement_timeout(Duration::from_secs(60))
            .max_size(2)
            .connect(&with)
            .await
            .unwrap_or_else(|e| panic!("cannot connect to {with}: {e}"));
        times_out("url_timeout_cuts_off_slow_statements", &engine).await;
    }
}

/// Without the option (or with `statement_timeout=off`), a statement of half a second runs to
/// its end.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_a_timeout_slow_statements_finish() {
    for url in common::live_urls() {
        for url in [
            url.clone(),
            common::with_param(&url, "statement_timeout=off"),
        ] {
            let engine = Engine::builder()
                .max_size(1)
                .connect(&url)
                .await
                .unwrap_or_else(|e| panic!("cannot connect to {url}: {e}"));
            let be = on("without_a_timeout_slow_statements_finish", &engine);
            let sql = slow(be, 0.5);
            let started = Instant::now();
            let rows = engine.fetch_all(sql.as_str()).await.unwrap();
            eprintln!("{be}: {sql} took {:?}", started.elapsed());
            assert_eq!(rows.len(), 1, "{be}");
            // The servers sleep; SQLite's count is quicker on an optimized build.
            if be != "sqlite" {
                assert!(
                    started.elapsed() >= TIMEOUT,
                    "{be}: {:?}",
                    started.elapsed()
                );
            }
        }
    }
}

/// The statement timeout the options for `url` and `builder` end with.
fn engine_timeout(url: &str, builder: quarry::EngineBuilder) -> Option<Duration> {
    let (_, options) = builder.options().clone().apply_url(url).unwrap();
    options.statement_timeout
}
