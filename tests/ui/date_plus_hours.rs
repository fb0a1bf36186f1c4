// A date moves by days, months or years and stays a date; hours would make it a timestamp.
use quarry::functions::hours;

fn main() {
    let a = quarry::Column::<quarry::value::Date>::new("t", "a");
    let _ = a + hours(3);
}
