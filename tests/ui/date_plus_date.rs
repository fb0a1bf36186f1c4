// Two dates do not add.
fn main() {
    let a = quarry::Column::<quarry::value::Date>::new("t", "a");
    let b = quarry::Column::<quarry::value::Date>::new("t", "b");
    let _ = a + b;
}
