//! Each statement runs in a `quarry.statement` tracing span with the backend, the SQL, the rows
//! and the elapsed time; parameters are recorded only when asked for.

mod common;

use quarry::Executor;
use std::sync::{Arc, Mutex};
use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id, Record};
use tracing::{Event, Metadata, Subscriber};

#[derive(Default)]
struct Captured {
    /// (span id, name, fields as "key=value")
    spans: Vec<(u64, String, Vec<String>)>,
}

#[derive(Clone, Default)]
struct Capture(Arc<Mutex<Captured>>);

struct Fields<'a>(&'a mut Vec<String>);

impl Visit for Fields<'_> {
    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        self.0.push(format!("{}={value:?}", field.name()));
    }
    fn record_str(&mut self, field: &Field, value: &str) {
        self.0.push(format!("{}={value}", field.name()));
    }
}

impl Subscriber for Capture {
    fn enabled(&self, _: &Metadata<'_>) -> bool {
        true
    }
    fn new_span(&self, span: &Attributes<'_>) -> Id {
        let mut c = self.0.lock().unwrap();
        let id = c.spans.len() as u64 + 1;
        let mut fields = Vec::new();
        span.record(&mut Fields(&mut fields));
        c.spans
            .push((id, span.metadata().name().to_owned(), fields));
        Id::from_u64(id)
    }
    fn record(&self, span: &Id, values: &Record<'_>) {
        let mut c = self.0.lock().unwrap();
        if let Some(s) = c.spans.iter_mut().find(|s| s.0 == span.into_u64()) {
            values.record(&mut Fields(&mut s.2));
        }
    }
    fn record_follows_from(&self, _: &Id, _: &Id) {}
    fn event(&self, _: &Event<'_>) {}
    fn enter(&self, _: &Id) {}
    fn exit(&self, _: &Id) {}
}

#[tokio::test(flavor = "current_thread")]
async fn statements_are_traced_without_parameters_by_default() {
    common::install();
    let capture = Capture::default();
    let _guard = tracing::subscriber::set_default(capture.clone());
    let engine = quarry::Engine::connect("sqlite::memory:").await.unwrap();
    engine.execute("CREATE TABLE t (a INTEGER)").await.unwrap();
    engine
        .execute(quarry::sql("INSERT INTO t (a) VALUES (:a)").bind("a", 4242_i64))
        .await
        .unwrap();
    let logged = quarry::Engine::builder()
        .log_parameters(true)
        .connect("sqlite::memory:")
        .await
        .unwrap();
    logged
        .fetch_all(quarry::sql("SELECT :a AS v").bind("a", 777_i64))
        .await
        .unwrap();
    let c = capture.0.lock().unwrap();
    let stmts: Vec<&(u64, String, Vec<String>)> = c
        .spans
        .iter()
        .filter(|s| s.1 == "quarry.statement")
        .collect();
    let insert = stmts
        .iter()
        .find(|s| s.2.iter().any(|f| f.contains("INSERT INTO t")))
        .expect("a span for the INSERT");
    assert!(
        insert.2.contains(&"backend=sqlite".to_string()),
        "{:?}",
        insert.2
    );
    assert!(insert.2.contains(&"rows=1".to_string()), "{:?}", insert.2);
    assert!(
        insert.2.iter().any(|f| f.starts_with("elapsed_us=")),
        "{:?}",
        insert.2
    );
    assert!(
        !insert.2.iter().any(|f| f.contains("4242")),
        "parameters leaked: {:?}",
        insert.2
    );
    let select = stmts
        .iter()
        .find(|s| s.2.iter().any(|f| f.contains("SELECT ? AS v")))
        .expect("a span for the SELECT");
    assert!(
        select
            .2
            .iter()
            .any(|f| f.starts_with("params=") && f.contains("777")),
        "{:?}",
        select.2
    );
}

/// One captured event: its level and its fields as "key=value" (the message as `message=…`).
type Logged = (tracing::Level, Vec<String>);

/// The events of the `quarry::query` target.
#[derive(Clone, Default)]
struct Events(Arc<Mutex<Vec<Logged>>>);

impl Subscriber for Events {
    fn register_callsite(&self, _: &'static Metadata<'static>) -> tracing::subscriber::Interest {
        // Asked each time: other tests install subscribers of their own.
        tracing::subscriber::Interest::sometimes()
    }
    fn enabled(&self, m: &Metadata<'_>) -> bool {
        m.target() == "quarry::query" || m.is_span()
    }
    fn new_span(&self, _: &Attributes<'_>) -> Id {
        Id::from_u64(1)
    }
    fn record(&self, _: &Id, _: &Record<'_>) {}
    fn record_follows_from(&self, _: &Id, _: &Id) {}
    fn event(&self, event: &Event<'_>) {
        if event.metadata().target() != "quarry::query" {
            return;
        }
        let mut fields = Vec::new();
        event.record(&mut Fields(&mut fields));
        self.0
            .lock()
            .unwrap()
            .push((*event.metadata().level(), fields));
    }
    fn enter(&self, _: &Id) {}
    fn exit(&self, _: &Id) {}
}

fn field<'a>(fields: &'a [String], name: &str) -> Option<&'a str> {
    fields
        .iter()
        .find_map(|f| f.strip_prefix(name)?.strip_prefix('='))
}

/// Each statement is a `debug` event on `quarry::query` with its SQL, elapsed time and rows;
/// past the slow threshold it is a `warn` instead; parameters appear only with
/// `log_parameters`. On every backend.
#[tokio::test(flavor = "current_thread")]
async fn statements_are_logged_and_slow_ones_warned() {
    for url in common::live_urls() {
        let events = Events::default();
        let _guard = tracing::subscriber::set_default(events.clone());
        let quiet = quarry::Engine::builder()
            .slow_statement_threshold(None)
            .connect(&url)
            .await
            .unwrap();
        let be = quiet.backend_name();
        let n: i64 = quiet
            .fetch_scalar(quarry::sql("SELECT :a AS v").bind("a", 4242_i64))
            .await
            .unwrap();
        assert_eq!(n, 4242);
        let slow = quarry::Engine::builder()
            .slow_statement_threshold(std::time::Duration::ZERO)
            .log_parameters(true)
            .connect(&url)
            .await
            .unwrap();
        slow.fetch_all(quarry::sql("SELECT :b AS w").bind("b", 777_i64))
            .await
            .unwrap();
        let err = slow.execute("SELECT * FROM qtrace_no_such_table").await;
        assert!(err.is_err(), "{be}");
        drop(_guard);

        let got = events.0.lock().unwrap();
        let find = |sql: &str| {
            got.iter()
                .find(|(_, f)| field(f, "sql").is_some_and(|s| s.contains(sql)))
                .unwrap_or_else(|| panic!("{be}: no event for {sql}: {got:?}"))
        };
        let (level, f) = find("AS v");
        assert_eq!(*level, tracing::Level::DEBUG, "{be}: {f:?}");
        assert_eq!(field(f, "message"), Some("statement"), "{be}: {f:?}");
        assert_eq!(field(f, "backend"), Some(be), "{be}: {f:?}");
        assert_eq!(field(f, "rows"), Some("1"), "{be}: {f:?}");
        assert!(field(f, "elapsed").is_some(), "{be}: {f:?}");
        assert!(field(f, "elapsed_us").is_some(), "{be}: {f:?}");
        assert!(
            !f.iter().any(|x| x.contains("4242")),
            "{be}: parameters leaked: {f:?}"
        );

        let (level, f) = find("AS w");
        assert_eq!(*level, tracing::Level::WARN, "{be}: {f:?}");
        assert_eq!(field(f, "message"), Some("slow statement"), "{be}: {f:?}");
        assert_eq!(field(f, "rows"), Some("1"), "{be}: {f:?}");
        assert_eq!(field(f, "threshold"), Some("0ns"), "{be}: {f:?}");
        assert!(field(f, "elapsed").is_some(), "{be}: {f:?}");
        assert!(
            field(f, "params").is_some_and(|p| p.contains("777")),
            "{be}: {f:?}"
        );

        let (level, f) = find("qtrace_no_such_table");
        assert_eq!(*level, tracing::Level::WARN, "{be}: {f:?}");
        let error = field(f, "error").unwrap_or_else(|| panic!("{be}: {f:?}"));
        assert!(error.contains("qtrace_no_such_table"), "{be}: {error}");
    }
}

/// Long SQL is cut in the event (the span keeps it whole).
#[tokio::test(flavor = "current_thread")]
async fn long_statements_are_summarised() {
    common::install();
    let events = Events::default();
    let _guard = tracing::subscriber::set_default(events.clone());
    let engine = quarry::Engine::builder()
        .slow_statement_threshold(None)
        .connect("sqlite::memory:")
        .await
        .unwrap();
    let long = format!("SELECT '{}' AS long_one", "x".repeat(2000));
    engine.fetch_all(long.as_str()).await.unwrap();
    let got = events.0.lock().unwrap();
    let (_, f) = got
        .iter()
        .find(|(_, f)| field(f, "sql").is_some_and(|s| s.starts_with("SELECT 'xxx")))
        .expect("an event");
    let sql = field(f, "sql").unwrap();
    assert!(sql.len() < 600, "{sql}");
    assert!(sql.ends_with("more bytes)"), "{sql}");
}
