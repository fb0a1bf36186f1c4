//! Mapping `mysql_async` errors to [`quarry::Error`].
//!
//! Server errors keep their errno as the code string and are classified by it; I/O and
//! protocol failures are connection errors. The table is flavour-aware where MySQL and MariaDB
//! reuse a number for different things (4025 is MariaDB's `ER_CONSTRAINT_FAILED`, 4031 MySQL's
//! inactivity disconnect).
//!
//! Every mapped error keeps the `mysql_async::Error` as its `source()`; a connection error's own
//! text does not repeat it. The server reports constraint names only inside its messages, so
//! [`quarry::Error::constraint`] is parsed from them (see [`constraint_name`]).

use mysql_async::{DriverError, Error as MyError, ServerError};
use quarry::{Error, ErrorKind};

/// What a server errno means to quarry.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Class {
    /// A database error of this kind.
    Kind(ErrorKind),
    /// The connection is gone (server shutdown, killed, lost).
    Connection,
}

/// Classifies a server errno; `mariadb` selects the MariaDB meaning of shared numbers.
fn classify(code: u16, mariadb: bool) -> Class {
    use ErrorKind::*;
    match code {
        // ER_DUP_ENTRY, ER_DUP_ENTRY_WITH_KEY_NAME, ER_DUP_KEY, ER_DUP_UNIQUE
        1062 | 1586 | 1022 | 1169 => Class::Kind(UniqueViolation),
        // ER_ROW_IS_REFERENCED(_2), ER_NO_REFERENCED_ROW(_2)
        1451 | 1452 | 1216 | 1217 => Class::Kind(ForeignKeyViolation),
        // ER_BAD_NULL_ERROR, ER_NO_DEFAULT_FOR_FIELD, ER_WARN_NULL_TO_NOTNULL (strict mode)
        1048 | 1364 | 1263 => Class::Kind(NotNullViolation),
        // MySQL ER_CHECK_CONSTRAINT_VIOLATED
        3819 => Class::Kind(CheckViolation),
        // MariaDB ER_CONSTRAINT_FAILED
        4025 if mariadb => Class::Kind(CheckViolation),
        // ER_LOCK_DEADLOCK
        1213 => Class::Kind(Deadlock),
        // ER_CHECKREAD: "Record has changed since last read" (snapshot isolation): retry.
        1020 => Class::Kind(SerializationFailure),
        // MariaDB ER_STATEMENT_TIMEOUT (max_statement_time), MySQL ER_QUERY_TIMEOUT
        // (max_execution_time): the statement timeout; the session goes on.
        1969 if mariadb => Class::Kind(Timeout),
        3024 if !mariadb => Class::Kind(Timeout),
        // ER_SERVER_SHUTDOWN, ER_CONNECTION_KILLED (MariaDB), CR_SERVER_GONE_ERROR,
        // CR_SERVER_LOST
        1053 | 2006 | 2013 => Class::Connection,
        1927 if mariadb => Class::Connection,
        // MySQL ER_CLIENT_INTERACTION_TIMEOUT
        4031 if !mariadb => Class::Connection,
        // 1205 (lock wait timeout) and everything else.
        _ => Class::Kind(Database),
    }
}

/// Maps a server error, keeping the errno, message, `sql`, the constraint named in the message
/// and the driver's error as the source.
fn map_server(err: ServerError, sql: Option<&str>, mariadb: bool) -> Error {
    match classify(err.code, mariadb) {
        Class::Kind(kind) => {
            let constraint = constraint_name(err.code, &err.message, mariadb);
            let e = Error::database(kind, err.code.to_string(), err.message.clone(), sql)
                .with_source(MyError::Server(err));
            match constraint {
                Some(name) => e.with_constraint(name),
                None => e,
            }
        }
        Class::Connection => Error::connection(
            format!("the MySQL server ended the session (error {})", err.code),
            Some(Box::new(MyError::Server(err))),
        ),
    }
}

/// The constraint a server error message names, for the errors whose message has one:
///
/// - 1062 / 1586 (duplicate entry): `Duplicate entry '…' for key 'name'` gives `name`
///   (`PRIMARY` for the primary key). MySQL 8 writes `table.name`; the table is removed there
///   (not on MariaDB, whose key names may hold a dot).
/// - 1451 / 1452 (foreign key): `… CONSTRAINT \`name\` FOREIGN KEY …` gives `name`.
/// - 4025 on MariaDB (CHECK): `CONSTRAINT \`name\` failed for …` gives `name`; 3819 on MySQL:
///   `Check constraint 'name' is violated.`
///
/// Anything else, or a message in another shape (another server language), gives `None`.
pub(crate) fn constraint_name(code: u16, message: &str, mariadb: bool) -> Option<String> {
    match code {
        1062 | 1586 => {
            let rest = message.strip_suffix('\'')?;
            let at = rest.rfind(" for key '")?;
            let key = &rest[at + " for key '".len()..];
            let key = match key.split_once('.') {
                Some((_table, name)) if !mariadb => name,
                _ => key,
            };
            (!key.is_empty()).then(|| key.to_owned())
        }
        1451 | 1452 | 1216 | 1217 => backquoted_after(message, "CONSTRAINT `", "` FOREIGN KEY"),
        4025 if mariadb => backquoted_after(message, "CONSTRAINT `", "` failed"),
        3819 if !mariadb => {
            let rest = message.strip_prefix("Check constraint '")?;
            let end = rest.rfind("' is violated")?;
            Some(rest[..end].to_owned()).filter(|n| !n.is_empty())
        }
        _ => None,
    }
}

/// The backquoted name between `open` and `close` in `message` (a doubled backquote inside is
/// one).
fn backquoted_after(message: &str, open: &str, close: &str) -> Option<String> {
    let start = message.find(open)? + open.len();
    let len = message[start..].find(close)?;
    let name = message[start..start + len].replace("``", "`");
    (!name.is_empty()).then_some(name)
}

/// Maps any `mysql_async` error met while running `sql`.
pub(crate) fn map_error(err: MyError, sql: Option<&str>, mariadb: bool) -> Error {
    match err {
        MyError::Server(e) => map_server(e, sql, mariadb),
        MyError::Url(e) => Error::Configuration(format!("invalid MySQL URL: {e}")),
        // Problems with the statement's parameters are the caller's, not the connection's.
        MyError::Driver(
            e @ (DriverError::StmtParamsMismatch { .. }
            | DriverError::StmtParamsNumberExceedsLimit { .. }
            | DriverError::MixedParams
            | DriverError::Params(_)),
        ) => Error::InvalidStatement(match sql {
            Some(sql) => format!("{e} (SQL: {sql})"),
            None => e.to_string(),
        }),
        other => Error::connection("the MySQL connection failed", Some(Box::new(other))),
    }
}

/// Whether `err` leaves the connection unusable: any I/O or driver failure except a problem
/// with the statement's parameters (found before anything is sent), and the server errors
/// that come with a closed connection.
pub(crate) fn breaks_connection(err: &MyError) -> bool {
    match err {
        MyError::Driver(
            DriverError::StmtParamsMismatch { .. }
            | DriverError::StmtParamsNumberExceedsLimit { .. }
            | DriverError::MixedParams
            | DriverError::Params(_),
        ) => false,
        MyError::Server(e) => matches!(e.code, 1927 | 1053 | 4031 | 2006 | 2013),
        other => other.is_fatal(),
    }
}

/// How far a statement got when its connection was lost.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Lost {
    /// The command never reached the server: writing it failed (`EPIPE`: the server had
    /// closed the connection), or the driver already knew the connection was closed.
    NotSent,
    /// The command was written but the connection closed before any reply: the server may
    /// have closed it while it sat idle (the usual case) or died while running the command.
    NoReply,
    /// The connection was not lost, or not in a way that tells.
    No,
}

/// Whether `err` is a lost connection, and how far the statement got.
pub(crate) fn lost_connection(err: &MyError) -> Lost {
    use std::io::ErrorKind as Io;
    match err {
        MyError::Driver(DriverError::ConnectionClosed) => Lost::NotSent,
        MyError::Io(mysql_async::IoError::Io(io)) => {
            let closed_before = io
                .get_ref()
                .and_then(|inner| inner.downcast_ref::<MyError>())
                .is_some_and(|inner| {
                    matches!(inner, MyError::Driver(DriverError::ConnectionClosed))
                });
            match io.kind() {
                _ if closed_before => Lost::NotSent,
                Io::BrokenPipe | Io::NotConnected => Lost::NotSent,
                Io::UnexpectedEof | Io::ConnectionReset | Io::ConnectionAborted => Lost::NoReply,
                _ => Lost::No,
            }
        }
        // Sent by the server as it closes the connection: killed (MariaDB), shut down, or
        // (MySQL) idle for longer than wait_timeout.
        MyError::Server(e) if matches!(e.code, 1927 | 1053 | 4031) => Lost::NoReply,
        _ => Lost::No,
    }
}

/// Maps an error met while opening a connection: whatever it is (refused, access denied,
/// unknown database), the connection could not be made.
pub(crate) fn map_connect_error(err: MyError) -> Error {
    match err {
        MyError::Url(e) => Error::Configuration(format!("invalid MySQL URL: {e}")),
        #[cfg(feature = "rustls")]
        other if crate::tls::describe_error(&other).is_some() => Error::connection(
            format!(
                "cannot connect to MySQL: {}",
                crate::tls::describe_error(&other).unwrap_or_default()
            ),
            Some(Box::new(other)),
        ),
        other => Error::connection("cannot connect to MySQL", Some(Box::new(other))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn server(code: u16) -> MyError {
        MyError::Server(ServerError {
            code,
            message: format!("error {code}"),
            state: "HY000".into(),
        })
    }

    fn kind(code: u16, mariadb: bool) -> ErrorKind {
        map_error(server(code), Some("SQL"), mariadb).kind()
    }

    #[test]
    fn constraint_codes() {
        for mariadb in [false, true] {
            assert_eq!(kind(1062, mariadb), ErrorKind::UniqueViolation);
            for c in [1451, 1452, 1216, 1217] {
                assert_eq!(kind(c, mariadb), ErrorKind::ForeignKeyViolation, "{c}");
            }
            assert_eq!(kind(1048, mariadb), ErrorKind::NotNullViolation);
            assert_eq!(kind(1364, mariadb), ErrorKind::NotNullViolation);
            assert_eq!(kind(3819, mariadb), ErrorKind::CheckViolation);
            assert_eq!(kind(1213, mariadb), ErrorKind::Deadlock);
            assert_eq!(kind(1205, mariadb), ErrorKind::Database);
            assert_eq!(kind(1064, mariadb), ErrorKind::Database);
            assert_eq!(kind(2006, mariadb), ErrorKind::Connection);
            assert_eq!(kind(2013, mariadb), ErrorKind::Connection);
        }
        assert_eq!(kind(4025, true), ErrorKind::CheckViolation);
        assert_eq!(kind(4025, false), ErrorKind::Database);
    }

    #[test]
    fn timeout_codes() {
        // max_statement_time exceeded (MariaDB), max_execution_time exceeded (MySQL).
        assert_eq!(kind(1969, true), ErrorKind::Timeout);
        assert_eq!(kind(3024, false), ErrorKind::Timeout);
        assert_eq!(kind(1969, false), ErrorKind::Database);
        assert_eq!(kind(3024, true), ErrorKind::Database);
        let e = map_error(server(1969), Some("SELECT SLEEP(3)"), true);
        assert!(e.is_timeout() && !e.is_connection_error());
        assert_eq!(e.code(), Some("1969"));
        assert!(!breaks_connection(&server(1969)));
    }

    #[test]
    fn keeps_code_message_and_sql() {
        let e = map_error(server(1062), Some("INSERT INTO t VALUES (1)"), true);
        assert!(e.is_unique_violation());
        assert_eq!(e.code(), Some("1062"));
        assert_eq!(e.sql(), Some("INSERT INTO t VALUES (1)"));
        assert!(e.to_string().contains("error 1062"));
        assert!(
            kind(1213, true) == ErrorKind::Deadlock
                && map_error(server(1213), None, true).is_retryable()
        );
    }

    #[test]
    fn constraint_names_from_messages() {
        let dup = "Duplicate entry 'a@x.org' for key 'customers_email_key'";
        assert_eq!(
            constraint_name(1062, dup, true).as_deref(),
            Some("customers_email_key")
        );
        // MySQL 8 prefixes the table; MariaDB key names keep their dots.
        let mysql8 = "Duplicate entry '7' for key 'customers.PRIMARY'";
        assert_eq!(
            constraint_name(1062, mysql8, false).as_deref(),
            Some("PRIMARY")
        );
        assert_eq!(
            constraint_name(1062, "Duplicate entry 'x' for key 'a.b'", true).as_deref(),
            Some("a.b")
        );
        // A quote inside the duplicated value does not confuse the key.
        let quoted = "Duplicate entry 'it's for key 'x'' for key 'k'";
        assert_eq!(constraint_name(1062, quoted, true).as_deref(), Some("k"));
        let child = "Cannot add or update a child row: a foreign key constraint fails \
                     (`test`.`orders`, CONSTRAINT `orders_customer_fkey` FOREIGN KEY \
                     (`customer_id`) REFERENCES `customers` (`id`))";
        assert_eq!(
            constraint_name(1452, child, true).as_deref(),
            Some("orders_customer_fkey")
        );
        let parent = "Cannot delete or update a parent row: a foreign key constraint fails \
                      (`test`.`orders`, CONSTRAINT `odd``name` FOREIGN KEY (`c`) REFERENCES \
                      `customers` (`id`))";
        assert_eq!(
            constraint_name(1451, parent, true).as_deref(),
            Some("odd`name")
        );
        let check = "CONSTRAINT `qty_positive` failed for `test`.`orders`";
        assert_eq!(
            constraint_name(4025, check, true).as_deref(),
            Some("qty_positive")
        );
        let check8 = "Check constraint 'qty_positive' is violated.";
        assert_eq!(
            constraint_name(3819, check8, false).as_deref(),
            Some("qty_positive")
        );
        // No name in the message, or another error: none.
        assert_eq!(constraint_name(1062, "Duplicate entry", true), None);
        assert_eq!(
            constraint_name(1048, "Column 'a' cannot be null", true),
            None
        );
        assert_eq!(
            constraint_name(1022, "Can't write; duplicate key in table 't'", true),
            None
        );
    }

    #[test]
    fn driver_error_is_the_source_and_said_once() {
        let e = map_error(
            MyError::Server(ServerError {
                code: 1062,
                message: "Duplicate entry '1' for key 'PRIMARY'".into(),
                state: "23000".into(),
            }),
            Some("INSERT"),
            true,
        );
        assert_eq!(e.constraint(), Some("PRIMARY"));
        let driver = e.driver_error().expect("the driver's error");
        assert!(driver.downcast_ref::<MyError>().is_some());
        assert!(driver.get_ref().to_string().contains("Duplicate entry"));
        // Said once: by the error itself, not again by its source.
        assert!(e.to_string().contains("Duplicate entry"), "{e}");
        let source = std::error::Error::source(&e).expect("source").to_string();
        assert!(!source.contains("Duplicate entry"), "{source}");
        let refused =
            MyError::Io(std::io::Error::from(std::io::ErrorKind::ConnectionRefused).into());
        let e = map_connect_error(refused);
        let source = std::error::Error::source(&e).expect("source").to_string();
        assert_eq!(e.to_string(), "connection error: cannot connect to MySQL");
        assert!(!e.to_string().contains(&source));
    }

    #[test]
    fn lost_connections() {
        use std::io::{Error as IoErr, ErrorKind as K};
        let io = |k: K| MyError::Io(IoErr::from(k).into());
        assert_eq!(lost_connection(&io(K::BrokenPipe)), Lost::NotSent);
        assert_eq!(lost_connection(&io(K::UnexpectedEof)), Lost::NoReply);
        assert_eq!(lost_connection(&io(K::ConnectionReset)), Lost::NoReply);
        assert_eq!(lost_connection(&io(K::TimedOut)), Lost::No);
        let wrapped = MyError::Io(
            IoErr::new(
                K::UnexpectedEof,
                MyError::Driver(DriverError::ConnectionClosed),
            )
            .into(),
        );
        assert_eq!(lost_connection(&wrapped), Lost::NotSent);
        assert_eq!(lost_connection(&server(1927)), Lost::NoReply);
        assert_eq!(lost_connection(&server(1062)), Lost::No);
    }

    #[test]
    fn io_and_driver_errors_are_connection_errors() {
        let io = MyError::Io(std::io::Error::from(std::io::ErrorKind::ConnectionReset).into());
        assert_eq!(
            map_error(io, Some("SELECT 1"), true).kind(),
            ErrorKind::Connection
        );
        let closed = MyError::Driver(DriverError::ConnectionClosed);
        let e = map_error(closed, None, false);
        assert!(e.is_connection_error());
        assert!(std::error::Error::source(&e).is_some());
        let mismatch = MyError::Driver(DriverError::StmtParamsMismatch {
            required: 1,
            supplied: 2,
        });
        assert_eq!(
            map_error(mismatch, Some("SELECT ?"), false).kind(),
            ErrorKind::InvalidStatement
        );
        let refused =
            MyError::Io(std::io::Error::from(std::io::ErrorKind::ConnectionRefused).into());
        assert!(map_connect_error(refused).is_connection_error());
        assert!(map_connect_error(server(1045)).is_connection_error());
    }
}
