quarry::table! { pub struct Users("users") { id: i64, name: String } }

fn main() {
    use quarry::prelude::*;
    let u = Users::new();
    let _ = insert(u).values((u.id.set("seven"), u.name.set("Ann")));
}
