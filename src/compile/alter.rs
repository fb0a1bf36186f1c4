//! `ALTER TABLE` per dialect ([`AlterTable::compile`]).
//!
//! Each change becomes its own statement(s), in order, rendered against the table as the
//! changes before it left it ([`crate::stmt::alter::apply_op`]):
//! - PostgreSQL alters in place (`ALTER COLUMN … TYPE … USING`, `SET NOT NULL`, `ADD
//!   CONSTRAINT`, `COMMENT ON`);
//! - MySQL and MariaDB restate the whole column with `MODIFY COLUMN` (type, nullability,
//!   default, comment, `AUTO_INCREMENT`), and drop a constraint by what it is, looked up in the
//!   table: `DROP FOREIGN KEY`, `DROP INDEX` (a unique constraint), `DROP CHECK` (MySQL 8) or
//!   `DROP CONSTRAINT` (MariaDB);
//! - SQLite adds, renames and drops columns in place where it can, and otherwise rebuilds the
//!   table as its documentation describes (<https://www.sqlite.org/lang_altertable.html#otheralter>):
//!   `CREATE TABLE "_quarry_new_t"` in the new shape, `INSERT … SELECT` the rows (renamed columns
//!   mapped, new columns left to their default, values converted by the new column's type
//!   affinity), `DROP TABLE t`, `ALTER TABLE "_quarry_new_t" RENAME TO t`, and the indexes
//!   created again. The statements belong in one transaction with foreign-key enforcement off
//!   around it and `PRAGMA foreign_key_check` before the commit, which `Engine::alter` does.
//!   Triggers and views over the table are not re-created.

use super::ddl::{self, column_definition, constraint_name, foreign_key_clause};
use super::{validate, AlterStyle, CommentStyle, Compiled, Dialect, SqlWriter};
use crate::error::{Error, Result};
use crate::schema::{ColumnDef, ForeignKey, ServerDefault, SqlType, Table};
use crate::stmt::alter::{
    apply_op, constraint_kind, mentions, AlterOp, AlterTable, ConstraintKind,
};
use crate::value::Value;

/// The prefix of the table a SQLite rebuild creates before it takes the table's name.
pub(crate) const REBUILD_PREFIX: &str = "_quarry_new_";

impl AlterTable {
    /// Compiles the changes for `dialect`: the statements to run, in order (see
    /// [`crate::Engine::alter`] to run them, in one transaction where the database allows).
    ///
    /// An unnamed foreign key is named `fk_<table>_<columns>` (as `create_all` names the ones
    /// it adds later), so that it can be dropped. On PostgreSQL an enum type must exist before a
    /// column takes it: these statements do not create it (the type belongs to the schema, not
    /// the table: a schema diff puts `SchemaChange::CreateType` first); `Engine::alter` creates
    /// one that is missing, or create it with [`crate::CreateType`].
    ///
    /// ```
    /// use quarry::{AlterTable, ColumnDef, SqlType, Table};
    /// let t = Table::new("t").column(ColumnDef::new("id", SqlType::BigInt).primary_key());
    /// let a = AlterTable::new(&t).add_column(ColumnDef::new("n", SqlType::Integer));
    /// let sql = |d: &dyn quarry::Dialect| -> Vec<String> {
    ///     a.compile(d).unwrap().into_iter().map(|c| c.sql).collect()
    /// };
    /// assert_eq!(sql(&quarry::Postgres), ["ALTER TABLE t ADD COLUMN n INTEGER"]);
    /// assert_eq!(sql(&quarry::MySql), ["ALTER TABLE t ADD COLUMN n INT"]);
    /// assert_eq!(sql(&quarry::Sqlite), ["ALTER TABLE t ADD COLUMN n INTEGER"]);
    /// ```
    pub fn compile(&self, dialect: &dyn Dialect) -> Result<Vec<Compiled>> {
        let d = dialect;
        let ops = self.named_ops(d);
        let mut after = self.table.clone();
        for op in &ops {
            apply_op(&mut after, op)?;
        }
        validate::table(d, &after)?;
        if d.features().alter == AlterStyle::Rebuild {
            return sqlite(d, &self.table, &ops, &after);
        }
        let mut out = Vec::new();
        let mut cur = self.table.clone();
        for op in &ops {
            let mut next = cur.clone();
            apply_op(&mut next, op)?;
            in_place(d, &cur, &next, op, &mut out)?;
            cur = next;
        }
        Ok(out)
    }

    /// The changes, with unnamed foreign keys named where the dialect can drop them by name.
    fn named_ops(&self, d: &dyn Dialect) -> Vec<AlterOp> {
        if !d.features().alter_add_foreign_key {
            return self.ops.clone();
        }
        let t = &self.table;
        self.ops
            .iter()
            .map(|op| match op {
                AlterOp::AddForeignKey(fk) => AlterOp::AddForeignKey(ddl::named_fk(d, t, fk)),
                AlterOp::AddColumn(c) if c.foreign_key.is_some() => {
                    let mut c = c.clone();
                    c.foreign_key = c.foreign_key.map(|fk| ddl::named_fk(d, t, &fk));
                    AlterOp::AddColumn(c)
                }
                op => op.clone(),
            })
            .collect()
    }
}

/// One statement `ALTER TABLE t <body>`.
fn alter(
    d: &dyn Dialect,
    t: &Table,
    body: impl FnOnce(&mut SqlWriter<'_>) -> Result<()>,
) -> Result<Compiled> {
    ddl::compile(d, |w| {
        w.push("ALTER TABLE ");
        w.push_qualified(t.schema.as_deref(), &t.name);
        w.push_char(' ');
        body(w)
    })
}

fn column<'t>(t: &'t Table, name: &str) -> Result<&'t ColumnDef> {
    t.get_column(name).ok_or_else(|| {
        Error::invalid_schema(format!("table {} has no column {name:?}", t.full_name()))
    })
}

/// A column's definition as in `CREATE TABLE` (never `UNIQUE`, which would add a second
/// unique index to a restated column, nor SQLite's rowid `PRIMARY KEY`).
fn definition(w: &mut SqlWriter<'_>, t: &Table, c: &ColumnDef) -> Result<()> {
    let keyed = w.dialect().features().text_key_varchar.is_some() && validate::in_key(t, &c.name);
    let pk = t.primary_key_columns();
    if c.unique {
        let mut c = c.clone();
        c.unique = false;
        column_definition(w, &c, &pk, false, keyed)
    } else {
        column_definition(w, c, &pk, false, keyed)
    }
}

/// `MODIFY COLUMN` with the column's whole definition in `t` (MySQL family).
fn modify(d: &dyn Dialect, t: &Table, name: &str) -> Result<Compiled> {
    let c = column(t, name)?;
    alter(d, t, |w| {
        w.push("MODIFY COLUMN ");
        definition(w, t, c)
    })
}

/// `COMMENT ON COLUMN t.c IS …` (PostgreSQL).
fn comment_on_column(d: &dyn Dialect, t: &Table, name: &str, c: Option<&str>) -> Result<Compiled> {
    ddl::compile(d, |w| {
        w.push("COMMENT ON COLUMN ");
        w.push_qualified(t.schema.as_deref(), &t.name);
        w.push_char('.');
        w.push_ident(name);
        w.push(" IS ");
        match c {
            Some(c) => w.push_string_literal(c),
            None => w.push("NULL"),
        }
        Ok(())
    })
}

/// Whether PostgreSQL needs `USING col::type` to change a column from `from` to `to`: when no
/// assignment cast exists, which is the case between kinds (a string to a number, a number to
/// a boolean, text to JSON, an enum, a UUID, …); within numbers, within strings, within dates
/// and timestamps, and to a string, the assignment cast converts.
fn needs_using(from: &SqlType, to: &SqlType) -> bool {
    use SqlType::*;
    let kind = |t: &SqlType| match t {
        SmallInt | Integer | BigInt | Real | Double | Numeric { .. } => 1,
        Varchar(_) | Char(_) | Text => 2,
        Date | Timestamp | TimestampTz => 3,
        _ => 0,
    };
    if from == to || kind(to) == 2 {
        return false;
    }
    kind(from) == 0 || kind(from) != kind(to)
}

/// The statements of one change on a dialect that alters in place (PostgreSQL, MySQL family);
/// `cur` is the table before it, `next` after.
fn in_place(
    d: &dyn Dialect,
    cur: &Table,
    next: &Table,
    op: &AlterOp,
    out: &mut Vec<Compiled>,
) -> Result<()> {
    let f = d.features();
    let mysql = f.alter == AlterStyle::ModifyColumn;
    if mysql {
        // A TEXT column a key now covers is VARCHAR(n) there, as CREATE TABLE writes it.
        for c in &next.columns {
            if c.sql_type == SqlType::Text
                && f.text_key_varchar.is_some()
                && validate::in_key(next, &c.name)
                && cur.get_column(&c.name).is_some()
                && !validate::in_key(cur, &c.name)
            {
                out.push(modify(d, next, &c.name)?);
            }
        }
    }
    match op {
        AlterOp::AddColumn(added) => {
            let c = column(next, &added.name)?;
            out.push(alter(d, next, |w| {
                w.push("ADD COLUMN ");
                definition(w, next, c)?;
                if c.unique {
                    w.push(" UNIQUE");
                }
                if let Some(fk) = &added.foreign_key {
                    w.push(", ADD ");
                    foreign_key_clause(w, next, fk)?;
                }
                Ok(())
            })?);
            if f.comments == CommentStyle::Separate {
                if let Some(comment) = &c.comment {
                    out.push(comment_on_column(d, next, &c.name, Some(comment))?);
                }
            }
        }
        AlterOp::DropColumn(name) => {
            if mysql {
                // MySQL refuses to drop a column a foreign key uses, and shrinks the keys and
                // indexes over several columns instead of dropping them: drop them first.
                for fk in cur.foreign_keys.iter().filter(|k| k.columns.contains(name)) {
                    if let Some(n) = &fk.name {
                        out.push(alter(d, cur, |w| drop_named(w, "FOREIGN KEY", n))?);
                    }
                }
                for u in cur.uniques.iter().filter(|u| u.columns.contains(name)) {
                    if let (Some(n), true) = (&u.name, u.columns.len() > 1) {
                        out.push(alter(d, cur, |w| drop_named(w, "INDEX", n))?);
                    }
                }
                for ix in &cur.indexes {
                    if ix.columns.len() > 1 && ix.columns.iter().any(|c| &c.name == name) {
                        out.push(alter(d, cur, |w| drop_named(w, "INDEX", &ix.name))?);
                    }
                }
                for ck in cur.checks.iter().filter(|c| mentions(&c.expr, name)) {
                    if let Some(n) = &ck.name {
                        out.push(alter(d, cur, |w| drop_named(w, f.drop_check_keyword, n))?);
                    }
                }
            }
            out.push(drop_column(d, cur, name)?);
        }
        AlterOp::RenameColumn { from, to } => out.push(rename_column(d, cur, from, to)?),
        AlterOp::AlterType { column: name, .. }
        | AlterOp::SetNullable { column: name, .. }
        | AlterOp::SetColumnComment { column: name, .. }
            if mysql =>
        {
            out.push(modify(d, next, name)?)
        }
        AlterOp::AlterType { column: name, to } => {
            let before = column(cur, name)?;
            let using = needs_using(&before.sql_type, to);
            // A default PostgreSQL cannot cast to the new type would fail the change: it is
            // dropped and set again around it, in the same statement.
            let default = before.server_default.as_ref().filter(|_| using);
            out.push(alter(d, next, |w| {
                if default.is_some() {
                    w.push("ALTER COLUMN ");
                    w.push_ident(name);
                    w.push(" DROP DEFAULT, ");
                }
                w.push("ALTER COLUMN ");
                w.push_ident(name);
                w.push(" TYPE ");
                d.write_type(w, to, None)?;
                if using {
                    w.push(" USING ");
                    w.push_ident(name);
                    w.push("::");
                    d.write_type(w, to, None)?;
                }
                if let Some(v) = default {
                    w.push(", ALTER COLUMN ");
                    w.push_ident(name);
                    w.push(" SET DEFAULT ");
                    ddl::server_default(w, to, v)?;
                }
                Ok(())
            })?);
        }
        AlterOp::SetNullable {
            column: name,
            nullable,
        } => {
            out.push(alter(d, next, |w| {
                w.push("ALTER COLUMN ");
                w.push_ident(name);
                w.push(if *nullable {
                    " DROP NOT NULL"
                } else {
                    " SET NOT NULL"
                });
                Ok(())
            })?);
        }
        AlterOp::SetDefault {
            column: name,
            default,
        } => {
            let c = column(next, name)?;
            out.push(alter(d, next, |w| {
                w.push("ALTER COLUMN ");
                w.push_ident(name);
                match default {
                    Some(v) => {
                        w.push(" SET DEFAULT ");
                        ddl::server_default(w, &c.sql_type, v)
                    }
                    None => {
                        w.push(" DROP DEFAULT");
                        Ok(())
                    }
                }
            })?);
        }
        AlterOp::AddUnique(u) => out.push(alter(d, next, |w| {
            w.push("ADD ");
            constraint_name(w, u.name.as_deref());
            w.push("UNIQUE (");
            w.push_ident_list(u.columns.iter().map(String::as_str));
            w.push_char(')');
            Ok(())
        })?),
        AlterOp::AddCheck(ck) => out.push(alter(d, next, |w| {
            w.push("ADD ");
            constraint_name(w, ck.name.as_deref());
            w.push("CHECK (");
            w.push(&ck.expr);
            w.push_char(')');
            Ok(())
        })?),
        AlterOp::AddForeignKey(fk) => out.push(alter(d, next, |w| {
            w.push("ADD ");
            foreign_key_clause(w, next, fk)
        })?),
        AlterOp::DropConstraint(name) => {
            let keyword = match (mysql, constraint_kind(cur, name)) {
                (false, _) => "CONSTRAINT",
                (true, Some(ConstraintKind::ForeignKey)) => "FOREIGN KEY",
                (true, Some(ConstraintKind::Unique)) => "INDEX",
                (true, Some(ConstraintKind::Check)) => f.drop_check_keyword,
                (true, None) => {
                    return Err(Error::invalid_schema(format!(
                        "table {} has no unique, check or foreign key constraint named {name:?}",
                        cur.full_name()
                    )))
                }
            };
            out.push(alter(d, cur, |w| drop_named(w, keyword, name))?);
            // The MySQL family creates an index named after a foreign key that finds none to
            // use, and keeps it when the key goes: it goes too, where the dialect can say
            // "if it exists" (MariaDB; on MySQL 8 it stays, and a schema diff drops it next).
            if keyword == "FOREIGN KEY"
                && cur.indexes.iter().all(|ix| &ix.name != name)
                && f.index_if_exists
            {
                out.push(ddl::compile(d, |w| {
                    ddl::drop_index(w, cur, &crate::schema::Index::new(name.clone()), true)
                })?);
            }
        }
        AlterOp::DropUnnamed(c) => {
            return Err(Error::invalid_schema(format!(
                "{} names every constraint: drop the {c} of table {} by its name",
                d.name(),
                cur.full_name()
            )))
        }
        AlterOp::AddPrimaryKey(pk) => out.push(alter(d, next, |w| {
            w.push("ADD ");
            if !mysql {
                constraint_name(w, pk.name.as_deref());
            }
            w.push("PRIMARY KEY (");
            w.push_ident_list(pk.columns.iter().map(String::as_str));
            w.push_char(')');
            Ok(())
        })?),
        AlterOp::DropPrimaryKey if mysql => {
            out.push(alter(d, cur, |w| {
                w.push("DROP PRIMARY KEY");
                Ok(())
            })?);
        }
        AlterOp::DropPrimaryKey => {
            // PostgreSQL's own name for an unnamed primary key.
            let name = cur
                .primary_key
                .as_ref()
                .and_then(|pk| pk.name.clone())
                .unwrap_or_else(|| ddl::shorten(d, &format!("{}_pkey", cur.name)));
            out.push(alter(d, cur, |w| drop_named(w, "CONSTRAINT", &name))?);
        }
        AlterOp::SetAutoincrement { column: name, .. } if mysql => out.push(modify(d, next, name)?),
        AlterOp::SetAutoincrement {
            column: name,
            autoincrement,
        } => out.push(alter(d, next, |w| {
            w.push("ALTER COLUMN ");
            w.push_ident(name);
            w.push(if *autoincrement {
                " ADD GENERATED BY DEFAULT AS IDENTITY"
            } else {
                " DROP IDENTITY IF EXISTS"
            });
            Ok(())
        })?),
        AlterOp::SetComment(c) => match f.comments {
            CommentStyle::Separate => out.push(ddl::compile(d, |w| {
                w.push("COMMENT ON TABLE ");
                w.push_qualified(next.schema.as_deref(), &next.name);
                w.push(" IS ");
                match c {
                    Some(c) => w.push_string_literal(c),
                    None => w.push("NULL"),
                }
                Ok(())
            })?),
            CommentStyle::Inline => out.push(alter(d, next, |w| {
                w.push("COMMENT = ");
                w.push_string_literal(c.as_deref().unwrap_or(""));
                Ok(())
            })?),
            CommentStyle::Ignored => {}
        },
        AlterOp::SetColumnComment {
            column: name,
            comment,
        } => {
            if f.comments == CommentStyle::Separate {
                out.push(comment_on_column(d, next, name, comment.as_deref())?);
            }
        }
    }
    Ok(())
}

/// `ALTER TABLE t DROP COLUMN name`.
fn drop_column(d: &dyn Dialect, t: &Table, name: &str) -> Result<Compiled> {
    alter(d, t, |w| {
        w.push("DROP COLUMN ");
        w.push_ident(name);
        Ok(())
    })
}

/// `ALTER TABLE t RENAME COLUMN from TO to`.
fn rename_column(d: &dyn Dialect, t: &Table, from: &str, to: &str) -> Result<Compiled> {
    alter(d, t, |w| {
        w.push("RENAME COLUMN ");
        w.push_ident(from);
        w.push(" TO ");
        w.push_ident(to);
        Ok(())
    })
}

/// `DROP <keyword> name`.
fn drop_named(w: &mut SqlWriter<'_>, keyword: &str, name: &str) -> Result<()> {
    w.push("DROP ");
    w.push(keyword);
    w.push_char(' ');
    w.push_ident(name);
    Ok(())
}

/// SQLite: every change in place when each one can be, else one rebuild for them all.
fn sqlite(
    d: &dyn Dialect,
    before: &Table,
    ops: &[AlterOp],
    after: &Table,
) -> Result<Vec<Compiled>> {
    let mut out = Vec::new();
    let mut cur = before.clone();
    for op in ops {
        let mut next = cur.clone();
        apply_op(&mut next, op)?;
        if !sqlite_in_place(d, &cur, &next, op, &mut out)? {
            return rebuild(d, before, ops, after);
        }
        cur = next;
    }
    Ok(out)
}

/// Whether a default lets SQLite's `ADD COLUMN` fill existing rows: none or a constant.
fn constant_default(c: &ColumnDef) -> bool {
    matches!(c.server_default, None | Some(ServerDefault::Literal(_)))
}

fn null_default(c: &ColumnDef) -> bool {
    matches!(
        c.server_default,
        None | Some(ServerDefault::Literal(Value::Null(_)))
    )
}

/// Writes SQLite's in-place statement for `op` and returns `true`, or returns `false` when
/// the change needs a rebuild.
fn sqlite_in_place(
    d: &dyn Dialect,
    cur: &Table,
    next: &Table,
    op: &AlterOp,
    out: &mut Vec<Compiled>,
) -> Result<bool> {
    match op {
        AlterOp::AddColumn(added) => {
            let c = column(next, &added.name)?;
            // SQLite's rules for ADD COLUMN: no PRIMARY KEY or UNIQUE, a constant default,
            // NOT NULL only with a non-NULL default, REFERENCES only with a NULL default.
            let fk = added.foreign_key.as_ref();
            if c.unique
                || c.autoincrement
                || !constant_default(c)
                || (!c.nullable && null_default(c))
                || (fk.is_some() && !null_default(c))
            {
                return Ok(false);
            }
            out.push(alter(d, next, |w| {
                w.push("ADD COLUMN ");
                definition(w, next, c)?;
                if let Some(fk) = fk {
                    inline_references(w, next, fk)?;
                }
                Ok(())
            })?);
        }
        AlterOp::DropColumn(name) => {
            // In place only when nothing else uses the column (SQLite refuses otherwise).
            let used = cur.columns.iter().any(|c| c.unique && &c.name == name)
                || cur.uniques.iter().any(|u| u.columns.contains(name))
                || cur.foreign_keys.iter().any(|f| f.columns.contains(name))
                || cur.indexes.iter().any(|ix| {
                    ix.columns.iter().any(|c| &c.name == name)
                        || ix.filter.as_deref().is_some_and(|f| mentions(f, name))
                })
                || cur.checks.iter().any(|c| mentions(&c.expr, name));
            if used {
                return Ok(false);
            }
            out.push(drop_column(d, cur, name)?);
        }
        AlterOp::RenameColumn { from, to } => out.push(rename_column(d, cur, from, to)?),
        // SQLite keeps no comments.
        AlterOp::SetComment(_) | AlterOp::SetColumnComment { .. } => {}
        _ => return Ok(false),
    }
    Ok(true)
}

/// ` [CONSTRAINT n] REFERENCES t (c) [ON DELETE …] [ON UPDATE …]`, a column's foreign key.
fn inline_references(w: &mut SqlWriter<'_>, t: &Table, fk: &ForeignKey) -> Result<()> {
    w.push_char(' ');
    constraint_name(w, fk.name.as_deref());
    w.push("REFERENCES ");
    w.push_qualified(
        fk.ref_schema.as_deref().or(t.schema.as_deref()),
        &fk.ref_table,
    );
    w.push(" (");
    w.push_ident_list(fk.ref_columns.iter().map(String::as_str));
    w.push_char(')');
    ddl::fk_action(w, "ON DELETE", fk.on_delete)?;
    ddl::fk_action(w, "ON UPDATE", fk.on_update)
}

/// SQLite's table rebuild into `after`'s shape.
fn rebuild(
    d: &dyn Dialect,
    before: &Table,
    ops: &[AlterOp],
    after: &Table,
) -> Result<Vec<Compiled>> {
    // Where each column of the new shape comes from: the old column's name, or none (new).
    let mut origin: Vec<(String, Option<String>)> = before
        .columns
        .iter()
        .map(|c| (c.name.clone(), Some(c.name.clone())))
        .collect();
    for op in ops {
        match op {
            AlterOp::AddColumn(c) => origin.push((c.name.clone(), None)),
            AlterOp::DropColumn(n) => origin.retain(|(now, _)| now != n),
            AlterOp::RenameColumn { from, to } => {
                for (now, _) in origin.iter_mut().filter(|(now, _)| now == from) {
                    *now = to.clone();
                }
            }
            _ => {}
        }
    }
    let copied: Vec<(&str, &str)> = origin
        .iter()
        .filter_map(|(now, old)| old.as_deref().map(|o| (now.as_str(), o)))
        .collect();
    if copied.is_empty() {
        return Err(Error::invalid_schema(format!(
            "rebuilding table {} would keep none of its columns, so none of its rows",
            before.full_name()
        )));
    }
    let mut new = after.clone();
    new.name = format!("{REBUILD_PREFIX}{}", after.name);
    let schema = after.schema.as_deref();
    let opts = ddl::CreateTableOptions {
        if_not_exists: false,
        skip_foreign_keys: &[],
    };
    let mut out = vec![ddl::compile(d, |w| ddl::create_table(w, &new, &opts))?];
    out.push(ddl::compile(d, |w| {
        w.push("INSERT INTO ");
        w.push_qualified(schema, &new.name);
        w.push(" (");
        w.push_ident_list(copied.iter().map(|(now, _)| *now));
        w.push(") SELECT ");
        w.push_ident_list(copied.iter().map(|(_, old)| *old));
        w.push(" FROM ");
        w.push_qualified(before.schema.as_deref(), &before.name);
        Ok(())
    })?);
    out.push(ddl::compile(d, |w| {
        ddl::drop_table(w, before, false, false)
    })?);
    out.push(ddl::compile(d, |w| {
        w.push("ALTER TABLE ");
        w.push_qualified(schema, &new.name);
        w.push(" RENAME TO ");
        w.push_ident(&after.name);
        Ok(())
    })?);
    for ix in &after.indexes {
        out.push(ddl::compile(d, |w| ddl::create_index(w, after, ix, false))?);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn using_only_between_kinds() {
        assert!(!needs_using(&SqlType::Integer, &SqlType::BigInt));
        assert!(!needs_using(&SqlType::BigInt, &SqlType::Text));
        assert!(!needs_using(&SqlType::Varchar(3), &SqlType::Text));
        assert!(!needs_using(&SqlType::Date, &SqlType::Timestamp));
        assert!(needs_using(&SqlType::Text, &SqlType::BigInt));
        assert!(needs_using(&SqlType::Integer, &SqlType::Boolean));
        assert!(needs_using(&SqlType::Text, &SqlType::Json));
        assert!(needs_using(
            &SqlType::Text,
            &SqlType::enumeration("e", ["a"])
        ));
    }
}
