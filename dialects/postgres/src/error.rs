//! Mapping `tokio_postgres::Error` to [`quarry::Error`].
//!
//! | SQLSTATE | [`quarry::ErrorKind`] |
//! |---|---|
//! | `23505` unique_violation | `UniqueViolation` |
//! | `23503` foreign_key_violation | `ForeignKeyViolation` |
//! | `23502` not_null_violation | `NotNullViolation` |
//! | `23514` check_violation | `CheckViolation` |
//! | `40001` serialization_failure | `SerializationFailure` |
//! | `40P01` deadlock_detected | `Deadlock` |
//! | `57014` query_canceled (`canceling statement due to statement timeout`) | `Timeout` |
//! | class `08`, `57P01`, `57P02`, `57P03` | `Connection` ([`quarry::Error::Connection`]) |
//! | anything else | `Database` |
//!
//! `57014` is also what a statement cancelled on request (`pg_cancel_backend`, a cancel
//! request) fails with; that one (`… due to user request`) stays a `Database` error. The two
//! are told apart by the server's message, so on a server whose `lc_messages` is not English
//! both are `Timeout`.
//!
//! One exception to class `08`: `08P01` (protocol_violation) reported with severity `ERROR` is
//! what the server answers to a statement given the wrong number of parameters; the session
//! survives it, so it is a `Database` error that keeps its code and SQL, not a lost connection.
//!
//! Errors without a server error: a closed connection or an I/O failure is a
//! [`quarry::Error::Connection`] with the driver's error as its source; anything else the driver
//! reports (a protocol surprise, an encoding failure) is a `Database` error with an empty code.
//!
//! Every mapped error keeps the `tokio_postgres::Error` as its `source()`. A connection
//! error's own text does not repeat it. [`quarry::Error::constraint`] is the server's
//! `constraint` field (`DbError::constraint`): set for unique, primary-key, foreign-key, check
//! and exclusion violations, not for NOT NULL.

use quarry::{Error, ErrorKind};

/// The [`ErrorKind`] of a PostgreSQL SQLSTATE `code` reported with `severity` (`ERROR`,
/// `FATAL`, …) and `message`.
pub(crate) fn classify(code: &str, severity: &str, message: &str) -> ErrorKind {
    match code {
        "57014" if !message.contains("user request") => ErrorKind::Timeout,
        "23505" => ErrorKind::UniqueViolation,
        "23503" => ErrorKind::ForeignKeyViolation,
        "23502" => ErrorKind::NotNullViolation,
        "23514" => ErrorKind::CheckViolation,
        "40001" => ErrorKind::SerializationFailure,
        "40P01" => ErrorKind::Deadlock,
        "08P01" if severity.eq_ignore_ascii_case("ERROR") => ErrorKind::Database,
        "57P01" | "57P02" | "57P03" => ErrorKind::Connection,
        c if c.starts_with("08") => ErrorKind::Connection,
        _ => ErrorKind::Database,
    }
}

/// Whether the driver error comes from the socket (refused, reset, timed out, …).
fn is_io(err: &tokio_postgres::Error) -> bool {
    let mut source = std::error::Error::source(err);
    while let Some(s) = source {
        if s.is::<std::io::Error>() {
            return true;
        }
        source = s.source();
    }
    false
}

/// Maps a driver error raised while running `sql` (if any) to a [`quarry::Error`], keeping
/// the driver's error as its `source()` and the violated constraint's name.
pub(crate) fn map_error(err: tokio_postgres::Error, sql: Option<&str>) -> Error {
    if let Some(db) = err.as_db_error() {
        let code = db.code().code().to_owned();
        let kind = classify(&code, db.severity(), db.message());
        if kind == ErrorKind::Connection {
            return Error::connection(
                format!("the server ended the session (SQLSTATE {code})"),
                Some(Box::new(err)),
            );
        }
        let mut message = db.message().to_owned();
        if let Some(detail) = db.detail() {
            message.push_str(" (");
            message.push_str(detail);
            message.push(')');
        }
        let constraint = db.constraint().map(str::to_owned);
        let mut e = Error::database(kind, code, message, sql).with_source(err);
        if let Some(name) = constraint {
            e = e.with_constraint(name);
        }
        return e;
    }
    if err.is_closed() || is_io(&err) {
        return Error::connection("the connection to PostgreSQL was lost", Some(Box::new(err)));
    }
    Error::database(ErrorKind::Database, "", err.to_string(), sql).with_source(err)
}

/// Maps an error raised while opening a connection: every failure there (refused, bad
/// credentials, unknown database, TLS required) means the engine cannot reach its database.
/// What went wrong is the driver's error, the `source()`.
pub(crate) fn connect_error(err: tokio_postgres::Error) -> Error {
    #[cfg(feature = "rustls")]
    if let Some(tls) = crate::tls::summary(&err) {
        return Error::connection(
            format!("cannot connect to PostgreSQL: {tls}"),
            Some(Box::new(err)),
        );
    }
    Error::connection("cannot connect to PostgreSQL", Some(Box::new(err)))
}

/// What a failed connection attempt says, in one text (for the pool's waiting callers, who
/// get no source).
pub(crate) fn connect_message(err: &tokio_postgres::Error) -> String {
    match err.as_db_error() {
        Some(db) => format!(
            "cannot connect to PostgreSQL: {} ({})",
            db.message(),
            db.code().code()
        ),
        None => {
            // tokio-postgres' own text names the step ("error performing TLS handshake");
            // the cause says what went wrong.
            let mut message = format!("cannot connect to PostgreSQL: {err}");
            let mut source = std::error::Error::source(err);
            while let Some(s) = source {
                message.push_str(": ");
                message.push_str(&s.to_string());
                source = s.source();
            }
            message
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn integrity_codes() {
        assert_eq!(classify("23505", "ERROR", ""), ErrorKind::UniqueViolation);
        assert_eq!(
            classify("23503", "ERROR", ""),
            ErrorKind::ForeignKeyViolation
        );
        assert_eq!(classify("23502", "ERROR", ""), ErrorKind::NotNullViolation);
        assert_eq!(classify("23514", "ERROR", ""), ErrorKind::CheckViolation);
        // Other integrity errors (exclusion, restrict) stay generic.
        assert_eq!(classify("23P01", "ERROR", ""), ErrorKind::Database);
        assert_eq!(classify("23001", "ERROR", ""), ErrorKind::Database);
    }

    #[test]
    fn retryable_codes() {
        assert_eq!(
            classify("40001", "ERROR", ""),
            ErrorKind::SerializationFailure
        );
        assert_eq!(classify("40P01", "ERROR", ""), ErrorKind::Deadlock);
        assert_eq!(classify("40002", "ERROR", ""), ErrorKind::Database);
    }

    #[test]
    fn connection_codes() {
        for code in [
            "08000", "08003", "08006", "08001", "08004", "57P01", "57P02", "57P03",
        ] {
            assert_eq!(classify(code, "FATAL", ""), ErrorKind::Connection, "{code}");
        }
        assert_eq!(classify("08P01", "FATAL", ""), ErrorKind::Connection);
        // A parameter-count mismatch is answered with 08P01 at severity ERROR.
        assert_eq!(classify("08P01", "ERROR", ""), ErrorKind::Database);
        // query_canceled: by the statement timeout, or on request.
        let timeout = "canceling statement due to statement timeout";
        assert_eq!(classify("57014", "ERROR", timeout), ErrorKind::Timeout);
        let asked = "canceling statement due to user request";
        assert_eq!(classify("57014", "ERROR", asked), ErrorKind::Database);
    }

    #[test]
    fn other_codes() {
        assert_eq!(classify("42601", "ERROR", ""), ErrorKind::Database); // syntax_error
        assert_eq!(classify("42P01", "ERROR", ""), ErrorKind::Database); // undefined_table
        assert_eq!(classify("", "ERROR", ""), ErrorKind::Database);
    }

    #[test]
    fn built_errors_keep_code_and_sql() {
        let kind = classify("23505", "ERROR", "");
        let e = Error::database(
            kind,
            "23505",
            "duplicate key",
            Some("INSERT INTO t VALUES (1)"),
        );
        assert!(e.is_unique_violation());
        assert_eq!(e.code(), Some("23505"));
        assert_eq!(e.sql(), Some("INSERT INTO t VALUES (1)"));
    }
}
