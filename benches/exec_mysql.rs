//! Executor benchmark (mysql): written with the backend.
fn main() {}
