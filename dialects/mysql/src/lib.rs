//! # quarry-mysql
//!
//! The MySQL 8 and MariaDB backend of [quarry], over `mysql_async` with a bb8 pool.
//!
//! ```no_run
//! # async fn demo() -> quarry::Result<()> {
//! let engine = quarry_mysql::connect("mysql://root@127.0.0.1:3306/test").await?;
//! // The dialect follows the server: "mariadb" for MariaDB, "mysql" otherwise.
//! println!("{}", engine.dialect().name());
//! let rows = engine.fetch_all("SELECT 1 AS one").await?;
//! assert_eq!(rows[0].get::<i64>("one")?, 1);
//! # Ok(()) }
//! ```
//!
//! Or install the driver for URL dispatch through [`quarry::Engine::connect`]:
//!
//! ```no_run
//! # async fn demo() -> quarry::Result<()> {
//! quarry::install_drivers(&[&quarry_mysql::DRIVER]);
//! let engine = quarry::Engine::connect("mariadb://root@127.0.0.1:3306/test").await?;
//! # Ok(()) }
//! ```
//!
//! ## How statements run
//!
//! - `execute` without parameters uses the text protocol, so any statement (DDL included) runs;
//!   with parameters it prepares the statement (binary protocol). It returns the rows
//!   *matched* (connections set `CLIENT_FOUND_ROWS`, as PostgreSQL and SQLite count).
//! - `fetch_all` always prepares (mysql_async caches statements per connection), falling back
//!   to the text protocol for the few statements the server cannot prepare. Cells are decoded
//!   by the column's type, flags and character set (so both protocols decode alike):
//!
//! | MySQL column                                         | `quarry::Value` |
//! |------------------------------------------------------|-----------------|
//! | TINYINT … BIGINT, YEAR, BIT                           | `I64` (unsigned BIGINT above `i64::MAX` is a decode error) |
//! | FLOAT / DOUBLE                                       | `F32` / `F64`   |
//! | DECIMAL                                              | `Text` (exact)  |
//! | CHAR, VARCHAR, TEXT, ENUM, SET, JSON                 | `Text`          |
//! | DATE, DATETIME, TIMESTAMP, TIME                      | `Text`: `YYYY-MM-DD`, `YYYY-MM-DD HH:MM:SS[.ffffff]`, `[-]HH:MM:SS[.ffffff]` (digits as the column's precision) |
//! | BINARY, VARBINARY, BLOB (binary charset), GEOMETRY   | `Bytes`         |
//! | NULL                                                 | `Null` of the column's type |
//!
//!   BOOLEAN is TINYINT(1) and decodes as `I64`; `Row::get::<bool>` accepts 0 and 1.
//!   Parameters bind as: NULL → NULL, `Bool` → 0/1, integers, floats, `Text` → UTF-8 bytes,
//!   `Bytes` → bytes.
//! - `execute_script` sends the whole text at once (`mysql_async` enables
//!   `CLIENT_MULTI_STATEMENTS`).
//!
//! ## Pool
//!
//! At most 10 connections, no check on checkout, 30 s to wait for one
//! ([`quarry::Error::PoolTimeout`] after that). A connection whose statement was interrupted
//! (its future dropped), that met a fatal error, or that is left inside a transaction is
//! closed instead of being returned to the pool.
//!
//! ## Errors
//!
//! Server errors keep the errno as [`quarry::Error::code`]: 1062 is a unique violation,
//! 1451/1452/1216/1217 foreign-key, 1048/1364 not-null, 3819 (MySQL) and 4025 (MariaDB) check
//! violations, 1213 a deadlock; I/O failures and lost connections are connection errors.

#![forbid(unsafe_code)]
#![warn(missing_docs)]

mod backend;
mod error;
mod manager;
mod value;

pub use manager::{MySqlConnectionManager, PooledConn};
pub use quarry::{MariaDb, MySql};

use backend::{run_error, MySqlBackend};
use mysql_async::prelude::Queryable;
use quarry::{BoxFuture, Dialect, Engine, Result};
use std::time::Duration;

/// The most connections the pool opens.
const MAX_SIZE: u32 = 10;
/// How long a checkout waits for a connection.
const CONNECTION_TIMEOUT: Duration = Duration::from_secs(30);

/// The dialect for a server version string (`SELECT VERSION()`): MariaDB when it says so,
/// MySQL 8 otherwise.
///
/// ```
/// use quarry_mysql::dialect_for_version;
/// assert_eq!(dialect_for_version("10.11.19-MariaDB-0+deb12u1").name(), "mariadb");
/// assert_eq!(dialect_for_version("8.0.36").name(), "mysql");
/// ```
pub fn dialect_for_version(version: &str) -> &'static dyn Dialect {
    if version.to_ascii_lowercase().contains("mariadb") {
        &MariaDb
    } else {
        &MySql
    }
}

/// Reads `SELECT VERSION()` on a fresh connection.
async fn server_version(conn: &mut PooledConn) -> Result<String> {
    const SQL: &str = "SELECT VERSION()";
    let raw = conn
        .conn_mut()
        .query_iter(SQL)
        .await
        .map_err(error::map_connect_error)?
        .collect_and_drop::<mysql_async::Row>()
        .await
        .map_err(error::map_connect_error)?;
    let row = raw.into_iter().next().map(mysql_async::Row::unwrap_raw);
    match row.as_deref() {
        Some([Some(mysql_async::Value::Bytes(b)), ..]) => {
            Ok(String::from_utf8_lossy(b).into_owned())
        }
        _ => Err(quarry::Error::connection(
            "SELECT VERSION() returned no version string",
            None,
        )),
    }
}

/// Connects to a MySQL or MariaDB server and returns a pooled [`Engine`].
///
/// `url` is `mysql://user:password@host:port/database` (or `mariadb://…`), with any of
/// `mysql_async`'s URL options. One connection is opened right away, so an unreachable server
/// or wrong credentials fail here with a [`quarry::ErrorKind::Connection`] error, and its
/// `SELECT VERSION()` picks the dialect ([`MariaDb`] or [`MySql`]). A malformed URL is a
/// [`quarry::ErrorKind::Configuration`] error.
///
/// ```no_run
/// # async fn demo() -> quarry::Result<()> {
/// let engine = quarry_mysql::connect("mysql://root@127.0.0.1:3306/test").await?;
/// assert_eq!(engine.backend_name(), "mysql");
/// # Ok(()) }
/// ```
pub async fn connect(url: &str) -> Result<Engine> {
    let manager = MySqlConnectionManager::new(url)?;
    let mut first = manager.open().await?;
    let version = server_version(&mut first).await?;
    let dialect = dialect_for_version(&version);
    let pool = bb8::Pool::builder()
        .max_size(MAX_SIZE)
        .test_on_check_out(false)
        .connection_timeout(CONNECTION_TIMEOUT)
        .build_unchecked(manager);
    // The pool is empty and has room: this cannot fail, and if it did the connection would
    // simply be closed and another opened on demand.
    let _ = pool.add(first);
    drop(pool.get_owned().await.map_err(run_error)?);
    Ok(Engine::from_backend(MySqlBackend {
        pool,
        dialect,
        mariadb: dialect.name() == "mariadb",
    }))
}

/// The MySQL/MariaDB [`quarry::Driver`], for URL dispatch with [`quarry::install_drivers`];
/// it handles the `mysql` and `mariadb` schemes.
///
/// ```
/// use quarry::Driver;
/// assert_eq!(quarry_mysql::DRIVER.schemes(), ["mysql", "mariadb"]);
/// quarry::install_drivers(&[&quarry_mysql::DRIVER]);
/// ```
#[derive(Clone, Copy, Debug, Default)]
pub struct MySqlDriver;

/// The driver to install: `quarry::install_drivers(&[&quarry_mysql::DRIVER])`.
///
/// ```
/// quarry::install_drivers(&[&quarry_mysql::DRIVER]);
/// ```
pub static DRIVER: MySqlDriver = MySqlDriver;

impl quarry::Driver for MySqlDriver {
    fn schemes(&self) -> &'static [&'static str] {
        &["mysql", "mariadb"]
    }

    fn connect<'a>(&'a self, url: &'a str) -> BoxFuture<'a, Result<Engine>> {
        Box::pin(connect(url))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions() {
        assert_eq!(
            dialect_for_version("10.11.19-MariaDB-0+deb12u1").name(),
            "mariadb"
        );
        assert_eq!(dialect_for_version("11.4.2-MariaDB").name(), "mariadb");
        assert_eq!(
            dialect_for_version("5.5.5-10.6.12-MariaDB-log").name(),
            "mariadb"
        );
        assert_eq!(dialect_for_version("8.0.36").name(), "mysql");
        assert_eq!(dialect_for_version("8.4.0-commercial").name(), "mysql");
        assert_eq!(dialect_for_version("").name(), "mysql");
    }

    #[tokio::test]
    async fn malformed_url_is_configuration_error() {
        let e = connect("mysql://h/db?no_such_option=1").await.unwrap_err();
        assert_eq!(e.kind(), quarry::ErrorKind::Configuration);
    }

    #[tokio::test]
    async fn closed_port_is_connection_error() {
        let e = connect("mysql://root@127.0.0.1:1/test").await.unwrap_err();
        assert_eq!(e.kind(), quarry::ErrorKind::Connection, "{e}");
    }
}
