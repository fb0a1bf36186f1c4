//! `ALTER TABLE`: changes to one existing table, as plain data.
//!
//! An [`AlterTable`] starts from the table's current definition (a declared [`Table`] or one
//! reflected with `Engine::reflect`), because some dialects need it: MySQL's `MODIFY COLUMN`
//! restates the whole column, and SQLite, which alters little in place, rebuilds the table
//! (create the new shape, copy the rows, drop the old, rename, re-create the indexes, check the
//! foreign keys), as Alembic's batch mode does. Compiling yields the statements in order.

use crate::schema::{
    Check, ColumnDef, ForeignKey, PrimaryKey, ServerDefault, SqlType, Table, Unique,
};

/// One change of an [`AlterTable`].
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

/// `ALTER TABLE …`: changes to one table, compiled per dialect into one or more statements.
///
/// Build it from the table's current definition, then add changes:
///
/// ```
/// use quarry::{AlterTable, ColumnDef, SqlType, Table};
/// let users = Table::new("users").column(ColumnDef::new("id", SqlType::BigInt).primary_key());
/// let alter = AlterTable::new(&users)
///     .add_column(ColumnDef::new("email", SqlType::Varchar(200)))
///     .rename_column("id", "user_id");
/// assert_eq!(alter.ops().len(), 2);
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
}
