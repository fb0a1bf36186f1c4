//! # quarry-postgres
//!
//! The PostgreSQL backend of [quarry]: a bb8 pool of tokio-postgres connections (TLS through
//! rustls with the `rustls` feature), typed binary parameter binding, a per-connection prepared-statement cache, row decoding
//! and SQLSTATE → [`quarry::ErrorKind`] mapping. SQL text always comes from the core compiler;
//! this crate only runs it.
//!
//! ```no_run
//! use quarry_postgres::Postgres; // the dialect, re-exported so one `use` suffices
//! # async fn demo() -> quarry::Result<()> {
//! use quarry::Executor;
//! let engine = quarry_postgres::connect("postgres://postgres@localhost:5432/app").await?;
//! let n: i64 = engine.fetch_scalar(quarry::sql("SELECT :n::int8 AS n").bind("n", 42_i64)).await?;
//! assert_eq!(n, 42);
//! # let _ = Postgres;
//! # Ok(()) }
//! ```
//!
//! Or install the driver and connect by URL:
//!
//! ```no_run
//! # async fn demo() -> quarry::Result<()> {
//! quarry::install_drivers(&[&quarry_postgres::DRIVER]);
//! let engine = quarry::Engine::connect("postgresql://postgres@localhost/app?pool_max_size=8").await?;
//! # Ok(()) }
//! ```
//!
//! ## URL
//!
//! `postgres://` / `postgresql://` URLs and `key=value` connection strings take tokio-postgres'
//! parameters (`connect_timeout`, `application_name`, `options`, `channel_binding`,
//! `sslnegotiation`, …), quarry's pool parameters (`pool_max_size`, `pool_min_idle`,
//! `pool_timeout`, … see [`quarry::PoolOptions`]), and those handled here (percent-decoded in
//! URLs, quoted as libpq's in `key=value` strings):
//!
//! - `sslmode`, `sslrootcert`, `sslcert`, `sslkey`: TLS, below.
//! - `statement_cache_size`: prepared statements kept per connection (default 256; `0` sends
//!   every statement unnamed, as transaction-pooling proxies such as older PgBouncer need).
//!
//! ## TLS
//!
//! With the **`rustls`** feature (`quarry-postgres = { version = "…", features = ["rustls"] }`:
//! rustls with the ring provider, no OpenSSL or cmake), connections are encrypted as
//! `sslmode` says, with libpq's meanings:
//!
//! | `sslmode` | encrypted | server certificate checked |
//! |---|---|---|
//! | `disable` | never | — |
//! | `allow` | never (tokio-postgres cannot retry in TLS; as `disable`) | — |
//! | `prefer` (the default) | when the server offers TLS, else plain text | no |
//! | `require` | always (a server without TLS is refused) | no; with an explicit `sslrootcert`, the chain, as `verify-ca` (libpq's rule) |
//! | `verify-ca` | always | the chain up to a root of `sslrootcert` |
//! | `verify-full` | always | the chain, and the URL's host name or IP address against the certificate's names |
//!
//! - `sslrootcert`: a PEM file of root certificates, or `system` for the Mozilla roots
//!   bundled with the crate (webpki-roots; public CAs, as hosted PostgreSQL services use).
//!   Without it, `verify-ca` and `verify-full` read libpq's default `~/.postgresql/root.crt`,
//!   and fail if there is none.
//! - `sslcert` and `sslkey`: the client's PEM certificate (chain) and unencrypted private key
//!   (PKCS#8, PKCS#1 or SEC1), for a server that authenticates clients by certificate
//!   (`hostssl … cert` in `pg_hba.conf`). Both or neither; libpq's default files are not read.
//!
//! The files are read when the engine is built: a missing or malformed one is a
//! [`quarry::Error::Configuration`]. A certificate that fails the check is a
//! [`quarry::Error::Connection`] saying "the server's certificate could not be verified" and
//! why (not signed by the given roots, or not valid for the host). SCRAM authentication over
//! TLS binds the channel (`tls-server-end-point`), so `channel_binding=require` works.
//!
//! ```no_run
//! # async fn demo() -> quarry::Result<()> {
//! let engine = quarry_postgres::connect(
//!     "postgres://app@db.example.com/app?sslmode=verify-full&sslrootcert=/etc/ssl/db-root.crt",
//! )
//! .await?;
//! // A client certificate instead of a password:
//! let engine = quarry_postgres::connect(
//!     "postgres://app@db.example.com/app?sslmode=verify-full&sslrootcert=/etc/ssl/db-root.crt\
//!      &sslcert=/etc/app/client.crt&sslkey=/etc/app/client.key",
//! )
//! .await?;
//! # Ok(()) }
//! ```
//!
//! Without the feature the crate has no TLS: `disable`, `allow` and `prefer` connect in plain
//! text, and `require`, `verify-ca`, `verify-full` (or a certificate file with `prefer`) are a
//! [`quarry::Error::Configuration`] naming the feature to enable, rather than a silent
//! downgrade.
//!
//! ```
//! # #[cfg(not(feature = "rustls"))] {
//! let err = quarry_postgres::Manager::from_url("postgres://u@db/app?sslmode=require").unwrap_err();
//! assert!(err.to_string().contains("`rustls` feature"));
//! # }
//! ```
//!
//! ## Pool
//!
//! Every [`quarry::PoolOptions`] field is applied to the bb8 pool (`max_size`, `min_idle`,
//! `connection_timeout`, `idle_timeout`, `max_lifetime`, `test_on_checkout`); idle
//! connections are reused most recently used first, so a light load stays on a few warm
//! server processes and the rest are closed after `idle_timeout`. The first
//! connection is opened at once, so a wrong URL, an unreachable server or bad credentials fail
//! in [`connect`] with [`quarry::Error::Connection`]; later connection attempts that fail are
//! reported the same way at once rather than retried until the pool timeout. Checked-out
//! connections are not pinged by default; instead a connection is closed rather than reused
//! when its client is closed (an idle connection the server dropped is skipped at checkout),
//! when the core discards it (dropped inside a transaction), when a statement future or a row
//! stream was dropped before its end, or after a driver-level failure. Waiting longer than
//! `connection_timeout` for a free connection is [`quarry::Error::PoolTimeout`].
//!
//! The connection returned last, if bb8 would keep it, waits beside the pool for the next
//! caller ([`quarry::backend::Lane`]), which then skips bb8's checkout and return (a timeout
//! future, a lock, three clock readings). It counts against `max_size` and as idle in
//! [`quarry::Engine::pool_state`]; while any caller waits on the pool, returned connections go
//! to the pool; `idle_timeout` and `max_lifetime` are checked when it is taken, and by a
//! reaper task of the lane's own while nothing runs (bb8's reaper does not see it); with
//! `test_on_checkout` (and for a pool built by `PostgresBackend::with_builder`) every
//! checkout goes through bb8.
//!
//! ## Statements
//!
//! A statement seen for the first time on a connection is sent unnamed (parse, bind and
//! execute in one round trip); from its second run it is prepared with its parameter types
//! and kept, so repeated statements only bind and execute (no parse or plan on the server).
//! The least recently used statement is closed when the cache is full. A cached statement
//! whose plan went stale after a schema change (`cached plan must not change result type`) is
//! dropped and re-sent once (also after `DEALLOCATE ALL` / `DISCARD ALL`). Streams
//! ([`quarry::Executor::stream`]) read rows as they are consumed,
//! holding memory constant. A stream dropped before its end never leaves rows for the next
//! statement (the driver reads and discards them first); a connection whose stream was
//! abandoned is closed rather than pooled, unless a later statement completed on it. [`quarry::ExecResult::last_insert_id`] is always `None`:
//! use `RETURNING`.
//!
//! ## Parameters and results
//!
//! Every [`quarry::Value`] is bound in binary with its exact PostgreSQL type:
//!
//! | [`quarry::Value`] | bound as |
//! |---|---|
//! | `Bool` | `bool` |
//! | `I16` / `I32` / `I64` | `int2` / `int4` / `int8` |
//! | `F32` / `F64` | `float4` / `float8` |
//! | `Text` | `text` |
//! | `Bytes` | `bytea` |
//! | `Date` / `Time` | `date` / `time` |
//! | `Timestamp` / `TimestampTz` | `timestamp` / `timestamptz` (UTC) |
//! | `Uuid` | `uuid` |
//! | `Json` | `jsonb` |
//! | `Decimal` | `numeric` (scale kept) |
//! | `Array` | the array type of its elements (`int8[]`, `text[]`, …) |
//! | `Null(t)` | NULL of the type above for `t` |
//!
//! Because parameters are typed, a `text` parameter is not implicitly converted to a column of
//! another type (an enum, `inet`, …): write the cast in the SQL (`$1::mood`). Statements built
//! on a table whose metadata declares an enum column ([`quarry::SqlType::Enum`]) get that cast
//! from the compiler, wherever a value is written into the column or compared with it.
//!
//! A [`quarry::Value::Array`] (what the compiler binds for a long `IN` list: `x = ANY($1)`,
//! `x <> ALL($1)`) is one parameter in PostgreSQL's binary array format, typed by its first
//! non-NULL element; integers of mixed widths widen to the widest (an `int8[]` compares with
//! an `int4` column through PostgreSQL's cross-type operators, index included). Elements of
//! different types are an [`quarry::Error::InvalidStatement`], nested arrays
//! [`quarry::Error::Unsupported`]. An array of typed NULLs takes their type; an empty array (or
//! a NULL of [`quarry::ValueType::Array`]) is sent untyped, so the server gives it the type the
//! statement needs. Mind SQL's rules: `x <> ALL($1)` is never true when the array holds a NULL.
//! PostgreSQL hashes a long array only when its element type is the column's type: bind
//! values of the column's width (`I32` for an `int4` column) or cast (`$1::int4[]`), or a scan
//! compares every row with every element.
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
//! | `date` / `time` | `Date` / `Time` |
//! | `timestamp` / `timestamptz` | `Timestamp` / `TimestampTz` (UTC) |
//! | `uuid` | `Uuid` |
//! | `json`, `jsonb` | `Json` |
//! | `numeric` | `Decimal` |
//! | one-dimensional arrays of the above | `Array` |
//!
//! A NULL cell is [`quarry::Value::Null`] of the matching [`quarry::ValueType`]. Values
//! without a quarry form are a [`quarry::Error::Decode`] naming the column: `infinity` dates
//! and timestamps, years beyond ±9999, `24:00:00`, numeric `NaN` and `±Infinity`, and
//! multi-dimensional arrays. Other types (`interval`, `timetz`, ranges, …) are a decode error
//! too: cast them in the query (`SELECT period::text …`).
//!
//! ## Bulk loads (`COPY`)
//!
//! [`quarry::backend::BackendConnection::copy_in`] (which the executor uses for large plain INSERTs)
//! runs `COPY … FROM STDIN (FORMAT binary)` through tokio-postgres'
//! [`BinaryCopyInWriter`](tokio_postgres::binary_copy::BinaryCopyInWriter), writing the values
//! row by row without allocating per row. Each value is written in the binary form of its
//! column's actual type, learnt by preparing the probe `SELECT` (never run); conversions follow
//! what an INSERT's assignment casts would do where those do not depend on session settings:
//! integers of any width into any integer column (range-checked), integers and decimals into
//! float and numeric columns, text into `varchar`, enum, `json`/`jsonb` and domain columns,
//! `Date` into `timestamp`, arrays element by element. A value that cannot be written is an
//! error with the SQLSTATE the server would give an INSERT (`22003` out of range, `42804`
//! datatype mismatch, …) naming the row and the column; nothing of the COPY is kept. Server
//! errors (unique violations, NOT NULL, CHECK, …) map as for any statement, and the whole COPY
//! is rolled back (inside a transaction, the transaction is aborted, as after a failed INSERT).
//!
//! The probe and the `COPY` statement are prepared on every call (together, in one round
//! trip) rather than cached: a cached probe would not notice `ALTER TABLE … TYPE` and could
//! write values in a column's former binary form. A COPY future dropped midway leaves the
//! connection marked in flight, so the pool closes it (the server then rolls the COPY back). A
//! COPY the server refuses before it starts (permission denied, read-only transaction) returns
//! the server's error but leaves tokio-postgres one reply out of step with the server: that
//! connection then refuses further statements with a [`quarry::Error::Connection`] and is
//! closed when returned to the pool.
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
mod cache;
mod codec;
mod copy;
mod decode;
mod encode;
mod error;
mod numeric;
mod pool;
mod tls;

pub use backend::PostgresBackend;
pub use pool::{pool_builder, Manager, PgClient};
pub use quarry::Postgres;

use quarry::backend::BoxFuture;
use quarry::{Engine, PoolOptions, Result};

/// Prepared statements kept per connection unless the URL sets `statement_cache_size`.
///
/// ```
/// assert_eq!(quarry_postgres::DEFAULT_STATEMENT_CACHE_SIZE, 256);
/// ```
pub const DEFAULT_STATEMENT_CACHE_SIZE: usize = cache::DEFAULT_CAPACITY;

/// Connects to a `postgres://` or `postgresql://` URL (or a `key=value` connection string)
/// and returns a pooled [`Engine`], with default pool options overridden by the URL's `pool_*`
/// parameters.
///
/// A malformed URL is a [`quarry::Error::Configuration`]; a server that cannot be reached (or
/// refuses the credentials or the database) is a [`quarry::Error::Connection`].
///
/// ```no_run
/// # async fn demo() -> quarry::Result<()> {
/// let engine = quarry_postgres::connect("postgres://postgres@127.0.0.1:5432/app?pool_max_size=4").await?;
/// assert_eq!(engine.backend_name(), "postgres");
/// # Ok(()) }
/// ```
pub async fn connect(url: &str) -> Result<Engine> {
    connect_with(url, &PoolOptions::default()).await
}

/// Like [`connect`], with pool `options` (which the URL's `pool_*` parameters override).
///
/// ```no_run
/// # async fn demo() -> quarry::Result<()> {
/// let options = quarry::Engine::builder().max_size(4).options().clone();
/// let engine = quarry_postgres::connect_with("postgres://postgres@127.0.0.1/app", &options).await?;
/// assert_eq!(engine.pool_state().0, 1);
/// # Ok(()) }
/// ```
pub async fn connect_with(url: &str, options: &PoolOptions) -> Result<Engine> {
    // The URL's parameters override `options`, for the engine's logging as for the pool.
    let (_, logging) = options.clone().apply_url(url)?;
    Ok(
        Engine::from_backend(PostgresBackend::connect_with(url, options).await?)
            .with_log_parameters(logging.log_parameters)
            .with_slow_statement_threshold(logging.slow_statement_threshold),
    )
}

/// The [`quarry::backend::Driver`] for `postgres://` and `postgresql://` URLs; see [`DRIVER`].
///
/// ```
/// use quarry::backend::Driver;
/// assert_eq!(quarry_postgres::PostgresDriver.schemes(), ["postgres", "postgresql"]);
/// ```
#[derive(Clone, Copy, Debug, Default)]
pub struct PostgresDriver;

impl quarry::backend::Driver for PostgresDriver {
    fn schemes(&self) -> &'static [&'static str] {
        &["postgres", "postgresql"]
    }

    fn connect<'a>(
        &'a self,
        url: &'a str,
        options: &'a PoolOptions,
    ) -> BoxFuture<'a, Result<Engine>> {
        Box::pin(connect_with(url, options))
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
        use quarry::backend::Driver;
        assert_eq!(DRIVER.schemes(), ["postgres", "postgresql"]);
    }
}
