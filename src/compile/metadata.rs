//! DDL for whole schemas: [`MetaData`] in dependency order and [`SqlType`] on its own.
//!
//! Metadata is data; what it renders to is the compiler's business, so these methods are
//! written here.

use super::{ddl, validate, Compiled, Dialect, EnumStyle, SqlWriter};
use crate::error::Result;
use crate::schema::{MetaData, SqlType};

/// What a step of a DDL plan acts on (used by the executor's check-first mode).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum StepOwner {
    /// A PostgreSQL enum type (schema, name).
    Type(Option<String>, String),
    /// A table, by index into [`MetaData::tables`].
    Table(usize),
}

/// One statement of a DDL plan.
#[derive(Clone, Debug)]
pub(crate) struct DdlStep {
    pub(crate) owner: StepOwner,
    pub(crate) compiled: Compiled,
}

impl MetaData {
    /// The DDL that creates every enum type, table, index, comment and deferred foreign key, in
    /// dependency order, for `dialect`. The metadata is validated first.
    ///
    /// ```
    /// use quarry::{MetaData, Table, ColumnDef, SqlType, Sqlite};
    /// let md = MetaData::new().with(Table::new("t").column(ColumnDef::new("id", SqlType::BigInt).primary_key()));
    /// let sql: Vec<_> = md.create_all_ddl(&Sqlite).unwrap().into_iter().map(|c| c.sql).collect();
    /// assert_eq!(sql, ["CREATE TABLE t (\n  id BIGINT NOT NULL,\n  PRIMARY KEY (id)\n)"]);
    /// ```
    pub fn create_all_ddl(&self, dialect: &dyn Dialect) -> Result<Vec<Compiled>> {
        Ok(self
            .plan_create(dialect, false)?
            .into_iter()
            .map(|s| s.compiled)
            .collect())
    }

    /// The DDL that drops everything [`MetaData::create_all_ddl`] creates, in reverse order.
    ///
    /// ```
    /// use quarry::{MetaData, Table, ColumnDef, SqlType, MySql};
    /// let md = MetaData::new().with(Table::new("t").column(ColumnDef::new("id", SqlType::BigInt).primary_key()));
    /// assert_eq!(md.drop_all_ddl(&MySql).unwrap()[0].sql, "DROP TABLE t");
    /// ```
    pub fn drop_all_ddl(&self, dialect: &dyn Dialect) -> Result<Vec<Compiled>> {
        Ok(self
            .plan_drop(dialect, false)?
            .into_iter()
            .map(|s| s.compiled)
            .collect())
    }

    pub(crate) fn plan_create(
        &self,
        dialect: &dyn Dialect,
        checkfirst: bool,
    ) -> Result<Vec<DdlStep>> {
        validate::metadata(dialect, self)?;
        let order = self.order();
        let defer = dialect.features().alter_add_foreign_key;
        let mut steps = Vec::new();
        if dialect.features().enum_style == EnumStyle::NamedType {
            for e in self.enum_types() {
                steps.push(DdlStep {
                    owner: StepOwner::Type(e.schema.clone(), e.name.clone()),
                    compiled: ddl::compile(dialect, |w| ddl::create_enum(w, e))?,
                });
            }
        }
        for &i in &order.tables {
            let t = &self.tables()[i];
            let skip: Vec<usize> = if defer {
                order
                    .cyclic
                    .iter()
                    .filter(|c| c.0 == i)
                    .map(|c| c.1)
                    .collect()
            } else {
                Vec::new()
            };
            let owner = StepOwner::Table(i);
            let opts = ddl::CreateTableOptions {
                if_not_exists: checkfirst,
                skip_foreign_keys: &skip,
            };
            steps.push(DdlStep {
                owner: owner.clone(),
                compiled: ddl::compile(dialect, |w| ddl::create_table(w, t, &opts))?,
            });
            for ix in &t.indexes {
                steps.push(DdlStep {
                    owner: owner.clone(),
                    compiled: ddl::compile(dialect, |w| ddl::create_index(w, t, ix, false))?,
                });
            }
            for c in ddl::comment_statements(dialect, t)? {
                steps.push(DdlStep {
                    owner: owner.clone(),
                    compiled: c,
                });
            }
        }
        if defer {
            for &(i, j) in &order.cyclic {
                let t = &self.tables()[i];
                let fk = ddl::named_fk(dialect, t, &t.foreign_keys[j]);
                steps.push(DdlStep {
                    owner: StepOwner::Table(i),
                    compiled: ddl::compile(dialect, |w| ddl::add_foreign_key(w, t, &fk))?,
                });
            }
        }
        Ok(steps)
    }

    pub(crate) fn plan_drop(&self, dialect: &dyn Dialect, if_exists: bool) -> Result<Vec<DdlStep>> {
        validate::metadata(dialect, self)?;
        let order = self.order();
        let mut steps = Vec::new();
        if dialect.features().alter_add_foreign_key {
            for &(i, j) in &order.cyclic {
                let t = &self.tables()[i];
                let fk = ddl::named_fk(dialect, t, &t.foreign_keys[j]);
                steps.push(DdlStep {
                    owner: StepOwner::Table(i),
                    compiled: ddl::compile(dialect, |w| ddl::drop_foreign_key(w, t, &fk))?,
                });
            }
        }
        for &i in order.tables.iter().rev() {
            let t = &self.tables()[i];
            steps.push(DdlStep {
                owner: StepOwner::Table(i),
                compiled: ddl::compile(dialect, |w| ddl::drop_table(w, t, if_exists, false))?,
            });
        }
        if dialect.features().enum_style == EnumStyle::NamedType {
            for e in self.enum_types().into_iter().rev() {
                steps.push(DdlStep {
                    owner: StepOwner::Type(e.schema.clone(), e.name.clone()),
                    compiled: ddl::compile(dialect, |w| ddl::drop_enum(w, e, if_exists))?,
                });
            }
        }
        Ok(steps)
    }
}

impl SqlType {
    /// Renders the type for `dialect`, as in a column definition.
    ///
    /// ```
    /// assert_eq!(quarry::SqlType::Varchar(20).render(&quarry::MySql).unwrap(), "VARCHAR(20)");
    /// ```
    pub fn render(&self, dialect: &dyn Dialect) -> Result<String> {
        let mut w = SqlWriter::new(dialect);
        dialect.write_type(&mut w, self, None)?;
        Ok(w.finish().sql)
    }
}
