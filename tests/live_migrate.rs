//! `Engine::migrate_to` on every live database.
//!
//! - Property test: a random schema A is created and filled with rows, evolved at random into
//!   B (columns added with and without defaults, dropped, renamed with a hint, widened, made
//!   nullable, given defaults; indexes added and dropped; tables added, dropped and renamed
//!   with a hint), migrated; then the database reflects as B normalised for the dialect, a
//!   second migrate plans nothing, and every kept column of every kept row holds its value.
//! - A destructive plan is refused unless allowed, and a dry run changes nothing.
//! - A failing step: PostgreSQL and SQLite roll the whole plan back; MariaDB stops there and
//!   the error names the steps that ran.

mod common;

use proptest::prelude::*;
use quarry::migrate::{normalize, MigrateOptions, ReflectOptions};
use quarry::{
    Assign, ColumnDef, Engine, ErrorKind, Executor, Index, MetaData, ServerDefault, SqlType, Table,
    Value,
};
use std::collections::BTreeMap;

/// A column kind the generator uses, with how its values are made.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Kind {
    Int,
    Big,
    Str(u32),
    Text,
    Bool,
}

impl Kind {
    fn sql_type(self) -> SqlType {
        match self {
            Kind::Int => SqlType::Integer,
            Kind::Big => SqlType::BigInt,
            Kind::Str(n) => SqlType::Varchar(n),
            Kind::Text => SqlType::Text,
            Kind::Bool => SqlType::Boolean,
        }
    }

    fn of(t: &SqlType) -> Kind {
        match t {
            SqlType::Integer => Kind::Int,
            SqlType::BigInt => Kind::Big,
            SqlType::Varchar(n) => Kind::Str(*n),
            SqlType::Text => Kind::Text,
            SqlType::Boolean => Kind::Bool,
            other => panic!("no kind for {other:?}"),
        }
    }

    /// A value of this kind made from `seed`.
    fn value(self, seed: i64) -> Value {
        match self {
            Kind::Int => Value::I32(seed as i32),
            Kind::Big => Value::I64(seed * 1_000_003),
            Kind::Str(_) => Value::Text(format!("s{seed}")),
            Kind::Text => Value::Text(format!("text {seed} with 'quotes'")),
            Kind::Bool => Value::Bool(seed % 2 == 0),
        }
    }

    /// A constant server default of this kind.
    fn default(self) -> Value {
        match self {
            Kind::Int | Kind::Big => Value::I32(7),
            Kind::Str(_) | Kind::Text => Value::Text("dflt".into()),
            Kind::Bool => Value::Bool(true),
        }
    }
}

fn kind() -> impl Strategy<Value = Kind> {
    prop_oneof![
        Just(Kind::Int),
        Just(Kind::Big),
        (5u32..40).prop_map(Kind::Str),
        Just(Kind::Text),
        Just(Kind::Bool),
    ]
}

/// One random evolution step; the indexes pick a table and a column modulo their counts.
#[derive(Clone, Debug)]
enum Step {
    AddColumn(usize, Kind, bool),
    DropColumn(usize, usize),
    RenameColumn(usize, usize),
    Widen(usize, usize),
    DropNotNull(usize, usize),
    SetDefault(usize, usize),
    AddIndex(usize, usize),
    DropIndex(usize),
    AddTable(Kind),
    DropTable(usize),
    RenameTable(usize),
}

fn step() -> impl Strategy<Value = Step> {
    let ix = 0usize..8;
    prop_oneof![
        (ix.clone(), kind(), any::<bool>()).prop_map(|(t, k, d)| Step::AddColumn(t, k, d)),
        (ix.clone(), ix.clone()).prop_map(|(t, c)| Step::DropColumn(t, c)),
        (ix.clone(), ix.clone()).prop_map(|(t, c)| Step::RenameColumn(t, c)),
        (ix.clone(), ix.clone()).prop_map(|(t, c)| Step::Widen(t, c)),
        (ix.clone(), ix.clone()).prop_map(|(t, c)| Step::DropNotNull(t, c)),
        (ix.clone(), ix.clone()).prop_map(|(t, c)| Step::SetDefault(t, c)),
        (ix.clone(), ix.clone()).prop_map(|(t, c)| Step::AddIndex(t, c)),
        ix.clone().prop_map(Step::DropIndex),
        kind().prop_map(Step::AddTable),
        ix.clone().prop_map(Step::DropTable),
        ix.prop_map(Step::RenameTable),
    ]
}

/// A generated case: schema A's tables (name → column kinds and nullability; every table has
/// `id BIGINT PRIMARY KEY`), the rows per table, and the evolution.
#[derive(Clone, Debug)]
struct Case {
    tables: Vec<Vec<(Kind, bool)>>,
    rows: usize,
    steps: Vec<Step>,
}

fn case() -> impl Strategy<Value = Case> {
    (
        prop::collection::vec(prop::collection::vec((kind(), any::<bool>()), 1..5), 1..4),
        0usize..6,
        prop::collection::vec(step(), 1..6),
    )
        .prop_map(|(tables, rows, steps)| Case {
            tables,
            rows,
            steps,
        })
}

/// Where each column of B came from: (table in A, column in A) for kept ones.
type Origins = BTreeMap<(String, String), (String, String)>;

/// Schema A of `case` under `prefix`.
fn schema_a(case: &Case, prefix: &str) -> MetaData {
    let mut md = MetaData::new();
    for (i, cols) in case.tables.iter().enumerate() {
        let mut t = Table::new(format!("{prefix}t{i}"))
            .column(ColumnDef::new("id", SqlType::BigInt).primary_key());
        for (j, (k, nullable)) in cols.iter().enumerate() {
            t = t.column(ColumnDef::new(format!("c{j}"), k.sql_type()).nullable(*nullable));
        }
        md = md.with(t);
    }
    md
}

/// Applies the steps to A: schema B, the rename hints, and where B's columns came from.
fn evolve(a: &MetaData, case: &Case, prefix: &str) -> (MetaData, MigrateOptions, Origins) {
    let mut tables: Vec<Table> = a.tables().to_vec();
    // Per table of B: its name in A (None for a new table), per column its name in A.
    let mut origin: Vec<(Option<String>, Vec<Option<String>>)> = tables
        .iter()
        .map(|t| {
            (
                Some(t.name.clone()),
                t.columns.iter().map(|c| Some(c.name.clone())).collect(),
            )
        })
        .collect();
    let mut opts = MigrateOptions::new()
        .allow_destructive(true)
        .scope(ReflectOptions::new().prefix(prefix));
    let mut fresh = 0;
    for s in &case.steps {
        fresh += 1;
        let n = tables.len();
        // A table index and, past `id`, a column index, when there are any.
        let pick = |t: usize, c: usize, tables: &[Table]| -> Option<(usize, usize)> {
            if tables.is_empty() {
                return None;
            }
            let t = t % tables.len();
            let cols = tables[t].columns.len();
            (cols > 1).then(|| (t, 1 + c % (cols - 1)))
        };
        match *s {
            Step::AddColumn(t, k, with_default) if n > 0 => {
                let t = t % n;
                let mut c = ColumnDef::new(format!("n{fresh}"), k.sql_type());
                if with_default {
                    c = c.not_null().server_default(k.default());
                }
                tables[t] = tables[t].clone().column(c);
                origin[t].1.push(None);
            }
            Step::DropColumn(t, c) => {
                if let Some((t, c)) = pick(t, c, &tables) {
                    let name = tables[t].columns[c].name.clone();
                    tables[t].columns.remove(c);
                    tables[t]
                        .indexes
                        .retain(|ix| ix.columns.iter().all(|ic| ic.name != name));
                    origin[t].1.remove(c);
                }
            }
            Step::RenameColumn(t, c) => {
                if let Some((t, c)) = pick(t, c, &tables) {
                    let Some(from) = origin[t].1[c].clone() else {
                        continue; // renaming a column B adds means nothing
                    };
                    if origin[t].0.is_none() || tables[t].columns[c].name != from {
                        continue;
                    }
                    let to = format!("r{fresh}");
                    for ix in &mut tables[t].indexes {
                        for ic in &mut ix.columns {
                            if ic.name == from {
                                ic.name = to.clone();
                            }
                        }
                    }
                    tables[t].columns[c].name = to;
                }
            }
            Step::Widen(t, c) => {
                if let Some((t, c)) = pick(t, c, &tables) {
                    let col = &mut tables[t].columns[c];
                    col.sql_type = match Kind::of(&col.sql_type) {
                        Kind::Int => SqlType::BigInt,
                        Kind::Str(n) => SqlType::Varchar(n + 20),
                        _ => continue,
                    };
                }
            }
            Step::DropNotNull(t, c) => {
                if let Some((t, c)) = pick(t, c, &tables) {
                    tables[t].columns[c].nullable = true;
                }
            }
            Step::SetDefault(t, c) => {
                if let Some((t, c)) = pick(t, c, &tables) {
                    let col = &mut tables[t].columns[c];
                    col.server_default =
                        Some(ServerDefault::Literal(Kind::of(&col.sql_type).default()));
                }
            }
            Step::AddIndex(t, c) => {
                if let Some((t, c)) = pick(t, c, &tables) {
                    let col = tables[t].columns[c].name.clone();
                    if matches!(tables[t].columns[c].sql_type, SqlType::Text) {
                        continue; // MySQL cannot index TEXT without a prefix length
                    }
                    let name = format!("{prefix}ix{fresh}");
                    tables[t] = tables[t].clone().index(Index::on(name, [col]));
                }
            }
            Step::DropIndex(t) if n > 0 => {
                let t = t % n;
                tables[t].indexes.pop();
            }
            Step::AddTable(k) => {
                tables.push(
                    Table::new(format!("{prefix}new{fresh}"))
                        .column(ColumnDef::new("id", SqlType::BigInt).primary_key())
                        .column(ColumnDef::new("v", k.sql_type())),
                );
                origin.push((None, vec![None, None]));
            }
            Step::DropTable(t) if n > 1 => {
                let t = t % n;
                tables.remove(t);
                origin.remove(t);
            }
            Step::RenameTable(t) if n > 0 => {
                let t = t % n;
                if origin[t].0.as_deref() != Some(tables[t].name.as_str()) {
                    continue;
                }
                tables[t].name = format!("{prefix}ren{fresh}");
            }
            _ => {}
        }
    }
    // The rename hints, from what survived: a renamed table or column dropped later is
    // simply dropped.
    let mut origins = Origins::new();
    let mut b = MetaData::new();
    for (t, (from_table, cols)) in tables.into_iter().zip(origin) {
        if let Some(from_table) = from_table {
            if from_table != t.name {
                opts = opts.rename_table(from_table.clone(), t.name.clone());
            }
            for (c, from_col) in t.columns.iter().zip(cols) {
                if let Some(from_col) = from_col {
                    if from_col != c.name {
                        opts = opts.rename_column(t.name.clone(), from_col.clone(), c.name.clone());
                    }
                    origins.insert(
                        (t.name.clone(), c.name.clone()),
                        (from_table.clone(), from_col),
                    );
                }
            }
        }
        b = b.with(t);
    }
    (b, opts, origins)
}

/// The rows of A: `case.rows` per table, NOT NULL columns always filled.
fn rows_of(a: &MetaData, case: &Case) -> BTreeMap<String, Vec<Vec<Assign>>> {
    let mut out = BTreeMap::new();
    for t in a.tables() {
        let rows = (0..case.rows as i64)
            .map(|r| {
                t.columns
                    .iter()
                    .enumerate()
                    .map(|(j, c)| {
                        let v = if c.name == "id" {
                            Value::I64(r + 1)
                        } else if c.nullable && (r + j as i64) % 3 == 0 {
                            Value::Null(Kind::of(&c.sql_type).value(0).value_type())
                        } else {
                            Kind::of(&c.sql_type).value(r * 10 + j as i64)
                        };
                        Assign::new(c.name.clone(), v)
                    })
                    .collect()
            })
            .collect();
        out.insert(t.name.clone(), rows);
    }
    out
}

/// A cell read back, compared across the kinds' spellings: integers (and MariaDB's
/// TINYINT(1) booleans) as i64, text as text, NULL as None.
fn cell(v: &Value) -> Option<String> {
    match v {
        Value::Null(_) => None,
        Value::Bool(b) => Some(i64::from(*b).to_string()),
        Value::I16(n) => Some(n.to_string()),
        Value::I32(n) => Some(n.to_string()),
        Value::I64(n) => Some(n.to_string()),
        Value::Text(s) => Some(s.clone()),
        other => Some(format!("{other:?}")),
    }
}

/// Every row of `table` (columns `cols`), ordered by id, as cells.
async fn read(engine: &Engine, table: &str, cols: &[String]) -> Vec<Vec<Option<String>>> {
    let d = engine.dialect();
    let q = |n: &str| {
        let mut w = quarry::dialect::SqlWriter::new(d);
        w.push_quoted_ident(n);
        w.finish().sql
    };
    let list: Vec<String> = cols.iter().map(|c| q(c)).collect();
    let sql = format!("SELECT {} FROM {} ORDER BY id", list.join(", "), q(table));
    let rows = engine
        .fetch_all(sql.as_str())
        .await
        .unwrap_or_else(|e| panic!("{}: {sql}: {e}", d.name()));
    rows.iter()
        .map(|r| r.values().iter().map(cell).collect())
        .collect()
}

/// Reflects the tables under `prefix` and compares them with `want` normalised.
async fn assert_reflects(engine: &Engine, want: &MetaData, prefix: &str) -> Result<usize, String> {
    assert_reflects_as(engine, want, prefix, |t| t).await
}

/// [`assert_reflects`], both sides passed through `same` first.
async fn assert_reflects_as(
    engine: &Engine,
    want: &MetaData,
    prefix: &str,
    same: impl Fn(Table) -> Table,
) -> Result<usize, String> {
    let got = engine
        .reflect(&ReflectOptions::new().prefix(prefix))
        .await
        .map_err(|e| format!("reflect: {e}"))?;
    let want = normalize(want, engine.dialect());
    let mut got_tables: Vec<Table> = got.tables().iter().cloned().map(&same).collect();
    let mut want_tables: Vec<Table> = want.tables().iter().cloned().map(&same).collect();
    got_tables.sort_by(|a, b| a.name.cmp(&b.name));
    want_tables.sort_by(|a, b| a.name.cmp(&b.name));
    if got_tables != want_tables {
        return Err(format!(
            "reflected schema differs:\n got: {got_tables:#?}\nwant: {want_tables:#?}"
        ));
    }
    Ok(want_tables.iter().map(|t| t.columns.len()).sum())
}

fn run(var: Option<&str>, prefix: &'static str, cases: u32) {
    let Some((rt, engine, mut runner)) = common::prop_setup(var, prefix, cases) else {
        return;
    };
    let stats = std::cell::Cell::new((0u32, 0usize, 0usize));
    runner
        .run(&case(), |case| {
            rt.block_on(async {
                common::catalog::drop_prefixed(&engine, prefix).await;
                let a = schema_a(&case, prefix);
                let (b, opts, origins) = evolve(&a, &case, prefix);
                let fail = |what: &str, e: quarry::Error| {
                    TestCaseError::fail(format!("{}: {what}: {e}", engine.backend_name()))
                };
                // Create A through migrate (from nothing), fill it.
                let scope = MigrateOptions::new().scope(ReflectOptions::new().prefix(prefix));
                engine
                    .migrate_to(&a, &scope)
                    .await
                    .map_err(|e| fail("migrate to A", e))?;
                assert_reflects(&engine, &a, prefix)
                    .await
                    .map_err(TestCaseError::fail)?;
                let rows = rows_of(&a, &case);
                for (t, rows) in &rows {
                    if !rows.is_empty() {
                        engine
                            .execute(quarry::insert(t.clone()).rows(rows.clone()))
                            .await
                            .map_err(|e| fail("insert", e))?;
                    }
                }
                let mut before = BTreeMap::new();
                for t in a.tables() {
                    let cols: Vec<String> = t.columns.iter().map(|c| c.name.clone()).collect();
                    before.insert(
                        t.name.clone(),
                        (cols.clone(), read(&engine, &t.name, &cols).await),
                    );
                }
                // Evolve to B.
                let report = engine
                    .migrate_to(&b, &opts)
                    .await
                    .map_err(|e| fail("migrate to B", e))?;
                let columns = assert_reflects(&engine, &b, prefix)
                    .await
                    .map_err(|e| TestCaseError::fail(format!("after {report}\n{e}")))?;
                let again = engine
                    .migrate_to(&b, &scope)
                    .await
                    .map_err(|e| fail("migrate to B again", e))?;
                prop_assert!(again.is_empty(), "a second migrate plans:\n{again}");
                // Every kept column holds its values.
                for t in b.tables() {
                    let kept: Vec<(&String, &(String, String))> = t
                        .columns
                        .iter()
                        .filter_map(|c| {
                            origins
                                .get(&(t.name.clone(), c.name.clone()))
                                .map(|o| (&c.name, o))
                        })
                        .collect();
                    let Some((_, (from_table, _))) = kept.first() else {
                        continue;
                    };
                    let (from_cols, old_rows) = &before[from_table];
                    let now_cols: Vec<String> = kept.iter().map(|(c, _)| (*c).clone()).collect();
                    let now = read(&engine, &t.name, &now_cols).await;
                    let want: Vec<Vec<Option<String>>> = old_rows
                        .iter()
                        .map(|row| {
                            kept.iter()
                                .map(|(_, (_, from_col))| {
                                    let j = from_cols.iter().position(|c| c == from_col).unwrap();
                                    row[j].clone()
                                })
                                .collect()
                        })
                        .collect();
                    prop_assert_eq!(&now, &want, "data of {} after\n{}", t.name, report);
                }
                let (n, tables, cols) = stats.get();
                stats.set((n + 1, tables + b.tables().len(), cols + columns));
                Ok(())
            })
        })
        .unwrap_or_else(|e| panic!("{}: {e}", engine.backend_name()));
    rt.block_on(common::catalog::drop_prefixed(&engine, prefix));
    let (n, tables, cols) = stats.get();
    eprintln!(
        "migrate evolution on {}: {n} cases, {tables} tables and {cols} columns reflected equal",
        engine.backend_name()
    );
}

#[test]
fn evolution_sqlite() {
    run(None, "mge_", 48);
}

#[test]
fn evolution_postgres() {
    run(Some("QUARRY_TEST_POSTGRES_URL"), "mge_", 32);
}

#[test]
fn evolution_mariadb() {
    run(Some("QUARRY_TEST_MYSQL_URL"), "mge_", 32);
}

/// Two tables: `a` (gets a column) and `b` (gets a unique constraint on duplicated data, the
/// failing step, after `a`'s).
fn failing_pair(prefix: &str, v2: bool) -> MetaData {
    let mut a = Table::new(format!("{prefix}a"))
        .column(ColumnDef::new("id", SqlType::BigInt).primary_key());
    let mut b = Table::new(format!("{prefix}b"))
        .column(ColumnDef::new("id", SqlType::BigInt).primary_key())
        .column(ColumnDef::new("code", SqlType::Varchar(20)));
    if v2 {
        a = a.column(ColumnDef::new("added", SqlType::Integer));
        b = b.unique(quarry::Unique::new(["code"]).named(format!("{prefix}b_code_key")));
    }
    MetaData::new().with(a).with(b)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn refusals_dry_run_and_failing_steps() {
    for engine in common::all_engines().await {
        let be = engine.dialect().name();
        let prefix = "mgf_";
        common::catalog::drop_prefixed(&engine, prefix).await;
        let scope = || MigrateOptions::new().scope(ReflectOptions::new().prefix(prefix));
        let v1 = failing_pair(prefix, false);
        engine.migrate_to(&v1, &scope()).await.unwrap();
        engine
            .execute(
                quarry::insert(format!("{prefix}b")).rows(
                    [1_i64, 2].map(|i| vec![Assign::new("id", i), Assign::new("code", "dup")]),
                ),
            )
            .await
            .unwrap();

        // Dropping a table is destructive: refused, nothing changes.
        let only_a = MetaData::new().with(v1.tables()[0].clone());
        let err = engine.migrate_to(&only_a, &scope()).await.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Destructive, "{be}: {err}");
        assert!(
            err.to_string().contains(&format!("{prefix}b")),
            "{be}: {err}"
        );
        assert_eq!(
            common::catalog::tables_with_prefix(&engine, prefix)
                .await
                .len(),
            2,
            "{be}"
        );

        // A dry run returns the plan and its SQL, and changes nothing.
        let v2 = failing_pair(prefix, true);
        let dry = engine
            .migrate_to(&v2, &scope().dry_run(true))
            .await
            .unwrap();
        assert!(!dry.applied() && dry.statements().len() >= 2, "{be}: {dry}");
        eprintln!("{be}: dry run:\n{dry}");
        assert_reflects(&engine, &v1, prefix).await.unwrap();

        // The unique constraint fails on the duplicates, after `a`'s new column.
        let err = engine.migrate_to(&v2, &scope()).await.unwrap_err();
        let cols = common::catalog::column_names(&engine, &format!("{prefix}a")).await;
        if be == "mariadb" {
            let quarry::Error::PartiallyApplied {
                statements, failed, ..
            } = &err
            else {
                panic!("{be}: {err}");
            };
            assert_eq!(err.kind(), ErrorKind::PartiallyApplied, "{be}: {err}");
            assert!(
                *failed == 1 && statements[0].contains("added"),
                "{be}: {err}"
            );
            assert_eq!(cols, ["id", "added"], "{be}: the step before stays");
        } else {
            assert!(
                err.is_unique_violation() || err.kind() == ErrorKind::Database,
                "{be}: {err}"
            );
            assert_eq!(cols, ["id"], "{be}: all or nothing");
            assert_reflects(&engine, &v1, prefix).await.unwrap();
        }
        common::catalog::drop_prefixed(&engine, prefix).await;
    }
}

/// The suites' fixture schema (every type and constraint kind the dialect has, a foreign-key
/// cycle, a self reference, checks, defaults, comments) migrated from nothing, then again:
/// the second plan is empty, and the database reflects as the fixture normalised.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fixture_from_nothing_then_nothing_to_do() {
    for engine in common::all_engines().await {
        let be = engine.dialect().name();
        let prefix = "mgx_";
        common::catalog::drop_prefixed(&engine, prefix).await;
        if be == "postgresql" {
            // A failed run's enum type (tables are dropped above).
            engine
                .execute_script("DROP TYPE IF EXISTS mgx_mood")
                .await
                .unwrap();
        }
        let md = common::fixture(engine.dialect(), prefix);
        let scope = || MigrateOptions::new().scope(ReflectOptions::new().prefix(prefix));
        let first = engine
            .migrate_to(&md, &scope())
            .await
            .unwrap_or_else(|e| panic!("{be}: {e}"));
        assert!(first.applied(), "{be}");
        let again = engine.migrate_to(&md, &scope()).await.unwrap();
        assert!(again.is_empty(), "{be}: a second migrate plans:\n{again}");
        // The database's spelling of expressions is checked in tests/live_reflect.rs.
        let columns = assert_reflects_as(&engine, &md, prefix, |mut t| {
            t.checks.iter_mut().for_each(|c| c.expr.clear());
            t.indexes
                .iter_mut()
                .for_each(|i| i.filter = i.filter.take().map(|_| String::new()));
            for c in &mut t.columns {
                if let Some(ServerDefault::Expression(e)) = &mut c.server_default {
                    e.clear();
                }
            }
            t
        })
        .await
        .unwrap_or_else(|e| panic!("{be}: {e}"));
        eprintln!(
            "{be}: fixture migrated from nothing, {} tables and {columns} columns reflected equal",
            md.tables().len()
        );
        engine
            .migrate_to(&MetaData::new(), &scope().allow_destructive(true))
            .await
            .unwrap();
        assert!(common::catalog::tables_with_prefix(&engine, prefix)
            .await
            .is_empty());
    }
}

/// A scope of named tables: the ones not created yet are planned, not an error, and a table
/// outside the scope is left alone even though the metadata does not have it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn scope_of_named_tables() {
    for engine in common::all_engines().await {
        let be = engine.dialect().name();
        let prefix = "mgo_";
        common::catalog::drop_prefixed(&engine, prefix).await;
        let table = |n: &str| {
            Table::new(format!("{prefix}{n}"))
                .column(ColumnDef::new("id", SqlType::BigInt).primary_key())
        };
        engine
            .create_all(&MetaData::new().with(table("outside")))
            .await
            .unwrap();
        let scope = MigrateOptions::new()
            .scope(ReflectOptions::new().only([format!("{prefix}a"), format!("{prefix}b")]));
        let v1 = MetaData::new().with(table("a"));
        let first = engine.migrate_to(&v1, &scope).await.unwrap();
        assert_eq!(first.changes().len(), 1, "{be}: {first}");
        let v2 = v1.clone().with(table("b"));
        let second = engine.migrate_to(&v2, &scope).await.unwrap();
        assert_eq!(second.changes().len(), 1, "{be}: {second}");
        assert!(
            engine.migrate_to(&v2, &scope).await.unwrap().is_empty(),
            "{be}"
        );
        assert_eq!(
            common::catalog::tables_with_prefix(&engine, prefix).await,
            [
                format!("{prefix}a"),
                format!("{prefix}b"),
                format!("{prefix}outside")
            ],
            "{be}"
        );
        common::catalog::drop_prefixed(&engine, prefix).await;
    }
}

/// An enum gains a value that becomes the column's default: on PostgreSQL the value is
/// committed before it is used (it cannot be used in the transaction that adds it); MariaDB
/// restates the inline ENUM, SQLite rebuilds the table with the new check. Rows keep their
/// values and a second migrate plans nothing.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn enum_value_added_and_used_at_once() {
    for engine in common::all_engines().await {
        let be = engine.dialect().name();
        let prefix = "mgn_";
        common::catalog::drop_prefixed(&engine, prefix).await;
        if be == "postgresql" {
            engine
                .execute_script("DROP TYPE IF EXISTS mgn_mood")
                .await
                .unwrap();
        }
        let scope = || MigrateOptions::new().scope(ReflectOptions::new().prefix(prefix));
        let schema = |values: &[&str], default: Option<&str>| {
            let mut mood = ColumnDef::new(
                "mood",
                SqlType::enumeration("mgn_mood", values.iter().copied()),
            );
            mood.server_default = default.map(|d| ServerDefault::Literal(Value::Text(d.into())));
            MetaData::new().with(
                Table::new("mgn_t")
                    .column(ColumnDef::new("id", SqlType::BigInt).primary_key())
                    .column(mood),
            )
        };
        let v1 = schema(&["calm", "busy"], None);
        engine
            .migrate_to(&v1, &scope())
            .await
            .unwrap_or_else(|e| panic!("{be}: {e}"));
        // Through the metadata, which casts the text to PostgreSQL's enum type.
        engine
            .execute(
                quarry::insert(&v1.tables()[0])
                    .values(vec![Assign::new("id", 1_i64), Assign::new("mood", "busy")]),
            )
            .await
            .unwrap_or_else(|e| panic!("{be}: {e}"));
        let v2 = schema(&["calm", "busy", "away"], Some("away"));
        let report = engine
            .migrate_to(&v2, &scope())
            .await
            .unwrap_or_else(|e| panic!("{be}: {e}"));
        assert!(report.applied(), "{be}");
        engine
            .execute(quarry::insert("mgn_t").values(Assign::new("id", 2_i64)))
            .await
            .unwrap_or_else(|e| panic!("{be}: {e}"));
        let rows = read(&engine, "mgn_t", &["id".into(), "mood".into()]).await;
        assert_eq!(
            rows,
            [
                [Some("1".to_owned()), Some("busy".to_owned())],
                [Some("2".to_owned()), Some("away".to_owned())],
            ],
            "{be}: {report}"
        );
        let again = engine.migrate_to(&v2, &scope()).await.unwrap();
        assert!(again.is_empty(), "{be}: a second migrate plans:\n{again}");
        engine
            .migrate_to(&MetaData::new(), &scope().allow_destructive(true))
            .await
            .unwrap_or_else(|e| panic!("{be}: {e}"));
    }
}

/// Unnamed unique, check and foreign-key constraints added, then dropped again: by the names
/// the database gave them on PostgreSQL and MariaDB, by content on SQLite (which keeps no
/// names, and rebuilds the table). Each plan leaves nothing for a second one.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unnamed_constraints_come_and_go() {
    for engine in common::all_engines().await {
        let be = engine.dialect().name();
        let prefix = "mgc_";
        common::catalog::drop_prefixed(&engine, prefix).await;
        let scope = || MigrateOptions::new().scope(ReflectOptions::new().prefix(prefix));
        let schema = |constrained: bool| {
            let parent = Table::new("mgc_parent")
                .column(ColumnDef::new("id", SqlType::BigInt).primary_key());
            let mut child = Table::new("mgc_child")
                .column(ColumnDef::new("id", SqlType::BigInt).primary_key())
                .column(ColumnDef::new("pid", SqlType::BigInt))
                .column(ColumnDef::new("code", SqlType::Varchar(10)));
            if constrained {
                child = child
                    .unique(quarry::Unique::new(["code"]))
                    .check(quarry::Check::new("code <> ''"))
                    .foreign_key(quarry::ForeignKey::new(["pid"], "mgc_parent", ["id"]));
            }
            MetaData::new().with(parent).with(child)
        };
        for (step, md) in [schema(false), schema(true), schema(false)]
            .iter()
            .enumerate()
        {
            engine
                .migrate_to(md, &scope())
                .await
                .unwrap_or_else(|e| panic!("{be}: step {step}: {e}"));
            let again = engine.migrate_to(md, &scope()).await.unwrap();
            assert!(
                again.is_empty(),
                "{be}: step {step}: a second plan:\n{again}"
            );
            if step == 1 {
                // The constraints hold: a duplicate code is refused.
                let row = |id: i64| {
                    quarry::insert("mgc_child")
                        .values(vec![Assign::new("id", id), Assign::new("code", "x")])
                };
                engine.execute(row(1)).await.unwrap();
                let err = engine.execute(row(2)).await.unwrap_err();
                assert!(err.is_unique_violation(), "{be}: {err}");
            }
        }
        let got = engine
            .reflect(&ReflectOptions::new().prefix(prefix))
            .await
            .unwrap();
        let child = got.table("mgc_child").expect("mgc_child");
        assert!(
            child.uniques.is_empty() && child.checks.is_empty() && child.foreign_keys.is_empty(),
            "{be}: {child:?}"
        );
        common::catalog::drop_prefixed(&engine, prefix).await;
    }
}
