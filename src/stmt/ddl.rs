//! DDL statements: CREATE/DROP TABLE, CREATE/DROP INDEX, CREATE/DROP TYPE.
//!
//! Each is plain data compiled with `.compile(&dialect)`. DDL cannot take bound parameters on
//! most databases, so defaults and comments are written as escaped literals and
//! [`Compiled::params`](crate::Compiled::params) is empty. To create a whole schema in dependency order, use
//! [`crate::MetaData::create_all_ddl`] or [`crate::Engine::create_all`].

use crate::schema::{EnumType, Index, Table};

/// `CREATE TABLE [IF NOT EXISTS] …` for one table, with its constraints (not its indexes).
///
/// ```
/// use quarry::{CreateTable, Table, ColumnDef, SqlType, Postgres, MySql, Sqlite};
/// let t = Table::new("tags").column(ColumnDef::new("label", SqlType::Varchar(40)).not_null().unique());
/// let stmt = CreateTable::new(&t).if_not_exists();
/// assert_eq!(stmt.compile(&Postgres).unwrap().sql,
///     "CREATE TABLE IF NOT EXISTS tags (\n  label VARCHAR(40) NOT NULL UNIQUE\n)");
/// assert_eq!(stmt.compile(&MySql).unwrap().sql,
///     "CREATE TABLE IF NOT EXISTS tags (\n  label VARCHAR(40) NOT NULL UNIQUE\n)");
/// assert_eq!(stmt.compile(&Sqlite).unwrap().sql,
///     "CREATE TABLE IF NOT EXISTS tags (\n  label VARCHAR(40) NOT NULL UNIQUE\n)");
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct CreateTable {
    pub(crate) table: Table,
    pub(crate) if_not_exists: bool,
}

impl CreateTable {
    /// `CREATE TABLE` for `table`.
    ///
    /// ```
    /// let t = quarry::Table::new("t").column(quarry::ColumnDef::new("a", quarry::SqlType::Text));
    /// assert!(quarry::CreateTable::new(&t).compile(&quarry::Sqlite).is_ok());
    /// ```
    pub fn new(table: &Table) -> Self {
        CreateTable {
            table: table.clone(),
            if_not_exists: false,
        }
    }

    /// Adds `IF NOT EXISTS`.
    ///
    /// ```
    /// let t = quarry::Table::new("t").column(quarry::ColumnDef::new("a", quarry::SqlType::Text));
    /// assert!(quarry::CreateTable::new(&t).if_not_exists().compile(&quarry::Sqlite).unwrap().sql.contains("IF NOT EXISTS"));
    /// ```
    pub fn if_not_exists(mut self) -> Self {
        self.if_not_exists = true;
        self
    }
}

/// `DROP TABLE [IF EXISTS] … [CASCADE]`.
///
/// ```
/// use quarry::{DropTable, Table, Postgres, Sqlite};
/// let t = Table::new("users");
/// assert_eq!(DropTable::new(&t).if_exists().cascade().compile(&Postgres).unwrap().sql,
///     "DROP TABLE IF EXISTS users CASCADE");
/// assert!(DropTable::new(&t).cascade().compile(&Sqlite).unwrap_err().is_unsupported());
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DropTable {
    pub(crate) schema: Option<String>,
    pub(crate) name: String,
    pub(crate) if_exists: bool,
    pub(crate) cascade: bool,
}

impl DropTable {
    /// `DROP TABLE` for `table`.
    ///
    /// ```
    /// assert_eq!(quarry::DropTable::new(&quarry::Table::new("t")).compile(&quarry::Sqlite).unwrap().sql, "DROP TABLE t");
    /// ```
    pub fn new(table: &Table) -> Self {
        DropTable {
            schema: table.schema.clone(),
            name: table.name.clone(),
            if_exists: false,
            cascade: false,
        }
    }

    /// Adds `IF EXISTS`.
    ///
    /// ```
    /// let s = quarry::DropTable::new(&quarry::Table::new("t")).if_exists();
    /// assert_eq!(s.compile(&quarry::MySql).unwrap().sql, "DROP TABLE IF EXISTS t");
    /// ```
    pub fn if_exists(mut self) -> Self {
        self.if_exists = true;
        self
    }

    /// Adds `CASCADE` (PostgreSQL only; an error elsewhere).
    ///
    /// ```
    /// let s = quarry::DropTable::new(&quarry::Table::new("t")).cascade();
    /// assert!(s.compile(&quarry::MariaDb).is_err());
    /// ```
    pub fn cascade(mut self) -> Self {
        self.cascade = true;
        self
    }
}

/// `CREATE [UNIQUE] INDEX [IF NOT EXISTS] … ON …`.
///
/// ```
/// use quarry::{CreateIndex, Index, Table, ColumnDef, SqlType, Postgres, MySql, Sqlite};
/// let t = Table::new("users")
///     .column(ColumnDef::new("email", SqlType::Varchar(200)))
///     .column(ColumnDef::new("deleted", SqlType::Boolean));
/// let ix = Index::on("ix_users_email", ["email"]).unique().filter("NOT deleted");
/// let stmt = CreateIndex::new(&t, &ix);
/// assert_eq!(stmt.compile(&Postgres).unwrap().sql,
///     "CREATE UNIQUE INDEX ix_users_email ON users (email) WHERE NOT deleted");
/// assert_eq!(stmt.compile(&Sqlite).unwrap().sql,
///     "CREATE UNIQUE INDEX ix_users_email ON users (email) WHERE NOT deleted");
/// assert!(stmt.compile(&MySql).unwrap_err().is_unsupported());
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct CreateIndex {
    pub(crate) table: Table,
    pub(crate) index: Index,
    pub(crate) if_not_exists: bool,
}

impl CreateIndex {
    /// `CREATE INDEX` for `index` of `table`.
    ///
    /// ```
    /// let t = quarry::Table::new("t").column(quarry::ColumnDef::new("a", quarry::SqlType::BigInt));
    /// let s = quarry::CreateIndex::new(&t, &quarry::Index::on("ix_a", ["a"]));
    /// assert_eq!(s.compile(&quarry::MySql).unwrap().sql, "CREATE INDEX ix_a ON t (a)");
    /// ```
    pub fn new(table: &Table, index: &Index) -> Self {
        CreateIndex {
            table: table.clone(),
            index: index.clone(),
            if_not_exists: false,
        }
    }

    /// Adds `IF NOT EXISTS` (not on MySQL 8).
    ///
    /// ```
    /// let t = quarry::Table::new("t").column(quarry::ColumnDef::new("a", quarry::SqlType::BigInt));
    /// let s = quarry::CreateIndex::new(&t, &quarry::Index::on("ix_a", ["a"])).if_not_exists();
    /// assert!(s.compile(&quarry::MySql).is_err());
    /// assert!(s.compile(&quarry::MariaDb).is_ok());
    /// ```
    pub fn if_not_exists(mut self) -> Self {
        self.if_not_exists = true;
        self
    }
}

/// `DROP INDEX [IF EXISTS] …` (`… ON table` on MySQL/MariaDB).
///
/// ```
/// use quarry::{DropIndex, Index, Table, Postgres, MariaDb};
/// let t = Table::new("users");
/// let ix = Index::new("ix_users_email");
/// assert_eq!(DropIndex::new(&t, &ix).compile(&Postgres).unwrap().sql, "DROP INDEX ix_users_email");
/// assert_eq!(DropIndex::new(&t, &ix).if_exists().compile(&MariaDb).unwrap().sql,
///     "DROP INDEX IF EXISTS ix_users_email ON users");
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct DropIndex {
    pub(crate) table: Table,
    pub(crate) index: Index,
    pub(crate) if_exists: bool,
}

impl DropIndex {
    /// `DROP INDEX` for `index` of `table`.
    ///
    /// ```
    /// let s = quarry::DropIndex::new(&quarry::Table::new("t"), &quarry::Index::new("ix"));
    /// assert_eq!(s.compile(&quarry::MySql).unwrap().sql, "DROP INDEX ix ON t");
    /// ```
    pub fn new(table: &Table, index: &Index) -> Self {
        DropIndex {
            table: Table {
                columns: Vec::new(),
                ..Table::new(table.name.clone())
            }
            .schema_opt(table.schema.clone()),
            index: index.clone(),
            if_exists: false,
        }
    }

    /// Adds `IF EXISTS` (not on MySQL 8).
    ///
    /// ```
    /// let s = quarry::DropIndex::new(&quarry::Table::new("t"), &quarry::Index::new("ix")).if_exists();
    /// assert_eq!(s.compile(&quarry::Sqlite).unwrap().sql, "DROP INDEX IF EXISTS ix");
    /// ```
    pub fn if_exists(mut self) -> Self {
        self.if_exists = true;
        self
    }
}

impl Table {
    fn schema_opt(mut self, schema: Option<String>) -> Self {
        self.schema = schema;
        self
    }
}

/// `CREATE TYPE … AS ENUM (…)`: PostgreSQL's named enum types (an error on other dialects, which
/// write enums inline).
///
/// ```
/// use quarry::{CreateType, SqlType, Postgres, Sqlite};
/// let SqlType::Enum(mood) = SqlType::enumeration("mood", ["sad", "it's ok"]) else { unreachable!() };
/// assert_eq!(CreateType::new(&mood).compile(&Postgres).unwrap().sql,
///     "CREATE TYPE mood AS ENUM ('sad', 'it''s ok')");
/// assert!(CreateType::new(&mood).compile(&Sqlite).is_err());
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CreateType {
    pub(crate) ty: EnumType,
}

impl CreateType {
    /// `CREATE TYPE` for the enum `ty`.
    ///
    /// ```
    /// let quarry::SqlType::Enum(e) = quarry::SqlType::enumeration("e", ["a"]) else { unreachable!() };
    /// assert!(quarry::CreateType::new(&e).compile(&quarry::Postgres).is_ok());
    /// ```
    pub fn new(ty: &EnumType) -> Self {
        CreateType { ty: ty.clone() }
    }
}

/// `DROP TYPE [IF EXISTS] …` (PostgreSQL).
///
/// ```
/// let quarry::SqlType::Enum(e) = quarry::SqlType::enumeration("mood", ["a"]) else { unreachable!() };
/// assert_eq!(quarry::DropType::new(&e).if_exists().compile(&quarry::Postgres).unwrap().sql,
///     "DROP TYPE IF EXISTS mood");
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DropType {
    pub(crate) ty: EnumType,
    pub(crate) if_exists: bool,
}

impl DropType {
    /// `DROP TYPE` for the enum `ty`.
    ///
    /// ```
    /// let quarry::SqlType::Enum(e) = quarry::SqlType::enumeration("e", ["a"]) else { unreachable!() };
    /// assert_eq!(quarry::DropType::new(&e).compile(&quarry::Postgres).unwrap().sql, "DROP TYPE e");
    /// ```
    pub fn new(ty: &EnumType) -> Self {
        DropType {
            ty: ty.clone(),
            if_exists: false,
        }
    }

    /// Adds `IF EXISTS`.
    ///
    /// ```
    /// let quarry::SqlType::Enum(e) = quarry::SqlType::enumeration("e", ["a"]) else { unreachable!() };
    /// assert!(quarry::DropType::new(&e).if_exists().compile(&quarry::Postgres).unwrap().sql.contains("IF EXISTS"));
    /// ```
    pub fn if_exists(mut self) -> Self {
        self.if_exists = true;
        self
    }
}
