//! Live DDL tests on SQLite (always run: the database is embedded): the fixture read back from
//! SQLite's catalog and compared with spellings written out here, and the in-memory database
//! shared across the pool. The DDL scenarios every backend shares are in `live_ddl.rs`.

mod common;

use common::{CatColumn, CatForeignKey, CatIndex, CatTable};
use quarry::Executor;
use quarry::{ColumnDef, Compiled, Engine, ServerDefault, SqlType, Sqlite, Value};

async fn sqlite() -> Engine {
    common::install();
    Engine::connect("sqlite::memory:")
        .await
        .expect("in-memory SQLite")
}

fn q(sql: &str, params: Vec<Value>) -> Compiled {
    Compiled::with_params(sql, params)
}

fn text(v: &Value) -> Option<String> {
    match v {
        Value::Text(s) => Some(s.clone()),
        Value::I64(n) => Some(n.to_string()),
        _ => None,
    }
}

/// The table-level CHECK expressions of a CREATE TABLE statement, left out: enum checks.
fn checks_of(sql: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = sql;
    while let Some(i) = rest.find("CHECK (") {
        let body = &rest[i + 7..];
        let mut depth = 1;
        let mut end = 0;
        for (j, ch) in body.char_indices() {
            match ch {
                '(' => depth += 1,
                ')' => {
                    depth -= 1;
                    if depth == 0 {
                        end = j;
                        break;
                    }
                }
                _ => {}
            }
        }
        let expr = &body[..end];
        if !expr.contains(" IN (") {
            out.push(expr.to_owned());
        }
        rest = &body[end..];
    }
    out
}

async fn catalog(engine: &Engine, table: &str) -> CatTable {
    let p = || vec![Value::Text(table.to_owned())];
    let cols = engine
        .fetch_all(q(
            "SELECT name, type, \"notnull\", dflt_value, pk FROM pragma_table_info(?) ORDER BY cid",
            p(),
        ))
        .await
        .unwrap();
    let mut cat = CatTable::default();
    let mut pk: Vec<(i64, String)> = Vec::new();
    for r in &cols {
        let name: String = r.get("name").unwrap();
        let k: i64 = r.get("pk").unwrap();
        if k > 0 {
            pk.push((k, name.clone()));
        }
        cat.columns.push(CatColumn {
            name,
            sql_type: r.get::<String>("type").unwrap().to_lowercase(),
            nullable: r.get::<i64>("notnull").unwrap() == 0,
            default: text(r.value("dflt_value").unwrap()),
        });
    }
    pk.sort();
    cat.primary_key = pk.into_iter().map(|(_, n)| n).collect();
    let fks = engine
        .fetch_all(q("SELECT id, seq, \"table\", \"from\", \"to\", on_update, on_delete FROM pragma_foreign_key_list(?) ORDER BY id, seq", p()))
        .await
        .unwrap();
    for r in &fks {
        let seq: i64 = r.get("seq").unwrap();
        if seq == 0 {
            cat.foreign_keys.push(CatForeignKey {
                columns: Vec::new(),
                ref_table: r.get("table").unwrap(),
                ref_columns: Vec::new(),
                on_delete: r.get("on_delete").unwrap(),
                on_update: r.get("on_update").unwrap(),
            });
        }
        let fk = cat.foreign_keys.last_mut().unwrap();
        fk.columns.push(r.get("from").unwrap());
        fk.ref_columns.push(r.get("to").unwrap());
    }
    let indexes = engine
        .fetch_all(q(
            "SELECT name, \"unique\", origin FROM pragma_index_list(?)",
            p(),
        ))
        .await
        .unwrap();
    for r in &indexes {
        let name: String = r.get("name").unwrap();
        let origin: String = r.get("origin").unwrap();
        let info = engine
            .fetch_all(q(
                "SELECT name FROM pragma_index_info(?) ORDER BY seqno",
                vec![Value::Text(name.clone())],
            ))
            .await
            .unwrap();
        let columns: Vec<String> = info.iter().map(|r| r.get("name").unwrap()).collect();
        match origin.as_str() {
            "c" => cat.indexes.push(CatIndex {
                name,
                columns,
                unique: r.get("unique").unwrap(),
            }),
            "u" => cat.uniques.push(columns),
            _ => {}
        }
    }
    let sql = engine
        .fetch_all(q(
            "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?",
            p(),
        ))
        .await
        .unwrap();
    cat.checks = checks_of(&sql[0].get::<String>("sql").unwrap());
    cat
}

/// The type `pragma_table_info` reports for a column created by the SQLite dialect, lower
/// case: written out here, independently of the dialect's `write_type`, since SQLite decodes a
/// column by the words of its declared type (`DOUBLE` reads as a float, `TEXT` as text).
fn expect_type(c: &ColumnDef) -> String {
    match &c.sql_type {
        // Only `INTEGER PRIMARY KEY` makes a column the rowid, which generates keys.
        t if t.is_integer() && c.autoincrement => "integer".into(),
        SqlType::SmallInt => "smallint".into(),
        SqlType::Integer => "integer".into(),
        SqlType::BigInt => "bigint".into(),
        SqlType::Boolean => "boolean".into(),
        SqlType::Real => "real".into(),
        SqlType::Double => "double".into(),
        SqlType::Numeric { precision, scale } => format!("numeric({precision}, {scale})"),
        SqlType::Varchar(n) => format!("varchar({n})"),
        SqlType::Char(n) => format!("char({n})"),
        SqlType::Text => "text".into(),
        SqlType::Blob => "blob".into(),
        SqlType::Date => "date".into(),
        SqlType::Time => "time".into(),
        SqlType::Timestamp => "timestamp".into(),
        SqlType::TimestampTz => "timestamptz".into(),
        SqlType::Uuid => "char(36)".into(),
        SqlType::Json => "text".into(),
        // A VARCHAR as long as the longest value, which a CHECK constrains.
        SqlType::Enum(e) => {
            let longest = e.values.iter().map(|v| v.chars().count()).max();
            format!("varchar({})", longest.unwrap_or(1))
        }
        SqlType::Custom(t) => t.to_lowercase(),
        other => panic!("no SQLite spelling known for {other:?}"),
    }
}

/// The default text `pragma_table_info` reports, as SQLite keeps it from the DDL: booleans as
/// 1 and 0, strings quoted with `''` for a quote (a backslash is an ordinary character).
fn expect_default(c: &ColumnDef) -> Option<String> {
    Some(match c.server_default.as_ref()? {
        ServerDefault::Literal(Value::Bool(b)) => if *b { "1" } else { "0" }.to_owned(),
        ServerDefault::Literal(Value::Text(t)) => format!("'{}'", t.replace('\'', "''")),
        ServerDefault::Literal(v) => v
            .as_i64()
            .unwrap_or_else(|| panic!("unexpected default {v:?}"))
            .to_string(),
        ServerDefault::Expression(e) => e.clone(),
    })
}

/// The fixture as SQLite's catalog reports it: types, defaults, keys, foreign keys with their
/// actions, uniques, checks and indexes, the enum's CHECK and the partial index's WHERE.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fixture_round_trips_through_the_catalog() {
    let engine = sqlite().await;
    let md = common::fixture(&Sqlite, "qs_");
    engine.create_all(&md).await.unwrap();
    for t in md.tables() {
        let cat = catalog(&engine, &t.name).await;
        common::assert_table_matches(t, &cat, &expect_type, &expect_default, &|want, got| {
            common::squash(want) == common::squash(got)
        });
    }
    // The enum column carries its CHECK; the partial index its WHERE.
    let users_sql: String = engine
        .fetch_all("SELECT sql FROM sqlite_master WHERE name = 'qs_users'")
        .await
        .unwrap()[0]
        .get("sql")
        .unwrap();
    assert!(
        users_sql.contains("CHECK (mood IN ('happy', 'sad', 'it''s ok'))"),
        "{users_sql}"
    );
    let ix_sql: String = engine
        .fetch_all("SELECT sql FROM sqlite_master WHERE name = 'qs_ix_users_active_email'")
        .await
        .unwrap()[0]
        .get("sql")
        .unwrap();
    assert!(ix_sql.ends_with("WHERE active = TRUE"), "{ix_sql}");
    engine.drop_all(&md).await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn memory_database_is_shared_across_the_pool_and_files_work() {
    let engine = sqlite().await;
    engine
        .execute("CREATE TABLE shared_t (a INTEGER)")
        .await
        .unwrap();
    // Hold several connections at once: all see the same database.
    let mut conns = Vec::new();
    for _ in 0..4 {
        conns.push(engine.acquire().await.unwrap());
    }
    for c in &mut conns {
        c.execute("INSERT INTO shared_t (a) VALUES (1)")
            .await
            .unwrap();
    }
    drop(conns);
    let n: i64 = engine
        .fetch_all("SELECT count(*) AS n FROM shared_t")
        .await
        .unwrap()[0]
        .get("n")
        .unwrap();
    assert_eq!(n, 4);
    // Two engines are two databases.
    let other = sqlite().await;
    assert!(!other.has_table(None, "shared_t").await.unwrap());

    let dir = std::env::temp_dir().join(format!("quarry-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("f.db");
    let url = format!("sqlite://{}", path.display());
    let file = Engine::connect(&url).await.unwrap();
    file.execute_script("CREATE TABLE f (a INTEGER); INSERT INTO f VALUES (1);")
        .await
        .unwrap();
    let mode: String = file.fetch_all("PRAGMA journal_mode").await.unwrap()[0]
        .get(0)
        .unwrap();
    assert_eq!(mode, "wal");
    let fks: i64 = file.fetch_all("PRAGMA foreign_keys").await.unwrap()[0]
        .get(0)
        .unwrap();
    assert_eq!(fks, 1);
    drop(file);
    std::fs::remove_dir_all(&dir).unwrap();
    let bad = Engine::connect("sqlite:///nonexistent-dir/x/y.db")
        .await
        .unwrap_err();
    assert_eq!(bad.kind(), quarry::ErrorKind::Connection, "{bad}");
}
