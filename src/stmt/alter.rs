//! `ALTER TABLE`: changes to one existing table, as plain data.
//!
//! An [`AlterTable`] starts from the table's current definition (a declared [`Table`] or one
//! reflected with `Engine::reflect`), because some dialects need it: MySQL's `MODIFY COLUMN`
//! restates the whole column, and SQLite, which alters little in place, rebuilds the table
//! (create the new shape, copy the rows, drop the old, rename, re-create the indexes, check the
//! foreign keys), as Alembic's batch mode does. Compiling yields the statements in order.

use crate::error::{Error, Result};
use crate::schema::{
    Check, ColumnDef, ForeignKey, PrimaryKey, ServerDefault, SqlType, Table, Unique,
};

/// A table constraint other than the primary key, for [`AlterOp::DropUnnamed`].
///
/// ```
/// use quarry::{AlterOp, Constraint, Unique};
/// let op = AlterOp::DropUnnamed(Constraint::Unique(Unique::new(["email"])));
/// # let _ = op;
/// ```
#[derive(Clone, Debug, PartialEq)]
pub enum Constraint {
    /// A unique constraint.
    Unique(Unique),
    /// A check constraint.
    Check(Check),
    /// A foreign key.
    ForeignKey(ForeignKey),
}

impl std::fmt::Display for Constraint {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Constraint::Unique(u) => write!(f, "unique ({})", u.columns.join(", ")),
            Constraint::Check(c) => write!(f, "check ({})", c.expr),
            Constraint::ForeignKey(k) => write!(
                f,
                "foreign key ({}) -> {} ({})",
                k.columns.join(", "),
                k.ref_table,
                k.ref_columns.join(", ")
            ),
        }
    }
}

/// One change of an [`AlterTable`] (the builder methods of [`AlterTable`] make them).
///
/// ```
/// use quarry::{AlterOp, AlterTable, Table};
/// let a = AlterTable::new(&Table::new("t")).rename_column("a", "b");
/// assert_eq!(a.ops(), &[AlterOp::RenameColumn { from: "a".into(), to: "b".into() }]);
/// ```
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub enum AlterOp {
    /// `ADD COLUMN` (its foreign key, if the definition has one, is added with it).
    AddColumn(ColumnDef),
    /// `DROP COLUMN`.
    DropColumn(String),
    /// `RENAME COLUMN from TO to`.
    RenameColumn {
        /// The current name.
        from: String,
        /// The new name.
        to: String,
    },
    /// Changes a column's type (the rows are converted by the database's cast).
    AlterType {
        /// The column.
        column: String,
        /// Its new type.
        to: SqlType,
    },
    /// `SET NOT NULL` (`true`) or `DROP NOT NULL` (`false`).
    SetNullable {
        /// The column.
        column: String,
        /// Whether it may hold NULL afterwards.
        nullable: bool,
    },
    /// `SET DEFAULT` (`Some`) or `DROP DEFAULT` (`None`): the database-side default.
    SetDefault {
        /// The column.
        column: String,
        /// The new default.
        default: Option<ServerDefault>,
    },
    /// `ADD [CONSTRAINT n] UNIQUE (…)`.
    AddUnique(Unique),
    /// `ADD [CONSTRAINT n] CHECK (…)`.
    AddCheck(Check),
    /// `ADD [CONSTRAINT n] FOREIGN KEY …`.
    AddForeignKey(ForeignKey),
    /// Drops the unique constraint, check constraint or foreign key of this name.
    DropConstraint(String),
    /// Drops the unnamed constraint equal to this one (same columns, check text or
    /// reference): SQLite keeps no names for them, and rebuilds the table without it. The
    /// other databases name every constraint: drop it by name there (this is an error).
    DropUnnamed(Constraint),
    /// `ADD [CONSTRAINT n] PRIMARY KEY (…)` (the table has none, or its old one was dropped
    /// by an earlier [`AlterOp::DropPrimaryKey`]).
    AddPrimaryKey(PrimaryKey),
    /// Drops the table's primary key (`DROP PRIMARY KEY` on MySQL, `DROP CONSTRAINT <name>` on
    /// PostgreSQL, where the name comes from the [`AlterTable`]'s table definition).
    DropPrimaryKey,
    /// Makes a column auto-incrementing (`true`) or stops it being so (`false`): identity on
    /// PostgreSQL, `AUTO_INCREMENT` on MySQL.
    SetAutoincrement {
        /// The column.
        column: String,
        /// Whether it auto-increments afterwards.
        autoincrement: bool,
    },
    /// `SET`s the table's comment (`None` removes it).
    SetComment(Option<String>),
    /// Sets a column's comment (`None` removes it).
    SetColumnComment {
        /// The column.
        column: String,
        /// The new comment.
        comment: Option<String>,
    },
}

/// `ALTER TABLE …`: changes to one table, compiled per dialect into one or more statements
/// (`compile`), run by `Engine::alter` (in one transaction on PostgreSQL and SQLite).
///
/// Build it from the table's current definition, then add changes. PostgreSQL alters in place;
/// MySQL and MariaDB restate the whole column (`MODIFY COLUMN`) and drop a constraint by its
/// kind; SQLite renames, adds and drops columns in place where it can and otherwise rebuilds
/// the table:
///
/// ```
/// use quarry::{AlterTable, Check, ColumnDef, Dialect, Index, SqlType, Table};
/// use quarry::{MariaDb, MySql, Postgres, Sqlite};
/// let users = Table::new("users")
///     .column(ColumnDef::new("id", SqlType::BigInt).primary_key())
///     .column(ColumnDef::new("name", SqlType::Varchar(100)))
///     .column(ColumnDef::new("age", SqlType::Varchar(3)))
///     .check(Check::new("age <> ''").named("ck_users_age"))
///     .index(Index::on("ix_users_name", ["name"]));
/// let sql = |a: &AlterTable, d: &dyn Dialect| -> Vec<String> {
///     a.compile(d).unwrap().into_iter().map(|c| c.sql).collect()
/// };
///
/// let rename = AlterTable::new(&users).rename_column("name", "full_name");
/// for d in [&Postgres as &dyn Dialect, &MySql, &MariaDb, &Sqlite] {
///     assert_eq!(sql(&rename, d), ["ALTER TABLE users RENAME COLUMN name TO full_name"]);
/// }
///
/// let add = AlterTable::new(&users).add_column(ColumnDef::new("email", SqlType::Varchar(200)));
/// assert_eq!(sql(&add, &Postgres), ["ALTER TABLE users ADD COLUMN email VARCHAR(200)"]);
/// assert_eq!(sql(&add, &MySql), ["ALTER TABLE users ADD COLUMN email VARCHAR(200)"]);
/// assert_eq!(sql(&add, &MariaDb), ["ALTER TABLE users ADD COLUMN email VARCHAR(200)"]);
/// assert_eq!(sql(&add, &Sqlite), ["ALTER TABLE users ADD COLUMN email VARCHAR(200)"]);
///
/// let to_int = AlterTable::new(&users).alter_type("age", SqlType::Integer);
/// assert_eq!(sql(&to_int, &Postgres), ["ALTER TABLE users ALTER COLUMN age TYPE INTEGER USING age::INTEGER"]);
/// assert_eq!(sql(&to_int, &MySql), ["ALTER TABLE users MODIFY COLUMN age INT"]);
/// assert_eq!(sql(&to_int, &MariaDb), ["ALTER TABLE users MODIFY COLUMN age INT"]);
/// assert!(sql(&to_int, &Sqlite)[0].starts_with("CREATE TABLE _quarry_new_users")); // a rebuild, as below
///
/// let drop_check = AlterTable::new(&users).drop_constraint("ck_users_age");
/// assert_eq!(sql(&drop_check, &Postgres), ["ALTER TABLE users DROP CONSTRAINT ck_users_age"]);
/// assert_eq!(sql(&drop_check, &MySql), ["ALTER TABLE users DROP CHECK ck_users_age"]);
/// assert_eq!(sql(&drop_check, &MariaDb), ["ALTER TABLE users DROP CONSTRAINT ck_users_age"]);
/// assert!(sql(&drop_check, &Sqlite)[0].starts_with("CREATE TABLE _quarry_new_users"));
///
/// // SQLite cannot change a column in place: it rebuilds the table.
/// let not_null = AlterTable::new(&users).set_not_null("name");
/// assert_eq!(sql(&not_null, &Postgres), ["ALTER TABLE users ALTER COLUMN name SET NOT NULL"]);
/// assert_eq!(sql(&not_null, &MySql), ["ALTER TABLE users MODIFY COLUMN name VARCHAR(100) NOT NULL"]);
/// assert_eq!(sql(&not_null, &MariaDb), ["ALTER TABLE users MODIFY COLUMN name VARCHAR(100) NOT NULL"]);
/// assert_eq!(sql(&not_null, &Sqlite), [
///     "CREATE TABLE _quarry_new_users (\n  id BIGINT NOT NULL,\n  name VARCHAR(100) NOT NULL,\n  \
///      age VARCHAR(3),\n  PRIMARY KEY (id),\n  CONSTRAINT ck_users_age CHECK (age <> '')\n)",
///     "INSERT INTO _quarry_new_users (id, name, age) SELECT id, name, age FROM users",
///     "DROP TABLE users",
///     "ALTER TABLE _quarry_new_users RENAME TO users",
///     "CREATE INDEX ix_users_name ON users (name)",
/// ]);
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct AlterTable {
    pub(crate) table: Table,
    pub(crate) ops: Vec<AlterOp>,
}

impl AlterTable {
    /// Changes to `table`, given as it is now in the database.
    ///
    /// ```
    /// let t = quarry::Table::new("t");
    /// assert!(quarry::AlterTable::new(&t).ops().is_empty());
    /// ```
    pub fn new(table: &Table) -> Self {
        AlterTable {
            table: table.clone(),
            ops: Vec::new(),
        }
    }

    /// The table as it was before these changes.
    ///
    /// ```
    /// let t = quarry::Table::new("t");
    /// assert_eq!(quarry::AlterTable::new(&t).table().name, "t");
    /// ```
    pub fn table(&self) -> &Table {
        &self.table
    }

    /// The changes, in order.
    ///
    /// ```
    /// let t = quarry::Table::new("t");
    /// let a = quarry::AlterTable::new(&t).drop_column("x");
    /// assert_eq!(a.ops(), &[quarry::AlterOp::DropColumn("x".into())]);
    /// ```
    pub fn ops(&self) -> &[AlterOp] {
        &self.ops
    }

    /// Adds `op`.
    ///
    /// ```
    /// let t = quarry::Table::new("t");
    /// let a = quarry::AlterTable::new(&t).op(quarry::AlterOp::DropColumn("x".into()));
    /// assert_eq!(a.ops().len(), 1);
    /// ```
    pub fn op(mut self, op: AlterOp) -> Self {
        self.ops.push(op);
        self
    }

    /// `ADD COLUMN column`.
    ///
    /// ```
    /// use quarry::{AlterTable, ColumnDef, SqlType, Table};
    /// let a = AlterTable::new(&Table::new("t")).add_column(ColumnDef::new("n", SqlType::Integer));
    /// assert_eq!(a.ops().len(), 1);
    /// ```
    pub fn add_column(self, column: ColumnDef) -> Self {
        self.op(AlterOp::AddColumn(column))
    }

    /// `DROP COLUMN name`.
    ///
    /// ```
    /// let a = quarry::AlterTable::new(&quarry::Table::new("t")).drop_column("n");
    /// assert_eq!(a.ops().len(), 1);
    /// ```
    pub fn drop_column(self, name: impl Into<String>) -> Self {
        self.op(AlterOp::DropColumn(name.into()))
    }

    /// `RENAME COLUMN from TO to`.
    ///
    /// ```
    /// let a = quarry::AlterTable::new(&quarry::Table::new("t")).rename_column("a", "b");
    /// assert_eq!(a.ops().len(), 1);
    /// ```
    pub fn rename_column(self, from: impl Into<String>, to: impl Into<String>) -> Self {
        self.op(AlterOp::RenameColumn {
            from: from.into(),
            to: to.into(),
        })
    }

    /// Changes `column`'s type to `to`.
    ///
    /// ```
    /// let a = quarry::AlterTable::new(&quarry::Table::new("t")).alter_type("n", quarry::SqlType::BigInt);
    /// assert_eq!(a.ops().len(), 1);
    /// ```
    pub fn alter_type(self, column: impl Into<String>, to: SqlType) -> Self {
        self.op(AlterOp::AlterType {
            column: column.into(),
            to,
        })
    }

    /// `SET NOT NULL` on `column`.
    ///
    /// ```
    /// let a = quarry::AlterTable::new(&quarry::Table::new("t")).set_not_null("n");
    /// assert_eq!(a.ops().len(), 1);
    /// ```
    pub fn set_not_null(self, column: impl Into<String>) -> Self {
        self.op(AlterOp::SetNullable {
            column: column.into(),
            nullable: false,
        })
    }

    /// `DROP NOT NULL` on `column`.
    ///
    /// ```
    /// let a = quarry::AlterTable::new(&quarry::Table::new("t")).drop_not_null("n");
    /// assert_eq!(a.ops().len(), 1);
    /// ```
    pub fn drop_not_null(self, column: impl Into<String>) -> Self {
        self.op(AlterOp::SetNullable {
            column: column.into(),
            nullable: true,
        })
    }

    /// `SET DEFAULT default` on `column`.
    ///
    /// ```
    /// use quarry::{AlterTable, ServerDefault, Table, Value};
    /// let a = AlterTable::new(&Table::new("t")).set_default("n", ServerDefault::Literal(Value::I64(0)));
    /// assert_eq!(a.ops().len(), 1);
    /// ```
    pub fn set_default(self, column: impl Into<String>, default: ServerDefault) -> Self {
        self.op(AlterOp::SetDefault {
            column: column.into(),
            default: Some(default),
        })
    }

    /// `DROP DEFAULT` on `column`.
    ///
    /// ```
    /// let a = quarry::AlterTable::new(&quarry::Table::new("t")).drop_default("n");
    /// assert_eq!(a.ops().len(), 1);
    /// ```
    pub fn drop_default(self, column: impl Into<String>) -> Self {
        self.op(AlterOp::SetDefault {
            column: column.into(),
            default: None,
        })
    }

    /// `ADD UNIQUE (…)`.
    ///
    /// ```
    /// let a = quarry::AlterTable::new(&quarry::Table::new("t")).add_unique(quarry::Unique::new(["a"]).named("uq_t_a"));
    /// assert_eq!(a.ops().len(), 1);
    /// ```
    pub fn add_unique(self, unique: Unique) -> Self {
        self.op(AlterOp::AddUnique(unique))
    }

    /// `ADD CHECK (…)`.
    ///
    /// ```
    /// let a = quarry::AlterTable::new(&quarry::Table::new("t")).add_check(quarry::Check::new("a > 0").named("ck_t_a"));
    /// assert_eq!(a.ops().len(), 1);
    /// ```
    pub fn add_check(self, check: Check) -> Self {
        self.op(AlterOp::AddCheck(check))
    }

    /// `ADD FOREIGN KEY …`.
    ///
    /// ```
    /// let fk = quarry::ForeignKey::new(["user_id"], "users", ["id"]).named("fk_t_user");
    /// let a = quarry::AlterTable::new(&quarry::Table::new("t")).add_foreign_key(fk);
    /// assert_eq!(a.ops().len(), 1);
    /// ```
    pub fn add_foreign_key(self, fk: ForeignKey) -> Self {
        self.op(AlterOp::AddForeignKey(fk))
    }

    /// Drops the unique, check or foreign key constraint called `name`.
    ///
    /// ```
    /// let a = quarry::AlterTable::new(&quarry::Table::new("t")).drop_constraint("uq_t_a");
    /// assert_eq!(a.ops().len(), 1);
    /// ```
    pub fn drop_constraint(self, name: impl Into<String>) -> Self {
        self.op(AlterOp::DropConstraint(name.into()))
    }

    /// Sets the table's comment (`None` removes it).
    ///
    /// ```
    /// let a = quarry::AlterTable::new(&quarry::Table::new("t")).set_comment(Some("orders"));
    /// assert_eq!(a.ops(), &[quarry::AlterOp::SetComment(Some("orders".into()))]);
    /// ```
    pub fn set_comment(self, comment: Option<&str>) -> Self {
        self.op(AlterOp::SetComment(comment.map(str::to_owned)))
    }

    /// Sets `column`'s comment (`None` removes it).
    ///
    /// ```
    /// let a = quarry::AlterTable::new(&quarry::Table::new("t")).set_column_comment("a", None);
    /// assert_eq!(a.ops().len(), 1);
    /// ```
    pub fn set_column_comment(self, column: impl Into<String>, comment: Option<&str>) -> Self {
        self.op(AlterOp::SetColumnComment {
            column: column.into(),
            comment: comment.map(str::to_owned),
        })
    }
}

impl AlterTable {
    /// The table's definition after the changes, as the database will have it (the changes are
    /// checked against the table: a column named that the table lacks, or a constraint of an
    /// unknown name, is [`crate::Error::InvalidSchema`]).
    ///
    /// What a change brings along follows PostgreSQL: dropping a column drops the unique
    /// constraints, foreign keys and indexes over it, and the checks whose expression names it
    /// (a word match of the SQL text); renaming a column renames it in every constraint, index
    /// and check. A primary-key column cannot be added, dropped or made nullable here. A
    /// foreign key added unnamed is named `fk_<table>_<columns>`, as it is in the database.
    ///
    /// ```
    /// use quarry::{AlterTable, ColumnDef, Index, SqlType, Table};
    /// let t = Table::new("t")
    ///     .column(ColumnDef::new("id", SqlType::BigInt).primary_key())
    ///     .column(ColumnDef::new("a", SqlType::Integer))
    ///     .index(Index::on("ix_t_a", ["a"]));
    /// let after = AlterTable::new(&t).rename_column("a", "b").set_not_null("b").apply().unwrap();
    /// assert!(!after.get_column("b").unwrap().nullable);
    /// assert_eq!(after.indexes[0].columns[0].name, "b");
    /// let err = AlterTable::new(&t).drop_column("nope").apply().unwrap_err();
    /// assert_eq!(err.kind(), quarry::ErrorKind::InvalidSchema);
    /// ```
    pub fn apply(&self) -> Result<Table> {
        let mut t = self.table.clone();
        for op in &self.ops {
            apply_op(&mut t, op)?;
        }
        Ok(t)
    }
}

/// What a named constraint of a table is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum ConstraintKind {
    Unique,
    Check,
    ForeignKey,
}

/// The kind of `t`'s constraint called `name`, if it has one.
pub(crate) fn constraint_kind(t: &Table, name: &str) -> Option<ConstraintKind> {
    let named = |n: &Option<String>| n.as_deref() == Some(name);
    if t.uniques.iter().any(|u| named(&u.name)) {
        Some(ConstraintKind::Unique)
    } else if t.checks.iter().any(|c| named(&c.name)) {
        Some(ConstraintKind::Check)
    } else if t.foreign_keys.iter().any(|f| named(&f.name)) {
        Some(ConstraintKind::ForeignKey)
    } else {
        None
    }
}

fn no_column(t: &Table, name: &str) -> Error {
    Error::invalid_schema(format!("table {} has no column {name:?}", t.full_name()))
}

fn column_mut<'t>(t: &'t mut Table, name: &str) -> Result<&'t mut ColumnDef> {
    if t.get_column(name).is_none() {
        return Err(no_column(t, name));
    }
    t.columns
        .iter_mut()
        .find(|c| c.name == name)
        .ok_or_else(|| Error::invalid_schema(format!("no column {name:?}")))
}

fn columns_exist<'a>(
    t: &Table,
    what: &str,
    cols: impl IntoIterator<Item = &'a String>,
) -> Result<()> {
    for c in cols {
        if t.get_column(c).is_none() {
            return Err(Error::invalid_schema(format!(
                "{what} names column {c:?}, which table {} does not have",
                t.full_name()
            )));
        }
    }
    Ok(())
}

/// `fk`, named `fk_<table>_<columns>` when it has no name (as compiling names it, which also
/// shortens a name past the dialect's identifier limit).
fn named(t: &Table, mut fk: ForeignKey) -> ForeignKey {
    if fk.name.is_none() {
        fk.name = Some(format!("fk_{}_{}", t.name, fk.columns.join("_")));
    }
    fk
}

/// Applies one change to `t` (see [`AlterTable::apply`]).
pub(crate) fn apply_op(t: &mut Table, op: &AlterOp) -> Result<()> {
    match op {
        AlterOp::AddColumn(c) => {
            if t.get_column(&c.name).is_some() {
                return Err(Error::invalid_schema(format!(
                    "table {} already has a column {:?}",
                    t.full_name(),
                    c.name
                )));
            }
            if c.primary_key {
                return Err(Error::invalid_schema(format!(
                    "adding primary-key column {:?} to table {}: ALTER TABLE adds no primary \
                     key here; create the table with it",
                    c.name,
                    t.full_name()
                )));
            }
            let mut c = c.clone();
            if let Some(fk) = c.foreign_key.take() {
                t.foreign_keys.push(named(t, fk));
            }
            t.columns.push(c);
        }
        AlterOp::DropColumn(name) => {
            if t.get_column(name).is_none() {
                return Err(no_column(t, name));
            }
            if t.primary_key_columns().contains(&name.as_str()) {
                return Err(Error::invalid_schema(format!(
                    "column {name:?} of table {} is part of its primary key and cannot be dropped",
                    t.full_name()
                )));
            }
            t.columns.retain(|c| &c.name != name);
            t.uniques.retain(|u| !u.columns.contains(name));
            t.foreign_keys.retain(|f| !f.columns.contains(name));
            t.indexes.retain(|ix| {
                !ix.columns.iter().any(|c| &c.name == name)
                    && !ix.filter.as_deref().is_some_and(|f| mentions(f, name))
            });
            t.checks.retain(|c| !mentions(&c.expr, name));
        }
        AlterOp::RenameColumn { from, to } => {
            if t.get_column(to).is_some() {
                return Err(Error::invalid_schema(format!(
                    "table {} already has a column {to:?}",
                    t.full_name()
                )));
            }
            column_mut(t, from)?.name = to.clone();
            let rename = |s: &mut String| {
                if s == from {
                    *s = to.clone();
                }
            };
            if let Some(pk) = &mut t.primary_key {
                pk.columns.iter_mut().for_each(rename);
            }
            for u in &mut t.uniques {
                u.columns.iter_mut().for_each(rename);
            }
            let (name, schema) = (t.name.clone(), t.schema.clone());
            for f in &mut t.foreign_keys {
                f.columns.iter_mut().for_each(rename);
                if f.ref_table == name && (f.ref_schema.is_none() || f.ref_schema == schema) {
                    f.ref_columns.iter_mut().for_each(rename);
                }
            }
            for ix in &mut t.indexes {
                ix.columns.iter_mut().for_each(|c| rename(&mut c.name));
                if let Some(f) = &mut ix.filter {
                    *f = rename_in(f, from, to);
                }
            }
            for c in &mut t.checks {
                c.expr = rename_in(&c.expr, from, to);
            }
        }
        AlterOp::AlterType { column, to } => column_mut(t, column)?.sql_type = to.clone(),
        AlterOp::SetNullable { column, nullable } => {
            if *nullable && t.primary_key_columns().contains(&column.as_str()) {
                return Err(Error::invalid_schema(format!(
                    "column {column:?} of table {} is part of its primary key and stays NOT NULL",
                    t.full_name()
                )));
            }
            column_mut(t, column)?.nullable = *nullable;
        }
        AlterOp::SetDefault { column, default } => {
            column_mut(t, column)?.server_default = default.clone()
        }
        AlterOp::AddUnique(u) => {
            columns_exist(t, "a unique constraint", &u.columns)?;
            t.uniques.push(u.clone());
        }
        AlterOp::AddCheck(c) => t.checks.push(c.clone()),
        AlterOp::AddForeignKey(f) => {
            columns_exist(t, "a foreign key", &f.columns)?;
            t.foreign_keys.push(named(t, f.clone()));
        }
        AlterOp::DropConstraint(name) => {
            let named = |n: &Option<String>| n.as_deref() == Some(name.as_str());
            match constraint_kind(t, name) {
                Some(ConstraintKind::Unique) => t.uniques.retain(|u| !named(&u.name)),
                Some(ConstraintKind::Check) => t.checks.retain(|c| !named(&c.name)),
                Some(ConstraintKind::ForeignKey) => t.foreign_keys.retain(|f| !named(&f.name)),
                None => {
                    return Err(Error::invalid_schema(format!(
                        "table {} has no unique, check or foreign key constraint named {name:?}",
                        t.full_name()
                    )))
                }
            }
        }
        AlterOp::AddPrimaryKey(pk) => {
            if !t.primary_key_columns().is_empty() {
                return Err(Error::invalid_schema(format!(
                    "table {} already has a primary key; drop it first",
                    t.full_name()
                )));
            }
            columns_exist(t, "a primary key", &pk.columns)?;
            for c in &mut t.columns {
                if pk.columns.contains(&c.name) {
                    c.primary_key = true;
                    c.nullable = false;
                }
            }
            t.primary_key = Some(pk.clone());
        }
        AlterOp::DropPrimaryKey => {
            if t.primary_key_columns().is_empty() {
                return Err(Error::invalid_schema(format!(
                    "table {} has no primary key to drop",
                    t.full_name()
                )));
            }
            // The columns stay NOT NULL, as the databases leave them.
            for c in &mut t.columns {
                c.primary_key = false;
            }
            t.primary_key = None;
        }
        AlterOp::SetAutoincrement {
            column,
            autoincrement,
        } => column_mut(t, column)?.autoincrement = *autoincrement,
        AlterOp::DropUnnamed(c) => {
            let before = (t.uniques.len(), t.checks.len(), t.foreign_keys.len());
            match c {
                Constraint::Unique(u) => {
                    if let Some(i) = t
                        .uniques
                        .iter()
                        .position(|x| x.name.is_none() && x.columns == u.columns)
                    {
                        t.uniques.remove(i);
                    } else if let Some(col) = t
                        .columns
                        .iter_mut()
                        .find(|col| col.unique && u.columns == [col.name.as_str()])
                    {
                        col.unique = false;
                    }
                }
                Constraint::Check(k) => {
                    if let Some(i) = t
                        .checks
                        .iter()
                        .position(|x| x.name.is_none() && x.expr.trim() == k.expr.trim())
                    {
                        t.checks.remove(i);
                    }
                }
                Constraint::ForeignKey(k) => {
                    if let Some(i) = t.foreign_keys.iter().position(|x| {
                        x.name.is_none()
                            && x.columns == k.columns
                            && x.ref_table == k.ref_table
                            && x.ref_columns == k.ref_columns
                    }) {
                        t.foreign_keys.remove(i);
                    }
                }
            }
            let unique_flag_cleared = matches!(c, Constraint::Unique(_));
            if before == (t.uniques.len(), t.checks.len(), t.foreign_keys.len())
                && !unique_flag_cleared
            {
                return Err(Error::invalid_schema(format!(
                    "table {} has no unnamed {c}",
                    t.full_name()
                )));
            }
        }
        AlterOp::SetComment(c) => t.comment = c.clone(),
        AlterOp::SetColumnComment { column, comment } => {
            column_mut(t, column)?.comment = comment.clone()
        }
    }
    Ok(())
}

/// One token of a SQL expression, as far as identifiers matter: `Ident(text, quote)`, where
/// `quote` is the quote character of a quoted identifier.
enum Token<'a> {
    Ident(&'a str, Option<char>),
    Other(&'a str),
}

/// Splits trusted SQL text into identifiers and the rest (string literals are kept whole).
fn tokens(sql: &str) -> Vec<Token<'_>> {
    let mut out = Vec::new();
    let b = sql.as_bytes();
    let mut i = 0;
    let mut other = 0;
    while i < b.len() {
        let c = b[i];
        let word = |c: u8| c.is_ascii_alphanumeric() || c == b'_' || c == b'$' || c >= 0x80;
        let (start, end, tok) = if c == b'\'' || c == b'"' || c == b'`' {
            let mut j = i + 1;
            while j < b.len() {
                if b[j] == c {
                    if b.get(j + 1) == Some(&c) {
                        j += 2;
                        continue;
                    }
                    break;
                }
                j += 1;
            }
            let end = (j + 1).min(b.len());
            if c == b'\'' {
                i = end;
                continue;
            }
            (
                i,
                end,
                Some(Token::Ident(&sql[i + 1..j.min(b.len())], Some(c as char))),
            )
        } else if word(c) && !c.is_ascii_digit() {
            let mut j = i;
            while j < b.len() && word(b[j]) {
                j += 1;
            }
            (i, j, Some(Token::Ident(&sql[i..j], None)))
        } else if c.is_ascii_digit() {
            let mut j = i;
            while j < b.len() && word(b[j]) {
                j += 1;
            }
            i = j;
            continue;
        } else {
            i += 1;
            continue;
        };
        if other < start {
            out.push(Token::Other(&sql[other..start]));
        }
        out.extend(tok);
        i = end;
        other = end;
    }
    if other < b.len() {
        out.push(Token::Other(&sql[other..]));
    }
    out
}

fn is_column(tok: &Token<'_>, column: &str) -> bool {
    match tok {
        Token::Ident(s, None) => s.eq_ignore_ascii_case(column),
        Token::Ident(s, Some(q)) => s.replace(&format!("{q}{q}"), &q.to_string()) == column,
        Token::Other(_) => false,
    }
}

/// Whether the SQL text `expr` names `column` (as an identifier, quoted or not).
pub(crate) fn mentions(expr: &str, column: &str) -> bool {
    tokens(expr).iter().any(|t| is_column(t, column))
}

/// `expr` with every identifier naming `from` replaced by `to` (quoted when `to` is not a plain
/// lower-case name, with the quote the original used, double quotes for a bare one).
fn rename_in(expr: &str, from: &str, to: &str) -> String {
    let plain = to
        .bytes()
        .next()
        .is_some_and(|b| b.is_ascii_lowercase() || b == b'_')
        && to
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
    let mut out = String::with_capacity(expr.len());
    for tok in tokens(expr) {
        match tok {
            t if is_column(&t, from) => {
                let q = match t {
                    Token::Ident(_, Some(q)) => Some(q),
                    _ if plain => None,
                    _ => Some('"'),
                };
                match q {
                    Some(q) => {
                        out.push(q);
                        out.push_str(&to.replace(q, &format!("{q}{q}")));
                        out.push(q);
                    }
                    None => out.push_str(to),
                }
            }
            Token::Ident(s, None) | Token::Other(s) => out.push_str(s),
            Token::Ident(s, Some(q)) => {
                out.push(q);
                out.push_str(s);
                out.push(q);
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mentions_and_renames_identifiers_only() {
        assert!(mentions("a > 0 AND b < 2", "b"));
        assert!(mentions("\"Mixed\" > 0", "Mixed"));
        assert!(!mentions("'b' = c", "b"));
        assert!(!mentions("ab > 0", "b"));
        assert!(!mentions("x > 1b", "b"));
        assert_eq!(
            rename_in("a > 0 AND 'a' <> ab", "a", "z"),
            "z > 0 AND 'a' <> ab"
        );
        assert_eq!(rename_in("\"a\" > 0", "a", "b c"), "\"b c\" > 0");
        assert_eq!(rename_in("a > 0", "a", "B"), "\"B\" > 0");
        assert_eq!(rename_in("A > 'it''s'", "a", "z"), "z > 'it''s'");
    }
}
