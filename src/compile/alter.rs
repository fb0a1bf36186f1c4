//! PLACEHOLDER: `ALTER TABLE` compilation is written on the `alter` branch; this stub only lets
//! the schema diff (`compile/change.rs`) build until that branch is merged, which replaces the
//! whole file.

use super::{Compiled, Dialect};
use crate::error::{Error, Result};
use crate::stmt::AlterTable;

impl AlterTable {
    /// The statements that apply these changes, in order (placeholder: not implemented yet).
    ///
    /// ```
    /// let a = quarry::AlterTable::new(&quarry::Table::new("t")).drop_column("x");
    /// assert!(a.compile(&quarry::Postgres).is_err());
    /// ```
    pub fn compile(&self, dialect: &dyn Dialect) -> Result<Vec<Compiled>> {
        Err(Error::unsupported(
            dialect.name(),
            "ALTER TABLE (placeholder until the alter branch is merged)",
        ))
    }
}
