use quarry::prelude::*;

async fn run(engine: quarry::Engine) {
    let a = quarry::Column::<i64>::new("t", "a");
    // Statements run on `&engine`, `&mut conn` or `&mut tx`, not on an engine by value.
    let _ = select(a).from("t").fetch_all(engine).await;
}

fn main() {
    let _ = run;
}
