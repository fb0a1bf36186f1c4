quarry::table! { pub struct Users("users") { id: i64, name: Option<String> } }

fn main() {
    use quarry::prelude::*;
    let u = Users::new();
    // A nullable column decodes to Option<String>, not String.
    let _q: quarry::Select<(i64, String)> = select((u.id, u.name));
}
