//! Executor benchmark (postgres): written with the backend.
fn main() {}
