// `%` takes integers only: PostgreSQL has no `%` for floats and SQLite truncates its operands.
use quarry::prelude::*;

fn main() {
    let x = quarry::Column::<f64>::new("t", "x");
    let _ = select(x % 2.0);
}
