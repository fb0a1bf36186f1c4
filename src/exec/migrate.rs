//! [`Engine::migrate_to`]: bring a live database to a declared schema.
//!
//! The database is reflected ([`Engine::reflect`]), the declared metadata normalised to what
//! the dialect stores ([`normalize`]), the two diffed ([`Diff`]) and the changes rendered
//! to DDL. Changes that can lose data are refused unless allowed; a dry run stops there.
//! Otherwise the plan is applied: in one transaction on PostgreSQL and SQLite (all or nothing;
//! SQLite's table rebuilds run with foreign-key enforcement off and a `foreign_key_check`
//! before the commit), statement by statement on MariaDB and MySQL, whose DDL commits
//! implicitly: there the first failure stops the run and the error
//! ([`Error::PartiallyApplied`]) says which steps stay applied.
//!
//! Expressions the database stores in its own words are compared by name, not by text: a
//! check constraint, a partial index's predicate and a default expression (not a literal
//! default) that the database has under the same name (for a default: on the same column) are
//! taken as unchanged, because the database prints them its own way (PostgreSQL adds casts
//! and parentheses, MariaDB lower-cases keywords). To change one, give the check or the index
//! a new name (a default: drop it in one migration, set it in the next), as with Alembic,
//! which does not compare them at all by default.

use super::ddl_plan::apply_ddl;
use super::engine::Engine;
use super::executor::Executor;
use super::reflect::ReflectOptions;
use crate::compile::normalize::normalize;
use crate::compile::Compiled;
use crate::error::{Error, Result};
use crate::schema::{MetaData, ServerDefault, Table};
use crate::stmt::alter::AlterOp;
use crate::stmt::diff::{format_plan, Diff, RenameHints, SchemaChange};
use std::fmt;

/// How [`Engine::migrate_to`] plans and applies.
///
/// ```
/// use quarry::migrate::{MigrateOptions, ReflectOptions};
/// let opts = MigrateOptions::new()
///     .allow_destructive(true)
///     .rename_column("users", "mail", "email")
///     .scope(ReflectOptions::new().prefix("app_"))
///     .dry_run(true);
/// assert!(opts.is_dry_run());
/// ```
#[derive(Clone, Debug, Default)]
pub struct MigrateOptions {
    allow_destructive: bool,
    dry_run: bool,
    renames: RenameHints,
    scope: ReflectOptions,
}

impl MigrateOptions {
    /// Destructive changes refused, applied for real, no renames, every table of the
    /// connection's schema in scope.
    ///
    /// ```
    /// assert!(!quarry::migrate::MigrateOptions::new().is_dry_run());
    /// ```
    pub fn new() -> Self {
        MigrateOptions::default()
    }

    /// Allows changes that can lose data: dropping a table or a column, narrowing a type,
    /// `NOT NULL` on an existing column (see [`SchemaChange::destructive`]).
    ///
    /// ```
    /// let o = quarry::migrate::MigrateOptions::new().allow_destructive(true);
    /// # let _ = o;
    /// ```
    pub fn allow_destructive(mut self, yes: bool) -> Self {
        self.allow_destructive = yes;
        self
    }

    /// Plans without touching the database: the report holds the changes and the SQL.
    ///
    /// ```
    /// assert!(quarry::migrate::MigrateOptions::new().dry_run(true).is_dry_run());
    /// ```
    pub fn dry_run(mut self, yes: bool) -> Self {
        self.dry_run = yes;
        self
    }

    /// Whether this is a dry run.
    ///
    /// ```
    /// assert!(!quarry::migrate::MigrateOptions::new().is_dry_run());
    /// ```
    pub fn is_dry_run(&self) -> bool {
        self.dry_run
    }

    /// Says that table `from` (in the database) is `to` (in the metadata): renamed, not
    /// dropped and created. Renames are never guessed.
    ///
    /// ```
    /// let o = quarry::migrate::MigrateOptions::new().rename_table("customer", "customers");
    /// # let _ = o;
    /// ```
    pub fn rename_table(mut self, from: impl Into<String>, to: impl Into<String>) -> Self {
        self.renames.tables.push((from.into(), to.into()));
        self
    }

    /// Says that column `from` of `table` (the table's name in the metadata) is `to`.
    ///
    /// ```
    /// let o = quarry::migrate::MigrateOptions::new().rename_column("users", "mail", "email");
    /// # let _ = o;
    /// ```
    pub fn rename_column(
        mut self,
        table: impl Into<String>,
        from: impl Into<String>,
        to: impl Into<String>,
    ) -> Self {
        self.renames
            .columns
            .push((table.into(), from.into(), to.into()));
        self
    }

    /// The tables the migration manages (by default every table of the connection's schema):
    /// a table of the database outside the scope is neither compared nor dropped. Tables named
    /// with [`ReflectOptions::only`] need not exist yet. The scope should cover the
    /// metadata's tables: one outside it is planned as new.
    ///
    /// ```
    /// use quarry::migrate::{MigrateOptions, ReflectOptions};
    /// let o = MigrateOptions::new().scope(ReflectOptions::new().prefix("billing_"));
    /// # let _ = o;
    /// ```
    pub fn scope(mut self, scope: ReflectOptions) -> Self {
        self.scope = scope;
        self
    }
}

/// What [`Engine::migrate_to`] planned and did. `Display` prints the plan and its SQL.
///
/// ```no_run
/// # async fn demo(e: quarry::Engine, md: quarry::MetaData) -> quarry::Result<()> {
/// use quarry::migrate::MigrateOptions;
/// let report = e.migrate_to(&md, &MigrateOptions::new().dry_run(true)).await?;
/// println!("{report}");
/// # Ok(()) }
/// ```
#[derive(Clone, Debug)]
pub struct MigrationReport {
    changes: Vec<SchemaChange>,
    statements: Vec<Compiled>,
    applied: bool,
}

impl MigrationReport {
    /// The changes, in the order they are applied.
    ///
    /// ```no_run
    /// # fn demo(r: quarry::migrate::MigrationReport) {
    /// for change in r.changes() {
    ///     println!("{change}");
    /// }
    /// # }
    /// ```
    pub fn changes(&self) -> &[SchemaChange] {
        &self.changes
    }

    /// The DDL statements for the engine's dialect, in order.
    ///
    /// ```no_run
    /// # fn demo(r: quarry::migrate::MigrationReport) {
    /// for stmt in r.statements() {
    ///     println!("{};", stmt.sql);
    /// }
    /// # }
    /// ```
    pub fn statements(&self) -> &[Compiled] {
        &self.statements
    }

    /// Whether the statements ran (`false` for a dry run, and when there was nothing to do).
    ///
    /// ```no_run
    /// # fn demo(r: quarry::migrate::MigrationReport) {
    /// assert!(!r.applied() || !r.is_empty());
    /// # }
    /// ```
    pub fn applied(&self) -> bool {
        self.applied
    }

    /// Whether the database already matched: no change planned.
    ///
    /// ```no_run
    /// # fn demo(r: quarry::migrate::MigrationReport) {
    /// if r.is_empty() { println!("up to date"); }
    /// # }
    /// ```
    pub fn is_empty(&self) -> bool {
        self.changes.is_empty()
    }
}

impl fmt::Display for MigrationReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.changes.is_empty() {
            return f.write_str("nothing to do: the database matches the metadata");
        }
        f.write_str(&format_plan(&self.changes))?;
        f.write_str("\nSQL:\n")?;
        for s in &self.statements {
            writeln!(f, "{};", s.sql)?;
        }
        if !self.applied {
            f.write_str("(not applied)")?;
        }
        Ok(())
    }
}

impl Engine {
    /// Brings the database to `target`: reflects the tables in scope, diffs them against
    /// `target` (normalised for the dialect) and applies the changes.
    ///
    /// Refuses a plan with destructive changes ([`crate::ErrorKind::Destructive`]) unless
    /// [`MigrateOptions::allow_destructive`]. PostgreSQL and SQLite apply the plan in one
    /// transaction (on PostgreSQL, values added to an enum type commit first, in a
    /// transaction of their own: a new value cannot be used in the transaction that adds it;
    /// should the rest fail, they stay, unused); MariaDB and MySQL stop at the first failing
    /// statement with [`Error::PartiallyApplied`] naming the steps that ran.
    ///
    /// ```
    /// use quarry::{ColumnDef, Engine, MetaData, SqlType, Table};
    /// use quarry::migrate::MigrateOptions;
    /// # tokio::runtime::Runtime::new().unwrap().block_on(async {
    /// # quarry::install_drivers(&[&quarry_sqlite::DRIVER]);
    /// let engine = Engine::connect("sqlite::memory:").await?;
    /// let v1 = MetaData::new().with(Table::new("notes").column(ColumnDef::new("id", SqlType::BigInt).primary_key()));
    /// engine.migrate_to(&v1, &MigrateOptions::new()).await?;
    /// let v2 = MetaData::new().with(
    ///     Table::new("notes")
    ///         .column(ColumnDef::new("id", SqlType::BigInt).primary_key())
    ///         .column(ColumnDef::new("body", SqlType::Text)),
    /// );
    /// let report = engine.migrate_to(&v2, &MigrateOptions::new()).await?;
    /// assert_eq!(report.statements()[0].sql, "ALTER TABLE notes ADD COLUMN body TEXT");
    /// assert!(engine.migrate_to(&v2, &MigrateOptions::new()).await?.is_empty());
    /// # Ok::<_, quarry::Error>(()) }).unwrap();
    /// ```
    pub async fn migrate_to(
        &self,
        target: &MetaData,
        options: &MigrateOptions,
    ) -> Result<MigrationReport> {
        let d = self.dialect();
        // Tables named in the scope that do not exist yet are for the plan to create, not an
        // error: read the schema (or prefix) and keep the named ones.
        let scope = &options.scope;
        let mut read = ReflectOptions::new();
        if let Some(s) = scope.schema_name() {
            read = read.schema(s);
        }
        if let Some(p) = scope.table_prefix() {
            read = read.prefix(p);
        }
        let current = self.reflect(&read).await?;
        let current = match scope.tables() {
            None => current,
            Some(only) => current
                .tables()
                .iter()
                .filter(|t| only.contains(&t.name))
                .fold(MetaData::new(), |md, t| md.with(t.clone())),
        };
        let target = adopt_database_spelling(&current, normalize(target, d), options);
        let changes = Diff::new(&current, &target)
            .with_hints(&options.renames)
            .changes()?;
        if !options.allow_destructive {
            let mut refused: Vec<String> = changes.iter().filter_map(|c| c.destructive()).collect();
            for (table, column, shown) in not_null_targets(&changes) {
                let probe = crate::compile::ddl::compile(d, |w| {
                    w.push("SELECT 1 FROM ");
                    w.push_qualified(table.schema.as_deref(), &table.name);
                    w.push(" WHERE ");
                    w.push_ident(&column);
                    w.push(" IS NULL LIMIT 1");
                    Ok(())
                })?;
                if self.fetch_optional(probe.sql.as_str()).await?.is_some() {
                    refused.push(format!("sets {shown} NOT NULL while it holds NULLs"));
                }
            }
            if !refused.is_empty() {
                return Err(Error::Destructive { changes: refused });
            }
        }
        let mut statements = Vec::new();
        // The statements up to the last one that adds values to an enum type: PostgreSQL
        // cannot use a new enum value in the transaction that adds it, so they commit first.
        let mut enum_head = 0;
        for c in &changes {
            statements.extend(c.statements(d)?);
            if matches!(c, SchemaChange::AlterEnum { .. }) {
                enum_head = statements.len();
            }
        }
        let mut report = MigrationReport {
            changes,
            statements,
            applied: false,
        };
        if options.dry_run || report.statements.is_empty() {
            return Ok(report);
        }
        let mut conn = self.acquire().await?;
        let (head, rest) = report.statements.split_at(enum_head);
        apply_ddl(&mut conn, head).await?;
        apply_ddl(&mut conn, rest).await?;
        report.applied = true;
        Ok(report)
    }
}

/// The columns the changes make NOT NULL, as the database names them before the plan runs
/// (table renames and earlier column renames undone), with the name shown to the user.
fn not_null_targets(changes: &[SchemaChange]) -> Vec<(Table, String, String)> {
    let mut out = Vec::new();
    for c in changes {
        let SchemaChange::Alter(a) = c else { continue };
        let mut table = a.table().clone();
        // A table renamed by an earlier change still has its old name in the database.
        for r in changes {
            if let SchemaChange::RenameTable { table: old, to } = r {
                if *to == table.name && old.schema == table.schema {
                    table.name = old.name.clone();
                }
            }
        }
        for (i, op) in a.ops().iter().enumerate() {
            let AlterOp::SetNullable {
                column,
                nullable: false,
            } = op
            else {
                continue;
            };
            let mut name = column.clone();
            for earlier in a.ops()[..i].iter().rev() {
                if let AlterOp::RenameColumn { from, to } = earlier {
                    if *to == name {
                        name = from.clone();
                    }
                }
            }
            let shown = format!("{}.{column}", a.table().full_name());
            out.push((table.clone(), name, shown));
        }
    }
    out
}

/// `target` with the text of each check constraint, partial-index predicate and default
/// expression replaced by the database's own spelling where the database has the same one by
/// name (see the module documentation).
fn adopt_database_spelling(
    current: &MetaData,
    target: MetaData,
    options: &MigrateOptions,
) -> MetaData {
    let mut out = MetaData::new();
    for mut t in target.tables().iter().cloned() {
        let old_name = options.renames.old_table(&t).to_owned();
        let Some(db) = current.table_in(t.schema.as_deref(), &old_name) else {
            out = out.with(t);
            continue;
        };
        for ck in &mut t.checks {
            if let Some(have) = db
                .checks
                .iter()
                .find(|c| c.name.is_some() && c.name == ck.name)
            {
                ck.expr.clone_from(&have.expr);
            }
        }
        for ix in &mut t.indexes {
            if let (Some(have), Some(_)) = (
                db.indexes.iter().find(|i| i.name == ix.name),
                ix.filter.as_ref(),
            ) {
                if have.filter.is_some() {
                    ix.filter.clone_from(&have.filter);
                }
            }
        }
        for c in &mut t.columns {
            let old_col = options.renames.old_column(&t.name, &old_name, &c.name);
            let Some(have) = db.get_column(old_col) else {
                continue;
            };
            if let (Some(ServerDefault::Expression(_)), Some(ServerDefault::Expression(theirs))) =
                (&c.server_default, &have.server_default)
            {
                c.server_default = Some(ServerDefault::Expression(theirs.clone()));
            }
        }
        out = out.with(t);
    }
    out
}
