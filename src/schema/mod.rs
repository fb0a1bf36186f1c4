//! Schema metadata: tables, columns, types, constraints and indexes.
//!
//! Metadata is plain data. It renders to DDL for any dialect through [`crate::compile`] and is
//! created on a database with [`crate::Engine::create_all`].

pub mod column;
pub mod constraint;
pub mod index;
pub mod metadata;
pub mod table;
pub mod typed;
pub mod types;

pub use column::{ColumnDef, ServerDefault};
pub use constraint::{Check, FkAction, ForeignKey, PrimaryKey, Unique};
pub use index::{Index, IndexColumn};
pub use metadata::MetaData;
pub use table::Table;
pub use typed::{SqlTyped, TableDef};
pub use types::{EnumType, SqlType};
