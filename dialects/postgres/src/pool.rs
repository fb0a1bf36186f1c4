//! The bb8 connection manager over tokio-postgres.

use std::time::Duration;
use tokio_postgres::{Client, Config, NoTls};

/// How long opening one connection may take when the URL sets no `connect_timeout`.
pub(crate) const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(30);

/// A bb8 [`ManageConnection`](bb8::ManageConnection) opening tokio-postgres connections
/// without TLS.
///
/// Each connection's I/O task is spawned on the current tokio runtime. [`is_valid`] sends an
/// empty simple query; [`has_broken`] reports a closed client, or one whose last statement was
/// abandoned mid-flight (its future dropped), so such a connection is never reused.
///
/// [`is_valid`]: bb8::ManageConnection::is_valid
/// [`has_broken`]: bb8::ManageConnection::has_broken
///
/// ```no_run
/// # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
/// use quarry_postgres::Manager;
/// let manager = Manager::from_url("postgres://postgres@localhost/app")?;
/// let pool = quarry_postgres::pool_builder().build(manager).await?;
/// let conn = pool.get().await?;
/// conn.client().simple_query("SELECT 1").await?;
/// # Ok(()) }
/// ```
#[derive(Clone, Debug)]
pub struct Manager {
    config: Config,
}

impl Manager {
    /// A manager connecting with `config`; a config without a connect timeout gets one of 30
    /// seconds, so an unreachable host fails instead of hanging.
    ///
    /// ```
    /// let config: tokio_postgres::Config = "host=localhost user=postgres".parse().unwrap();
    /// let manager = quarry_postgres::Manager::new(config);
    /// assert!(manager.config().get_connect_timeout().is_some());
    /// ```
    pub fn new(mut config: Config) -> Self {
        if config.get_connect_timeout().is_none() {
            config.connect_timeout(DEFAULT_CONNECT_TIMEOUT);
        }
        Manager { config }
    }

    /// A manager for a `postgres://` URL (or a `key=value` connection string); a malformed one
    /// is a [`quarry::Error::Configuration`] (which does not repeat the URL, as it may hold a
    /// password).
    ///
    /// ```
    /// use quarry_postgres::Manager;
    /// assert!(Manager::from_url("postgres://u@db.example:5433/app").is_ok());
    /// let err = Manager::from_url("postgres://u@host:notaport/app").unwrap_err();
    /// assert_eq!(err.kind(), quarry::ErrorKind::Configuration);
    /// ```
    pub fn from_url(url: &str) -> quarry::Result<Self> {
        let config: Config = url.parse().map_err(|e: tokio_postgres::Error| {
            quarry::Error::Configuration(format!("invalid PostgreSQL URL: {e}"))
        })?;
        if config.get_hosts().is_empty() {
            return Err(quarry::Error::Configuration(
                "invalid PostgreSQL URL: no host".into(),
            ));
        }
        Ok(Manager::new(config))
    }

    /// The connection settings.
    ///
    /// ```
    /// let m = quarry_postgres::Manager::from_url("postgres://ann@localhost/app").unwrap();
    /// assert_eq!(m.config().get_user(), Some("ann"));
    /// ```
    pub fn config(&self) -> &Config {
        &self.config
    }

    /// Opens one connection, spawning its I/O task on the current tokio runtime.
    pub(crate) async fn open(&self) -> Result<PgClient, tokio_postgres::Error> {
        let (client, connection) = self.config.connect(NoTls).await?;
        tokio::spawn(async move {
            // The task ends when the client is dropped or the server goes away; the client then
            // reports `is_closed()` and the pool discards it.
            let _ = connection.await;
        });
        Ok(PgClient {
            client,
            in_flight: false,
        })
    }
}

/// One open connection, as held by the pool.
///
/// ```no_run
/// # async fn demo(pool: bb8::Pool<quarry_postgres::Manager>) -> Result<(), Box<dyn std::error::Error>> {
/// let conn = pool.get().await?;
/// let rows = conn.client().query("SELECT 1::int4", &[]).await?;
/// assert_eq!(rows[0].get::<_, i32>(0), 1);
/// # Ok(()) }
/// ```
#[derive(Debug)]
pub struct PgClient {
    pub(crate) client: Client,
    /// Set while a statement runs; still set if its future was dropped, which marks the
    /// connection broken (it may be mid-transaction or mid-result).
    pub(crate) in_flight: bool,
}

impl PgClient {
    /// The tokio-postgres client, for what quarry does not wrap (`COPY`, notifications, …).
    ///
    /// ```no_run
    /// # async fn demo(pool: bb8::Pool<quarry_postgres::Manager>) -> Result<(), Box<dyn std::error::Error>> {
    /// let conn = pool.get().await?;
    /// assert!(!conn.client().is_closed());
    /// # Ok(()) }
    /// ```
    pub fn client(&self) -> &Client {
        &self.client
    }
}

impl bb8::ManageConnection for Manager {
    type Connection = PgClient;
    type Error = tokio_postgres::Error;

    async fn connect(&self) -> Result<PgClient, tokio_postgres::Error> {
        self.open().await
    }

    async fn is_valid(&self, conn: &mut PgClient) -> Result<(), tokio_postgres::Error> {
        conn.client.simple_query("").await.map(|_| ())
    }

    fn has_broken(&self, conn: &mut PgClient) -> bool {
        conn.in_flight || conn.client.is_closed()
    }
}

/// The pool settings quarry uses: at most 10 connections, no health check on checkout (a dead
/// connection is still discarded when returned, and a failing statement reports a connection
/// error), and a 30-second wait for a free connection.
///
/// ```no_run
/// # async fn demo() -> quarry::Result<()> {
/// use quarry_postgres::{pool_builder, Manager, PostgresBackend};
/// let manager = Manager::from_url("postgres://postgres@localhost/app")?;
/// let backend = PostgresBackend::with_builder(manager, pool_builder().max_size(32)).await?;
/// let engine = quarry::Engine::from_backend(backend);
/// # Ok(()) }
/// ```
pub fn pool_builder() -> bb8::Builder<Manager> {
    bb8::Pool::builder()
        .max_size(10)
        .test_on_check_out(false)
        .connection_timeout(Duration::from_secs(30))
}
