//! Differential test: generated read queries (tests/common/gen.rs, differential mode) over one
//! schema seeded identically on SQLite, PostgreSQL and MariaDB return the same rows, in the same
//! order, on all three.
//!
//! Normalisation before comparing (each for a documented difference between the databases):
//! - booleans are numbers 0/1 (MariaDB returns comparisons and BOOLEAN columns as integers);
//! - every number is an f64 compared with a relative tolerance of 1e-9 (integer widths differ:
//!   SQLite has only 64-bit integers, PostgreSQL keeps INTEGER as 32 bits; MariaDB returns some
//!   sums and averages as DECIMAL);
//! - text compares exactly (the text columns use binary collations, see `gen::tables`).
//!
//! Every ORDER BY of the generator covers all output columns with explicit NULLS FIRST/LAST, so
//! the order is total over what the query returns and is compared too.
//!
//! Left out by the generator in this mode (see `gen::Traps`; `QUARRY_GEN_TRAPS=int_div,…`
//! puts one back to see the difference): integer division, plain LIKE, CAST(float AS BIGINT),
//! unguarded division by zero, avg over integers.
//!
//! 500 queries, times `QUARRY_PROP_CASES` (a multiplier).

mod common;
#[path = "common/gen.rs"]
mod gen;

use gen::{Mode, Stmt, Traps};
use proptest::strategy::{Strategy, ValueTree};
use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};
use quarry::Executor;
use quarry::{Engine, ErrorKind, Value};

const PREFIX: &str = "qg_d_";

/// A cell in comparable form.
#[derive(Clone, Debug)]
enum Norm {
    Null,
    Num(f64),
    Text(String),
    Other(String),
}

impl PartialEq for Norm {
    fn eq(&self, other: &Norm) -> bool {
        match (self, other) {
            (Norm::Null, Norm::Null) => true,
            (Norm::Num(a), Norm::Num(b)) => {
                a == b || (a - b).abs() <= 1e-9 * a.abs().max(b.abs()).max(1.0)
            }
            (Norm::Text(a), Norm::Text(b)) | (Norm::Other(a), Norm::Other(b)) => a == b,
            _ => false,
        }
    }
}

fn norm(v: &Value) -> Norm {
    match v {
        Value::Null(_) => Norm::Null,
        Value::Bool(b) => Norm::Num(f64::from(u8::from(*b))),
        Value::I16(n) => Norm::Num(f64::from(*n)),
        Value::I32(n) => Norm::Num(f64::from(*n)),
        Value::I64(n) => Norm::Num(*n as f64),
        Value::F32(f) => Norm::Num(f64::from(*f)),
        Value::F64(f) => Norm::Num(*f),
        Value::Decimal(d) => match d.to_string().parse::<f64>() {
            Ok(f) => Norm::Num(f),
            Err(_) => Norm::Other(d.to_string()),
        },
        Value::Text(s) => Norm::Text(s.clone()),
        other => Norm::Other(format!("{other:?}")),
    }
}

/// 500 queries, times `QUARRY_PROP_CASES` (a multiplier, as in the other property tests).
fn cases() -> usize {
    let n: usize = std::env::var("QUARRY_PROP_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1);
    500 * n.max(1)
}

async fn setup(engine: &Engine) -> quarry::MetaData {
    let (a, b) = gen::tables(engine.dialect(), PREFIX);
    let md = gen::metadata(&a, &b);
    engine.drop_all(&md).await.unwrap();
    engine.create_all(&md).await.unwrap();
    for ins in gen::seed(&a, &b) {
        engine.execute(&ins).await.unwrap();
    }
    md
}

type Outcome = Result<Vec<Vec<Norm>>, String>;

async fn run(engine: &Engine, stmt: &Stmt) -> Option<Outcome> {
    let compiled = match stmt.compile(engine.dialect()) {
        Ok(c) => c,
        Err(e) if e.kind() == ErrorKind::Unsupported => return None,
        Err(e) => return Some(Err(format!("compile: {e}"))),
    };
    Some(match engine.fetch_all(&compiled).await {
        Ok(rows) => Ok(rows
            .iter()
            .map(|r| r.values().iter().map(norm).collect())
            .collect()),
        Err(e) => Err(e.to_string()),
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn generated_queries_agree_on_every_database() {
    let started = std::time::Instant::now();
    let engines = common::all_engines().await;
    let mut mds = Vec::new();
    for e in &engines {
        mds.push(setup(e).await);
    }
    let n = cases();
    let mut runner = TestRunner::new_with_rng(
        Config::default(),
        TestRng::deterministic_rng(RngAlgorithm::ChaCha),
    );
    let strategy = gen::statements(Mode::Differential, Traps::from_env(), PREFIX);
    let (mut compared, mut unsupported, mut rows_seen) = (0usize, 0usize, 0usize);
    let mut disagreements = Vec::new();
    for _ in 0..n {
        let (seed, stmt) = strategy.new_tree(&mut runner).unwrap().current();
        let mut outcomes = Vec::new();
        for e in &engines {
            outcomes.push((e.dialect().name(), run(e, &stmt).await));
        }
        if outcomes.iter().any(|(_, o)| o.is_none()) {
            unsupported += 1;
            continue;
        }
        compared += 1;
        let (first_name, first) = (&outcomes[0].0, outcomes[0].1.as_ref().unwrap());
        if let Ok(rows) = first {
            rows_seen += rows.len();
        }
        for (name, o) in &outcomes[1..] {
            let o = o.as_ref().unwrap();
            if o != first {
                let show = |o: &Outcome| match o {
                    Ok(rows) => format!(
                        "{} rows: {:?}",
                        rows.len(),
                        rows.iter().take(6).collect::<Vec<_>>()
                    ),
                    Err(e) => format!("error: {e}"),
                };
                disagreements.push(format!(
                    "seed {seed:#x}: {first_name} and {name} disagree\n  {first_name}: {}\n  {name}: {}\n  SQL ({name}): {}",
                    show(first),
                    show(o),
                    stmt.debug_sql(engines.iter().find(|e| e.dialect().name() == *name).unwrap().dialect()).unwrap_or_default()
                ));
            }
        }
    }
    assert_eq!(engines.len(), mds.len(), "a schema for every engine");
    for (e, md) in engines.iter().zip(&mds) {
        e.drop_all(md).await.unwrap();
    }
    println!(
        "live_differential: {n} queries generated, {compared} compared on {} databases ({rows_seen} rows from the first), {unsupported} skipped as Unsupported somewhere, {} disagreements, {:.1?}",
        engines.len(),
        disagreements.len(),
        started.elapsed()
    );
    assert!(
        disagreements.is_empty(),
        "{} disagreements:\n{}",
        disagreements.len(),
        disagreements
            .iter()
            .take(12)
            .cloned()
            .collect::<Vec<_>>()
            .join("\n")
    );
}

/// `a UNION b INTERSECT c` built as a chain means `(a UNION b) INTERSECT c` on every database:
/// PostgreSQL and MariaDB bind INTERSECT tighter unless quarry parenthesizes, SQLite evaluates
/// left to right.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn regression_set_operators_apply_left_to_right() {
    use quarry::prelude::*;
    let v = |n: i64| select(val(n).label("x"));
    // (1 ∪ 2) ∩ 2 = {2}; 1 ∪ (2 ∩ 2) would be {1, 2}.
    let q = v(1)
        .union(v(2))
        .intersect(v(2))
        .order_by(quarry::DynColumn::new("", "x"));
    // (1 ∪ 2) ∩ 2 ∪ 3 ∩ 3 = ({2} ∪ 3) ∩ 3 = {3}.
    let q2 = v(1)
        .union(v(2))
        .intersect(v(2))
        .union(v(3))
        .intersect(v(3))
        .order_by(quarry::DynColumn::new("", "x"));
    // INTERSECT first needs no parentheses: (2 ∩ 2) ∪ 1 = {1, 2}.
    let q3 = v(2)
        .intersect(v(2))
        .union(v(1))
        .order_by(quarry::DynColumn::new("", "x"));
    for engine in common::all_engines().await {
        let name = engine.dialect().name();
        let got = |rows: Vec<quarry::Row>| {
            rows.iter()
                .map(|r| r.values()[0].as_i64().unwrap())
                .collect::<Vec<_>>()
        };
        assert_eq!(got(engine.fetch_all(&q).await.unwrap()), [2], "{name}");
        assert_eq!(got(engine.fetch_all(&q2).await.unwrap()), [3], "{name}");
        assert_eq!(got(engine.fetch_all(&q3).await.unwrap()), [1, 2], "{name}");
    }
    assert_eq!(
        q.to_debug_sql(&quarry::Postgres).unwrap(),
        "(SELECT 1 AS x UNION SELECT 2 AS x) INTERSECT SELECT 2 AS x ORDER BY x"
    );
}
