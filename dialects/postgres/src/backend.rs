//! [`PostgresBackend`]: the [`quarry::Backend`] over a bb8 pool of tokio-postgres connections.

use crate::error::{connect_error, map_error};
use crate::pool::{pool_builder, Manager};
use crate::{bind, decode};
use quarry::{Backend, BackendConnection, BoxFuture, Dialect, Postgres, Result, Row, Value};
use std::fmt;

/// A PostgreSQL database reached through a bb8 pool; wrap it in a [`quarry::Engine`].
///
/// ```no_run
/// # async fn demo() -> quarry::Result<()> {
/// let backend = quarry_postgres::PostgresBackend::connect("postgres://postgres@localhost/app").await?;
/// let engine = quarry::Engine::from_backend(backend);
/// assert_eq!(engine.backend_name(), "postgres");
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct PostgresBackend {
    pool: bb8::Pool<Manager>,
}

impl fmt::Debug for PostgresBackend {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let state = self.pool.state();
        f.debug_struct("PostgresBackend")
            .field("connections", &state.connections)
            .field("idle_connections", &state.idle_connections)
            .finish_non_exhaustive()
    }
}

impl PostgresBackend {
    /// Connects to `url` with the default pool settings ([`pool_builder`]); see
    /// [`PostgresBackend::with_builder`].
    ///
    /// ```no_run
    /// # async fn demo() -> quarry::Result<()> {
    /// let backend = quarry_postgres::PostgresBackend::connect("postgresql://postgres@localhost/app").await?;
    /// # Ok(()) }
    /// ```
    pub async fn connect(url: &str) -> Result<Self> {
        Self::with_builder(Manager::from_url(url)?, pool_builder()).await
    }

    /// Builds a pool from `builder` over `manager` and opens its first connection, so that an
    /// unreachable server, bad credentials or an unknown database fail here with a
    /// [`quarry::Error::Connection`] rather than as a pool timeout later.
    ///
    /// ```no_run
    /// # async fn demo() -> quarry::Result<()> {
    /// use quarry_postgres::{pool_builder, Manager, PostgresBackend};
    /// let manager = Manager::from_url("postgres://postgres@localhost/app")?;
    /// let backend = PostgresBackend::with_builder(manager, pool_builder().max_size(4)).await?;
    /// # Ok(()) }
    /// ```
    pub async fn with_builder(manager: Manager, builder: bb8::Builder<Manager>) -> Result<Self> {
        let first = manager.open().await.map_err(connect_error)?;
        let pool = builder.build_unchecked(manager);
        // A full or broken pool just drops the connection: the check above already succeeded.
        let _ = pool.add(first);
        Ok(PostgresBackend { pool })
    }

    /// The underlying pool, e.g. to borrow a raw tokio-postgres client for `COPY`.
    ///
    /// ```no_run
    /// # async fn demo(b: quarry_postgres::PostgresBackend) -> Result<(), Box<dyn std::error::Error>> {
    /// let conn = b.pool().get().await?;
    /// conn.client().batch_execute("SELECT 1").await?;
    /// # Ok(()) }
    /// ```
    pub fn pool(&self) -> &bb8::Pool<Manager> {
        &self.pool
    }
}

impl Backend for PostgresBackend {
    fn name(&self) -> &'static str {
        "postgres"
    }

    fn dialect(&self) -> &'static dyn Dialect {
        &Postgres
    }

    fn acquire(&self) -> BoxFuture<'_, Result<Box<dyn BackendConnection>>> {
        Box::pin(async move {
            match self.pool.get_owned().await {
                Ok(conn) => Ok(Box::new(PgConnection { conn }) as Box<dyn BackendConnection>),
                Err(bb8::RunError::TimedOut) => Err(quarry::Error::PoolTimeout),
                Err(bb8::RunError::User(e)) => Err(connect_error(e)),
            }
        })
    }
}

/// A connection checked out of a [`PostgresBackend`]'s pool; returned to it when dropped.
///
/// Each call sets `in_flight` before its first await and clears it when the driver answers, so
/// a call whose future is dropped midway leaves the flag set and the pool discards the
/// connection instead of reusing a session that may be inside a transaction.
struct PgConnection {
    conn: bb8::PooledConnection<'static, Manager>,
}

impl BackendConnection for PgConnection {
    fn execute<'a>(&'a mut self, sql: &'a str, params: &'a [Value]) -> BoxFuture<'a, Result<u64>> {
        Box::pin(async move {
            let bound = bind::params(params)?;
            self.conn.in_flight = true;
            let result = self.conn.client.execute_typed(sql, &bound).await;
            self.conn.in_flight = false;
            result.map_err(|e| map_error(e, Some(sql)))
        })
    }

    fn fetch_all<'a>(
        &'a mut self,
        sql: &'a str,
        params: &'a [Value],
    ) -> BoxFuture<'a, Result<Vec<Row>>> {
        Box::pin(async move {
            let bound = bind::params(params)?;
            self.conn.in_flight = true;
            let result = self.conn.client.query_typed(sql, &bound).await;
            self.conn.in_flight = false;
            let rows = result.map_err(|e| map_error(e, Some(sql)))?;
            decode::decode_rows(&rows)
        })
    }

    fn execute_script<'a>(&'a mut self, sql: &'a str) -> BoxFuture<'a, Result<()>> {
        Box::pin(async move {
            self.conn.in_flight = true;
            let result = self.conn.client.batch_execute(sql).await;
            self.conn.in_flight = false;
            result.map_err(|e| map_error(e, Some(sql)))
        })
    }
}
