//! `assert_sql!`: build a statement once, assert every dialect's SQL and parameters together.
#![allow(dead_code)]

use quarry::{Compiled, Dialect, ErrorKind, Result, Value};

/// What a dialect must produce.
pub enum Expect {
    /// This SQL and no parameters.
    Sql(&'static str),
    /// This SQL and these parameters.
    WithParams(&'static str, Vec<Value>),
    /// An error of this kind.
    Fails(ErrorKind),
}

impl From<&'static str> for Expect {
    fn from(s: &'static str) -> Self {
        Expect::Sql(s)
    }
}

impl From<ErrorKind> for Expect {
    fn from(k: ErrorKind) -> Self {
        Expect::Fails(k)
    }
}

/// Compares one dialect's result with what is expected; panics with both on mismatch.
pub fn check(dialect: &dyn Dialect, got: Result<Compiled>, want: Expect) {
    let name = dialect.name();
    match (got, want) {
        (Ok(c), Expect::Sql(sql)) => {
            assert_eq!(c.sql, sql, "{name}: SQL");
            assert!(
                c.params.is_empty(),
                "{name}: unexpected params {:?}",
                c.params
            );
        }
        (Ok(c), Expect::WithParams(sql, params)) => {
            assert_eq!(c.sql, sql, "{name}: SQL");
            assert_eq!(c.params, params, "{name}: params");
        }
        (Err(e), Expect::Fails(kind)) => assert_eq!(e.kind(), kind, "{name}: error {e}"),
        (Ok(c), Expect::Fails(kind)) => panic!("{name}: expected {kind:?}, got SQL {:?}", c.sql),
        (Err(e), _) => panic!("{name}: expected SQL, got error {e}"),
    }
}

/// `assert_sql!(|d| stmt.compile(d), postgres: "…", mysql: "…", mariadb: "…", sqlite: "…")`:
/// compiles with each named dialect and checks the results together. A dialect may be left out
/// only when another line covers it (`mysql_family:` checks MySQL and MariaDB alike).
#[macro_export]
macro_rules! assert_sql {
    ($compile:expr, $($dialect:ident : $want:expr),+ $(,)?) => {{
        let compile = $compile;
        $( $crate::assert_sql!(@one compile, $dialect, $want); )+
    }};
    (@one $c:ident, postgres, $want:expr) => {
        $crate::common::sql::check(&quarry::Postgres, $c(&quarry::Postgres), $want.into())
    };
    (@one $c:ident, mysql, $want:expr) => {
        $crate::common::sql::check(&quarry::MySql, $c(&quarry::MySql), $want.into())
    };
    (@one $c:ident, mariadb, $want:expr) => {
        $crate::common::sql::check(&quarry::MariaDb, $c(&quarry::MariaDb), $want.into())
    };
    (@one $c:ident, mysql_family, $want:expr) => {{
        $crate::common::sql::check(&quarry::MySql, $c(&quarry::MySql), $want.into());
        $crate::common::sql::check(&quarry::MariaDb, $c(&quarry::MariaDb), $want.into());
    }};
    (@one $c:ident, sqlite, $want:expr) => {
        $crate::common::sql::check(&quarry::Sqlite, $c(&quarry::Sqlite), $want.into())
    };
    (@one $c:ident, all, $want:expr) => {{
        $crate::assert_sql!(@one $c, postgres, $want);
        $crate::assert_sql!(@one $c, mysql_family, $want);
        $crate::assert_sql!(@one $c, sqlite, $want);
    }};
}
