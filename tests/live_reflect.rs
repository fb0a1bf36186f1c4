//! Schema reflection on every live database: what `create_all` creates (the suites' fixture,
//! the statement generator's two tables, and a rich schema of this file's own),
//! `Engine::reflect` reads back equal to `quarry::migrate::normalize` of the declaration (whole
//! tables compared; the database's spelling of check texts and collations, which are not read
//! back, mapped by hand);
//! a missing named table is a typed error; a type quarry cannot map comes back as `Custom`; the
//! catalog is read with a fixed number of queries.
//!
//! Tables start with `rfl_` (this file's own prefix); each test drops its leftovers first.

mod common;
#[path = "common/gen.rs"]
mod gen;

use common::catalog::drop_prefixed;
use quarry::migrate::{normalize, ReflectOptions};
use quarry::{
    Check, ColumnDef, Dialect, Engine, ErrorKind, Executor, FkAction, ForeignKey, Index, MetaData,
    PrimaryKey, SqlType, Table, Unique,
};
use std::sync::{Arc, Mutex};

/// Drops `prefix`'s tables and, on PostgreSQL, the enum types this file creates.
async fn clean(engine: &Engine, prefix: &str, types: &[String]) {
    drop_prefixed(engine, prefix).await;
    if engine.dialect().name() == "postgresql" {
        for t in types {
            engine
                .execute_script(&format!("DROP TYPE IF EXISTS \"{t}\""))
                .await
                .expect("drop type");
        }
    }
}

/// Check and partial-index texts as each database prints them, where that differs from the
/// declaration (the database's own rewriting, which `normalize` does not predict).
fn printed(dialect: &str, text: &str) -> String {
    match (dialect, text) {
        ("postgresql", "score >= 0") => "score >= 0::double precision".to_owned(),
        ("postgresql", "active = TRUE") => "active = true".to_owned(),
        ("mariadb" | "mysql", "qty > 0 AND qty < 1000") => "qty > 0 and qty < 1000".to_owned(),
        ("postgresql", "role <> ''") => "role::text <> ''::text".to_owned(),
        _ => text.to_owned(),
    }
}

/// `normalize(md)` with check and filter texts as the database prints them.
fn expected(md: &MetaData, d: &dyn Dialect) -> MetaData {
    let mut out = MetaData::new();
    for t in normalize(md, d).tables() {
        let mut t = t.clone();
        for c in &mut t.checks {
            c.expr = printed(d.name(), &c.expr);
        }
        for ix in &mut t.indexes {
            ix.filter = ix.filter.as_deref().map(|f| printed(d.name(), f));
        }
        out = out.with(t);
    }
    out
}

/// `md` with the collated strings of the generator's tables (`VARCHAR(20)` with a binary
/// collation, as `Custom`) as the base type reflection reads back: collations are not
/// reflected.
fn without_collations(md: MetaData) -> MetaData {
    let mut out = MetaData::new();
    for t in md.tables() {
        let mut t = t.clone();
        for c in &mut t.columns {
            if let SqlType::Custom(raw) = &c.sql_type {
                if raw.starts_with("VARCHAR(20) ") && raw.contains("COLLATE") {
                    c.sql_type = SqlType::Varchar(20);
                }
            }
        }
        out = out.with(t);
    }
    out
}

/// Compares reflected and expected tables one by one (sorted by name); returns the number of
/// tables and columns compared.
fn compare(engine: &Engine, got: &MetaData, want: &MetaData) -> (usize, usize) {
    let mut got: Vec<&Table> = got.tables().iter().collect();
    let mut want: Vec<&Table> = want.tables().iter().collect();
    got.sort_by(|a, b| a.name.cmp(&b.name));
    want.sort_by(|a, b| a.name.cmp(&b.name));
    let names = |ts: &[&Table]| ts.iter().map(|t| t.name.clone()).collect::<Vec<_>>();
    assert_eq!(
        names(&got),
        names(&want),
        "{}: tables",
        engine.dialect().name()
    );
    let mut columns = 0;
    for (g, w) in got.iter().zip(&want) {
        assert_eq!(g, w, "{}: table {}", engine.dialect().name(), w.name);
        columns += w.columns.len();
    }
    (want.len(), columns)
}

/// A schema of this file's own beyond the shared fixture: unnamed and named foreign keys
/// with every action the dialect has, composite keys, unnamed uniques and checks, a
/// multi-column descending index, literal defaults of each kind.
fn rich(d: &dyn Dialect, p: &str) -> MetaData {
    let n = |s: &str| format!("{p}{s}");
    let f = d.features();
    let parent = Table::new(n("parent"))
        .comment("the parent")
        .column(ColumnDef::new("a", SqlType::Integer))
        .column(ColumnDef::new("b", SqlType::Varchar(20)))
        .column(ColumnDef::new("code", SqlType::Text).not_null().unique())
        .column(
            ColumnDef::new("qty", SqlType::Integer)
                .not_null()
                .server_default(1_i64),
        )
        .column(
            ColumnDef::new("price", SqlType::numeric(10, 2))
                .server_default(quarry::Value::Text("1.5".into())),
        )
        .column(ColumnDef::new("ratio", SqlType::Double).server_default(0.25_f64))
        .column(
            ColumnDef::new("flag", SqlType::Boolean)
                .not_null()
                .server_default(false),
        )
        .column(ColumnDef::new("label", SqlType::Char(4)).server_default("ab"))
        .column(ColumnDef::new("doc", SqlType::Json))
        .column(ColumnDef::new("raw", SqlType::Blob).comment("bytes"))
        .primary_key(PrimaryKey::new(["a", "b"]))
        .unique(Unique::new(["qty", "label"]))
        .check(Check::new("qty > 0 AND qty < 1000"))
        .check(Check::new("qty <> 7").named(n("ck_qty")))
        .index(
            Index::new(n("ix_parent_multi"))
                .column_desc("qty")
                .column("label"),
        )
        .index(Index::on(n("ix_parent_ratio"), ["ratio"]));
    let set_default = if f.fk_set_default {
        FkAction::SetDefault
    } else {
        FkAction::NoAction
    };
    let child = Table::new(n("child"))
        .column(
            ColumnDef::new("id", SqlType::BigInt)
                .primary_key()
                .autoincrement(),
        )
        .column(ColumnDef::new("pa", SqlType::Integer))
        .column(ColumnDef::new("pb", SqlType::Varchar(20)))
        .column(ColumnDef::new("pc", SqlType::Text))
        .column(ColumnDef::new("other", SqlType::Integer))
        .foreign_key(
            ForeignKey::new(["pa", "pb"], n("parent"), ["a", "b"])
                .on_delete(FkAction::Cascade)
                .on_update(FkAction::SetNull),
        )
        .foreign_key(
            ForeignKey::new(["pc"], n("parent"), ["code"])
                .named(n("fk_child_code"))
                .on_delete(set_default)
                .on_update(FkAction::Restrict),
        )
        .foreign_key(ForeignKey::new(["other"], n("parent"), ["qty"]).on_delete(FkAction::NoAction))
        .index(Index::on(n("ix_child_other"), ["other", "pa"]).unique());
    let mut child = child;
    // `other` references (qty) alone, which must be unique.
    let parent = parent.unique(Unique::new(["qty"]).named(n("uq_parent_qty")));
    if f.partial_indexes {
        child = child.index(Index::on(n("ix_child_partial"), ["pb"]).filter("pa > 0"));
    }
    MetaData::new().with(parent).with(child)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn round_trip_of_declared_schemas() {
    let prefix = "rfl_rt_";
    for engine in common::all_engines().await {
        let d = engine.dialect();
        let types = vec![format!("{prefix}mood")];
        clean(&engine, prefix, &types).await;
        let mut tables = 0;
        let mut columns = 0;
        let (ga, gb) = gen::tables(d, &format!("{prefix}g_"));
        for md in [
            common::fixture(d, prefix),
            rich(d, &format!("{prefix}x_")),
            gen::metadata(&ga, &gb),
        ] {
            engine.create_all(&md).await.expect("create_all");
            let only: Vec<String> = md.tables().iter().map(|t| t.name.clone()).collect();
            let got = engine
                .reflect(&ReflectOptions::new().only(only))
                .await
                .expect("reflect");
            let (t, c) = compare(&engine, &got, &without_collations(expected(&md, d)));
            tables += t;
            columns += c;
            engine.drop_all(&md).await.expect("drop_all");
        }
        eprintln!(
            "reflect round trip of the declared schemas on {}: {tables} tables, {columns} columns",
            d.name()
        );
        clean(&engine, prefix, &types).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn missing_named_table_is_a_typed_error() {
    for engine in common::all_engines().await {
        let err = engine
            .reflect(&ReflectOptions::new().only(["rfl_no_such_table"]))
            .await
            .expect_err("no such table");
        assert_eq!(
            err.kind(),
            ErrorKind::NotFound,
            "{}",
            engine.dialect().name()
        );
        assert!(
            matches!(&err, quarry::Error::TableNotFound { table } if table == "rfl_no_such_table"),
            "{}: {err:?}",
            engine.dialect().name()
        );
        assert!(err.to_string().contains("rfl_no_such_table"));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unmapped_types_come_back_as_custom() {
    let prefix = "rfl_cu_";
    for engine in common::all_engines().await {
        clean(&engine, prefix, &[]).await;
        let (ddl, want): (&str, Vec<(&str, &str)>) = match engine.dialect().name() {
            "postgresql" => (
                "CREATE TABLE rfl_cu_t (a inet, b int4range, c integer[], d numeric, e varchar)",
                vec![
                    ("a", "inet"),
                    ("b", "int4range"),
                    ("c", "integer[]"),
                    ("d", "numeric"),
                    ("e", "character varying"),
                ],
            ),
            "sqlite" => (
                "CREATE TABLE rfl_cu_t (a WHATEVER, b INT8 (3), c)",
                vec![("a", "WHATEVER"), ("b", "INT8 (3)"), ("c", "")],
            ),
            _ => (
                "CREATE TABLE rfl_cu_t (a SET('a','b'), b INT UNSIGNED, c MEDIUMTEXT, d BIT(3))",
                vec![
                    ("a", "set('a','b')"),
                    ("b", "int(10) unsigned"),
                    ("c", "mediumtext"),
                    ("d", "bit(3)"),
                ],
            ),
        };
        engine.execute_script(ddl).await.expect("create");
        let md = engine
            .reflect(&ReflectOptions::new().prefix(prefix))
            .await
            .expect("reflect");
        let t = md.table("rfl_cu_t").expect("reflected");
        let got: Vec<(String, SqlType)> = t
            .columns
            .iter()
            .map(|c| (c.name.clone(), c.sql_type.clone()))
            .collect();
        let want: Vec<(String, SqlType)> = want
            .into_iter()
            .map(|(n, t)| (n.to_owned(), SqlType::custom(t)))
            .collect();
        assert_eq!(got, want, "{}", engine.dialect().name());
        clean(&engine, prefix, &[]).await;
    }
}

/// Counts the `quarry.statement` spans (one per statement run).
#[derive(Clone, Default)]
struct Count(Arc<Mutex<usize>>);

impl tracing::Subscriber for Count {
    fn enabled(&self, _: &tracing::Metadata<'_>) -> bool {
        true
    }
    fn new_span(&self, span: &tracing::span::Attributes<'_>) -> tracing::span::Id {
        let mut n = self.0.lock().unwrap();
        if span.metadata().name() == "quarry.statement" {
            *n += 1;
        }
        tracing::span::Id::from_u64(1)
    }
    fn record(&self, _: &tracing::span::Id, _: &tracing::span::Record<'_>) {}
    fn record_follows_from(&self, _: &tracing::span::Id, _: &tracing::span::Id) {}
    fn event(&self, _: &tracing::Event<'_>) {}
    fn enter(&self, _: &tracing::span::Id) {}
    fn exit(&self, _: &tracing::span::Id) {}
}

fn chain(p: &str, n: usize) -> MetaData {
    let mut md = MetaData::new();
    for i in 0..n {
        let mut t = Table::new(format!("{p}{i:02}"))
            .column(ColumnDef::new("id", SqlType::BigInt).primary_key())
            .column(ColumnDef::new("code", SqlType::Varchar(10)).unique())
            .column(ColumnDef::new("n", SqlType::Integer))
            .index(Index::on(format!("{p}ix{i:02}"), ["n"]));
        if i > 0 {
            t = t.column(
                ColumnDef::new("prev", SqlType::BigInt)
                    .references(format!("{p}{:02}", i - 1), "id"),
            );
        }
        md = md.with(t);
    }
    md
}

#[tokio::test(flavor = "current_thread")]
async fn catalog_queries_do_not_grow_with_tables() {
    let prefix = "rfl_qc_";
    for engine in common::all_engines().await {
        clean(&engine, prefix, &[]).await;
        let md = chain(prefix, 20);
        engine.create_all(&md).await.expect("create_all");
        let mut counts = Vec::new();
        for options in [
            ReflectOptions::new().only([format!("{prefix}00")]),
            ReflectOptions::new().prefix(prefix),
        ] {
            let count = Count::default();
            let reflected = {
                let _guard = tracing::subscriber::set_default(count.clone());
                engine.reflect(&options).await.expect("reflect")
            };
            counts.push((reflected.tables().len(), *count.0.lock().unwrap()));
        }
        let name = engine.dialect().name();
        let queries = match name {
            "sqlite" => 3,
            "postgresql" => 4,
            _ => 6,
        };
        assert_eq!(
            counts,
            [(1, queries), (20, queries)],
            "{name}: (tables, statements)"
        );
        eprintln!("{name}: reflect ran {queries} catalog queries for 1 table and for 20");
        engine.drop_all(&md).await.expect("drop_all");
    }
}

/// What only one database has: PostgreSQL schemas, `serial`, enums in another schema and
/// expression indexes; MariaDB's inline `ENUM` and `AUTO_INCREMENT`; SQLite's expression and
/// partial indexes, `AUTOINCREMENT` and checks in odd places of the CREATE TABLE text.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn database_specific_objects() {
    use quarry::schema::IndexColumn;
    use quarry::{EnumType, ServerDefault, Value};
    let col = |name: &str, descending| IndexColumn {
        name: name.to_owned(),
        descending,
    };
    for engine in common::all_engines().await {
        match engine.dialect().name() {
            "postgresql" => {
                engine
                    .execute_script(
                        "DROP SCHEMA IF EXISTS rfl_schema CASCADE; CREATE SCHEMA rfl_schema; \
                         CREATE TYPE rfl_schema.st AS ENUM ('on', 'it''s off'); \
                         CREATE TABLE rfl_schema.rfl_t (id serial PRIMARY KEY, name varchar(20), \
                         s rfl_schema.st DEFAULT 'on'); \
                         CREATE INDEX rfl_t_ix ON rfl_schema.rfl_t (lower(name) DESC, id) WHERE id > 5",
                    )
                    .await
                    .expect("create");
                let md = engine
                    .reflect(&ReflectOptions::new().schema("rfl_schema").only(["rfl_t"]))
                    .await;
                engine
                    .execute_script("DROP SCHEMA rfl_schema CASCADE")
                    .await
                    .expect("drop");
                let md = md.expect("reflect");
                let t = md.table_in(Some("rfl_schema"), "rfl_t").expect("reflected");
                assert!(t.columns[0].autoincrement && t.columns[0].server_default.is_none());
                assert_eq!(
                    t.columns[2].sql_type,
                    SqlType::Enum(EnumType {
                        name: "st".into(),
                        schema: Some("rfl_schema".into()),
                        values: vec!["on".into(), "it's off".into()],
                    })
                );
                assert_eq!(
                    t.columns[2].server_default,
                    Some(ServerDefault::Literal(Value::Text("on".into())))
                );
                let ix = &t.indexes[0];
                assert_eq!(
                    ix.columns,
                    [col("lower(name::text)", true), col("id", false)]
                );
                assert_eq!(ix.filter.as_deref(), Some("id > 5"));
                let err = engine
                    .reflect(&ReflectOptions::new().schema("rfl_schema").only(["rfl_t"]))
                    .await
                    .expect_err("dropped");
                assert_eq!(
                    err.to_string(),
                    "table rfl_schema.rfl_t not found in the database"
                );
            }
            "sqlite" => {
                engine
                    .execute_script(
                        "CREATE TABLE rfl_t (id INTEGER PRIMARY KEY AUTOINCREMENT, \
                         a TEXT CONSTRAINT \"ck (a)\" CHECK (a <> ')' AND length(a) < (10)), \
                         b INTEGER DEFAULT (1 + 2), CHECK (b IN (1, 2, 3))); \
                         CREATE INDEX rfl_t_ix ON rfl_t (lower(a) DESC, b) WHERE b > 0",
                    )
                    .await
                    .expect("create");
                let md = engine.reflect(&ReflectOptions::new().only(["rfl_t"])).await;
                engine
                    .execute_script("DROP TABLE rfl_t")
                    .await
                    .expect("drop");
                let t = md.expect("reflect").tables()[0].clone();
                assert!(t.columns[0].autoincrement);
                assert_eq!(
                    t.columns[2].server_default,
                    Some(ServerDefault::Expression("1 + 2".into()))
                );
                assert_eq!(
                    t.checks,
                    [
                        Check::new("b IN (1, 2, 3)"),
                        Check::new("a <> ')' AND length(a) < (10)").named("ck (a)"),
                    ]
                );
                let ix = &t.indexes[0];
                assert_eq!(ix.columns, [col("lower(a)", true), col("b", false)]);
                assert_eq!(ix.filter.as_deref(), Some("b > 0"));
            }
            _ => {
                engine
                    .execute_script(
                        "DROP TABLE IF EXISTS rfl_t; CREATE TABLE rfl_t (id INT AUTO_INCREMENT PRIMARY KEY, \
                         e ENUM('a', 'it''s', 'back\\\\slash') NOT NULL DEFAULT 'a', \
                         t TIMESTAMP NULL, KEY rfl_t_ix (e, id DESC))",
                    )
                    .await
                    .expect("create");
                let md = engine.reflect(&ReflectOptions::new().only(["rfl_t"])).await;
                engine
                    .execute_script("DROP TABLE rfl_t")
                    .await
                    .expect("drop");
                let t = md.expect("reflect").tables()[0].clone();
                assert!(t.columns[0].autoincrement);
                assert_eq!(
                    t.columns[1].sql_type,
                    SqlType::enumeration("e", ["a", "it's", "back\\slash"])
                );
                assert_eq!(
                    t.columns[1].server_default,
                    Some(ServerDefault::Literal(Value::Text("a".into())))
                );
                assert_eq!(t.columns[2].sql_type, SqlType::custom("timestamp"));
                assert_eq!(t.indexes[0].columns, [col("e", false), col("id", true)]);
            }
        }
    }
}
