//! Executor benchmark (sqlite): written with the backend.
fn main() {}
