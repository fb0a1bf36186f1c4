//! The bb8 connection manager over `mysql_async::Conn` (the URL options it accepts, its health
//! check), the error sink that wakes waiting callers, and building the pool.

use crate::backend::MySqlBackend;
use crate::cache::StmtCache;
use crate::decode::DecoderCache;
use crate::error::map_connect_error;
use mysql_async::consts::StatusFlags;
use mysql_async::prelude::Queryable;
use mysql_async::{Conn, Opts, OptsBuilder};
use quarry::backend::{ConnectGate, Lane};
use quarry::{Error, PoolOptions, Result};
use std::fmt;
use std::sync::{Arc, OnceLock};
use std::time::Duration;

/// Prepared statements each connection keeps (least recently used ones are closed beyond it),
/// unless the URL sets `stmt_cache_size`.
///
/// ```
/// let m = quarry_mysql::MySqlConnectionManager::new("mysql://u@h/db").unwrap();
/// assert_eq!(m.stmt_cache_size(), quarry_mysql::DEFAULT_STMT_CACHE_SIZE);
/// ```
pub const DEFAULT_STMT_CACHE_SIZE: usize = 256;

/// What every connection runs when it opens: `utf8mb4`, and `NO_BACKSLASH_ESCAPES` removed from
/// the session's `sql_mode`, so that the string literals quarry writes (backslashes escaped,
/// as MySQL reads them by default) mean the same on a server configured with it.
const SESSION_SETUP: &str = "SET NAMES utf8mb4, SESSION sql_mode = TRIM(BOTH ',' FROM \
     REPLACE(CONCAT(',', @@SESSION.sql_mode, ','), ',NO_BACKSLASH_ESCAPES,', ','))";

/// `mysql_async` URL options that configure its own connection pool, which quarry does not use:
/// they are refused rather than silently ignored.
const DRIVER_POOL_OPTIONS: &[&str] = &[
    "pool_min",
    "pool_max",
    "inactive_connection_ttl",
    "ttl_check_interval",
    "conn_ttl",
    "abs_conn_ttl",
    "abs_conn_ttl_jitter",
    "reset_connection",
];

/// A bb8 [`ManageConnection`](bb8::ManageConnection) opening `mysql_async` connections.
///
/// Every connection talks `utf8mb4` (`SET NAMES utf8mb4` when it opens, whatever the URL
/// says), reads backslashes in string literals as escapes (`NO_BACKSLASH_ESCAPES` is removed
/// from its `sql_mode`), reports *matched* rows for `UPDATE` (`CLIENT_FOUND_ROWS`, as PostgreSQL and SQLite
/// count) and keeps up to [`DEFAULT_STMT_CACHE_SIZE`] prepared statements unless the URL sets
/// `stmt_cache_size`. `mysql_async` announces `CLIENT_MULTI_STATEMENTS`, so scripts
/// (`execute_script`) may hold several statements; every other call prepares its statement,
/// which the server refuses for a text of several. `mariadb://` URLs are accepted as `mysql://`. The URL options are listed
/// at the crate root.
///
/// Most applications call [`crate::connect`]; the manager is public for building a pool with
/// other settings.
///
/// ```
/// use quarry_mysql::MySqlConnectionManager;
/// let m = MySqlConnectionManager::new("mariadb://root@localhost:3306/test").unwrap();
/// assert_eq!(m.opts().db_name(), Some("test"));
/// assert_eq!(m.stmt_cache_size(), quarry_mysql::DEFAULT_STMT_CACHE_SIZE);
/// assert!(MySqlConnectionManager::new("mysql://[bad").is_err());
/// ```
#[derive(Clone)]
pub struct MySqlConnectionManager {
    opts: Opts,
    /// `ssl-mode=PREFERRED`: the options without TLS, for a server that offers none.
    plain: Option<Opts>,
    /// Prepared statements quarry keeps per connection.
    stmt_cache_size: usize,
    /// Told of every connection attempt, so that callers waiting for the pool learn of a
    /// failed one at once.
    gate: Arc<ConnectGate>,
    /// Set on every connection as it opens ([`PoolOptions::statement_timeout`]).
    statement_timeout: Option<Duration>,
    /// Whether the server is MariaDB, learnt from the first connection that needs to know
    /// (its `SELECT VERSION()`), for the statement timeout's variable.
    mariadb: Arc<OnceLock<bool>>,
}

/// What a connection runs when it opens to limit its statements to `timeout`: MariaDB's
/// `max_statement_time` (seconds, to the microsecond; every statement) or MySQL's
/// `max_execution_time` (milliseconds; read-only `SELECT` statements only). Never 0, which
/// would mean no limit.
pub(crate) fn timeout_setup(timeout: Duration, mariadb: bool) -> String {
    if mariadb {
        let micros = timeout.as_micros().max(1);
        format!(
            "SET SESSION max_statement_time = {}.{:06}",
            micros / 1_000_000,
            micros % 1_000_000
        )
    } else {
        let ms = timeout.as_millis().max(1);
        format!("SET SESSION max_execution_time = {ms}")
    }
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
fn normalize_url(url: &str) -> String {
    match url.split_once(':') {
        Some((scheme, rest)) if scheme.eq_ignore_ascii_case("mariadb") => format!("mysql:{rest}"),
        Some((scheme, rest)) if scheme.eq_ignore_ascii_case("mysql") => format!("mysql:{rest}"),
        _ => url.to_owned(),
    }
}

/// The query-string pairs of `url` (undecoded; option names are plain ASCII).
pub(crate) fn query_pairs(url: &str) -> impl Iterator<Item = (&str, &str)> {
    let query = url
        .split_once('?')
        .map_or("", |(_, q)| q)
        .split('#')
        .next()
        .unwrap_or_default();
    query
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|p| p.split_once('=').unwrap_or((p, "")))
}

impl MySqlConnectionManager {
    /// A manager for `url` (`mysql://user:password@host:port/db?options` or `mariadb://…`);
    /// a malformed URL, an unknown option, or an option quarry overrides with a different
    /// value is [`quarry::Error::Configuration`].
    ///
    /// ```
    /// use quarry_mysql::MySqlConnectionManager;
    /// let err = MySqlConnectionManager::new("postgres://x").unwrap_err();
    /// assert_eq!(err.kind(), quarry::ErrorKind::Configuration);
    /// let m = MySqlConnectionManager::new("mysql://u@h/db?stmt_cache_size=16&tcp_nodelay=true").unwrap();
    /// assert_eq!(m.stmt_cache_size(), 16);
    /// // quarry's pool replaces mysql_async's: its options are refused.
    /// assert!(MySqlConnectionManager::new("mysql://u@h/db?pool_max=3").is_err());
    /// ```
    pub fn new(url: &str) -> Result<Self> {
        let url = normalize_url(url);
        let (url, tls) = crate::tls::take_params(&url)?;
        let mut stmt_cache_size = DEFAULT_STMT_CACHE_SIZE;
        for (key, value) in query_pairs(&url) {
            if DRIVER_POOL_OPTIONS.contains(&key) {
                return Err(Error::Configuration(format!(
                    "MySQL URL option {key} configures mysql_async's own pool, which quarry does not use; \
                     use pool_max_size, pool_min_idle, pool_timeout, pool_idle_timeout or pool_max_lifetime"
                )));
            }
            match key {
                "stmt_cache_size" => match value.parse::<usize>() {
                    Ok(n) if n > 0 => stmt_cache_size = n,
                    _ => {
                        return Err(Error::Configuration(format!(
                            "stmt_cache_size={value:?}: quarry needs a positive number (prepared statements are cached per connection)"
                        )))
                    }
                },
                "client_found_rows" if value != "true" => {
                    return Err(Error::Configuration(format!(
                        "client_found_rows={value:?}: quarry always counts matched rows for UPDATE, as on its other backends"
                    )))
                }
                _ => {}
            }
        }
        let opts = Opts::from_url(&url)
            .map_err(|e| Error::Configuration(format!("invalid MySQL URL: {e}")))?;
        // quarry's own cache (see `cache.rs`) closes statements beyond `stmt_cache_size`;
        // the driver's is larger so that it never closes one quarry still holds.
        let builder = OptsBuilder::from_opts(opts.clone())
            .init(vec![SESSION_SETUP])
            .client_found_rows(true)
            .stmt_cache_size(stmt_cache_size.saturating_mul(2).saturating_add(16));
        let plan = crate::tls::plan(&url, &opts, builder, &tls)?;
        Ok(MySqlConnectionManager {
            opts: plan.builder.into(),
            plain: plan.plain,
            stmt_cache_size,
            gate: Arc::default(),
            statement_timeout: None,
            mariadb: Arc::default(),
        })
    }

    /// Limits every statement of the connections opened from now on to `timeout` (`None` or
    /// zero: no limit), set when each opens: `SET SESSION max_statement_time` on MariaDB
    /// (every statement; error 1969), `SET SESSION max_execution_time` on MySQL, which covers
    /// read-only `SELECT` statements only (error 3024). A statement cut off fails with a
    /// [`quarry::ErrorKind::Timeout`] error and the connection stays usable.
    ///
    /// ```
    /// let m = quarry_mysql::MySqlConnectionManager::new("mysql://u@h/db")
    ///     .unwrap()
    ///     .with_statement_timeout(std::time::Duration::from_secs(5));
    /// # let _ = m;
    /// ```
    pub fn with_statement_timeout(mut self, timeout: impl Into<Option<Duration>>) -> Self {
        self.statement_timeout = timeout.into().filter(|t| !t.is_zero());
        self
    }

    /// Reports connection attempts to `gate` (the lane's, whose checkouts wait through it).
    pub(crate) fn report_to(&mut self, gate: &Arc<ConnectGate>) {
        self.gate = gate.clone();
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

    /// How many prepared statements each connection keeps (the URL's `stmt_cache_size`, or
    /// [`DEFAULT_STMT_CACHE_SIZE`]).
    ///
    /// ```
    /// let m = quarry_mysql::MySqlConnectionManager::new("mysql://u@h/db?stmt_cache_size=16").unwrap();
    /// assert_eq!(m.stmt_cache_size(), 16);
    /// ```
    pub fn stmt_cache_size(&self) -> usize {
        self.stmt_cache_size
    }

    /// Opens a connection now; every failure (refused, access denied, unknown database) is a
    /// [`quarry::ErrorKind::Connection`] error.
    pub(crate) async fn open(&self) -> Result<PooledConn> {
        let conn = match (Conn::new(self.opts.clone()).await, &self.plain) {
            // PREFERRED, and the server offers no TLS: plain text.
            (
                Err(mysql_async::Error::Driver(
                    mysql_async::DriverError::NoClientSslFlagFromServer,
                )),
                Some(plain),
            ) => Conn::new(plain.clone()).await,
            (opened, _) => opened,
        }
        .map_err(map_connect_error)?;
        let mut pooled = PooledConn {
            conn,
            busy: false,
            unread: false,
            broken: false,
            in_transaction: false,
            autocommit: true,
            born: std::time::Instant::now(),
            caches: Box::new(Caches {
                decoders: DecoderCache::default(),
                statements: StmtCache::new(self.stmt_cache_size),
                max_packet: None,
            }),
        };
        pooled.after_success();
        if let Some(timeout) = self.statement_timeout {
            let mariadb = match self.mariadb.get() {
                Some(m) => *m,
                None => {
                    let version = server_version(&mut pooled).await?;
                    let m = crate::dialect_for_version(&version).name() == "mariadb";
                    *self.mariadb.get_or_init(|| m)
                }
            };
            pooled
                .conn
                .query_drop(timeout_setup(timeout, mariadb))
                .await
                .map_err(map_connect_error)?;
        }
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
    /// A command was sent and its reply not fully read: if this is still set when the next
    /// statement starts or when the connection goes back to the pool, its future was dropped
    /// mid-way and the protocol state is unknown.
    pub(crate) busy: bool,
    /// A result set is open: a stream was dropped between two rows. The driver reads and drops
    /// the rest before the next command on this connection; the pool closes it instead.
    pub(crate) unread: bool,
    /// A fatal driver error was seen, or the connection was discarded.
    pub(crate) broken: bool,
    /// The server said a transaction is open (status flags of the last OK packet).
    in_transaction: bool,
    /// The server said autocommit is on.
    autocommit: bool,
    /// When it was opened (for `max_lifetime` while it is parked in the lane beside the pool).
    pub(crate) born: std::time::Instant,
    /// Boxed: bb8 moves a pooled connection by value several times per checkout, so it is
    /// kept small.
    caches: Box<Caches>,
}

/// The per-connection caches.
#[derive(Debug)]
struct Caches {
    /// Row decoders of the result shapes seen recently.
    decoders: DecoderCache,
    /// Prepared statements by SQL text.
    statements: StmtCache,
    /// The server's `max_allowed_packet`, once read (by the first bulk INSERT).
    max_packet: Option<usize>,
}

impl fmt::Debug for PooledConn {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PooledConn")
            .field("id", &self.conn.id())
            .field("busy", &self.busy)
            .field("unread", &self.unread)
            .field("broken", &self.broken)
            .field("in_transaction", &self.in_transaction)
            .field("autocommit", &self.autocommit)
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

    /// The driver connection and the caches, borrowed together.
    pub(crate) fn parts(&mut self) -> (&mut Conn, &mut StmtCache, &mut DecoderCache) {
        let caches = &mut *self.caches;
        (&mut self.conn, &mut caches.statements, &mut caches.decoders)
    }

    /// The server's `max_allowed_packet`, if read on this connection.
    pub(crate) fn max_packet(&self) -> Option<usize> {
        self.caches.max_packet
    }

    /// Records the server's `max_allowed_packet`.
    pub(crate) fn set_max_packet(&mut self, bytes: usize) {
        self.caches.max_packet = Some(bytes);
    }

    /// The server's id of this connection (`CONNECTION_ID()`).
    ///
    /// ```no_run
    /// # fn demo(c: &quarry_mysql::PooledConn) { println!("{}", c.id()); }
    /// ```
    pub fn id(&self) -> u32 {
        self.conn.id()
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
        if crate::error::breaks_connection(err) || self.conn.is_disconnected() {
            self.broken = true;
        }
        if !self.autocommit {
            self.in_transaction = true;
        }
    }

    /// Whether the connection must not go back to the pool: a fatal error, an interrupted
    /// statement, an unread result, a closed socket, an open transaction or autocommit turned
    /// off (closing the connection rolls back). The driver's last OK packet is consulted too,
    /// for statements run directly through [`PooledConn::conn_mut`].
    pub(crate) fn unusable(&self) -> bool {
        self.broken
            || self.busy
            || self.unread
            || self.in_transaction
            || !self.autocommit
            || self.conn.is_disconnected()
            || self.conn.last_ok_packet().is_some_and(|ok| {
                let flags = ok.status_flags();
                flags.contains(StatusFlags::SERVER_STATUS_IN_TRANS)
                    || !flags.contains(StatusFlags::SERVER_STATUS_AUTOCOMMIT)
            })
    }
}

impl bb8::ManageConnection for MySqlConnectionManager {
    type Connection = PooledConn;
    type Error = Error;

    async fn connect(&self) -> Result<PooledConn> {
        let opened = self.open().await;
        match &opened {
            Ok(_) => self.gate.succeeded(),
            Err(e) => self.gate.failed(e),
        }
        opened
    }

    async fn is_valid(&self, conn: &mut PooledConn) -> Result<()> {
        conn.conn
            .ping()
            .await
            .map_err(|e| Error::connection("ping failed", Some(Box::new(e))))
    }

    fn has_broken(&self, conn: &mut PooledConn) -> bool {
        conn.unusable()
    }
}

/// Reads `SELECT VERSION()` on a fresh connection.
async fn server_version(conn: &mut PooledConn) -> Result<String> {
    const SQL: &str = "SELECT VERSION()";
    let raw = conn
        .conn_mut()
        .query_iter(SQL)
        .await
        .map_err(map_connect_error)?
        .collect_and_drop::<mysql_async::Row>()
        .await
        .map_err(map_connect_error)?;
    let row = raw.into_iter().next().map(mysql_async::Row::unwrap_raw);
    match row.as_deref() {
        Some([Some(mysql_async::Value::Bytes(b)), ..]) => {
            Ok(String::from_utf8_lossy(b).into_owned())
        }
        _ => Err(Error::connection(
            "SELECT VERSION() returned no version string",
            None,
        )),
    }
}

/// `Some(0)` means "never" (bb8 refuses a zero duration).
fn nonzero(d: Option<Duration>) -> Option<Duration> {
    d.filter(|d| !d.is_zero())
}

/// The bb8 builder for `options`; inconsistent options are configuration errors (bb8 would
/// panic on them).
fn pool_builder(options: &PoolOptions) -> Result<bb8::Builder<MySqlConnectionManager>> {
    if options.max_size == 0 {
        return Err(Error::Configuration(
            "pool max_size must be at least 1".into(),
        ));
    }
    if options.min_idle.is_some_and(|m| m > options.max_size) {
        return Err(Error::Configuration(format!(
            "pool min_idle ({}) exceeds max_size ({})",
            options.min_idle.unwrap_or_default(),
            options.max_size
        )));
    }
    if options.connection_timeout.is_zero() {
        return Err(Error::Configuration(
            "pool connection_timeout must be longer than zero".into(),
        ));
    }
    Ok(bb8::Pool::builder()
        .max_size(options.max_size)
        .min_idle(options.min_idle)
        .connection_timeout(options.connection_timeout)
        .idle_timeout(nonzero(options.idle_timeout))
        .max_lifetime(nonzero(options.max_lifetime))
        .test_on_check_out(options.test_on_checkout)
        // The connection used last is the next one handed out: its server thread and the
        // caches on both sides are warm, and idle connections beyond what the load needs age
        // out (idle_timeout) instead of being kept alive by round-robin use.
        .queue_strategy(bb8::QueueStrategy::Lifo)
        // A failed attempt is reported to the waiting callers at once (see `WakeOnError`)
        // rather than retried until the pool timeout.
        .retry_connection(false))
}

/// Builds the pool for `url` and opens its first connection, whose `SELECT VERSION()` picks the
/// dialect; an unreachable server or wrong credentials fail here.
pub(crate) async fn build(url: &str, options: &PoolOptions) -> Result<MySqlBackend> {
    let builder = pool_builder(options)?;
    let mut manager =
        MySqlConnectionManager::new(url)?.with_statement_timeout(options.statement_timeout);
    let timeout = options.connection_timeout;
    let mut first = match tokio::time::timeout(timeout, manager.open()).await {
        Ok(conn) => conn?,
        Err(_) => {
            return Err(Error::connection(
                format!("cannot connect to MySQL: no answer within {timeout:?}"),
                None,
            ))
        }
    };
    let version = server_version(&mut first).await?;
    let dialect = crate::dialect_for_version(&version);
    let lane = Arc::new(Lane::new(options));
    manager.report_to(lane.gate());
    let pool = builder
        .error_sink(Box::new(WakeOnError(lane.gate().clone())))
        .build_unchecked(manager);
    // The pool is empty and has room unless min_idle connections beat us to it; then this
    // one is simply closed.
    let _ = pool.add(first);
    // Closes a connection left parked past the pool's idle timeout or lifetime, as bb8's
    // reaper closes its own; it ends when the engine is gone.
    if let Some(reaper) = Lane::reaper(&lane, tokio::time::sleep) {
        tokio::spawn(reaper);
    }
    Ok(MySqlBackend {
        pool,
        lane,
        dialect,
        mariadb: dialect.name() == "mariadb",
        replacements: options.max_size.saturating_add(1),
    })
}

/// bb8's error sink: logs a failed connection attempt and, the pool having counted it, wakes
/// the callers waiting for it (see [`quarry::backend::ConnectGate::wake`]).
#[derive(Debug, Clone)]
struct WakeOnError(Arc<ConnectGate>);

impl bb8::ErrorSink<Error> for WakeOnError {
    fn sink(&self, error: Error) {
        tracing::warn!(%error, "quarry-mysql: opening a pooled connection failed");
        self.0.wake();
    }

    fn boxed_clone(&self) -> Box<dyn bb8::ErrorSink<Error>> {
        Box::new(self.clone())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn pool_options_are_checked() {
        let ok = PoolOptions::default();
        assert!(pool_builder(&ok).is_ok());
        let mut zero = PoolOptions::default();
        zero.max_size = 0;
        assert_eq!(
            pool_builder(&zero).unwrap_err().kind(),
            quarry::ErrorKind::Configuration
        );
        let mut idle = PoolOptions::default();
        idle.min_idle = Some(11);
        assert!(pool_builder(&idle).is_err());
        let mut timeout = PoolOptions::default();
        timeout.connection_timeout = Duration::ZERO;
        assert!(pool_builder(&timeout).is_err());
        let mut never = PoolOptions::default();
        never.idle_timeout = Some(Duration::ZERO);
        never.max_lifetime = Some(Duration::ZERO);
        assert!(pool_builder(&never).is_ok());
        assert_eq!(nonzero(Some(Duration::ZERO)), None);
        assert_eq!(
            nonzero(Some(Duration::from_secs(1))),
            Some(Duration::from_secs(1))
        );
    }

    #[test]
    fn statement_timeout_setup() {
        let ms = Duration::from_millis;
        assert_eq!(
            timeout_setup(ms(200), true),
            "SET SESSION max_statement_time = 0.200000"
        );
        assert_eq!(
            timeout_setup(Duration::from_secs_f64(2.5), true),
            "SET SESSION max_statement_time = 2.500000"
        );
        assert_eq!(
            timeout_setup(ms(200), false),
            "SET SESSION max_execution_time = 200"
        );
        // Never 0, which means no limit.
        assert_eq!(
            timeout_setup(Duration::from_nanos(1), true),
            "SET SESSION max_statement_time = 0.000001"
        );
        assert_eq!(
            timeout_setup(Duration::from_nanos(1), false),
            "SET SESSION max_execution_time = 1"
        );
        let m = MySqlConnectionManager::new("mysql://u@h/db").unwrap();
        assert_eq!(m.statement_timeout, None);
        assert_eq!(
            m.with_statement_timeout(Duration::ZERO).statement_timeout,
            None
        );
    }

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
    fn url_options() {
        let m = MySqlConnectionManager::new(
            "mysql://u:p@h:3307/db?prefer_socket=false&tcp_nodelay=false&max_allowed_packet=1048576\
             &wait_timeout=60&tcp_keepalive=1000&compression=fast&stmt_cache_size=8&client_found_rows=true",
        )
        .unwrap();
        let o = m.opts();
        assert!(!o.prefer_socket());
        assert!(!o.tcp_nodelay());
        assert_eq!(m.stmt_cache_size(), 8);
        assert!(o.stmt_cache_size() > 8);
        assert_eq!(o.wait_timeout(), Some(60));
        assert!(o.client_found_rows());
        assert_eq!(o.init(), [SESSION_SETUP]);
        let d = MySqlConnectionManager::new("mysql://u@h/db").unwrap();
        assert_eq!(d.stmt_cache_size(), DEFAULT_STMT_CACHE_SIZE);
        assert!(d.opts().client_found_rows());
        for bad in [
            "mysql://u@h/db?stmt_cache_size=0",
            "mysql://u@h/db?stmt_cache_size=x",
            "mysql://u@h/db?client_found_rows=false",
            "mysql://u@h/db?pool_min=1",
            "mysql://u@h/db?pool_max=2",
            "mysql://u@h/db?conn_ttl=2",
            "mysql://u@h/db?reset_connection=true",
            "mysql://u@h/db?wait_timeout=x",
        ] {
            let e = MySqlConnectionManager::new(bad).unwrap_err();
            assert_eq!(e.kind(), quarry::ErrorKind::Configuration, "{bad}");
        }
    }

    #[test]
    fn debug_hides_password() {
        let m = MySqlConnectionManager::new("mysql://u:secret@h/db").unwrap();
        assert!(!format!("{m:?}").contains("secret"));
    }
}
