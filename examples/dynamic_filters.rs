//! Optional search criteria from user input, turned into one typed query: every criterion the
//! user gave becomes a condition (values bound, never spliced), the sort key comes from a fixed
//! list, and pages are LIMIT/OFFSET with a total count from the same conditions. The input here
//! is a query string, as a web handler would receive it.
//!
//! ```text
//! cargo run --example dynamic_filters                       # SQLite in memory
//! cargo run --example dynamic_filters -- mysql://root@127.0.0.1:3306/test "q=lamp&sort=-price"
//! ```

use quarry::prelude::*;
use quarry::value::Decimal;
use quarry::{Engine, MetaData};

quarry::table! {
    /// A product catalogue.
    pub struct Products("ex_filter_products") {
        id: i64 => primary_key(),
        name: String,
        category: String,
        price: Decimal => sql_type(quarry::SqlType::numeric(10, 2)),
        in_stock: bool,
    }
}

/// What a user may ask for; every field is optional.
#[derive(Debug, Default)]
struct Filter {
    /// Words the name contains (case-insensitive, `%` and `_` taken literally).
    q: Option<String>,
    min_price: Option<Decimal>,
    max_price: Option<Decimal>,
    /// Any of these categories.
    categories: Vec<String>,
    in_stock: Option<bool>,
    /// `name`, `price` or `-price` (descending); anything else is refused.
    sort: Option<String>,
    page: u64,
    per_page: u64,
}

/// Reads `input` (`key=value&…`, percent-decoded), refusing what it does not understand.
fn parse(input: &str) -> Result<Filter, String> {
    let mut f = Filter {
        page: 1,
        per_page: 3,
        ..Filter::default()
    };
    let query = format!("?{input}");
    for p in quarry::backend::query_params(&query).map_err(|e| e.to_string())? {
        let (k, v) = (&*p.key, p.value.trim());
        let bad = |what: &str| format!("{k}={v:?} is not {what}");
        match k {
            "q" if !v.is_empty() => f.q = Some(v.to_owned()),
            "min_price" => f.min_price = Some(v.parse().map_err(|_| bad("a price"))?),
            "max_price" => f.max_price = Some(v.parse().map_err(|_| bad("a price"))?),
            "category" => f.categories = v.split(',').map(str::to_owned).collect(),
            "in_stock" => f.in_stock = Some(v.parse().map_err(|_| bad("true or false"))?),
            "sort" => f.sort = Some(v.to_owned()),
            "page" => {
                f.page = v
                    .parse()
                    .ok()
                    .filter(|n| *n > 0)
                    .ok_or_else(|| bad("a page"))?
            }
            "per_page" => {
                f.per_page = v
                    .parse()
                    .ok()
                    .filter(|n| (1..=100).contains(n))
                    .ok_or_else(|| bad("1 to 100"))?
            }
            _ => return Err(format!("unknown criterion {k:?}")),
        }
    }
    Ok(f)
}

/// The filter's conditions: one per criterion given (none: every product).
fn conditions(f: &Filter) -> TypedExpr<bool> {
    let p = Products::new();
    let mut conds = Vec::new();
    if let Some(q) = &f.q {
        conds.push(lower(p.name).contains(&q.to_lowercase()));
    }
    if let Some(min) = &f.min_price {
        conds.push(p.price.ge(min.clone()));
    }
    if let Some(max) = &f.max_price {
        conds.push(p.price.le(max.clone()));
    }
    if !f.categories.is_empty() {
        conds.push(p.category.in_list(f.categories.clone()));
    }
    if let Some(yes) = f.in_stock {
        conds.push(p.in_stock.eq(yes));
    }
    and_all(conds)
}

/// One page of products matching `f`, and how many match in all.
async fn search(engine: &Engine, f: &Filter) -> quarry::Result<(Vec<(i64, String, Decimal)>, i64)> {
    let p = Products::new();
    let order = match f.sort.as_deref() {
        None | Some("name") => p.name.asc(),
        Some("price") => p.price.asc(),
        Some("-price") => p.price.desc(),
        Some(other) => {
            return Err(quarry::Error::InvalidStatement(format!(
                "cannot sort by {other:?} (name, price or -price)"
            )))
        }
    };
    let page = select((p.id, p.name, p.price))
        .from(p)
        .filter(conditions(f))
        .order_by((order, p.id.asc()))
        .limit(f.per_page)
        .offset((f.page - 1) * f.per_page);
    let compiled = page.compile(engine.dialect())?;
    println!("  {}\n  bound: {:?}", compiled.sql, compiled.params);
    let total = select(count_star()).from(p).filter(conditions(f));
    Ok((
        page.fetch_all(engine).await?,
        total.fetch_one(engine).await?,
    ))
}

/// Creates the catalogue at `url`, runs each search of `inputs` and drops the catalogue.
async fn run(url: &str, inputs: &[&str]) -> quarry::Result<Vec<(Vec<i64>, i64)>> {
    let engine = Engine::connect(url).await?;
    let md = MetaData::new().with(Products::table());
    engine.drop_all(&md).await?;
    engine.create_all(&md).await?;
    let p = Products::new();
    let items = [
        (1, "Desk lamp", "home", Decimal::new(2999, 2), true),
        (2, "Garden lamp", "garden", Decimal::new(4500, 2), false),
        (3, "Lamp shade 100%", "home", Decimal::new(1250, 2), true),
        (4, "Hose", "garden", Decimal::new(1999, 2), true),
        (5, "Sofa", "home", Decimal::new(49900, 2), true),
    ];
    engine
        .insert_rows(
            p,
            (p.id, p.name, p.category, p.price, p.in_stock),
            items.iter().cloned(),
        )
        .await?;
    let mut out = Vec::new();
    for input in inputs {
        println!("search {input:?}");
        let filter = match parse(input) {
            Ok(f) => f,
            Err(e) => {
                println!("  refused: {e}");
                continue;
            }
        };
        let (rows, total) = search(&engine, &filter).await?;
        for (id, name, price) in &rows {
            println!("  {id} {name} {price}");
        }
        println!("  page {} of {total} match(es)", filter.page);
        out.push((rows.into_iter().map(|r| r.0).collect(), total));
    }
    engine.drop_all(&md).await?;
    Ok(out)
}

/// Searches a user might send.
const SEARCHES: [&str; 5] = [
    "q=lamp",
    "q=lamp&sort=-price&per_page=2&page=2",
    "category=home,garden&min_price=15&max_price=40&in_stock=true",
    "q=100%25",
    "colour=red",
];

fn install() {
    quarry::install_drivers(&[
        &quarry_sqlite::DRIVER,
        &quarry_postgres::DRIVER,
        &quarry_mysql::DRIVER,
    ]);
}

#[tokio::main]
async fn main() -> quarry::Result<()> {
    install();
    let mut args = std::env::args().skip(1);
    let url = args.next().unwrap_or_else(|| "sqlite::memory:".to_owned());
    let own: Vec<String> = args.collect();
    let inputs: Vec<&str> = if own.is_empty() {
        SEARCHES.to_vec()
    } else {
        own.iter().map(String::as_str).collect()
    };
    run(&url, &inputs).await.map(drop)
}

#[cfg(test)]
#[path = "support/urls.rs"]
mod urls;

#[cfg(test)]
mod tests {
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn runs_on_every_configured_database() {
        super::install();
        for url in super::urls::urls() {
            let got = super::run(&url, &super::SEARCHES)
                .await
                .unwrap_or_else(|e| panic!("{url}: {e}"));
            // The unknown criterion is refused before the database: four searches ran.
            assert_eq!(
                got,
                vec![
                    (vec![1, 2, 3], 3),
                    (vec![3], 3),
                    (vec![1, 4], 2),
                    (vec![3], 1),
                ],
                "{url}"
            );
        }
    }
}
