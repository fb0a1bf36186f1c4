//! Running a DDL plan (the statements of an `ALTER TABLE`, later of a migration) as safely as
//! each database allows:
//! - PostgreSQL: one transaction, all or nothing;
//! - SQLite: one transaction too, with foreign-key enforcement switched off around it (a table
//!   rebuild drops and re-creates a table others may reference, and `PRAGMA foreign_keys`
//!   cannot change inside a transaction) and `PRAGMA foreign_key_check` before the commit:
//!   a row it reports rolls everything back. The pragma is restored afterwards, also on
//!   failure;
//! - MySQL and MariaDB commit each DDL statement as it runs: the statements run one by one and
//!   the first failure stops the plan with [`Error::PartiallyApplied`], naming what ran.

use super::{Connection, Engine};
use crate::compile::{AlterStyle, Compiled, EnumStyle};
use crate::error::{Error, ErrorKind, Result};
use crate::schema::{EnumType, SqlType};
use crate::stmt::alter::{AlterOp, AlterTable};
use crate::stmt::ddl::CreateType;
use std::ops::{Deref, DerefMut};

/// Runs `statements` on `conn` (see the module docs); returns how many ran.
pub(crate) async fn apply_ddl(conn: &mut Connection, statements: &[Compiled]) -> Result<usize> {
    if statements.is_empty() {
        return Ok(0);
    }
    let f = conn.dialect().features();
    if !f.transactional_ddl {
        if conn.transaction_depth() > 0 {
            return Err(Error::InvalidStatement(format!(
                "{} commits the open transaction at the first DDL statement: run DDL outside \
                 a transaction",
                conn.dialect().name()
            )));
        }
        return one_by_one(conn, statements).await;
    }
    if f.alter != AlterStyle::Rebuild {
        return in_transaction(conn, statements, false).await;
    }
    if conn.transaction_depth() > 0 {
        return Err(Error::InvalidStatement(
            "SQLite's DDL plan switches foreign-key enforcement off, which cannot change inside \
             a transaction: run it outside one"
                .into(),
        ));
    }
    let enforced = conn
        .fetch_sql("PRAGMA foreign_keys", &[])
        .await?
        .first()
        .map(|r| r.get::<i64>(0))
        .transpose()?
        == Some(1);
    if !enforced {
        // The connection does not enforce foreign keys: nothing to switch off, nor to check.
        return in_transaction(conn, statements, false).await;
    }
    conn.run_script("PRAGMA foreign_keys = OFF").await?;
    // Should this future be dropped before enforcement is back on, the connection is closed
    // rather than pooled with foreign keys off.
    let mut guard = Restore { conn, armed: true };
    let out = in_transaction(&mut guard, statements, true).await;
    let restored = guard.run_script("PRAGMA foreign_keys = ON").await;
    guard.armed = restored.is_err();
    match (out, restored) {
        (Ok(n), Ok(())) => Ok(n),
        (Err(e), _) | (Ok(_), Err(e)) => Err(e),
    }
}

/// Discards the connection when dropped armed (see [`apply_ddl`]).
struct Restore<'c> {
    conn: &'c mut Connection,
    armed: bool,
}

impl Deref for Restore<'_> {
    type Target = Connection;
    fn deref(&self) -> &Connection {
        self.conn
    }
}

impl DerefMut for Restore<'_> {
    fn deref_mut(&mut self) -> &mut Connection {
        self.conn
    }
}

impl Drop for Restore<'_> {
    fn drop(&mut self) {
        if self.armed {
            if let Some(inner) = self.conn.inner.as_mut() {
                inner.discard();
            }
        }
    }
}

/// All statements in one transaction; with `check`, `PRAGMA foreign_key_check` before COMMIT
/// (SQLite).
async fn in_transaction(
    conn: &mut Connection,
    statements: &[Compiled],
    check: bool,
) -> Result<usize> {
    let mut tx = conn.begin().await?;
    for s in statements {
        if let Err(e) = tx.execute_compiled(s).await {
            return Err(rolled_back(tx.rollback().await, e));
        }
    }
    if check {
        let sql = "PRAGMA foreign_key_check";
        let rows = match tx.fetch_sql(sql, &[]).await {
            Ok(rows) => rows,
            Err(e) => return Err(rolled_back(tx.rollback().await, e)),
        };
        if let Some(row) = rows.first() {
            let table: String = row.get(0).unwrap_or_default();
            let parent: String = row.get(2).unwrap_or_default();
            let e = Error::database(
                ErrorKind::ForeignKeyViolation,
                "787",
                format!(
                    "after the DDL, {} row(s) violate foreign keys, the first of table {table} \
                     (referencing {parent}); nothing was changed",
                    rows.len()
                ),
                Some(sql),
            );
            return Err(rolled_back(tx.rollback().await, e));
        }
    }
    tx.commit().await?;
    Ok(statements.len())
}

/// `cause`, unless the rollback after it failed too (then the connection is the problem).
fn rolled_back(rollback: Result<()>, cause: Error) -> Error {
    match rollback {
        Ok(()) => cause,
        Err(e) if e.is_connection_error() => e,
        Err(_) => cause,
    }
}

/// Each statement on its own; the first failure after one ran is [`Error::PartiallyApplied`].
async fn one_by_one(conn: &mut Connection, statements: &[Compiled]) -> Result<usize> {
    for (i, s) in statements.iter().enumerate() {
        if let Err(e) = conn.execute_compiled(s).await {
            if i == 0 {
                return Err(e);
            }
            return Err(Error::PartiallyApplied {
                statements: statements.iter().map(|c| c.sql.clone()).collect(),
                failed: i,
                source: Box::new(e),
            });
        }
    }
    Ok(statements.len())
}

impl Engine {
    /// Compiles `alter` for the engine's dialect and runs it on one connection: in one
    /// transaction on PostgreSQL and SQLite (all or nothing; on SQLite with foreign-key
    /// enforcement off around a table rebuild and `PRAGMA foreign_key_check` before the
    /// commit), statement by statement on MySQL and MariaDB, which commit each DDL statement:
    /// a failure after the first is [`Error::PartiallyApplied`], naming what ran. On
    /// PostgreSQL an enum type a column takes that does not exist yet is created first, in the
    /// same transaction.
    ///
    /// ```no_run
    /// use quarry::{AlterTable, ColumnDef, SqlType, Table};
    /// # async fn demo(engine: quarry::Engine) -> quarry::Result<()> {
    /// let users = Table::new("users").column(ColumnDef::new("id", SqlType::BigInt).primary_key());
    /// engine
    ///     .alter(&AlterTable::new(&users).add_column(ColumnDef::new("email", SqlType::Varchar(200))))
    ///     .await?;
    /// # Ok(()) }
    /// ```
    pub async fn alter(&self, alter: &AlterTable) -> Result<()> {
        let mut conn = self.acquire().await?;
        conn.alter(alter).await
    }
}

impl Connection {
    /// [`Engine::alter`] on this connection (outside a transaction on SQLite, MySQL and
    /// MariaDB; inside one on PostgreSQL it runs in a savepoint).
    ///
    /// ```no_run
    /// use quarry::{AlterTable, ColumnDef, SqlType, Table};
    /// # async fn demo(engine: quarry::Engine) -> quarry::Result<()> {
    /// let t = Table::new("t").column(ColumnDef::new("a", SqlType::Integer));
    /// let mut conn = engine.acquire().await?;
    /// conn.alter(&AlterTable::new(&t).rename_column("a", "b")).await?;
    /// # Ok(()) }
    /// ```
    pub async fn alter(&mut self, alter: &AlterTable) -> Result<()> {
        let d = self.dialect();
        let changes = alter.compile(d)?;
        let mut statements = Vec::new();
        if d.features().enum_style == EnumStyle::NamedType {
            for e in new_enums(alter) {
                if !self.has_type(e.schema.as_deref(), &e.name).await? {
                    statements.push(CreateType::new(e).compile(d)?);
                }
            }
        }
        statements.extend(changes);
        apply_ddl(self, &statements).await.map(|_| ())
    }
}

/// The enum types columns take in `alter`'s changes, each once.
fn new_enums(alter: &AlterTable) -> Vec<&EnumType> {
    let mut out: Vec<&EnumType> = Vec::new();
    for op in alter.ops() {
        let ty = match op {
            AlterOp::AddColumn(c) => &c.sql_type,
            AlterOp::AlterType { to, .. } => to,
            _ => continue,
        };
        if let SqlType::Enum(e) = ty {
            if !out.iter().any(|o| o.name == e.name && o.schema == e.schema) {
                out.push(e);
            }
        }
    }
    out
}
