//! Mapping rusqlite errors to quarry errors by SQLite's extended result code.
//!
//! Every mapped error keeps the `rusqlite::Error` as its `source()`; a connection error's own
//! text does not repeat it. [`quarry::Error::constraint`] is always `None` on SQLite: its
//! messages name the columns of a UNIQUE or PRIMARY KEY violation
//! (`UNIQUE constraint failed: customers.email`, kept in the message), no name for a foreign
//! key, and for a CHECK either the constraint's name or the expression's text, which cannot be
//! told apart.

use quarry::{Error, ErrorKind};

/// Maps a rusqlite error to a quarry error, keeping the extended result code and the driver's
/// error as the source.
pub(crate) fn error(e: rusqlite::Error, sql: Option<&str>) -> Error {
    match &e {
        rusqlite::Error::SqliteFailure(f, msg) => {
            let kind = kind_for(f.extended_code);
            let code = f.extended_code;
            if kind == ErrorKind::Connection {
                return Error::connection(
                    format!("SQLite cannot open the database or a file it needs (code {code})"),
                    Some(Box::new(e)),
                );
            }
            let message = msg.clone().unwrap_or_else(|| f.to_string());
            Error::database(kind, code.to_string(), message, sql).with_source(e)
        }
        _ => Error::database(ErrorKind::Database, "", e.to_string(), sql).with_source(e),
    }
}

/// `e` as a [`ErrorKind::Timeout`] if it is an interrupt (`SQLITE_INTERRUPT`, code 9), for a
/// statement the statement timeout cut off (see `deadline.rs`; an interrupt from a caller that
/// went away stays a `Database` error). The code, message and source are kept.
pub(crate) fn timed_out(mut e: Error) -> Error {
    if let Error::Database(d) = &mut e {
        if d.code.parse::<i32>().is_ok_and(|c| c & 0xff == 9) {
            d.kind = ErrorKind::Timeout;
        }
    }
    e
}

/// The quarry error kind of a SQLite extended result code (tested below).
fn kind_for(extended: i32) -> ErrorKind {
    match extended {
        2067 | 1555 => ErrorKind::UniqueViolation, // CONSTRAINT_UNIQUE, CONSTRAINT_PRIMARYKEY
        787 => ErrorKind::ForeignKeyViolation,     // CONSTRAINT_FOREIGNKEY
        1299 => ErrorKind::NotNullViolation,       // CONSTRAINT_NOTNULL
        275 => ErrorKind::CheckViolation,          // CONSTRAINT_CHECK
        code if code & 0xff == 5 => ErrorKind::SerializationFailure, // BUSY: retry
        code if code & 0xff == 6 => ErrorKind::Deadlock, // LOCKED
        code if code & 0xff == 14 => ErrorKind::Connection, // CANTOPEN
        _ => ErrorKind::Database,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn failure(code: i32, message: &str) -> rusqlite::Error {
        rusqlite::Error::SqliteFailure(rusqlite::ffi::Error::new(code), Some(message.into()))
    }

    #[test]
    fn driver_error_is_the_source_and_no_constraint_is_claimed() {
        let e = error(
            failure(2067, "UNIQUE constraint failed: t.email"),
            Some("INSERT"),
        );
        assert!(e.is_unique_violation());
        assert_eq!(e.code(), Some("2067"));
        assert_eq!(e.sql(), Some("INSERT"));
        assert_eq!(e.constraint(), None);
        let driver = e.driver_error().expect("the driver's error");
        assert!(driver.downcast_ref::<rusqlite::Error>().is_some());
        assert_eq!(
            driver.get_ref().to_string(),
            "UNIQUE constraint failed: t.email"
        );
        // Said once: by the error itself, not again by its source.
        assert!(e.to_string().contains("t.email"), "{e}");
        let source = std::error::Error::source(&e).expect("source");
        assert!(!source.to_string().contains("t.email"), "{source}");
        let e = error(failure(14, "unable to open database file"), None);
        assert!(e.is_connection_error());
        assert!(!e.to_string().contains("unable to open"), "{e}");
        assert!(std::error::Error::source(&e).is_some());
    }

    #[test]
    fn codes_map_to_kinds() {
        assert_eq!(kind_for(2067), ErrorKind::UniqueViolation);
        assert_eq!(kind_for(1555), ErrorKind::UniqueViolation);
        assert_eq!(kind_for(787), ErrorKind::ForeignKeyViolation);
        assert_eq!(kind_for(1299), ErrorKind::NotNullViolation);
        assert_eq!(kind_for(275), ErrorKind::CheckViolation);
        assert_eq!(kind_for(5), ErrorKind::SerializationFailure);
        assert_eq!(kind_for(517), ErrorKind::SerializationFailure);
        assert_eq!(kind_for(14), ErrorKind::Connection);
        assert_eq!(kind_for(8), ErrorKind::Database);
        assert_eq!(kind_for(1), ErrorKind::Database);
        assert_eq!(kind_for(9), ErrorKind::Database); // INTERRUPT, unless timed out:
        let e = timed_out(error(failure(9, "interrupted"), Some("SELECT")));
        assert!(e.is_timeout());
        assert_eq!((e.code(), e.sql()), (Some("9"), Some("SELECT")));
        assert!(!timed_out(error(failure(5, "busy"), None)).is_timeout());
    }
}
