quarry::table! { pub struct Users("users") { id: i64, name: String, email: Option<String> } }

fn main() {
    use quarry::prelude::*;
    let u = Users::new();
    // Fine: the column is nullable.
    let _ = update(u).set(u.email, None);
    // Does not compile: `name` is NOT NULL.
    let _ = update(u).set(u.name, None::<String>);
}
