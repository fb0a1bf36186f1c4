//! DDL scenarios every backend must pass, each written once and run on every live engine
//! (SQLite always; PostgreSQL and MariaDB when their URLs are set, always in CI): `create_all`
//! twice and `drop_all` leaving nothing, the fixture schema enforcing what it declares and
//! filling its defaults, invalid metadata never reaching the database, server errors
//! classified with their SQL and native codes, and the leftovers of a failed run dropped by
//! prefix. A scenario asks what the dialect's features say, never which dialect it is; every
//! failure message names the backend. Reading each backend's catalog back is backend-specific:
//! `live_ddl_{sqlite,postgres,mysql}.rs`.
//!
//! Every table starts with `qddl_` and a prefix of its own test; tests in this binary run
//! concurrently.

mod common;

use common::catalog::{drop_prefixed, named_type_exists, tables_with_prefix};
use quarry::dialect::{AutoIncrementStyle, EnumStyle};
use quarry::value::{Decimal, Timestamp};
use quarry::Executor;
use quarry::{
    sql, Check, ColumnDef, Compiled, Engine, ErrorKind, ForeignKey, IntoCompiled, MetaData,
    SqlType, Table, Value, ValueType,
};

/// Names the backend a scenario now runs on (shown with the output of a failing test, so that
/// any failure, an `unwrap` included, is placed on its backend) and returns its name.
fn on(test: &str, engine: &Engine) -> &'static str {
    let be = engine.backend_name();
    eprintln!("{test} on {be}");
    be
}

/// `q` compiled for the engine's dialect, so that an error's SQL can be compared with it.
fn compiled(engine: &Engine, q: impl IntoCompiled) -> Compiled {
    q.into_compiled(engine.dialect())
        .unwrap_or_else(|e| panic!("{}: compile: {e}", engine.backend_name()))
}

/// The metadata's table names, sorted.
fn table_names(md: &MetaData) -> Vec<String> {
    let mut names: Vec<String> = md.tables().iter().map(|t| t.name.clone()).collect();
    names.sort();
    names
}

/// `create_all` creates the fixture (every type and constraint kind, a foreign-key cycle, a
/// self reference); a second `create_all` finds everything in place and changes nothing (a row
/// stays); `drop_all` leaves no table, nor a named enum type where enums are named types, and a
/// second `drop_all` skips what is missing.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn create_all_is_idempotent_and_drop_all_cleans_up() {
    for engine in common::all_engines().await {
        let be = on("create_all_is_idempotent_and_drop_all_cleans_up", &engine);
        let prefix = "qddl_idem_";
        let md = common::fixture(engine.dialect(), prefix);
        drop_prefixed(&engine, prefix).await;
        assert_eq!(tables_with_prefix(&engine, prefix).await, [""; 0], "{be}");

        engine
            .create_all(&md)
            .await
            .unwrap_or_else(|e| panic!("{be}: create_all: {e}"));
        let created = tables_with_prefix(&engine, prefix).await;
        assert_eq!(created, table_names(&md), "{be}");
        let users = format!("{prefix}users");
        assert!(engine.has_table(None, &users).await.unwrap(), "{be}");
        engine
            .execute(
                sql(format!("INSERT INTO {users} (name, email) VALUES (:n, :e)"))
                    .bind("n", "Ann")
                    .bind("e", "ann@example.com"),
            )
            .await
            .unwrap();

        engine
            .create_all(&md)
            .await
            .unwrap_or_else(|e| panic!("{be}: second create_all: {e}"));
        assert_eq!(tables_with_prefix(&engine, prefix).await, created, "{be}");
        let n: i64 = engine
            .fetch_scalar(format!("SELECT COUNT(*) FROM {users}"))
            .await
            .unwrap();
        assert_eq!(n, 1, "{be}: the second create_all changed the data");

        engine.drop_all(&md).await.unwrap();
        assert_eq!(tables_with_prefix(&engine, prefix).await, [""; 0], "{be}");
        assert!(!engine.has_table(None, &users).await.unwrap(), "{be}");
        if engine.dialect().features().enum_style == EnumStyle::NamedType {
            assert!(
                !named_type_exists(&engine, &format!("{prefix}mood")).await,
                "{be}: drop_all left the enum type"
            );
        }
        engine
            .drop_all(&md)
            .await
            .unwrap_or_else(|e| panic!("{be}: second drop_all: {e}"));
    }
}

/// The fixture enforces its UNIQUE, FOREIGN KEY, NOT NULL and CHECK constraints and its enum
/// (a CHECK where enums are checks, the server's data error where they are types), and a row
/// given only its required columns takes every server default and a generated key.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_fixture_enforces_what_it_declares_and_fills_its_defaults() {
    for engine in common::all_engines().await {
        let be = on(
            "the_fixture_enforces_what_it_declares_and_fills_its_defaults",
            &engine,
        );
        let prefix = "qddl_enf_";
        let md = common::fixture(engine.dialect(), prefix);
        drop_prefixed(&engine, prefix).await;
        engine.create_all(&md).await.unwrap();
        let orgs = format!("{prefix}orgs");
        let users = format!("{prefix}users");
        engine
            .execute(format!(
                "INSERT INTO {orgs} (id, name, code) VALUES (1, 'a', 'x')"
            ))
            .await
            .unwrap();
        let dup = format!("INSERT INTO {orgs} (id, name, code) VALUES (2, 'a', 'x')");
        let err = engine.execute(dup.as_str()).await.unwrap_err();
        assert!(err.is_unique_violation(), "{be}: {err}");
        assert_eq!(err.code(), Some(native_codes(be).unique), "{be}: {err}");
        assert_eq!(err.sql(), Some(dup.as_str()), "{be}");
        let err = engine
            .execute(format!(
                "INSERT INTO {prefix}memberships (org_id, user_id) VALUES (9, 9)"
            ))
            .await
            .unwrap_err();
        assert!(err.is_foreign_key_violation(), "{be}: {err}");
        // A NULL given, and a NOT NULL column without a default left out.
        for insert in [
            format!("INSERT INTO {orgs} (id, name, code) VALUES (3, 'b', NULL)"),
            format!("INSERT INTO {orgs} (id, name) VALUES (3, 'b')"),
        ] {
            let err = engine.execute(insert.as_str()).await.unwrap_err();
            assert!(err.is_not_null_violation(), "{be}: {insert}: {err}");
        }
        let user = |column: &str, value: Value| {
            sql(format!(
                "INSERT INTO {users} (name, email, {column}) VALUES (:n, :e, :v)"
            ))
            .bind("n", "n")
            .bind("e", "e")
            .bind("v", value)
        };
        let err = engine
            .execute(user("score", Value::F64(-1.0)))
            .await
            .unwrap_err();
        assert!(err.is_check_violation(), "{be}: {err}");
        let err = engine
            .execute(user("mood", Value::from("angry")))
            .await
            .unwrap_err();
        if engine.dialect().features().enum_style == EnumStyle::Check {
            assert!(err.is_check_violation(), "{be}: enum check: {err}");
        } else {
            assert_eq!(err.kind(), ErrorKind::Database, "{be}: enum value: {err}");
        }

        // Defaults and the generated key.
        engine
            .execute(
                sql(format!("INSERT INTO {users} (name, email) VALUES (:n, :e)"))
                    .bind("n", "ann")
                    .bind("e", "a@x"),
            )
            .await
            .unwrap();
        let row = engine
            .fetch_one(format!(
                "SELECT id, active, balance, small, medium, motto, role, created_at, mood \
                 FROM {users}, (SELECT 'x' AS role) AS r"
            ))
            .await
            .unwrap();
        // The failed INSERTs may have used keys up (sequences and AUTO_INCREMENT counters do
        // not go back); a rowid is the largest one plus one.
        let id = row.get::<i64>("id").unwrap();
        if engine.dialect().features().autoincrement == AutoIncrementStyle::RowidPrimaryKey {
            assert_eq!(id, 1, "{be}");
        } else {
            assert!(id >= 1, "{be}: {id}");
        }
        assert!(row.get::<bool>("active").unwrap(), "{be}");
        assert_eq!(
            row.get::<Decimal>("balance").unwrap(),
            "0.00".parse::<Decimal>().unwrap(),
            "{be}"
        );
        assert_eq!(row.get::<i64>("small").unwrap(), -3, "{be}");
        assert_eq!(row.get::<i64>("medium").unwrap(), 7, "{be}");
        assert_eq!(row.get::<String>("motto").unwrap(), "it's \\ fine", "{be}");
        assert_eq!(row.get::<String>("role").unwrap(), "x", "{be}");
        let created = row.get::<Timestamp>("created_at");
        assert!(created.is_ok(), "{be}: created_at: {created:?}");
        assert_eq!(row.get::<Option<String>>("mood").unwrap(), None, "{be}");
        engine.drop_all(&md).await.unwrap();
    }
}

/// Metadata the validator refuses never reaches the database: a foreign key to a missing
/// table, one whose column type differs from the key it references, and (where keys on BLOB
/// need a length) a BLOB primary key. `create_all` and `drop_all` both refuse them, no error
/// comes from the server, and no table is created.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn invalid_schema_creates_nothing() {
    for engine in common::all_engines().await {
        let be = on("invalid_schema_creates_nothing", &engine);
        let prefix = "qddl_bad_";
        let n = |s: &str| format!("{prefix}{s}");
        drop_prefixed(&engine, prefix).await;
        let parent =
            Table::new(n("parent")).column(ColumnDef::new("id", SqlType::BigInt).primary_key());
        let dangling = MetaData::new().with(parent.clone()).with(
            Table::new(n("child"))
                .column(ColumnDef::new("id", SqlType::BigInt).primary_key())
                .column(ColumnDef::new("p", SqlType::BigInt).references(n("missing"), "id")),
        );
        let mismatched = MetaData::new().with(parent.clone()).with(
            Table::new(n("child"))
                .column(ColumnDef::new("id", SqlType::BigInt).primary_key())
                .column(ColumnDef::new("p", SqlType::Integer).references(n("parent"), "id")),
        );
        let mistyped = MetaData::new().with(parent).with(
            Table::new(n("child"))
                .column(ColumnDef::new("id", SqlType::BigInt).primary_key())
                .column(ColumnDef::new("p", SqlType::Varchar(10)).references(n("parent"), "id")),
        );
        for (what, md) in [
            ("FK to a missing table", &dangling),
            ("FK of another integer type", &mismatched),
            ("FK of a text type", &mistyped),
        ] {
            let err = engine.create_all(md).await.unwrap_err();
            assert_eq!(err.kind(), ErrorKind::InvalidSchema, "{be}: {what}: {err}");
            assert_eq!(err.code(), None, "{be}: {what}: from the server: {err}");
            let err = engine.drop_all(md).await.unwrap_err();
            assert_eq!(err.kind(), ErrorKind::InvalidSchema, "{be}: {what}: {err}");
        }
        if engine.dialect().features().text_keys_need_length {
            // (A TEXT key is created VARCHAR(255) there; a BLOB key has no such form.)
            let text_pk = MetaData::new().with(
                Table::new(n("textpk")).column(ColumnDef::new("k", SqlType::Blob).primary_key()),
            );
            let err = engine.create_all(&text_pk).await.unwrap_err();
            assert!(
                matches!(
                    err.kind(),
                    ErrorKind::InvalidSchema | ErrorKind::Unsupported
                ),
                "{be}: PRIMARY KEY on BLOB: {err} ({:?})",
                err.kind()
            );
            assert_eq!(err.code(), None, "{be}: from the server: {err}");
        }
        assert_eq!(tables_with_prefix(&engine, prefix).await, [""; 0], "{be}");
    }
}

/// The native codes each backend documents for the errors provoked below (from the databases'
/// manuals, not from quarry): PostgreSQL's SQLSTATEs, MariaDB's errnos, SQLite's extended
/// result codes.
struct NativeCodes {
    unique: &'static str,
    primary_key: &'static str,
    fk_insert: &'static str,
    fk_delete: &'static str,
    not_null: &'static str,
    check: &'static str,
    syntax: &'static str,
}

fn native_codes(backend: &str) -> NativeCodes {
    match backend {
        "postgres" => NativeCodes {
            unique: "23505",
            primary_key: "23505",
            fk_insert: "23503",
            fk_delete: "23503",
            not_null: "23502",
            check: "23514",
            syntax: "42601",
        },
        "mysql" => NativeCodes {
            unique: "1062",
            primary_key: "1062",
            fk_insert: "1452",
            fk_delete: "1451",
            not_null: "1048",
            check: "4025",
            syntax: "1064",
        },
        "sqlite" => NativeCodes {
            unique: "2067",
            primary_key: "1555",
            fk_insert: "787",
            fk_delete: "787",
            not_null: "1299",
            check: "275",
            // SQLITE_ERROR is 1, but quarry-sqlite keeps no code for an error rusqlite reports
            // as `SqlInputError` (a statement that does not prepare): "" until it does.
            syntax: "",
        },
        other => panic!("no native codes known for {other}"),
    }
}

/// Constraint violations and syntax errors provoked for real come back with the right kind,
/// the backend's native code and the statement's SQL, and change nothing; a script runs several
/// statements, an error in a later one surfaces with its kind; UPDATE counts the rows it
/// matched, changed or not.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn server_errors_are_classified_and_keep_sql() {
    for engine in common::all_engines().await {
        let be = on("server_errors_are_classified_and_keep_sql", &engine);
        let codes = native_codes(be);
        let prefix = "qddl_err_";
        let parent = format!("{prefix}parent");
        let child = format!("{prefix}child");
        let md = MetaData::new()
            .with(
                Table::new(parent.clone())
                    .column(ColumnDef::new("id", SqlType::Integer).primary_key()),
            )
            .with(
                Table::new(child.clone())
                    .column(ColumnDef::new("id", SqlType::Integer).primary_key())
                    .column(
                        ColumnDef::new("parent_id", SqlType::Integer)
                            .not_null()
                            .references(parent.clone(), "id"),
                    )
                    .column(ColumnDef::new("email", SqlType::Varchar(50)).unique())
                    .column(ColumnDef::new("qty", SqlType::Integer))
                    .column(ColumnDef::new("note", SqlType::Varchar(20)).not_null())
                    .check(Check::new("qty >= 0").named(format!("{prefix}ck_child_qty"))),
            );
        drop_prefixed(&engine, prefix).await;
        engine.create_all(&md).await.unwrap();
        let add_parent = |id: i64| {
            compiled(
                &engine,
                sql(format!("INSERT INTO {parent} (id) VALUES (:id)")).bind("id", id),
            )
        };
        let add_child = |id: i64, parent_id: i64, email: &str, qty: Value, note: Value| {
            compiled(
                &engine,
                sql(format!(
                    "INSERT INTO {child} (id, parent_id, email, qty, note) \
                     VALUES (:id, :p, :email, :qty, :note)"
                ))
                .bind("id", id)
                .bind("p", parent_id)
                .bind("email", email)
                .bind("qty", qty)
                .bind("note", note),
            )
        };
        assert_eq!(engine.execute(add_parent(1)).await.unwrap(), 1, "{be}");
        let ok = add_child(1, 1, "a@x", Value::I64(1), Value::from("ok"));
        assert_eq!(engine.execute(ok).await.unwrap(), 1, "{be}");

        let mut cases: Vec<(&str, Compiled, ErrorKind, &str)> = vec![
            (
                "unique column",
                add_child(2, 1, "a@x", Value::I64(1), Value::from("dup")),
                ErrorKind::UniqueViolation,
                codes.unique,
            ),
            (
                "primary key",
                add_parent(1),
                ErrorKind::UniqueViolation,
                codes.primary_key,
            ),
            (
                "foreign key on insert",
                add_child(3, 99, "b@x", Value::I64(1), Value::from("orphan")),
                ErrorKind::ForeignKeyViolation,
                codes.fk_insert,
            ),
            (
                "foreign key on delete",
                compiled(
                    &engine,
                    sql(format!("DELETE FROM {parent} WHERE id = :id")).bind("id", 1_i64),
                ),
                ErrorKind::ForeignKeyViolation,
                codes.fk_delete,
            ),
            (
                "bound NULL into NOT NULL",
                add_child(4, 1, "c@x", Value::I64(1), Value::Null(ValueType::Text)),
                ErrorKind::NotNullViolation,
                codes.not_null,
            ),
            (
                "CHECK",
                add_child(5, 1, "d@x", Value::I64(-1), Value::from("neg")),
                ErrorKind::CheckViolation,
                codes.check,
            ),
        ];
        cases.push((
            "syntax",
            Compiled::new("SELEC 1"),
            ErrorKind::Database,
            codes.syntax,
        ));
        for (what, stmt, kind, code) in cases {
            let text = stmt.sql.clone();
            let err = engine.execute(stmt.clone()).await.unwrap_err();
            assert_eq!(err.kind(), kind, "{be}: {what}: {err}");
            assert_eq!(err.code(), Some(code), "{be}: {what}: {err}");
            assert_eq!(err.sql(), Some(text.as_str()), "{be}: {what}");
            let err = engine.fetch_all(stmt).await.unwrap_err();
            assert_eq!(err.kind(), kind, "{be}: {what} (fetch_all): {err}");
            assert_eq!(err.sql(), Some(text.as_str()), "{be}: {what} (fetch_all)");
        }
        // The failed statements left the data as it was, and the pool usable.
        let rows: Vec<(i64, String)> = engine
            .fetch_all_as(format!("SELECT id, note FROM {child} ORDER BY id"))
            .await
            .unwrap();
        assert_eq!(rows, [(1, "ok".to_owned())], "{be}");

        // A script runs several statements; an error in a later one surfaces.
        engine
            .execute_script(&format!(
                "UPDATE {child} SET qty = 10; UPDATE {child} SET qty = qty * 2"
            ))
            .await
            .unwrap();
        let qty: i64 = engine
            .fetch_scalar(format!("SELECT qty FROM {child}"))
            .await
            .unwrap();
        assert_eq!(qty, 20, "{be}");
        let script =
            format!("INSERT INTO {parent} (id) VALUES (4); INSERT INTO {parent} (id) VALUES (4)");
        let err = engine.execute_script(&script).await.unwrap_err();
        assert!(err.is_unique_violation(), "{be}: {err}");
        // UPDATE reports the rows it matched, even when nothing changes.
        let n = engine
            .execute(format!("UPDATE {child} SET note = note"))
            .await
            .unwrap();
        assert_eq!(n, 1, "{be}");
        engine.drop_all(&md).await.unwrap();
        assert_eq!(tables_with_prefix(&engine, prefix).await, [""; 0], "{be}");
    }
}

/// A failed run leaves tables behind, children referencing parents and a foreign-key cycle
/// among them, which a later run's `drop_all` of other metadata cannot remove in order:
/// `common::catalog::drop_prefixed` drops them all by name prefix, so the next run starts
/// clean.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn leftovers_of_a_failed_run_are_dropped_by_prefix() {
    for engine in common::all_engines().await {
        let be = on("leftovers_of_a_failed_run_are_dropped_by_prefix", &engine);
        let prefix = "qddl_debris_";
        let n = |s: &str| format!("{prefix}{s}");
        let key = || ColumnDef::new("id", SqlType::Integer).primary_key();
        let fk =
            |col: &str, to: &str| ColumnDef::new(col, SqlType::Integer).references(n(to), "id");
        let debris = MetaData::new()
            .with(Table::new(n("parent")).column(key()))
            .with(
                Table::new(n("child"))
                    .column(key())
                    .column(fk("p", "parent")),
            )
            .with(
                Table::new(n("grandchild"))
                    .column(key())
                    .column(fk("c", "child")),
            )
            .with(Table::new(n("a")).column(key()).column(fk("b", "b")))
            .with(
                Table::new(n("b"))
                    .column(key())
                    .column(ColumnDef::new("a", SqlType::Integer))
                    .foreign_key(ForeignKey::new(["a"], n("a"), ["id"])),
            );
        drop_prefixed(&engine, prefix).await;
        engine.create_all(&debris).await.unwrap();
        engine
            .execute(format!("INSERT INTO {} (id) VALUES (1)", n("parent")))
            .await
            .unwrap();
        engine
            .execute(format!("INSERT INTO {} (id, p) VALUES (1, 1)", n("child")))
            .await
            .unwrap();
        assert_eq!(
            tables_with_prefix(&engine, prefix).await,
            table_names(&debris),
            "{be}"
        );
        // The next run knows only the parent, under a new shape.
        let next = MetaData::new().with(
            Table::new(n("parent"))
                .column(key())
                .column(ColumnDef::new("name", SqlType::Text)),
        );
        drop_prefixed(&engine, prefix).await;
        assert_eq!(tables_with_prefix(&engine, prefix).await, [""; 0], "{be}");
        engine.create_all(&next).await.unwrap();
        let cols = common::catalog::column_names(&engine, &n("parent")).await;
        assert_eq!(cols, ["id", "name"], "{be}");
        engine.drop_all(&next).await.unwrap();
        assert_eq!(tables_with_prefix(&engine, prefix).await, [""; 0], "{be}");
    }
}

/// `String` key columns (TEXT) work on every backend: VARCHAR(255) on the MySQL family, which
/// cannot index TEXT; a 255-character key round-trips, joined through a foreign key.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn text_key_columns_work_everywhere() {
    use quarry::prelude::*;
    for engine in common::all_engines().await {
        let be = on("text_key_columns_work_everywhere", &engine);
        let (pn, cn) = (format!("qddl_tk_{be}_p"), format!("qddl_tk_{be}_c"));
        let parent = Table::new(pn.clone())
            .column(ColumnDef::new("code", SqlType::Text).primary_key())
            .column(ColumnDef::new("note", SqlType::Text));
        let child = Table::new(cn.clone())
            .column(ColumnDef::new("id", SqlType::BigInt).primary_key())
            .column(ColumnDef::new("code", SqlType::Text).references(pn.as_str(), "code"))
            .index(quarry::Index::new(format!("{cn}_code")).column("code"));
        let md = MetaData::new().with(parent.clone()).with(child.clone());
        engine.drop_all(&md).await.unwrap();
        engine
            .create_all(&md)
            .await
            .unwrap_or_else(|e| panic!("{be}: {e}"));
        let long = "é".repeat(255);
        let (p, c) = (TableRef::new(&parent), TableRef::new(&child));
        insert(p.clone())
            .rows(
                [(long.clone(), "long"), ("k".to_owned(), "short")].map(|(code, note)| {
                    (
                        quarry::Assign::new("code", code),
                        quarry::Assign::new("note", note),
                    )
                }),
            )
            .execute(&engine)
            .await
            .unwrap_or_else(|e| panic!("{be}: {e}"));
        insert(c.clone())
            .values((
                quarry::Assign::new("id", 1_i64),
                quarry::Assign::new("code", long.clone()),
            ))
            .execute(&engine)
            .await
            .unwrap_or_else(|e| panic!("{be}: {e}"));
        let got: Vec<(String, String)> = select((
            TypedExpr::<String>::new(p.c("note")),
            TypedExpr::<String>::new(c.c("code")),
        ))
        .from(c.clone())
        .join(p.clone())
        .fetch_all(&engine)
        .await
        .unwrap_or_else(|e| panic!("{be}: {e}"));
        assert_eq!(got, vec![("long".to_owned(), long.clone())], "{be}");
        // The key is enforced.
        let dup = insert(p.clone())
            .values((
                quarry::Assign::new("code", "k"),
                quarry::Assign::new("note", "again"),
            ))
            .execute(&engine)
            .await
            .unwrap_err();
        assert!(dup.is_unique_violation(), "{be}: {dup}");
        engine.drop_all(&md).await.unwrap();
    }
}
