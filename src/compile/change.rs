//! A [`SchemaChange`] as DDL for one dialect.

use super::dialect::EnumStyle;
use super::{ddl, validate, Compiled, Dialect};
use crate::error::{Error, Result};
use crate::schema::EnumType;
use crate::stmt::diff::SchemaChange;

impl SchemaChange {
    /// The statements that make this change on `dialect`, in order.
    ///
    /// `CreateTable` comes with the table's indexes and, where comments are separate
    /// statements, its comments. Enum types are statements of their own on PostgreSQL only;
    /// elsewhere an enum is a column type, so its changes come with the columns' and these
    /// render to nothing.
    ///
    /// ```
    /// use quarry::migrate::SchemaChange;
    /// use quarry::{MySql, Postgres, Sqlite, Table};
    /// let c = SchemaChange::RenameTable { table: Table::new("users"), to: "people".into() };
    /// assert_eq!(c.statements(&Postgres).unwrap()[0].sql, "ALTER TABLE users RENAME TO people");
    /// assert_eq!(c.statements(&MySql).unwrap()[0].sql, "ALTER TABLE users RENAME TO people");
    /// assert_eq!(c.statements(&Sqlite).unwrap()[0].sql, "ALTER TABLE users RENAME TO people");
    /// ```
    pub fn statements(&self, dialect: &dyn Dialect) -> Result<Vec<Compiled>> {
        let d = dialect;
        let named_enums = d.features().enum_style == EnumStyle::NamedType;
        Ok(match self {
            SchemaChange::CreateType(e) if named_enums => {
                vec![ddl::compile(d, |w| ddl::create_enum(w, e))?]
            }
            SchemaChange::AlterEnum { from, to } if named_enums => add_enum_values(d, from, to)?,
            SchemaChange::DropType(e) if named_enums => {
                vec![ddl::compile(d, |w| ddl::drop_enum(w, e, false))?]
            }
            SchemaChange::CreateType(_)
            | SchemaChange::AlterEnum { .. }
            | SchemaChange::DropType(_) => Vec::new(),
            SchemaChange::CreateTable(t) => {
                let opts = ddl::CreateTableOptions {
                    if_not_exists: false,
                    skip_foreign_keys: &[],
                };
                let mut out = vec![ddl::compile(d, |w| ddl::create_table(w, t, &opts))?];
                for ix in &t.indexes {
                    out.push(ddl::compile(d, |w| ddl::create_index(w, t, ix, false))?);
                }
                out.extend(ddl::comment_statements(d, t)?);
                out
            }
            SchemaChange::Alter(a) => a.compile(d)?,
            SchemaChange::CreateIndex { table, index } => {
                vec![ddl::compile(d, |w| {
                    ddl::create_index(w, table, index, false)
                })?]
            }
            SchemaChange::DropIndex { table, index } => {
                vec![ddl::compile(d, |w| {
                    ddl::drop_index(w, table, index, false)
                })?]
            }
            SchemaChange::RenameTable { table, to } => {
                validate::name(d, "table", &table.name)?;
                validate::name(d, "table", to)?;
                vec![ddl::compile(d, |w| {
                    w.push("ALTER TABLE ");
                    w.push_qualified(table.schema.as_deref(), &table.name);
                    w.push(" RENAME TO ");
                    // The MySQL family (the dialects whose DROP INDEX names the table) puts an
                    // unqualified new name in the current database; PostgreSQL and SQLite keep
                    // the table's schema and refuse a qualified name.
                    if d.features().drop_index_on_table {
                        w.push_qualified(table.schema.as_deref(), to);
                    } else {
                        w.push_ident(to);
                    }
                    Ok(())
                })?]
            }
            SchemaChange::DropTable(t) => {
                vec![ddl::compile(d, |w| ddl::drop_table(w, t, false, false))?]
            }
        })
    }
}

/// `ALTER TYPE … ADD VALUE …` for each value of `to` not in `from`, placed where `to` has it.
/// The values of `from` must all stay, in their order: PostgreSQL cannot remove or reorder
/// enum values in place.
fn add_enum_values(d: &dyn Dialect, from: &EnumType, to: &EnumType) -> Result<Vec<Compiled>> {
    let kept: Vec<&String> = to
        .values
        .iter()
        .filter(|v| from.values.contains(v))
        .collect();
    if kept.len() != from.values.len() || kept.iter().zip(&from.values).any(|(a, b)| *a != b) {
        return Err(Error::unsupported(
            d.name(),
            format!(
                "removing or reordering values of enum type {} (create a new type instead)",
                to.name
            ),
        ));
    }
    let mut out = Vec::new();
    for (k, v) in to.values.iter().enumerate() {
        if from.values.contains(v) {
            continue;
        }
        out.push(ddl::compile(d, |w| {
            w.push("ALTER TYPE ");
            w.push_qualified(to.schema.as_deref(), &to.name);
            w.push(" ADD VALUE ");
            w.push_string_literal(v);
            let appended = to.values[k..].iter().all(|v| !from.values.contains(v));
            if appended {
                // At the end: no position needed.
            } else if let Some(prev) = k.checked_sub(1).map(|p| &to.values[p]) {
                w.push(" AFTER ");
                w.push_string_literal(prev);
            } else if let Some(next) = kept.first() {
                w.push(" BEFORE ");
                w.push_string_literal(next);
            }
            Ok(())
        })?);
    }
    Ok(out)
}
