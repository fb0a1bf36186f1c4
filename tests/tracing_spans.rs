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
