//! Schema differences: what turns one [`MetaData`] into another, as a list of changes.
//!
//! [`diff`] compares two schemas; [`Diff`] does the same with renames the caller names
//! ([`Diff::rename_table`], [`Diff::rename_column`]). Renames are never guessed: without a hint,
//! a table or column missing from the new schema is dropped and a new one created.
//!
//! # What is compared
//! - tables, matched by schema and name;
//! - columns, by name: type, nullability, server default, auto-increment and comment (the
//!   client-side [`ColumnDef::default`] is not schema). Server defaults are equal when they are
//!   the same integer whatever its width or spelling (`Literal(7)`, `Expression("7")`), or
//!   expressions equal up to whitespace and enclosing parentheses. New columns are appended; a
//!   different column order is not a change, and nothing is reordered;
//! - the primary key, unique constraints, check constraints and foreign keys, each taken as the
//!   table's effective set: a column's `primary_key`, `unique` and `foreign_key` shorthand counts
//!   as the table-level constraint it stands for, and a primary-key column is NOT NULL whatever
//!   its `nullable` says, so equivalent declarations compare equal. Constraints of the same name
//!   are matched by name; an unnamed one matches a constraint with the same content (columns,
//!   check text with whitespace and enclosing parentheses normalised, foreign-key target and
//!   actions, an absent action being `NO ACTION`). A changed constraint is dropped and added;
//! - indexes, by name (a changed index is dropped and created again);
//! - table comments, and enum types (PostgreSQL's named enums, gathered from the columns'
//!   [`SqlType::Enum`]s, matched by schema and name).
//!
//! # Order
//! The changes come in an order the database accepts:
//! 1. enum types created, then enum types given new values;
//! 2. foreign keys that go away or change are dropped, before what they use: so are those
//!    whose referenced primary key or unique constraint is dropped, or whose columns or
//!    referenced columns change type (they come back in step 8; MySQL refuses to change the type
//!    of a column in a foreign key), and those in a cycle of tables being dropped (named ones:
//!    an unnamed one, as SQLite reports them, goes with its table);
//! 3. tables dropped, in reverse foreign-key order (nothing that stays references them now,
//!    and they take their own foreign keys with them);
//! 4. per table: indexes that go away or change are dropped (before their columns), then the
//!    table is renamed (renames come before any other change of the table);
//! 5. per table, one [`SchemaChange::Alter`]: column renames, constraint drops, column drops,
//!    column additions, column changes, then new primary key, unique and check constraints and
//!    the comment;
//! 6. new tables, in foreign-key order (a table after the tables it references: those existing
//!    already have their new columns and keys); foreign keys within a cycle of new tables are
//!    left out of `CREATE TABLE` and added in step 8;
//! 7. new and changed indexes of existing tables;
//! 8. foreign keys added;
//! 9. enum types dropped.
//!
//! Where the order is free, tables come sorted by (schema, name), so the result does not depend
//! on the order of the tables in either [`MetaData`]; the diff of equal schemas is empty.
//!
//! A constraint is dropped by its name; an unnamed one of the old schema by its content
//! ([`AlterOp::DropUnnamed`]), which SQLite (keeping no names) does by rebuilding the table.
//! The other databases name every constraint: compare against a reflected schema there (where
//! every constraint has the name the database gave it), or name constraints when declaring
//! them; an unnamed drop is an [`Error::InvalidSchema`] when rendered for them.
//!
//! ```
//! use quarry::migrate::{diff, format_plan};
//! use quarry::{ColumnDef, MetaData, SqlType, Table};
//! let v1 = MetaData::new()
//!     .with(Table::new("orders").column(ColumnDef::new("id", SqlType::BigInt).primary_key()))
//!     .with(Table::new("legacy").column(ColumnDef::new("id", SqlType::BigInt)));
//! let v2 = MetaData::new().with(
//!     Table::new("orders")
//!         .column(ColumnDef::new("id", SqlType::BigInt).primary_key())
//!         .column(ColumnDef::new("note", SqlType::Varchar(200))),
//! );
//! let changes = diff(&v1, &v2).unwrap();
//! assert_eq!(format_plan(&changes), "\
//! 1. drop table legacy  [DATA LOSS: drops table legacy and its rows]
//! 2. add column orders.note VARCHAR(200) NULL
//! ");
//! ```

use std::collections::{BTreeMap, HashMap, HashSet};
use std::fmt;

use super::alter::{AlterOp, AlterTable, Constraint};
use crate::error::{Error, Result};
use crate::schema::{
    ColumnDef, EnumType, FkAction, ForeignKey, Index, MetaData, PrimaryKey, ServerDefault, SqlType,
    Table, Unique,
};
use crate::value::Value;

/// One step of a schema change, in the order [`diff`] puts them.
///
/// Render it for a dialect with `statements(&dialect)`; describe it with `Display`; ask whether
/// it loses data with [`SchemaChange::destructive`].
///
/// ```
/// use quarry::migrate::SchemaChange;
/// let drop = SchemaChange::DropTable(quarry::Table::new("legacy"));
/// assert_eq!(drop.to_string(), "drop table legacy");
/// assert!(drop.destructive().is_some());
/// ```
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub enum SchemaChange {
    /// `CREATE TYPE` (PostgreSQL enums; nothing elsewhere, where enums are column types).
    CreateType(EnumType),
    /// New values of an enum type (`ALTER TYPE … ADD VALUE` on PostgreSQL; nothing elsewhere,
    /// where the columns using it change type). Removing or reordering values cannot be done in
    /// place and fails to render on PostgreSQL.
    AlterEnum {
        /// The type as it is.
        from: EnumType,
        /// The type as it becomes.
        to: EnumType,
    },
    /// `CREATE TABLE` with its indexes and comments; foreign keys in a cycle of new tables come
    /// as a separate [`SchemaChange::Alter`].
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
///
/// Fails only when an unnamed constraint of `from` has to be dropped (see the module docs).
///
/// ```
/// use quarry::migrate::{diff, SchemaChange};
/// use quarry::{ColumnDef, MetaData, SqlType, Table};
/// let empty = MetaData::new();
/// let v1 = MetaData::new().with(Table::new("t").column(ColumnDef::new("id", SqlType::BigInt)));
/// let changes = diff(&empty, &v1).unwrap();
/// assert!(matches!(&changes[..], [SchemaChange::CreateTable(t)] if t.name == "t"));
/// assert!(diff(&v1, &v1).unwrap().is_empty());
/// ```
pub fn diff(from: &MetaData, to: &MetaData) -> Result<Vec<SchemaChange>> {
    Diff::new(from, to).changes()
}

/// A schema comparison with renames named by the caller.
///
/// ```
/// use quarry::migrate::{Diff, SchemaChange};
/// use quarry::{AlterOp, ColumnDef, MetaData, SqlType, Table};
/// let v1 = MetaData::new().with(Table::new("users").column(ColumnDef::new("mail", SqlType::Text)));
/// let v2 = MetaData::new().with(Table::new("people").column(ColumnDef::new("email", SqlType::Text)));
/// let changes = Diff::new(&v1, &v2)
///     .rename_table("users", "people")
///     .rename_column("people", "mail", "email")
///     .changes()
///     .unwrap();
/// assert!(matches!(&changes[0], SchemaChange::RenameTable { to, .. } if to == "people"));
/// let SchemaChange::Alter(alter) = &changes[1] else { panic!() };
/// assert_eq!(alter.ops(), &[AlterOp::RenameColumn { from: "mail".into(), to: "email".into() }]);
///
/// // A hint naming what does not exist is an error.
/// assert!(Diff::new(&v1, &v2).rename_table("nope", "people").changes().is_err());
/// ```
#[derive(Clone, Debug)]
pub struct Diff<'a> {
    from: &'a MetaData,
    to: &'a MetaData,
    hints: RenameHints,
}

/// The renames a caller names, as given ([`Diff`] and `MigrateOptions` both collect them).
#[derive(Clone, Debug, Default)]
pub(crate) struct RenameHints {
    /// (old name, new name).
    pub(crate) tables: Vec<(String, String)>,
    /// (table, old column name, new column name).
    pub(crate) columns: Vec<(String, String, String)>,
}

impl RenameHints {
    /// The old name of the table called `new` (its full name or its name) in the new schema.
    pub(crate) fn old_table<'s>(&'s self, new: &'s Table) -> &'s str {
        self.tables
            .iter()
            .find(|(_, to)| *to == new.name || *to == new.full_name())
            .map_or(new.name.as_str(), |(from, _)| from.as_str())
    }

    /// The old name of column `new` of the table named `table` or `old_table`.
    pub(crate) fn old_column<'s>(&'s self, table: &str, old_table: &str, new: &'s str) -> &'s str {
        self.columns
            .iter()
            .find(|(t, _, to)| (t == table || t == old_table) && to == new)
            .map_or(new, |(_, from, _)| from.as_str())
    }
}

impl<'a> Diff<'a> {
    /// Compares `from` (the schema as it is) with `to` (as it should become).
    ///
    /// ```
    /// let md = quarry::MetaData::new();
    /// assert!(quarry::migrate::Diff::new(&md, &md).changes().unwrap().is_empty());
    /// ```
    pub fn new(from: &'a MetaData, to: &'a MetaData) -> Self {
        Diff {
            from,
            to,
            hints: RenameHints::default(),
        }
    }

    /// The comparison with these rename hints (in place of any given before).
    pub(crate) fn with_hints(mut self, hints: &RenameHints) -> Self {
        self.hints = hints.clone();
        self
    }

    /// Table `from` of the old schema is table `to` of the new one. Names are as
    /// [`Table::full_name`] spells them (`schema.name` for a table in a schema); a table cannot
    /// move to another schema.
    ///
    /// ```
    /// use quarry::{ColumnDef, MetaData, SqlType, Table};
    /// let col = || ColumnDef::new("id", SqlType::BigInt);
    /// let v1 = MetaData::new().with(Table::new("a").column(col()));
    /// let v2 = MetaData::new().with(Table::new("b").column(col()));
    /// let changes = quarry::migrate::Diff::new(&v1, &v2).rename_table("a", "b").changes().unwrap();
    /// assert_eq!(changes[0].to_string(), "rename table a to b");
    /// assert_eq!(changes.len(), 1);
    /// ```
    pub fn rename_table(mut self, from: impl Into<String>, to: impl Into<String>) -> Self {
        self.hints.tables.push((from.into(), to.into()));
        self
    }

    /// Column `from` of `table` is column `to` in the new schema. `table` is the table's name in
    /// either schema (old or new, when it is renamed too).
    ///
    /// ```
    /// use quarry::{ColumnDef, MetaData, SqlType, Table};
    /// let v1 = MetaData::new().with(Table::new("t").column(ColumnDef::new("a", SqlType::Text)));
    /// let v2 = MetaData::new().with(Table::new("t").column(ColumnDef::new("b", SqlType::Text)));
    /// let changes = quarry::migrate::Diff::new(&v1, &v2).rename_column("t", "a", "b").changes().unwrap();
    /// assert_eq!(changes[0].to_string(), "rename column t.a to b");
    /// let err = quarry::migrate::Diff::new(&v1, &v2).rename_column("t", "x", "b").changes().unwrap_err();
    /// assert!(err.to_string().contains("x"));
    /// ```
    pub fn rename_column(
        mut self,
        table: impl Into<String>,
        from: impl Into<String>,
        to: impl Into<String>,
    ) -> Self {
        self.hints
            .columns
            .push((table.into(), from.into(), to.into()));
        self
    }

    /// The changes, in an order the database accepts (see the module docs).
    ///
    /// ```
    /// use quarry::{ColumnDef, MetaData, SqlType, Table};
    /// let v1 = MetaData::new().with(Table::new("t").column(ColumnDef::new("a", SqlType::Integer)));
    /// let v2 = MetaData::new().with(Table::new("t").column(ColumnDef::new("a", SqlType::BigInt)));
    /// let changes = quarry::migrate::Diff::new(&v1, &v2).changes().unwrap();
    /// assert_eq!(changes[0].to_string(), "change type of t.a from INTEGER to BIGINT");
    /// ```
    pub fn changes(&self) -> Result<Vec<SchemaChange>> {
        let from = Side::new(self.from);
        let to = Side::new(self.to);
        let renames = self.resolve_renames(&from, &to)?;
        Planner {
            from: &from,
            to: &to,
            renames: &renames,
        }
        .plan()
    }

    fn resolve_renames(&self, from: &Side<'_>, to: &Side<'_>) -> Result<Renames> {
        let mut r = Renames {
            table_to: vec![None; from.tables.len()],
            table_from: vec![None; to.tables.len()],
            columns: HashMap::new(),
        };
        for (old, new) in &self.hints.tables {
            let hint = || format!("rename_table({old:?}, {new:?})");
            let fi = from.find(old).ok_or_else(|| {
                Error::invalid_schema(format!("{}: no table {old} in the old schema", hint()))
            })?;
            let ti = to.find(new).ok_or_else(|| {
                Error::invalid_schema(format!("{}: no table {new} in the new schema", hint()))
            })?;
            if to.find(old).is_some() {
                return Err(Error::invalid_schema(format!(
                    "{}: table {old} is still in the new schema",
                    hint()
                )));
            }
            if from.find(new).is_some() {
                return Err(Error::invalid_schema(format!(
                    "{}: table {new} is already in the old schema",
                    hint()
                )));
            }
            if from.tables[fi].schema != to.tables[ti].schema {
                return Err(Error::invalid_schema(format!(
                    "{}: moving a table to another schema is not supported",
                    hint()
                )));
            }
            if r.table_to[fi].is_some() || r.table_from[ti].is_some() {
                return Err(Error::invalid_schema(format!(
                    "{}: table {old} or {new} is named by another rename",
                    hint()
                )));
            }
            r.table_to[fi] = Some(ti);
            r.table_from[ti] = Some(fi);
        }
        // Pair the remaining tables by key.
        for fi in 0..from.tables.len() {
            if r.table_to[fi].is_some() {
                continue;
            }
            if let Some(&ti) = to.by_key.get(&key(&from.tables[fi])) {
                if r.table_from[ti].is_none() {
                    r.table_to[fi] = Some(ti);
                    r.table_from[ti] = Some(fi);
                }
            }
        }
        for (table, old, new) in &self.hints.columns {
            let hint = || format!("rename_column({table:?}, {old:?}, {new:?})");
            let fi = from
                .find(table)
                .filter(|&fi| r.table_to[fi].is_some())
                .or_else(|| to.find(table).and_then(|ti| r.table_from[ti]))
                .ok_or_else(|| {
                    Error::invalid_schema(format!(
                        "{}: no table {table} in both the old and the new schema",
                        hint()
                    ))
                })?;
            let ti = r.table_to[fi].ok_or_else(|| {
                Error::invalid_schema(format!("{}: table {table} is dropped", hint()))
            })?;
            let (ft, tt) = (&from.tables[fi], &to.tables[ti]);
            let missing = |what: &str, t: &Table, c: &str| {
                Error::invalid_schema(format!(
                    "{}: no column {c} in table {} of the {what} schema",
                    hint(),
                    t.full_name()
                ))
            };
            if ft.get_column(old).is_none() {
                return Err(missing("old", ft, old));
            }
            if tt.get_column(new).is_none() {
                return Err(missing("new", tt, new));
            }
            if tt.get_column(old).is_some() || ft.get_column(new).is_some() {
                return Err(Error::invalid_schema(format!(
                    "{}: column {old} is still in the new table or {new} already in the old one",
                    hint()
                )));
            }
            let list = r.columns.entry(fi).or_default();
            if list.iter().any(|(o, n)| o == old || n == new) {
                return Err(Error::invalid_schema(format!(
                    "{}: column {old} or {new} is named by another rename",
                    hint()
                )));
            }
            list.push((old.clone(), new.clone()));
        }
        Ok(r)
    }
}

type Key<'a> = (Option<&'a str>, &'a str);

fn key(t: &Table) -> Key<'_> {
    (t.schema.as_deref(), t.name.as_str())
}

/// One schema, indexed.
struct Side<'a> {
    tables: &'a [Table],
    by_key: HashMap<Key<'a>, usize>,
    /// Table indexes sorted by (schema, name).
    sorted: Vec<usize>,
}

impl<'a> Side<'a> {
    fn new(md: &'a MetaData) -> Self {
        let tables = md.tables();
        let by_key = tables
            .iter()
            .enumerate()
            .map(|(i, t)| (key(t), i))
            .collect();
        let mut sorted: Vec<usize> = (0..tables.len()).collect();
        sorted.sort_by(|&a, &b| key(&tables[a]).cmp(&key(&tables[b])));
        Side {
            tables,
            by_key,
            sorted,
        }
    }

    /// The table whose [`Table::full_name`] is `name`.
    fn find(&self, name: &str) -> Option<usize> {
        match self.by_key.get(&(None, name)) {
            Some(&i) => Some(i),
            None => self.tables.iter().position(|t| t.full_name() == name),
        }
    }

    /// The table a foreign key of `t` references.
    fn resolve(&self, t: &Table, fk: &ForeignKey) -> Option<usize> {
        let schema = fk.ref_schema.as_deref().or(t.schema.as_deref());
        self.by_key.get(&(schema, fk.ref_table.as_str())).copied()
    }
}

/// Renames, resolved to table indexes: old index → new index and back, and column renames
/// (old, new) per old table index.
struct Renames {
    table_to: Vec<Option<usize>>,
    table_from: Vec<Option<usize>>,
    columns: HashMap<usize, Vec<(String, String)>>,
}

impl Renames {
    fn column<'n>(&'n self, fi: usize, name: &'n str) -> &'n str {
        self.columns
            .get(&fi)
            .and_then(|l| l.iter().find(|(o, _)| o == name))
            .map_or(name, |(_, n)| n.as_str())
    }
}

/// A constraint with its name, in comparable form.
struct Named<T> {
    name: Option<String>,
    body: T,
}

/// Which constraints of `from` are dropped and which of `to` added: same-named ones match by
/// name (dropped and added when their content differs), then an unnamed one matches one with
/// the same content.
fn match_named<T: PartialEq>(from: &[Named<T>], to: &[Named<T>]) -> Matched {
    let mut f_used = vec![false; from.len()];
    let mut t_used = vec![false; to.len()];
    let mut dropped = Vec::new();
    let mut added = Vec::new();
    let mut kept = Vec::new();
    for (i, f) in from.iter().enumerate() {
        let Some(name) = &f.name else { continue };
        if let Some(j) = to.iter().position(|t| t.name.as_ref() == Some(name)) {
            f_used[i] = true;
            t_used[j] = true;
            if f.body == to[j].body {
                kept.push((i, j));
            } else {
                dropped.push(i);
                added.push(j);
            }
        }
    }
    for (i, f) in from.iter().enumerate() {
        if f_used[i] {
            continue;
        }
        let found = to.iter().enumerate().position(|(j, t)| {
            !t_used[j] && t.body == f.body && (t.name.is_none() || f.name.is_none())
        });
        match found {
            Some(j) => {
                f_used[i] = true;
                t_used[j] = true;
                kept.push((i, j));
            }
            None => dropped.push(i),
        }
    }
    added.extend((0..to.len()).filter(|&j| !t_used[j]));
    dropped.sort_unstable();
    added.sort_unstable();
    Matched {
        dropped,
        added,
        kept,
    }
}

/// The outcome of [`match_named`]: positions in the old list dropped, in the new list added,
/// and the pairs (old, new) that stay.
#[derive(Debug, PartialEq)]
struct Matched {
    dropped: Vec<usize>,
    added: Vec<usize>,
    kept: Vec<(usize, usize)>,
}

#[derive(PartialEq)]
struct FkBody {
    columns: Vec<String>,
    ref_schema: Option<String>,
    ref_table: String,
    ref_columns: Vec<String>,
    on_delete: FkAction,
    on_update: FkAction,
}

#[derive(PartialEq)]
struct IndexBody {
    columns: Vec<(String, bool)>,
    unique: bool,
    filter: Option<String>,
    using: Option<String>,
}

/// A table's foreign keys, its columns' shorthand included.
fn all_fks(t: &Table) -> Vec<&ForeignKey> {
    t.foreign_keys
        .iter()
        .chain(t.columns.iter().filter_map(|c| c.foreign_key.as_ref()))
        .collect()
}

/// A table's unique constraints, its columns' `unique` shorthand included (unless a
/// table-level constraint on that column alone says the same).
fn all_uniques(t: &Table) -> Vec<Unique> {
    let mut out = t.uniques.clone();
    for c in t.columns.iter().filter(|c| c.unique) {
        if !t.uniques.iter().any(|u| u.columns == [c.name.as_str()]) {
            out.push(Unique::new([c.name.clone()]));
        }
    }
    out
}

/// A check's text with runs of whitespace made one space and enclosing parentheses removed.
fn normalize_check(expr: &str) -> String {
    let mut s: String = expr.split_whitespace().collect::<Vec<_>>().join(" ");
    loop {
        let t = s.trim();
        if !(t.starts_with('(') && t.ends_with(')')) {
            return t.to_owned();
        }
        // The first parenthesis must close at the very end.
        let mut depth = 0usize;
        let mut closes_at_end = true;
        for (i, ch) in t.char_indices() {
            match ch {
                '(' => depth += 1,
                ')' => {
                    depth = depth.saturating_sub(1);
                    if depth == 0 && i != t.len() - 1 {
                        closes_at_end = false;
                        break;
                    }
                }
                _ => {}
            }
        }
        if !closes_at_end {
            return t.to_owned();
        }
        s = t[1..t.len() - 1].trim().to_owned();
    }
}

/// Whether two server defaults are the same: integers of any width with the same value, an
/// integer and an expression that is that number, expressions equal up to whitespace and
/// enclosing parentheses.
fn same_default(a: Option<&ServerDefault>, b: Option<&ServerDefault>) -> bool {
    fn int(v: &Value) -> Option<i64> {
        match v {
            Value::I16(n) => Some(i64::from(*n)),
            Value::I32(n) => Some(i64::from(*n)),
            Value::I64(n) => Some(*n),
            _ => None,
        }
    }
    fn key(d: &ServerDefault) -> Option<String> {
        match d {
            ServerDefault::Literal(v) => int(v).map(|n| n.to_string()),
            ServerDefault::Expression(e) => Some(normalize_check(e)),
        }
    }
    match (a, b) {
        (None, None) => true,
        (Some(x), Some(y)) => x == y || key(x).is_some_and(|k| key(y) == Some(k)),
        _ => false,
    }
}

fn fk_action(a: Option<FkAction>) -> FkAction {
    a.unwrap_or(FkAction::NoAction)
}

/// What changes in one table that is in both schemas.
#[derive(Default)]
struct TableChanges {
    fk_drops: Vec<AlterOp>,
    /// Positions in [`all_fks`] of the old table.
    dropped_fk_origins: Vec<usize>,
    index_drops: Vec<Index>,
    rename: Option<String>,
    ops: Vec<AlterOp>,
    index_creates: Vec<Index>,
    fk_adds: Vec<ForeignKey>,
    /// Positions in [`all_fks`] of the new table.
    added_fk_origins: Vec<usize>,
    /// Foreign keys that stay as they are.
    kept_fks: Vec<KeptFk>,
    /// Column lists (old names) of the primary key and unique constraints dropped: a foreign
    /// key referencing one of them has to be dropped before and added again after.
    dropped_keys: Vec<Vec<String>>,
    /// Columns (old names) whose type changes: MySQL refuses to change the type of a column a
    /// foreign key uses or references, so such a key is dropped before and added again after.
    retyped: Vec<String>,
}

/// A foreign key that is the same in both schemas.
struct KeptFk {
    name: Option<String>,
    origin: usize,
    /// The old table it references.
    target: Option<usize>,
    /// Its columns and the referenced columns, under their old names.
    columns: Vec<String>,
    ref_columns: Vec<String>,
    new: ForeignKey,
    new_origin: usize,
}

struct Planner<'p, 'a> {
    from: &'p Side<'a>,
    to: &'p Side<'a>,
    renames: &'p Renames,
}

impl Planner<'_, '_> {
    fn plan(&self) -> Result<Vec<SchemaChange>> {
        let (from, to, r) = (self.from, self.to, self.renames);
        let mut out = Vec::new();

        // Enum types.
        let (old_enums, new_enums) = (enums(from.tables), enums(to.tables));
        for (k, e) in &new_enums {
            match old_enums.get(k) {
                None => out.push(SchemaChange::CreateType((*e).clone())),
                Some(old) if old.values != e.values => out.push(SchemaChange::AlterEnum {
                    from: (*old).clone(),
                    to: (*e).clone(),
                }),
                Some(_) => {}
            }
        }
        let type_drops: Vec<SchemaChange> = old_enums
            .iter()
            .filter(|(k, _)| !new_enums.contains_key(*k))
            .map(|(_, e)| SchemaChange::DropType((*e).clone()))
            .collect();

        // Tables in both schemas, by new (schema, name).
        let mut pairs: Vec<(usize, usize, TableChanges)> = Vec::new();
        for &ti in &to.sorted {
            if let Some(fi) = r.table_from[ti] {
                pairs.push((fi, ti, self.table_changes(fi, ti)?));
            }
        }
        // A foreign key whose referenced key is dropped (and added again), or whose columns or
        // referenced columns change type, goes and comes back.
        let disturbed: HashMap<usize, (&[Vec<String>], &[String])> = pairs
            .iter()
            .filter(|(_, _, c)| !c.dropped_keys.is_empty() || !c.retyped.is_empty())
            .map(|(fi, _, c)| (*fi, (&c.dropped_keys[..], &c.retyped[..])))
            .collect();
        let mut recreate: HashSet<(usize, usize)> = HashSet::new();
        for (p, (fi, _, c)) in pairs.iter().enumerate() {
            for (n, k) in c.kept_fks.iter().enumerate() {
                let own = disturbed
                    .get(fi)
                    .is_some_and(|(_, re)| k.columns.iter().any(|col| re.contains(col)));
                let target = k
                    .target
                    .and_then(|t| disturbed.get(&t))
                    .is_some_and(|(keys, re)| {
                        keys.contains(&k.ref_columns)
                            || k.ref_columns.iter().any(|col| re.contains(col))
                    });
                if own || target {
                    recreate.insert((p, n));
                }
            }
        }
        if !recreate.is_empty() {
            for (p, (fi, _, c)) in pairs.iter_mut().enumerate() {
                let kept = std::mem::take(&mut c.kept_fks);
                for (n, k) in kept.into_iter().enumerate() {
                    if !recreate.contains(&(p, n)) {
                        continue;
                    }
                    let t = &from.tables[*fi];
                    c.fk_drops.push(match k.name {
                        Some(name) => AlterOp::DropConstraint(name),
                        None => AlterOp::DropUnnamed(Constraint::ForeignKey(
                            all_fks(t)[k.origin].clone(),
                        )),
                    });
                    c.dropped_fk_origins.push(k.origin);
                    c.fk_adds.push(k.new);
                    c.added_fk_origins.push(k.new_origin);
                }
            }
        }
        let dropped: Vec<usize> = from
            .sorted
            .iter()
            .copied()
            .filter(|&fi| r.table_to[fi].is_none())
            .collect();
        let created: Vec<usize> = to
            .sorted
            .iter()
            .copied()
            .filter(|&ti| r.table_from[ti].is_none())
            .collect();

        // Dropped tables in dependency order; foreign keys in cycles among them dropped first.
        let dropped_md = dropped.iter().fold(MetaData::new(), |md, &fi| {
            md.with(with_table_level_fks(&from.tables[fi]))
        });
        let dropped_order = dropped_md.order();
        let mut fk_drop_changes: Vec<(Key<'_>, SchemaChange)> = Vec::new();
        let mut cyclic_by_table: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
        for &(i, j) in &dropped_order.cyclic {
            cyclic_by_table.entry(i).or_default().push(j);
        }
        for (i, js) in cyclic_by_table {
            let t = &dropped_md.tables()[i];
            let mut alter = AlterTable::new(t);
            // An unnamed one (SQLite reports no names) is left to DROP TABLE: SQLite drops
            // tables in any order while the plan runner has foreign-key enforcement off.
            for j in js {
                if let Some(name) = &t.foreign_keys[j].name {
                    alter = alter.drop_constraint(name.clone());
                }
            }
            if !alter.ops().is_empty() {
                fk_drop_changes.push((key(&from.tables[dropped[i]]), SchemaChange::Alter(alter)));
            }
        }
        for (fi, _, c) in &pairs {
            if !c.fk_drops.is_empty() {
                let t = &from.tables[*fi];
                let alter = c
                    .fk_drops
                    .iter()
                    .fold(AlterTable::new(t), |a, op| a.op(op.clone()));
                fk_drop_changes.push((key(t), SchemaChange::Alter(alter)));
            }
        }
        fk_drop_changes.sort_by(|a, b| a.0.cmp(&b.0));
        out.extend(fk_drop_changes.into_iter().map(|(_, c)| c));
        for &i in dropped_order.tables.iter().rev() {
            out.push(SchemaChange::DropTable(from.tables[dropped[i]].clone()));
        }

        // Index drops and renames, then each table's alter.
        for (fi, _, c) in &pairs {
            let t = &from.tables[*fi];
            for ix in &c.index_drops {
                out.push(SchemaChange::DropIndex {
                    table: t.clone(),
                    index: ix.clone(),
                });
            }
            if let Some(new) = &c.rename {
                out.push(SchemaChange::RenameTable {
                    table: t.clone(),
                    to: new.clone(),
                });
            }
        }
        for (fi, ti, c) in &mut pairs {
            if c.ops.is_empty() {
                continue;
            }
            let mut current = from.tables[*fi].clone();
            current.name.clone_from(&to.tables[*ti].name);
            let all = all_fks(&from.tables[*fi]);
            current.foreign_keys = all
                .into_iter()
                .enumerate()
                .filter(|(i, _)| !c.dropped_fk_origins.contains(i))
                .map(|(_, f)| f.clone())
                .collect();
            for col in &mut current.columns {
                col.foreign_key = None;
            }
            current
                .indexes
                .retain(|ix| !c.index_drops.iter().any(|d| d.name == ix.name));
            out.push(SchemaChange::Alter(AlterTable {
                table: current,
                ops: std::mem::take(&mut c.ops),
            }));
        }

        // New tables in dependency order; foreign keys in cycles among them added at the end.
        let created_md = created.iter().fold(MetaData::new(), |md, &ti| {
            md.with(with_table_level_fks(&to.tables[ti]))
        });
        let created_order = created_md.order();
        let mut deferred: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
        for &(i, j) in &created_order.cyclic {
            deferred.entry(i).or_default().push(j);
        }
        for &i in &created_order.tables {
            let mut t = created_md.tables()[i].clone();
            if let Some(js) = deferred.get(&i) {
                t.foreign_keys = t
                    .foreign_keys
                    .into_iter()
                    .enumerate()
                    .filter(|(j, _)| !js.contains(j))
                    .map(|(_, f)| f)
                    .collect();
            }
            out.push(SchemaChange::CreateTable(t));
        }

        for (_, ti, c) in &pairs {
            let t = &to.tables[*ti];
            for ix in &c.index_creates {
                out.push(SchemaChange::CreateIndex {
                    table: t.clone(),
                    index: ix.clone(),
                });
            }
        }

        // Foreign keys added: of existing tables and deferred ones of new tables.
        let mut fk_adds: Vec<(Key<'_>, SchemaChange)> = Vec::new();
        for (_, ti, c) in &pairs {
            if c.fk_adds.is_empty() {
                continue;
            }
            let t = &to.tables[*ti];
            let mut current = t.clone();
            current.foreign_keys = all_fks(t)
                .into_iter()
                .enumerate()
                .filter(|(i, _)| !c.added_fk_origins.contains(i))
                .map(|(_, f)| f.clone())
                .collect();
            for col in &mut current.columns {
                col.foreign_key = None;
            }
            let alter = c.fk_adds.iter().fold(AlterTable::new(&current), |a, f| {
                a.add_foreign_key(f.clone())
            });
            fk_adds.push((key(t), SchemaChange::Alter(alter)));
        }
        for (i, js) in &deferred {
            let full = &created_md.tables()[*i];
            let mut current = full.clone();
            current.foreign_keys = full
                .foreign_keys
                .iter()
                .enumerate()
                .filter(|(j, _)| !js.contains(j))
                .map(|(_, f)| f.clone())
                .collect();
            let alter = js.iter().fold(AlterTable::new(&current), |a, &j| {
                a.add_foreign_key(full.foreign_keys[j].clone())
            });
            fk_adds.push((key(&to.tables[created[*i]]), SchemaChange::Alter(alter)));
        }
        fk_adds.sort_by(|a, b| a.0.cmp(&b.0));
        out.extend(fk_adds.into_iter().map(|(_, c)| c));

        out.extend(type_drops);
        Ok(out)
    }

    /// A foreign key of old table `fi` in comparable form: its columns and target under their
    /// new names.
    fn old_fk(&self, fi: usize, fk: &ForeignKey) -> FkBody {
        let (from, to, r) = (self.from, self.to, self.renames);
        let t = &from.tables[fi];
        let target = from.resolve(t, fk);
        let (ref_schema, ref_table, ref_columns) =
            match target.and_then(|rfi| r.table_to[rfi].map(|rti| (rfi, &to.tables[rti]))) {
                Some((rfi, rt)) => (
                    rt.schema.clone(),
                    rt.name.clone(),
                    fk.ref_columns
                        .iter()
                        .map(|c| r.column(rfi, c).to_owned())
                        .collect(),
                ),
                None => (
                    fk.ref_schema.clone().or_else(|| t.schema.clone()),
                    fk.ref_table.clone(),
                    fk.ref_columns.clone(),
                ),
            };
        FkBody {
            columns: fk
                .columns
                .iter()
                .map(|c| r.column(fi, c).to_owned())
                .collect(),
            ref_schema,
            ref_table,
            ref_columns,
            on_delete: fk_action(fk.on_delete),
            on_update: fk_action(fk.on_update),
        }
    }

    fn table_changes(&self, fi: usize, ti: usize) -> Result<TableChanges> {
        let r = self.renames;
        let (ft, tt) = (&self.from.tables[fi], &self.to.tables[ti]);
        let col = |c: &str| r.column(fi, c).to_owned();
        let mut c = TableChanges::default();
        if ft.name != tt.name {
            c.rename = Some(tt.name.clone());
        }

        // Foreign keys.
        let old_fks: Vec<Named<FkBody>> = all_fks(ft)
            .into_iter()
            .map(|f| Named {
                name: f.name.clone(),
                body: self.old_fk(fi, f),
            })
            .collect();
        let new_fk_list = all_fks(tt);
        let new_fks: Vec<Named<FkBody>> = new_fk_list
            .iter()
            .map(|f| Named {
                name: f.name.clone(),
                body: FkBody {
                    columns: f.columns.clone(),
                    ref_schema: f.ref_schema.clone().or_else(|| tt.schema.clone()),
                    ref_table: f.ref_table.clone(),
                    ref_columns: f.ref_columns.clone(),
                    on_delete: fk_action(f.on_delete),
                    on_update: fk_action(f.on_update),
                },
            })
            .collect();
        let fk_match = match_named(&old_fks, &new_fks);
        let old_fk_list = all_fks(ft);
        for &(i, j) in &fk_match.kept {
            let f = old_fk_list[i];
            c.kept_fks.push(KeptFk {
                name: f.name.clone(),
                origin: i,
                target: self.from.resolve(ft, f),
                columns: f.columns.clone(),
                ref_columns: f.ref_columns.clone(),
                new: new_fk_list[j].clone(),
                new_origin: j,
            });
        }
        for i in fk_match.dropped {
            c.fk_drops.push(match &old_fks[i].name {
                Some(name) => AlterOp::DropConstraint(name.clone()),
                None => AlterOp::DropUnnamed(Constraint::ForeignKey(all_fks(ft)[i].clone())),
            });
            c.dropped_fk_origins.push(i);
        }
        for j in fk_match.added {
            c.fk_adds.push(new_fk_list[j].clone());
            c.added_fk_origins.push(j);
        }

        // Indexes, by name.
        let index_body = |ix: &Index, map: &dyn Fn(&str) -> String| IndexBody {
            columns: ix
                .columns
                .iter()
                .map(|c| (map(&c.name), c.descending))
                .collect(),
            unique: ix.unique,
            filter: ix.filter.clone(),
            using: ix.using.clone(),
        };
        for ix in &ft.indexes {
            let keep = tt.indexes.iter().any(|n| {
                n.name == ix.name && index_body(ix, &col) == index_body(n, &|s| s.to_owned())
            });
            if !keep {
                c.index_drops.push(ix.clone());
            }
        }
        for n in &tt.indexes {
            let keep = ft.indexes.iter().any(|ix| {
                n.name == ix.name && index_body(ix, &col) == index_body(n, &|s| s.to_owned())
            });
            if !keep {
                c.index_creates.push(n.clone());
            }
        }

        // Column renames come first.
        if let Some(list) = r.columns.get(&fi) {
            let mut list = list.clone();
            list.sort_by_key(|(o, _)| ft.columns.iter().position(|c| &c.name == o));
            for (o, n) in list {
                c.ops.push(AlterOp::RenameColumn { from: o, to: n });
            }
        }

        // Unique and check constraints to drop.
        let old_uniques: Vec<Named<Vec<String>>> = all_uniques(ft)
            .into_iter()
            .map(|u| Named {
                name: u.name,
                body: u.columns.iter().map(|s| col(s)).collect(),
            })
            .collect();
        let new_unique_list = all_uniques(tt);
        let new_uniques: Vec<Named<Vec<String>>> = new_unique_list
            .iter()
            .map(|u| Named {
                name: u.name.clone(),
                body: u.columns.clone(),
            })
            .collect();
        let Matched {
            dropped: u_dropped,
            added: u_added,
            ..
        } = match_named(&old_uniques, &new_uniques);
        let old_checks: Vec<Named<String>> = ft
            .checks
            .iter()
            .map(|k| Named {
                name: k.name.clone(),
                body: normalize_check(&k.expr),
            })
            .collect();
        let new_checks: Vec<Named<String>> = tt
            .checks
            .iter()
            .map(|k| Named {
                name: k.name.clone(),
                body: normalize_check(&k.expr),
            })
            .collect();
        let Matched {
            dropped: k_dropped,
            added: k_added,
            ..
        } = match_named(&old_checks, &new_checks);
        let old_unique_list = all_uniques(ft);
        for i in u_dropped {
            c.ops.push(match &old_uniques[i].name {
                Some(name) => AlterOp::DropConstraint(name.clone()),
                None => AlterOp::DropUnnamed(Constraint::Unique(old_unique_list[i].clone())),
            });
            c.dropped_keys.push(old_unique_list[i].columns.clone());
        }
        for i in k_dropped {
            c.ops.push(match &old_checks[i].name {
                Some(name) => AlterOp::DropConstraint(name.clone()),
                None => AlterOp::DropUnnamed(Constraint::Check(ft.checks[i].clone())),
            });
        }

        // Primary key.
        let old_pk: Vec<String> = ft.primary_key_columns().into_iter().map(col).collect();
        let new_pk: Vec<&str> = tt.primary_key_columns();
        let old_pk_name = ft.primary_key.as_ref().and_then(|p| p.name.as_deref());
        let new_pk_name = tt.primary_key.as_ref().and_then(|p| p.name.as_deref());
        let pk_changed =
            old_pk != new_pk || matches!((old_pk_name, new_pk_name), (Some(a), Some(b)) if a != b);
        if pk_changed && !old_pk.is_empty() {
            c.ops.push(AlterOp::DropPrimaryKey);
            c.dropped_keys.push(
                ft.primary_key_columns()
                    .into_iter()
                    .map(str::to_owned)
                    .collect(),
            );
        }

        // Columns dropped, added, changed.
        let new_cols: HashMap<&str, &ColumnDef> =
            tt.columns.iter().map(|c| (c.name.as_str(), c)).collect();
        let mut matched: HashMap<&str, &ColumnDef> = HashMap::new();
        for oc in &ft.columns {
            let name = r.column(fi, &oc.name);
            match new_cols.get(name) {
                Some(nc) => {
                    matched.insert(nc.name.as_str(), oc);
                }
                None => c.ops.push(AlterOp::DropColumn(oc.name.clone())),
            }
        }
        let old_pk_set: Vec<&str> = ft.primary_key_columns();
        let mut changed = Vec::new();
        for nc in &tt.columns {
            let in_new_pk = new_pk.contains(&nc.name.as_str());
            let Some(oc) = matched.get(nc.name.as_str()) else {
                let mut added = nc.clone();
                added.primary_key = false;
                added.unique = false;
                added.foreign_key = None;
                added.nullable = nc.nullable && !in_new_pk;
                c.ops.push(AlterOp::AddColumn(added));
                continue;
            };
            let name = || nc.name.clone();
            if oc.sql_type != nc.sql_type {
                c.retyped.push(oc.name.clone());
                changed.push(AlterOp::AlterType {
                    column: name(),
                    to: nc.sql_type.clone(),
                });
            }
            if !same_default(oc.server_default.as_ref(), nc.server_default.as_ref()) {
                changed.push(AlterOp::SetDefault {
                    column: name(),
                    default: nc.server_default.clone(),
                });
            }
            let old_nullable = oc.nullable && !old_pk_set.contains(&oc.name.as_str());
            let new_nullable = nc.nullable && !in_new_pk;
            if old_nullable != new_nullable {
                changed.push(AlterOp::SetNullable {
                    column: name(),
                    nullable: new_nullable,
                });
            }
            if oc.autoincrement != nc.autoincrement {
                changed.push(AlterOp::SetAutoincrement {
                    column: name(),
                    autoincrement: nc.autoincrement,
                });
            }
            if oc.comment != nc.comment {
                changed.push(AlterOp::SetColumnComment {
                    column: name(),
                    comment: nc.comment.clone(),
                });
            }
        }

        c.ops.extend(changed);
        if pk_changed && !new_pk.is_empty() {
            c.ops.push(AlterOp::AddPrimaryKey(PrimaryKey {
                name: new_pk_name.map(str::to_owned),
                columns: new_pk.iter().map(|s| (*s).to_owned()).collect(),
            }));
        }
        for j in u_added {
            c.ops.push(AlterOp::AddUnique(new_unique_list[j].clone()));
        }
        for j in k_added {
            c.ops.push(AlterOp::AddCheck(tt.checks[j].clone()));
        }
        if ft.comment != tt.comment {
            c.ops.push(AlterOp::SetComment(tt.comment.clone()));
        }
        Ok(c)
    }
}

/// `t` with its columns' foreign-key shorthand moved to the table's list.
fn with_table_level_fks(t: &Table) -> Table {
    let mut t = t.clone();
    for c in &mut t.columns {
        if let Some(fk) = c.foreign_key.take() {
            t.foreign_keys.push(fk);
        }
    }
    t
}

/// The enum types of the columns of `tables`, by (schema, name); the first one met wins.
fn enums(tables: &[Table]) -> BTreeMap<(Option<&str>, &str), &EnumType> {
    let mut out = BTreeMap::new();
    for c in tables.iter().flat_map(|t| &t.columns) {
        if let SqlType::Enum(e) = &c.sql_type {
            out.entry((e.schema.as_deref(), e.name.as_str()))
                .or_insert(e);
        }
    }
    out
}

// ---------------------------------------------------------------------------------------------
// Hazards.

/// What a change may do to the data already in the database.
///
/// ```
/// use quarry::migrate::{Hazard, SchemaChange};
/// let drop = SchemaChange::DropTable(quarry::Table::new("legacy"));
/// assert!(matches!(drop.hazards()[0], Hazard::DataLoss(_)));
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Hazard {
    /// Rows or values are lost (a dropped table or column, a narrowed type, a removed enum
    /// value), or converted by a cast that may fail or lose information.
    DataLoss(String),
    /// Nothing is lost, but the change fails unless the data already fits (a column made NOT
    /// NULL, a NOT NULL column added without a server default, a new constraint or unique
    /// index): check the data first.
    NeedsDataCheck(String),
}

impl Hazard {
    /// What the hazard is, in words.
    ///
    /// ```
    /// assert_eq!(quarry::migrate::Hazard::DataLoss("x".into()).reason(), "x");
    /// ```
    pub fn reason(&self) -> &str {
        match self {
            Hazard::DataLoss(r) | Hazard::NeedsDataCheck(r) => r,
        }
    }
}

impl SchemaChange {
    /// Everything this change may do to existing data (empty when it is safe).
    ///
    /// Data loss: dropping a table or a column, narrowing a type (shorter `VARCHAR`/`CHAR`,
    /// `TEXT` to `VARCHAR`/`CHAR`, fewer numeric digits before or after the point, a smaller
    /// integer, `DOUBLE` to `REAL`, a float or a wide integer to a type that cannot hold all its
    /// values, `TIMESTAMP` to `DATE`), any type change quarry does not know to be value-preserving
    /// (between unrelated types, custom types), dropping an enum value.
    /// Data check: making a column NOT NULL, adding a NOT NULL column without a server default,
    /// adding a primary key, unique, check or foreign key constraint or a unique index to a table
    /// that may hold rows which break it.
    ///
    /// ```
    /// use quarry::migrate::{diff, Hazard};
    /// use quarry::{ColumnDef, MetaData, SqlType, Table};
    /// let v1 = MetaData::new().with(Table::new("t").column(ColumnDef::new("a", SqlType::Varchar(100))));
    /// let v2 = MetaData::new().with(Table::new("t").column(ColumnDef::new("a", SqlType::Varchar(20)).not_null()));
    /// let h = diff(&v1, &v2).unwrap()[0].hazards();
    /// assert_eq!(h, [
    ///     Hazard::DataLoss("narrows t.a from VARCHAR(100) to VARCHAR(20)".into()),
    ///     Hazard::NeedsDataCheck("sets t.a NOT NULL (fails if it holds NULLs)".into()),
    /// ]);
    /// ```
    pub fn hazards(&self) -> Vec<Hazard> {
        let mut out = Vec::new();
        match self {
            SchemaChange::DropTable(t) => out.push(Hazard::DataLoss(format!(
                "drops table {} and its rows",
                t.full_name()
            ))),
            SchemaChange::AlterEnum { from, to } => {
                let gone: Vec<&str> = from
                    .values
                    .iter()
                    .filter(|v| !to.values.contains(v))
                    .map(String::as_str)
                    .collect();
                if !gone.is_empty() {
                    out.push(Hazard::DataLoss(format!(
                        "drops value(s) {} of enum {}",
                        gone.join(", "),
                        enum_name(from)
                    )));
                }
            }
            SchemaChange::Alter(a) => alter_hazards(a, &mut out),
            SchemaChange::CreateIndex { table, index } if index.unique => {
                out.push(Hazard::NeedsDataCheck(format!(
                    "creates unique index {} on {} (fails on duplicate values)",
                    index.name,
                    table.full_name()
                )));
            }
            SchemaChange::CreateType(_)
            | SchemaChange::CreateTable(_)
            | SchemaChange::CreateIndex { .. }
            | SchemaChange::DropIndex { .. }
            | SchemaChange::RenameTable { .. }
            | SchemaChange::DropType(_) => {}
        }
        out
    }

    /// Why this change loses data, if it does ([`Hazard::DataLoss`] reasons, joined by `; `).
    ///
    /// ```
    /// let drop = quarry::migrate::SchemaChange::DropTable(quarry::Table::new("legacy"));
    /// assert_eq!(drop.destructive().as_deref(), Some("drops table legacy and its rows"));
    /// ```
    pub fn destructive(&self) -> Option<String> {
        join_reasons(&self.hazards(), |h| matches!(h, Hazard::DataLoss(_)))
    }

    /// Why this change may fail on the data already there, if it may
    /// ([`Hazard::NeedsDataCheck`] reasons, joined by `; `).
    ///
    /// ```
    /// use quarry::{AlterTable, Table};
    /// let c = quarry::migrate::SchemaChange::Alter(AlterTable::new(&Table::new("t")).set_not_null("a"));
    /// assert!(c.needs_data_check().is_some());
    /// assert!(c.destructive().is_none());
    /// ```
    pub fn needs_data_check(&self) -> Option<String> {
        join_reasons(&self.hazards(), |h| matches!(h, Hazard::NeedsDataCheck(_)))
    }
}

fn join_reasons(hazards: &[Hazard], keep: impl Fn(&Hazard) -> bool) -> Option<String> {
    let reasons: Vec<&str> = hazards
        .iter()
        .filter(|h| keep(h))
        .map(Hazard::reason)
        .collect();
    (!reasons.is_empty()).then(|| reasons.join("; "))
}

fn alter_hazards(a: &AlterTable, out: &mut Vec<Hazard>) {
    let t = &a.table;
    let q = t.full_name();
    // Column names as the ops see them (after renames) → the column's old definition.
    let mut names: HashMap<String, String> = HashMap::new();
    let old = |names: &HashMap<String, String>, c: &str| -> Option<&ColumnDef> {
        t.get_column(names.get(c).map_or(c, String::as_str))
    };
    for op in &a.ops {
        match op {
            AlterOp::RenameColumn { from, to } => {
                let orig = names.remove(from).unwrap_or_else(|| from.clone());
                names.insert(to.clone(), orig);
            }
            AlterOp::DropColumn(c) => {
                out.push(Hazard::DataLoss(format!("drops column {q}.{c}")));
            }
            AlterOp::AlterType { column, to } => {
                let reason = match old(&names, column) {
                    Some(oc) => narrowing(&oc.sql_type, to).map(|why| {
                        format!(
                            "{why} {q}.{column} from {} to {}",
                            type_name(&oc.sql_type),
                            type_name(to)
                        )
                    }),
                    None => Some(format!(
                        "changes the type of {q}.{column} (its old type is unknown)"
                    )),
                };
                out.extend(reason.map(Hazard::DataLoss));
            }
            AlterOp::SetNullable {
                column,
                nullable: false,
            } => out.push(Hazard::NeedsDataCheck(format!(
                "sets {q}.{column} NOT NULL (fails if it holds NULLs)"
            ))),
            AlterOp::AddColumn(c)
                if !c.nullable && c.server_default.is_none() && !c.autoincrement =>
            {
                out.push(Hazard::NeedsDataCheck(format!(
                    "adds NOT NULL column {q}.{} without a server default (fails if the table \
                     has rows)",
                    c.name
                )));
            }
            AlterOp::AddUnique(u) => out.push(Hazard::NeedsDataCheck(format!(
                "adds a unique constraint on {q} ({}) (fails on duplicate values)",
                u.columns.join(", ")
            ))),
            AlterOp::AddPrimaryKey(pk) => out.push(Hazard::NeedsDataCheck(format!(
                "adds a primary key on {q} ({}) (fails on duplicate values)",
                pk.columns.join(", ")
            ))),
            AlterOp::AddCheck(k) => out.push(Hazard::NeedsDataCheck(format!(
                "adds check ({}) on {q} (fails if a row violates it)",
                k.expr
            ))),
            AlterOp::AddForeignKey(f) => out.push(Hazard::NeedsDataCheck(format!(
                "adds a foreign key on {q} ({}) (fails if a row has no match in {})",
                f.columns.join(", "),
                f.ref_table
            ))),
            _ => {}
        }
    }
}

/// Why changing a column from `from` to `to` may lose data (`"narrows"`, …), or `None` when
/// every value of `from` converts exactly.
fn narrowing(from: &SqlType, to: &SqlType) -> Option<&'static str> {
    use SqlType as T;
    const NARROWS: Option<&str> = Some("narrows");
    const INCOMPATIBLE: Option<&str> = Some("converts (the cast may fail or lose data)");
    fn int_digits(t: &SqlType) -> Option<u16> {
        match t {
            T::SmallInt => Some(5),
            T::Integer => Some(10),
            T::BigInt => Some(19),
            _ => None,
        }
    }
    fn text_len(t: &SqlType) -> Option<u32> {
        match t {
            T::Varchar(n) | T::Char(n) => Some(*n),
            _ => None,
        }
    }
    let lossless = |ok: bool| if ok { None } else { NARROWS };
    if from == to {
        return None;
    }
    match (from, to) {
        (a, b) if a.is_integer() && b.is_integer() => lossless(int_digits(a) <= int_digits(b)),
        (a, T::Numeric { precision, scale }) if a.is_integer() => {
            lossless(int_digits(a) <= Some(precision.saturating_sub(*scale)))
        }
        (T::Numeric { precision, scale }, b) if b.is_integer() => {
            lossless(*scale == 0 && Some(*precision) <= int_digits(b))
        }
        (
            T::Numeric {
                precision: p1,
                scale: s1,
            },
            T::Numeric {
                precision: p2,
                scale: s2,
            },
        ) => lossless(s2 >= s1 && p2.saturating_sub(*s2) >= p1.saturating_sub(*s1)),
        (T::SmallInt, T::Real | T::Double) | (T::Integer, T::Double) | (T::Real, T::Double) => None,
        (T::Double, T::Real) => NARROWS,
        (T::Integer | T::BigInt, T::Real) | (T::BigInt, T::Double) => NARROWS,
        (T::Real | T::Double, b) if b.is_integer() => NARROWS,
        (T::Numeric { .. }, T::Real | T::Double) | (T::Real | T::Double, T::Numeric { .. }) => {
            NARROWS
        }
        (T::Varchar(_) | T::Char(_), T::Text) => None,
        (T::Text, T::Varchar(_) | T::Char(_)) => NARROWS,
        (a, b) if text_len(a).is_some() && text_len(b).is_some() => {
            lossless(text_len(a) <= text_len(b))
        }
        (T::Uuid, T::Varchar(n) | T::Char(n)) => lossless(*n >= 36),
        (T::Enum(a), T::Enum(b)) => lossless(a.values.iter().all(|v| b.values.contains(v))),
        (T::Enum(a), T::Varchar(n) | T::Char(n)) => {
            lossless(a.values.iter().all(|v| v.chars().count() <= *n as usize))
        }
        (
            T::SmallInt
            | T::Integer
            | T::BigInt
            | T::Boolean
            | T::Real
            | T::Double
            | T::Numeric { .. }
            | T::Date
            | T::Time
            | T::Timestamp
            | T::TimestampTz
            | T::Uuid
            | T::Json
            | T::Enum(_),
            T::Text,
        ) => None,
        (T::Date, T::Timestamp | T::TimestampTz) | (T::Timestamp, T::TimestampTz) => None,
        (T::TimestampTz, T::Timestamp) => None,
        (T::Timestamp | T::TimestampTz, T::Date) => NARROWS,
        _ => INCOMPATIBLE,
    }
}

// ---------------------------------------------------------------------------------------------
// Descriptions.

/// A type in a dialect-neutral spelling, for descriptions.
fn type_name(t: &SqlType) -> String {
    match t {
        SqlType::SmallInt => "SMALLINT".into(),
        SqlType::Integer => "INTEGER".into(),
        SqlType::BigInt => "BIGINT".into(),
        SqlType::Boolean => "BOOLEAN".into(),
        SqlType::Real => "REAL".into(),
        SqlType::Double => "DOUBLE".into(),
        SqlType::Numeric { precision, scale } => format!("NUMERIC({precision}, {scale})"),
        SqlType::Varchar(n) => format!("VARCHAR({n})"),
        SqlType::Char(n) => format!("CHAR({n})"),
        SqlType::Text => "TEXT".into(),
        SqlType::Blob => "BLOB".into(),
        SqlType::Date => "DATE".into(),
        SqlType::Time => "TIME".into(),
        SqlType::Timestamp => "TIMESTAMP".into(),
        SqlType::TimestampTz => "TIMESTAMPTZ".into(),
        SqlType::Uuid => "UUID".into(),
        SqlType::Json => "JSON".into(),
        SqlType::Enum(e) => format!("ENUM {}", enum_name(e)),
        SqlType::Custom(s) => s.clone(),
    }
}

fn enum_name(e: &EnumType) -> String {
    match &e.schema {
        Some(s) => format!("{s}.{}", e.name),
        None => e.name.clone(),
    }
}

fn value_text(v: &Value) -> String {
    match v {
        Value::Null(_) => "NULL".into(),
        Value::Bool(b) => if *b { "TRUE" } else { "FALSE" }.into(),
        Value::I16(n) => n.to_string(),
        Value::I32(n) => n.to_string(),
        Value::I64(n) => n.to_string(),
        Value::F32(n) => n.to_string(),
        Value::F64(n) => n.to_string(),
        Value::Text(s) => quoted(s),
        other => format!("{other:?}"),
    }
}

fn quoted(s: &str) -> String {
    format!("'{}'", s.replace('\'', "''"))
}

fn default_text(d: &ServerDefault) -> String {
    match d {
        ServerDefault::Literal(v) => value_text(v),
        ServerDefault::Expression(e) => format!("({e})"),
    }
}

fn column_text(c: &ColumnDef) -> String {
    let mut s = type_name(&c.sql_type);
    s.push_str(if c.nullable { " NULL" } else { " NOT NULL" });
    if let Some(d) = &c.server_default {
        s.push_str(" DEFAULT ");
        s.push_str(&default_text(d));
    }
    if c.autoincrement {
        s.push_str(" AUTOINCREMENT");
    }
    s
}

fn constraint_label(kind: &str, name: Option<&str>) -> String {
    match name {
        Some(n) => format!("{kind} {n}"),
        None => kind.to_owned(),
    }
}

fn op_text(t: &Table, names: &HashMap<String, String>, op: &AlterOp) -> String {
    let q = t.full_name();
    match op {
        AlterOp::AddColumn(c) => format!("add column {q}.{} {}", c.name, column_text(c)),
        AlterOp::DropColumn(c) => format!("drop column {q}.{c}"),
        AlterOp::RenameColumn { from, to } => format!("rename column {q}.{from} to {to}"),
        AlterOp::AlterType { column, to } => {
            let old = t.get_column(names.get(column).map_or(column.as_str(), String::as_str));
            match old {
                Some(oc) => format!(
                    "change type of {q}.{column} from {} to {}",
                    type_name(&oc.sql_type),
                    type_name(to)
                ),
                None => format!("change type of {q}.{column} to {}", type_name(to)),
            }
        }
        AlterOp::SetNullable {
            column,
            nullable: false,
        } => format!("set {q}.{column} NOT NULL"),
        AlterOp::SetNullable { column, .. } => format!("drop NOT NULL on {q}.{column}"),
        AlterOp::SetDefault {
            column,
            default: Some(d),
        } => format!("set default of {q}.{column} to {}", default_text(d)),
        AlterOp::SetDefault { column, .. } => format!("drop default of {q}.{column}"),
        AlterOp::AddUnique(u) => format!(
            "add {} on {q} ({})",
            constraint_label("unique", u.name.as_deref()),
            u.columns.join(", ")
        ),
        AlterOp::AddCheck(k) => format!(
            "add {} on {q} ({})",
            constraint_label("check", k.name.as_deref()),
            k.expr
        ),
        AlterOp::AddForeignKey(f) => {
            let target = match &f.ref_schema {
                Some(s) => format!("{s}.{}", f.ref_table),
                None => f.ref_table.clone(),
            };
            format!(
                "add {} {q} ({}) -> {target} ({})",
                constraint_label("foreign key", f.name.as_deref()),
                f.columns.join(", "),
                f.ref_columns.join(", ")
            )
        }
        AlterOp::DropConstraint(n) => format!("drop constraint {n} of {q}"),
        AlterOp::AddPrimaryKey(pk) => format!(
            "add {} on {q} ({})",
            constraint_label("primary key", pk.name.as_deref()),
            pk.columns.join(", ")
        ),
        AlterOp::DropPrimaryKey => format!("drop primary key of {q}"),
        AlterOp::DropUnnamed(c) => format!("drop {c} of {q}"),
        AlterOp::SetAutoincrement {
            column,
            autoincrement: true,
        } => format!("make {q}.{column} auto-increment"),
        AlterOp::SetAutoincrement { column, .. } => {
            format!("stop {q}.{column} auto-incrementing")
        }
        AlterOp::SetComment(Some(c)) => format!("set comment of table {q} to {}", quoted(c)),
        AlterOp::SetComment(None) => format!("drop comment of table {q}"),
        AlterOp::SetColumnComment {
            column,
            comment: Some(c),
        } => format!("set comment of {q}.{column} to {}", quoted(c)),
        AlterOp::SetColumnComment { column, .. } => format!("drop comment of {q}.{column}"),
    }
}

fn index_text(ix: &Index) -> String {
    let cols: Vec<String> = ix
        .columns
        .iter()
        .map(|c| {
            if c.descending {
                format!("{} DESC", c.name)
            } else {
                c.name.clone()
            }
        })
        .collect();
    cols.join(", ")
}

/// One line describing the change, e.g. `add column orders.note VARCHAR(200) NULL` or
/// `drop table legacy`; several changes of one table are joined by `; `.
///
/// ```
/// use quarry::{AlterTable, ColumnDef, SqlType, Table};
/// let t = Table::new("orders");
/// let c = quarry::migrate::SchemaChange::Alter(
///     AlterTable::new(&t).add_column(ColumnDef::new("note", SqlType::Varchar(200))).drop_column("old"),
/// );
/// assert_eq!(c.to_string(), "add column orders.note VARCHAR(200) NULL; drop column orders.old");
/// ```
impl fmt::Display for SchemaChange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SchemaChange::CreateType(e) => {
                let values: Vec<String> = e.values.iter().map(|v| quoted(v)).collect();
                write!(f, "create enum {} ({})", enum_name(e), values.join(", "))
            }
            SchemaChange::AlterEnum { from, to } => {
                let values: Vec<String> = to.values.iter().map(|v| quoted(v)).collect();
                let was: Vec<String> = from.values.iter().map(|v| quoted(v)).collect();
                write!(
                    f,
                    "change enum {} from ({}) to ({})",
                    enum_name(from),
                    was.join(", "),
                    values.join(", ")
                )
            }
            SchemaChange::CreateTable(t) => {
                let cols: Vec<String> = t
                    .columns
                    .iter()
                    .map(|c| format!("{} {}", c.name, column_text(c)))
                    .collect();
                write!(f, "create table {} ({})", t.full_name(), cols.join(", "))
            }
            SchemaChange::Alter(a) => {
                let mut names: HashMap<String, String> = HashMap::new();
                for (i, op) in a.ops.iter().enumerate() {
                    if i > 0 {
                        f.write_str("; ")?;
                    }
                    f.write_str(&op_text(&a.table, &names, op))?;
                    if let AlterOp::RenameColumn { from, to } = op {
                        let orig = names.remove(from).unwrap_or_else(|| from.clone());
                        names.insert(to.clone(), orig);
                    }
                }
                if a.ops.is_empty() {
                    write!(f, "alter table {} (no changes)", a.table.full_name())?;
                }
                Ok(())
            }
            SchemaChange::CreateIndex { table, index } => write!(
                f,
                "create {}index {} on {} ({})",
                if index.unique { "unique " } else { "" },
                index.name,
                table.full_name(),
                index_text(index)
            ),
            SchemaChange::DropIndex { table, index } => {
                write!(f, "drop index {} of {}", index.name, table.full_name())
            }
            SchemaChange::RenameTable { table, to } => {
                write!(f, "rename table {} to {to}", table.full_name())
            }
            SchemaChange::DropTable(t) => write!(f, "drop table {}", t.full_name()),
            SchemaChange::DropType(e) => write!(f, "drop enum {}", enum_name(e)),
        }
    }
}

/// The changes as a numbered plan, one line each, those that lose data marked
/// `[DATA LOSS: …]` and those that may fail on existing data `[CHECK DATA: …]`.
///
/// ```
/// use quarry::migrate::{diff, format_plan};
/// use quarry::{ColumnDef, MetaData, SqlType, Table};
/// let v1 = MetaData::new().with(Table::new("t").column(ColumnDef::new("a", SqlType::BigInt)));
/// let v2 = MetaData::new().with(Table::new("t").column(ColumnDef::new("a", SqlType::Integer).not_null()));
/// assert_eq!(format_plan(&diff(&v1, &v2).unwrap()),
///     "1. change type of t.a from BIGINT to INTEGER; set t.a NOT NULL  \
///      [DATA LOSS: narrows t.a from BIGINT to INTEGER]  \
///      [CHECK DATA: sets t.a NOT NULL (fails if it holds NULLs)]\n");
/// ```
pub fn format_plan(changes: &[SchemaChange]) -> String {
    use fmt::Write as _;
    let mut out = String::new();
    for (i, c) in changes.iter().enumerate() {
        let _ = write!(out, "{}. {c}", i + 1);
        if let Some(r) = c.destructive() {
            let _ = write!(out, "  [DATA LOSS: {r}]");
        }
        if let Some(r) = c.needs_data_check() {
            let _ = write!(out, "  [CHECK DATA: {r}]");
        }
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_compare_by_value() {
        use ServerDefault::{Expression, Literal};
        let e = |s: &str| Some(Expression(s.into()));
        assert!(same_default(
            Some(&Literal(Value::I32(7))),
            Some(&Literal(Value::I64(7)))
        ));
        assert!(same_default(
            Some(&Literal(Value::I16(7))),
            e("(7)").as_ref()
        ));
        assert!(same_default(e("now( )").as_ref(), e("(now( ))").as_ref()));
        assert!(!same_default(e("now()").as_ref(), e("now( )").as_ref()));
        assert!(!same_default(
            Some(&Literal(Value::I64(7))),
            e("8").as_ref()
        ));
        assert!(!same_default(None, e("8").as_ref()));
        assert!(same_default(None, None));
        let text = Some(Literal(Value::Text("7".into())));
        assert!(!same_default(text.as_ref(), e("7").as_ref()));
    }

    #[test]
    fn check_text_is_normalized() {
        assert_eq!(normalize_check("((a  >\n 0))"), "a > 0");
        assert_eq!(
            normalize_check("(a > 0) AND (b > 0)"),
            "(a > 0) AND (b > 0)"
        );
        assert_eq!(normalize_check(" a > 0 "), "a > 0");
    }

    #[test]
    fn narrowing_rules() {
        use SqlType as T;
        assert_eq!(narrowing(&T::Varchar(10), &T::Varchar(20)), None);
        assert!(narrowing(&T::Varchar(20), &T::Varchar(10)).is_some());
        assert!(narrowing(&T::Char(20), &T::Varchar(10)).is_some());
        assert!(narrowing(&T::Text, &T::Varchar(10_000)).is_some());
        assert_eq!(narrowing(&T::Varchar(10), &T::Text), None);
        assert!(narrowing(&T::BigInt, &T::Integer).is_some());
        assert!(narrowing(&T::Integer, &T::SmallInt).is_some());
        assert_eq!(narrowing(&T::SmallInt, &T::BigInt), None);
        assert!(narrowing(&T::Double, &T::Real).is_some());
        assert_eq!(narrowing(&T::Real, &T::Double), None);
        assert!(narrowing(&T::numeric(10, 2), &T::numeric(8, 2)).is_some());
        assert!(narrowing(&T::numeric(10, 2), &T::numeric(10, 1)).is_some());
        assert!(narrowing(&T::numeric(10, 2), &T::numeric(11, 4)).is_some());
        assert_eq!(narrowing(&T::numeric(10, 2), &T::numeric(12, 3)), None);
        assert_eq!(narrowing(&T::Integer, &T::numeric(10, 0)), None);
        assert!(narrowing(&T::BigInt, &T::numeric(10, 0)).is_some());
        assert!(narrowing(&T::Text, &T::Integer).is_some());
        assert!(narrowing(&T::Custom("a".into()), &T::Custom("b".into())).is_some());
        assert_eq!(narrowing(&T::Date, &T::Timestamp), None);
        assert!(narrowing(&T::Timestamp, &T::Date).is_some());
        let e = |v: &[&str]| T::enumeration("e", v.iter().copied());
        assert_eq!(narrowing(&e(&["a"]), &e(&["a", "b"])), None);
        assert!(narrowing(&e(&["a", "b"]), &e(&["a"])).is_some());
        assert_eq!(narrowing(&e(&["ab"]), &T::Varchar(2)), None);
        assert!(narrowing(&e(&["abc"]), &T::Varchar(2)).is_some());
    }

    #[test]
    fn unnamed_constraints_match_by_content() {
        let n = |name: Option<&str>, body: &str| Named {
            name: name.map(str::to_owned),
            body: body.to_owned(),
        };
        // Unnamed on either side matches the same content.
        let m = |dropped: Vec<usize>, added: Vec<usize>, kept: Vec<(usize, usize)>| Matched {
            dropped,
            added,
            kept,
        };
        assert_eq!(
            match_named(&[n(Some("x"), "a")], &[n(None, "a")]),
            m(vec![], vec![], vec![(0, 0)])
        );
        // Both named differently: dropped and added.
        assert_eq!(
            match_named(&[n(Some("x"), "a")], &[n(Some("y"), "a")]),
            m(vec![0], vec![0], vec![])
        );
        // Same name, other content: dropped and added.
        assert_eq!(
            match_named(&[n(Some("x"), "a")], &[n(Some("x"), "b")]),
            m(vec![0], vec![0], vec![])
        );
    }
}
