//! Generated statements (tests/common/gen.rs, parse mode: reads and writes, every construct
//! quarry builds) compile for every dialect and parse with `sqlparser` for that dialect; a
//! sample of them runs on SQLite, PostgreSQL and MariaDB against the seeded schema without a
//! syntax error.
//!
//! 2,000 statements, times `QUARRY_PROP_CASES` (a multiplier; a tenth of them, at most 200,
//! run live). Counts are printed at the end (run with `--nocapture` to see them).

mod common;
#[path = "common/gen.rs"]
mod gen;

use gen::{Mode, Stmt, Traps};
use proptest::strategy::{Strategy, ValueTree};
use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};
use quarry::Executor;
use quarry::{Dialect, Engine, ErrorKind, MariaDb, MySql, Postgres, Sqlite};
use sqlparser::dialect::{
    Dialect as ParserDialect, MySqlDialect, PostgreSqlDialect, SQLiteDialect,
};
use sqlparser::parser::Parser;
use std::collections::BTreeMap;

const PREFIX: &str = "qg_s_";

/// 2,000 statements, times `QUARRY_PROP_CASES` (a multiplier, as in the other property tests).
fn cases() -> usize {
    let n: usize = std::env::var("QUARRY_PROP_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1);
    2000 * n.max(1)
}

/// `n` statements from a fixed-seed runner: the same statements on every run.
fn generate(n: usize) -> Vec<(u64, Stmt)> {
    let mut runner = TestRunner::new_with_rng(
        Config::default(),
        TestRng::deterministic_rng(RngAlgorithm::ChaCha),
    );
    let strategy = gen::statements(Mode::Parse, Traps::default(), PREFIX);
    (0..n)
        .map(|_| strategy.new_tree(&mut runner).unwrap().current())
        .collect()
}

/// quarry's dialects, each with the sqlparser dialect that reads its SQL (MariaDB through
/// MySQL's).
fn dialects() -> Vec<(&'static dyn Dialect, Box<dyn ParserDialect>)> {
    vec![
        (&Postgres, Box::new(PostgreSqlDialect {})),
        (&MySql, Box::new(MySqlDialect {})),
        (&MariaDb, Box::new(MySqlDialect {})),
        (&Sqlite, Box::new(SQLiteDialect {})),
    ]
}

/// Constructs quarry writes correctly that sqlparser 0.64 does not parse, by dialect name and a
/// test on the SQL text. Each is valid SQL for the database (the live sample runs them).
#[allow(clippy::type_complexity)]
const SQLPARSER_GAPS: &[(&str, fn(&str, &str) -> bool)] = &[
    // MariaDB's spelling of FOR SHARE (MySQL 8 has FOR SHARE); sqlparser's MySqlDialect
    // knows only FOR UPDATE / FOR SHARE.
    ("mariadb: LOCK IN SHARE MODE", |d, sql| {
        d == "mariadb" && sql.contains(" LOCK IN SHARE MODE")
    }),
];

fn parse(d: &dyn ParserDialect, sql: &str) -> Result<(), String> {
    Parser::new(d)
        .with_recursion_limit(256)
        .try_with_sql(sql)
        .and_then(|mut p| p.parse_statements())
        .map_err(|e| e.to_string())
        .and_then(|v| {
            if v.len() == 1 {
                Ok(())
            } else {
                Err(format!("{} statements", v.len()))
            }
        })
}

#[derive(Default)]
struct Counts {
    compiled: usize,
    parsed: usize,
    unsupported: usize,
    gaps: usize,
}

#[test]
fn generated_statements_parse_for_every_dialect() {
    let started = std::time::Instant::now();
    let n = cases();
    let stmts = generate(n);
    let mut counts: BTreeMap<&str, Counts> = BTreeMap::new();
    let mut unsupported: BTreeMap<String, usize> = BTreeMap::new();
    let mut gaps: BTreeMap<&str, usize> = BTreeMap::new();
    let mut failures = Vec::new();
    let writes = stmts.iter().filter(|(_, s)| s.is_write()).count();
    for (seed, stmt) in &stmts {
        for (d, pd) in dialects() {
            let c = counts.entry(d.name()).or_default();
            let compiled = match stmt.compile(d) {
                Ok(c) => c,
                Err(e) if e.kind() == ErrorKind::Unsupported => {
                    c.unsupported += 1;
                    *unsupported.entry(format!("{}: {e}", d.name())).or_default() += 1;
                    continue;
                }
                Err(e) => {
                    failures.push(format!(
                        "seed {seed:#x}: {} refused with {:?}: {e}\n  (PostgreSQL: {:?})",
                        d.name(),
                        e.kind(),
                        stmt.debug_sql(&Postgres)
                    ));
                    continue;
                }
            };
            c.compiled += 1;
            let debug = stmt.debug_sql(d);
            let mut gap_hit = false;
            for sql in std::iter::once(Ok(compiled.sql)).chain(std::iter::once(debug)) {
                let sql = match sql {
                    Ok(s) => s,
                    Err(e) => {
                        failures.push(format!(
                            "seed {seed:#x}: {}: debug SQL refused: {e}",
                            d.name()
                        ));
                        continue;
                    }
                };
                match parse(pd.as_ref(), &sql) {
                    Ok(()) => {}
                    Err(e) => {
                        if let Some((gap, _)) = SQLPARSER_GAPS
                            .iter()
                            .find(|(_, applies)| applies(d.name(), &sql))
                        {
                            *gaps.entry(gap).or_default() += 1;
                            gap_hit = true;
                            continue;
                        }
                        failures.push(format!(
                            "seed {seed:#x}: {} SQL does not parse: {e}\n  {sql}",
                            d.name()
                        ));
                        continue;
                    }
                }
            }
            if gap_hit {
                c.gaps += 1;
            } else {
                c.parsed += 1;
            }
        }
    }
    println!(
        "gen_sql: {n} statements generated ({writes} writes) in {:.1?}",
        started.elapsed()
    );
    for (d, c) in &counts {
        println!(
            "gen_sql: {d}: compiled {}, parsed {} (placeholders and inline values), Unsupported {}, sqlparser gaps {}",
            c.compiled, c.parsed, c.unsupported, c.gaps
        );
    }
    for (what, k) in &unsupported {
        println!("gen_sql: Unsupported ×{k}: {what}");
    }
    for (what, k) in &gaps {
        println!("gen_sql: sqlparser gap ×{k}: {what}");
    }
    let shown: Vec<_> = failures.iter().take(15).collect();
    assert!(
        failures.is_empty(),
        "{} failures, first ones:\n{}",
        failures.len(),
        shown
            .iter()
            .map(|s| s.as_str())
            .collect::<Vec<_>>()
            .join("\n")
    );
}

/// Whether a database error says the SQL text is malformed.
fn is_syntax_error(e: &quarry::Error) -> bool {
    match (e.code(), e.to_string()) {
        (Some("42601"), _) => true, // PostgreSQL syntax_error
        (Some("1064"), _) => true,  // MariaDB ER_PARSE_ERROR
        (_, msg) => msg.contains("syntax error"),
    }
}

async fn run_sample(
    engine: &Engine,
    stmts: &[(u64, Stmt)],
) -> (usize, BTreeMap<String, usize>, Vec<String>) {
    let d = engine.dialect();
    let (a, b) = gen::tables(d, PREFIX);
    let md = gen::metadata(&a, &b);
    engine.drop_all(&md).await.unwrap();
    engine.create_all(&md).await.unwrap();
    for ins in gen::seed(&a, &b) {
        engine.execute(&ins).await.unwrap();
    }
    let mut ran = 0;
    let mut errors: BTreeMap<String, usize> = BTreeMap::new();
    let mut syntax = Vec::new();
    for (seed, stmt) in stmts {
        let Ok(compiled) = stmt.compile(d) else {
            continue;
        };
        let result = if stmt.is_write() {
            // Each write in its own transaction, rolled back: the seeded rows stay as they are.
            let mut tx = engine.begin().await.unwrap();
            let r = tx.fetch_all(&compiled).await.map(|_| ());
            tx.rollback().await.unwrap();
            r
        } else {
            engine.fetch_all(&compiled).await.map(|_| ())
        };
        ran += 1;
        if let Err(e) = result {
            if is_syntax_error(&e) {
                syntax.push(format!("seed {seed:#x}: {e}\n  {}", compiled.sql));
            }
            let msg = e.to_string();
            let short: String = msg.chars().take(400).collect();
            *errors
                .entry(format!(
                    "{:?} {}: {short}",
                    e.kind(),
                    e.code().unwrap_or("-")
                ))
                .or_default() += 1;
        }
    }
    engine.drop_all(&md).await.unwrap();
    (ran, errors, syntax)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sampled_statements_run_live_without_syntax_errors() {
    let started = std::time::Instant::now();
    let n = cases();
    let stride = (n / 200).max(1);
    let sample: Vec<(u64, Stmt)> = generate(n).into_iter().step_by(stride).collect();
    let mut syntax_all = Vec::new();
    for engine in common::all_engines().await {
        let (ran, errors, syntax) = run_sample(&engine, &sample).await;
        println!(
            "gen_sql live: {}: {ran} of {} sampled statements run, {} errors",
            engine.dialect().name(),
            sample.len(),
            errors.values().sum::<usize>()
        );
        for (what, k) in &errors {
            println!("gen_sql live: {}: ×{k} {what}", engine.dialect().name());
        }
        syntax_all.extend(
            syntax
                .into_iter()
                .map(|s| format!("{}: {s}", engine.dialect().name())),
        );
    }
    println!("gen_sql live: {:.1?}", started.elapsed());
    assert!(
        syntax_all.is_empty(),
        "syntax errors:\n{}",
        syntax_all.join("\n")
    );
}

/// The negation of a negative value, written inline (debug SQL), must not become `--`, which
/// starts a comment and silently drops the rest of the statement.
#[test]
fn regression_debug_sql_negated_negative_literal_is_no_comment() {
    use quarry::prelude::*;
    let a = quarry::Column::<i64>::new("t", "a");
    let q = select((-val(-1_i64)).label("x"))
        .from("t")
        .filter(a.eq(-val(-2.5_f64).retype::<i64>()));
    for (d, pd) in dialects() {
        let sql = q.to_debug_sql(d).unwrap();
        assert!(!sql.contains("--"), "{}: {sql}", d.name());
        parse(pd.as_ref(), &sql).unwrap_or_else(|e| panic!("{}: {e}: {sql}", d.name()));
    }
    assert_eq!(
        q.to_debug_sql(&Postgres).unwrap(),
        "SELECT - -1 AS x FROM t WHERE t.a = - -2.5"
    );
}
