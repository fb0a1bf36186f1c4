//! Errors that applications can act on.
//!
//! Every fallible quarry call returns [`Error`]. Match on [`Error::kind`] or use the predicates
//! ([`Error::is_unique_violation`], [`Error::is_retryable`], …); the backend's native code
//! (SQLSTATE, MySQL errno, SQLite extended code), its message and the SQL text are kept.
//!
//! ```
//! use quarry::{Error, ErrorKind};
//! let err = Error::unsupported("mysql", "partial index (WHERE)");
//! assert_eq!(err.kind(), ErrorKind::Unsupported);
//! assert!(err.to_string().contains("partial index"));
//! ```

use std::fmt;

/// Shorthand for `Result<T, quarry::Error>`.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// What kind of failure an [`Error`] is; stable across backends.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    /// The dialect cannot express a construct (found when compiling, before the database).
    Unsupported,
    /// The schema metadata is invalid (bad names, dangling or mismatched foreign keys, …).
    InvalidSchema,
    /// A statement is malformed (found when compiling).
    InvalidStatement,
    /// A URL or an option is malformed or names no installed driver.
    Configuration,
    /// A UNIQUE or PRIMARY KEY constraint was violated.
    UniqueViolation,
    /// A FOREIGN KEY constraint was violated.
    ForeignKeyViolation,
    /// A NOT NULL constraint was violated.
    NotNullViolation,
    /// A CHECK constraint was violated.
    CheckViolation,
    /// A serialization failure: the transaction may succeed if retried.
    SerializationFailure,
    /// A deadlock was detected: the transaction may succeed if retried.
    Deadlock,
    /// The connection to the database could not be made or was lost.
    Connection,
    /// No pooled connection became available within the timeout.
    PoolTimeout,
    /// A statement ran longer than the engine's statement timeout and the database cut it off
    /// ([`crate::PoolOptions::statement_timeout`]); the connection stays usable. The native
    /// code is kept: SQLSTATE `57014` on PostgreSQL, 1969 on MariaDB, 3024 on MySQL 8, 9
    /// (`SQLITE_INTERRUPT`) on SQLite.
    Timeout,
    /// A value could not be decoded into the requested Rust type.
    Decode,
    /// A query that must return a row returned none.
    NotFound,
    /// Any other error reported by the database.
    Database,
    /// A DDL plan failed midway on a database that commits each DDL statement as it runs
    /// (MySQL, MariaDB): the statements before the failed one stay applied
    /// ([`Error::PartiallyApplied`]; the failure's own kind is its source's).
    PartiallyApplied,
    /// A migration plan would lose data (drop a table or a column, narrow a type, make a column
    /// holding NULLs NOT NULL) and destructive changes were not allowed
    /// ([`Error::Destructive`]); nothing was changed.
    Destructive,
}

/// A database error as reported by the backend, with its native code kept.
///
/// [`std::error::Error::source`] returns the driver's own error (`tokio_postgres::Error`,
/// `mysql_async::Error`, `rusqlite::Error`) when the backend kept it: downcast it for what quarry
/// does not copy (a PostgreSQL hint, schema or table), through the [`DriverError`] that holds
/// it. `Display` is the code, the kind and constraint where known, the database's message and
/// the SQL, so that `{err}` alone (a log line) says what went wrong; the driver's error, whose
/// text repeats the message, is not printed again by a chain printer.
///
/// ```
/// use quarry::{Error, ErrorKind};
/// let io = std::io::Error::other("driver detail");
/// let e = Error::database(ErrorKind::UniqueViolation, "23505", "duplicate key", None)
///     .with_constraint("customers_email_key")
///     .with_source(io);
/// let Error::Database(db) = &e else { unreachable!() };
/// assert_eq!(db.constraint.as_deref(), Some("customers_email_key"));
/// assert_eq!(db.message, "duplicate key");
/// assert_eq!(e.to_string(), "database error 23505 (unique violation of constraint customers_email_key): duplicate key");
/// assert!(e.driver_error().unwrap().downcast_ref::<std::io::Error>().is_some());
/// let plain = Error::database(ErrorKind::Database, "42601", "syntax error", Some("SELEC 1"));
/// assert_eq!(plain.to_string(), "database error 42601: syntax error (SQL: SELEC 1)");
/// ```
#[derive(Debug)]
pub struct DatabaseError {
    /// The classified kind.
    pub kind: ErrorKind,
    /// The native code: SQLSTATE on PostgreSQL, errno on MySQL/MariaDB, the extended result code
    /// on SQLite.
    pub code: String,
    /// The backend's message.
    pub message: String,
    /// The SQL text that failed, if known.
    pub sql: Option<String>,
    /// The name of the violated constraint, where the database reports one (see
    /// [`Error::constraint`]).
    pub constraint: Option<String>,
    /// The driver's error.
    source: Option<DriverError>,
}

/// The driver's own error behind a database error (`tokio_postgres::Error`,
/// `mysql_async::Error`, `rusqlite::Error`): the error's [`std::error::Error::source`]. Its
/// `Display` names the driver's error type only, and it has no source of its own, because the
/// driver's text repeats the database's message, which the database error already prints: an
/// error-chain printer shows each text once. Read the driver's error with
/// [`DriverError::downcast_ref`] (a PostgreSQL hint or table name, which quarry does not copy).
///
/// ```
/// use quarry::{DriverError, Error, ErrorKind};
/// let e = Error::database(ErrorKind::Database, "42601", "syntax error", None)
///     .with_source(std::io::Error::other("driver text"));
/// let driver = std::error::Error::source(&e).unwrap().downcast_ref::<DriverError>().unwrap();
/// assert_eq!(driver.downcast_ref::<std::io::Error>().unwrap().to_string(), "driver text");
/// assert_eq!(driver.to_string(), "the driver's std::io::error::Error");
/// assert!(std::error::Error::source(driver).is_none());
/// ```
pub struct DriverError {
    inner: Box<dyn std::error::Error + Send + Sync>,
    type_name: &'static str,
}

impl DriverError {
    /// The driver's error.
    ///
    /// ```
    /// let d = quarry::Error::database(quarry::ErrorKind::Database, "1", "m", None)
    ///     .with_source(std::io::Error::other("x"));
    /// assert!(d.driver_error().unwrap().get_ref().is::<std::io::Error>());
    /// ```
    pub fn get_ref(&self) -> &(dyn std::error::Error + Send + Sync + 'static) {
        &*self.inner
    }

    /// The driver's error as `T`, when it is one.
    ///
    /// ```
    /// let d = quarry::Error::database(quarry::ErrorKind::Database, "1", "m", None)
    ///     .with_source(std::io::Error::other("x"));
    /// assert!(d.driver_error().unwrap().downcast_ref::<std::io::Error>().is_some());
    /// ```
    pub fn downcast_ref<T: std::error::Error + 'static>(&self) -> Option<&T> {
        self.inner.downcast_ref::<T>()
    }
}

impl fmt::Debug for DriverError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.inner, f)
    }
}

impl fmt::Display for DriverError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "the driver's {}", self.type_name)
    }
}

impl std::error::Error for DriverError {}

impl fmt::Display for DatabaseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("database error")?;
        if !self.code.is_empty() {
            write!(f, " {}", self.code)?;
        }
        let what = match self.kind {
            ErrorKind::UniqueViolation => Some("unique violation"),
            ErrorKind::ForeignKeyViolation => Some("foreign key violation"),
            ErrorKind::NotNullViolation => Some("not-null violation"),
            ErrorKind::CheckViolation => Some("check violation"),
            ErrorKind::SerializationFailure => Some("serialization failure"),
            ErrorKind::Deadlock => Some("deadlock"),
            ErrorKind::Timeout => Some("statement timeout"),
            _ => None,
        };
        match (what, &self.constraint) {
            (Some(what), Some(c)) => write!(f, " ({what} of constraint {c})")?,
            (Some(what), None) => write!(f, " ({what})")?,
            (None, Some(c)) => write!(f, " (constraint {c})")?,
            (None, None) => {}
        }
        write!(f, ": {}", self.message)?;
        if let Some(sql) = &self.sql {
            write!(f, " (SQL: {sql})")?;
        }
        Ok(())
    }
}

impl std::error::Error for DatabaseError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.source
            .as_ref()
            .map(|s| s as &(dyn std::error::Error + 'static))
    }
}

/// The error type of every quarry operation.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A dialect cannot express a construct.
    #[error("{dialect} does not support {feature}")]
    Unsupported {
        /// The dialect's name.
        dialect: &'static str,
        /// What was asked for.
        feature: String,
    },
    /// The schema metadata is invalid.
    #[error("invalid schema: {0}")]
    InvalidSchema(String),
    /// A statement is malformed.
    #[error("invalid statement: {0}")]
    InvalidStatement(String),
    /// A URL or an option is malformed.
    #[error("configuration: {0}")]
    Configuration(String),
    /// The database rejected a statement; its `Display` and `source()` are the
    /// [`DatabaseError`]'s.
    #[error(transparent)]
    Database(Box<DatabaseError>),
    /// The connection could not be made or was lost.
    ///
    /// `Display` shows `message` only; the driver's error is the `source()`, so that a printer
    /// walking the chain shows each text once.
    #[error("connection error: {message}")]
    Connection {
        /// What happened.
        message: String,
        /// The driver's error.
        #[source]
        source: Option<Box<dyn std::error::Error + Send + Sync>>,
        /// No statement had started: a new connection could not be opened, so trying again
        /// (later) is safe ([`Error::is_retryable`]).
        before_statement: bool,
    },
    /// No pooled connection became available in time.
    #[error("timed out waiting for a pooled connection")]
    PoolTimeout,
    /// A query that must return a row (`fetch_one`, `fetch_scalar`) returned none.
    #[error("the query returned no row: {sql}")]
    NotFound {
        /// The SQL text.
        sql: String,
    },
    /// A DDL plan (`Engine::alter`, `Engine::migrate_to`) failed midway on a database that
    /// commits each DDL statement as it runs (MySQL, MariaDB): of the plan's `statements`,
    /// the first `failed` ran and stay applied, `statements[failed]` failed, the rest were not
    /// tried. Its [`Error::kind`] is [`ErrorKind::PartiallyApplied`] whatever the cause, since
    /// the schema is now between the old and the new; the database's error is `source` (also
    /// [`std::error::Error::source`]: `Display` names the failed statement, and a printer
    /// walking the chain adds why), and [`Error::code`], [`Error::sql`], [`Error::message`]
    /// and [`Error::constraint`] read it. A plan whose first statement fails changed nothing
    /// and returns that statement's error instead.
    ///
    /// ```
    /// use quarry::{Error, ErrorKind};
    /// let cause = Error::database(ErrorKind::Database, "1054", "Unknown column 'x'", Some("ALTER TABLE t DROP COLUMN x"));
    /// let e = Error::PartiallyApplied {
    ///     statements: [
    ///         "ALTER TABLE t ADD COLUMN a INT",
    ///         "ALTER TABLE t DROP COLUMN x",
    ///         "ALTER TABLE t ADD COLUMN b INT",
    ///     ]
    ///     .map(String::from)
    ///     .into(),
    ///     failed: 1,
    ///     source: Box::new(cause),
    /// };
    /// assert_eq!(e.kind(), ErrorKind::PartiallyApplied);
    /// assert_eq!(e.code(), Some("1054"));
    /// assert_eq!(
    ///     e.to_string(),
    ///     "1 of 3 DDL statements ran and stay applied (the database commits each DDL statement); \
    ///      statement 2 failed: ALTER TABLE t DROP COLUMN x"
    /// );
    /// assert!(std::error::Error::source(&e).unwrap().to_string().contains("Unknown column"));
    /// ```
    #[error(
        "{failed} of {} DDL statements ran and stay applied (the database commits each DDL \
         statement); statement {} failed: {}",
        .statements.len(),
        .failed + 1,
        .statements.get(*.failed).map_or("", String::as_str)
    )]
    PartiallyApplied {
        /// The plan's statements, in order (boxed, as every field here, to keep `Error` small).
        statements: Box<[String]>,
        /// The index of the statement that failed: those before it ran.
        failed: usize,
        /// Why it failed.
        #[source]
        source: Box<Error>,
    },
    /// A migration plan would lose data and destructive changes were not allowed: nothing was
    /// changed. Each item says what one change would do.
    ///
    /// ```
    /// let e = quarry::Error::Destructive { changes: vec!["drops table legacy and its rows".into()] };
    /// assert_eq!(e.kind(), quarry::ErrorKind::Destructive);
    /// assert_eq!(
    ///     e.to_string(),
    ///     "the migration would lose data (drops table legacy and its rows); \
    ///      allow destructive changes to apply it"
    /// );
    /// ```
    #[error(
        "the migration would lose data ({}); allow destructive changes to apply it",
        .changes.join("; ")
    )]
    Destructive {
        /// What each destructive change would do.
        changes: Vec<String>,
    },
    /// A table named in [`crate::migrate::ReflectOptions::only`] is not in the database.
    ///
    /// ```
    /// let e = quarry::Error::TableNotFound { table: "public.users".into() };
    /// assert_eq!(e.kind(), quarry::ErrorKind::NotFound);
    /// assert_eq!(e.to_string(), "table public.users not found in the database");
    /// ```
    #[error("table {table} not found in the database")]
    TableNotFound {
        /// The table's name, schema-qualified when a schema was given.
        table: String,
    },
    /// A value could not be decoded.
    #[error("cannot decode column {column}: {message}")]
    Decode {
        /// The column's name (or index when unnamed).
        column: String,
        /// Why.
        message: String,
    },
}

impl Error {
    /// An [`Error::Unsupported`] for `dialect` and `feature`.
    ///
    /// ```
    /// let e = quarry::Error::unsupported("sqlite", "DROP TABLE … CASCADE");
    /// assert!(e.is_unsupported());
    /// ```
    pub fn unsupported(dialect: &'static str, feature: impl Into<String>) -> Self {
        Error::Unsupported {
            dialect,
            feature: feature.into(),
        }
    }

    /// The [`Error::Unsupported`] of a backend that cannot bind a `Value::Array` of
    /// `elements` values (only PostgreSQL binds arrays).
    ///
    /// ```
    /// let e = quarry::Error::unsupported_array_parameter("sqlite", 3);
    /// assert_eq!(e.kind(), quarry::ErrorKind::Unsupported);
    /// assert!(e.to_string().contains("3 elements"));
    /// ```
    pub fn unsupported_array_parameter(backend: &'static str, elements: usize) -> Self {
        Error::unsupported(
            backend,
            format!(
                "array parameters (a Value::Array of {elements} elements): only PostgreSQL binds \
                 arrays; bind one parameter per element (`IN (?, ?, …)`)"
            ),
        )
    }

    /// An [`Error::InvalidSchema`] with `message`.
    ///
    /// ```
    /// let e = quarry::Error::invalid_schema("duplicate column \"id\"");
    /// assert_eq!(e.kind(), quarry::ErrorKind::InvalidSchema);
    /// ```
    pub fn invalid_schema(message: impl Into<String>) -> Self {
        Error::InvalidSchema(message.into())
    }

    /// A database error with a classified `kind`, the native `code` and `message`.
    ///
    /// Backend crates call this after mapping their native codes.
    ///
    /// ```
    /// use quarry::{Error, ErrorKind};
    /// let e = Error::database(ErrorKind::UniqueViolation, "23505", "duplicate key", Some("INSERT …"));
    /// assert!(e.is_unique_violation());
    /// assert_eq!(e.code(), Some("23505"));
    /// ```
    pub fn database(
        kind: ErrorKind,
        code: impl Into<String>,
        message: impl Into<String>,
        sql: Option<&str>,
    ) -> Self {
        Error::Database(Box::new(DatabaseError {
            kind,
            code: code.into(),
            message: message.into(),
            sql: sql.map(str::to_owned),
            constraint: None,
            source: None,
        }))
    }

    /// Keeps the driver's error as the [`std::error::Error::source`] of a database error
    /// (wrapped in a [`DriverError`]) or of a connection error (as it is; a connection error
    /// keeps a source it already has); other errors are returned unchanged.
    ///
    /// ```
    /// use quarry::{Error, ErrorKind};
    /// let e = Error::database(ErrorKind::Database, "42601", "syntax error", None)
    ///     .with_source(std::io::Error::other("driver"));
    /// assert!(e.driver_error().unwrap().downcast_ref::<std::io::Error>().is_some());
    /// let c = Error::connection("cannot connect", None).with_source(std::io::Error::other("refused"));
    /// assert_eq!(std::error::Error::source(&c).unwrap().to_string(), "refused");
    /// ```
    pub fn with_source<E: std::error::Error + Send + Sync + 'static>(mut self, source: E) -> Self {
        match &mut self {
            Error::Database(d) => {
                d.source = Some(DriverError {
                    inner: Box::new(source),
                    type_name: std::any::type_name::<E>(),
                })
            }
            Error::Connection {
                source: s @ None, ..
            } => *s = Some(Box::new(source)),
            _ => {}
        }
        self
    }

    /// The driver's error behind a database error, if the backend kept it.
    ///
    /// ```
    /// use quarry::{Error, ErrorKind};
    /// assert!(Error::database(ErrorKind::Database, "1", "m", None).driver_error().is_none());
    /// ```
    pub fn driver_error(&self) -> Option<&DriverError> {
        match self {
            Error::Database(d) => d.source.as_ref(),
            _ => None,
        }
    }

    /// Names the constraint a database error violated; other errors are returned unchanged.
    ///
    /// ```
    /// use quarry::{Error, ErrorKind};
    /// let e = Error::database(ErrorKind::ForeignKeyViolation, "23503", "fk", None)
    ///     .with_constraint("orders_customer_id_fkey");
    /// assert_eq!(e.constraint(), Some("orders_customer_id_fkey"));
    /// ```
    pub fn with_constraint(mut self, name: impl Into<String>) -> Self {
        if let Error::Database(d) = &mut self {
            d.constraint = Some(name.into());
        }
        self
    }

    /// A connection error with a driver `source`.
    ///
    /// ```
    /// let e = quarry::Error::connection("server closed the connection", None);
    /// assert!(e.is_connection_error());
    /// ```
    pub fn connection(
        message: impl Into<String>,
        source: Option<Box<dyn std::error::Error + Send + Sync>>,
    ) -> Self {
        Error::Connection {
            message: message.into(),
            source,
            before_statement: false,
        }
    }

    /// A connection error from an attempt to open a connection, before any statement ran:
    /// [`Error::is_retryable`].
    ///
    /// ```
    /// let e = quarry::Error::connect_failed("connection refused");
    /// assert!(e.is_connection_error() && e.is_retryable());
    /// assert!(!quarry::Error::connection("lost", None).is_retryable());
    /// ```
    pub fn connect_failed(message: impl Into<String>) -> Self {
        Error::Connection {
            message: message.into(),
            source: None,
            before_statement: true,
        }
    }

    /// The kind of this error.
    ///
    /// ```
    /// assert_eq!(quarry::Error::PoolTimeout.kind(), quarry::ErrorKind::PoolTimeout);
    /// ```
    pub fn kind(&self) -> ErrorKind {
        match self {
            Error::Unsupported { .. } => ErrorKind::Unsupported,
            Error::InvalidSchema(_) => ErrorKind::InvalidSchema,
            Error::InvalidStatement(_) => ErrorKind::InvalidStatement,
            Error::Configuration(_) => ErrorKind::Configuration,
            Error::Database(d) => d.kind,
            Error::Connection { .. } => ErrorKind::Connection,
            Error::PoolTimeout => ErrorKind::PoolTimeout,
            Error::Decode { .. } => ErrorKind::Decode,
            Error::NotFound { .. } | Error::TableNotFound { .. } => ErrorKind::NotFound,
            Error::PartiallyApplied { .. } => ErrorKind::PartiallyApplied,
            Error::Destructive { .. } => ErrorKind::Destructive,
        }
    }

    /// The backend's native code (SQLSTATE, errno or SQLite extended code), for database errors.
    ///
    /// ```
    /// assert_eq!(quarry::Error::PoolTimeout.code(), None);
    /// ```
    pub fn code(&self) -> Option<&str> {
        match self {
            Error::Database(d) => Some(&d.code),
            Error::PartiallyApplied { source, .. } => source.code(),
            _ => None,
        }
    }

    /// The SQL text that failed, when known.
    ///
    /// ```
    /// let e = quarry::Error::database(quarry::ErrorKind::Database, "1", "oops", Some("SELECT 1"));
    /// assert_eq!(e.sql(), Some("SELECT 1"));
    /// ```
    pub fn sql(&self) -> Option<&str> {
        match self {
            Error::Database(d) => d.sql.as_deref(),
            Error::NotFound { sql } => Some(sql),
            Error::PartiallyApplied { source, .. } => source.sql(),
            _ => None,
        }
    }

    /// The name of the constraint a database error violated, where the database reports it.
    ///
    /// | backend | what it returns |
    /// |---|---|
    /// | PostgreSQL | the constraint named in the error's fields, for unique, primary-key, foreign-key, check and exclusion violations (`customers_email_key`); `None` for NOT NULL |
    /// | MariaDB / MySQL | parsed from the message: the key of a duplicate entry (`customers_email_key`, `PRIMARY` for the primary key; MySQL 8 prefixes the table, which is removed), the `CONSTRAINT` of a foreign-key failure, and of a MariaDB CHECK failure; `None` when the message names none |
    /// | SQLite | `None`: SQLite names the columns (`UNIQUE constraint failed: customers.email`, kept in the message), or for a CHECK a name or the expression's text, which cannot be told apart |
    ///
    /// ```
    /// use quarry::{Error, ErrorKind};
    /// let e = Error::database(ErrorKind::UniqueViolation, "1062", "Duplicate entry", None)
    ///     .with_constraint("customers_email_key");
    /// assert_eq!(e.constraint(), Some("customers_email_key"));
    /// assert_eq!(quarry::Error::PoolTimeout.constraint(), None);
    /// ```
    pub fn constraint(&self) -> Option<&str> {
        match self {
            Error::Database(d) => d.constraint.as_deref(),
            Error::PartiallyApplied { source, .. } => source.constraint(),
            _ => None,
        }
    }

    /// The database's own message of a database error (`duplicate key value violates unique
    /// constraint "customers_email_key"`), without quarry's code and SQL around it.
    ///
    /// ```
    /// use quarry::{Error, ErrorKind};
    /// let e = Error::database(ErrorKind::Database, "42601", "syntax error at or near \"SELEC\"", None);
    /// assert_eq!(e.message(), Some("syntax error at or near \"SELEC\""));
    /// assert_eq!(Error::PoolTimeout.message(), None);
    /// ```
    pub fn message(&self) -> Option<&str> {
        match self {
            Error::Database(d) => Some(&d.message),
            Error::PartiallyApplied { source, .. } => source.message(),
            _ => None,
        }
    }

    /// Attaches `sql` to a database error that has none yet; other errors are returned unchanged.
    ///
    /// ```
    /// let e = quarry::Error::database(quarry::ErrorKind::Database, "1", "oops", None).with_sql("SELECT 1");
    /// assert_eq!(e.sql(), Some("SELECT 1"));
    /// ```
    pub fn with_sql(mut self, sql: &str) -> Self {
        if let Error::Database(d) = &mut self {
            if d.sql.is_none() {
                d.sql = Some(sql.to_owned());
            }
        }
        self
    }

    /// Whether a UNIQUE or PRIMARY KEY constraint was violated.
    ///
    /// ```
    /// assert!(!quarry::Error::PoolTimeout.is_unique_violation());
    /// ```
    pub fn is_unique_violation(&self) -> bool {
        self.kind() == ErrorKind::UniqueViolation
    }

    /// Whether a FOREIGN KEY constraint was violated.
    ///
    /// ```
    /// assert!(!quarry::Error::PoolTimeout.is_foreign_key_violation());
    /// ```
    pub fn is_foreign_key_violation(&self) -> bool {
        self.kind() == ErrorKind::ForeignKeyViolation
    }

    /// Whether a NOT NULL constraint was violated.
    ///
    /// ```
    /// assert!(!quarry::Error::PoolTimeout.is_not_null_violation());
    /// ```
    pub fn is_not_null_violation(&self) -> bool {
        self.kind() == ErrorKind::NotNullViolation
    }

    /// Whether a CHECK constraint was violated.
    ///
    /// ```
    /// assert!(!quarry::Error::PoolTimeout.is_check_violation());
    /// ```
    pub fn is_check_violation(&self) -> bool {
        self.kind() == ErrorKind::CheckViolation
    }

    /// Whether retrying the transaction may succeed: a serialization failure, a deadlock, or a
    /// connection that could not be opened (before any statement ran; see
    /// [`Error::connect_failed`]). A connection lost mid-way is not: what it ran is unknown.
    ///
    /// ```
    /// let e = quarry::Error::database(quarry::ErrorKind::Deadlock, "40P01", "deadlock", None);
    /// assert!(e.is_retryable());
    /// ```
    pub fn is_retryable(&self) -> bool {
        match self {
            Error::Connection {
                before_statement, ..
            } => *before_statement,
            e => matches!(
                e.kind(),
                ErrorKind::SerializationFailure | ErrorKind::Deadlock
            ),
        }
    }

    /// Whether the database cut the statement off because it ran longer than the engine's
    /// [`crate::PoolOptions::statement_timeout`] (not a [`Error::PoolTimeout`], which is
    /// waiting for a connection).
    ///
    /// ```
    /// use quarry::{Error, ErrorKind};
    /// let e = Error::database(ErrorKind::Timeout, "57014", "canceling statement due to statement timeout", None);
    /// assert!(e.is_timeout());
    /// assert!(!Error::PoolTimeout.is_timeout());
    /// ```
    pub fn is_timeout(&self) -> bool {
        self.kind() == ErrorKind::Timeout
    }

    /// Whether the connection could not be made or was lost.
    ///
    /// ```
    /// assert!(!quarry::Error::PoolTimeout.is_connection_error());
    /// ```
    pub fn is_connection_error(&self) -> bool {
        self.kind() == ErrorKind::Connection
    }

    /// Whether the dialect cannot express something asked of it.
    ///
    /// ```
    /// assert!(quarry::Error::unsupported("mysql", "FULL JOIN").is_unsupported());
    /// ```
    pub fn is_unsupported(&self) -> bool {
        self.kind() == ErrorKind::Unsupported
    }
}

#[cfg(test)]
mod tests {
    /// Every `Result` of the crate carries an `Error`'s size: the large payloads stay boxed.
    #[test]
    fn error_stays_small() {
        assert!(
            std::mem::size_of::<super::Error>() <= 56,
            "{}",
            std::mem::size_of::<super::Error>()
        );
    }
}
