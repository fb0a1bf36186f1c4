//! # quarry-mysql
//!
//! The MySQL 8 and MariaDB backend of [quarry], over `mysql_async` with a bb8 pool.
//!
//! ```no_run
//! # async fn demo() -> quarry::Result<()> {
//! use quarry::Executor;
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
//! let engine = quarry::Engine::connect("mariadb://root@127.0.0.1:3306/test?pool_max_size=4").await?;
//! # Ok(()) }
//! ```
//!
//! ## URL
//!
//! `mysql://user:password@host:port/database?options` (or `mariadb://…`). quarry's pool
//! options (`pool_max_size`, `pool_min_idle`, `pool_timeout`, `pool_idle_timeout`,
//! `pool_max_lifetime`, `pool_test_on_checkout`, `log_parameters`, `slow_statement_threshold`,
//! `statement_timeout`; see [`quarry::PoolOptions`])
//! are taken out first; the remaining options go to `mysql_async`:
//!
//! | option | meaning |
//! |--------|---------|
//! | `prefer_socket` (default `true`) | on a loopback address, switch to the server's Unix socket (`@@socket`) |
//! | `socket` | connect through this Unix socket path |
//! | `tcp_nodelay` (default `true`), `tcp_keepalive` (ms) | TCP settings |
//! | `stmt_cache_size` (default 256 here, must be ≥ 1) | prepared statements kept per connection |
//! | `max_allowed_packet`, `wait_timeout` | session variables set at connect |
//! | `compression` (`fast`, `best`, `on`, `0`–`9`) | protocol compression |
//! | `secure_auth`, `enable_cleartext_plugin` | authentication |
//! | `ssl-mode`, `ssl-ca`, `ssl-cert`, `ssl-key` | TLS, with MySQL's client names (below; read by quarry) |
//! | `require_ssl`, `verify_ca`, `verify_identity`, `built_in_roots` | `mysql_async`'s own spelling of TLS; not together with `ssl-mode` |
//! | `client_found_rows` | only `true` is accepted: it is always on |
//!
//! `mysql_async`'s own pool options (`pool_min`, `pool_max`, `conn_ttl`, `abs_conn_ttl`,
//! `abs_conn_ttl_jitter`, `inactive_connection_ttl`, `ttl_check_interval`,
//! `reset_connection`) and unknown options are [`quarry::ErrorKind::Configuration`] errors.
//! Every connection runs `SET NAMES utf8mb4`, whatever the URL says, and removes
//! `NO_BACKSLASH_ESCAPES` from its `sql_mode`: the string literals quarry writes into DDL and
//! `LIKE … ESCAPE` escape backslashes, as MySQL reads them by default. (Values are always
//! bound, so the mode never mattered for them.)
//!
//! ## TLS
//!
//! With the **`rustls`** feature (`quarry-mysql = { version = "…", features = ["rustls"] }`:
//! `mysql_async`'s rustls with the ring provider, no OpenSSL or cmake), the URL takes the
//! parameters of MySQL's clients (values in any case, percent-decoded):
//!
//! | `ssl-mode` | encrypted | server certificate checked |
//! |---|---|---|
//! | `DISABLED` (the default without `ssl-ca`) | never | — |
//! | `PREFERRED` | when the server offers TLS, else plain text | no |
//! | `REQUIRED` | always (a server without TLS is refused) | no |
//! | `VERIFY_CA` (the default with `ssl-ca`) | always | the chain up to `ssl-ca` |
//! | `VERIFY_IDENTITY` | always | the chain, and the URL's host name or IP address |
//!
//! - `ssl-ca`: a PEM file of root certificates; without it the verifying modes trust the
//!   Mozilla roots bundled with `mysql_async` (webpki-roots).
//! - `ssl-cert` and `ssl-key`: the client's PEM certificate and private key, for accounts
//!   created with `REQUIRE X509` (or `SUBJECT`/`ISSUER`). Both or neither.
//!
//! Unlike MySQL's own clients, the default is `DISABLED` rather than `PREFERRED`:
//! `mysql_async` cannot fall back within one handshake, so `PREFERRED` costs a second
//! connection attempt on every new connection to a server without TLS. Files are checked
//! when the engine is built (a missing one is a [`quarry::Error::Configuration`]); a
//! certificate that fails the check is a [`quarry::Error::Connection`] saying "the server's
//! certificate could not be verified" and why. With TLS on, `prefer_socket` defaults to
//! `false`: `mysql_async` moves a loopback connection onto the server's Unix socket, which it
//! does not encrypt (`socket` or `prefer_socket=true` with `REQUIRED` or stricter is refused).
//!
//! Known limitation: with `mysql_async` 0.37.1 and rustls 0.23, `VERIFY_CA` still compares the
//! host name (upstream issue blackbeam/mysql_async#404, fixed after that release), so it
//! behaves as `VERIFY_IDENTITY`: it fails closed, never unverified.
//!
//! ```no_run
//! # async fn demo() -> quarry::Result<()> {
//! let engine = quarry_mysql::connect(
//!     "mysql://app@db.example.com/app?ssl-mode=VERIFY_IDENTITY&ssl-ca=/etc/ssl/db-ca.pem\
//!      &ssl-cert=/etc/app/client.pem&ssl-key=/etc/app/client.key",
//! )
//! .await?;
//! # Ok(()) }
//! ```
//!
//! Without the feature, `ssl-mode=REQUIRED` and stricter, `ssl-ca`, `ssl-cert` and
//! `mysql_async`'s `require_ssl` are a [`quarry::Error::Configuration`] naming the feature
//! (`PREFERRED` connects in plain text).
//!
//! ```
//! # #[cfg(not(feature = "rustls"))] {
//! let err = quarry_mysql::MySqlConnectionManager::new("mysql://u@db/app?ssl-mode=REQUIRED").unwrap_err();
//! assert!(err.to_string().contains("`rustls` feature"));
//! # }
//! ```
//!
//! ## How statements run
//!
//! - Every statement is prepared (once per connection, then kept) and runs over the binary
//!   protocol, with or without parameters; the few statements the server cannot prepare fall
//!   back to the text protocol. One call runs one statement: the server refuses to prepare a
//!   text of several, so `execute("SELECT 1; DROP TABLE t")` fails as it does on PostgreSQL
//!   and SQLite; scripts go through `execute_script`. `execute` reports the rows *matched*
//!   (connections set `CLIENT_FOUND_ROWS`, as PostgreSQL and SQLite count) and the
//!   `AUTO_INCREMENT` id the statement generated (`None` when it generated none, or one above
//!   `i64::MAX`).
//! - `fetch_all` and streams use prepared statements the same way. Each connection keeps its
//!   prepared statements by SQL text (`stmt_cache_size`, 256 by default; the least recently
//!   used one is closed beyond that), so a statement is prepared once per connection and then
//!   costs one round trip. Row decoders (column names and
//!   types) are kept per result shape too.
//! - Rows are decoded as they are read, by the column's type, flags and character set (so
//!   both protocols decode alike):
//!
//! | MySQL column                                         | `quarry::Value` |
//! |------------------------------------------------------|-----------------|
//! | TINYINT … BIGINT, YEAR, BIT                          | `I64` (unsigned BIGINT above `i64::MAX` is a decode error) |
//! | FLOAT / DOUBLE                                       | `F32` / `F64`   |
//! | DECIMAL                                              | `Decimal` (exact) |
//! | JSON (MySQL)                                         | `Json`          |
//! | CHAR, VARCHAR, TEXT, ENUM, SET; MariaDB's JSON (a LONGTEXT) and UUID | `Text` (`Row::get` parses it into `Uuid`, `Json`, … as asked) |
//! | DATE                                                 | `Date` (the zero date `0000-00-00` is a decode error) |
//! | DATETIME, TIMESTAMP                                  | `Timestamp` (TIMESTAMP in the session time zone) |
//! | TIME                                                 | `Time`; a negative TIME or one of 24 hours or more is a decode error naming the column (read such intervals as text: `CAST(t AS CHAR)`) |
//! | BINARY, VARBINARY, BLOB (binary charset), GEOMETRY   | `Bytes`         |
//! | NULL                                                 | `Null` of the column's type |
//!
//!   BOOLEAN is TINYINT(1) and decodes as `I64`; `Row::get::<bool>` accepts 0 and 1.
//!   Parameters bind as: NULL → NULL, `Bool` → 0/1, integers, floats (NaN and ±infinity,
//!   which no MySQL or MariaDB column holds, are refused), `Text` and `Json` →
//!   UTF-8 text, `Bytes` → bytes, `Date` → a DATE (years 0 to 9999, others are refused),
//!   `Timestamp` → a DATETIME with microseconds, `TimestampTz` → its UTC date and time (the
//!   way quarry stores instants in `DATETIME(6)`), `Time` → a TIME, `Uuid` → its hyphenated
//!   text (what MariaDB's `UUID` and `CHAR(36)` columns take), `Decimal` → its exact text.
//!   An `Array` (a PostgreSQL-only parameter) is a [`quarry::Error::Unsupported`].
//! - `execute_script` sends the whole text at once over the text protocol (`mysql_async`
//!   enables `CLIENT_MULTI_STATEMENTS`): the one call that runs several statements.
//! - After a lost connection, the first statement of a checkout runs again on another
//!   connection only when it provably never reached the server, or when running it twice is
//!   harmless (the start of a transaction, which the core sends through
//!   `BackendConnection::begin`); a `SELECT` may have side effects (`NEXTVAL`, a
//!   function, `FOR UPDATE`), so its loss is reported as a connection error.
//!
//! ## Streams
//!
//! A stream sends the query when first polled and then reads and decodes one row per poll:
//! memory stays constant whatever the result's size (the rest waits in the socket, and the
//! server waits for the socket). An engine's stream ([`quarry::Executor::stream`]) owns its pooled
//! connection and returns it to the pool as soon as the last row is read. It runs in the
//! task that polls it: no task or channel sits between the socket and the consumer, so a row
//! costs no hand-off between threads (the driver reads ahead whatever the socket holds).
//!
//! A stream dropped before its end leaves rows unread on the wire, and a connection in that
//! state is never handed to another user: the pool closes it instead (`mysql_async` reads the
//! rest and says goodbye in a background task, while the pool is free to open a replacement),
//! and a [`quarry::Connection`] that goes on being used after dropping its stream reads and
//! drops the rest before its next statement. A stream that fails ends after yielding the error.
//!
//! ## Pool
//!
//! Every [`quarry::PoolOptions`] field is applied to bb8 (defaults: at most 10 connections,
//! none kept idle on purpose, 30 s to wait for one before [`quarry::Error::PoolTimeout`],
//! idle ones closed after 10 minutes, every one after 30, no ping on checkout; `0` for the
//! idle timeout or the lifetime means "never"). The connection returned last is handed out
//! first (LIFO): its server thread and caches are warm, and connections the load does not
//! need stay idle long enough to be closed. [`connect`] opens one connection right away, so
//! a wrong URL, an unreachable server or bad credentials fail there. A connection is closed instead of being returned to the pool when a statement
//! on it was interrupted (its future dropped before the server's reply was read: the same
//! [`quarry::Connection`] then refuses further statements with a connection error), when it
//! met a fatal error, when it has unread rows, or when the server's status flags say a
//! transaction is open or autocommit is off. Other session state (user variables, temporary
//! tables, `SET SESSION`) stays with the connection, as in any pool.
//!
//! The connection returned last, if bb8 would keep it, waits beside the pool for the next
//! caller ([`quarry::backend::Lane`]), which then skips bb8's checkout and return (a timeout
//! future, a lock, three clock readings). It counts against `max_size` and as idle in
//! [`quarry::Engine::pool_state`]; while any caller waits on the pool, returned connections go
//! to the pool; `idle_timeout` and `max_lifetime` are checked when it is taken, and by a
//! reaper task of the lane's own while nothing runs (bb8's reaper does not see it); with
//! `pool_test_on_checkout` every checkout goes through bb8.
//!
//! Without a ping on checkout, a connection the server closed while it sat in the pool
//! (`KILL`, `wait_timeout`, a restart) is found out by the first statement of the checkout;
//! that statement then moves to another connection when it provably never reached the server
//! (the write failed, as it does on the Unix socket used by default for local servers), or
//! when it changes nothing (the start of a transaction) and the connection
//! closed before any reply. Other statements report the connection error; set
//! `pool_test_on_checkout` to rule this out at the cost of a round trip per checkout.
//!
//! ## Errors
//!
//! Server errors keep the errno as [`quarry::Error::code`]: 1062 is a unique violation,
//! 1451/1452/1216/1217 foreign-key, 1048/1364 not-null, 3819 (MySQL) and 4025 (MariaDB) check
//! violations, 1213 a deadlock and 1020 a serialization failure (both
//! [`quarry::Error::is_retryable`]); I/O failures and lost connections are connection errors.

#![forbid(unsafe_code)]
#![warn(missing_docs)]

mod backend;
mod bind;
mod cache;
mod decode;
mod error;
mod pool;
mod tls;

pub use pool::{MySqlConnectionManager, PooledConn, DEFAULT_STMT_CACHE_SIZE};
pub use quarry::{MariaDb, MySql};

use quarry::backend::BoxFuture;
use quarry::{Dialect, Engine, PoolOptions, Result};

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

/// Connects to a MySQL or MariaDB server and returns a pooled [`Engine`], with pool options
/// from the URL's `pool_*` parameters (see [`quarry::PoolOptions`]) and defaults otherwise.
///
/// One connection is opened right away, so an unreachable server or wrong credentials fail
/// here with a [`quarry::ErrorKind::Connection`] error, and its `SELECT VERSION()` picks the
/// dialect ([`MariaDb`] or [`MySql`]). A malformed URL is a
/// [`quarry::ErrorKind::Configuration`] error. The URL's options are listed at the crate root.
///
/// ```no_run
/// # async fn demo() -> quarry::Result<()> {
/// let engine = quarry_mysql::connect("mysql://root@127.0.0.1:3306/test?pool_max_size=8").await?;
/// assert_eq!(engine.backend_name(), "mysql");
/// # Ok(()) }
/// ```
pub async fn connect(url: &str) -> Result<Engine> {
    let (url, options) = PoolOptions::default().apply_url(url)?;
    connect_with(&url, &options).await
}

/// Connects with explicit pool options (what [`quarry::Engine::builder`] calls through
/// [`DRIVER`]); `url` must not hold `pool_*` parameters any more.
///
/// ```no_run
/// # async fn demo() -> quarry::Result<()> {
/// let (url, mut options) = quarry::PoolOptions::default()
///     .apply_url("mysql://root@127.0.0.1:3306/test?pool_timeout=5")?;
/// options.max_size = 4;
/// let engine = quarry_mysql::connect_with(&url, &options).await?;
/// # Ok(()) }
/// ```
pub async fn connect_with(url: &str, options: &PoolOptions) -> Result<Engine> {
    Ok(Engine::from_backend(pool::build(url, options).await?)
        .with_log_parameters(options.log_parameters)
        .with_slow_statement_threshold(options.slow_statement_threshold))
}

/// The MySQL/MariaDB [`quarry::backend::Driver`], for URL dispatch with [`quarry::install_drivers`];
/// it handles the `mysql` and `mariadb` schemes.
///
/// ```
/// use quarry::backend::Driver;
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

impl quarry::backend::Driver for MySqlDriver {
    fn schemes(&self) -> &'static [&'static str] {
        &["mysql", "mariadb"]
    }

    fn connect<'a>(
        &'a self,
        url: &'a str,
        options: &'a PoolOptions,
    ) -> BoxFuture<'a, Result<Engine>> {
        Box::pin(connect_with(url, options))
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
        let e = connect("mysql://h/db?pool_max_size=0").await.unwrap_err();
        assert_eq!(e.kind(), quarry::ErrorKind::Configuration);
    }

    #[tokio::test]
    async fn closed_port_is_connection_error() {
        let e = connect("mysql://root@127.0.0.1:1/test").await.unwrap_err();
        assert_eq!(e.kind(), quarry::ErrorKind::Connection, "{e}");
    }
}
