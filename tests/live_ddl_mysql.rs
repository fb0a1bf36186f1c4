//! Live DDL and executor tests specific to MariaDB (`QUARRY_TEST_MYSQL_URL`, e.g.
//! `mysql://root@127.0.0.1:3306/test`); skipped with a notice when unset outside CI.
//!
//! The fixture is created with `create_all` and read back from `information_schema`, then what
//! only MariaDB shows is exercised for real: errors over the text and binary protocols,
//! parameter binding and decoding, connections left in a transaction, the `mariadb://` scheme,
//! and backslashes in literals. The DDL scenarios every backend shares are in `live_ddl.rs`.
//! Every test uses its own table-name prefix: tests in this binary run concurrently.

mod common;

use common::{CatColumn, CatForeignKey, CatIndex, CatTable};
use quarry::Executor;
use quarry::{
    Check, ColumnDef, Compiled, Engine, ErrorKind, FkAction, MetaData, Row, ServerDefault, SqlType,
    Table, Value, ValueType,
};
use std::collections::BTreeMap;

const VAR: &str = "QUARRY_TEST_MYSQL_URL";

fn q(sql: &str, params: Vec<Value>) -> Compiled {
    Compiled::with_params(sql, params)
}

fn text(v: &str) -> Value {
    Value::Text(v.to_owned())
}

/// A text cell (NULL as `None`).
fn s(row: &Row, col: &str) -> Option<String> {
    row.get::<Option<String>>(col)
        .unwrap_or_else(|e| panic!("column {col}: {e}"))
}

/// A text cell that must not be NULL.
fn sv(row: &Row, col: &str) -> String {
    s(row, col).unwrap_or_else(|| panic!("column {col} is NULL"))
}

// ---------------------------------------------------------------------------------------------
// Reading the catalog
// ---------------------------------------------------------------------------------------------

/// What `information_schema` says about a table, beyond [`CatTable`].
#[derive(Debug, Default)]
struct Extra {
    comment: String,
    column_comments: BTreeMap<String, String>,
    column_extra: BTreeMap<String, String>,
}

/// A PRIMARY KEY, UNIQUE or FOREIGN KEY constraint from `TABLE_CONSTRAINTS` +
/// `KEY_COLUMN_USAGE`.
#[derive(Debug)]
struct Key {
    ty: String,
    columns: Vec<String>,
    ref_table: Option<String>,
    ref_columns: Vec<String>,
}

/// Reads `table` back from `information_schema` with parameterised queries.
///
/// MySQL has no distinction between a UNIQUE constraint and a unique index: both are unique
/// keys. A unique key named like one of the metadata's unique `Index`es is reported as an
/// index, every other one as a UNIQUE constraint. InnoDB adds an index for each foreign key
/// that has none (named after the constraint, or after its first column when the constraint
/// is unnamed); those are left out, as are the `json_valid(...)` checks MariaDB adds to JSON
/// columns.
async fn read_table(engine: &Engine, md_table: &Table) -> (CatTable, Extra) {
    let name = text(&md_table.name);
    let mut cat = CatTable::default();
    let mut extra = Extra::default();

    let rows = engine
        .fetch_all(q(
            "SELECT COLUMN_NAME AS name, COLUMN_TYPE AS type, IS_NULLABLE AS nullable, \
             COLUMN_DEFAULT AS dflt, EXTRA AS extra, COLUMN_COMMENT AS comment \
             FROM information_schema.COLUMNS \
             WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ? ORDER BY ORDINAL_POSITION",
            vec![name.clone()],
        ))
        .await
        .unwrap();
    for r in &rows {
        let col = sv(r, "name");
        // MariaDB prints the string NULL for a nullable column without a default.
        let default = s(r, "dflt").filter(|d| d != "NULL");
        cat.columns.push(CatColumn {
            name: col.clone(),
            sql_type: sv(r, "type").to_lowercase(),
            nullable: sv(r, "nullable") == "YES",
            default,
        });
        extra.column_comments.insert(col.clone(), sv(r, "comment"));
        extra.column_extra.insert(col, sv(r, "extra"));
    }

    let rows = engine
        .fetch_all(q(
            "SELECT TABLE_COMMENT AS comment FROM information_schema.TABLES \
             WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ?",
            vec![name.clone()],
        ))
        .await
        .unwrap();
    extra.comment = sv(&rows[0], "comment");

    // Key constraints with their columns, in key order.
    let rows = engine
        .fetch_all(q(
            "SELECT tc.CONSTRAINT_NAME AS name, tc.CONSTRAINT_TYPE AS type, \
             k.COLUMN_NAME AS col, k.REFERENCED_TABLE_NAME AS ref_table, \
             k.REFERENCED_COLUMN_NAME AS ref_col \
             FROM information_schema.TABLE_CONSTRAINTS tc \
             JOIN information_schema.KEY_COLUMN_USAGE k \
               ON k.CONSTRAINT_SCHEMA = tc.CONSTRAINT_SCHEMA AND k.TABLE_NAME = tc.TABLE_NAME \
              AND k.CONSTRAINT_NAME = tc.CONSTRAINT_NAME \
             WHERE tc.TABLE_SCHEMA = DATABASE() AND tc.TABLE_NAME = ? \
               AND tc.CONSTRAINT_TYPE IN ('PRIMARY KEY', 'UNIQUE', 'FOREIGN KEY') \
             ORDER BY tc.CONSTRAINT_NAME, k.ORDINAL_POSITION",
            vec![name.clone()],
        ))
        .await
        .unwrap();
    let mut keys: BTreeMap<String, Key> = BTreeMap::new();
    for r in &rows {
        let e = keys.entry(sv(r, "name")).or_insert_with(|| Key {
            ty: sv(r, "type"),
            columns: vec![],
            ref_table: s(r, "ref_table"),
            ref_columns: vec![],
        });
        e.columns.push(sv(r, "col"));
        if let Some(rc) = s(r, "ref_col") {
            e.ref_columns.push(rc);
        }
    }

    let rows = engine
        .fetch_all(q(
            "SELECT CONSTRAINT_NAME AS name, DELETE_RULE AS on_delete, UPDATE_RULE AS on_update \
             FROM information_schema.REFERENTIAL_CONSTRAINTS \
             WHERE CONSTRAINT_SCHEMA = DATABASE() AND TABLE_NAME = ?",
            vec![name.clone()],
        ))
        .await
        .unwrap();
    let rules: BTreeMap<String, (String, String)> = rows
        .iter()
        .map(|r| (sv(r, "name"), (sv(r, "on_delete"), sv(r, "on_update"))))
        .collect();

    let declared_unique_indexes: Vec<&str> = md_table
        .indexes
        .iter()
        .filter(|i| i.unique)
        .map(|i| i.name.as_str())
        .collect();
    let mut fk_index_names = Vec::new();
    let mut fk_columns = Vec::new();
    for (kname, key) in &keys {
        let cols = &key.columns;
        match key.ty.as_str() {
            "PRIMARY KEY" => cat.primary_key = cols.clone(),
            "UNIQUE" if !declared_unique_indexes.contains(&kname.as_str()) => {
                cat.uniques.push(cols.clone())
            }
            "UNIQUE" => {}
            "FOREIGN KEY" => {
                let (del, upd) = rules
                    .get(kname)
                    .cloned()
                    .unwrap_or_else(|| panic!("no referential rules for {kname}"));
                // InnoDB reports an unspecified action as RESTRICT, which is what NO ACTION
                // means there; report it as NO ACTION unless RESTRICT was asked for.
                let md_fk = md_table.foreign_keys.iter().find(|f| &f.columns == cols);
                let norm = |rule: String, asked: Option<FkAction>| {
                    if rule == "RESTRICT" && asked != Some(FkAction::Restrict) {
                        "NO ACTION".to_owned()
                    } else {
                        rule
                    }
                };
                cat.foreign_keys.push(CatForeignKey {
                    columns: cols.clone(),
                    ref_table: key.ref_table.clone().expect("referenced table"),
                    ref_columns: key.ref_columns.clone(),
                    on_delete: norm(del, md_fk.and_then(|f| f.on_delete)),
                    on_update: norm(upd, md_fk.and_then(|f| f.on_update)),
                });
                fk_index_names.push(kname.clone());
                fk_columns.push(cols.clone());
            }
            other => panic!("unexpected constraint type {other}"),
        }
    }

    let rows = engine
        .fetch_all(q(
            "SELECT CHECK_CLAUSE AS clause FROM information_schema.CHECK_CONSTRAINTS \
             WHERE CONSTRAINT_SCHEMA = DATABASE() AND TABLE_NAME = ? ORDER BY CONSTRAINT_NAME",
            vec![name.clone()],
        ))
        .await
        .unwrap();
    cat.checks = rows
        .iter()
        .map(|r| sv(r, "clause"))
        .filter(|c| !common::squash(c).starts_with("json_valid"))
        .collect();

    let rows = engine
        .fetch_all(q(
            "SELECT INDEX_NAME AS name, COLUMN_NAME AS col, NON_UNIQUE AS non_unique \
             FROM information_schema.STATISTICS \
             WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ? \
             ORDER BY INDEX_NAME, SEQ_IN_INDEX",
            vec![name.clone()],
        ))
        .await
        .unwrap();
    let mut indexes: BTreeMap<String, CatIndex> = BTreeMap::new();
    for r in &rows {
        let iname = sv(r, "name");
        let non_unique = r.get::<i64>("non_unique").unwrap();
        indexes
            .entry(iname.clone())
            .or_insert_with(|| CatIndex {
                name: iname,
                columns: vec![],
                unique: non_unique == 0,
            })
            .columns
            .push(sv(r, "col"));
    }
    cat.indexes = indexes
        .into_values()
        .filter(|ix| {
            let backs_key = keys.get(&ix.name).is_some_and(|k| {
                k.ty != "UNIQUE" || !declared_unique_indexes.contains(&ix.name.as_str())
            });
            let fk_auto = fk_index_names.contains(&ix.name)
                || fk_columns
                    .iter()
                    .any(|cols| &ix.columns == cols && ix.name.starts_with(cols[0].as_str()));
            !backs_key && !fk_auto
        })
        .collect();
    (cat, extra)
}

/// MariaDB 10.11's `COLUMN_TYPE` for a column created by the MariaDB dialect.
fn expect_type(c: &ColumnDef) -> String {
    match &c.sql_type {
        SqlType::SmallInt => "smallint(6)".into(),
        SqlType::Integer => "int(11)".into(),
        SqlType::BigInt => "bigint(20)".into(),
        SqlType::Boolean => "tinyint(1)".into(),
        SqlType::Real => "float".into(),
        SqlType::Double => "double".into(),
        SqlType::Numeric { precision, scale } => format!("decimal({precision},{scale})"),
        SqlType::Varchar(n) => format!("varchar({n})"),
        SqlType::Char(n) => format!("char({n})"),
        SqlType::Text => "longtext".into(),
        SqlType::Blob => "longblob".into(),
        SqlType::Date => "date".into(),
        SqlType::Time => "time(6)".into(),
        SqlType::Timestamp | SqlType::TimestampTz => "datetime(6)".into(),
        SqlType::Uuid => "uuid".into(),
        SqlType::Json => "longtext".into(),
        SqlType::Enum(e) => {
            let vals: Vec<String> = e
                .values
                .iter()
                .map(|v| format!("'{}'", v.replace('\'', "''")))
                .collect();
            format!("enum({})", vals.join(","))
        }
        SqlType::Custom(t) => t.to_lowercase(),
        other => panic!("no MariaDB spelling known for {other:?}"),
    }
}

/// What MariaDB 10.11 prints in `COLUMN_DEFAULT` (with "NULL" normalised to `None`).
fn expect_default(c: &ColumnDef) -> Option<String> {
    match c.server_default.as_ref()? {
        ServerDefault::Literal(v) => match v {
            Value::Null(_) => None,
            Value::Bool(b) => Some(if *b { "1" } else { "0" }.to_owned()),
            Value::Text(t) => Some(format!("'{}'", t.replace('\\', "\\\\").replace('\'', "''"))),
            v => {
                let n = v
                    .as_i64()
                    .unwrap_or_else(|| panic!("unexpected default {v:?}"));
                Some(match c.sql_type {
                    // DECIMAL defaults print with the column's scale.
                    SqlType::Numeric { scale, .. } if scale > 0 => {
                        format!("{n}.{}", "0".repeat(usize::from(scale)))
                    }
                    _ => n.to_string(),
                })
            }
        },
        ServerDefault::Expression(e) => {
            let e = e.to_lowercase();
            let temporal = matches!(c.sql_type, SqlType::Timestamp | SqlType::TimestampTz);
            Some(if temporal && e == "current_timestamp" {
                // MariaDB prints the precision of the DATETIME(6) column.
                "current_timestamp(6)".to_owned()
            } else {
                e
            })
        }
    }
}

fn check_matches(want: &str, got: &str) -> bool {
    common::squash(want) == common::squash(got)
}

/// Names of the tables starting with `prefix` in the current database.
async fn tables_with_prefix(engine: &Engine, prefix: &str) -> Vec<String> {
    let rows = engine
        .fetch_all(q(
            "SELECT TABLE_NAME AS name FROM information_schema.TABLES \
             WHERE TABLE_SCHEMA = DATABASE() AND LEFT(TABLE_NAME, CHAR_LENGTH(?)) = ? \
             ORDER BY TABLE_NAME",
            vec![text(prefix), text(prefix)],
        ))
        .await
        .unwrap();
    rows.iter().map(|r| sv(r, "name")).collect()
}

// ---------------------------------------------------------------------------------------------
// The fixture round trip
// ---------------------------------------------------------------------------------------------

/// The fixture as `information_schema` reports it: types and defaults (compared with spellings
/// written out here), keys, foreign keys and their actions, uniques, checks, indexes, comments
/// and AUTO_INCREMENT. (Creating twice, dropping, defaults filling a row: `live_ddl.rs`.)
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fixture_matches_catalog() {
    let Some(engine) = common::engine(VAR).await else {
        return;
    };
    assert_eq!(engine.backend_name(), "mysql");
    assert_eq!(engine.dialect().name(), "mariadb");
    let prefix = "lmy_ddl_";
    let md = common::fixture(engine.dialect(), prefix);
    engine.drop_all(&md).await.unwrap();
    assert!(tables_with_prefix(&engine, prefix).await.is_empty());

    engine.create_all(&md).await.unwrap();
    let mut created = tables_with_prefix(&engine, prefix).await;
    let mut want: Vec<String> = md.tables().iter().map(|t| t.name.clone()).collect();
    created.sort();
    want.sort();
    assert_eq!(created, want);

    for table in md.tables() {
        let (cat, extra) = read_table(&engine, table).await;
        common::assert_table_matches(table, &cat, &expect_type, &expect_default, &check_matches);
        assert_eq!(
            extra.comment,
            table.comment.clone().unwrap_or_default(),
            "{}: table comment",
            table.name
        );
        for c in &table.columns {
            assert_eq!(
                extra.column_comments[&c.name],
                c.comment.clone().unwrap_or_default(),
                "{}.{}: comment",
                table.name,
                c.name
            );
        }
        if table.name == format!("{prefix}users") {
            assert_eq!(extra.comment, "people who sign in");
            assert_eq!(extra.column_comments["name"], "display name");
            assert!(
                extra.column_extra["id"].contains("auto_increment"),
                "users.id EXTRA = {:?}",
                extra.column_extra["id"]
            );
        }
        if table.name == format!("{prefix}departments") {
            assert!(cat
                .foreign_keys
                .iter()
                .any(|fk| fk.columns == ["manager_id"]
                    && fk.ref_table == format!("{prefix}employees")));
        }
        if table.name == format!("{prefix}employees") {
            assert!(cat
                .foreign_keys
                .iter()
                .any(|fk| fk.columns == ["department_id"]
                    && fk.ref_table == format!("{prefix}departments")
                    && fk.on_delete == "SET NULL"));
            assert!(cat
                .foreign_keys
                .iter()
                .any(|fk| fk.columns == ["mentor_id"]
                    && fk.ref_table == format!("{prefix}employees")));
        }
    }

    engine.drop_all(&md).await.unwrap();
}

// ---------------------------------------------------------------------------------------------
// Errors in both protocols, parameter binding and decoding
// ---------------------------------------------------------------------------------------------

fn errors_schema(prefix: &str) -> MetaData {
    let n = |s: &str| format!("{prefix}{s}");
    MetaData::new()
        .with(Table::new(n("parent")).column(ColumnDef::new("id", SqlType::Integer).primary_key()))
        .with(
            Table::new(n("child"))
                .column(ColumnDef::new("id", SqlType::Integer).primary_key())
                .column(
                    ColumnDef::new("parent_id", SqlType::Integer)
                        .not_null()
                        .references(n("parent"), "id"),
                )
                .column(ColumnDef::new("email", SqlType::Varchar(50)).unique())
                .column(ColumnDef::new("qty", SqlType::Integer))
                .column(ColumnDef::new("note", SqlType::Varchar(20)).not_null())
                .check(Check::new("qty >= 0").named(n("ck_child_qty"))),
        )
}

/// What MariaDB adds to the errors every backend classifies (`live_ddl.rs`): a statement
/// without parameters goes over the text protocol, where a violation and a syntax error are
/// classified as over the binary one; a wrong parameter count is the statement's fault; a
/// script's statements before the failing one stay done; UPDATE reports matched rows.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn errors_in_both_protocols_are_classified() {
    let Some(engine) = common::engine(VAR).await else {
        return;
    };
    let prefix = "lmy_err_";
    let md = errors_schema(prefix);
    engine.drop_all(&md).await.unwrap();
    engine.create_all(&md).await.unwrap();
    let parent = format!("{prefix}parent");
    let child = format!("{prefix}child");
    engine
        .execute(q(
            &format!("INSERT INTO {parent} (id) VALUES (?)"),
            vec![Value::I32(1)],
        ))
        .await
        .unwrap();
    engine
        .execute(format!(
            "INSERT INTO {child} (id, parent_id, note) VALUES (1, 1, 'ok')"
        ))
        .await
        .unwrap();

    // Unique on the primary key, text protocol.
    let literal = format!("INSERT INTO {child} (id, parent_id, note) VALUES (1, 1, 'pk')");
    let e = engine.execute(literal.as_str()).await.unwrap_err();
    assert!(e.is_unique_violation(), "{e}");
    assert_eq!(e.code(), Some("1062"));
    assert_eq!(e.sql(), Some(literal.as_str()));

    // Syntax errors: plain database errors, in both protocols.
    for (sql, params) in [("SELEC 1", vec![]), ("SELEC ?", vec![Value::I64(1)])] {
        let e = engine.execute(q(sql, params.clone())).await.unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Database, "{e}");
        assert_eq!(e.code(), Some("1064"));
        assert_eq!(e.sql(), Some(sql));
        let e = engine.fetch_all(q(sql, params)).await.unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Database, "{e}");
        assert_eq!(e.code(), Some("1064"));
        assert_eq!(e.sql(), Some(sql));
    }
    // Wrong parameter count: the statement's fault, not the connection's.
    let e = engine
        .fetch_all(q("SELECT ? AS a, ? AS b", vec![Value::I64(1)]))
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidStatement, "{e}");

    // execute_script: an error in a later statement surfaces, and those before it stay done
    // (each ran on its own, in autocommit).
    engine
        .execute_script(&format!(
            "INSERT INTO {parent} (id) VALUES (2); INSERT INTO {parent} (id) VALUES (3);"
        ))
        .await
        .unwrap();
    let script =
        format!("INSERT INTO {parent} (id) VALUES (4); INSERT INTO {parent} (id) VALUES (4)");
    let e = engine.execute_script(&script).await.unwrap_err();
    assert!(e.is_unique_violation(), "{e}");
    assert_eq!(e.code(), Some("1062"));
    let rows = engine
        .fetch_all(format!("SELECT COUNT(*) AS n FROM {parent}"))
        .await
        .unwrap();
    assert_eq!(rows[0].get::<i64>("n").unwrap(), 4);

    // UPDATE reports matched rows, even when nothing changes.
    let n = engine
        .execute(q(
            &format!("UPDATE {parent} SET id = id WHERE id >= ?"),
            vec![Value::I64(2)],
        ))
        .await
        .unwrap();
    assert_eq!(n, 3);

    engine.drop_all(&md).await.unwrap();
    assert_eq!(
        tables_with_prefix(&engine, prefix).await,
        Vec::<String>::new()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn parameters_bind_and_decode() {
    let Some(engine) = common::engine(VAR).await else {
        return;
    };
    // SELECT ? AS v, one type at a time.
    let one = |v: Value| q("SELECT ? AS v", vec![v]);
    let r = &engine.fetch_all(one(Value::I64(i64::MIN))).await.unwrap()[0];
    assert_eq!(r.get::<i64>("v").unwrap(), i64::MIN);
    let r = &engine.fetch_all(one(Value::I32(-7))).await.unwrap()[0];
    assert_eq!(r.get::<i32>("v").unwrap(), -7);
    let r = &engine.fetch_all(one(Value::I16(300))).await.unwrap()[0];
    assert_eq!(r.get::<i64>("v").unwrap(), 300);
    let r = &engine.fetch_all(one(Value::F64(0.1))).await.unwrap()[0];
    assert_eq!(r.get::<f64>("v").unwrap(), 0.1);
    let r = &engine.fetch_all(one(Value::Bool(true))).await.unwrap()[0];
    assert!(r.get::<bool>("v").unwrap());
    let r = &engine.fetch_all(one(Value::Bool(false))).await.unwrap()[0];
    assert!(!r.get::<bool>("v").unwrap());
    let emoji = "grüße 🦀😀";
    let r = &engine.fetch_all(one(text(emoji))).await.unwrap()[0];
    assert_eq!(r.get::<String>("v").unwrap(), emoji);
    let r = &engine
        .fetch_all(one(Value::Null(ValueType::I64)))
        .await
        .unwrap()[0];
    assert!(r.value("v").unwrap().is_null());
    assert_eq!(r.get::<Option<i64>>("v").unwrap(), None);
    let r = &engine
        .fetch_all(q(
            "SELECT CAST(? AS BINARY) AS v",
            vec![Value::Bytes(vec![0, 1, 254, 255])],
        ))
        .await
        .unwrap()[0];
    assert_eq!(r.get::<Vec<u8>>("v").unwrap(), [0, 1, 254, 255]);
    let r = &engine
        .fetch_all(q("SELECT ? + ? AS v", vec![Value::I64(40), Value::I32(2)]))
        .await
        .unwrap()[0];
    assert_eq!(r.get::<i64>("v").unwrap(), 42);
    assert_eq!(r.columns(), ["v"]);

    // Unsigned BIGINT beyond i64 is a decode error naming the column.
    let e = engine
        .fetch_all("SELECT CAST(18446744073709551615 AS UNSIGNED) AS huge")
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Decode, "{e}");
    assert!(e.to_string().contains("huge"), "{e}");
    let r = &engine
        .fetch_all("SELECT CAST(42 AS UNSIGNED) AS u")
        .await
        .unwrap()[0];
    assert_eq!(r.get::<i64>("u").unwrap(), 42);

    // Through a table: every column type, bound and read back.
    let prefix = "lmy_val_";
    let t = format!("{prefix}values");
    let md = MetaData::new().with(
        Table::new(&t)
            .column(
                ColumnDef::new("id", SqlType::BigInt)
                    .primary_key()
                    .autoincrement(),
            )
            .column(ColumnDef::new("i", SqlType::BigInt))
            .column(ColumnDef::new("i32", SqlType::Integer))
            .column(ColumnDef::new("sm", SqlType::SmallInt))
            .column(ColumnDef::new("f", SqlType::Double))
            .column(ColumnDef::new("r", SqlType::Real))
            .column(ColumnDef::new("b", SqlType::Boolean))
            .column(ColumnDef::new("t", SqlType::Text))
            .column(ColumnDef::new("vc", SqlType::Varchar(40)))
            .column(ColumnDef::new("by", SqlType::Blob))
            .column(ColumnDef::new("d", SqlType::numeric(10, 3)))
            .column(ColumnDef::new("dt", SqlType::Timestamp))
            .column(ColumnDef::new("day", SqlType::Date))
            .column(ColumnDef::new("tm", SqlType::Time))
            .column(ColumnDef::new("u", SqlType::Uuid))
            .column(ColumnDef::new("j", SqlType::Json))
            .column(ColumnDef::new("e", SqlType::enumeration("e", ["x", "y"]))),
    );
    engine.drop_all(&md).await.unwrap();
    engine.create_all(&md).await.unwrap();
    let insert = format!(
        "INSERT INTO {t} (i, i32, sm, f, r, b, t, vc, `by`, d, dt, day, tm, u, j, e) \
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
    );
    let bytes: Vec<u8> = (0..=255).collect();
    let full = vec![
        Value::I64(i64::MAX),
        Value::I32(i32::MIN),
        Value::I16(-300),
        Value::F64(-2.5e300),
        Value::F32(1.5),
        Value::Bool(true),
        text(emoji),
        text("🦀"),
        Value::Bytes(bytes.clone()),
        text("-12.345"),
        text("2024-02-29 13:14:15.123456"),
        text("2024-02-29"),
        text("12:34:56.5"),
        text("123e4567-e89b-12d3-a456-426614174000"),
        text(r#"{"k": [1, "🦀"]}"#),
        text("y"),
    ];
    assert_eq!(engine.execute(q(&insert, full)).await.unwrap(), 1);
    let nulls = vec![
        Value::Null(ValueType::I64),
        Value::Null(ValueType::I32),
        Value::Null(ValueType::I16),
        Value::Null(ValueType::F64),
        Value::Null(ValueType::F32),
        Value::Null(ValueType::Bool),
        Value::Null(ValueType::Text),
        Value::Null(ValueType::Text),
        Value::Null(ValueType::Bytes),
        Value::Null(ValueType::Text),
        Value::Null(ValueType::Text),
        Value::Null(ValueType::Text),
        Value::Null(ValueType::Text),
        Value::Null(ValueType::Text),
        Value::Null(ValueType::Text),
        Value::Null(ValueType::Text),
    ];
    assert_eq!(engine.execute(q(&insert, nulls)).await.unwrap(), 1);
    let select = format!(
        "SELECT i, i32, sm, f, r, b, t, vc, `by`, d, dt, day, tm, u, j, e FROM {t} ORDER BY id"
    );
    let rows = engine.fetch_all(select.as_str()).await.unwrap();
    assert_eq!(rows.len(), 2);
    let r = &rows[0];
    assert_eq!(r.value("i").unwrap(), &Value::I64(i64::MAX));
    assert_eq!(r.value("i32").unwrap(), &Value::I64(i64::from(i32::MIN)));
    assert_eq!(r.get::<i16>("sm").unwrap(), -300);
    assert_eq!(r.value("f").unwrap(), &Value::F64(-2.5e300));
    assert_eq!(r.value("r").unwrap(), &Value::F32(1.5));
    assert_eq!(r.value("b").unwrap(), &Value::I64(1));
    assert!(r.get::<bool>("b").unwrap());
    assert_eq!(r.get::<String>("t").unwrap(), emoji);
    assert_eq!(r.get::<String>("vc").unwrap(), "🦀");
    assert_eq!(r.value("by").unwrap(), &Value::Bytes(bytes.clone()));
    assert_eq!(
        r.value("d").unwrap(),
        &Value::Decimal("-12.345".parse().unwrap())
    );
    assert_eq!(
        r.value("dt").unwrap(),
        &Value::Timestamp("2024-02-29 13:14:15.123456".parse().unwrap())
    );
    assert_eq!(
        r.value("day").unwrap(),
        &Value::Date("2024-02-29".parse().unwrap())
    );
    assert_eq!(
        r.value("tm").unwrap(),
        &Value::Time("12:34:56.5".parse().unwrap())
    );
    assert_eq!(
        r.get::<quarry::value::Uuid>("u").unwrap(),
        "123e4567-e89b-12d3-a456-426614174000".parse().unwrap()
    );
    assert_eq!(r.get::<String>("j").unwrap(), r#"{"k": [1, "🦀"]}"#);
    assert_eq!(r.value("e").unwrap(), &text("y"));
    let r = &rows[1];
    let want_null_types = [
        ValueType::I64,
        ValueType::I64,
        ValueType::I64,
        ValueType::F64,
        ValueType::F32,
        ValueType::I64,
        ValueType::Text,
        ValueType::Text,
        ValueType::Bytes,
        ValueType::Decimal,
        ValueType::Timestamp,
        ValueType::Date,
        ValueType::Time,
    ];
    // The UUID, JSON and ENUM columns are strings to the server: any typed NULL will do.
    for c in ["u", "j", "e"] {
        assert!(r.value(c).unwrap().is_null(), "column {c}");
    }
    for (i, want) in want_null_types.iter().enumerate() {
        assert_eq!(
            r.value(i).unwrap(),
            &Value::Null(*want),
            "column {}",
            r.columns()[i]
        );
    }

    // A 4-byte character compares equal once stored (the connection talks utf8mb4).
    let counted = engine
        .fetch_all(q(
            &format!("SELECT COUNT(*) AS n FROM {t} WHERE t = ?"),
            vec![text(emoji)],
        ))
        .await
        .unwrap();
    assert_eq!(counted[0].get::<i64>("n").unwrap(), 1);

    engine.drop_all(&md).await.unwrap();
}

// ---------------------------------------------------------------------------------------------
// Pool hygiene and connecting
// ---------------------------------------------------------------------------------------------

async fn connection_id(conn: &mut quarry::Connection) -> i64 {
    conn.fetch_all("SELECT CONNECTION_ID() AS id")
        .await
        .unwrap()[0]
        .get::<i64>("id")
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn damaged_connections_do_not_return_to_the_pool() {
    let Some(engine) = common::engine(VAR).await else {
        return;
    };
    // This engine's pool is its own (one connection so far): a clean connection comes back.
    let mut conn = engine.acquire().await.unwrap();
    let first = connection_id(&mut conn).await;
    drop(conn);
    let mut conn = engine.acquire().await.unwrap();
    assert_eq!(connection_id(&mut conn).await, first);

    // Left inside a transaction: closed (rolled back), not reused.
    conn.execute("BEGIN").await.unwrap();
    drop(conn);
    let mut conn = engine.acquire().await.unwrap();
    let second = connection_id(&mut conn).await;
    assert_ne!(second, first);
    let r = conn
        .fetch_all("SELECT @@in_transaction AS t")
        .await
        .unwrap();
    assert_eq!(r[0].get::<i64>("t").unwrap(), 0);

    // A committed transaction leaves the connection reusable.
    conn.execute("BEGIN").await.unwrap();
    conn.execute("COMMIT").await.unwrap();
    drop(conn);
    let mut conn = engine.acquire().await.unwrap();
    assert_eq!(connection_id(&mut conn).await, second);

    // Inside a transaction whose last statement failed (an error packet has no status flags).
    conn.execute("BEGIN").await.unwrap();
    let e = conn.execute("SELEC 1").await.unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Database, "{e}");
    assert_eq!(e.code(), Some("1064"), "{e}");
    drop(conn);
    let mut conn = engine.acquire().await.unwrap();
    let third = connection_id(&mut conn).await;
    assert_ne!(third, second);

    // Affected rows are the statement's own, never a stale count.
    conn.execute("CREATE TEMPORARY TABLE lmy_tmp_rows (a INT)")
        .await
        .unwrap();
    assert_eq!(
        conn.execute("INSERT INTO lmy_tmp_rows VALUES (1), (2)")
            .await
            .unwrap(),
        2
    );
    assert_eq!(conn.execute("SELECT 1").await.unwrap(), 0);
    assert_eq!(
        conn.execute(q("SELECT ? AS x", vec![Value::I64(1)]))
            .await
            .unwrap(),
        0
    );
    conn.execute("DROP TEMPORARY TABLE lmy_tmp_rows")
        .await
        .unwrap();

    // A query whose future is dropped mid-way: the connection is discarded.
    tokio::select! {
        r = conn.fetch_all("SELECT SLEEP(5) AS s") => panic!("not cancelled: {r:?}"),
        _ = tokio::task::spawn_blocking(|| std::thread::sleep(std::time::Duration::from_millis(300))) => {}
    }
    drop(conn);
    let mut conn = engine.acquire().await.unwrap();
    let fourth = connection_id(&mut conn).await;
    assert_ne!(fourth, third);
    let r = conn.fetch_all("SELECT 1 AS one").await.unwrap();
    assert_eq!(r[0].get::<i64>("one").unwrap(), 1);
}

/// `quarry_mysql::connect` and the `mariadb://` scheme fail on a closed port as
/// `Engine::connect` does with `mysql://` (`live_engine.rs`), and URL dispatch with the
/// `mariadb` scheme reaches the same server.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mariadb_scheme_and_direct_connect() {
    let Some(url) = common::url(VAR) else {
        return;
    };
    common::install();
    let start = std::time::Instant::now();
    let e = quarry_mysql::connect("mysql://root@127.0.0.1:1/test")
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Connection, "{e}");
    let e = Engine::connect("mariadb://root@127.0.0.1:1/test")
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Connection, "{e}");
    assert!(
        start.elapsed() < std::time::Duration::from_secs(10),
        "took {:?}",
        start.elapsed()
    );
    let engine = Engine::connect(&url.replacen("mysql://", "mariadb://", 1))
        .await
        .unwrap();
    assert_eq!(engine.dialect().name(), "mariadb");
    let one: i64 = engine.fetch_scalar("SELECT 1").await.unwrap();
    assert_eq!(one, 1);
}

/// String literals that need a backslash, for [`backslash_literals_round_trip`].
const BACKSLASHED: [&str; 5] = [
    "a\\b",
    "\\' || current_user, --",
    "it's \\\\",
    "tail\\",
    "\\",
];

/// Creates a table whose defaults, comments and enum values are [`BACKSLASHED`], inserts a row
/// of defaults and reads everything back; runs `LIKE … ESCAPE '\'`.
async fn backslash_literals_round_trip(engine: &Engine, mode: &str) {
    use quarry::prelude::*;
    let name = "qm_nbe";
    engine
        .execute(format!("DROP TABLE IF EXISTS {name}"))
        .await
        .unwrap();
    let mut t = Table::new(name)
        .comment(BACKSLASHED[1])
        .column(ColumnDef::new("id", SqlType::Integer).primary_key())
        .column(
            ColumnDef::new("e", SqlType::enumeration("qm_nbe_e", BACKSLASHED))
                .server_default(BACKSLASHED[0]),
        );
    for (i, v) in BACKSLASHED.iter().enumerate() {
        t = t.column(
            ColumnDef::new(format!("d{i}"), SqlType::Varchar(50))
                .not_null()
                .server_default(*v)
                .comment(*v),
        );
    }
    let mut md = MetaData::new();
    md.add(t).unwrap();
    engine.create_all(&md).await.unwrap();
    engine
        .execute(format!("INSERT INTO {name} (id) VALUES (1)"))
        .await
        .unwrap();
    let row = &engine
        .fetch_all(format!("SELECT * FROM {name}"))
        .await
        .unwrap()[0];
    assert_eq!(sv(row, "e"), BACKSLASHED[0], "{mode}: enum default");
    for (i, v) in BACKSLASHED.iter().enumerate() {
        assert_eq!(sv(row, &format!("d{i}")), *v, "{mode}: default d{i}");
    }
    let comments = engine
        .fetch_all(format!(
            "SELECT column_name, column_comment FROM information_schema.columns \
             WHERE table_schema = DATABASE() AND table_name = '{name}' AND column_name LIKE 'd%' \
             ORDER BY ordinal_position"
        ))
        .await
        .unwrap();
    let got: Vec<String> = comments.iter().map(|r| sv(r, "column_comment")).collect();
    assert_eq!(got, BACKSLASHED, "{mode}: column comments");
    let table_comment: String = engine
        .fetch_scalar(format!(
            "SELECT table_comment FROM information_schema.tables \
             WHERE table_schema = DATABASE() AND table_name = '{name}'"
        ))
        .await
        .unwrap();
    assert_eq!(table_comment, BACKSLASHED[1], "{mode}: table comment");
    let values: String = engine
        .fetch_scalar(format!(
            "SELECT column_type FROM information_schema.columns \
             WHERE table_schema = DATABASE() AND table_name = '{name}' AND column_name = 'e'"
        ))
        .await
        .unwrap();
    // information_schema writes the enum's values back as literals, backslashes escaped.
    let want: Vec<String> = BACKSLASHED
        .iter()
        .map(|v| format!("'{}'", v.replace('\\', "\\\\").replace('\'', "''")))
        .collect();
    assert_eq!(
        values,
        format!("enum({})", want.join(",")),
        "{mode}: enum values"
    );
    // LIKE … ESCAPE '\': `tail\` matches `tail\\` (an escaped backslash) and nothing else does.
    let d3 = quarry::Column::<String>::new(name, "d3");
    let n: i64 = engine
        .fetch_scalar(
            select(count_star())
                .from(md.table(name).unwrap())
                .filter(d3.like_escape("tail\\\\", '\\')),
        )
        .await
        .unwrap_or_else(|e| panic!("{mode}: LIKE ESCAPE: {e}"));
    assert_eq!(n, 1, "{mode}: LIKE ESCAPE");
    engine.drop_all(&md).await.unwrap();
}

/// Issue #20 point 3: on a server whose `sql_mode` has `NO_BACKSLASH_ESCAPES`, quarry's
/// literals (backslashes escaped) were stored with doubled backslashes and `like_escape('\\')`
/// failed with 1210. Connections now remove the mode; the same literals round-trip on the
/// shared server (default mode) and on a private server started with the mode.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn regression_no_backslash_escapes_literals() {
    let Some(engine) = common::engine(VAR).await else {
        return;
    };
    backslash_literals_round_trip(&engine, "default sql_mode").await;
    let Some(server) = common::private::PrivateMariaDb::start(
        "nbe",
        &["--sql-mode=NO_BACKSLASH_ESCAPES,STRICT_TRANS_TABLES"],
    ) else {
        return;
    };
    let engine = Engine::connect(&server.url("")).await.unwrap();
    let global: String = engine
        .fetch_scalar("SELECT @@GLOBAL.sql_mode")
        .await
        .unwrap();
    assert!(global.contains("NO_BACKSLASH_ESCAPES"), "{global}");
    let session: String = engine
        .fetch_scalar("SELECT @@SESSION.sql_mode")
        .await
        .unwrap();
    assert_eq!(session, "STRICT_TRANS_TABLES");
    backslash_literals_round_trip(&engine, "NO_BACKSLASH_ESCAPES").await;
}
