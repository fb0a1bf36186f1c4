//! Schema metadata: tables, columns, types, constraints and indexes.
//!
//! Metadata is plain data. It renders to DDL for any dialect ([`crate::MetaData::create_all_ddl`]) and is
//! created on a database with [`crate::Engine::create_all`].

pub(crate) mod column;
pub(crate) mod constraint;
pub(crate) mod index;
pub(crate) mod metadata;
pub(crate) mod table;
pub(crate) mod typed;
pub(crate) mod types;

pub use column::{ColumnDef, ServerDefault};
pub use constraint::{Check, FkAction, ForeignKey, PrimaryKey, Unique};
pub use index::{Index, IndexColumn};
pub use metadata::MetaData;
pub use table::Table;
pub use typed::{SqlTyped, TableDef};
pub use types::{EnumType, SqlType};
