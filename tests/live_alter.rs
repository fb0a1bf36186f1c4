//! `Engine::alter` on every live backend (SQLite always; PostgreSQL and MariaDB when their URLs
//! are set, always in CI): each change applied to a table holding rows, and the rows checked
//! afterwards; a plan failing midway rolls back on PostgreSQL and SQLite and reports what ran
//! on MariaDB; SQLite's table rebuild keeps the indexes and the foreign keys of other tables.
//!
//! Every table starts with `alt_` and a prefix of its own test; tests in this binary run
//! concurrently.

mod common;

use common::catalog::{column_names, drop_prefixed, index_names, tables_with_prefix};
use quarry::Executor;
use quarry::{
    AlterTable, Check, ColumnDef, CreateTable, Engine, ErrorKind, ForeignKey, Index, Row,
    ServerDefault, SqlType, Table, Unique, Value,
};

/// Names the backend a scenario now runs on and returns its name.
fn on(test: &str, engine: &Engine) -> &'static str {
    let be = engine.backend_name();
    eprintln!("{test} on {be}");
    be
}

async fn run(engine: &Engine, sql: &str) {
    engine
        .execute_script(sql)
        .await
        .unwrap_or_else(|e| panic!("{}: {sql}: {e}", engine.backend_name()));
}

async fn rows(engine: &Engine, sql: &str) -> Vec<Row> {
    engine
        .fetch_all(sql)
        .await
        .unwrap_or_else(|e| panic!("{}: {sql}: {e}", engine.backend_name()))
}

async fn create(engine: &Engine, t: &Table) {
    engine
        .execute(CreateTable::new(t))
        .await
        .unwrap_or_else(|e| panic!("{}: create {}: {e}", engine.backend_name(), t.name));
    for ix in &t.indexes {
        engine
            .execute(quarry::CreateIndex::new(t, ix))
            .await
            .unwrap_or_else(|e| panic!("{}: index {}: {e}", engine.backend_name(), ix.name));
    }
}

/// Applies `alter` and returns the table's definition afterwards.
async fn alter(engine: &Engine, alter: AlterTable) -> Table {
    let be = engine.backend_name();
    engine
        .alter(&alter)
        .await
        .unwrap_or_else(|e| panic!("{be}: {:?}: {e}", alter.ops()));
    alter.apply().expect("apply")
}

fn texts(rows: &[Row], col: usize) -> Vec<Option<String>> {
    rows.iter()
        .map(|r| r.get::<Option<String>>(col).expect("text"))
        .collect()
}

fn ints(rows: &[Row], col: usize) -> Vec<Option<i64>> {
    rows.iter()
        .map(|r| r.get::<Option<i64>>(col).expect("integer"))
        .collect()
}

/// Every change on its own, on a table holding rows: the rows stay, a renamed column holds the
/// old values, a type change converts them, a new column takes its default, defaults come and
/// go, NOT NULL is refused while NULLs remain (the table unchanged) and enforced after, and
/// unique and check constraints are enforced once added and no longer once dropped.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_change_keeps_the_rows() {
    for engine in common::all_engines().await {
        let be = on("each_change_keeps_the_rows", &engine);
        let p = "alt_each_";
        drop_prefixed(&engine, p).await;
        let mut t = Table::new("alt_each_t")
            .column(ColumnDef::new("id", SqlType::BigInt).primary_key())
            .column(ColumnDef::new("name", SqlType::Varchar(50)).not_null())
            .column(ColumnDef::new("qty", SqlType::Varchar(20)))
            .column(ColumnDef::new("note", SqlType::Varchar(20)));
        create(&engine, &t).await;
        run(
            &engine,
            "INSERT INTO alt_each_t (id, name, qty, note) VALUES (1, 'a', '1', NULL), (2, 'b', '22', 'x')",
        )
        .await;

        t = alter(
            &engine,
            AlterTable::new(&t).add_column(
                ColumnDef::new("flag", SqlType::Integer)
                    .not_null()
                    .server_default(7_i32),
            ),
        )
        .await;
        let r = rows(&engine, "SELECT flag FROM alt_each_t ORDER BY id").await;
        assert_eq!(
            ints(&r, 0),
            [Some(7), Some(7)],
            "{be}: new column's default"
        );

        t = alter(&engine, AlterTable::new(&t).rename_column("name", "title")).await;
        let r = rows(&engine, "SELECT title FROM alt_each_t ORDER BY id").await;
        assert_eq!(texts(&r, 0), [Some("a".into()), Some("b".into())], "{be}");

        t = alter(
            &engine,
            AlterTable::new(&t).alter_type("qty", SqlType::BigInt),
        )
        .await;
        let r = rows(&engine, "SELECT qty FROM alt_each_t ORDER BY id").await;
        assert_eq!(ints(&r, 0), [Some(1), Some(22)], "{be}: converted values");

        t = alter(
            &engine,
            AlterTable::new(&t).set_default("note", ServerDefault::Literal(Value::from("dflt"))),
        )
        .await;
        run(
            &engine,
            "INSERT INTO alt_each_t (id, title) VALUES (3, 'c')",
        )
        .await;
        t = alter(&engine, AlterTable::new(&t).drop_default("note")).await;
        run(
            &engine,
            "INSERT INTO alt_each_t (id, title) VALUES (4, 'd')",
        )
        .await;
        let r = rows(&engine, "SELECT note FROM alt_each_t ORDER BY id").await;
        assert_eq!(
            texts(&r, 0),
            [None, Some("x".into()), Some("dflt".into()), None],
            "{be}: defaults"
        );

        // NULLs present: refused, and the column still takes NULL.
        let refused = AlterTable::new(&t).set_not_null("note");
        let err = engine.alter(&refused).await.expect_err("NULLs present");
        assert_ne!(err.kind(), ErrorKind::PartiallyApplied, "{be}: {err}");
        run(
            &engine,
            "INSERT INTO alt_each_t (id, title) VALUES (5, 'e')",
        )
        .await;
        run(
            &engine,
            "UPDATE alt_each_t SET note = 'n' WHERE note IS NULL",
        )
        .await;
        t = alter(&engine, AlterTable::new(&t).set_not_null("note")).await;
        let err = engine
            .execute_script("INSERT INTO alt_each_t (id, title, note) VALUES (6, 'f', NULL)")
            .await
            .expect_err("NOT NULL enforced");
        assert!(err.is_not_null_violation(), "{be}: {err}");
        t = alter(&engine, AlterTable::new(&t).drop_not_null("note")).await;
        run(
            &engine,
            "INSERT INTO alt_each_t (id, title, note) VALUES (6, 'f', NULL)",
        )
        .await;

        t = alter(
            &engine,
            AlterTable::new(&t).add_unique(Unique::new(["title"]).named("alt_each_uq_title")),
        )
        .await;
        let err = engine
            .execute_script("INSERT INTO alt_each_t (id, title) VALUES (7, 'a')")
            .await
            .expect_err("unique enforced");
        assert!(err.is_unique_violation(), "{be}: {err}");
        t = alter(
            &engine,
            AlterTable::new(&t).add_check(Check::new("flag > 0").named("alt_each_ck_flag")),
        )
        .await;
        let err = engine
            .execute_script("INSERT INTO alt_each_t (id, title, flag) VALUES (7, 'g', 0)")
            .await
            .expect_err("check enforced");
        assert!(err.is_check_violation(), "{be}: {err}");
        t = alter(
            &engine,
            AlterTable::new(&t).drop_constraint("alt_each_ck_flag"),
        )
        .await;
        t = alter(
            &engine,
            AlterTable::new(&t).drop_constraint("alt_each_uq_title"),
        )
        .await;
        run(
            &engine,
            "INSERT INTO alt_each_t (id, title, flag) VALUES (7, 'a', 0)",
        )
        .await;

        t = alter(
            &engine,
            AlterTable::new(&t)
                .set_comment(Some("altered"))
                .set_column_comment("title", Some("the title")),
        )
        .await;
        t = alter(&engine, AlterTable::new(&t).drop_column("qty")).await;
        assert_eq!(
            column_names(&engine, "alt_each_t").await,
            ["id", "title", "note", "flag"],
            "{be}"
        );
        assert_eq!(t.columns.len(), 4);
        let r = rows(
            &engine,
            "SELECT id, title, flag FROM alt_each_t ORDER BY id",
        )
        .await;
        assert_eq!(ints(&r, 0), (1..=7).map(Some).collect::<Vec<_>>(), "{be}");
        assert_eq!(
            texts(&r, 1),
            ["a", "b", "c", "d", "e", "f", "a"].map(|s| Some(s.to_owned())),
            "{be}"
        );
        assert_eq!(ints(&r, 2), [7, 7, 7, 7, 7, 7, 0].map(Some), "{be}");
        drop_prefixed(&engine, p).await;
    }
}

/// Foreign keys: added with a column (unnamed, then named `fk_<table>_<column>`) or on their
/// own, enforced, dropped by name; one the rows violate is refused and changes nothing.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn foreign_keys_come_and_go() {
    for engine in common::all_engines().await {
        let be = on("foreign_keys_come_and_go", &engine);
        let p = "alt_fk_";
        drop_prefixed(&engine, p).await;
        let parent =
            Table::new("alt_fk_parent").column(ColumnDef::new("id", SqlType::BigInt).primary_key());
        let mut child = Table::new("alt_fk_child")
            .column(ColumnDef::new("id", SqlType::BigInt).primary_key())
            .column(ColumnDef::new("pid", SqlType::BigInt));
        create(&engine, &parent).await;
        create(&engine, &child).await;
        run(&engine, "INSERT INTO alt_fk_parent (id) VALUES (1), (2)").await;
        run(
            &engine,
            "INSERT INTO alt_fk_child (id, pid) VALUES (1, 1), (2, 9)",
        )
        .await;

        // pid 9 has no parent: refused, and nothing changed.
        let fk = ForeignKey::new(["pid"], "alt_fk_parent", ["id"]).named("alt_fk_child_pid");
        let err = engine
            .alter(&AlterTable::new(&child).add_foreign_key(fk.clone()))
            .await
            .expect_err("rows violate the key");
        assert!(err.is_foreign_key_violation(), "{be}: {err}");
        run(&engine, "INSERT INTO alt_fk_child (id, pid) VALUES (3, 8)").await;
        run(&engine, "DELETE FROM alt_fk_child WHERE pid > 2").await;

        child = alter(&engine, AlterTable::new(&child).add_foreign_key(fk)).await;
        let err = engine
            .execute_script("INSERT INTO alt_fk_child (id, pid) VALUES (3, 8)")
            .await
            .expect_err("foreign key enforced");
        assert!(err.is_foreign_key_violation(), "{be}: {err}");

        child = alter(
            &engine,
            AlterTable::new(&child).add_column(
                ColumnDef::new("other", SqlType::BigInt).references("alt_fk_parent", "id"),
            ),
        )
        .await;
        let err = engine
            .execute_script("INSERT INTO alt_fk_child (id, pid, other) VALUES (3, 1, 8)")
            .await
            .expect_err("the added column's foreign key is enforced");
        assert!(err.is_foreign_key_violation(), "{be}: {err}");
        run(
            &engine,
            "INSERT INTO alt_fk_child (id, pid, other) VALUES (3, 1, 2)",
        )
        .await;

        child = alter(
            &engine,
            AlterTable::new(&child).drop_constraint("alt_fk_child_pid"),
        )
        .await;
        run(&engine, "INSERT INTO alt_fk_child (id, pid) VALUES (4, 8)").await;
        if engine.dialect().features().alter_add_foreign_key {
            // Named when added, so it can be dropped by that name.
            alter(
                &engine,
                AlterTable::new(&child).drop_constraint("fk_alt_fk_child_other"),
            )
            .await;
            run(
                &engine,
                "INSERT INTO alt_fk_child (id, other) VALUES (5, 8)",
            )
            .await;
        }
        let r = rows(&engine, "SELECT id FROM alt_fk_child ORDER BY id").await;
        let want: &[i64] = if engine.dialect().features().alter_add_foreign_key {
            &[1, 3, 4, 5]
        } else {
            &[1, 3, 4]
        };
        assert_eq!(
            ints(&r, 0),
            want.iter().map(|i| Some(*i)).collect::<Vec<_>>(),
            "{be}"
        );
        drop_prefixed(&engine, p).await;
    }
}

/// A change that rebuilds the table on SQLite (a type change) keeps its rows and indexes, and
/// the foreign keys of another table referencing it are still enforced; on SQLite foreign-key
/// enforcement is on again afterwards.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rebuild_keeps_indexes_and_incoming_foreign_keys() {
    for engine in common::all_engines().await {
        let be = on("rebuild_keeps_indexes_and_incoming_foreign_keys", &engine);
        let p = "alt_rb_";
        drop_prefixed(&engine, p).await;
        let parent = Table::new("alt_rb_parent")
            .column(ColumnDef::new("id", SqlType::BigInt).primary_key())
            .column(ColumnDef::new("code", SqlType::Varchar(10)).not_null())
            .column(ColumnDef::new("size", SqlType::Integer))
            .index(Index::on("alt_rb_ix_code", ["code"]))
            .index(Index::on("alt_rb_uq_size", ["size"]).unique());
        let child = Table::new("alt_rb_child")
            .column(ColumnDef::new("id", SqlType::BigInt).primary_key())
            .column(ColumnDef::new("pid", SqlType::BigInt).references("alt_rb_parent", "id"));
        create(&engine, &parent).await;
        create(&engine, &child).await;
        run(
            &engine,
            "INSERT INTO alt_rb_parent (id, code, size) VALUES (1, 'a', 10), (2, 'b', 20)",
        )
        .await;
        run(&engine, "INSERT INTO alt_rb_child (id, pid) VALUES (1, 1)").await;

        let change = AlterTable::new(&parent)
            .alter_type("size", SqlType::BigInt)
            .set_not_null("size");
        if engine.dialect().name() == "sqlite" {
            let plan = change.compile(engine.dialect()).expect("compile");
            assert!(
                plan[0]
                    .sql
                    .starts_with("CREATE TABLE _quarry_new_alt_rb_parent"),
                "a rebuild"
            );
        }
        alter(&engine, change).await;
        assert_eq!(
            index_names(&engine, "alt_rb_parent").await,
            ["alt_rb_ix_code", "alt_rb_uq_size"],
            "{be}"
        );
        let r = rows(
            &engine,
            "SELECT id, code, size FROM alt_rb_parent ORDER BY id",
        )
        .await;
        assert_eq!(ints(&r, 2), [Some(10), Some(20)], "{be}");
        let err = engine
            .execute_script("INSERT INTO alt_rb_parent (id, code, size) VALUES (3, 'c', 10)")
            .await
            .expect_err("unique index re-created");
        assert!(err.is_unique_violation(), "{be}: {err}");
        let err = engine
            .execute_script("INSERT INTO alt_rb_child (id, pid) VALUES (2, 9)")
            .await
            .expect_err("incoming foreign key still enforced");
        assert!(err.is_foreign_key_violation(), "{be}: {err}");
        let err = engine
            .execute_script("DELETE FROM alt_rb_parent WHERE id = 1")
            .await
            .expect_err("a referenced row cannot go");
        assert!(err.is_foreign_key_violation(), "{be}: {err}");
        if engine.dialect().name() == "sqlite" {
            let r = rows(&engine, "PRAGMA foreign_keys").await;
            assert_eq!(ints(&r, 0), [Some(1)], "foreign keys enforced again");
        }
        assert_eq!(
            tables_with_prefix(&engine, p).await,
            ["alt_rb_child", "alt_rb_parent"],
            "{be}: no table of the rebuild left"
        );
        drop_prefixed(&engine, p).await;
    }
}

/// Dropping a column that a unique constraint over two columns, a check, a foreign key and an
/// index over two columns use: they go with it (MySQL drops them first, SQLite rebuilds), and
/// the rows stay.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dropping_a_keyed_column_drops_its_keys() {
    for engine in common::all_engines().await {
        let be = on("dropping_a_keyed_column_drops_its_keys", &engine);
        let p = "alt_key_";
        drop_prefixed(&engine, p).await;
        let parent = Table::new("alt_key_parent")
            .column(ColumnDef::new("id", SqlType::BigInt).primary_key());
        let t = Table::new("alt_key_t")
            .column(ColumnDef::new("id", SqlType::BigInt).primary_key())
            .column(ColumnDef::new("a", SqlType::Integer))
            .column(ColumnDef::new("b", SqlType::BigInt))
            .column(ColumnDef::new("c", SqlType::Integer))
            .unique(Unique::new(["a", "b"]).named("alt_key_uq_ab"))
            .check(Check::new("b > 0").named("alt_key_ck_b"))
            .foreign_key(ForeignKey::new(["b"], "alt_key_parent", ["id"]).named("alt_key_fk_b"))
            .index(Index::on("alt_key_ix_ca", ["c", "a"]))
            .index(Index::on("alt_key_ix_cb", ["c", "b"]));
        create(&engine, &parent).await;
        create(&engine, &t).await;
        run(&engine, "INSERT INTO alt_key_parent (id) VALUES (1), (2)").await;
        run(
            &engine,
            "INSERT INTO alt_key_t (id, a, b, c) VALUES (1, 5, 1, 7), (2, 6, 2, 8)",
        )
        .await;
        let after = alter(&engine, AlterTable::new(&t).drop_column("b")).await;
        assert!(
            after.uniques.is_empty() && after.checks.is_empty() && after.foreign_keys.is_empty()
        );
        assert_eq!(
            column_names(&engine, "alt_key_t").await,
            ["id", "a", "c"],
            "{be}"
        );
        assert_eq!(
            index_names(&engine, "alt_key_t").await,
            ["alt_key_ix_ca"],
            "{be}"
        );
        // Without the unique constraint, the same `a` twice is fine.
        run(&engine, "INSERT INTO alt_key_t (id, a, c) VALUES (3, 5, 9)").await;
        let r = rows(&engine, "SELECT a, c FROM alt_key_t ORDER BY id").await;
        assert_eq!(ints(&r, 0), [Some(5), Some(6), Some(5)], "{be}");
        assert_eq!(ints(&r, 1), [Some(7), Some(8), Some(9)], "{be}");
        // The parent's rows are no longer referenced.
        run(&engine, "DELETE FROM alt_key_parent").await;
        drop_prefixed(&engine, p).await;
    }
}

/// A plan whose second step fails: PostgreSQL and SQLite roll the first back (the catalog
/// shows no new column); MariaDB keeps it and says so, naming the statements.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failing_step_rolls_back_or_reports_what_ran() {
    for engine in common::all_engines().await {
        let be = on("a_failing_step_rolls_back_or_reports_what_ran", &engine);
        let p = "alt_mid_";
        drop_prefixed(&engine, p).await;
        let t = Table::new("alt_mid_t")
            .column(ColumnDef::new("id", SqlType::BigInt).primary_key())
            .column(ColumnDef::new("note", SqlType::Varchar(20)));
        create(&engine, &t).await;
        run(&engine, "INSERT INTO alt_mid_t (id, note) VALUES (1, NULL)").await;
        let plan = AlterTable::new(&t)
            .add_column(ColumnDef::new("added", SqlType::Integer))
            .set_not_null("note")
            .add_column(ColumnDef::new("never", SqlType::Integer));
        let err = engine.alter(&plan).await.expect_err("NULL in note");
        if engine.dialect().features().transactional_ddl {
            assert_ne!(err.kind(), ErrorKind::PartiallyApplied, "{be}: {err}");
            assert_eq!(
                column_names(&engine, "alt_mid_t").await,
                ["id", "note"],
                "{be}"
            );
        } else {
            assert_eq!(err.kind(), ErrorKind::PartiallyApplied, "{be}: {err}");
            let quarry::Error::PartiallyApplied {
                statements, failed, ..
            } = &err
            else {
                panic!("{be}: {err:?}")
            };
            assert_eq!(*failed, 1, "{be}: {err}");
            assert_eq!(
                statements[0], "ALTER TABLE alt_mid_t ADD COLUMN added INT",
                "{be}"
            );
            assert!(
                statements[1].starts_with("ALTER TABLE alt_mid_t MODIFY COLUMN note"),
                "{}",
                statements[1]
            );
            assert_eq!(
                &statements[2..],
                ["ALTER TABLE alt_mid_t ADD COLUMN never INT"],
                "{be}"
            );
            assert!(
                err.to_string().starts_with("1 of 3 DDL statements ran"),
                "{err}"
            );
            assert!(std::error::Error::source(&err).is_some(), "{be}");
            assert!(err.code().is_some(), "{be}: the database's code");
            assert_eq!(
                column_names(&engine, "alt_mid_t").await,
                ["id", "note", "added"],
                "{be}"
            );
        }
        let r = rows(&engine, "SELECT count(*) FROM alt_mid_t").await;
        assert_eq!(ints(&r, 0), [Some(1)], "{be}");
        assert_eq!(tables_with_prefix(&engine, p).await, ["alt_mid_t"], "{be}");
        if engine.dialect().name() == "sqlite" {
            let r = rows(&engine, "PRAGMA foreign_keys").await;
            assert_eq!(
                ints(&r, 0),
                [Some(1)],
                "foreign keys enforced again after a failure"
            );
        }
        drop_prefixed(&engine, p).await;
    }
}

/// PostgreSQL: a text column becomes an enum (`USING col::type`), the type created by
/// `Engine::alter` as it does not exist yet; a second column of the same type finds it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_text_to_enum() {
    let Some(engine) = common::engine("QUARRY_TEST_POSTGRES_URL").await else {
        return;
    };
    let p = "alt_enum_";
    drop_prefixed(&engine, p).await;
    run(&engine, "DROP TYPE IF EXISTS alt_enum_mood").await;
    run(&engine, "DROP TYPE IF EXISTS alt_enum_other").await;
    let t = Table::new("alt_enum_t")
        .column(ColumnDef::new("id", SqlType::BigInt).primary_key())
        .column(ColumnDef::new("mood", SqlType::Text).server_default("ok"));
    create(&engine, &t).await;
    run(
        &engine,
        "INSERT INTO alt_enum_t VALUES (1, 'ok'), (2, 'sad')",
    )
    .await;
    let mood = SqlType::enumeration("alt_enum_mood", ["sad", "ok"]);
    let t = alter(
        &engine,
        AlterTable::new(&t).alter_type("mood", mood.clone()),
    )
    .await;
    assert!(common::catalog::named_type_exists(&engine, "alt_enum_mood").await);
    alter(
        &engine,
        AlterTable::new(&t).add_column(ColumnDef::new("was", mood).server_default("ok")),
    )
    .await;
    let r = rows(
        &engine,
        "SELECT mood::text, pg_typeof(mood)::text, was::text FROM alt_enum_t ORDER BY id",
    )
    .await;
    assert_eq!(texts(&r, 0), [Some("ok".into()), Some("sad".into())]);
    assert_eq!(
        texts(&r, 1),
        [Some("alt_enum_mood".into()), Some("alt_enum_mood".into())]
    );
    assert_eq!(texts(&r, 2), [Some("ok".into()), Some("ok".into())]);
    // The default, cast to the enum, still applies.
    run(&engine, "INSERT INTO alt_enum_t (id) VALUES (3)").await;
    let r = rows(
        &engine,
        "SELECT pg_typeof(mood)::text, mood::text FROM alt_enum_t WHERE id = 3",
    )
    .await;
    assert_eq!(texts(&r, 0), [Some("alt_enum_mood".into())]);
    assert_eq!(texts(&r, 1), [Some("ok".into())]);
    // A value outside the enum: refused, and the column stays text.
    let t2 = Table::new("alt_enum_u").column(ColumnDef::new("m", SqlType::Text));
    create(&engine, &t2).await;
    run(&engine, "INSERT INTO alt_enum_u VALUES ('meh')").await;
    let other = SqlType::enumeration("alt_enum_other", ["a"]);
    engine
        .alter(&AlterTable::new(&t2).alter_type("m", other))
        .await
        .expect_err("'meh' is no value of the enum");
    let r = rows(&engine, "SELECT pg_typeof(m)::text FROM alt_enum_u").await;
    assert_eq!(texts(&r, 0), [Some("text".into())]);
    assert!(
        !common::catalog::named_type_exists(&engine, "alt_enum_other").await,
        "the type created for it is rolled back too"
    );
    drop_prefixed(&engine, p).await;
    run(&engine, "DROP TYPE IF EXISTS alt_enum_mood").await;
}
