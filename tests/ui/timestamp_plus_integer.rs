// A timestamp takes an interval, which says its unit, not a bare number.
fn main() {
    let at = quarry::Column::<quarry::value::Timestamp>::new("t", "at");
    let _ = at + 1_i64;
}
