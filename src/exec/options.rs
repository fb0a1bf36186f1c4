//! Pool and transaction options.

use crate::error::{Error, Result};
use std::time::Duration;

/// Options of an engine's connection pool, set with [`crate::EngineBuilder`] or in the URL's
/// query string (`pool_max_size`, `pool_min_idle`, `pool_timeout`, `pool_idle_timeout`,
/// `pool_max_lifetime` in seconds, `pool_test_on_checkout`, `log_parameters`,
/// `slow_statement_threshold` and `statement_timeout` in seconds or `off`), which quarry takes
/// out before the driver sees the URL. Keys and values are percent-decoded; the parameters left
/// for the driver are passed on as written.
///
/// ```
/// use quarry::PoolOptions;
/// let (url, opts) = PoolOptions::default()
///     .apply_url("postgres://u@h/db?pool_max_size=4&sslmode=disable&pool_timeout=2.5").unwrap();
/// assert_eq!(url, "postgres://u@h/db?sslmode=disable");
/// assert_eq!(opts.max_size, 4);
/// assert_eq!(opts.connection_timeout, std::time::Duration::from_millis(2500));
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct PoolOptions {
    /// Most connections open at once (default 10).
    pub max_size: u32,
    /// Idle connections kept open (default: none kept on purpose).
    pub min_idle: Option<u32>,
    /// How long `acquire` waits for a connection before [`Error::PoolTimeout`] (default 30 s).
    pub connection_timeout: Duration,
    /// Idle connections older than this are closed (default 10 min).
    pub idle_timeout: Option<Duration>,
    /// Connections older than this are closed (default 30 min).
    pub max_lifetime: Option<Duration>,
    /// Ping each connection when it is checked out (default false: broken connections are
    /// detected by the backend and discarded; a ping costs a round trip per checkout).
    pub test_on_checkout: bool,
    /// Record bound parameters in tracing spans and statement events (default false).
    pub log_parameters: bool,
    /// Statements that run at least this long are logged at `warn` on the `quarry::query`
    /// target (default 1 s; `None` never). See [`PoolOptions::slow_statement_threshold`].
    pub slow_statement_threshold: Option<Duration>,
    /// How long one statement may run before the database cuts it off with an
    /// [`crate::ErrorKind::Timeout`] error ([`Error::is_timeout`]), the connection staying
    /// usable (default `None`: no limit). Set with [`PoolOptions::statement_timeout()`],
    /// [`crate::EngineBuilder::statement_timeout`] or the URL's `statement_timeout` (seconds;
    /// `0` or `off` for none). Each backend applies it when a connection opens:
    ///
    /// - PostgreSQL: `statement_timeout` in the connection's startup options (`-c
    ///   statement_timeout=<ms>` appended to the URL's `options`, so no extra round trip; it
    ///   overrides a `statement_timeout` the URL's `options` set). It covers every statement;
    ///   the error is SQLSTATE `57014`.
    /// - MariaDB: `SET SESSION max_statement_time = <seconds>` after connecting; it covers
    ///   every statement; error 1969.
    /// - MySQL 8: `SET SESSION max_execution_time = <ms>` after connecting, which the server
    ///   applies to read-only `SELECT` statements only: `INSERT`, `UPDATE`, `DELETE` and DDL
    ///   run without a limit there; error 3024.
    /// - SQLite: a progress handler checked every 1000 virtual-machine steps interrupts a
    ///   statement running longer than the timeout, measured from the start of each statement
    ///   (a stream's too, however slowly it is read); error 9 (`SQLITE_INTERRUPT`). Without a
    ///   timeout no handler is installed. Time spent waiting for a lock (`busy_timeout`) is
    ///   not cut short.
    ///
    /// For a limit on one call, wrap it in `tokio::time::timeout(limit, q.fetch_all(&engine))`:
    /// every call is cancellation-safe (a dropped call's connection is reset before reuse, or
    /// closed). SQLite interrupts the dropped statement; a server may run it on until it
    /// notices its connection is gone, which `statement_timeout` does not leave to chance.
    pub statement_timeout: Option<Duration>,
    /// Keep the connection returned last beside the pool for the next caller (default true;
    /// `pool_lane=false` in the URL). Only the executor benchmarks turn it off, to measure
    /// what the lane buys over bb8 alone.
    #[doc(hidden)]
    pub lane: bool,
}

impl Default for PoolOptions {
    fn default() -> Self {
        PoolOptions {
            max_size: 10,
            min_idle: None,
            connection_timeout: Duration::from_secs(30),
            idle_timeout: Some(Duration::from_secs(600)),
            max_lifetime: Some(Duration::from_secs(1800)),
            test_on_checkout: false,
            log_parameters: false,
            slow_statement_threshold: Some(DEFAULT_SLOW_STATEMENT),
            statement_timeout: None,
            lane: true,
        }
    }
}

/// The default [`PoolOptions::slow_statement_threshold`].
pub(crate) const DEFAULT_SLOW_STATEMENT: Duration = Duration::from_secs(1);

fn secs(key: &str, v: &str) -> Result<Duration> {
    v.parse::<f64>()
        .ok()
        .filter(|s| s.is_finite() && *s >= 0.0)
        .map(Duration::from_secs_f64)
        .ok_or_else(|| Error::Configuration(format!("{key}={v:?} is not a number of seconds")))
}

fn flag(key: &str, v: &str) -> Result<bool> {
    match v {
        "true" | "1" | "yes" | "on" => Ok(true),
        "false" | "0" | "no" | "off" => Ok(false),
        _ => Err(Error::Configuration(format!(
            "{key}={v:?} is not true or false"
        ))),
    }
}

impl PoolOptions {
    /// Sets how long a statement may run before it is logged at `warn` (target
    /// `quarry::query`, message `slow statement`, with its SQL, elapsed time and rows); `None`
    /// turns the warning off. The default is 1 s. In a URL: `slow_statement_threshold=0.25`
    /// (seconds) or `slow_statement_threshold=off`.
    ///
    /// ```
    /// use std::time::Duration;
    /// use quarry::PoolOptions;
    /// let o = PoolOptions::default().slow_statement_threshold(Duration::from_millis(200));
    /// assert_eq!(o.slow_statement_threshold, Some(Duration::from_millis(200)));
    /// assert_eq!(PoolOptions::default().slow_statement_threshold(None).slow_statement_threshold, None);
    /// let (_, o) = PoolOptions::default().apply_url("sqlite::memory:?slow_statement_threshold=off").unwrap();
    /// assert_eq!(o.slow_statement_threshold, None);
    /// ```
    pub fn slow_statement_threshold(mut self, threshold: impl Into<Option<Duration>>) -> Self {
        self.slow_statement_threshold = threshold.into();
        self
    }

    /// Sets how long one statement may run before the database cuts it off with an
    /// [`crate::ErrorKind::Timeout`] error; `None` (the default) or a zero duration means no
    /// limit. What each backend does is described on the
    /// [field](PoolOptions#structfield.statement_timeout). In a URL:
    /// `statement_timeout=2.5` (seconds), `statement_timeout=0` or `statement_timeout=off`.
    ///
    /// ```
    /// use std::time::Duration;
    /// use quarry::PoolOptions;
    /// let o = PoolOptions::default().statement_timeout(Duration::from_secs(5));
    /// assert_eq!(o.statement_timeout, Some(Duration::from_secs(5)));
    /// assert_eq!(PoolOptions::default().statement_timeout, None);
    /// let (url, o) = PoolOptions::default()
    ///     .apply_url("postgres://u@h/db?statement_timeout=0.2&sslmode=disable").unwrap();
    /// assert_eq!(url, "postgres://u@h/db?sslmode=disable");
    /// assert_eq!(o.statement_timeout, Some(Duration::from_millis(200)));
    /// let (_, o) = o.clone().apply_url("sqlite::memory:?statement_timeout=off").unwrap();
    /// assert_eq!(o.statement_timeout, None);
    /// let (_, o) = o.apply_url("sqlite::memory:?statement_timeout=0").unwrap();
    /// assert_eq!(o.statement_timeout, None);
    /// let err = PoolOptions::default().apply_url("sqlite::memory:?statement_timeout=5s").unwrap_err();
    /// assert_eq!(err.kind(), quarry::ErrorKind::Configuration);
    /// assert_eq!(PoolOptions::default().statement_timeout(Duration::ZERO).statement_timeout, None);
    /// ```
    pub fn statement_timeout(mut self, timeout: impl Into<Option<Duration>>) -> Self {
        self.statement_timeout = timeout.into().filter(|t| !t.is_zero());
        self
    }

    /// Applies the pool parameters found in `url`'s query string and returns the URL without
    /// them, for the driver.
    ///
    /// ```
    /// let err = quarry::PoolOptions::default().apply_url("sqlite::memory:?pool_max_size=x").unwrap_err();
    /// assert_eq!(err.kind(), quarry::ErrorKind::Configuration);
    /// // Percent-decoded; the driver's parameters are passed on as written.
    /// let (url, o) = quarry::PoolOptions::default()
    ///     .apply_url("postgres://h/db?pool%5Fmax%5Fsize=%34&application_name=a%20b").unwrap();
    /// assert_eq!((url.as_str(), o.max_size), ("postgres://h/db?application_name=a%20b", 4));
    /// ```
    pub fn apply_url(mut self, url: &str) -> Result<(String, PoolOptions)> {
        let Some((base, _)) = url.split_once('?') else {
            self.validate()?;
            return Ok((url.to_owned(), self));
        };
        let mut kept = Vec::new();
        for p in super::url::query_params(url)? {
            let (k, v) = (&*p.key, &*p.value);
            match k {
                "pool_max_size" => {
                    self.max_size = v.parse().ok().filter(|n| *n > 0).ok_or_else(|| {
                        Error::Configuration(format!(
                            "pool_max_size={v:?} is not a positive number"
                        ))
                    })?;
                }
                "pool_min_idle" => {
                    self.min_idle = Some(v.parse().map_err(|_| {
                        Error::Configuration(format!("pool_min_idle={v:?} is not a number"))
                    })?);
                }
                "pool_timeout" => self.connection_timeout = secs(k, v)?,
                "pool_idle_timeout" => self.idle_timeout = Some(secs(k, v)?),
                "pool_max_lifetime" => self.max_lifetime = Some(secs(k, v)?),
                "pool_test_on_checkout" => self.test_on_checkout = flag(k, v)?,
                "log_parameters" => self.log_parameters = flag(k, v)?,
                "slow_statement_threshold" => {
                    self.slow_statement_threshold = match v {
                        "off" | "none" => None,
                        v => Some(secs(k, v)?),
                    }
                }
                "statement_timeout" => {
                    self.statement_timeout = match v {
                        "off" | "none" => None,
                        v => Some(secs(k, v)?).filter(|t| !t.is_zero()),
                    }
                }
                "pool_lane" => self.lane = flag(k, v)?,
                _ => kept.push(p.raw),
            }
        }
        self.validate()?;
        let url = if kept.is_empty() {
            base.to_owned()
        } else {
            format!("{base}?{}", kept.join("&"))
        };
        Ok((url, self))
    }

    /// Checks the options are usable: a positive size, non-zero timeouts, `min_idle` within
    /// `max_size`.
    ///
    /// ```
    /// let mut o = quarry::PoolOptions::default();
    /// o.max_size = 0;
    /// assert!(o.validate().is_err());
    /// ```
    pub fn validate(&self) -> Result<()> {
        if self.max_size == 0 {
            return Err(Error::Configuration(
                "the pool's max size must be at least 1".into(),
            ));
        }
        for (name, d) in [
            ("pool_timeout", Some(self.connection_timeout)),
            ("pool_idle_timeout", self.idle_timeout),
            ("pool_max_lifetime", self.max_lifetime),
        ] {
            if d == Some(Duration::ZERO) {
                return Err(Error::Configuration(format!(
                    "{name} must be greater than zero"
                )));
            }
        }
        if self.min_idle.is_some_and(|m| m > self.max_size) {
            return Err(Error::Configuration(format!(
                "pool_min_idle ({}) exceeds pool_max_size ({})",
                self.min_idle.unwrap_or_default(),
                self.max_size
            )));
        }
        Ok(())
    }
}
