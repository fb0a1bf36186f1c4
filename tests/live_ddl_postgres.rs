//! Live DDL and executor tests specific to PostgreSQL (`QUARRY_TEST_POSTGRES_URL`).
//!
//! The fixture schema is created with `create_all`, read back from PostgreSQL's catalog and
//! compared with spellings written out here; then what only PostgreSQL has: its statement and
//! decode errors, typed binding, a statement dropped inside a transaction, string literals under
//! either `standard_conforming_strings`, and native enum columns. The DDL scenarios every
//! backend shares are in `live_ddl.rs`. Each test uses its own table-name prefix (tests in one
//! binary run concurrently) and first drops leftovers of a previous run.

mod common;

use common::{CatColumn, CatForeignKey, CatIndex, CatTable};
use quarry::Executor;
use quarry::{
    ColumnDef, Compiled, Engine, ErrorKind, MetaData, Postgres, Row, ServerDefault, SqlType, Table,
    Value, ValueType,
};

const URL_VAR: &str = "QUARRY_TEST_POSTGRES_URL";

/// A parameterised query.
fn q(sql: &str, params: Vec<Value>) -> Compiled {
    Compiled::with_params(sql, params)
}

fn text(v: &str) -> Value {
    Value::Text(v.to_owned())
}

async fn rows(engine: &Engine, sql: &str, params: Vec<Value>) -> Vec<Row> {
    match engine.fetch_all(q(sql, params)).await {
        Ok(r) => r,
        Err(e) => panic!("catalog query failed: {e}\n{sql}"),
    }
}

/// The PostgreSQL spelling (`format_type`) of a column's type.
fn expect_type(c: &ColumnDef) -> String {
    match &c.sql_type {
        SqlType::SmallInt => "smallint".into(),
        SqlType::Integer => "integer".into(),
        SqlType::BigInt => "bigint".into(),
        SqlType::Boolean => "boolean".into(),
        SqlType::Real => "real".into(),
        SqlType::Double => "double precision".into(),
        SqlType::Numeric { precision, scale } => format!("numeric({precision},{scale})"),
        SqlType::Varchar(n) => format!("character varying({n})"),
        SqlType::Char(n) => format!("character({n})"),
        SqlType::Text => "text".into(),
        SqlType::Blob => "bytea".into(),
        SqlType::Date => "date".into(),
        SqlType::Time => "time without time zone".into(),
        SqlType::Timestamp => "timestamp without time zone".into(),
        SqlType::TimestampTz => "timestamp with time zone".into(),
        SqlType::Uuid => "uuid".into(),
        SqlType::Json => "jsonb".into(),
        SqlType::Enum(e) => e.name.clone(),
        SqlType::Custom(s) => s.to_lowercase(),
        other => panic!("no expected PostgreSQL spelling for {other:?}"),
    }
}

/// The cast PostgreSQL prints after a quoted literal of the column's type.
fn cast_name(c: &ColumnDef) -> String {
    match &c.sql_type {
        SqlType::Varchar(_) => "character varying".into(),
        SqlType::Char(_) => "bpchar".into(),
        other => expect_type(&ColumnDef::new("", other.clone())),
    }
}

/// What `pg_get_expr` prints for the column's server default.
fn expect_default(c: &ColumnDef) -> Option<String> {
    if c.autoincrement {
        return None; // an identity column has no pg_attrdef row
    }
    Some(match c.server_default.as_ref()? {
        ServerDefault::Literal(Value::Bool(b)) => b.to_string(),
        ServerDefault::Literal(Value::Text(s)) => {
            format!("'{}'::{}", s.replace('\'', "''"), cast_name(c))
        }
        ServerDefault::Literal(v) => {
            let n = v
                .as_i64()
                .unwrap_or_else(|| panic!("unexpected default {v:?}"));
            // A negative constant is printed quoted, with the cast of the type PostgreSQL gives
            // the literal (integer, or bigint when it does not fit), whatever the column's type.
            if n < 0 {
                let literal_type = if i32::try_from(n).is_ok() {
                    "integer"
                } else {
                    "bigint"
                };
                format!("'{n}'::{literal_type}")
            } else {
                n.to_string()
            }
        }
        ServerDefault::Expression(e) => e.clone(),
    })
}

/// Strips `::type` casts (`(0)::double precision` → `(0)`), then squashes.
fn strip_casts(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find("::") {
        out.push_str(&rest[..i]);
        rest = &rest[i + 2..];
        // A type name: words, spaces between words, and a parenthesised modifier.
        let end = rest
            .char_indices()
            .find(|&(j, ch)| {
                !(ch.is_ascii_alphanumeric()
                    || ch == '_'
                    || ch == '"'
                    || (ch == ' '
                        && rest[j + 1..]
                            .chars()
                            .next()
                            .is_some_and(|n| n.is_ascii_alphabetic())
                        && is_type_word_continuation(&rest[..j], &rest[j + 1..])))
            })
            .map_or(rest.len(), |(j, _)| j);
        rest = &rest[end..];
    }
    out.push_str(rest);
    common::squash(&out)
}

/// Whether a space inside `type_so_far` + ` ` + `next` continues a multi-word type name.
fn is_type_word_continuation(type_so_far: &str, next: &str) -> bool {
    let last = type_so_far.rsplit(' ').next().unwrap_or_default();
    matches!(
        (last, next.split(|c: char| !c.is_ascii_alphabetic()).next()),
        ("double", Some("precision"))
            | ("character", Some("varying"))
            | ("timestamp" | "time", Some("with" | "without"))
            | ("with" | "without", Some("time"))
            | ("time", Some("zone"))
    )
}

/// PostgreSQL prints `CHECK ((score >= (0)::double precision))` for `score >= 0`.
fn check_matches(want: &str, got: &str) -> bool {
    let got = got.trim();
    let got = got.strip_prefix("CHECK").unwrap_or(got);
    strip_casts(got) == strip_casts(want)
}

/// Reads the catalog's facts about `table` (in the current schema).
async fn read_table(engine: &Engine, table: &str) -> CatTable {
    let mut cat = CatTable::default();
    let cols = rows(
        engine,
        "SELECT a.attname::text AS name,
                format_type(a.atttypid, a.atttypmod) AS sql_type,
                a.attnotnull AS not_null,
                pg_get_expr(d.adbin, d.adrelid) AS def,
                a.attidentity AS identity
           FROM pg_catalog.pg_attribute a
           JOIN pg_catalog.pg_class c ON c.oid = a.attrelid
           JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
           LEFT JOIN pg_catalog.pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
          WHERE c.relname = $1 AND n.nspname = current_schema()
            AND a.attnum > 0 AND NOT a.attisdropped
          ORDER BY a.attnum",
        vec![text(table)],
    )
    .await;
    for r in &cols {
        cat.columns.push(CatColumn {
            name: r.get("name").unwrap(),
            sql_type: r.get("sql_type").unwrap(),
            nullable: !r.get::<bool>("not_null").unwrap(),
            default: r.get("def").unwrap(),
        });
    }
    // Constraints, one row per key column in key order ("char" columns decoded natively).
    let cons = rows(
        engine,
        "SELECT con.conname::text AS name,
                con.contype AS kind,
                a.attname::text AS col,
                rc.relname::text AS ref_table,
                fa.attname::text AS ref_col,
                CASE con.confdeltype WHEN 'a' THEN 'NO ACTION' WHEN 'r' THEN 'RESTRICT'
                     WHEN 'c' THEN 'CASCADE' WHEN 'n' THEN 'SET NULL' WHEN 'd' THEN 'SET DEFAULT'
                END AS on_delete,
                CASE con.confupdtype WHEN 'a' THEN 'NO ACTION' WHEN 'r' THEN 'RESTRICT'
                     WHEN 'c' THEN 'CASCADE' WHEN 'n' THEN 'SET NULL' WHEN 'd' THEN 'SET DEFAULT'
                END AS on_update,
                pg_get_constraintdef(con.oid) AS def
           FROM pg_catalog.pg_constraint con
           JOIN pg_catalog.pg_class c ON c.oid = con.conrelid
           JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
           LEFT JOIN LATERAL unnest(con.conkey) WITH ORDINALITY AS k(attnum, ord) ON TRUE
           LEFT JOIN pg_catalog.pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.attnum
           LEFT JOIN pg_catalog.pg_class rc ON rc.oid = con.confrelid
           LEFT JOIN pg_catalog.pg_attribute fa
                  ON fa.attrelid = con.confrelid AND fa.attnum = con.confkey[k.ord]
          WHERE c.relname = $1 AND n.nspname = current_schema()
            AND con.contype IN ('p', 'f', 'u', 'c')
          ORDER BY con.conname, k.ord",
        vec![text(table)],
    )
    .await;
    let mut last_name = String::new();
    for r in &cons {
        let name: String = r.get("name").unwrap();
        let kind: String = r.get("kind").unwrap();
        let first = name != last_name;
        last_name.clone_from(&name);
        let col: Option<String> = r.get("col").unwrap();
        match kind.as_str() {
            "p" => cat.primary_key.extend(col),
            "u" if first => cat.uniques.push(col.into_iter().collect()),
            "u" => cat.uniques.last_mut().unwrap().extend(col),
            "c" if first => cat.checks.push(r.get("def").unwrap()),
            "c" => {}
            "f" => {
                if first {
                    cat.foreign_keys.push(CatForeignKey {
                        columns: Vec::new(),
                        ref_table: r.get("ref_table").unwrap(),
                        ref_columns: Vec::new(),
                        on_delete: r.get("on_delete").unwrap(),
                        on_update: r.get("on_update").unwrap(),
                    });
                }
                let fk = cat.foreign_keys.last_mut().unwrap();
                fk.columns.extend(col);
                fk.ref_columns.push(r.get("ref_col").unwrap());
            }
            other => panic!("unexpected constraint type {other:?}"),
        }
    }
    // Indexes not backing a PRIMARY KEY / UNIQUE / EXCLUDE constraint, columns in key order.
    let ixs = rows(
        engine,
        "SELECT i.relname::text AS name, ix.indisunique AS is_unique, a.attname::text AS col
           FROM pg_catalog.pg_index ix
           JOIN pg_catalog.pg_class i ON i.oid = ix.indexrelid
           JOIN pg_catalog.pg_class c ON c.oid = ix.indrelid
           JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
           CROSS JOIN LATERAL unnest(ix.indkey::int2[]) WITH ORDINALITY AS k(attnum, ord)
           LEFT JOIN pg_catalog.pg_attribute a ON a.attrelid = c.oid AND a.attnum = k.attnum
          WHERE c.relname = $1 AND n.nspname = current_schema()
            AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_constraint con
                             WHERE con.conindid = ix.indexrelid AND con.contype IN ('p', 'u', 'x'))
          ORDER BY i.relname, k.ord",
        vec![text(table)],
    )
    .await;
    for r in &ixs {
        let name: String = r.get("name").unwrap();
        if cat.indexes.last().is_none_or(|ix| ix.name != name) {
            cat.indexes.push(CatIndex {
                name,
                columns: Vec::new(),
                unique: r.get("is_unique").unwrap(),
            });
        }
        let col: String = r.get("col").unwrap();
        cat.indexes.last_mut().unwrap().columns.push(col);
    }
    cat
}

/// Reads the fixture back from the catalog and compares every table with its metadata.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn create_all_matches_catalog() {
    let Some(engine) = common::engine(URL_VAR).await else {
        return;
    };
    let prefix = "qpgcat_";
    let md = common::fixture(&Postgres, prefix);
    engine.drop_all(&md).await.unwrap();
    if let Err(e) = engine.create_all(&md).await {
        let ddl = md.create_all_ddl(&Postgres).unwrap();
        let ddl: Vec<&str> = ddl.iter().map(|c| c.sql.as_str()).collect();
        panic!("create_all failed: {e}\nDDL:\n{}", ddl.join(";\n"));
    }

    for table in md.tables() {
        let cat = read_table(&engine, &table.name).await;
        common::assert_table_matches(table, &cat, &expect_type, &expect_default, &check_matches);
    }

    // The identity column is GENERATED BY DEFAULT (attidentity 'd', a "char").
    let ident = rows(
        &engine,
        "SELECT a.attidentity AS identity FROM pg_catalog.pg_attribute a
          WHERE a.attrelid = to_regclass($1) AND a.attname = 'id'",
        vec![text(&format!("{prefix}users"))],
    )
    .await;
    assert_eq!(ident[0].get::<String>("identity").unwrap(), "d");

    // The enum type and its labels, in order.
    let mood = format!("{prefix}mood");
    let labels: Vec<String> = rows(
        &engine,
        "SELECT e.enumlabel::text AS label FROM pg_catalog.pg_enum e
           JOIN pg_catalog.pg_type t ON t.oid = e.enumtypid
           JOIN pg_catalog.pg_namespace n ON n.oid = t.typnamespace
          WHERE t.typname = $1 AND n.nspname = current_schema()
          ORDER BY e.enumsortorder",
        vec![text(&mood)],
    )
    .await
    .iter()
    .map(|r| r.get("label").unwrap())
    .collect();
    assert_eq!(labels, ["happy", "sad", "it's ok"]);

    // Table and column comments.
    let users = format!("{prefix}users");
    let comments = rows(
        &engine,
        "SELECT obj_description(c.oid, 'pg_class') AS tc,
                col_description(c.oid, a.attnum) AS cc
           FROM pg_catalog.pg_class c
           JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
           JOIN pg_catalog.pg_attribute a ON a.attrelid = c.oid AND a.attname = 'name'
          WHERE c.relname = $1 AND n.nspname = current_schema()",
        vec![text(&users)],
    )
    .await;
    assert_eq!(comments.len(), 1);
    assert_eq!(
        comments[0].get::<Option<String>>("tc").unwrap().as_deref(),
        Some("people who sign in")
    );
    assert_eq!(
        comments[0].get::<Option<String>>("cc").unwrap().as_deref(),
        Some("display name")
    );
    // No comment on a column that declares none; the table's oid decodes as i64.
    let none = rows(
        &engine,
        "SELECT col_description(c.oid, a.attnum) AS cc, c.oid AS reloid
           FROM pg_catalog.pg_class c
           JOIN pg_catalog.pg_attribute a ON a.attrelid = c.oid AND a.attname = 'email'
          WHERE c.oid = to_regclass($1)",
        vec![text(&users)],
    )
    .await;
    assert_eq!(none[0].get::<Option<String>>("cc").unwrap(), None);
    assert!(none[0].get::<i64>("reloid").unwrap() > 0);

    // Partial index predicate, GIN access method, descending key.
    let indexdef = |name: String| {
        let engine = engine.clone();
        async move {
            let r = rows(
                &engine,
                "SELECT indexdef::text AS def FROM pg_catalog.pg_indexes
                  WHERE schemaname = current_schema() AND indexname = $1",
                vec![text(&name)],
            )
            .await;
            assert_eq!(r.len(), 1, "index {name}");
            r[0].get::<String>("def").unwrap()
        }
    };
    let partial = indexdef(format!("{prefix}ix_users_active_email")).await;
    assert!(partial.contains("WHERE (active = true)"), "{partial}");
    let gin = indexdef(format!("{prefix}ix_users_prefs")).await;
    assert!(gin.contains("USING gin (prefs)"), "{gin}");
    let desc = indexdef(format!("{prefix}ix_users_created")).await;
    assert!(desc.contains("(created_at DESC, id)"), "{desc}");
    let uq = indexdef(format!("{prefix}uq_users_nick")).await;
    assert!(uq.starts_with("CREATE UNIQUE INDEX"), "{uq}");

    // The foreign-key cycle departments <-> employees (and the self reference) exists.
    let fks = rows(
        &engine,
        "SELECT c.relname::text AS child, rc.relname::text AS parent
           FROM pg_catalog.pg_constraint con
           JOIN pg_catalog.pg_class c ON c.oid = con.conrelid
           JOIN pg_catalog.pg_class rc ON rc.oid = con.confrelid
           JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
          WHERE con.contype = 'f' AND n.nspname = current_schema()
            AND c.relname = ANY (ARRAY[$1, $2])
          ORDER BY 1, 2",
        vec![
            text(&format!("{prefix}departments")),
            text(&format!("{prefix}employees")),
        ],
    )
    .await;
    let pairs: Vec<(String, String)> = fks
        .iter()
        .map(|r| (r.get("child").unwrap(), r.get("parent").unwrap()))
        .collect();
    let p = |a: &str, b: &str| (format!("{prefix}{a}"), format!("{prefix}{b}"));
    assert_eq!(
        pairs,
        [
            p("departments", "employees"),
            p("employees", "departments"),
            p("employees", "employees"),
        ]
    );

    engine.drop_all(&md).await.unwrap();
}

/// A parameter-count mismatch is a statement error (the server's protocol error), not a lost
/// connection; a result of a type quarry has no form for is a decode error naming the column
/// and the type. (Constraint violations and syntax errors on every backend: `live_ddl.rs`.)
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn statement_and_decode_errors_are_classified() {
    let Some(engine) = common::engine(URL_VAR).await else {
        return;
    };
    let count = engine
        .fetch_all(q("SELECT $1::int8 + $2::int8 AS v", vec![Value::I64(1)]))
        .await
        .unwrap_err();
    assert_eq!(count.kind(), ErrorKind::Database, "{count}");
    assert_eq!(count.code(), Some("08P01"), "{count}");
    let one = rows(&engine, "SELECT 1 AS one", vec![]).await;
    assert_eq!(one[0].get::<i32>("one").unwrap(), 1);

    let dec = engine
        .fetch_all("SELECT '1 day'::interval AS period")
        .await
        .unwrap_err();
    assert_eq!(dec.kind(), ErrorKind::Decode, "{dec}");
    assert!(
        dec.to_string().contains("period") && dec.to_string().contains("interval"),
        "{dec}"
    );
}

/// Every value type is bound with its exact PostgreSQL type and decodes back equal.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn typed_binding_round_trips() {
    let Some(engine) = common::engine(URL_VAR).await else {
        return;
    };
    let cases = [
        ("bigint", Value::I64(-9_007_199_254_740_993)),
        ("integer", Value::I32(-2_000_000_000)),
        ("smallint", Value::I16(-32_000)),
        ("double precision", Value::F64(0.1)),
        ("real", Value::F32(1.5)),
        ("boolean", Value::Bool(true)),
        ("text", Value::Text("it's \\ \u{e9}\u{1f600}".into())),
        ("bytea", Value::Bytes(vec![0, 1, 0xfe, 0xff])),
        ("bigint", Value::Null(ValueType::I64)),
        ("integer", Value::Null(ValueType::I32)),
        ("smallint", Value::Null(ValueType::I16)),
        ("double precision", Value::Null(ValueType::F64)),
        ("real", Value::Null(ValueType::F32)),
        ("boolean", Value::Null(ValueType::Bool)),
        ("text", Value::Null(ValueType::Text)),
        ("bytea", Value::Null(ValueType::Bytes)),
    ];
    for (ty, v) in cases {
        // The server sees the parameter's own type, without a cast in the SQL.
        let r = rows(
            &engine,
            "SELECT $1 AS v, pg_typeof($1)::text AS t",
            vec![v.clone()],
        )
        .await;
        assert_eq!(r.len(), 1);
        assert_eq!(r[0].value("v").unwrap(), &v, "{ty}");
        assert_eq!(r[0].get::<String>("t").unwrap(), ty, "{v:?}");
    }
    // A typed NULL works where PostgreSQL could not infer the type of a bare `$1`.
    let r = rows(
        &engine,
        "SELECT $1::bigint AS v",
        vec![Value::Null(ValueType::I64)],
    )
    .await;
    assert_eq!(r[0].get::<Option<i64>>("v").unwrap(), None);
    let r = rows(&engine, "SELECT $1::bigint AS v", vec![Value::I64(7)]).await;
    assert_eq!(r[0].get::<i64>("v").unwrap(), 7);

    // Other decoded types: varchar, bpchar, name, "char", oid, unknown-typed literals.
    let r = rows(
        &engine,
        "SELECT 'ab'::varchar(5) AS vc, 'ab'::char(4) AS bp, 'nm'::name AS nm,
                'x'::\"char\" AS ch, 26::oid AS o, 'lit' AS lit",
        vec![],
    )
    .await;
    let row = &r[0];
    assert_eq!(row.get::<String>("vc").unwrap(), "ab");
    assert_eq!(row.get::<String>("bp").unwrap(), "ab  ");
    assert_eq!(row.get::<String>("nm").unwrap(), "nm");
    assert_eq!(row.get::<String>("ch").unwrap(), "x");
    assert_eq!(row.get::<i64>("o").unwrap(), 26);
    assert_eq!(row.get::<String>("lit").unwrap(), "lit");
    assert_eq!(row.columns(), ["vc", "bp", "nm", "ch", "o", "lit"]);

    // Rows of one result share their column names; NULL cells keep the column's type.
    let r = rows(
        &engine,
        "SELECT g AS n, NULLIF(g, 2)::int4 AS maybe FROM generate_series(1, 3) AS g",
        vec![],
    )
    .await;
    assert_eq!(r.len(), 3);
    assert_eq!(r[1].value("maybe").unwrap(), &Value::Null(ValueType::I32));
    assert_eq!(r[2].get::<i32>("n").unwrap(), 3);
}

/// Waits (up to 10 s) until the server session `pid` is gone; whether it went.
async fn session_ends(engine: &Engine, pid: i32) -> bool {
    for _ in 0..100 {
        let alive = rows(
            engine,
            "SELECT 1 AS one FROM pg_catalog.pg_stat_activity WHERE pid = $1",
            vec![Value::I32(pid)],
        )
        .await;
        if alive.is_empty() {
            return true;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    false
}

async fn backend_pid(conn: &mut quarry::Connection) -> i32 {
    conn.fetch_all("SELECT pg_backend_pid() AS pid")
        .await
        .unwrap()[0]
        .get("pid")
        .unwrap()
}

/// A statement whose future is dropped midway (here inside a transaction) never returns its
/// session to the pool: the session is closed instead.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dropped_statement_discards_the_connection() {
    let Some(engine) = common::engine(URL_VAR).await else {
        return;
    };
    let mut conn = engine.acquire().await.unwrap();
    let pid = backend_pid(&mut conn).await;
    conn.execute_script("BEGIN").await.unwrap();
    let slow = tokio::time::timeout(
        std::time::Duration::from_millis(200),
        conn.execute("SELECT pg_sleep(1)"),
    )
    .await;
    let _elapsed: tokio::time::error::Elapsed =
        slow.expect_err("pg_sleep(1) finished within 200 ms?");
    drop(conn);
    assert!(session_ends(&engine, pid).await, "session {pid} was kept");
    // Sessions handed out afterwards are other sessions.
    for _ in 0..12 {
        let mut c = engine.acquire().await.unwrap();
        assert_ne!(backend_pid(&mut c).await, pid);
    }
}

/// Strings that break out of a `'…'` literal when `standard_conforming_strings` is off.
const HOSTILE: [&str; 4] = ["\\' || current_user, --", "a\\b", "it's", "\\"];

/// One round of [`regression_pg_literals_survive_either_string_mode`] on `engine`, whose session
/// runs with `standard_conforming_strings` set to `mode`.
async fn pg_literals_round_trip(engine: &Engine, mode: &str) {
    use quarry::prelude::*;
    let r = rows(engine, "SHOW standard_conforming_strings", vec![]).await;
    assert_eq!(r[0].get::<String>(0).unwrap(), mode);
    let table: &'static str = if mode == "on" {
        "pglit_t_on"
    } else {
        "pglit_t_off"
    };
    let ty = format!("pglit_mood_{mode}");
    engine
        .execute_script(&format!(
            "DROP TABLE IF EXISTS {table}; DROP TYPE IF EXISTS {ty}"
        ))
        .await
        .unwrap();
    let mood = SqlType::enumeration(ty.clone(), HOSTILE);
    let mut t = Table::new(table)
        .comment(HOSTILE[0])
        .column(ColumnDef::new("id", SqlType::Integer).server_default(1_i32))
        .column(
            ColumnDef::new("m", mood)
                .server_default(HOSTILE[0])
                .comment(HOSTILE[0]),
        )
        .column(ColumnDef::new("raw", SqlType::Blob).server_default(b"\\'x".to_vec()));
    for (i, s) in HOSTILE.iter().enumerate() {
        t = t.column(ColumnDef::new(format!("d{i}"), SqlType::Text).server_default(*s));
    }
    let md = MetaData::new().with(t);
    engine.create_all(&md).await.unwrap();
    engine
        .execute(format!("INSERT INTO {table} DEFAULT VALUES").as_str())
        .await
        .unwrap();

    // Defaults, through the inserted row.
    let r = rows(
        engine,
        &format!("SELECT m::text AS m, raw, d0, d1, d2, d3 FROM {table}"),
        vec![],
    )
    .await;
    assert_eq!(r[0].get::<String>("m").unwrap(), HOSTILE[0], "{mode}");
    assert_eq!(r[0].get::<Vec<u8>>("raw").unwrap(), b"\\'x", "{mode}");
    for (i, s) in HOSTILE.iter().enumerate() {
        assert_eq!(
            r[0].get::<String>(format!("d{i}").as_str()).unwrap(),
            *s,
            "{mode}"
        );
    }
    // Comments.
    let r = rows(
        engine,
        "SELECT obj_description($1::text::regclass, 'pg_class') AS t,
                col_description($1::text::regclass, 2) AS c",
        vec![text(table)],
    )
    .await;
    assert_eq!(r[0].get::<String>("t").unwrap(), HOSTILE[0], "{mode}");
    assert_eq!(r[0].get::<String>("c").unwrap(), HOSTILE[0], "{mode}");
    // Enum labels.
    let r = rows(
        engine,
        "SELECT enumlabel::text AS l FROM pg_enum WHERE enumtypid = $1::text::regtype
          ORDER BY enumsortorder",
        vec![text(&ty)],
    )
    .await;
    let labels: Vec<String> = r.iter().map(|r| r.get("l").unwrap()).collect();
    assert_eq!(labels, HOSTILE, "{mode}");

    // LIKE … ESCAPE '\': only the literal underscore matches.
    engine
        .execute(format!("UPDATE {table} SET d1 = 'a_b'").as_str())
        .await
        .unwrap();
    engine
        .execute(format!("INSERT INTO {table} (id, d1) VALUES (2, 'axb')").as_str())
        .await
        .unwrap();
    let d1 = quarry::Column::<String>::new(table, "d1");
    let id = quarry::Column::<i32>::new(table, "id");
    let q = select(id).from(table).filter(d1.like_escape("a\\_b", '\\'));
    let r = engine.fetch_all(&q).await.unwrap();
    assert_eq!(r.len(), 1, "{mode}");
    assert_eq!(r[0].get::<i32>(0).unwrap(), 1, "{mode}");
    // Debug SQL with the literals inlined runs and means the same.
    let sql = select(id)
        .from(table)
        .filter(d1.like_escape("a\\_b", '\\').and(d1.ne(HOSTILE[0])))
        .to_debug_sql(&Postgres)
        .unwrap();
    let r = rows(engine, &sql, vec![]).await;
    assert_eq!(r.len(), 1, "{mode}: {sql}");
    for s in HOSTILE {
        let sql = select(val(s)).to_debug_sql(&Postgres).unwrap();
        let r = rows(engine, &sql, vec![]).await;
        assert_eq!(r[0].get::<String>(0).unwrap(), s, "{mode}: {sql}");
    }
    engine.drop_all(&md).await.unwrap();
}

/// String literals quarry writes into PostgreSQL SQL (defaults, comments, enum labels, LIKE
/// ESCAPE, inlined debug values) keep their bytes whatever `standard_conforming_strings` is.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn regression_pg_literals_survive_either_string_mode() {
    let Some(engine) = common::engine(URL_VAR).await else {
        return;
    };
    pg_literals_round_trip(&engine, "on").await;
    let url = common::url(URL_VAR).unwrap();
    let sep = if url.contains('?') { '&' } else { '?' };
    let off = Engine::connect(&format!(
        "{url}{sep}options=-c%20standard_conforming_strings%3Doff"
    ))
    .await
    .unwrap();
    pg_literals_round_trip(&off, "off").await;
}

fn pgenum_type(name: &str, schema: Option<&str>) -> SqlType {
    SqlType::Enum(quarry::EnumType {
        name: name.into(),
        schema: schema.map(Into::into),
        values: vec!["happy".into(), "it's ok".into(), "a\\b".into()],
    })
}

quarry::table! {
    pub struct PgEnumRows("pgenum_rows") {
        id: i64 => primary_key(),
        mood: String => sql_type(pgenum_type("pgenum_mood", None)),
        was: Option<String> => sql_type(pgenum_type("pgenum_was", Some("public"))).default("happy"),
    }
}

/// Values for native enum columns go through the builder with no cast by hand: INSERT (one
/// and several rows, client default), upsert, UPDATE SET, WHERE comparisons and IN lists
/// (short and long), with `table!` columns and dynamic ones, and read back.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn regression_pg_enum_columns_through_the_builder() {
    use quarry::prelude::*;
    use quarry::DynColumn;
    let Some(engine) = common::engine(URL_VAR).await else {
        return;
    };
    engine
        .execute_script(
            "DROP TABLE IF EXISTS pgenum_rows; DROP TYPE IF EXISTS pgenum_mood; \
             DROP TYPE IF EXISTS public.pgenum_was",
        )
        .await
        .unwrap();
    let md = MetaData::new().with(PgEnumRows::table());
    engine.create_all(&md).await.unwrap();
    let m = PgEnumRows::new();
    let n = engine
        .execute(insert(m).rows([
            (m.id.set(1), m.mood.set("happy"), m.was.set(None::<String>)),
            (
                m.id.set(2),
                m.mood.set("it's ok"),
                m.was.set(Some("a\\b".to_owned())),
            ),
        ]))
        .await
        .unwrap();
    assert_eq!(n, 2);
    // One row, `was` from its client default.
    engine
        .execute(insert(m).values((m.id.set(3), m.mood.set("a\\b"))))
        .await
        .unwrap();
    // Upsert: the conflicting row takes the new mood.
    engine
        .execute(
            insert(m)
                .values((m.id.set(1), m.mood.set("a\\b"), m.was.set(None::<String>)))
                .on_conflict(m.id)
                .do_update_set(m.mood, "it's ok"),
        )
        .await
        .unwrap();
    // UPDATE SET and WHERE on enum columns.
    let n = engine
        .execute(
            update(m).set(m.was, Some("it's ok".to_owned())).filter(
                m.mood
                    .eq("it's ok")
                    .and(m.was.ne("a\\b").or(m.was.is_null())),
            ),
        )
        .await
        .unwrap();
    assert_eq!(n, 1, "row 1 only");
    // Dynamic columns of the runtime table.
    let t = PgEnumRows::table();
    let c = |name: &str| DynColumn::new("pgenum_rows", name);
    engine
        .execute(insert(&t).values([c("id").set(4_i64), c("mood").set("happy")]))
        .await
        .unwrap();
    engine
        .execute(
            update(&t)
                .set(c("was"), "a\\b")
                .filter(c("mood").eq("happy").and(c("id").eq(4_i64))),
        )
        .await
        .unwrap();

    let rows: Vec<(i64, String, Option<String>)> = engine
        .fetch_all_as(select((m.id, m.mood, m.was)).from(m).order_by(m.id))
        .await
        .unwrap();
    let own = |s: &str| s.to_owned();
    assert_eq!(
        rows,
        [
            (1, own("it's ok"), Some(own("it's ok"))),
            (2, own("it's ok"), Some(own("a\\b"))),
            (3, own("a\\b"), Some(own("happy"))),
            (4, own("happy"), Some(own("a\\b"))),
        ]
    );
    // Comparisons: equality, order (enum order, not text order), IN lists short and long.
    let ids = |rows: Vec<i64>| rows;
    let q = select(m.id)
        .from(m)
        .filter(m.mood.gt("happy"))
        .order_by(m.id);
    assert_eq!(ids(engine.fetch_all_as(q).await.unwrap()), [1, 2, 3]);
    let q = select(m.id)
        .from(m)
        .filter(m.mood.in_list(["happy", "a\\b"]))
        .order_by(m.id);
    assert_eq!(ids(engine.fetch_all_as(q).await.unwrap()), [3, 4]);
    let many: Vec<&str> = std::iter::repeat_n("happy", 1200).chain(["a\\b"]).collect();
    let q = select(m.id)
        .from(m)
        .filter(m.mood.in_list(many))
        .order_by(m.id);
    assert_eq!(ids(engine.fetch_all_as(q).await.unwrap()), [3, 4]);
    let q = select(c("id"))
        .from(&t)
        .filter(c("was").eq("a\\b"))
        .order_by(c("id"));
    assert_eq!(ids(engine.fetch_all_as(q).await.unwrap()), [2, 4]);
    engine
        .execute(delete(m).filter(m.mood.eq("happy")))
        .await
        .unwrap();
    let left: i64 = engine
        .fetch_scalar(select(count_star()).from(m))
        .await
        .unwrap();
    assert_eq!(left, 3);
    engine.drop_all(&md).await.unwrap();
}
