//! Property test: random schemas (tests/common/random_schema.rs: odd names, every type, random
//! foreign-key graphs with cycles) plus random uniques (named and not, column-level and
//! table-level) and indexes (unique or not, descending columns) are created on every database,
//! reflected, and compared table by table with `quarry::migrate::normalize` of the declaration.

mod common;

use common::random_schema::{build, schema};
use proptest::prelude::*;
use quarry::migrate::{normalize, ReflectOptions};
use quarry::{Index, MetaData, SqlType, Table, Unique};

/// What to add to one table: (column selector, descending, unique, named, as a constraint).
type Extra = (usize, bool, bool, bool, bool);

/// A column type every database can index without a prefix length.
fn indexable(t: &SqlType) -> bool {
    !matches!(t, SqlType::Text | SqlType::Blob | SqlType::Json)
}

fn with_extras(md: &MetaData, extras: &[Vec<Extra>]) -> MetaData {
    let mut out = MetaData::new();
    for (i, t) in md.tables().iter().enumerate() {
        let mut t: Table = t.clone();
        let candidates: Vec<String> = t
            .columns
            .iter()
            .filter(|c| c.name != "id" && indexable(&c.sql_type))
            .map(|c| c.name.clone())
            .collect();
        for (k, &(pick, desc, unique, named, constraint)) in
            extras.get(i).into_iter().flatten().enumerate()
        {
            if candidates.is_empty() {
                break;
            }
            let col = candidates[pick % candidates.len()].clone();
            let name = format!("{} x{k}", t.name);
            if constraint {
                // Databases merge identical unique constraints (PostgreSQL, SQLite); a
                // declaration that repeats one is not what this test is about.
                let dup = t
                    .uniques
                    .iter()
                    .any(|u| u.columns == [col.clone(), "id".to_owned()])
                    || t.columns.iter().any(|c| c.name == col && c.unique);
                if dup {
                    continue;
                }
                if named {
                    t = t.unique(Unique::new([col, "id".to_owned()]).named(name));
                } else if let Some(c) = t.columns.iter_mut().find(|c| c.name == col) {
                    c.unique = true;
                }
            } else {
                let ix = Index::new(name);
                let ix = if desc {
                    ix.column_desc(col)
                } else {
                    ix.column(col)
                };
                t = t.index(if unique { ix.unique() } else { ix });
            }
        }
        out = out.with(t);
    }
    out
}

fn run(var: Option<&str>, prefix: &'static str, cases: u32) {
    let Some((rt, engine, mut runner)) = common::prop_setup(var, prefix, cases) else {
        return;
    };
    let extras = prop::collection::vec(
        prop::collection::vec(
            (
                0usize..8,
                any::<bool>(),
                any::<bool>(),
                any::<bool>(),
                any::<bool>(),
            ),
            0..3,
        ),
        4,
    );
    let stats = std::cell::Cell::new((0u32, 0usize, 0usize));
    runner
        .run(&(schema(), extras), |(specs, extras)| {
            let md = with_extras(&build(&specs, prefix), &extras);
            let want = normalize(&md, engine.dialect());
            rt.block_on(async {
                common::catalog::drop_prefixed(&engine, prefix).await;
                engine
                    .create_all(&md)
                    .await
                    .map_err(|e| TestCaseError::fail(format!("create_all: {e}")))?;
                let got = engine.reflect(&ReflectOptions::new().prefix(prefix)).await;
                // Dropped before any assertion, so that a failing case leaves nothing behind.
                engine
                    .drop_all(&md)
                    .await
                    .map_err(|e| TestCaseError::fail(format!("drop_all: {e}")))?;
                let got = got.map_err(|e| TestCaseError::fail(format!("reflect: {e}")))?;
                let mut got: Vec<&Table> = got.tables().iter().collect();
                let mut want: Vec<&Table> = want.tables().iter().collect();
                got.sort_by(|a, b| a.name.cmp(&b.name));
                want.sort_by(|a, b| a.name.cmp(&b.name));
                prop_assert_eq!(got.len(), want.len(), "tables");
                let (mut n, mut t, mut c) = stats.get();
                for (g, w) in got.iter().zip(&want) {
                    prop_assert_eq!(g, w);
                    t += 1;
                    c += w.columns.len();
                }
                n += 1;
                stats.set((n, t, c));
                Ok(())
            })
        })
        .unwrap();
    let (n, t, c) = stats.get();
    eprintln!(
        "reflect round trip on {}: {n} cases, {t} tables, {c} columns",
        engine.dialect().name()
    );
    assert_eq!(n, cases);
}

#[test]
fn random_schemas_reflect_on_sqlite() {
    run(None, "rfp ", 200);
}

#[test]
fn random_schemas_reflect_on_postgres() {
    run(Some("QUARRY_TEST_POSTGRES_URL"), "rfpp ", 100);
}

#[test]
fn random_schemas_reflect_on_mariadb() {
    run(Some("QUARRY_TEST_MYSQL_URL"), "rfpm ", 100);
}
