//! Property test: random schemas (names with reserved words, mixed case, spaces, quote
//! characters; random types and foreign-key graphs, cycles included) are created and dropped on
//! every database without error; in between, the catalog lists exactly the schema's tables and
//! each table's columns in order, every name byte-identical. Leftovers of a failed run (tables
//! with the test's prefix) are dropped first, children included.

mod common;

use common::random_schema::{build, schema};
use proptest::prelude::*;
use quarry::Executor;

fn run(var: Option<&str>, prefix: &'static str, cases: u32) {
    let Some((rt, engine, mut runner)) = common::prop_setup(var, prefix, cases) else {
        return;
    };
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
