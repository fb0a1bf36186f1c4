//! Schema diff plans run on every live engine (SQLite always; PostgreSQL and MariaDB when their
//! URLs are set, always in CI): new tables in foreign-key order (the databases check the
//! references when the tables are created), a table rename, an index dropped and created, a
//! table and an enum type dropped, then everything dropped in reverse order. ALTER TABLE
//! compiles on the alter branch, so these plans hold no [`SchemaChange::Alter`].
//!
//! Every table starts with `qdiff_`.

mod common;

use common::catalog::{drop_prefixed, index_names, tables_with_prefix};
use quarry::dialect::EnumStyle;
use quarry::migrate::{diff, Diff, SchemaChange};
use quarry::Executor;
use quarry::{ColumnDef, Engine, ForeignKey, Index, MetaData, SqlType, Table};

const PREFIX: &str = "qdiff_";

fn table(name: &str, parent: Option<&str>) -> Table {
    let t = Table::new(name)
        .column(ColumnDef::new("id", SqlType::BigInt).primary_key())
        .column(ColumnDef::new("label", SqlType::Varchar(40)).not_null());
    match parent {
        Some(p) => t
            .column(ColumnDef::new("parent_id", SqlType::BigInt))
            .foreign_key(ForeignKey::new(["parent_id"], p, ["id"]).named(format!("fk_{name}"))),
        None => t,
    }
}

/// v1: qdiff_c → qdiff_b → qdiff_a (declared against their order), qdiff_b indexed on label,
/// qdiff_m with an enum column.
fn v1() -> MetaData {
    MetaData::new()
        .with(table("qdiff_c", Some("qdiff_b")))
        .with(table("qdiff_b", Some("qdiff_a")).index(Index::on("ix_qdiff_b", ["label"])))
        .with(table("qdiff_a", None))
        .with(table("qdiff_m", None).column(ColumnDef::new(
            "mood",
            SqlType::enumeration("qdiff_mood", ["calm", "busy"]),
        )))
}

/// v2: qdiff_a renamed qdiff_r, qdiff_b's index unique, qdiff_m and its enum type gone, a new
/// qdiff_d referencing qdiff_r.
fn v2() -> MetaData {
    MetaData::new()
        .with(table("qdiff_c", Some("qdiff_b")))
        .with(table("qdiff_b", Some("qdiff_r")).index(Index::on("ix_qdiff_b", ["label"]).unique()))
        .with(table("qdiff_r", None))
        .with(table("qdiff_d", Some("qdiff_r")))
}

async fn run(engine: &Engine, changes: &[SchemaChange]) {
    let be = engine.backend_name();
    for c in changes {
        assert!(!matches!(c, SchemaChange::Alter(_)), "{be}: {c}");
        for stmt in c
            .statements(engine.dialect())
            .unwrap_or_else(|e| panic!("{be}: {c}: {e}"))
        {
            engine
                .execute(&stmt)
                .await
                .unwrap_or_else(|e| panic!("{be}: {c}: {}: {e}", stmt.sql));
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn diff_plans_run_in_order() {
    for engine in common::all_engines().await {
        let be = engine.backend_name();
        eprintln!("diff_plans_run_in_order on {be}");
        let named_enums = engine.dialect().features().enum_style == EnumStyle::NamedType;
        drop_prefixed(&engine, PREFIX).await;
        if named_enums {
            engine
                .execute_script("DROP TYPE IF EXISTS qdiff_mood")
                .await
                .unwrap();
        }

        let empty = MetaData::new();
        run(&engine, &diff(&empty, &v1()).unwrap()).await;
        assert_eq!(
            tables_with_prefix(&engine, PREFIX).await,
            ["qdiff_a", "qdiff_b", "qdiff_c", "qdiff_m"],
            "{be}"
        );
        // (MySQL adds an index of its own for the foreign key.)
        let indexes = index_names(&engine, "qdiff_b").await;
        assert!(
            indexes.contains(&"ix_qdiff_b".to_owned()),
            "{be}: {indexes:?}"
        );

        let changes = Diff::new(&v1(), &v2())
            .rename_table("qdiff_a", "qdiff_r")
            .changes()
            .unwrap();
        let text: Vec<String> = changes.iter().map(ToString::to_string).collect();
        assert_eq!(
            text,
            [
                "drop table qdiff_m",
                "drop index ix_qdiff_b of qdiff_b",
                "rename table qdiff_a to qdiff_r",
                "create table qdiff_d (id BIGINT NOT NULL, label VARCHAR(40) NOT NULL, \
                 parent_id BIGINT NULL)",
                "create unique index ix_qdiff_b on qdiff_b (label)",
                "drop enum qdiff_mood",
            ],
            "{be}"
        );
        run(&engine, &changes).await;
        assert_eq!(
            tables_with_prefix(&engine, PREFIX).await,
            ["qdiff_b", "qdiff_c", "qdiff_d", "qdiff_r"],
            "{be}"
        );
        if named_enums {
            assert!(!common::catalog::named_type_exists(&engine, "qdiff_mood").await);
        }
        // The unique index is in place: a duplicate label is refused.
        for id in [1, 2] {
            let r = engine
                .execute(format!(
                    "INSERT INTO qdiff_b (id, label) VALUES ({id}, 'same')"
                ))
                .await;
            assert_eq!(r.is_ok(), id == 1, "{be}: {r:?}");
        }

        run(&engine, &diff(&v2(), &empty).unwrap()).await;
        assert_eq!(tables_with_prefix(&engine, PREFIX).await, [""; 0], "{be}");
    }
}
