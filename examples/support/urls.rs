//! The databases an example's test runs on: SQLite in memory always, PostgreSQL and MariaDB
//! when `QUARRY_TEST_POSTGRES_URL` / `QUARRY_TEST_MYSQL_URL` are set (a missing one fails under
//! `CI=true` and is skipped with a notice elsewhere, as in the test suites).

/// The URLs to run on.
pub fn urls() -> Vec<String> {
    let ci = std::env::var("CI").is_ok_and(|v| v == "true" || v == "1");
    let mut urls = vec!["sqlite::memory:".to_owned()];
    for var in ["QUARRY_TEST_POSTGRES_URL", "QUARRY_TEST_MYSQL_URL"] {
        match std::env::var(var) {
            Ok(url) if !url.is_empty() => urls.push(url),
            _ if ci => panic!("{var} is not set but CI=true: the example must run on it"),
            _ => eprintln!("SKIPPED: {var} is not set; the example runs on SQLite only"),
        }
    }
    urls
}
