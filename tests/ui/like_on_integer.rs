quarry::table! { pub struct Users("users") { id: i64, name: String } }

fn main() {
    use quarry::prelude::*;
    let u = Users::new();
    let _ = select(u.id).from(u).filter(u.id.like("1%"));
}
