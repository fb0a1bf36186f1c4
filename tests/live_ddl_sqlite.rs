//! Live DDL tests on SQLite (always run: the database is embedded).

mod common;

use common::{CatColumn, CatForeignKey, CatIndex, CatTable};
use quarry::Executor;
use quarry::{ColumnDef, Compiled, Dialect, Engine, ServerDefault, SqlType, Sqlite, Table, Value};

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

fn expect_type(c: &ColumnDef) -> String {
    let mut w = quarry::SqlWriter::new(&Sqlite);
    Sqlite.write_type(&mut w, &c.sql_type, Some(c)).unwrap();
    w.finish().sql.to_lowercase()
}

fn expect_default(c: &ColumnDef) -> Option<String> {
    let mut w = quarry::SqlWriter::new(&Sqlite);
    match c.server_default.as_ref()? {
        ServerDefault::Literal(v) => w.push_literal(v).unwrap(),
        ServerDefault::Expression(e) => w.push(e),
    }
    Some(w.finish().sql)
}

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
    // Creating again is a no-op; dropping leaves nothing.
    engine.create_all(&md).await.unwrap();
    engine.drop_all(&md).await.unwrap();
    let left = engine
        .fetch_all("SELECT name FROM sqlite_master WHERE name LIKE 'qs\\_%' ESCAPE '\\'")
        .await
        .unwrap();
    assert!(left.is_empty(), "left behind: {left:?}");
    engine.drop_all(&md).await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn enforces_what_the_ddl_declares() {
    let engine = sqlite().await;
    let md = common::fixture(&Sqlite, "qe_");
    engine.create_all(&md).await.unwrap();
    engine
        .execute("INSERT INTO qe_orgs (id, name, code) VALUES (1, 'a', 'x')")
        .await
        .unwrap();
    let dup = engine
        .execute("INSERT INTO qe_orgs (id, name, code) VALUES (2, 'a', 'x')")
        .await
        .unwrap_err();
    assert!(dup.is_unique_violation(), "{dup}");
    assert_eq!(dup.code(), Some("2067"));
    assert!(dup.sql().unwrap().contains("qe_orgs"));
    let fk = engine
        .execute("INSERT INTO qe_memberships (org_id, user_id) VALUES (9, 9)")
        .await
        .unwrap_err();
    assert!(fk.is_foreign_key_violation(), "{fk}");
    let nn = engine
        .execute("INSERT INTO qe_orgs (id, name) VALUES (3, 'b')")
        .await
        .unwrap_err();
    assert!(nn.is_not_null_violation(), "{nn}");
    let ck = engine
        .execute(q(
            "INSERT INTO qe_users (name, email, score) VALUES (?, ?, ?)",
            vec!["n".into(), "e".into(), Value::F64(-1.0)],
        ))
        .await
        .unwrap_err();
    assert!(ck.is_check_violation(), "{ck}");
    let en = engine
        .execute(q(
            "INSERT INTO qe_users (name, email, mood) VALUES (?, ?, ?)",
            vec!["n".into(), "e".into(), "angry".into()],
        ))
        .await
        .unwrap_err();
    assert!(en.is_check_violation(), "enum check: {en}");
    // Defaults and the rowid alias work.
    engine
        .execute(q(
            "INSERT INTO qe_users (name, email) VALUES (?, ?)",
            vec!["ann".into(), "a@x".into()],
        ))
        .await
        .unwrap();
    let rows = engine
        .fetch_all("SELECT id, active, balance, motto, role FROM qe_users, (SELECT 'x' AS role)")
        .await
        .unwrap();
    assert_eq!(rows[0].get::<i64>("id").unwrap(), 1);
    assert!(rows[0].get::<bool>("active").unwrap());
    assert_eq!(rows[0].get::<String>("motto").unwrap(), "it's \\ fine");
    engine.drop_all(&md).await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_metadata_never_reaches_the_database() {
    let engine = sqlite().await;
    let md = quarry::MetaData::new()
        .with(Table::new("qb_ok").column(ColumnDef::new("id", SqlType::BigInt).primary_key()))
        .with(
            Table::new("qb_child")
                .column(ColumnDef::new("p", SqlType::BigInt).references("qb_missing", "id")),
        );
    let err = engine.create_all(&md).await.unwrap_err();
    assert_eq!(err.kind(), quarry::ErrorKind::InvalidSchema, "{err}");
    assert!(!engine.has_table(None, "qb_ok").await.unwrap());
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
