// A date subtracts a date of its own type (whole days) or an interval, not a timestamp.
fn main() {
    let a = quarry::Column::<quarry::value::Date>::new("t", "a");
    let at = quarry::Column::<quarry::value::Timestamp>::new("t", "at");
    let _ = a - at;
}
