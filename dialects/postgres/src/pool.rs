//! The bb8 connection manager over tokio-postgres (URL options, its health check), the pool's
//! settings, the error sink that wakes waiting callers, and building the pool.

use crate::backend::{PgLane, PostgresBackend};
use crate::cache::{StatementCache, DEFAULT_CAPACITY};
use crate::error::connect_error;
use crate::tls::{Connector, Mode, TlsOptions};
use quarry::backend::{ConnectGate, Lane};
use quarry::{Error, PoolOptions};
use std::sync::Arc;
use std::time::Duration;
use tokio_postgres::config::SslMode;
use tokio_postgres::{Client, Config, NoTls};

/// How long opening one connection may take when neither the URL (`connect_timeout`) nor the
/// pool options say.
const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(30);

/// The options quarry-postgres reads from a URL itself (tokio-postgres does not know them).
#[derive(Clone, Debug, PartialEq, Eq)]
struct Extras {
    tls: TlsOptions,
    statement_cache_size: usize,
}

impl Default for Extras {
    fn default() -> Self {
        Extras {
            tls: TlsOptions::default(),
            statement_cache_size: DEFAULT_CAPACITY,
        }
    }
}

/// Applies one option this crate handles; `false` when `key` is not one of them.
fn extra(extras: &mut Extras, key: &str, value: &str) -> quarry::Result<bool> {
    if extras.tls.set(key, value)? {
        return Ok(true);
    }
    match key {
        "statement_cache_size" => {
            extras.statement_cache_size = value.parse().map_err(|_| {
                Error::Configuration(format!(
                    "statement_cache_size={value:?} is not a number of statements"
                ))
            })?;
            Ok(true)
        }
        _ => Ok(false),
    }
}

/// Percent-decodes a query-string key or value, as tokio-postgres decodes the ones it reads
/// (`+` stays a plus sign).
fn decode(s: &str) -> quarry::Result<String> {
    percent_encoding::percent_decode_str(s)
        .decode_utf8()
        .map(|v| v.into_owned())
        .map_err(|_| {
            Error::Configuration(format!(
                "invalid PostgreSQL URL: {s:?} is not UTF-8 once percent-decoded"
            ))
        })
}

/// Takes this crate's options out of a `postgres://` URL's query string; the others are
/// passed on as written, for tokio-postgres to decode.
fn split_url(url: &str) -> quarry::Result<(String, Extras)> {
    let mut extras = Extras::default();
    let Some((base, query)) = url.split_once('?') else {
        return Ok((url.to_owned(), extras));
    };
    let mut kept = Vec::new();
    for pair in query.split('&').filter(|p| !p.is_empty()) {
        let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
        if !extra(&mut extras, &decode(k)?, &decode(v)?)? {
            kept.push(pair);
        }
    }
    let url = if kept.is_empty() {
        base.to_owned()
    } else {
        format!("{base}?{}", kept.join("&"))
    };
    Ok((url, extras))
}

/// Takes this crate's options out of a `key=value` connection string (values may be quoted
/// with `'…'` and use `\` escapes, as libpq's).
fn split_key_value(s: &str) -> quarry::Result<(String, Extras)> {
    let mut extras = Extras::default();
    let mut out = String::with_capacity(s.len());
    let b = s.as_bytes();
    let mut i = 0;
    while i < b.len() {
        let start = i;
        while i < b.len() && b[i].is_ascii_whitespace() {
            i += 1;
        }
        let key_start = i;
        while i < b.len() && b[i] != b'=' && !b[i].is_ascii_whitespace() {
            i += 1;
        }
        let key = &s[key_start..i];
        while i < b.len() && b[i].is_ascii_whitespace() {
            i += 1;
        }
        if i >= b.len() || b[i] != b'=' {
            // Malformed: let tokio-postgres report it.
            out.push_str(&s[start..]);
            break;
        }
        i += 1;
        while i < b.len() && b[i].is_ascii_whitespace() {
            i += 1;
        }
        let mut value = String::new();
        if i < b.len() && b[i] == b'\'' {
            i += 1;
            while i < b.len() && b[i] != b'\'' {
                if b[i] == b'\\' && i + 1 < b.len() {
                    i += 1;
                }
                let ch = s[i..].chars().next().unwrap_or('\0');
                value.push(ch);
                i += ch.len_utf8();
            }
            i = (i + 1).min(b.len());
        } else {
            while i < b.len() && !b[i].is_ascii_whitespace() {
                if b[i] == b'\\' && i + 1 < b.len() {
                    i += 1;
                }
                let ch = s[i..].chars().next().unwrap_or('\0');
                value.push(ch);
                i += ch.len_utf8();
            }
        }
        if !extra(&mut extras, key, &value)? {
            out.push_str(&s[start..i]);
        }
    }
    Ok((out, extras))
}

/// Parses a URL or connection string into the tokio-postgres config and this crate's options.
fn parse(url: &str) -> quarry::Result<(Config, Extras)> {
    let (rest, extras) = if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        split_url(url)?
    } else {
        split_key_value(url)?
    };
    let mut config: Config = rest.parse().map_err(|e: tokio_postgres::Error| {
        Error::Configuration(format!("invalid PostgreSQL URL: {e}"))
    })?;
    if config.get_hosts().is_empty() {
        return Err(Error::Configuration(
            "invalid PostgreSQL URL: no host".into(),
        ));
    }
    if let Some(mode) = extras.tls.mode {
        config.ssl_mode(mode.ssl_mode());
    }
    Ok((config, extras))
}

/// A bb8 [`ManageConnection`](bb8::ManageConnection) opening tokio-postgres connections, in
/// plain text or (with the `rustls` feature) over TLS as the URL's `sslmode` says.
///
/// Each connection's I/O task is spawned on the current tokio runtime. [`is_valid`] sends an
/// empty simple query; [`has_broken`] reports a closed client, a connection
/// [discarded](quarry::backend::BackendConnection::discard) by the core, or one whose last statement or
/// stream was abandoned mid-flight (its future or stream dropped), so such a connection is
/// never reused.
///
/// [`is_valid`]: bb8::ManageConnection::is_valid
/// [`has_broken`]: bb8::ManageConnection::has_broken
///
/// ```no_run
/// # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
/// use quarry_postgres::Manager;
/// let manager = Manager::from_url("postgres://postgres@localhost/app")?;
/// let pool = quarry_postgres::pool_builder(&quarry::PoolOptions::default())?.build(manager).await?;
/// let conn = pool.get().await?;
/// conn.client().simple_query("SELECT 1").await?;
/// # Ok(()) }
/// ```
#[derive(Clone, Debug)]
pub struct Manager {
    config: Config,
    /// Plain text or TLS, with its certificate checks.
    connector: Connector,
    statement_cache_size: usize,
    /// Told of every connection attempt, so that callers waiting for the pool learn of a
    /// failed one at once.
    gate: Arc<ConnectGate>,
}

impl Manager {
    /// A manager connecting with `config`; a config without a connect timeout gets one of 30
    /// seconds, so an unreachable host fails instead of hanging. Each connection caches up to
    /// 256 prepared statements.
    ///
    /// With the `rustls` feature, the config's `ssl_mode` `prefer` and `require` encrypt
    /// without checking the server's certificate (as those `sslmode`s of a URL without
    /// `sslrootcert`); certificate checks need a URL ([`Manager::from_url`]). Without the
    /// feature, connections are in plain text, and `require` fails when connecting.
    ///
    /// ```
    /// let config: tokio_postgres::Config = "host=localhost user=postgres".parse().unwrap();
    /// let manager = quarry_postgres::Manager::new(config);
    /// assert!(manager.config().get_connect_timeout().is_some());
    /// ```
    pub fn new(config: Config) -> Self {
        let mode = match config.get_ssl_mode() {
            SslMode::Disable => Mode::Disable,
            SslMode::Require => Mode::Require,
            _ => Mode::Prefer,
        };
        let options = TlsOptions {
            mode: Some(mode),
            ..TlsOptions::default()
        };
        // Without files to read, only `require` without the feature can fail: it then stays
        // plain, and tokio-postgres reports that it has no TLS when connecting.
        let connector = options.connector().unwrap_or(Connector::Plain);
        Manager::with_connector(config, connector)
    }

    fn with_connector(mut config: Config, connector: Connector) -> Self {
        if config.get_connect_timeout().is_none() {
            config.connect_timeout(DEFAULT_CONNECT_TIMEOUT);
        }
        Manager {
            config,
            connector,
            statement_cache_size: DEFAULT_CAPACITY,
            gate: Arc::default(),
        }
    }

    /// A manager for a `postgres://` URL (or a `key=value` connection string); a malformed one
    /// is a [`quarry::Error::Configuration`] (which does not repeat the URL, as it may hold a
    /// password).
    ///
    /// Besides tokio-postgres' own parameters it reads the TLS parameters `sslmode`,
    /// `sslrootcert`, `sslcert` and `sslkey` (listed at the crate root; the certificate and
    /// key files are read here, so a missing or malformed one fails now) and
    /// `statement_cache_size` (prepared statements kept per connection, default 256, 0 to send
    /// every statement unnamed).
    ///
    /// ```
    /// use quarry_postgres::Manager;
    /// assert!(Manager::from_url("postgres://u@db.example:5433/app?sslmode=prefer").is_ok());
    /// let m = Manager::from_url("host=localhost user=ann statement_cache_size=0").unwrap();
    /// assert_eq!(m.statement_cache_size(), 0);
    /// let err = Manager::from_url("postgres://u@host:notaport/app").unwrap_err();
    /// assert_eq!(err.kind(), quarry::ErrorKind::Configuration);
    /// // A root certificate file that is not there:
    /// let err = Manager::from_url("postgres://u@host/app?sslmode=verify-full&sslrootcert=/no/such.crt")
    ///     .unwrap_err();
    /// assert_eq!(err.kind(), quarry::ErrorKind::Configuration);
    /// ```
    pub fn from_url(url: &str) -> quarry::Result<Self> {
        let (config, extras) = parse(url)?;
        let connector = extras.tls.connector()?;
        Ok(Manager::with_connector(config, connector)
            .with_statement_cache_size(extras.statement_cache_size))
    }

    /// Whether connections are opened with TLS (the `rustls` feature and an `sslmode` other
    /// than `disable` or `allow`); with `prefer`, a server without TLS is still reached in
    /// plain text.
    ///
    /// ```
    /// let m = quarry_postgres::Manager::from_url("postgres://u@h/db?sslmode=disable").unwrap();
    /// assert!(!m.uses_tls());
    /// ```
    pub fn uses_tls(&self) -> bool {
        self.connector.is_tls()
    }

    /// Sets how many prepared statements each connection keeps (0: none; every statement is
    /// then sent unnamed, as a transaction-pooling proxy needs).
    ///
    /// ```
    /// let m = quarry_postgres::Manager::from_url("postgres://u@h/db").unwrap().with_statement_cache_size(16);
    /// assert_eq!(m.statement_cache_size(), 16);
    /// ```
    pub fn with_statement_cache_size(mut self, size: usize) -> Self {
        self.statement_cache_size = size;
        self
    }

    /// Sets the connections' `statement_timeout`: `-c statement_timeout=<ms>` is appended to
    /// the startup `options` (those of the URL kept before it), so the server applies it as
    /// the session starts, without a round trip of its own; a statement running longer fails
    /// with SQLSTATE `57014`, a [`quarry::ErrorKind::Timeout`] error. `None` or zero leaves
    /// the options as they are. [`quarry::PoolOptions::statement_timeout`] is applied with it.
    ///
    /// ```
    /// use std::time::Duration;
    /// let m = quarry_postgres::Manager::from_url("postgres://u@h/db?options=-c%20search_path%3Dapp")
    ///     .unwrap()
    ///     .with_statement_timeout(Duration::from_millis(1500));
    /// assert_eq!(m.config().get_options(), Some("-c search_path=app -c statement_timeout=1500"));
    /// let m = quarry_postgres::Manager::from_url("postgres://u@h/db").unwrap().with_statement_timeout(None);
    /// assert_eq!(m.config().get_options(), None);
    /// ```
    pub fn with_statement_timeout(mut self, timeout: impl Into<Option<Duration>>) -> Self {
        if let Some(t) = timeout.into().filter(|t| !t.is_zero()) {
            // At least 1 ms: 0 would mean no limit.
            let ms = t.as_millis().max(1);
            let options = match self.config.get_options() {
                Some(o) if !o.trim().is_empty() => {
                    format!("{} -c statement_timeout={ms}", o.trim_end())
                }
                _ => format!("-c statement_timeout={ms}"),
            };
            self.config.options(options);
        }
        self
    }

    /// How many prepared statements each connection keeps.
    ///
    /// ```
    /// let m = quarry_postgres::Manager::from_url("postgres://u@h/db").unwrap();
    /// assert_eq!(m.statement_cache_size(), 256);
    /// ```
    pub fn statement_cache_size(&self) -> usize {
        self.statement_cache_size
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

    /// Uses `timeout` to open a connection when the URL set no `connect_timeout`.
    pub(crate) fn default_connect_timeout(mut self, url: &str, timeout: Duration) -> Self {
        let url_sets_it = parse(url)
            .map(|(c, _)| c.get_connect_timeout().is_some())
            .unwrap_or(true);
        if !url_sets_it && !timeout.is_zero() {
            self.config.connect_timeout(timeout);
        }
        self
    }

    /// Opens one connection, spawning its I/O task on the current tokio runtime.
    pub(crate) async fn open(&self) -> Result<PgClient, tokio_postgres::Error> {
        let client = match &self.connector {
            Connector::Plain => spawn(self.config.connect(NoTls).await?),
            #[cfg(feature = "rustls")]
            Connector::Rustls(tls) => spawn(self.config.connect(tls.clone()).await?),
        };
        Ok(PgClient {
            s: Box::new(Session {
                client,
                in_flight: false,
                discarded: false,
                lost: false,
                born: std::time::Instant::now(),
                cache: StatementCache::new(self.statement_cache_size),
            }),
        })
    }
}

/// Spawns a connection's I/O task on the current tokio runtime and returns its client.
fn spawn<S, T>((client, connection): (Client, tokio_postgres::Connection<S, T>)) -> Client
where
    S: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin + Send + 'static,
    T: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin + Send + 'static,
{
    tokio::spawn(async move {
        // The task ends when the client is dropped or the server goes away; the client then
        // reports `is_closed()` and the pool discards it.
        let _ = connection.await;
    });
    client
}

/// One open connection, as held by the pool: the tokio-postgres client and its cache of
/// prepared statements.
///
/// ```no_run
/// # async fn demo(pool: bb8::Pool<quarry_postgres::Manager>) -> Result<(), Box<dyn std::error::Error>> {
/// let conn = pool.get().await?;
/// let rows = conn.client().query("SELECT 1::int4", &[]).await?;
/// assert_eq!(rows[0].get::<_, i32>(0), 1);
/// # Ok(()) }
/// ```
pub struct PgClient {
    /// Boxed: bb8 moves connections in and out of its queue on every checkout, so the pooled
    /// value is kept one pointer wide.
    pub(crate) s: Box<Session>,
}

/// The state of one connection.
pub(crate) struct Session {
    pub(crate) client: Client,
    /// Set while a statement or stream runs; still set if its future or stream was dropped
    /// midway, which marks the connection broken (it may be mid-transaction or mid-result).
    pub(crate) in_flight: bool,
    /// Set by [`quarry::backend::BackendConnection::discard`]: close instead of reuse.
    pub(crate) discarded: bool,
    /// Set when the driver's protocol state no longer matches the server's (a COPY that
    /// failed to start): every later call is refused, and the pool closes the connection.
    pub(crate) lost: bool,
    /// When it was opened (for `max_lifetime` while it is parked in the lane beside the pool).
    pub(crate) born: std::time::Instant,
    pub(crate) cache: StatementCache,
}

impl std::fmt::Debug for PgClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PgClient")
            .field("closed", &self.s.client.is_closed())
            .field("in_flight", &self.s.in_flight)
            .field("discarded", &self.s.discarded)
            .field("lost", &self.s.lost)
            .field("prepared_statements", &self.s.cache.len())
            .finish()
    }
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
        &self.s.client
    }

    /// How many prepared statements this connection keeps now.
    ///
    /// ```no_run
    /// # async fn demo(pool: bb8::Pool<quarry_postgres::Manager>) -> Result<(), Box<dyn std::error::Error>> {
    /// let conn = pool.get().await?;
    /// assert!(conn.prepared_statements() <= 256);
    /// # Ok(()) }
    /// ```
    pub fn prepared_statements(&self) -> usize {
        self.s.cache.len()
    }

    /// Whether the pool must close this connection rather than reuse it.
    pub(crate) fn is_broken(&self) -> bool {
        self.s.in_flight || self.s.discarded || self.s.lost || self.s.client.is_closed()
    }
}

impl Manager {
    /// Reports connection attempts to `gate` (the lane's, whose checkouts wait through it).
    pub(crate) fn report_to(&mut self, gate: &Arc<ConnectGate>) {
        self.gate = gate.clone();
    }
}

impl bb8::ManageConnection for Manager {
    type Connection = PgClient;
    type Error = tokio_postgres::Error;

    async fn connect(&self) -> Result<PgClient, tokio_postgres::Error> {
        let opened = self.open().await;
        match &opened {
            Ok(_) => self.gate.succeeded(),
            Err(e) => self
                .gate
                .failed(&Error::connect_failed(crate::error::connect_message(e))),
        }
        opened
    }

    async fn is_valid(&self, conn: &mut PgClient) -> Result<(), tokio_postgres::Error> {
        conn.s.client.simple_query("").await.map(|_| ())
    }

    fn has_broken(&self, conn: &mut PgClient) -> bool {
        conn.is_broken()
    }
}

/// A bb8 builder with every [`PoolOptions`] field applied: `max_size`, `min_idle`,
/// `connection_timeout`, `idle_timeout`, `max_lifetime` and `test_on_checkout`.
///
/// Idle connections are handed out most recently used first (LIFO): a light load keeps
/// reusing the same warm server processes, and the connections it does not need go idle and
/// are closed after `idle_timeout`. A failed connection attempt is reported at once (as
/// [`quarry::Error::Connection`]) instead of being retried until the pool timeout. `max_size` 0, `min_idle` above `max_size`, or a zero
/// timeout or lifetime is a [`quarry::Error::Configuration`].
///
/// ```no_run
/// # async fn demo() -> quarry::Result<()> {
/// use quarry_postgres::{pool_builder, Manager, PostgresBackend};
/// let options = quarry::Engine::builder().max_size(32).options().clone();
/// let manager = Manager::from_url("postgres://postgres@localhost/app")?;
/// let backend = PostgresBackend::with_builder(manager, pool_builder(&options)?).await?;
/// let engine = quarry::Engine::from_backend(backend);
/// # Ok(()) }
/// ```
pub fn pool_builder(options: &PoolOptions) -> quarry::Result<bb8::Builder<Manager>> {
    if options.max_size == 0 {
        return Err(Error::Configuration(
            "the pool's max_size must be at least 1".into(),
        ));
    }
    if let Some(min) = options.min_idle.filter(|m| *m > options.max_size) {
        return Err(Error::Configuration(format!(
            "the pool's min_idle ({min}) exceeds its max_size ({})",
            options.max_size
        )));
    }
    let zero = |name: &str| {
        Err(Error::Configuration(format!(
            "the pool's {name} must be more than zero"
        )))
    };
    if options.connection_timeout.is_zero() {
        return zero("connection_timeout");
    }
    if options.idle_timeout.is_some_and(|t| t.is_zero()) {
        return zero("idle_timeout");
    }
    if options.max_lifetime.is_some_and(|t| t.is_zero()) {
        return zero("max_lifetime");
    }
    Ok(bb8::Pool::builder()
        .max_size(options.max_size)
        .min_idle(options.min_idle)
        .connection_timeout(options.connection_timeout)
        .idle_timeout(options.idle_timeout)
        .max_lifetime(options.max_lifetime)
        .test_on_check_out(options.test_on_checkout)
        .retry_connection(false)
        .queue_strategy(bb8::QueueStrategy::Lifo))
}

/// Builds a pool from `builder` over `manager` and opens its first connection, so that an
/// unreachable server, bad credentials or an unknown database fail here with a
/// [`quarry::Error::Connection`] rather than as a pool timeout later.
pub(crate) async fn build(
    mut manager: Manager,
    builder: bb8::Builder<Manager>,
    lane: Lane<PgLane>,
) -> quarry::Result<PostgresBackend> {
    let first = manager.open().await.map_err(connect_error)?;
    manager.report_to(lane.gate());
    let pool = builder
        .error_sink(Box::new(WakeOnError(lane.gate().clone())))
        .build_unchecked(manager);
    // A full pool just drops the connection: the check above already succeeded.
    let _ = pool.add(first);
    let lane = Arc::new(lane);
    // Closes a connection left parked past the pool's idle timeout or lifetime, as bb8's
    // reaper closes its own; it ends when the backend is gone.
    if let Some(reaper) = Lane::reaper(&lane, tokio::time::sleep) {
        tokio::spawn(reaper);
    }
    Ok(PostgresBackend { pool, lane })
}

/// bb8's error sink: once the pool has counted a failed connection attempt, the callers
/// waiting for it are woken (see [`ConnectGate::wake`]).
#[derive(Debug, Clone)]
struct WakeOnError(Arc<ConnectGate>);

impl bb8::ErrorSink<tokio_postgres::Error> for WakeOnError {
    fn sink(&self, _: tokio_postgres::Error) {
        self.0.wake();
    }

    fn boxed_clone(&self) -> Box<dyn bb8::ErrorSink<tokio_postgres::Error>> {
        Box::new(self.clone())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ssl_modes() {
        for (url, want) in [
            ("postgres://u@h/db?sslmode=disable", SslMode::Disable),
            ("postgres://u@h/db?sslmode=allow", SslMode::Disable),
            ("postgres://u@h/db?sslmode=prefer", SslMode::Prefer),
            ("postgres://u@h/db", SslMode::Prefer),
            ("postgres://u@h/db?sslmode=require", SslMode::Require),
            (
                "postgres://u@h/db?connect_timeout=3&sslmode=verify-ca",
                SslMode::Require,
            ),
            ("postgresql://u@h/db?sslmode=verify-full", SslMode::Require),
            ("host=h user=u sslmode=allow", SslMode::Disable),
            ("host=h sslmode = 'disable' user=u", SslMode::Disable),
            ("host=h sslmode=require", SslMode::Require),
        ] {
            let (config, _) = parse(url).unwrap();
            assert_eq!(config.get_ssl_mode(), want, "{url}");
        }
        let err = parse("postgres://u@h/db?sslmode=sometimes").unwrap_err();
        assert_eq!(err.kind(), quarry::ErrorKind::Configuration);
        assert!(!Manager::from_url("postgres://u@h/db?sslmode=disable")
            .unwrap()
            .uses_tls());
    }

    #[test]
    fn tls_parameters_are_percent_decoded() {
        let (config, extras) = parse(
            "postgres://u@h/db?sslmode=verify-full&sslrootcert=/a%20b/ro%2Bot.crt\
             &sslcert=/c.crt&sslkey=/c+k.key&application_name=a%20b",
        )
        .unwrap();
        assert_eq!(extras.tls.root_cert.as_deref(), Some("/a b/ro+ot.crt"));
        assert_eq!(extras.tls.cert.as_deref(), Some("/c.crt"));
        assert_eq!(extras.tls.key.as_deref(), Some("/c+k.key"));
        assert_eq!(config.get_application_name(), Some("a b"));
        let (_, extras) =
            parse("host=h sslmode=verify-ca sslrootcert='/my certs/root.crt'").unwrap();
        assert_eq!(extras.tls.root_cert.as_deref(), Some("/my certs/root.crt"));
        assert!(parse("postgres://u@h/db?sslrootcert=%FF").is_err());
    }

    #[cfg(not(feature = "rustls"))]
    #[test]
    fn tls_modes_without_the_feature() {
        assert!(Manager::from_url("postgres://u@h/db?sslmode=prefer").is_ok());
        for url in [
            "postgres://u@h/db?sslmode=require",
            "postgres://u@h/db?sslmode=verify-ca",
            "host=h sslmode=verify-full",
        ] {
            let err = Manager::from_url(url).unwrap_err();
            assert_eq!(err.kind(), quarry::ErrorKind::Configuration, "{url}");
            assert!(err.to_string().contains("rustls"), "{url}: {err}");
        }
    }

    #[cfg(feature = "rustls")]
    #[test]
    fn tls_modes_with_the_feature() {
        assert!(Manager::from_url("postgres://u@h/db").unwrap().uses_tls());
        assert!(Manager::from_url("postgres://u@h/db?sslmode=require")
            .unwrap()
            .uses_tls());
        let err = Manager::from_url("postgres://u@h/db?sslmode=verify-ca&sslrootcert=/no/file")
            .unwrap_err();
        assert_eq!(err.kind(), quarry::ErrorKind::Configuration);
        assert!(err.to_string().contains("/no/file"), "{err}");
    }

    #[test]
    fn other_parameters_pass_through() {
        let (config, extras) = parse(
            "postgres://ann@h:5433/db?sslmode=disable&application_name=x&statement_cache_size=7",
        )
        .unwrap();
        assert_eq!(config.get_application_name(), Some("x"));
        assert_eq!(config.get_ports(), [5433]);
        assert_eq!(config.get_user(), Some("ann"));
        assert_eq!(extras.statement_cache_size, 7);
        let (config, extras) =
            parse("host=h user='a b' password='it\\'s' statement_cache_size=0 dbname=d").unwrap();
        assert_eq!(config.get_user(), Some("a b"));
        assert_eq!(config.get_password(), Some(&b"it's"[..]));
        assert_eq!(config.get_dbname(), Some("d"));
        assert_eq!(extras.statement_cache_size, 0);
        assert!(parse("postgres://u@h/db?statement_cache_size=x").is_err());
        assert!(parse("postgres://u@h/db?nosuch=1").is_err());
        assert!(parse("host=h nosuch").is_err());
    }

    #[test]
    fn pool_options_are_checked() {
        let mut o = PoolOptions::default();
        assert!(pool_builder(&o).is_ok());
        o.max_size = 0;
        assert!(pool_builder(&o).is_err());
        o.max_size = 2;
        o.min_idle = Some(3);
        assert!(pool_builder(&o).is_err());
        o.min_idle = Some(2);
        assert!(pool_builder(&o).is_ok());
        o.idle_timeout = Some(Duration::ZERO);
        assert!(pool_builder(&o).is_err());
        o.idle_timeout = None;
        o.max_lifetime = Some(Duration::ZERO);
        assert!(pool_builder(&o).is_err());
        o.max_lifetime = Some(Duration::from_millis(1));
        assert!(pool_builder(&o).is_ok());
        o.connection_timeout = Duration::ZERO;
        assert!(pool_builder(&o).is_err());
    }

    #[test]
    fn statement_timeout_is_a_startup_option() {
        let m = Manager::from_url("postgres://u@h/db")
            .unwrap()
            .with_statement_timeout(Duration::from_millis(200));
        assert_eq!(m.config().get_options(), Some("-c statement_timeout=200"));
        // Below a millisecond still limits (0 would mean none).
        let m = Manager::from_url("host=h user=u options='-c work_mem=64MB'")
            .unwrap()
            .with_statement_timeout(Duration::from_micros(10));
        assert_eq!(
            m.config().get_options(),
            Some("-c work_mem=64MB -c statement_timeout=1")
        );
        let m = Manager::from_url("postgres://u@h/db")
            .unwrap()
            .with_statement_timeout(Duration::ZERO);
        assert_eq!(m.config().get_options(), None);
    }

    #[test]
    fn connect_timeout_defaults_to_the_pool_timeout() {
        let url = "postgres://u@h/db";
        let m = Manager::from_url(url)
            .unwrap()
            .default_connect_timeout(url, Duration::from_secs(3));
        assert_eq!(
            m.config().get_connect_timeout(),
            Some(&Duration::from_secs(3))
        );
        let url = "postgres://u@h/db?connect_timeout=9";
        let m = Manager::from_url(url)
            .unwrap()
            .default_connect_timeout(url, Duration::from_secs(3));
        assert_eq!(
            m.config().get_connect_timeout(),
            Some(&Duration::from_secs(9))
        );
    }
}
