//! Property test: random schemas (names with reserved words, mixed case, spaces, quote
//! characters; random types and foreign-key graphs, cycles included) are created and dropped on
//! every database without error; in between, the catalog lists exactly the schema's tables and
//! each table's columns in order, every name byte-identical. Leftovers of a failed run (tables
//! with the test's prefix) are dropped first, children included.

mod common;

use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use quarry::Executor;
use quarry::{ColumnDef, Engine, ForeignKey, MetaData, SqlType, Table};

const RESERVED: &[&str] = &[
    "select",
    "order",
    "group",
    "key",
    "table",
    "user",
    "from",
    "where",
    "index",
    "check",
    "default",
    "limit",
    "offset",
    "returning",
    "values",
    "column",
    "Primary",
    "desc",
];

fn ident() -> impl Strategy<Value = String> {
    prop_oneof![
        prop::sample::select(RESERVED).prop_map(str::to_owned),
        "[a-z][a-z0-9_]{0,10}",
        "[A-Za-z][A-Za-z0-9_ ]{0,12}[A-Za-z0-9]",
        "[a-z][a-z0-9 \"`'$é-]{0,10}[a-z]",
    ]
}

fn key_type() -> impl Strategy<Value = SqlType> {
    prop_oneof![
        Just(SqlType::Integer),
        Just(SqlType::BigInt),
        Just(SqlType::SmallInt),
        (1u32..40).prop_map(SqlType::Varchar),
    ]
}

fn any_type() -> impl Strategy<Value = SqlType> {
    prop_oneof![
        key_type(),
        Just(SqlType::Boolean),
        Just(SqlType::Real),
        Just(SqlType::Double),
        (1u16..30, 0u16..10).prop_map(|(p, s)| SqlType::numeric(p.max(s).max(1), s)),
        (1u32..10).prop_map(SqlType::Char),
        Just(SqlType::Text),
        Just(SqlType::Blob),
        Just(SqlType::Date),
        Just(SqlType::Time),
        Just(SqlType::Timestamp),
        Just(SqlType::TimestampTz),
        Just(SqlType::Uuid),
        Just(SqlType::Json),
    ]
}

/// Names unique without regard to case (MySQL and SQLite compare them so).
fn unique_names(raw: Vec<String>, prefix: &str) -> Vec<String> {
    let mut seen = std::collections::HashSet::new();
    raw.into_iter()
        .enumerate()
        .map(|(i, n)| {
            let mut name = format!("{prefix}{n}");
            if !seen.insert(name.to_lowercase()) {
                name = format!("{prefix}{n}{i}");
                seen.insert(name.to_lowercase());
            }
            name
        })
        .collect()
}

#[derive(Clone, Debug)]
struct Spec {
    key_type: SqlType,
    columns: Vec<(String, SqlType, bool)>,
    /// Foreign keys to other tables (by index), nullable so cycles can be created.
    fks: Vec<usize>,
}

fn schema() -> impl Strategy<Value = Vec<(String, Spec)>> {
    (1usize..5).prop_flat_map(|n| {
        let table = (
            ident(),
            key_type(),
            prop::collection::vec((ident(), any_type(), any::<bool>()), 0..5),
            prop::collection::vec(0..n, 0..3),
        );
        prop::collection::vec(table, n).prop_map(|tables| {
            tables
                .into_iter()
                .map(|(name, key_type, columns, fks)| {
                    (
                        name,
                        Spec {
                            key_type,
                            columns,
                            fks,
                        },
                    )
                })
                .collect()
        })
    })
}

fn build(specs: &[(String, Spec)], prefix: &str) -> MetaData {
    let names = unique_names(specs.iter().map(|s| s.0.clone()).collect(), prefix);
    let mut md = MetaData::new();
    for (i, (_, spec)) in specs.iter().enumerate() {
        let cols = unique_names(spec.columns.iter().map(|c| c.0.clone()).collect(), "c ");
        assert_eq!(cols.len(), spec.columns.len(), "a name for every column");
        let mut t = Table::new(names[i].clone())
            .column(ColumnDef::new("id", spec.key_type.clone()).primary_key());
        for ((_, ty, nullable), name) in spec.columns.iter().zip(cols) {
            t = t.column(ColumnDef::new(name, ty.clone()).nullable(*nullable));
        }
        for (k, &target) in spec.fks.iter().enumerate() {
            let col = format!("fk {k}");
            t = t
                .column(ColumnDef::new(
                    col.clone(),
                    specs[target].1.key_type.clone(),
                ))
                .foreign_key(ForeignKey::new([col], names[target].clone(), ["id"]));
        }
        md = md.with(t);
    }
    md
}

fn run(var: Option<&str>, prefix: &'static str, cases: u32) {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let engine: Engine = match var {
        Some(v) => match rt.block_on(common::engine(v)) {
            Some(e) => e,
            None => return,
        },
        None => {
            common::install();
            rt.block_on(Engine::connect("sqlite::memory:")).unwrap()
        }
    };
    rt.block_on(common::catalog::drop_prefixed(&engine, prefix));
    let mut runner = TestRunner::new(Config {
        cases,
        failure_persistence: None,
        ..Config::default()
    });
    let created = std::cell::Cell::new(0u32);
    let odd = std::cell::Cell::new(0u32);
    runner
        .run(&schema(), |specs| {
            let md = build(&specs, prefix);
            let weird = |n: &str| {
                n.chars()
                    .any(|c| matches!(c, '"' | '`' | '\'' | 'é') || c.is_ascii_uppercase())
            };
            if md
                .tables()
                .iter()
                .any(|t| weird(&t.name) || t.columns.iter().any(|c| weird(&c.name)))
            {
                odd.set(odd.get() + 1);
            }
            rt.block_on(async {
                engine
                    .drop_all(&md)
                    .await
                    .map_err(|e| TestCaseError::fail(format!("pre-clean: {e}")))?;
                engine
                    .create_all(&md)
                    .await
                    .map_err(|e| TestCaseError::fail(format!("create_all: {e}")))?;
                let mut want: Vec<String> = md.tables().iter().map(|t| t.name.clone()).collect();
                want.sort();
                let listed = common::catalog::tables_with_prefix(&engine, prefix).await;
                prop_assert_eq!(listed, want, "tables after create_all");
                for t in md.tables() {
                    let exists = engine
                        .has_table(None, &t.name)
                        .await
                        .map_err(|e| TestCaseError::fail(e.to_string()))?;
                    prop_assert!(exists, "table {:?} missing after create_all", t.name);
                    let cols = common::catalog::column_names(&engine, &t.name).await;
                    let want: Vec<&str> = t.columns.iter().map(|c| c.name.as_str()).collect();
                    prop_assert_eq!(cols, want, "columns of {:?}", t.name);
                }
                engine
                    .drop_all(&md)
                    .await
                    .map_err(|e| TestCaseError::fail(format!("drop_all: {e}")))?;
                for t in md.tables() {
                    let exists = engine
                        .has_table(None, &t.name)
                        .await
                        .map_err(|e| TestCaseError::fail(e.to_string()))?;
                    prop_assert!(!exists, "table {:?} left after drop_all", t.name);
                }
                let listed = common::catalog::tables_with_prefix(&engine, prefix).await;
                prop_assert!(listed.is_empty(), "left after drop_all: {:?}", listed);
                Ok(())
            })?;
            created.set(created.get() + 1);
            Ok(())
        })
        .unwrap();
    assert!(
        odd.get() > cases / 4,
        "too few schemas with quoted names: {}",
        odd.get()
    );
    println!("{prefix}: {} random schemas created and dropped on {} ({} with quote characters, upper case or é in names)", created.get(), engine.backend_name(), odd.get());
}

#[test]
fn random_schemas_on_sqlite() {
    run(None, "qps ", 300);
}

#[test]
fn random_schemas_on_postgres() {
    run(Some("QUARRY_TEST_POSTGRES_URL"), "qpp ", 200);
}

#[test]
fn random_schemas_on_mariadb() {
    run(Some("QUARRY_TEST_MYSQL_URL"), "qpm ", 200);
}
