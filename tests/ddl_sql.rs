//! Exact DDL per dialect for every type, constraint and DDL statement, and the errors bad
//! metadata gives before anything reaches a database. No database needed.

mod common {
    //! Only the SQL assertion helper: these tests need no database.
    pub mod sql;
}

use quarry::{
    Check, ColumnDef, CreateIndex, CreateTable, CreateType, Dialect, DropIndex, DropTable,
    DropType, ErrorKind, FkAction, ForeignKey, Index, MariaDb, MetaData, MySql, Postgres,
    PrimaryKey, SqlType, Sqlite, Table, Unique,
};

fn one_column(ty: SqlType) -> Table {
    Table::new("t").column(ColumnDef::new("c", ty))
}

/// Each type's spelling in a column definition, per dialect.
#[test]
fn every_type_per_dialect() {
    let cases: Vec<(SqlType, &str, &str, &str, &str)> = vec![
        // type, postgres, mysql, mariadb, sqlite
        (
            SqlType::SmallInt,
            "SMALLINT",
            "SMALLINT",
            "SMALLINT",
            "SMALLINT",
        ),
        (SqlType::Integer, "INTEGER", "INT", "INT", "INTEGER"),
        (SqlType::BigInt, "BIGINT", "BIGINT", "BIGINT", "BIGINT"),
        (SqlType::Boolean, "BOOLEAN", "BOOLEAN", "BOOLEAN", "BOOLEAN"),
        (SqlType::Real, "REAL", "FLOAT", "FLOAT", "REAL"),
        (
            SqlType::Double,
            "DOUBLE PRECISION",
            "DOUBLE",
            "DOUBLE",
            "DOUBLE",
        ),
        (
            SqlType::numeric(30, 10),
            "NUMERIC(30, 10)",
            "DECIMAL(30, 10)",
            "DECIMAL(30, 10)",
            "NUMERIC(30, 10)",
        ),
        (
            SqlType::Varchar(255),
            "VARCHAR(255)",
            "VARCHAR(255)",
            "VARCHAR(255)",
            "VARCHAR(255)",
        ),
        (SqlType::Char(2), "CHAR(2)", "CHAR(2)", "CHAR(2)", "CHAR(2)"),
        (SqlType::Text, "TEXT", "LONGTEXT", "LONGTEXT", "TEXT"),
        (SqlType::Blob, "BYTEA", "LONGBLOB", "LONGBLOB", "BLOB"),
        (SqlType::Date, "DATE", "DATE", "DATE", "DATE"),
        (SqlType::Time, "TIME", "TIME(6)", "TIME(6)", "TIME"),
        (
            SqlType::Timestamp,
            "TIMESTAMP",
            "DATETIME(6)",
            "DATETIME(6)",
            "TIMESTAMP",
        ),
        (
            SqlType::TimestampTz,
            "TIMESTAMPTZ",
            "DATETIME(6)",
            "DATETIME(6)",
            "TIMESTAMPTZ",
        ),
        (SqlType::Uuid, "UUID", "CHAR(36)", "UUID", "CHAR(36)"),
        (SqlType::Json, "JSONB", "JSON", "JSON", "TEXT"),
        (SqlType::custom("INET"), "INET", "INET", "INET", "INET"),
    ];
    for (ty, pg, my, maria, lite) in cases {
        let t = one_column(ty.clone());
        let stmt = CreateTable::new(&t);
        for (d, want) in [
            (&Postgres as &dyn Dialect, pg),
            (&MySql, my),
            (&MariaDb, maria),
            (&Sqlite, lite),
        ] {
            assert_eq!(
                stmt.compile(d).unwrap().sql,
                format!("CREATE TABLE t (\n  c {want}\n)"),
                "{ty:?} on {}",
                d.name()
            );
        }
    }
}

#[test]
fn enum_type_per_dialect() {
    let mood = SqlType::enumeration("mood", ["happy", "it's ok"]);
    let t = Table::new("t").column(ColumnDef::new("m", mood.clone()).not_null());
    assert_sql!(|d: &dyn Dialect| CreateTable::new(&t).compile(d),
        postgres: "CREATE TABLE t (\n  m mood NOT NULL\n)",
        mysql_family: "CREATE TABLE t (\n  m ENUM('happy', 'it''s ok') NOT NULL\n)",
        sqlite: "CREATE TABLE t (\n  m VARCHAR(7) NOT NULL CHECK (m IN ('happy', 'it''s ok'))\n)",
    );
    let SqlType::Enum(e) = mood else {
        unreachable!()
    };
    assert_sql!(|d: &dyn Dialect| CreateType::new(&e).compile(d),
        postgres: "CREATE TYPE mood AS ENUM ('happy', 'it''s ok')",
        mysql_family: ErrorKind::Unsupported,
        sqlite: ErrorKind::Unsupported,
    );
    assert_sql!(|d: &dyn Dialect| DropType::new(&e).if_exists().compile(d),
        postgres: "DROP TYPE IF EXISTS mood",
        mysql: ErrorKind::Unsupported,
    );
    // An enum with no values or a repeated value is rejected everywhere.
    for bad in [
        SqlType::enumeration("e", Vec::<String>::new()),
        SqlType::enumeration("e", ["a", "a"]),
    ] {
        let t = one_column(bad);
        assert_sql!(|d: &dyn Dialect| CreateTable::new(&t).compile(d), all: ErrorKind::InvalidSchema);
    }
}

#[test]
fn types_a_dialect_cannot_express() {
    let cases = [
        (SqlType::Varchar(0), [ErrorKind::Unsupported; 3]),
        (
            SqlType::Varchar(20_000),
            [
                ErrorKind::InvalidSchema,
                ErrorKind::Unsupported,
                ErrorKind::InvalidSchema,
            ],
        ),
        (
            SqlType::numeric(70, 2),
            [
                ErrorKind::InvalidSchema,
                ErrorKind::Unsupported,
                ErrorKind::InvalidSchema,
            ],
        ),
        (SqlType::numeric(10, 12), [ErrorKind::Unsupported; 3]),
        (SqlType::numeric(0, 0), [ErrorKind::Unsupported; 3]),
        (SqlType::Char(256), [ErrorKind::Unsupported; 3]),
        (SqlType::custom(" "), [ErrorKind::InvalidSchema; 3]),
    ];
    for (ty, [pg, my, lite]) in cases {
        let t = one_column(ty.clone());
        for (d, want) in [
            (&Postgres as &dyn Dialect, pg),
            (&MySql, my),
            (&Sqlite, lite),
        ] {
            let got = CreateTable::new(&t).compile(d);
            match (got, want) {
                (Ok(_), ErrorKind::InvalidSchema) => {} // expressible here: fine
                (Err(e), w) => assert_eq!(e.kind(), w, "{ty:?} on {}: {e}", d.name()),
                (Ok(c), w) => panic!("{ty:?} on {}: expected {w:?}, got {}", d.name(), c.sql),
            }
        }
    }
}

#[test]
fn column_options() {
    let t = Table::new("items")
        .column(
            ColumnDef::new("id", SqlType::BigInt)
                .primary_key()
                .autoincrement(),
        )
        .column(
            ColumnDef::new("sku", SqlType::Varchar(20))
                .not_null()
                .unique(),
        )
        .column(
            ColumnDef::new("qty", SqlType::Integer)
                .not_null()
                .server_default(0_i32),
        )
        .column(ColumnDef::new("label", SqlType::Text).server_default("it's \\n"))
        .column(ColumnDef::new("price", SqlType::Double).server_default(-1.5_f64))
        .column(ColumnDef::new("live", SqlType::Boolean).server_default(true))
        .column(ColumnDef::new("raw", SqlType::Blob).server_default(vec![0xca_u8, 0xfe]))
        .column(ColumnDef::new("at", SqlType::Timestamp).server_default_expr("CURRENT_TIMESTAMP"))
        .column(ColumnDef::new("note", SqlType::Varchar(10)).comment("free text"))
        .comment("stock items");
    assert_sql!(|d: &dyn Dialect| CreateTable::new(&t).compile(d),
        postgres: "CREATE TABLE items (
  id BIGINT GENERATED BY DEFAULT AS IDENTITY NOT NULL,
  sku VARCHAR(20) NOT NULL UNIQUE,
  qty INTEGER NOT NULL DEFAULT 0,
  label TEXT DEFAULT E'it''s \\\\n',
  price DOUBLE PRECISION DEFAULT -1.5,
  live BOOLEAN DEFAULT TRUE,
  raw BYTEA DEFAULT E'\\\\xcafe'::bytea,
  at TIMESTAMP DEFAULT (CURRENT_TIMESTAMP),
  note VARCHAR(10),
  PRIMARY KEY (id)
)",
        mysql: "CREATE TABLE items (
  id BIGINT NOT NULL AUTO_INCREMENT,
  sku VARCHAR(20) NOT NULL UNIQUE,
  qty INT NOT NULL DEFAULT 0,
  label LONGTEXT DEFAULT ('it''s \\\\n'),
  price DOUBLE DEFAULT -1.5,
  live BOOLEAN DEFAULT 1,
  raw LONGBLOB DEFAULT (X'cafe'),
  at DATETIME(6) DEFAULT (CURRENT_TIMESTAMP),
  note VARCHAR(10) COMMENT 'free text',
  PRIMARY KEY (id)
) COMMENT = 'stock items'",
        mariadb: "CREATE TABLE items (
  id BIGINT NOT NULL AUTO_INCREMENT,
  sku VARCHAR(20) NOT NULL UNIQUE,
  qty INT NOT NULL DEFAULT 0,
  label LONGTEXT DEFAULT 'it''s \\\\n',
  price DOUBLE DEFAULT -1.5,
  live BOOLEAN DEFAULT 1,
  raw LONGBLOB DEFAULT X'cafe',
  at DATETIME(6) DEFAULT (CURRENT_TIMESTAMP),
  note VARCHAR(10) COMMENT 'free text',
  PRIMARY KEY (id)
) COMMENT = 'stock items'",
        sqlite: "CREATE TABLE items (
  id INTEGER NOT NULL PRIMARY KEY,
  sku VARCHAR(20) NOT NULL UNIQUE,
  qty INTEGER NOT NULL DEFAULT 0,
  label TEXT DEFAULT 'it''s \\n',
  price DOUBLE DEFAULT -1.5,
  live BOOLEAN DEFAULT 1,
  raw BLOB DEFAULT X'cafe',
  at TIMESTAMP DEFAULT (CURRENT_TIMESTAMP),
  note VARCHAR(10)
)",
    );
}

#[test]
fn table_constraints() {
    let t = Table::new("lines")
        .schema("shop")
        .column(ColumnDef::new("order_id", SqlType::BigInt))
        .column(ColumnDef::new("line", SqlType::Integer))
        .column(ColumnDef::new("sku", SqlType::Varchar(20)).not_null())
        .column(ColumnDef::new("qty", SqlType::Integer).not_null())
        .primary_key(PrimaryKey::new(["order_id", "line"]).named("pk_lines"))
        .unique(Unique::new(["order_id", "sku"]).named("uq_lines_sku"))
        .unique(Unique::new(["sku", "qty"]))
        .foreign_key(
            ForeignKey::new(["order_id"], "orders", ["id"])
                .named("fk_lines_order")
                .on_delete(FkAction::Cascade)
                .on_update(FkAction::Restrict),
        )
        .foreign_key(
            ForeignKey::new(["sku"], "products", ["sku"])
                .ref_schema("catalog")
                .on_delete(FkAction::SetNull),
        )
        .check(Check::new("qty > 0").named("ck_lines_qty"))
        .check(Check::new("line >= 1"));
    assert_sql!(|d: &dyn Dialect| CreateTable::new(&t).compile(d),
        postgres: "CREATE TABLE shop.lines (
  order_id BIGINT NOT NULL,
  line INTEGER NOT NULL,
  sku VARCHAR(20) NOT NULL,
  qty INTEGER NOT NULL,
  CONSTRAINT pk_lines PRIMARY KEY (order_id, line),
  CONSTRAINT uq_lines_sku UNIQUE (order_id, sku),
  UNIQUE (sku, qty),
  CONSTRAINT fk_lines_order FOREIGN KEY (order_id) REFERENCES shop.orders (id) ON DELETE CASCADE ON UPDATE RESTRICT,
  FOREIGN KEY (sku) REFERENCES catalog.products (sku) ON DELETE SET NULL,
  CONSTRAINT ck_lines_qty CHECK (qty > 0),
  CHECK (line >= 1)
)",
        mysql_family: "CREATE TABLE shop.`lines` (
  order_id BIGINT NOT NULL,
  line INT NOT NULL,
  sku VARCHAR(20) NOT NULL,
  qty INT NOT NULL,
  CONSTRAINT pk_lines PRIMARY KEY (order_id, line),
  CONSTRAINT uq_lines_sku UNIQUE (order_id, sku),
  UNIQUE (sku, qty),
  CONSTRAINT fk_lines_order FOREIGN KEY (order_id) REFERENCES shop.orders (id) ON DELETE CASCADE ON UPDATE RESTRICT,
  FOREIGN KEY (sku) REFERENCES catalog.products (sku) ON DELETE SET NULL,
  CONSTRAINT ck_lines_qty CHECK (qty > 0),
  CHECK (line >= 1)
)",
        sqlite: "CREATE TABLE shop.lines (
  order_id BIGINT NOT NULL,
  line INTEGER NOT NULL,
  sku VARCHAR(20) NOT NULL,
  qty INTEGER NOT NULL,
  CONSTRAINT pk_lines PRIMARY KEY (order_id, line),
  CONSTRAINT uq_lines_sku UNIQUE (order_id, sku),
  UNIQUE (sku, qty),
  CONSTRAINT fk_lines_order FOREIGN KEY (order_id) REFERENCES shop.orders (id) ON DELETE CASCADE ON UPDATE RESTRICT,
  FOREIGN KEY (sku) REFERENCES catalog.products (sku) ON DELETE SET NULL,
  CONSTRAINT ck_lines_qty CHECK (qty > 0),
  CHECK (line >= 1)
)",
    );
    // SET DEFAULT is not supported by InnoDB.
    let t = Table::new("c").column(
        ColumnDef::new("p", SqlType::BigInt)
            .references("p", "id")
            .on_delete(FkAction::SetDefault),
    );
    assert_sql!(|d: &dyn Dialect| CreateTable::new(&t).compile(d),
        postgres: "CREATE TABLE c (\n  p BIGINT,\n  FOREIGN KEY (p) REFERENCES p (id) ON DELETE SET DEFAULT\n)",
        mysql_family: ErrorKind::Unsupported,
        sqlite: "CREATE TABLE c (\n  p BIGINT,\n  FOREIGN KEY (p) REFERENCES p (id) ON DELETE SET DEFAULT\n)",
    );
}

#[test]
fn identifiers_are_quoted_when_needed() {
    let t = Table::new("Order Items")
        .column(ColumnDef::new("select", SqlType::Integer))
        .column(ColumnDef::new("camelCase", SqlType::Integer))
        .column(ColumnDef::new("we\"ird`name", SqlType::Integer))
        .column(ColumnDef::new("plain_1", SqlType::Integer))
        .column(ColumnDef::new("key", SqlType::Integer));
    assert_sql!(|d: &dyn Dialect| CreateTable::new(&t).compile(d),
        postgres: "CREATE TABLE \"Order Items\" (\n  \"select\" INTEGER,\n  \"camelCase\" INTEGER,\n  \"we\"\"ird`name\" INTEGER,\n  plain_1 INTEGER,\n  key INTEGER\n)",
        mysql_family: "CREATE TABLE `Order Items` (\n  `select` INT,\n  `camelCase` INT,\n  `we\"ird``name` INT,\n  plain_1 INT,\n  `key` INT\n)",
        sqlite: "CREATE TABLE \"Order Items\" (\n  \"select\" INTEGER,\n  \"camelCase\" INTEGER,\n  \"we\"\"ird`name\" INTEGER,\n  plain_1 INTEGER,\n  \"key\" INTEGER\n)",
    );
}

#[test]
fn indexes() {
    let t = Table::new("users")
        .schema("app")
        .column(ColumnDef::new("email", SqlType::Varchar(200)))
        .column(ColumnDef::new("created_at", SqlType::Timestamp))
        .column(ColumnDef::new("tags", SqlType::custom("TEXT[]")));
    let multi = Index::new("ix_users_email_created")
        .column("email")
        .column_desc("created_at");
    assert_sql!(|d: &dyn Dialect| CreateIndex::new(&t, &multi).compile(d),
        postgres: "CREATE INDEX ix_users_email_created ON app.users (email, created_at DESC)",
        mysql_family: "CREATE INDEX ix_users_email_created ON app.users (email, created_at DESC)",
        sqlite: "CREATE INDEX app.ix_users_email_created ON users (email, created_at DESC)",
    );
    let uniq = Index::on("uq_users_email", ["email"]).unique();
    assert_sql!(|d: &dyn Dialect| CreateIndex::new(&t, &uniq).if_not_exists().compile(d),
        postgres: "CREATE UNIQUE INDEX IF NOT EXISTS uq_users_email ON app.users (email)",
        mysql: ErrorKind::Unsupported,
        mariadb: "CREATE UNIQUE INDEX IF NOT EXISTS uq_users_email ON app.users (email)",
        sqlite: "CREATE UNIQUE INDEX IF NOT EXISTS app.uq_users_email ON users (email)",
    );
    let partial = Index::on("ix_live", ["email"]).filter("created_at IS NOT NULL");
    assert_sql!(|d: &dyn Dialect| CreateIndex::new(&t, &partial).compile(d),
        postgres: "CREATE INDEX ix_live ON app.users (email) WHERE created_at IS NOT NULL",
        mysql_family: ErrorKind::Unsupported,
        sqlite: "CREATE INDEX app.ix_live ON users (email) WHERE created_at IS NOT NULL",
    );
    let gin = Index::on("ix_tags", ["tags"]).using("gin");
    assert_sql!(|d: &dyn Dialect| CreateIndex::new(&t, &gin).compile(d),
        postgres: "CREATE INDEX ix_tags ON app.users USING gin (tags)",
        mysql_family: ErrorKind::Unsupported,
        sqlite: ErrorKind::Unsupported,
    );
    assert_sql!(|d: &dyn Dialect| DropIndex::new(&t, &multi).compile(d),
        postgres: "DROP INDEX app.ix_users_email_created",
        mysql_family: "DROP INDEX ix_users_email_created ON app.users",
        sqlite: "DROP INDEX app.ix_users_email_created",
    );
    assert_sql!(|d: &dyn Dialect| DropIndex::new(&t, &multi).if_exists().compile(d),
        postgres: "DROP INDEX IF EXISTS app.ix_users_email_created",
        mysql: ErrorKind::Unsupported,
        mariadb: "DROP INDEX IF EXISTS ix_users_email_created ON app.users",
        sqlite: "DROP INDEX IF EXISTS app.ix_users_email_created",
    );
    let missing = Index::on("ix_missing", ["nope"]);
    assert_sql!(|d: &dyn Dialect| CreateIndex::new(&t, &missing).compile(d), all: ErrorKind::InvalidSchema);
    let empty = Index::new("ix_empty");
    assert_sql!(|d: &dyn Dialect| CreateIndex::new(&t, &empty).compile(d), all: ErrorKind::InvalidSchema);
}

#[test]
fn create_and_drop_table_options() {
    let t = Table::new("t").column(ColumnDef::new("a", SqlType::Integer));
    assert_sql!(|d: &dyn Dialect| CreateTable::new(&t).if_not_exists().compile(d),
        postgres: "CREATE TABLE IF NOT EXISTS t (\n  a INTEGER\n)",
        sqlite: "CREATE TABLE IF NOT EXISTS t (\n  a INTEGER\n)",
        mysql_family: "CREATE TABLE IF NOT EXISTS t (\n  a INT\n)",
    );
    assert_sql!(|d: &dyn Dialect| DropTable::new(&t).compile(d), all: "DROP TABLE t");
    assert_sql!(|d: &dyn Dialect| DropTable::new(&t).if_exists().compile(d), all: "DROP TABLE IF EXISTS t");
    assert_sql!(|d: &dyn Dialect| DropTable::new(&t).if_exists().cascade().compile(d),
        postgres: "DROP TABLE IF EXISTS t CASCADE",
        mysql_family: ErrorKind::Unsupported,
        sqlite: ErrorKind::Unsupported,
    );
}

fn shop() -> MetaData {
    MetaData::new()
        .with(
            Table::new("lines")
                .column(ColumnDef::new("id", SqlType::BigInt).primary_key())
                .column(
                    ColumnDef::new("order_id", SqlType::BigInt)
                        .not_null()
                        .references("orders", "id"),
                )
                .index(Index::on("ix_lines_order", ["order_id"])),
        )
        .with(
            Table::new("orders")
                .column(ColumnDef::new("id", SqlType::BigInt).primary_key())
                .column(ColumnDef::new("user_id", SqlType::BigInt).references("users", "id")),
        )
        .with(
            Table::new("users")
                .column(ColumnDef::new("id", SqlType::BigInt).primary_key())
                .column(ColumnDef::new(
                    "mood",
                    SqlType::enumeration("mood", ["ok", "meh"]),
                )),
        )
}

#[test]
fn create_all_orders_tables_by_foreign_keys() {
    let md = shop();
    let order: Vec<&str> = md.sorted_tables().iter().map(|t| t.name.as_str()).collect();
    assert_eq!(order, ["users", "orders", "lines"]);
    let pg: Vec<String> = md
        .create_all_ddl(&Postgres)
        .unwrap()
        .into_iter()
        .map(|c| c.sql)
        .collect();
    assert_eq!(pg, [
        "CREATE TYPE mood AS ENUM ('ok', 'meh')",
        "CREATE TABLE users (\n  id BIGINT NOT NULL,\n  mood mood,\n  PRIMARY KEY (id)\n)",
        "CREATE TABLE orders (\n  id BIGINT NOT NULL,\n  user_id BIGINT,\n  PRIMARY KEY (id),\n  FOREIGN KEY (user_id) REFERENCES users (id)\n)",
        "CREATE TABLE lines (\n  id BIGINT NOT NULL,\n  order_id BIGINT NOT NULL,\n  PRIMARY KEY (id),\n  FOREIGN KEY (order_id) REFERENCES orders (id)\n)",
        "CREATE INDEX ix_lines_order ON lines (order_id)",
    ]);
    let pg_drop: Vec<String> = md
        .drop_all_ddl(&Postgres)
        .unwrap()
        .into_iter()
        .map(|c| c.sql)
        .collect();
    assert_eq!(
        pg_drop,
        [
            "DROP TABLE lines",
            "DROP TABLE orders",
            "DROP TABLE users",
            "DROP TYPE mood"
        ]
    );
    let my: Vec<String> = md
        .create_all_ddl(&MariaDb)
        .unwrap()
        .into_iter()
        .map(|c| c.sql)
        .collect();
    assert_eq!(my.len(), 4, "no CREATE TYPE on MariaDB: {my:?}");
    assert!(my[0].contains("mood ENUM('ok', 'meh')"));
}

fn cyclic() -> MetaData {
    MetaData::new()
        .with(
            Table::new("a")
                .column(ColumnDef::new("id", SqlType::Integer).primary_key())
                .column(ColumnDef::new("b_id", SqlType::Integer).references("b", "id"))
                .column(ColumnDef::new("parent_id", SqlType::Integer).references("a", "id")),
        )
        .with(
            Table::new("b")
                .column(ColumnDef::new("id", SqlType::Integer).primary_key())
                .column(ColumnDef::new("a_id", SqlType::Integer))
                .foreign_key(
                    ForeignKey::new(["a_id"], "a", ["id"])
                        .named("fk_b_a")
                        .on_delete(FkAction::Cascade),
                ),
        )
        .with(
            Table::new("c")
                .column(ColumnDef::new("id", SqlType::Integer).primary_key())
                .column(ColumnDef::new("a_id", SqlType::Integer).references("a", "id")),
        )
}

#[test]
fn foreign_key_cycles_use_alter_table_except_on_sqlite() {
    let md = cyclic();
    let pg: Vec<String> = md
        .create_all_ddl(&Postgres)
        .unwrap()
        .into_iter()
        .map(|c| c.sql)
        .collect();
    assert_eq!(pg, [
        "CREATE TABLE a (\n  id INTEGER NOT NULL,\n  b_id INTEGER,\n  parent_id INTEGER,\n  PRIMARY KEY (id),\n  FOREIGN KEY (parent_id) REFERENCES a (id)\n)",
        "CREATE TABLE b (\n  id INTEGER NOT NULL,\n  a_id INTEGER,\n  PRIMARY KEY (id)\n)",
        "CREATE TABLE c (\n  id INTEGER NOT NULL,\n  a_id INTEGER,\n  PRIMARY KEY (id),\n  FOREIGN KEY (a_id) REFERENCES a (id)\n)",
        "ALTER TABLE a ADD CONSTRAINT fk_a_b_id FOREIGN KEY (b_id) REFERENCES b (id)",
        "ALTER TABLE b ADD CONSTRAINT fk_b_a FOREIGN KEY (a_id) REFERENCES a (id) ON DELETE CASCADE",
    ]);
    let pg_drop: Vec<String> = md
        .drop_all_ddl(&Postgres)
        .unwrap()
        .into_iter()
        .map(|c| c.sql)
        .collect();
    assert_eq!(
        pg_drop,
        [
            "ALTER TABLE a DROP CONSTRAINT fk_a_b_id",
            "ALTER TABLE b DROP CONSTRAINT fk_b_a",
            "DROP TABLE c",
            "DROP TABLE b",
            "DROP TABLE a",
        ]
    );
    let my_drop: Vec<String> = md
        .drop_all_ddl(&MySql)
        .unwrap()
        .into_iter()
        .map(|c| c.sql)
        .collect();
    assert_eq!(my_drop[0], "ALTER TABLE a DROP FOREIGN KEY fk_a_b_id");
    let lite: Vec<String> = md
        .create_all_ddl(&Sqlite)
        .unwrap()
        .into_iter()
        .map(|c| c.sql)
        .collect();
    assert_eq!(
        lite.len(),
        3,
        "SQLite keeps cyclic foreign keys inline: {lite:?}"
    );
    assert!(lite[0].contains("FOREIGN KEY (b_id) REFERENCES b (id)"));
    assert!(lite[1]
        .contains("CONSTRAINT fk_b_a FOREIGN KEY (a_id) REFERENCES a (id) ON DELETE CASCADE"));
}

#[test]
fn generated_constraint_names_fit_the_dialect() {
    let long = "t".repeat(60);
    let md = MetaData::new()
        .with(
            Table::new(long.clone())
                .column(ColumnDef::new("id", SqlType::Integer).primary_key())
                .column(ColumnDef::new("other_id", SqlType::Integer).references("other", "id")),
        )
        .with(
            Table::new("other")
                .column(ColumnDef::new("id", SqlType::Integer).primary_key())
                .column(ColumnDef::new("back_id", SqlType::Integer).references(long, "id")),
        );
    for d in [&Postgres as &dyn Dialect, &MySql] {
        let ddl = md.create_all_ddl(d).unwrap();
        let alter = ddl.iter().find(|c| c.sql.starts_with("ALTER")).unwrap();
        let name = alter
            .sql
            .split("CONSTRAINT ")
            .nth(1)
            .unwrap()
            .split(' ')
            .next()
            .unwrap();
        let max = d.features().max_identifier_len.unwrap();
        assert!(
            name.len() <= max && name.len() >= max - 1,
            "{} {name}",
            d.name()
        );
        // Deterministic: the same name again.
        assert_eq!(md.create_all_ddl(d).unwrap(), ddl);
    }
}

/// Bad metadata is an error when DDL compiles, before anything reaches a database.
#[test]
fn bad_input_is_rejected_when_compiling() {
    let ok_parent = || Table::new("p").column(ColumnDef::new("id", SqlType::BigInt).primary_key());
    let kind = |md: MetaData, d: &dyn Dialect| md.create_all_ddl(d).unwrap_err().kind();
    let all: [&dyn Dialect; 4] = [&Postgres, &MySql, &MariaDb, &Sqlite];
    for d in all {
        let cases: Vec<(&str, MetaData)> = vec![
            (
                "empty table name",
                MetaData::new().with(Table::new("").column(ColumnDef::new("a", SqlType::Integer))),
            ),
            (
                "empty column name",
                MetaData::new().with(Table::new("t").column(ColumnDef::new("", SqlType::Integer))),
            ),
            (
                "NUL in a name",
                MetaData::new()
                    .with(Table::new("a\0b").column(ColumnDef::new("a", SqlType::Integer))),
            ),
            ("no columns", MetaData::new().with(Table::new("t"))),
            (
                "duplicate column",
                MetaData::new().with(
                    Table::new("t")
                        .column(ColumnDef::new("a", SqlType::Integer))
                        .column(ColumnDef::new("a", SqlType::Text)),
                ),
            ),
            (
                "duplicate table",
                MetaData::new().with(ok_parent()).with(ok_parent()),
            ),
            (
                "FK to a missing table",
                MetaData::new().with(
                    Table::new("c")
                        .column(ColumnDef::new("p", SqlType::BigInt).references("nope", "id")),
                ),
            ),
            (
                "FK to a missing column",
                MetaData::new().with(ok_parent()).with(
                    Table::new("c")
                        .column(ColumnDef::new("p", SqlType::BigInt).references("p", "nope")),
                ),
            ),
            (
                "FK column count mismatch",
                MetaData::new().with(ok_parent()).with(
                    Table::new("c")
                        .column(ColumnDef::new("p", SqlType::BigInt))
                        .foreign_key(ForeignKey::new(["p"], "p", ["id", "id"])),
                ),
            ),
            (
                "FK type mismatch",
                MetaData::new().with(ok_parent()).with(
                    Table::new("c")
                        .column(ColumnDef::new("p", SqlType::Integer).references("p", "id")),
                ),
            ),
            (
                "FK to a non-unique column",
                MetaData::new()
                    .with(ok_parent().column(ColumnDef::new("x", SqlType::BigInt)))
                    .with(
                        Table::new("c")
                            .column(ColumnDef::new("p", SqlType::BigInt).references("p", "x")),
                    ),
            ),
            (
                "FK on a missing local column",
                MetaData::new().with(ok_parent()).with(
                    Table::new("c")
                        .column(ColumnDef::new("q", SqlType::BigInt))
                        .foreign_key(ForeignKey::new(["p"], "p", ["id"])),
                ),
            ),
            (
                "PK on a missing column",
                MetaData::new().with(
                    Table::new("t")
                        .column(ColumnDef::new("a", SqlType::Integer))
                        .primary_key(PrimaryKey::new(["b"])),
                ),
            ),
            (
                "autoincrement on text",
                MetaData::new().with(
                    Table::new("t").column(
                        ColumnDef::new("a", SqlType::Varchar(5))
                            .primary_key()
                            .autoincrement(),
                    ),
                ),
            ),
            (
                "two autoincrement columns",
                MetaData::new().with(
                    Table::new("t")
                        .column(
                            ColumnDef::new("a", SqlType::Integer)
                                .primary_key()
                                .autoincrement(),
                        )
                        .column(
                            ColumnDef::new("b", SqlType::Integer)
                                .primary_key()
                                .autoincrement(),
                        ),
                ),
            ),
            (
                "autoincrement outside the PK",
                MetaData::new().with(
                    Table::new("t").column(ColumnDef::new("a", SqlType::Integer).autoincrement()),
                ),
            ),
            (
                "unique on a missing column",
                MetaData::new().with(
                    Table::new("t")
                        .column(ColumnDef::new("a", SqlType::Integer))
                        .unique(Unique::new(["b"])),
                ),
            ),
            (
                "empty check",
                MetaData::new().with(
                    Table::new("t")
                        .column(ColumnDef::new("a", SqlType::Integer))
                        .check(Check::new(" ")),
                ),
            ),
            (
                "duplicate index names",
                MetaData::new().with(
                    Table::new("t")
                        .column(ColumnDef::new("a", SqlType::Integer))
                        .index(Index::on("ix", ["a"]))
                        .index(Index::on("ix", ["a"])),
                ),
            ),
            (
                "duplicate constraint names",
                MetaData::new().with(
                    Table::new("t")
                        .column(ColumnDef::new("a", SqlType::Integer))
                        .check(Check::new("a > 0").named("c1"))
                        .unique(Unique::new(["a"]).named("c1")),
                ),
            ),
        ];
        for (what, md) in cases {
            assert_eq!(
                kind(md, d),
                ErrorKind::InvalidSchema,
                "{what} on {}",
                d.name()
            );
        }
        // Over-long names, where the dialect limits them.
        let long = MetaData::new()
            .with(Table::new("x".repeat(65)).column(ColumnDef::new("a", SqlType::Integer)));
        match d.features().max_identifier_len {
            Some(_) => assert_eq!(
                kind(long, d),
                ErrorKind::InvalidSchema,
                "long name on {}",
                d.name()
            ),
            None => assert!(long.create_all_ddl(d).is_ok()),
        }
    }
    // Case-insensitive column names collide on MySQL and SQLite, not on PostgreSQL.
    let mixed = || {
        MetaData::new().with(
            Table::new("t")
                .column(ColumnDef::new("Name", SqlType::Integer))
                .column(ColumnDef::new("name", SqlType::Integer)),
        )
    };
    assert!(mixed().create_all_ddl(&Postgres).is_ok());
    assert_eq!(kind(mixed(), &MariaDb), ErrorKind::InvalidSchema);
    assert_eq!(kind(mixed(), &Sqlite), ErrorKind::InvalidSchema);
    // MySQL forbids names ending with a space and keys on TEXT columns.
    let trailing =
        || MetaData::new().with(Table::new("t ").column(ColumnDef::new("a", SqlType::Integer)));
    assert!(trailing().create_all_ddl(&Postgres).is_ok());
    assert_eq!(kind(trailing(), &MySql), ErrorKind::InvalidSchema);
    let newline =
        || MetaData::new().with(Table::new("t\n").column(ColumnDef::new("a", SqlType::Integer)));
    assert!(newline().create_all_ddl(&Sqlite).is_ok());
    assert_eq!(kind(newline(), &MariaDb), ErrorKind::InvalidSchema);
    // The MySQL family writes a table's name into a file name, each CJK character as 5 bytes:
    // 50 fit (250 bytes), 51 fail on the server with errno 36.
    let cjk = |n: usize| {
        MetaData::new()
            .with(Table::new("日".repeat(n)).column(ColumnDef::new("a", SqlType::Integer)))
    };
    assert!(cjk(50).create_all_ddl(&MariaDb).is_ok());
    assert_eq!(kind(cjk(51), &MariaDb), ErrorKind::InvalidSchema);
    assert_eq!(kind(cjk(51), &MySql), ErrorKind::InvalidSchema);
    assert!(cjk(51).create_all_ddl(&Sqlite).is_ok());
    // PostgreSQL's system columns cannot be declared.
    let ctid =
        || MetaData::new().with(Table::new("t").column(ColumnDef::new("ctid", SqlType::Integer)));
    assert_eq!(kind(ctid(), &Postgres), ErrorKind::InvalidSchema);
    assert!(ctid().create_all_ddl(&Sqlite).is_ok());
    let text_pk = || {
        MetaData::new()
            .with(Table::new("t").column(ColumnDef::new("a", SqlType::Text).primary_key()))
    };
    assert!(text_pk().create_all_ddl(&Postgres).is_ok());
    assert!(text_pk().create_all_ddl(&MariaDb).is_ok());
    // BLOB and JSON keys stay refused on the MySQL family (TEXT keys become VARCHAR(255)).
    let blob_pk = || {
        MetaData::new()
            .with(Table::new("t").column(ColumnDef::new("a", SqlType::Blob).primary_key()))
    };
    assert_eq!(kind(blob_pk(), &MariaDb), ErrorKind::Unsupported);
    // SQLite's rowid alias cannot be part of a composite key.
    let composite_auto = || {
        MetaData::new().with(
            Table::new("t")
                .column(
                    ColumnDef::new("a", SqlType::Integer)
                        .primary_key()
                        .autoincrement(),
                )
                .column(ColumnDef::new("b", SqlType::Integer).primary_key()),
        )
    };
    assert!(composite_auto().create_all_ddl(&Postgres).is_ok());
    assert_eq!(kind(composite_auto(), &Sqlite), ErrorKind::Unsupported);
    // NaN defaults only where floats store it.
    let nan = || {
        MetaData::new().with(
            Table::new("t").column(ColumnDef::new("f", SqlType::Double).server_default(f64::NAN)),
        )
    };
    assert!(nan().create_all_ddl(&Postgres).unwrap()[0]
        .sql
        .contains("DEFAULT 'NaN'"));
    assert_eq!(kind(nan(), &Sqlite), ErrorKind::Unsupported);
}

quarry::table! {
    /// A typed table for the macro test.
    pub struct Accounts("accounts") {
        id: i64 => primary_key().autoincrement(),
        owner("owner name"): String => sql_type(SqlType::Varchar(80)),
        balance: f64 => server_default(0.0_f64),
        flags: Option<i16>,
        active: bool => server_default(true),
        avatar: Option<Vec<u8>>,
    }
    with {
        check(Check::new("balance >= 0").named("ck_accounts_balance")),
        index(Index::on("ix_accounts_owner", ["owner name"])),
        comment("bank accounts"),
    }
}

#[test]
fn typed_tables_produce_metadata_and_handles() {
    let a = Accounts::new();
    let _: quarry::Column<i64> = a.id;
    let _: quarry::Column<Option<i16>> = a.flags;
    assert_eq!(a.owner.name(), "owner name");
    assert_eq!(a.balance.table_name(), "accounts");
    let t = Accounts::table();
    assert_sql!(|d: &dyn Dialect| CreateTable::new(&t).compile(d),
        postgres: "CREATE TABLE accounts (
  id BIGINT GENERATED BY DEFAULT AS IDENTITY NOT NULL,
  \"owner name\" VARCHAR(80) NOT NULL,
  balance DOUBLE PRECISION NOT NULL DEFAULT 0.0,
  flags SMALLINT,
  active BOOLEAN NOT NULL DEFAULT TRUE,
  avatar BYTEA,
  PRIMARY KEY (id),
  CONSTRAINT ck_accounts_balance CHECK (balance >= 0)
)",
        sqlite: "CREATE TABLE accounts (
  id INTEGER NOT NULL PRIMARY KEY,
  \"owner name\" VARCHAR(80) NOT NULL,
  balance DOUBLE NOT NULL DEFAULT 0.0,
  flags SMALLINT,
  active BOOLEAN NOT NULL DEFAULT 1,
  avatar BLOB,
  CONSTRAINT ck_accounts_balance CHECK (balance >= 0)
)",
    );
    assert_eq!(t.comment.as_deref(), Some("bank accounts"));
    assert_eq!(t.indexes[0].name, "ix_accounts_owner");
    let md = MetaData::new().with(Accounts::table());
    assert_eq!(md.create_all_ddl(&Postgres).unwrap().len(), 3); // table, index, table comment
}

/// PostgreSQL string literals mean the same whatever `standard_conforming_strings` is: one with
/// a backslash is an `E'…'` string with backslashes doubled; MySQL and SQLite keep their own.
#[test]
fn regression_pg_literals_escape_backslashes() {
    let hostile = "\\' || current_user, --";
    let mood = SqlType::enumeration("mood", [hostile, "it's"]);
    let t = Table::new("t")
        .comment(hostile)
        .column(
            ColumnDef::new("c", SqlType::Text)
                .server_default(hostile)
                .comment("a\\b"),
        )
        .column(ColumnDef::new("m", mood.clone()).server_default("it's"))
        .column(ColumnDef::new("b", SqlType::Blob).server_default(vec![0x5c_u8]));
    assert_sql!(|d: &dyn Dialect| CreateTable::new(&t).compile(d),
        postgres: "CREATE TABLE t (
  c TEXT DEFAULT E'\\\\'' || current_user, --',
  m mood DEFAULT 'it''s',
  b BYTEA DEFAULT E'\\\\x5c'::bytea
)",
        sqlite: "CREATE TABLE t (
  c TEXT DEFAULT '\\'' || current_user, --',
  m VARCHAR(22) DEFAULT 'it''s' CHECK (m IN ('\\'' || current_user, --', 'it''s')),
  b BLOB DEFAULT X'5c'
)",
    );
    let ddl: Vec<String> = MetaData::new()
        .with(t)
        .create_all_ddl(&Postgres)
        .unwrap()
        .into_iter()
        .map(|c| c.sql)
        .collect();
    assert_eq!(
        ddl[0],
        "CREATE TYPE mood AS ENUM (E'\\\\'' || current_user, --', 'it''s')"
    );
    assert_eq!(
        ddl[2],
        "COMMENT ON TABLE t IS E'\\\\'' || current_user, --'"
    );
    assert_eq!(ddl[3], "COMMENT ON COLUMN t.c IS E'a\\\\b'");
}

/// quarry's `Decimal` and `rust_decimal::Decimal` declare the same column type, so a column
/// declared with either reads back into either.
#[test]
fn both_decimal_types_default_to_one_sql_type() {
    use quarry::SqlTyped;
    assert_eq!(
        <quarry::value::Decimal as SqlTyped>::sql_type(),
        <rust_decimal::Decimal as SqlTyped>::sql_type()
    );
    assert_eq!(
        <rust_decimal::Decimal as SqlTyped>::sql_type(),
        SqlType::numeric(28, 10)
    );
}

/// A TEXT column in a key is created VARCHAR(255) on the MySQL family, which cannot index TEXT;
/// elsewhere, and outside keys, it stays TEXT.
#[test]
fn text_key_columns_are_varchar_on_the_mysql_family() {
    let parent = Table::new("p")
        .column(ColumnDef::new("code", SqlType::Text).primary_key())
        .column(ColumnDef::new("note", SqlType::Text));
    let child = Table::new("c")
        .column(ColumnDef::new("id", SqlType::BigInt).primary_key())
        .column(ColumnDef::new("code", SqlType::Text).references("p", "code"))
        .column(ColumnDef::new("tag", SqlType::Text))
        .index(quarry::Index::new("c_tag").column("tag"));
    assert_sql!(|d: &dyn Dialect| CreateTable::new(&parent).compile(d),
        postgres: "CREATE TABLE p (\n  code TEXT NOT NULL,\n  note TEXT,\n  PRIMARY KEY (code)\n)",
        mysql_family: "CREATE TABLE p (\n  code VARCHAR(255) NOT NULL,\n  note LONGTEXT,\n  PRIMARY KEY (code)\n)",
        sqlite: "CREATE TABLE p (\n  code TEXT NOT NULL,\n  note TEXT,\n  PRIMARY KEY (code)\n)",
    );
    let sql = CreateTable::new(&child).compile(&MariaDb).unwrap().sql;
    assert!(
        sql.contains("code VARCHAR(255)") && sql.contains("tag VARCHAR(255)"),
        "{sql}"
    );
    let sql = CreateTable::new(&child).compile(&Postgres).unwrap().sql;
    assert!(
        sql.contains("code TEXT") && sql.contains("tag TEXT"),
        "{sql}"
    );
}

/// The type crates of quarry's features are re-exported, so a table can be declared with them
/// without a dependency of one's own.
#[test]
fn type_crates_are_re_exported() {
    use quarry::types::{chrono, rust_decimal, serde_json, time, uuid};
    use quarry::SqlTyped;
    assert_eq!(<chrono::NaiveDate as SqlTyped>::sql_type(), SqlType::Date);
    assert_eq!(
        <time::PrimitiveDateTime as SqlTyped>::sql_type(),
        SqlType::Timestamp
    );
    assert_eq!(<uuid::Uuid as SqlTyped>::sql_type(), SqlType::Uuid);
    assert_eq!(
        <rust_decimal::Decimal as SqlTyped>::sql_type(),
        SqlType::numeric(28, 10)
    );
    assert_eq!(<serde_json::Value as SqlTyped>::sql_type(), SqlType::Json);
}
