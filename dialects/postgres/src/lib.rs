//! # quarry-postgres
//!
//! The PostgreSQL backend of [quarry](quarry): a bb8 pool of tokio-postgres connections (no
//! TLS), typed parameter binding, row decoding and SQLSTATE → [`quarry::ErrorKind`] mapping.
//! SQL text always comes from the core compiler; this crate only runs it.
//!
//! ```no_run
//! use quarry_postgres::Postgres; // the dialect, re-exported so one `use` suffices
//! # async fn demo() -> quarry::Result<()> {
//! let engine = quarry_postgres::connect("postgres://postgres@localhost:5432/app").await?;
//! let rows = engine
//!     .fetch_all(quarry::Compiled { sql: "SELECT $1::int8 AS n".into(), params: vec![42_i64.into()] })
//!     .await?;
//! assert_eq!(rows[0].get::<i64>("n")?, 42);
//! # let _ = Postgres;
//! # Ok(()) }
//! ```
//!
//! Or install the driver and connect by URL:
//!
//! ```no_run
//! # async fn demo() -> quarry::Result<()> {
//! quarry::install_drivers(&[&quarry_postgres::DRIVER]);
//! let engine = quarry::Engine::connect("postgresql://postgres@localhost/app").await?;
//! # Ok(()) }
//! ```
//!
//! ## Pool
//!
//! [`connect`] builds a pool of at most 10 connections (see [`pool_builder`]) and opens one
//! connection at once, so a wrong URL, an unreachable server or bad credentials fail there with
//! [`quarry::Error::Connection`]. Checked-out connections are not pinged; a connection whose
//! client is closed, or whose statement future was dropped midway, is discarded when it comes
//! back. Waiting more than 30 seconds for a free connection is [`quarry::Error::PoolTimeout`].
//!
//! ## Parameters and results
//!
//! Every [`quarry::Value`] is bound with its exact PostgreSQL type, in one round trip per
//! statement (tokio-postgres' `query_typed`, no prepared statement):
//!
//! | [`quarry::Value`] | bound as |
//! |---|---|
//! | `Bool` | `bool` |
//! | `I16` / `I32` / `I64` | `int2` / `int4` / `int8` |
//! | `F32` / `F64` | `float4` / `float8` |
//! | `Text` | `text` |
//! | `Bytes` | `bytea` |
//! | `Null(t)` | NULL of the type above for `t` |
//!
//! Because parameters are typed, a `text` parameter is not implicitly converted to a column of
//! another type (`timestamp`, `uuid`, `jsonb`, an enum): write the cast in the SQL
//! (`$1::timestamptz`).
//!
//! Result cells decode by their column's type:
//!
//! | PostgreSQL type | [`quarry::Value`] |
//! |---|---|
//! | `bool` | `Bool` |
//! | `int2` / `int4` / `int8`, `oid` | `I16` / `I32` / `I64`, `I64` |
//! | `float4` / `float8` | `F32` / `F64` |
//! | `text`, `varchar`, `bpchar`, `name`, `unknown`, enum types | `Text` |
//! | `"char"` | `Text` of one character |
//! | `bytea` | `Bytes` |
//!
//! A NULL cell is [`quarry::Value::Null`] of the matching [`quarry::ValueType`]. Any other type
//! (`numeric`, `timestamp`, `uuid`, `jsonb`, arrays, …) is a [`quarry::Error::Decode`] naming the
//! column and the type: cast it in the query (`SELECT created_at::text …`).
//!
//! ## Errors
//!
//! SQLSTATEs `23505`, `23503`, `23502` and `23514` are unique, foreign-key, not-null and check
//! violations; `40001` and `40P01` are retryable; class `08` and `57P01`–`57P03` are connection
//! errors; everything else is [`quarry::ErrorKind::Database`]. Database errors keep the
//! SQLSTATE, the server's message (with its detail) and the SQL text.

#![forbid(unsafe_code)]
#![warn(missing_docs)]

mod backend;
mod bind;
mod decode;
mod error;
mod pool;

pub use backend::PostgresBackend;
pub use pool::{pool_builder, Manager, PgClient};
pub use quarry::Postgres;

use quarry::{BoxFuture, Engine, Result};

/// Connects to a `postgres://` or `postgresql://` URL and returns a pooled [`Engine`].
///
/// A malformed URL is a [`quarry::Error::Configuration`]; a server that cannot be reached (or
/// refuses the credentials or the database) is a [`quarry::Error::Connection`].
///
/// ```no_run
/// # async fn demo() -> quarry::Result<()> {
/// let engine = quarry_postgres::connect("postgres://postgres@127.0.0.1:5432/app").await?;
/// assert_eq!(engine.backend_name(), "postgres");
/// # Ok(()) }
/// ```
pub async fn connect(url: &str) -> Result<Engine> {
    Ok(Engine::from_backend(PostgresBackend::connect(url).await?))
}

/// The [`quarry::Driver`] for `postgres://` and `postgresql://` URLs; see [`DRIVER`].
///
/// ```
/// use quarry::Driver;
/// assert_eq!(quarry_postgres::PostgresDriver.schemes(), ["postgres", "postgresql"]);
/// ```
#[derive(Clone, Copy, Debug, Default)]
pub struct PostgresDriver;

impl quarry::Driver for PostgresDriver {
    fn schemes(&self) -> &'static [&'static str] {
        &["postgres", "postgresql"]
    }

    fn connect<'a>(&'a self, url: &'a str) -> BoxFuture<'a, Result<Engine>> {
        Box::pin(connect(url))
    }
}

/// The driver to pass to [`quarry::install_drivers`].
///
/// ```no_run
/// # async fn demo() -> quarry::Result<()> {
/// quarry::install_drivers(&[&quarry_postgres::DRIVER]);
/// let engine = quarry::Engine::connect("postgres://postgres@localhost/app").await?;
/// # Ok(()) }
/// ```
pub static DRIVER: PostgresDriver = PostgresDriver;

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn malformed_url_is_configuration() {
        for url in ["postgres://u@host:notaport/db", "postgres://[::1/db", ""] {
            let err = connect(url).await.unwrap_err();
            assert_eq!(
                err.kind(),
                quarry::ErrorKind::Configuration,
                "{url:?}: {err}"
            );
        }
    }

    #[tokio::test]
    async fn refused_port_is_connection() {
        let err = connect("postgres://postgres@127.0.0.1:1/test")
            .await
            .unwrap_err();
        assert_eq!(err.kind(), quarry::ErrorKind::Connection, "{err}");
    }

    #[test]
    fn driver_schemes() {
        use quarry::Driver;
        assert_eq!(DRIVER.schemes(), ["postgres", "postgresql"]);
    }
}
