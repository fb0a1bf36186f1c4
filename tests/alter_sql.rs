//! Exact `ALTER TABLE` SQL per dialect for every change, and the errors a change the table
//! cannot take gives before anything reaches a database. No database needed.
//!
//! Each case builds one [`AlterTable`] and checks the statements of PostgreSQL, MySQL 8,
//! MariaDB and SQLite together ([`check`]).

use quarry::{
    AlterTable, Check, ColumnDef, Dialect, ErrorKind, FkAction, ForeignKey, Index, MariaDb, MySql,
    Postgres, ServerDefault, SqlType, Sqlite, Table, Unique, Value,
};

/// What one dialect must give.
enum Want {
    Sql(Vec<String>),
    Fails(ErrorKind),
}

impl From<&[&str]> for Want {
    fn from(v: &[&str]) -> Self {
        Want::Sql(v.iter().map(|s| (*s).to_owned()).collect())
    }
}

impl<const N: usize> From<[&str; N]> for Want {
    fn from(v: [&str; N]) -> Self {
        Want::from(&v[..])
    }
}

impl From<Vec<String>> for Want {
    fn from(v: Vec<String>) -> Self {
        Want::Sql(v)
    }
}

impl From<ErrorKind> for Want {
    fn from(k: ErrorKind) -> Self {
        Want::Fails(k)
    }
}

/// Compiles `alter` once per dialect and checks each dialect's statements (or error kind).
fn check(
    alter: &AlterTable,
    postgres: impl Into<Want>,
    mysql: impl Into<Want>,
    mariadb: impl Into<Want>,
    sqlite: impl Into<Want>,
) {
    let cases: [(&dyn Dialect, Want); 4] = [
        (&Postgres, postgres.into()),
        (&MySql, mysql.into()),
        (&MariaDb, mariadb.into()),
        (&Sqlite, sqlite.into()),
    ];
    for (d, want) in cases {
        let got = alter
            .compile(d)
            .map(|v| v.into_iter().map(|c| c.sql).collect::<Vec<_>>());
        match (got, want) {
            (Ok(sql), Want::Sql(want)) => assert_eq!(sql, want, "{}: {:?}", d.name(), alter.ops()),
            (Err(e), Want::Fails(kind)) => assert_eq!(e.kind(), kind, "{}: {e}", d.name()),
            (Ok(sql), Want::Fails(kind)) => panic!("{}: expected {kind:?}, got {sql:?}", d.name()),
            (Err(e), Want::Sql(_)) => panic!("{}: expected SQL, got {e}", d.name()),
        }
    }
}

/// The same for all four dialects.
fn everywhere(alter: &AlterTable, want: &[&str]) {
    check(alter, want, want, want, want);
}

/// The table every case alters.
fn table() -> Table {
    Table::new("t")
        .column(
            ColumnDef::new("id", SqlType::BigInt)
                .primary_key()
                .autoincrement(),
        )
        .column(
            ColumnDef::new("name", SqlType::Varchar(50))
                .not_null()
                .server_default("x")
                .comment("the name"),
        )
        .column(ColumnDef::new("n", SqlType::Text))
        .column(ColumnDef::new("qty", SqlType::Integer))
        .column(ColumnDef::new("p", SqlType::BigInt))
        .unique(Unique::new(["name", "qty"]).named("uq_t_name_qty"))
        .check(Check::new("qty >= 0").named("ck_t_qty"))
        .foreign_key(
            ForeignKey::new(["p"], "parent", ["id"])
                .named("fk_t_p")
                .on_delete(FkAction::Cascade),
        )
        .index(Index::on("ix_t_name", ["name"]))
}

/// The column definitions of [`table`] on SQLite, by name.
fn sqlite_column(name: &str) -> &'static str {
    match name {
        "id" => "id INTEGER NOT NULL PRIMARY KEY",
        "name" => "name VARCHAR(50) NOT NULL DEFAULT 'x'",
        "n" => "n TEXT",
        "qty" => "qty INTEGER",
        "p" => "p BIGINT",
        "uq" => "CONSTRAINT uq_t_name_qty UNIQUE (name, qty)",
        "fk" => "CONSTRAINT fk_t_p FOREIGN KEY (p) REFERENCES parent (id) ON DELETE CASCADE",
        "ck" => "CONSTRAINT ck_t_qty CHECK (qty >= 0)",
        other => panic!("no line {other}"),
    }
}

/// SQLite's rebuild of `t`: the new table's lines (a name of [`sqlite_column`] or a line as
/// it is), the columns copied (`new <- old`, or one name for both), and the index.
fn rebuild(lines: &[&str], copied: &[&str], index: &str) -> Vec<String> {
    let body: Vec<String> = lines
        .iter()
        .map(|l| {
            if l.contains(' ') {
                (*l).to_owned()
            } else {
                sqlite_column(l).to_owned()
            }
        })
        .collect();
    let (new, old): (Vec<&str>, Vec<&str>) = copied
        .iter()
        .map(|c| c.split_once(" <- ").unwrap_or((c, c)))
        .unzip();
    vec![
        format!("CREATE TABLE _quarry_new_t (\n  {}\n)", body.join(",\n  ")),
        format!(
            "INSERT INTO _quarry_new_t ({}) SELECT {} FROM t",
            new.join(", "),
            old.join(", ")
        ),
        "DROP TABLE t".into(),
        "ALTER TABLE _quarry_new_t RENAME TO t".into(),
        format!("CREATE INDEX ix_t_name ON t ({index})"),
    ]
}

const ALL: [&str; 8] = ["id", "name", "n", "qty", "p", "uq", "fk", "ck"];
const COPIED: [&str; 5] = ["id", "name", "n", "qty", "p"];

/// ALL with `line` after the columns.
fn with_column(line: &str) -> Vec<&str> {
    let mut v = ALL.to_vec();
    v.insert(5, line);
    v
}

#[test]
fn add_column_in_place() {
    let a = AlterTable::new(&table()).add_column(ColumnDef::new("c", SqlType::Integer));
    check(
        &a,
        ["ALTER TABLE t ADD COLUMN c INTEGER"],
        ["ALTER TABLE t ADD COLUMN c INT"],
        ["ALTER TABLE t ADD COLUMN c INT"],
        ["ALTER TABLE t ADD COLUMN c INTEGER"],
    );
}

#[test]
fn add_column_with_a_comment() {
    let a = AlterTable::new(&table())
        .add_column(ColumnDef::new("c", SqlType::Integer).comment("it's c"));
    check(
        &a,
        [
            "ALTER TABLE t ADD COLUMN c INTEGER",
            "COMMENT ON COLUMN t.c IS 'it''s c'",
        ],
        ["ALTER TABLE t ADD COLUMN c INT COMMENT 'it''s c'"],
        ["ALTER TABLE t ADD COLUMN c INT COMMENT 'it''s c'"],
        ["ALTER TABLE t ADD COLUMN c INTEGER"],
    );
}

#[test]
fn add_column_with_a_foreign_key() {
    // Nullable without a default: SQLite adds it in place, the key inline.
    let a = AlterTable::new(&table()).add_column(
        ColumnDef::new("c", SqlType::BigInt)
            .references("parent", "id")
            .on_delete(FkAction::SetNull),
    );
    let add = "ALTER TABLE t ADD COLUMN c BIGINT, ADD CONSTRAINT fk_t_c FOREIGN KEY (c) REFERENCES parent (id) ON DELETE SET NULL";
    check(
        &a,
        [add],
        [add],
        [add],
        ["ALTER TABLE t ADD COLUMN c BIGINT REFERENCES parent (id) ON DELETE SET NULL"],
    );
    // NOT NULL with a default: SQLite takes no REFERENCES with a non-NULL default.
    let a = AlterTable::new(&table()).add_column(
        ColumnDef::new("c", SqlType::Integer)
            .not_null()
            .server_default(0_i32)
            .references("parent", "id"),
    );
    let fk = "CONSTRAINT fk_t_c FOREIGN KEY (c) REFERENCES parent (id)";
    check(
        &a,
        ["ALTER TABLE t ADD COLUMN c INTEGER NOT NULL DEFAULT 0, ADD CONSTRAINT fk_t_c FOREIGN KEY (c) REFERENCES parent (id)"],
        ["ALTER TABLE t ADD COLUMN c INT NOT NULL DEFAULT 0, ADD CONSTRAINT fk_t_c FOREIGN KEY (c) REFERENCES parent (id)"],
        ["ALTER TABLE t ADD COLUMN c INT NOT NULL DEFAULT 0, ADD CONSTRAINT fk_t_c FOREIGN KEY (c) REFERENCES parent (id)"],
        rebuild(
            &["id", "name", "n", "qty", "p", "c INTEGER NOT NULL DEFAULT 0", "uq", "fk", fk, "ck"],
            &COPIED,
            "name",
        ),
    );
}

#[test]
fn add_column_sqlite_cannot_add_in_place() {
    // UNIQUE, a non-constant default, NOT NULL without a default: a rebuild.
    let unique =
        AlterTable::new(&table()).add_column(ColumnDef::new("e", SqlType::Varchar(9)).unique());
    check(
        &unique,
        ["ALTER TABLE t ADD COLUMN e VARCHAR(9) UNIQUE"],
        ["ALTER TABLE t ADD COLUMN e VARCHAR(9) UNIQUE"],
        ["ALTER TABLE t ADD COLUMN e VARCHAR(9) UNIQUE"],
        rebuild(&with_column("e VARCHAR(9) UNIQUE"), &COPIED, "name"),
    );
    let now = AlterTable::new(&table()).add_column(
        ColumnDef::new("at", SqlType::Timestamp).server_default_expr("CURRENT_TIMESTAMP"),
    );
    check(
        &now,
        ["ALTER TABLE t ADD COLUMN at TIMESTAMP DEFAULT (CURRENT_TIMESTAMP)"],
        ["ALTER TABLE t ADD COLUMN at DATETIME(6) DEFAULT (CURRENT_TIMESTAMP)"],
        ["ALTER TABLE t ADD COLUMN at DATETIME(6) DEFAULT (CURRENT_TIMESTAMP)"],
        rebuild(
            &with_column("at TIMESTAMP DEFAULT (CURRENT_TIMESTAMP)"),
            &COPIED,
            "name",
        ),
    );
    let not_null =
        AlterTable::new(&table()).add_column(ColumnDef::new("c", SqlType::Integer).not_null());
    check(
        &not_null,
        ["ALTER TABLE t ADD COLUMN c INTEGER NOT NULL"],
        ["ALTER TABLE t ADD COLUMN c INT NOT NULL"],
        ["ALTER TABLE t ADD COLUMN c INT NOT NULL"],
        rebuild(&with_column("c INTEGER NOT NULL"), &COPIED, "name"),
    );
    // NOT NULL with a constant default: in place.
    let with_default = AlterTable::new(&table()).add_column(
        ColumnDef::new("c", SqlType::Text)
            .not_null()
            .server_default("-"),
    );
    check(
        &with_default,
        ["ALTER TABLE t ADD COLUMN c TEXT NOT NULL DEFAULT '-'"],
        ["ALTER TABLE t ADD COLUMN c LONGTEXT NOT NULL DEFAULT ('-')"],
        ["ALTER TABLE t ADD COLUMN c LONGTEXT NOT NULL DEFAULT '-'"],
        ["ALTER TABLE t ADD COLUMN c TEXT NOT NULL DEFAULT '-'"],
    );
}

#[test]
fn add_column_refused() {
    let t = table();
    let pk = AlterTable::new(&t).add_column(ColumnDef::new("k", SqlType::BigInt).primary_key());
    let k = ErrorKind::InvalidSchema;
    check(&pk, k, k, k, k);
    let twice = AlterTable::new(&t).add_column(ColumnDef::new("qty", SqlType::BigInt));
    check(&twice, k, k, k, k);
}

#[test]
fn drop_column() {
    // Used by nothing: in place everywhere.
    everywhere(
        &AlterTable::new(&table()).drop_column("n"),
        &["ALTER TABLE t DROP COLUMN n"],
    );
    // In a unique constraint and a check: MySQL drops them first, SQLite rebuilds.
    check(
        &AlterTable::new(&table()).drop_column("qty"),
        ["ALTER TABLE t DROP COLUMN qty"],
        [
            "ALTER TABLE t DROP INDEX uq_t_name_qty",
            "ALTER TABLE t DROP CHECK ck_t_qty",
            "ALTER TABLE t DROP COLUMN qty",
        ],
        [
            "ALTER TABLE t DROP INDEX uq_t_name_qty",
            "ALTER TABLE t DROP CONSTRAINT ck_t_qty",
            "ALTER TABLE t DROP COLUMN qty",
        ],
        rebuild(
            &["id", "name", "n", "p", "fk"],
            &["id", "name", "n", "p"],
            "name",
        ),
    );
    // In a foreign key.
    check(
        &AlterTable::new(&table()).drop_column("p"),
        ["ALTER TABLE t DROP COLUMN p"],
        [
            "ALTER TABLE t DROP FOREIGN KEY fk_t_p",
            "ALTER TABLE t DROP COLUMN p",
        ],
        [
            "ALTER TABLE t DROP FOREIGN KEY fk_t_p",
            "ALTER TABLE t DROP COLUMN p",
        ],
        rebuild(
            &["id", "name", "n", "qty", "uq", "ck"],
            &["id", "name", "n", "qty"],
            "name",
        ),
    );
    let k = ErrorKind::InvalidSchema;
    check(&AlterTable::new(&table()).drop_column("id"), k, k, k, k);
    check(
        &AlterTable::new(&table()).drop_column("missing"),
        k,
        k,
        k,
        k,
    );
}

#[test]
fn rename_column() {
    everywhere(
        &AlterTable::new(&table()).rename_column("n", "note"),
        &["ALTER TABLE t RENAME COLUMN n TO note"],
    );
    check(
        &AlterTable::new(&table()).rename_column("name", "Full Name"),
        ["ALTER TABLE t RENAME COLUMN name TO \"Full Name\""],
        ["ALTER TABLE t RENAME COLUMN name TO `Full Name`"],
        ["ALTER TABLE t RENAME COLUMN name TO `Full Name`"],
        ["ALTER TABLE t RENAME COLUMN name TO \"Full Name\""],
    );
    let k = ErrorKind::InvalidSchema;
    check(
        &AlterTable::new(&table()).rename_column("n", "qty"),
        k,
        k,
        k,
        k,
    );
    check(
        &AlterTable::new(&table()).rename_column("missing", "m"),
        k,
        k,
        k,
        k,
    );
}

#[test]
fn alter_type() {
    // Within numbers: PostgreSQL's assignment cast converts.
    check(
        &AlterTable::new(&table()).alter_type("qty", SqlType::BigInt),
        ["ALTER TABLE t ALTER COLUMN qty TYPE BIGINT"],
        ["ALTER TABLE t MODIFY COLUMN qty BIGINT"],
        ["ALTER TABLE t MODIFY COLUMN qty BIGINT"],
        rebuild(
            &["id", "name", "n", "qty BIGINT", "p", "uq", "fk", "ck"],
            &COPIED,
            "name",
        ),
    );
    // From text to a number: USING.
    let to_int = AlterTable::new(&table()).alter_type("n", SqlType::Integer);
    let want = |d: &dyn Dialect| to_int.compile(d).unwrap()[0].sql.clone();
    assert_eq!(
        want(&Postgres),
        "ALTER TABLE t ALTER COLUMN n TYPE INTEGER USING n::INTEGER"
    );
    assert_eq!(want(&MariaDb), "ALTER TABLE t MODIFY COLUMN n INT");
    // PostgreSQL cannot cast a default with the column: dropped and set again around it.
    let a = AlterTable::new(&table()).alter_type("name", SqlType::Integer);
    assert_eq!(
        a.compile(&Postgres).unwrap()[0].sql,
        "ALTER TABLE t ALTER COLUMN name DROP DEFAULT, ALTER COLUMN name TYPE INTEGER USING \
         name::INTEGER, ALTER COLUMN name SET DEFAULT 'x'"
    );
    // MySQL restates the whole column: nullability, default and comment stay.
    check(
        &AlterTable::new(&table()).alter_type("name", SqlType::Varchar(80)),
        ["ALTER TABLE t ALTER COLUMN name TYPE VARCHAR(80)"],
        ["ALTER TABLE t MODIFY COLUMN name VARCHAR(80) NOT NULL DEFAULT 'x' COMMENT 'the name'"],
        ["ALTER TABLE t MODIFY COLUMN name VARCHAR(80) NOT NULL DEFAULT 'x' COMMENT 'the name'"],
        rebuild(
            &[
                "id",
                "name VARCHAR(80) NOT NULL DEFAULT 'x'",
                "n",
                "qty",
                "p",
                "uq",
                "fk",
                "ck",
            ],
            &COPIED,
            "name",
        ),
    );
    // To an enum (on PostgreSQL the type must exist).
    check(
        &AlterTable::new(&table()).alter_type("n", SqlType::enumeration("mood", ["a", "b"])),
        ["ALTER TABLE t ALTER COLUMN n TYPE mood USING n::mood"],
        ["ALTER TABLE t MODIFY COLUMN n ENUM('a', 'b')"],
        ["ALTER TABLE t MODIFY COLUMN n ENUM('a', 'b')"],
        rebuild(
            &[
                "id",
                "name",
                "n VARCHAR(1) CHECK (n IN ('a', 'b'))",
                "qty",
                "p",
                "uq",
                "fk",
                "ck",
            ],
            &COPIED,
            "name",
        ),
    );
    // AUTO_INCREMENT stays on a restated MySQL column.
    check(
        &AlterTable::new(&table()).set_column_comment("id", Some("key")),
        ["COMMENT ON COLUMN t.id IS 'key'"],
        ["ALTER TABLE t MODIFY COLUMN id BIGINT NOT NULL AUTO_INCREMENT COMMENT 'key'"],
        ["ALTER TABLE t MODIFY COLUMN id BIGINT NOT NULL AUTO_INCREMENT COMMENT 'key'"],
        [""; 0],
    );
    let k = ErrorKind::InvalidSchema;
    check(
        &AlterTable::new(&table()).alter_type("missing", SqlType::Text),
        k,
        k,
        k,
        k,
    );
}

#[test]
fn nullability() {
    check(
        &AlterTable::new(&table()).set_not_null("qty"),
        ["ALTER TABLE t ALTER COLUMN qty SET NOT NULL"],
        ["ALTER TABLE t MODIFY COLUMN qty INT NOT NULL"],
        ["ALTER TABLE t MODIFY COLUMN qty INT NOT NULL"],
        rebuild(
            &[
                "id",
                "name",
                "n",
                "qty INTEGER NOT NULL",
                "p",
                "uq",
                "fk",
                "ck",
            ],
            &COPIED,
            "name",
        ),
    );
    check(
        &AlterTable::new(&table()).drop_not_null("name"),
        ["ALTER TABLE t ALTER COLUMN name DROP NOT NULL"],
        ["ALTER TABLE t MODIFY COLUMN name VARCHAR(50) DEFAULT 'x' COMMENT 'the name'"],
        ["ALTER TABLE t MODIFY COLUMN name VARCHAR(50) DEFAULT 'x' COMMENT 'the name'"],
        rebuild(
            &[
                "id",
                "name VARCHAR(50) DEFAULT 'x'",
                "n",
                "qty",
                "p",
                "uq",
                "fk",
                "ck",
            ],
            &COPIED,
            "name",
        ),
    );
    let k = ErrorKind::InvalidSchema;
    check(&AlterTable::new(&table()).drop_not_null("id"), k, k, k, k);
}

#[test]
fn defaults() {
    check(
        &AlterTable::new(&table()).set_default("n", ServerDefault::Literal(Value::from("it's"))),
        ["ALTER TABLE t ALTER COLUMN n SET DEFAULT 'it''s'"],
        ["ALTER TABLE t ALTER COLUMN n SET DEFAULT ('it''s')"],
        ["ALTER TABLE t ALTER COLUMN n SET DEFAULT 'it''s'"],
        rebuild(
            &[
                "id",
                "name",
                "n TEXT DEFAULT 'it''s'",
                "qty",
                "p",
                "uq",
                "fk",
                "ck",
            ],
            &COPIED,
            "name",
        ),
    );
    check(
        &AlterTable::new(&table()).set_default("qty", ServerDefault::Expression("1 + 1".into())),
        ["ALTER TABLE t ALTER COLUMN qty SET DEFAULT (1 + 1)"],
        ["ALTER TABLE t ALTER COLUMN qty SET DEFAULT (1 + 1)"],
        ["ALTER TABLE t ALTER COLUMN qty SET DEFAULT (1 + 1)"],
        rebuild(
            &[
                "id",
                "name",
                "n",
                "qty INTEGER DEFAULT (1 + 1)",
                "p",
                "uq",
                "fk",
                "ck",
            ],
            &COPIED,
            "name",
        ),
    );
    check(
        &AlterTable::new(&table()).drop_default("name"),
        ["ALTER TABLE t ALTER COLUMN name DROP DEFAULT"],
        ["ALTER TABLE t ALTER COLUMN name DROP DEFAULT"],
        ["ALTER TABLE t ALTER COLUMN name DROP DEFAULT"],
        rebuild(
            &[
                "id",
                "name VARCHAR(50) NOT NULL",
                "n",
                "qty",
                "p",
                "uq",
                "fk",
                "ck",
            ],
            &COPIED,
            "name",
        ),
    );
}

#[test]
fn add_constraints() {
    // MySQL cannot key a LONGTEXT column: it becomes VARCHAR(255) first, as CREATE TABLE
    // writes a keyed TEXT column.
    check(
        &AlterTable::new(&table()).add_unique(Unique::new(["n"]).named("uq_t_n")),
        ["ALTER TABLE t ADD CONSTRAINT uq_t_n UNIQUE (n)"],
        [
            "ALTER TABLE t MODIFY COLUMN n VARCHAR(255)",
            "ALTER TABLE t ADD CONSTRAINT uq_t_n UNIQUE (n)",
        ],
        [
            "ALTER TABLE t MODIFY COLUMN n VARCHAR(255)",
            "ALTER TABLE t ADD CONSTRAINT uq_t_n UNIQUE (n)",
        ],
        rebuild(
            &[
                "id",
                "name",
                "n",
                "qty",
                "p",
                "uq",
                "CONSTRAINT uq_t_n UNIQUE (n)",
                "fk",
                "ck",
            ],
            &COPIED,
            "name",
        ),
    );
    check(
        &AlterTable::new(&table()).add_check(Check::new("p <> 0")),
        ["ALTER TABLE t ADD CHECK (p <> 0)"],
        ["ALTER TABLE t ADD CHECK (p <> 0)"],
        ["ALTER TABLE t ADD CHECK (p <> 0)"],
        rebuild(
            &[
                "id",
                "name",
                "n",
                "qty",
                "p",
                "uq",
                "fk",
                "ck",
                "CHECK (p <> 0)",
            ],
            &COPIED,
            "name",
        ),
    );
    let fk = "CONSTRAINT fk_t_qty FOREIGN KEY (qty) REFERENCES q (id)";
    check(
        &AlterTable::new(&table()).add_foreign_key(ForeignKey::new(["qty"], "q", ["id"])),
        [format!("ALTER TABLE t ADD {fk}").as_str()],
        [format!("ALTER TABLE t ADD {fk}").as_str()],
        [format!("ALTER TABLE t ADD {fk}").as_str()],
        rebuild(
            &["id", "name", "n", "qty", "p", "uq", "fk", fk, "ck"],
            &COPIED,
            "name",
        ),
    );
    let k = ErrorKind::InvalidSchema;
    check(
        &AlterTable::new(&table()).add_unique(Unique::new(["missing"])),
        k,
        k,
        k,
        k,
    );
    check(
        &AlterTable::new(&table()).add_check(Check::new("qty > 1").named("ck_t_qty")),
        k,
        k,
        k,
        k,
    );
}

#[test]
fn drop_constraints_by_kind() {
    check(
        &AlterTable::new(&table()).drop_constraint("uq_t_name_qty"),
        ["ALTER TABLE t DROP CONSTRAINT uq_t_name_qty"],
        ["ALTER TABLE t DROP INDEX uq_t_name_qty"],
        ["ALTER TABLE t DROP INDEX uq_t_name_qty"],
        rebuild(
            &["id", "name", "n", "qty", "p", "fk", "ck"],
            &COPIED,
            "name",
        ),
    );
    check(
        &AlterTable::new(&table()).drop_constraint("ck_t_qty"),
        ["ALTER TABLE t DROP CONSTRAINT ck_t_qty"],
        ["ALTER TABLE t DROP CHECK ck_t_qty"],
        ["ALTER TABLE t DROP CONSTRAINT ck_t_qty"],
        rebuild(
            &["id", "name", "n", "qty", "p", "uq", "fk"],
            &COPIED,
            "name",
        ),
    );
    check(
        &AlterTable::new(&table()).drop_constraint("fk_t_p"),
        ["ALTER TABLE t DROP CONSTRAINT fk_t_p"],
        // MySQL 8 has no DROP INDEX IF EXISTS: the index it made for the key stays there.
        ["ALTER TABLE t DROP FOREIGN KEY fk_t_p"],
        [
            "ALTER TABLE t DROP FOREIGN KEY fk_t_p",
            "DROP INDEX IF EXISTS fk_t_p ON t",
        ],
        rebuild(
            &["id", "name", "n", "qty", "p", "uq", "ck"],
            &COPIED,
            "name",
        ),
    );
    let k = ErrorKind::InvalidSchema;
    let unknown = AlterTable::new(&table()).drop_constraint("nope");
    check(&unknown, k, k, k, k);
    let e = unknown.compile(&MySql).unwrap_err().to_string();
    assert!(e.contains("table t") && e.contains("\"nope\""), "{e}");
}

#[test]
fn comments() {
    check(
        &AlterTable::new(&table()).set_comment(Some("orders")),
        ["COMMENT ON TABLE t IS 'orders'"],
        ["ALTER TABLE t COMMENT = 'orders'"],
        ["ALTER TABLE t COMMENT = 'orders'"],
        [""; 0],
    );
    check(
        &AlterTable::new(&table()).set_comment(None),
        ["COMMENT ON TABLE t IS NULL"],
        ["ALTER TABLE t COMMENT = ''"],
        ["ALTER TABLE t COMMENT = ''"],
        [""; 0],
    );
    check(
        &AlterTable::new(&table()).set_column_comment("name", None),
        ["COMMENT ON COLUMN t.name IS NULL"],
        ["ALTER TABLE t MODIFY COLUMN name VARCHAR(50) NOT NULL DEFAULT 'x'"],
        ["ALTER TABLE t MODIFY COLUMN name VARCHAR(50) NOT NULL DEFAULT 'x'"],
        [""; 0],
    );
}

/// Several changes: each after the last on PostgreSQL and MySQL; on SQLite one rebuild for
/// them all when one needs it, copying the renamed column from its old name and leaving the
/// new one to its default.
#[test]
fn several_changes_one_rebuild() {
    let a = AlterTable::new(&table())
        .add_column(ColumnDef::new("c", SqlType::Integer))
        .rename_column("name", "Full Name")
        .set_not_null("qty");
    check(
        &a,
        [
            "ALTER TABLE t ADD COLUMN c INTEGER",
            "ALTER TABLE t RENAME COLUMN name TO \"Full Name\"",
            "ALTER TABLE t ALTER COLUMN qty SET NOT NULL",
        ],
        [
            "ALTER TABLE t ADD COLUMN c INT",
            "ALTER TABLE t RENAME COLUMN name TO `Full Name`",
            "ALTER TABLE t MODIFY COLUMN qty INT NOT NULL",
        ],
        [
            "ALTER TABLE t ADD COLUMN c INT",
            "ALTER TABLE t RENAME COLUMN name TO `Full Name`",
            "ALTER TABLE t MODIFY COLUMN qty INT NOT NULL",
        ],
        rebuild(
            &[
                "id",
                "\"Full Name\" VARCHAR(50) NOT NULL DEFAULT 'x'",
                "n",
                "qty INTEGER NOT NULL",
                "p",
                "c INTEGER",
                "CONSTRAINT uq_t_name_qty UNIQUE (\"Full Name\", qty)",
                "fk",
                "ck",
            ],
            &["id", "\"Full Name\" <- name", "n", "qty", "p"],
            "\"Full Name\"",
        ),
    );
    // In place throughout: no rebuild on SQLite either.
    let a = AlterTable::new(&table())
        .add_column(ColumnDef::new("c", SqlType::BigInt))
        .rename_column("c", "d")
        .drop_column("d");
    everywhere(
        &a,
        &[
            "ALTER TABLE t ADD COLUMN c BIGINT",
            "ALTER TABLE t RENAME COLUMN c TO d",
            "ALTER TABLE t DROP COLUMN d",
        ][..],
    );
}

/// A schema-qualified table keeps its schema in every statement of a rebuild.
#[test]
fn schema_qualified_rebuild() {
    let t = Table::new("t")
        .schema("aux")
        .column(ColumnDef::new("a", SqlType::Integer))
        .index(Index::on("ix_t_a", ["a"]));
    let got: Vec<String> = AlterTable::new(&t)
        .set_not_null("a")
        .compile(&Sqlite)
        .unwrap()
        .into_iter()
        .map(|c| c.sql)
        .collect();
    assert_eq!(
        got,
        [
            "CREATE TABLE aux._quarry_new_t (\n  a INTEGER NOT NULL\n)",
            "INSERT INTO aux._quarry_new_t (a) SELECT a FROM aux.t",
            "DROP TABLE aux.t",
            "ALTER TABLE aux._quarry_new_t RENAME TO t",
            "CREATE INDEX aux.ix_t_a ON t (a)",
        ]
    );
}

/// `AlterTable::apply`: what each change makes of the table, constraints and indexes included.
#[test]
fn apply_follows_the_changes() {
    let t = table()
        .index(Index::on("ix_t_qty_n", ["qty", "n"]))
        .check(Check::new("\"qty\" < 100 AND name <> ''"));
    // Dropping a column drops what covers it.
    let after = AlterTable::new(&t).drop_column("qty").apply().unwrap();
    assert!(after.get_column("qty").is_none());
    assert!(after.uniques.is_empty());
    assert!(after.checks.is_empty(), "{:?}", after.checks);
    assert_eq!(
        after
            .indexes
            .iter()
            .map(|i| i.name.as_str())
            .collect::<Vec<_>>(),
        ["ix_t_name"]
    );
    assert_eq!(after.foreign_keys.len(), 1);
    // Renaming a column renames it everywhere, check expressions included.
    let after = AlterTable::new(&t)
        .rename_column("qty", "amount")
        .apply()
        .unwrap();
    assert_eq!(after.uniques[0].columns, ["name", "amount"]);
    assert_eq!(after.indexes[1].columns[0].name, "amount");
    assert_eq!(after.checks[0].expr, "amount >= 0");
    assert_eq!(after.checks[1].expr, "\"amount\" < 100 AND name <> ''");
    // The rest.
    let after = AlterTable::new(&t)
        .add_column(ColumnDef::new("c", SqlType::BigInt).references("parent", "id"))
        .alter_type("n", SqlType::Varchar(9))
        .set_not_null("n")
        .set_default("n", ServerDefault::Literal(Value::from("-")))
        .add_unique(Unique::new(["c"]))
        .drop_constraint("fk_t_p")
        .set_comment(Some("t"))
        .set_column_comment("n", Some("note"))
        .apply()
        .unwrap();
    let n = after.get_column("n").unwrap();
    assert_eq!(
        (&n.sql_type, n.nullable, n.comment.as_deref()),
        (&SqlType::Varchar(9), false, Some("note"))
    );
    assert_eq!(
        n.server_default,
        Some(ServerDefault::Literal(Value::from("-")))
    );
    assert_eq!(
        after
            .foreign_keys
            .iter()
            .map(|f| f.name.as_deref())
            .collect::<Vec<_>>(),
        [Some("fk_t_c")]
    );
    assert_eq!(after.uniques.len(), 2);
    assert_eq!(after.comment.as_deref(), Some("t"));
    // The table itself is left as it was.
    assert_eq!(AlterTable::new(&t).drop_column("n").table(), &t);
}
