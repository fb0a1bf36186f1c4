//! Shared helpers of the tests: database URLs, the fixture schema, and a comparison of
//! catalog facts read back from a database with the metadata.
#![allow(dead_code)]

pub mod catalog;
pub mod private;
pub mod random_schema;
pub mod session;
pub mod sql;

use quarry::Executor;
use quarry::{
    Check, ColumnDef, Dialect, Engine, FkAction, ForeignKey, Index, MetaData, PrimaryKey, SqlType,
    Table, Unique,
};

/// Installs the three drivers (idempotent).
pub fn install() {
    quarry::install_drivers(&[
        &quarry_sqlite::DRIVER,
        &quarry_postgres::DRIVER,
        &quarry_mysql::DRIVER,
    ]);
}

/// The URL of a live database from `var`, or `None` (with a printed notice) when unset outside
/// CI. In CI (`CI=true`) an unset variable fails the test.
pub fn url(var: &str) -> Option<String> {
    match std::env::var(var) {
        Ok(u) if !u.is_empty() => Some(u),
        _ => {
            if std::env::var("CI").is_ok_and(|v| v == "true" || v == "1") {
                panic!("{var} is not set but CI=true: live tests must run in CI");
            }
            eprintln!("SKIPPED: {var} is not set; live test not run");
            None
        }
    }
}

/// Connects to the database named by `var`; `None` when skipped (see [`url`]). In CI a database
/// that cannot be reached fails the test.
pub async fn engine(var: &str) -> Option<Engine> {
    install();
    let url = url(var)?;
    match Engine::connect(&url).await {
        Ok(e) => Some(e),
        Err(e) => panic!("cannot connect to {var}={url}: {e}"),
    }
}

/// A schema exercising every SQL type and constraint kind that `dialect` supports, including a
/// foreign-key cycle, a self reference and composite keys. Table names start with `prefix` so
/// tests can run side by side.
pub fn fixture(dialect: &dyn Dialect, prefix: &str) -> MetaData {
    let n = |s: &str| format!("{prefix}{s}");
    let f = dialect.features();
    let mut users = Table::new(n("users"))
        .comment("people who sign in")
        .column(
            ColumnDef::new("id", SqlType::BigInt)
                .primary_key()
                .autoincrement(),
        )
        .column(
            ColumnDef::new("name", SqlType::Varchar(100))
                .not_null()
                .comment("display name"),
        )
        .column(
            ColumnDef::new("email", SqlType::Varchar(255))
                .not_null()
                .unique(),
        )
        .column(
            ColumnDef::new("active", SqlType::Boolean)
                .not_null()
                .server_default(true),
        )
        .column(ColumnDef::new("score", SqlType::Double))
        .column(ColumnDef::new("rating", SqlType::Real))
        .column(
            ColumnDef::new("balance", SqlType::numeric(12, 2))
                .not_null()
                .server_default(0_i64),
        )
        .column(ColumnDef::new("small", SqlType::SmallInt).server_default(-3_i16))
        .column(ColumnDef::new("medium", SqlType::Integer).server_default(7_i32))
        .column(ColumnDef::new("nickname", SqlType::Char(8)))
        .column(ColumnDef::new("motto", SqlType::Varchar(50)).server_default("it's \\ fine"))
        .column(ColumnDef::new("bio", SqlType::Text))
        .column(ColumnDef::new("avatar", SqlType::Blob))
        .column(ColumnDef::new("birthday", SqlType::Date))
        .column(ColumnDef::new("wake_at", SqlType::Time))
        .column(
            ColumnDef::new("created_at", SqlType::Timestamp)
                .not_null()
                .server_default_expr("CURRENT_TIMESTAMP"),
        )
        .column(ColumnDef::new("seen_at", SqlType::TimestampTz))
        .column(ColumnDef::new("external_id", SqlType::Uuid).unique())
        .column(ColumnDef::new("prefs", SqlType::Json))
        .column(ColumnDef::new(
            "mood",
            SqlType::enumeration(n("mood"), ["happy", "sad", "it's ok"]),
        ))
        .column(ColumnDef::new("Mixed Case", SqlType::Integer))
        .column(ColumnDef::new("select", SqlType::Integer))
        .check(Check::new("score >= 0").named(n("ck_users_score")))
        .index(Index::on(n("ix_users_name"), ["name"]))
        .index(
            Index::new(n("ix_users_created"))
                .column_desc("created_at")
                .column("id"),
        )
        .index(Index::on(n("uq_users_nick"), ["nickname"]).unique());
    if f.partial_indexes {
        users =
            users.index(Index::on(n("ix_users_active_email"), ["email"]).filter("active = TRUE"));
    }
    if f.index_using {
        users = users.index(Index::on(n("ix_users_prefs"), ["prefs"]).using("gin"));
    }
    let orgs = Table::new(n("orgs"))
        .column(ColumnDef::new("id", SqlType::Integer).primary_key())
        .column(ColumnDef::new("name", SqlType::Varchar(50)).not_null())
        .column(ColumnDef::new("code", SqlType::Varchar(10)).not_null())
        .unique(Unique::new(["name", "code"]).named(n("uq_orgs_name_code")));
    let memberships = Table::new(n("memberships"))
        .column(ColumnDef::new("org_id", SqlType::Integer))
        .column(ColumnDef::new("user_id", SqlType::BigInt))
        .column(
            ColumnDef::new("role", SqlType::Varchar(20))
                .not_null()
                .server_default("member"),
        )
        .primary_key(PrimaryKey::new(["org_id", "user_id"]).named(n("pk_memberships")))
        .foreign_key(
            ForeignKey::new(["org_id"], n("orgs"), ["id"])
                .named(n("fk_memberships_org"))
                .on_delete(FkAction::Cascade),
        )
        .foreign_key(
            ForeignKey::new(["user_id"], n("users"), ["id"])
                .on_delete(FkAction::Cascade)
                .on_update(FkAction::Restrict),
        )
        .check(Check::new("role <> ''"));
    let grants = Table::new(n("grants"))
        .column(ColumnDef::new("id", SqlType::BigInt).primary_key())
        .column(ColumnDef::new("org_id", SqlType::Integer))
        .column(ColumnDef::new("user_id", SqlType::BigInt))
        .foreign_key(
            ForeignKey::new(
                ["org_id", "user_id"],
                n("memberships"),
                ["org_id", "user_id"],
            )
            .named(n("fk_grants_membership"))
            .on_delete(FkAction::SetNull),
        );
    // A cycle (departments <-> employees) and a self reference (employees.mentor_id).
    let departments = Table::new(n("departments"))
        .column(ColumnDef::new("id", SqlType::Integer).primary_key())
        .column(ColumnDef::new("manager_id", SqlType::Integer).references(n("employees"), "id"));
    let employees = Table::new(n("employees"))
        .column(ColumnDef::new("id", SqlType::Integer).primary_key())
        .column(
            ColumnDef::new("department_id", SqlType::Integer)
                .references(n("departments"), "id")
                .on_delete(FkAction::SetNull),
        )
        .column(ColumnDef::new("mentor_id", SqlType::Integer).references(n("employees"), "id"));
    // Declared children-first on purpose: create_all must sort them.
    MetaData::new()
        .with(grants)
        .with(memberships)
        .with(employees)
        .with(departments)
        .with(orgs)
        .with(users)
}

/// A column as read back from a catalog.
#[derive(Clone, Debug, PartialEq)]
pub struct CatColumn {
    pub name: String,
    /// The catalog's type spelling, lower case (e.g. `character varying(100)`, `varchar(100)`).
    pub sql_type: String,
    pub nullable: bool,
    /// The catalog's default text, if any.
    pub default: Option<String>,
}

/// A foreign key as read back from a catalog.
#[derive(Clone, Debug, PartialEq)]
pub struct CatForeignKey {
    pub columns: Vec<String>,
    pub ref_table: String,
    pub ref_columns: Vec<String>,
    /// Upper case, e.g. `CASCADE`, `NO ACTION`.
    pub on_delete: String,
    pub on_update: String,
}

/// An index as read back from a catalog (excluding those backing PK/UNIQUE constraints).
#[derive(Clone, Debug, PartialEq)]
pub struct CatIndex {
    pub name: String,
    pub columns: Vec<String>,
    pub unique: bool,
}

/// What a catalog says about one table.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct CatTable {
    pub columns: Vec<CatColumn>,
    pub primary_key: Vec<String>,
    pub foreign_keys: Vec<CatForeignKey>,
    /// Column lists of UNIQUE constraints (including single-column `unique` columns), sorted.
    pub uniques: Vec<Vec<String>>,
    /// CHECK constraint expressions as the catalog prints them.
    pub checks: Vec<String>,
    pub indexes: Vec<CatIndex>,
}

/// Compares a catalog's facts about `table` with the metadata: column names and order,
/// nullability, types and defaults (through the backend's `expect_type` / `expect_default`),
/// primary key, foreign keys with actions, uniques, checks (through `check_matches`) and indexes.
pub fn assert_table_matches(
    table: &Table,
    cat: &CatTable,
    expect_type: &dyn Fn(&ColumnDef) -> String,
    expect_default: &dyn Fn(&ColumnDef) -> Option<String>,
    check_matches: &dyn Fn(&str, &str) -> bool,
) {
    let t = &table.name;
    let names: Vec<&str> = cat.columns.iter().map(|c| c.name.as_str()).collect();
    let want: Vec<&str> = table.columns.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(names, want, "{t}: column names");
    let pk = table.primary_key_columns();
    for (c, got) in table.columns.iter().zip(&cat.columns) {
        let nullable = c.nullable && !pk.contains(&c.name.as_str());
        assert_eq!(got.nullable, nullable, "{t}.{}: nullability", c.name);
        assert_eq!(got.sql_type, expect_type(c), "{t}.{}: type", c.name);
        assert_eq!(got.default, expect_default(c), "{t}.{}: default", c.name);
    }
    assert_eq!(cat.primary_key, pk, "{t}: primary key");
    let mut want_fks: Vec<CatForeignKey> = table
        .foreign_keys
        .iter()
        .map(|fk| CatForeignKey {
            columns: fk.columns.clone(),
            ref_table: fk.ref_table.clone(),
            ref_columns: fk.ref_columns.clone(),
            on_delete: fk
                .on_delete
                .unwrap_or(FkAction::NoAction)
                .as_sql()
                .to_owned(),
            on_update: fk
                .on_update
                .unwrap_or(FkAction::NoAction)
                .as_sql()
                .to_owned(),
        })
        .collect();
    let mut got_fks = cat.foreign_keys.clone();
    want_fks.sort_by(|a, b| a.columns.cmp(&b.columns));
    got_fks.sort_by(|a, b| a.columns.cmp(&b.columns));
    assert_eq!(got_fks, want_fks, "{t}: foreign keys");
    let mut want_uniques: Vec<Vec<String>> = table
        .columns
        .iter()
        .filter(|c| c.unique)
        .map(|c| vec![c.name.clone()])
        .chain(table.uniques.iter().map(|u| u.columns.clone()))
        .collect();
    want_uniques.sort();
    let mut got_uniques = cat.uniques.clone();
    got_uniques.sort();
    assert_eq!(got_uniques, want_uniques, "{t}: unique constraints");
    let want_checks: Vec<&str> = table.checks.iter().map(|c| c.expr.as_str()).collect();
    assert_eq!(
        cat.checks.len(),
        want_checks.len(),
        "{t}: checks {:?}",
        cat.checks
    );
    for w in want_checks {
        assert!(
            cat.checks.iter().any(|g| check_matches(w, g)),
            "{t}: check {w:?} not found in {:?}",
            cat.checks
        );
    }
    let mut want_ix: Vec<CatIndex> = table
        .indexes
        .iter()
        .map(|ix| CatIndex {
            name: ix.name.clone(),
            columns: ix.columns.iter().map(|c| c.name.clone()).collect(),
            unique: ix.unique,
        })
        .collect();
    want_ix.sort_by(|a, b| a.name.cmp(&b.name));
    let mut got_ix = cat.indexes.clone();
    got_ix.sort_by(|a, b| a.name.cmp(&b.name));
    assert_eq!(got_ix, want_ix, "{t}: indexes");
}

/// Normalizes SQL text for loose comparison: lower case, no white space, no parentheses, no
/// backquotes or double quotes.
pub fn squash(s: &str) -> String {
    s.chars()
        .filter(|c| !c.is_whitespace() && !matches!(c, '(' | ')' | '`' | '"'))
        .flat_map(char::to_lowercase)
        .collect()
}

/// Every engine the live tests run against: SQLite in memory always, PostgreSQL and MariaDB
/// when their URLs are set (always in CI).
pub async fn all_engines() -> Vec<Engine> {
    install();
    let mut out = vec![Engine::connect("sqlite::memory:")
        .await
        .expect("in-memory SQLite")];
    for var in ["QUARRY_TEST_POSTGRES_URL", "QUARRY_TEST_MYSQL_URL"] {
        if let Some(e) = engine(var).await {
            out.push(e);
        }
    }
    out
}

/// The URL of every live database, as [`all_engines`] connects to them: for scenarios that
/// build engines with pool options of their own.
pub fn live_urls() -> Vec<String> {
    install();
    let mut out = vec!["sqlite::memory:".to_owned()];
    for var in ["QUARRY_TEST_POSTGRES_URL", "QUARRY_TEST_MYSQL_URL"] {
        out.extend(url(var));
    }
    out
}

/// `url` with `param` (`name=value`) added to its query string.
pub fn with_param(url: &str, param: &str) -> String {
    let sep = if url.contains('?') { '&' } else { '?' };
    format!("{url}{sep}{param}")
}

/// Whether the connection is inside a transaction, asked of the server itself.
pub async fn in_transaction(conn: &mut quarry::Connection) -> bool {
    match conn.dialect().name() {
        "postgresql" => {
            // SAVEPOINT is refused outside a transaction block, and accepted inside one.
            match conn.execute_script("SAVEPOINT quarry_probe").await {
                Ok(()) => {
                    conn.execute_script("RELEASE SAVEPOINT quarry_probe")
                        .await
                        .expect("release probe");
                    true
                }
                // 25P01 no_active_sql_transaction
                Err(e) if e.code() == Some("25P01") => false,
                Err(e) => panic!("postgres: transaction probe: {e}"),
            }
        }
        "mariadb" | "mysql" => {
            let n: i64 = conn
                .fetch_scalar("SELECT @@in_transaction")
                .await
                .expect("mariadb probe");
            n != 0
        }
        _ => {
            // SQLite refuses BEGIN inside a transaction.
            match conn.execute_script("BEGIN").await {
                Ok(()) => {
                    conn.execute_script("ROLLBACK")
                        .await
                        .expect("rollback probe");
                    false
                }
                Err(quarry::Error::Database(d)) if d.message.contains("within a transaction") => {
                    true
                }
                Err(e) => panic!("sqlite: transaction probe: {e}"),
            }
        }
    }
}

/// Waits (up to 10 s) until PostgreSQL no longer lists backend `pid` in `pg_stat_activity`.
pub async fn wait_pg_backend_gone(admin: &Engine, pid: i32) {
    let start = std::time::Instant::now();
    loop {
        let n: i64 = admin
            .fetch_scalar(quarry::Compiled::with_params(
                "SELECT count(*) FROM pg_stat_activity WHERE pid = $1",
                vec![quarry::Value::I32(pid)],
            ))
            .await
            .unwrap();
        if n == 0 {
            break;
        }
        assert!(
            start.elapsed() < std::time::Duration::from_secs(10),
            "backend {pid} still alive"
        );
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
}

/// Runs `q` on `engine` and checks its rows against `want`; a failure names the backend, the
/// scenario (`what`) and the SQL.
pub async fn assert_rows<R>(engine: &Engine, what: &str, q: quarry::Select<R>, want: Vec<R>)
where
    R: quarry::stmt::DecodeRow + PartialEq + std::fmt::Debug,
{
    let name = engine.dialect().name();
    let got = q.fetch_all(engine).await.unwrap_or_else(|e| {
        panic!(
            "{name}: {what}: {e}\n{:?}",
            q.compile(engine.dialect()).map(|c| c.sql)
        )
    });
    assert_eq!(got, want, "{name}: {what}");
}

/// The setup of a live property test: a runtime, the engine of `var` (in-memory SQLite for
/// `None`; `None` when the database is skipped), the leftovers of `prefix` dropped, and a
/// runner of `cases` cases that records no regression files.
pub fn prop_setup(
    var: Option<&str>,
    prefix: &str,
    cases: u32,
) -> Option<(
    tokio::runtime::Runtime,
    Engine,
    proptest::test_runner::TestRunner,
)> {
    let rt = tokio::runtime::Runtime::new().expect("a runtime");
    let engine = match var {
        Some(v) => rt.block_on(engine(v))?,
        None => {
            install();
            rt.block_on(Engine::connect("sqlite::memory:"))
                .expect("in-memory SQLite")
        }
    };
    rt.block_on(catalog::drop_prefixed(&engine, prefix));
    let runner = proptest::test_runner::TestRunner::new(proptest::test_runner::Config {
        cases,
        failure_persistence: None,
        ..proptest::test_runner::Config::default()
    });
    Some((rt, engine, runner))
}
