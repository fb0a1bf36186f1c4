//! The bb8 connection manager over `mysql_async::Conn`.

use crate::error::map_connect_error;
use mysql_async::consts::StatusFlags;
use mysql_async::prelude::Queryable;
use mysql_async::{Conn, Opts, OptsBuilder};
use quarry::{Error, Result};
use std::fmt;

/// A bb8 [`ManageConnection`](bb8::ManageConnection) opening `mysql_async` connections.
///
/// Every connection talks `utf8mb4` (`SET NAMES utf8mb4` when it opens) and reports *matched*
/// rows for `UPDATE` (`CLIENT_FOUND_ROWS`), as PostgreSQL and SQLite do. `mysql_async` announces
/// `CLIENT_MULTI_STATEMENTS`, so scripts may hold several statements. `mariadb://` URLs are
/// accepted as `mysql://`.
///
/// Most applications call [`crate::connect`]; the manager is public for building a pool with
/// other settings.
///
/// ```
/// use quarry_mysql::MySqlConnectionManager;
/// let m = MySqlConnectionManager::new("mariadb://root@localhost:3306/test").unwrap();
/// assert_eq!(m.opts().db_name(), Some("test"));
/// assert!(MySqlConnectionManager::new("mysql://[bad").is_err());
/// ```
#[derive(Clone)]
pub struct MySqlConnectionManager {
    opts: Opts,
}

impl fmt::Debug for MySqlConnectionManager {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // No password in debug output.
        f.debug_struct("MySqlConnectionManager")
            .field("host", &self.opts.ip_or_hostname())
            .field("port", &self.opts.tcp_port())
            .field("user", &self.opts.user())
            .field("db", &self.opts.db_name())
            .finish()
    }
}

/// `mariadb://…` (any case) becomes `mysql://…`, which is what `mysql_async` parses.
pub(crate) fn normalize_url(url: &str) -> String {
    match url.split_once(':') {
        Some((scheme, rest)) if scheme.eq_ignore_ascii_case("mariadb") => format!("mysql:{rest}"),
        Some((scheme, rest)) if scheme.eq_ignore_ascii_case("mysql") => format!("mysql:{rest}"),
        _ => url.to_owned(),
    }
}

impl MySqlConnectionManager {
    /// A manager for `url` (`mysql://user:password@host:port/db?options` or `mariadb://…`);
    /// a malformed URL is [`quarry::Error::Configuration`].
    ///
    /// ```
    /// let err = quarry_mysql::MySqlConnectionManager::new("postgres://x").unwrap_err();
    /// assert_eq!(err.kind(), quarry::ErrorKind::Configuration);
    /// ```
    pub fn new(url: &str) -> Result<Self> {
        let opts = Opts::from_url(&normalize_url(url))
            .map_err(|e| Error::Configuration(format!("invalid MySQL URL: {e}")))?;
        let opts = OptsBuilder::from_opts(opts)
            .init(vec!["SET NAMES utf8mb4"])
            .client_found_rows(true);
        Ok(MySqlConnectionManager { opts: opts.into() })
    }

    /// The driver options connections are opened with.
    ///
    /// ```
    /// let m = quarry_mysql::MySqlConnectionManager::new("mysql://u@db.example:3307/app").unwrap();
    /// assert_eq!(m.opts().tcp_port(), 3307);
    /// ```
    pub fn opts(&self) -> &Opts {
        &self.opts
    }

    /// Opens a connection now; every failure (refused, access denied, unknown database) is a
    /// [`quarry::ErrorKind::Connection`] error.
    pub(crate) async fn open(&self) -> Result<PooledConn> {
        let conn = Conn::new(self.opts.clone())
            .await
            .map_err(map_connect_error)?;
        let mut pooled = PooledConn {
            conn,
            busy: false,
            broken: false,
            in_transaction: false,
            autocommit: true,
        };
        pooled.after_success();
        Ok(pooled)
    }
}

/// A pooled `mysql_async` connection with the flags that keep a damaged one out of the pool.
///
/// ```no_run
/// # async fn demo() -> quarry::Result<()> {
/// use bb8::ManageConnection;
/// let m = quarry_mysql::MySqlConnectionManager::new("mysql://root@localhost/test")?;
/// let mut c = m.connect().await?;
/// let _driver_conn: &mut mysql_async::Conn = c.conn_mut();
/// # Ok(()) }
/// ```
pub struct PooledConn {
    conn: Conn,
    /// A statement was started and has not finished (its future was dropped mid-way).
    pub(crate) busy: bool,
    /// A fatal driver error was seen.
    pub(crate) broken: bool,
    /// The server said a transaction is open (status flags of the last OK packet).
    in_transaction: bool,
    /// The server said autocommit is on.
    autocommit: bool,
}

impl fmt::Debug for PooledConn {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PooledConn")
            .field("id", &self.conn.id())
            .field("busy", &self.busy)
            .field("broken", &self.broken)
            .field("in_transaction", &self.in_transaction)
            .finish()
    }
}

impl PooledConn {
    /// The driver connection.
    ///
    /// ```no_run
    /// # fn demo(c: &mut quarry_mysql::PooledConn) { let _ = c.conn_mut().id(); }
    /// ```
    pub fn conn_mut(&mut self) -> &mut Conn {
        &mut self.conn
    }

    /// Records the transaction state the server reported with the last statement's OK packet.
    pub(crate) fn after_success(&mut self) {
        if let Some(ok) = self.conn.last_ok_packet() {
            let flags = ok.status_flags();
            self.in_transaction = flags.contains(StatusFlags::SERVER_STATUS_IN_TRANS);
            self.autocommit = flags.contains(StatusFlags::SERVER_STATUS_AUTOCOMMIT);
        }
    }

    /// Records a failed statement. An error packet carries no status flags, so the state is
    /// kept (a transaction stays open) and, with autocommit off, assumed to be a transaction.
    pub(crate) fn after_error(&mut self, err: &mysql_async::Error) {
        if err.is_fatal() {
            self.broken = true;
        }
        if !self.autocommit {
            self.in_transaction = true;
        }
    }

    /// Whether the connection must not go back to the pool: a fatal error, an interrupted
    /// statement, a closed socket, or an open transaction (closing the connection rolls it
    /// back). The driver's last OK packet is consulted too, for statements run directly
    /// through [`PooledConn::conn_mut`].
    fn unusable(&self) -> bool {
        self.broken
            || self.busy
            || self.in_transaction
            || self.conn.is_disconnected()
            || self.conn.last_ok_packet().is_some_and(|ok| {
                ok.status_flags()
                    .contains(StatusFlags::SERVER_STATUS_IN_TRANS)
            })
    }
}

impl bb8::ManageConnection for MySqlConnectionManager {
    type Connection = PooledConn;
    type Error = Error;

    async fn connect(&self) -> Result<PooledConn> {
        self.open().await
    }

    async fn is_valid(&self, conn: &mut PooledConn) -> Result<()> {
        conn.conn
            .ping()
            .await
            .map_err(|e| Error::connection(format!("ping failed: {e}"), Some(Box::new(e))))
    }

    fn has_broken(&self, conn: &mut PooledConn) -> bool {
        conn.unusable()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls() {
        assert_eq!(normalize_url("mariadb://h/db"), "mysql://h/db");
        assert_eq!(normalize_url("MariaDB://h/db"), "mysql://h/db");
        assert_eq!(normalize_url("MYSQL://h/db"), "mysql://h/db");
        assert_eq!(normalize_url("sqlite::memory:"), "sqlite::memory:");
        assert!(MySqlConnectionManager::new("mariadb://root@127.0.0.1:3306/test").is_ok());
        let e = MySqlConnectionManager::new("not a url").unwrap_err();
        assert_eq!(e.kind(), quarry::ErrorKind::Configuration);
        let e = MySqlConnectionManager::new("mysql://h/db?no_such_option=1").unwrap_err();
        assert_eq!(e.kind(), quarry::ErrorKind::Configuration);
    }

    #[test]
    fn debug_hides_password() {
        let m = MySqlConnectionManager::new("mysql://u:secret@h/db").unwrap();
        assert!(!format!("{m:?}").contains("secret"));
    }
}
