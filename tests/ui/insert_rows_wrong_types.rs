use quarry::Executor;

quarry::table! { pub struct Users("users") { id: i64, name: String } }

async fn load(e: &quarry::Engine) {
    let u = Users::new();
    // The row's items are swapped: a `&str` for the `i64` column.
    let _ = e.insert_rows(u, (u.id, u.name), [("Ann", 1_i64)]).await;
    // NULL into a non-`Option` column.
    let _ = e.insert_rows(u, (u.id, u.name), [(1_i64, None::<&str>)]).await;
}

fn main() {
    let _ = load;
}
