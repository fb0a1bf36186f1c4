//! The traits backend crates implement.

use super::{Engine, Row};
use crate::compile::Dialect;
use crate::error::Result;
use crate::value::Value;
use std::fmt;
use std::future::Future;
use std::pin::Pin;

/// A boxed, `Send` future: what the object-safe backend traits return.
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// A database reached through a pool: what a backend crate gives an [`Engine`].
///
/// ```no_run
/// # use quarry::{Backend, BackendConnection, BoxFuture, Dialect, Sqlite, Result};
/// #[derive(Debug)]
/// struct Nothing;
/// impl Backend for Nothing {
///     fn name(&self) -> &'static str { "nothing" }
///     fn dialect(&self) -> &'static dyn Dialect { &Sqlite }
///     fn acquire(&self) -> BoxFuture<'_, Result<Box<dyn BackendConnection>>> {
///         Box::pin(async { Err(quarry::Error::PoolTimeout) })
///     }
/// }
/// let engine = quarry::Engine::from_backend(Nothing);
/// assert_eq!(engine.backend_name(), "nothing");
/// ```
pub trait Backend: Send + Sync + fmt::Debug + 'static {
    /// The backend's name (`sqlite`, `postgres`, `mysql`).
    fn name(&self) -> &'static str;

    /// The dialect SQL is compiled for (for MySQL, chosen from the server's version).
    fn dialect(&self) -> &'static dyn Dialect;

    /// Checks a connection out of the pool; [`crate::Error::PoolTimeout`] when none frees up in
    /// time.
    fn acquire(&self) -> BoxFuture<'_, Result<Box<dyn BackendConnection>>>;
}

/// One pooled connection; returned to the pool when dropped.
pub trait BackendConnection: Send {
    /// Runs one statement with bound `params`; returns the rows affected.
    fn execute<'a>(&'a mut self, sql: &'a str, params: &'a [Value]) -> BoxFuture<'a, Result<u64>>;

    /// Runs one query with bound `params` and returns all its rows.
    fn fetch_all<'a>(
        &'a mut self,
        sql: &'a str,
        params: &'a [Value],
    ) -> BoxFuture<'a, Result<Vec<Row>>>;

    /// Runs SQL text that may hold several statements, with no parameters.
    fn execute_script<'a>(&'a mut self, sql: &'a str) -> BoxFuture<'a, Result<()>>;
}

/// Opens an [`Engine`] for the URL schemes it knows; see [`crate::install_drivers`].
pub trait Driver: Send + Sync + 'static {
    /// The URL schemes handled, e.g. `["postgres", "postgresql"]`.
    fn schemes(&self) -> &'static [&'static str];

    /// Connects to `url` and returns a pooled engine.
    fn connect<'a>(&'a self, url: &'a str) -> BoxFuture<'a, Result<Engine>>;
}
