// Arithmetic takes numbers on both sides: the error names the operation, not a comparison.
fn main() {
    let n = quarry::Column::<i64>::new("t", "n");
    let _ = n * "x";
}
