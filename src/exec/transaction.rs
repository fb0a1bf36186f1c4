//! [`Transaction`]: a transaction or savepoint on a connection, rolled back when dropped.

use super::connection::{savepoint, ConnRef};
use super::Connection;
use crate::error::Result;
use std::fmt;
use std::ops::{Deref, DerefMut};

/// A transaction (or, nested, a savepoint). It rolls back when dropped uncommitted: the
/// rollback runs before the connection's next statement, or the connection is closed instead
/// of returning to the pool.
///
/// A `Transaction` dereferences to its [`Connection`], so every statement method is available
/// on it, and [`Connection::begin`] on it opens a savepoint.
///
/// ```no_run
/// # async fn demo(e: quarry::Engine) -> quarry::Result<()> {
/// use quarry::Executor;
/// let mut tx = e.begin().await?;
/// tx.execute("INSERT INTO t (id) VALUES (1)").await?;
/// {
///     let mut sp = tx.begin().await?;         // SAVEPOINT
///     sp.execute("INSERT INTO t (id) VALUES (2)").await?;
///     // dropped: rolled back to the savepoint
/// }
/// tx.commit().await?;                          // row 1 only
/// # Ok(()) }
/// ```
pub struct Transaction<'c> {
    pub(super) conn: ConnRef<'c>,
    pub(super) level: usize,
    pub(super) done: bool,
}

impl fmt::Debug for Transaction<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Transaction")
            .field("level", &self.level)
            .finish_non_exhaustive()
    }
}

impl Deref for Transaction<'_> {
    type Target = Connection;
    fn deref(&self) -> &Connection {
        match &self.conn {
            ConnRef::Owned(c) => c,
            ConnRef::Borrowed(c) => c,
        }
    }
}

impl DerefMut for Transaction<'_> {
    fn deref_mut(&mut self) -> &mut Connection {
        match &mut self.conn {
            ConnRef::Owned(c) => c,
            ConnRef::Borrowed(c) => c,
        }
    }
}

impl Transaction<'_> {
    async fn finish(mut self, commit: bool) -> Result<()> {
        let level = self.level;
        let (sql, what) = match (commit, level) {
            (true, 1) => ("COMMIT".to_owned(), "COMMIT"),
            (false, 1) => ("ROLLBACK".to_owned(), "ROLLBACK"),
            (true, _) => (
                format!("RELEASE SAVEPOINT {}", savepoint(level)),
                "RELEASE SAVEPOINT",
            ),
            (false, _) => {
                let sp = savepoint(level);
                (
                    format!("ROLLBACK TO SAVEPOINT {sp}; RELEASE SAVEPOINT {sp}"),
                    "ROLLBACK TO SAVEPOINT",
                )
            }
        };
        self.done = true;
        let conn: &mut Connection = &mut self;
        // The level ends here whatever follows: should this future be dropped mid-way, the
        // connection is left marked interrupted (see `Connection::control`), not one level deep
        // in a transaction the server may already have ended.
        conn.depth = level - 1;
        let out = match conn.settle().await {
            Ok(()) => conn.control(&sql, what, true).await,
            Err(e) => Err(e),
        };
        if out.is_err() {
            if level == 1 {
                // The server's transaction state is unknown (SQLite keeps a transaction open
                // after a failed COMMIT, PostgreSQL ends it): never reuse this connection.
                if let Some(inner) = conn.inner.as_mut() {
                    inner.discard();
                }
            } else {
                conn.pending_rollback = Some(conn.pending_rollback.map_or(level, |p| p.min(level)));
            }
        }
        out
    }

    /// Commits (or releases the savepoint).
    ///
    /// ```no_run
    /// # async fn demo(e: quarry::Engine) -> quarry::Result<()> {
    /// e.begin().await?.commit().await?;
    /// # Ok(()) }
    /// ```
    pub async fn commit(self) -> Result<()> {
        self.finish(true).await
    }

    /// Rolls back (to the savepoint, for a nested transaction).
    ///
    /// ```no_run
    /// # async fn demo(e: quarry::Engine) -> quarry::Result<()> {
    /// e.begin().await?.rollback().await?;
    /// # Ok(()) }
    /// ```
    pub async fn rollback(self) -> Result<()> {
        self.finish(false).await
    }
}

impl Drop for Transaction<'_> {
    fn drop(&mut self) {
        if !self.done {
            let level = self.level;
            let conn: &mut Connection = self;
            conn.depth = level - 1;
            conn.pending_rollback = Some(conn.pending_rollback.map_or(level, |p| p.min(level)));
        }
    }
}
