//! Errors on every backend: the violated constraint's name where the database reports it, the
//! driver's error reachable through `source()`, an error chain that prints each text once (a
//! database error's own `Display` saying the database's message), and messages in SQL and
//! Rust terms rather than quarry's enum names.

mod common;

use quarry::{Engine, Error, ErrorKind, Executor, FromValue, Value, ValueType};
use std::error::Error as StdError;

/// Each text of `err`'s chain, outermost first, as a printer walking `source()` shows them.
fn chain(err: &(dyn StdError + 'static)) -> Vec<String> {
    let mut out = vec![err.to_string()];
    let mut next = err.source();
    while let Some(e) = next {
        out.push(e.to_string());
        next = e.source();
    }
    out
}

/// quarry's own level of the chain does not repeat what its source says: no lower level's
/// text appears in it, and the text quarry keeps from the driver (a connection error's
/// message, a database error's message) is printed by one level only.
fn assert_own_text_once(err: &Error, ctx: &str) {
    let texts = chain(err);
    let top = &texts[0];
    for lower in &texts[1..] {
        assert!(
            !top.contains(lower.as_str()),
            "{ctx}: {top:?} repeats its source {lower:?} (chain {texts:?})"
        );
    }
    match err {
        Error::Connection { message, .. } => {
            for lower in &texts[1..] {
                assert!(
                    !lower.contains(message.as_str()),
                    "{ctx}: {message:?} is repeated below (chain {texts:?})"
                );
            }
        }
        // A database error says what the database said (a log line of `{err}` alone tells
        // what went wrong); the driver's error below it is named, not printed again.
        Error::Database(db) if err.source().is_some() => {
            assert!(
                top.contains(db.message.as_str()),
                "{ctx}: {top:?} does not say the database's message {:?}",
                db.message
            );
            for lower in &texts[1..] {
                assert!(
                    !lower.contains(db.message.as_str()),
                    "{ctx}: the database's message is repeated below (chain {texts:?})"
                );
            }
        }
        _ => {}
    }
}

/// Neither `Display` nor `Debug` shows quarry's value-type enum names.
fn assert_no_enum_names(err: &Error, ctx: &str) {
    for text in [err.to_string(), format!("{err:?}")] {
        for name in [
            "F64",
            "F32",
            "I16",
            "I32",
            "I64",
            "Text",
            "Bytes",
            "Decimal,",
            "ValueType",
            "non-Option",
        ] {
            assert!(!text.contains(name), "{ctx}: {name} in {text:?}");
        }
    }
}

/// The driver's error is the source of `err`, whatever the backend.
fn assert_driver_source(err: &Error, backend: &str, ctx: &str) {
    // A database error holds it in a `DriverError` (named, not printed again); a connection
    // error's source is the driver's error itself.
    let source: &(dyn StdError + 'static) = match err {
        Error::Database(_) => {
            assert!(
                err.source().is_some_and(|s| s.is::<quarry::DriverError>()),
                "{ctx}: the source is not the driver's error: {err:?}"
            );
            err.driver_error()
                .unwrap_or_else(|| panic!("{ctx}: no driver error on {err:?}"))
                .get_ref()
        }
        _ => err
            .source()
            .unwrap_or_else(|| panic!("{ctx}: no source on {err:?}")),
    };
    let is_driver = match backend {
        "postgres" => source.downcast_ref::<tokio_postgres::Error>().is_some(),
        "mysql" => source.downcast_ref::<mysql_async::Error>().is_some(),
        "sqlite" => source.downcast_ref::<rusqlite::Error>().is_some(),
        other => panic!("unknown backend {other}"),
    };
    assert!(
        is_driver,
        "{ctx}: source is not the driver's error: {source:?}"
    );
}

fn table(engine: &Engine, base: &str) -> String {
    format!("qerr_{}_{base}", engine.backend_name())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn violations_name_their_constraint() {
    for engine in common::all_engines().await {
        let be = engine.backend_name();
        let (customers, orders) = (table(&engine, "customers"), table(&engine, "orders"));
        let (email_key, fk, positive) = (
            format!("{customers}_email_key"),
            format!("{orders}_customer_fkey"),
            format!("{orders}_qty_positive"),
        );
        for t in [&orders, &customers] {
            engine
                .execute(format!("DROP TABLE IF EXISTS {t}"))
                .await
                .unwrap();
        }
        engine
            .execute(format!(
                "CREATE TABLE {customers} (id BIGINT PRIMARY KEY, email VARCHAR(100) NOT NULL, \
                 CONSTRAINT {email_key} UNIQUE (email))"
            ))
            .await
            .unwrap();
        engine
            .execute(format!(
                "CREATE TABLE {orders} (id BIGINT PRIMARY KEY, customer_id BIGINT, qty INTEGER, \
                 CONSTRAINT {fk} FOREIGN KEY (customer_id) REFERENCES {customers} (id), \
                 CONSTRAINT {positive} CHECK (qty > 0))"
            ))
            .await
            .unwrap();
        engine
            .execute(format!(
                "INSERT INTO {customers} (id, email) VALUES (1, 'a@example.com')"
            ))
            .await
            .unwrap();
        engine
            .execute(format!(
                "INSERT INTO {orders} (id, customer_id, qty) VALUES (1, 1, 2)"
            ))
            .await
            .unwrap();

        // (what, SQL, kind, constraint expected per backend: postgres, mysql, sqlite)
        let pkey = format!("{customers}_pkey");
        let cases: [(&str, String, ErrorKind, [Option<&str>; 3]); 5] = [
            (
                "unique",
                format!("INSERT INTO {customers} (id, email) VALUES (2, 'a@example.com')"),
                ErrorKind::UniqueViolation,
                [Some(&email_key), Some(&email_key), None],
            ),
            (
                "primary key",
                format!("INSERT INTO {customers} (id, email) VALUES (1, 'b@example.com')"),
                ErrorKind::UniqueViolation,
                [Some(&pkey), Some("PRIMARY"), None],
            ),
            (
                "foreign key (child)",
                format!("INSERT INTO {orders} (id, customer_id, qty) VALUES (2, 99, 1)"),
                ErrorKind::ForeignKeyViolation,
                [Some(&fk), Some(&fk), None],
            ),
            (
                "foreign key (parent)",
                format!("DELETE FROM {customers} WHERE id = 1"),
                ErrorKind::ForeignKeyViolation,
                [Some(&fk), Some(&fk), None],
            ),
            (
                "check",
                format!("INSERT INTO {orders} (id, customer_id, qty) VALUES (3, 1, 0)"),
                ErrorKind::CheckViolation,
                [Some(&positive), Some(&positive), None],
            ),
        ];
        for (what, sql, kind, expected) in cases {
            let ctx = format!("{be} {what}");
            let err = engine.execute(sql.as_str()).await.unwrap_err();
            assert_eq!(err.kind(), kind, "{ctx}: {err}");
            let want = match be {
                "postgres" => expected[0],
                "mysql" => expected[1],
                _ => expected[2],
            };
            assert_eq!(err.constraint(), want, "{ctx}: {err}");
            // The typed accessors are unchanged: the code and the SQL are the database's.
            assert!(err.code().is_some_and(|c| !c.is_empty()), "{ctx}: {err:?}");
            assert_eq!(err.sql(), Some(sql.as_str()), "{ctx}");
            assert_driver_source(&err, be, &ctx);
            assert_own_text_once(&err, &ctx);
        }
        // SQLite names the columns, in the message.
        if be == "sqlite" {
            let err = engine
                .execute(format!(
                    "INSERT INTO {customers} (id, email) VALUES (2, 'a@example.com')"
                ))
                .await
                .unwrap_err();
            let Error::Database(db) = &err else {
                panic!("{err:?}")
            };
            assert!(db.message.contains(&format!("{customers}.email")), "{err}");
            assert!(
                chain(&err)[0].contains(&format!("{customers}.email")),
                "{err}"
            );
        }
        for t in [&orders, &customers] {
            engine.execute(format!("DROP TABLE {t}")).await.unwrap();
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn connection_errors_print_each_text_once() {
    common::install();
    let mut urls = vec![(
        "sqlite",
        "sqlite:///nonexistent-quarry-dir/sub/db.sqlite?mode=rw".to_owned(),
    )];
    // A port nobody listens on: refused at once.
    if common::url("QUARRY_TEST_POSTGRES_URL").is_some() {
        urls.push((
            "postgres",
            "postgres://postgres@127.0.0.1:1/test".to_owned(),
        ));
    }
    if common::url("QUARRY_TEST_MYSQL_URL").is_some() {
        urls.push(("mysql", "mysql://root@127.0.0.1:1/test".to_owned()));
    }
    for (be, url) in urls {
        let err = Engine::builder()
            .connection_timeout(std::time::Duration::from_secs(5))
            .connect(&url)
            .await
            .unwrap_err();
        let ctx = format!("{be} {url}");
        assert!(err.is_connection_error(), "{ctx}: {err:?}");
        assert_driver_source(&err, be, &ctx);
        assert_own_text_once(&err, &ctx);
        let texts = chain(&err);
        assert!(texts.len() >= 2, "{ctx}: {texts:?}");
        eprintln!("{ctx}: {}", texts.join(" | "));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn decode_errors_speak_sql_and_rust() {
    for engine in common::all_engines().await {
        let be = engine.backend_name();
        let row = engine
            .fetch_one("SELECT 'abc' AS t, 1.5e0 AS f, NULL AS n")
            .await
            .unwrap();
        let err = row.get::<i64>("t").unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Decode, "{be}");
        assert!(
            err.to_string()
                .contains("expected an integer (i64), found text"),
            "{be}: {err}"
        );
        assert_no_enum_names(&err, be);
        let err = row.get::<bool>("t").unwrap_err();
        assert!(
            err.to_string()
                .contains("expected a boolean (bool), found text"),
            "{be}: {err}"
        );
        assert_no_enum_names(&err, be);
        let err = row.get::<String>("n").unwrap_err();
        assert!(err.to_string().contains("found NULL"), "{be}: {err}");
        assert!(err.to_string().contains("Option<String>"), "{be}: {err}");
        assert_no_enum_names(&err, be);
        // Decoding into a struct goes through serde, with the same words.
        #[derive(serde::Deserialize, Debug)]
        #[allow(dead_code)]
        struct R {
            t: String,
            f: f64,
            n: i64,
        }
        let err = engine
            .fetch_one_as::<R>("SELECT 'abc' AS t, 1.5e0 AS f, NULL AS n")
            .await
            .unwrap_err();
        assert!(err.to_string().contains("found NULL"), "{be}: {err}");
        assert_no_enum_names(&err, be);
    }
}

#[test]
fn decode_messages_name_the_rust_type_and_the_sql_value() {
    use quarry::value::Decimal;
    let cases: [(Error, &str); 5] = [
        (
            Decimal::from_value(Value::Bool(true), "price").unwrap_err(),
            "cannot decode column price: expected a decimal (Decimal), found a boolean",
        ),
        (
            bool::from_value(Value::F64(0.5), "ok").unwrap_err(),
            "cannot decode column ok: expected a boolean (bool), found a double-precision float",
        ),
        (
            i32::from_value(Value::Text("x".into()), "n").unwrap_err(),
            "cannot decode column n: expected an integer (i32), found text",
        ),
        (
            String::from_value(Value::Null(ValueType::Text), "name").unwrap_err(),
            "cannot decode column name: expected text (String), found NULL; decode into \
             Option<String> to accept NULL",
        ),
        (
            Vec::<i64>::from_value(Value::I64(1), "tags").unwrap_err(),
            "cannot decode column tags: expected an array (Vec<T>), found a 64-bit integer \
             (BIGINT)",
        ),
    ];
    for (err, want) in cases {
        assert_eq!(err.to_string(), want);
        assert_no_enum_names(&err, want);
        assert!(err.source().is_none(), "{want}");
    }
}

#[test]
fn errors_without_a_source_keep_their_whole_text() {
    let gate = quarry::backend::ConnectGate::new();
    let io = std::io::Error::new(std::io::ErrorKind::ConnectionRefused, "refused by peer");
    gate.failed(&Error::connection(
        "cannot connect to X",
        Some(Box::new(io)),
    ));
    // The gate passes the failure on as text alone: all of it, and no source.
    assert_eq!(
        gate.last_failure().as_deref(),
        Some("cannot connect to X: refused by peer")
    );
    let e = Error::connection("lost", Some(Box::new(std::io::Error::other("reset"))));
    assert_eq!(chain(&e), ["connection error: lost", "reset"]);
    assert_own_text_once(&e, "built");
}
