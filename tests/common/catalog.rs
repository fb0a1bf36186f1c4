//! Names read back from each backend's catalog, byte for byte, and the removal of a test's
//! leftover tables by name prefix (children first), so a failed run cannot break the next.

use quarry::dialect::SqlWriter;
use quarry::prelude::*;
use quarry::Engine;

/// The names of every table in the current schema (database) whose name starts with `prefix`,
/// as the catalog spells them, sorted.
pub async fn tables_with_prefix(engine: &Engine, prefix: &str) -> Vec<String> {
    let q = match engine.dialect().name() {
        "postgresql" => {
            "SELECT c.relname::text FROM pg_catalog.pg_class c \
             WHERE c.relnamespace = current_schema()::regnamespace AND c.relkind IN ('r', 'p')"
        }
        "mariadb" | "mysql" => {
            "SELECT table_name FROM information_schema.tables \
             WHERE table_schema = DATABASE() AND table_type = 'BASE TABLE'"
        }
        _ => "SELECT name FROM sqlite_master WHERE type = 'table'",
    };
    let rows = engine
        .fetch_all(q)
        .await
        .unwrap_or_else(|e| panic!("{}: list tables: {e}", engine.backend_name()));
    let mut names: Vec<String> = rows
        .iter()
        .map(|r| r.get::<String>(0).expect("table name"))
        .filter(|n| n.starts_with(prefix))
        .collect();
    names.sort();
    names
}

/// The column names of `table`, in order, as the catalog spells them.
pub async fn column_names(engine: &Engine, table: &str) -> Vec<String> {
    let q = match engine.dialect().name() {
        "postgresql" => sql("SELECT a.attname::text FROM pg_catalog.pg_attribute a \
             JOIN pg_catalog.pg_class c ON c.oid = a.attrelid \
             WHERE c.relnamespace = current_schema()::regnamespace AND c.relname = :t \
             AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum"),
        "mariadb" | "mysql" => sql("SELECT column_name FROM information_schema.columns \
             WHERE table_schema = DATABASE() AND BINARY table_name = :t \
             ORDER BY ordinal_position"),
        _ => sql("SELECT name FROM pragma_table_info(:t) ORDER BY cid"),
    }
    .bind("t", table);
    let rows = engine
        .fetch_all(q)
        .await
        .unwrap_or_else(|e| panic!("{}: columns of {table:?}: {e}", engine.backend_name()));
    rows.iter()
        .map(|r| r.get::<String>(0).expect("column name"))
        .collect()
}

/// The names of the indexes of `table` other than those backing its primary key, sorted.
pub async fn index_names(engine: &Engine, table: &str) -> Vec<String> {
    let q = match engine.dialect().name() {
        "postgresql" => sql("SELECT i.relname::text FROM pg_catalog.pg_index x \
             JOIN pg_catalog.pg_class i ON i.oid = x.indexrelid \
             JOIN pg_catalog.pg_class c ON c.oid = x.indrelid \
             WHERE c.relnamespace = current_schema()::regnamespace AND c.relname = :t \
             AND NOT x.indisprimary"),
        "mariadb" | "mysql" => sql(
            "SELECT DISTINCT index_name FROM information_schema.statistics \
             WHERE table_schema = DATABASE() AND BINARY table_name = :t \
             AND index_name <> 'PRIMARY'",
        ),
        _ => sql(
            "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = :t \
             AND sql IS NOT NULL",
        ),
    }
    .bind("t", table);
    let rows = engine
        .fetch_all(q)
        .await
        .unwrap_or_else(|e| panic!("{}: indexes of {table:?}: {e}", engine.backend_name()));
    let mut names: Vec<String> = rows
        .iter()
        .map(|r| r.get::<String>(0).expect("index name"))
        .collect();
    names.sort();
    names
}

/// Drops every table whose name starts with `prefix` (the debris of an earlier, failed run),
/// whatever foreign keys join them: `CASCADE` on PostgreSQL, foreign-key checks off for the
/// session elsewhere.
pub async fn drop_prefixed(engine: &Engine, prefix: &str) {
    let names = tables_with_prefix(engine, prefix).await;
    if names.is_empty() {
        return;
    }
    let d = engine.dialect();
    let quoted = |n: &str| {
        let mut w = SqlWriter::new(d);
        w.push_quoted_ident(n);
        w.finish().sql
    };
    let mut conn = engine.acquire().await.expect("connection");
    let (off, on, cascade) = match d.name() {
        "postgresql" => (None, None, " CASCADE"),
        "mariadb" | "mysql" => (
            Some("SET FOREIGN_KEY_CHECKS = 0"),
            Some("SET FOREIGN_KEY_CHECKS = 1"),
            "",
        ),
        _ => (
            Some("PRAGMA foreign_keys = OFF"),
            Some("PRAGMA foreign_keys = ON"),
            "",
        ),
    };
    if let Some(off) = off {
        conn.execute_script(off).await.expect("foreign keys off");
    }
    for n in &names {
        conn.execute_script(&format!("DROP TABLE IF EXISTS {}{cascade}", quoted(n)))
            .await
            .unwrap_or_else(|e| panic!("{}: drop leftover {n:?}: {e}", d.name()));
    }
    if let Some(on) = on {
        conn.execute_script(on).await.expect("foreign keys on");
    }
    eprintln!(
        "{}: dropped {} leftover table(s) starting with {prefix:?}",
        d.name(),
        names.len()
    );
}

/// Whether a named type (a PostgreSQL enum) called `name` exists in the current schema. Only
/// dialects whose enums are named types have them.
pub async fn named_type_exists(engine: &Engine, name: &str) -> bool {
    assert_eq!(
        engine.dialect().name(),
        "postgresql",
        "named types are PostgreSQL's"
    );
    let n: i64 = engine
        .fetch_scalar(
            sql("SELECT count(*) FROM pg_catalog.pg_type t \
                 WHERE t.typname = :n AND t.typnamespace = current_schema()::regnamespace")
            .bind("n", name),
        )
        .await
        .unwrap_or_else(|e| panic!("postgres: type {name:?}: {e}"));
    n > 0
}
