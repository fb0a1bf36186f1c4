//! The SQL function helpers of `quarry::functions` run on SQLite, PostgreSQL and MariaDB (those
//! configured): every backend must return the same rows, written out here.

mod common;

use quarry::functions::{
    abs, all, any, dense_rank, first_value, greatest, grouping, json_agg, lag, lag_by, last_value,
    lead, lead_by, least, lit, ltrim, modulo, ntile, position, rank, replace, round, round_to,
    rtrim, string_agg, substr, substr_len, trim, tuple,
};
use quarry::prelude::*;
use quarry::stmt::DecodeRow;
use quarry::{ColumnDef, Engine, MetaData, SqlType, Table};
use std::fmt::Debug;

quarry::table! {
    pub struct Items("items") {
        id: i64 => primary_key(),
        grp: i64,
        name: String,
        score: f64,
        qty: i64,
    }
}

struct Fx {
    engine: Engine,
    md: MetaData,
    /// The table, without an alias.
    table: TableRef,
    /// The table as `i`.
    items: TableRef,
}

impl Fx {
    /// The table, created and seeded; `tag` keeps each test's table its own.
    async fn new(engine: Engine, tag: &str) -> Fx {
        let name = format!("qf_{}_{tag}_items", engine.backend_name());
        eprintln!("live_functions on {}", engine.dialect().name());
        let items = Table::new(name.clone())
            .column(ColumnDef::new("id", SqlType::BigInt).primary_key())
            .column(ColumnDef::new("grp", SqlType::BigInt).not_null())
            .column(ColumnDef::new("name", SqlType::Varchar(30)).not_null())
            .column(ColumnDef::new("score", SqlType::Double).not_null())
            .column(ColumnDef::new("qty", SqlType::BigInt).not_null());
        let md = MetaData::new().with(items.clone());
        engine.drop_all(&md).await.unwrap();
        engine.create_all(&md).await.unwrap();
        let t = TableRef::new(&items);
        let i = Items::new();
        let q = insert(t.clone()).rows(
            [
                (1_i64, 1_i64, "  ann ", 2.4, -3_i64),
                (2, 1, "bob-x", 3.6, 5),
                (3, 2, "cy", -1.4, 7),
                (4, 2, "dee-dee", 10.0, -2),
                (5, 2, "eve", 4.49, 0),
            ]
            .map(|(id, grp, name, score, qty)| {
                (
                    i.id.set(id),
                    i.grp.set(grp),
                    i.name.set(name),
                    i.score.set(score),
                    i.qty.set(qty),
                )
            }),
        );
        q.execute(&engine).await.unwrap();
        Fx {
            engine,
            md,
            table: t.clone(),
            items: t.alias("i"),
        }
    }

    /// Runs `q` and checks its rows against `want`.
    async fn rows<R: DecodeRow + PartialEq + Debug>(
        &self,
        what: &str,
        q: quarry::Select<R>,
        want: Vec<R>,
    ) {
        common::assert_rows(&self.engine, what, q, want).await
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn function_helpers_agree_on_every_backend() {
    let engines = common::all_engines().await;
    assert!(!engines.is_empty());
    for engine in engines {
        let fx = Fx::new(engine, "fn").await;
        let i = Items::alias("i");
        let from = || fx.items.clone();
        let by_id = Window::new().order_by(i.id);
        let in_grp = Window::new().partition_by(i.grp).order_by(i.id);

        fx.rows(
            "rank, dense_rank, ntile",
            select((
                i.id,
                rank().over(Window::new().order_by(i.grp)),
                dense_rank().over(Window::new().order_by(i.grp)),
                ntile(2).over(by_id.clone()),
            ))
            .from(from())
            .order_by(i.id),
            vec![
                (1, 1, 1, 1),
                (2, 1, 1, 1),
                (3, 3, 2, 1),
                (4, 3, 2, 2),
                (5, 3, 2, 2),
            ],
        )
        .await;

        fx.rows(
            "lag, lead",
            select((
                i.id,
                lag(i.qty).over(by_id.clone()),
                lead(i.qty).over(by_id.clone()),
                lag_by(i.qty, 2).over(by_id.clone()),
                lead_by(i.qty, 2).over(by_id.clone()),
            ))
            .from(from())
            .order_by(i.id),
            vec![
                (1, None, Some(5), None, Some(7)),
                (2, Some(-3), Some(7), None, Some(-2)),
                (3, Some(5), Some(-2), Some(-3), Some(0)),
                (4, Some(7), Some(0), Some(5), None),
                (5, Some(-2), None, Some(7), None),
            ],
        )
        .await;

        // last_value with the default frame: the frame ends at the current row.
        fx.rows(
            "first_value, last_value",
            select((
                i.id,
                first_value(i.id).over(in_grp.clone()),
                last_value(i.id).over(in_grp.clone()),
            ))
            .from(from())
            .order_by(i.id),
            vec![
                (1, Some(1), Some(1)),
                (2, Some(1), Some(2)),
                (3, Some(3), Some(3)),
                (4, Some(3), Some(4)),
                (5, Some(3), Some(5)),
            ],
        )
        .await;

        let s = |v: &str| v.to_owned();
        fx.rows(
            "trim, ltrim, rtrim, replace",
            select((
                trim(i.name),
                ltrim(i.name),
                rtrim(i.name),
                replace(i.name, "-", "_"),
            ))
            .from(from())
            .filter(i.id.le(2))
            .order_by(i.id),
            vec![
                (s("ann"), s("ann "), s("  ann"), s("  ann ")),
                (s("bob-x"), s("bob-x"), s("bob-x"), s("bob_x")),
            ],
        )
        .await;

        fx.rows(
            "substr, substr_len, position",
            select((
                substr(i.name, 2_i32),
                substr_len(i.name, 1_i32, 3_i32),
                position("-", i.name),
            ))
            .from(from())
            .filter(i.id.ge(2))
            .order_by(i.id),
            vec![
                (s("ob-x"), s("bob"), 4),
                (s("y"), s("cy"), 0),
                (s("ee-dee"), s("dee"), 4),
                (s("ve"), s("eve"), 0),
            ],
        )
        .await;

        fx.rows(
            "abs, round, greatest, least",
            select((
                abs(i.qty),
                round(i.score),
                greatest(i.qty, 0_i64),
                least(i.qty, 0_i64),
            ))
            .from(from())
            .order_by(i.id),
            vec![
                (3, 2.0, 0, -3),
                (5, 4.0, 5, 0),
                (7, -1.0, 7, 0),
                (2, 10.0, 0, -2),
                (0, 4.0, 0, 0),
            ],
        )
        .await;

        fx.rows(
            "round_to, modulo",
            select((
                round_to(i.score, 1),
                round_to(i.score, 0),
                modulo(i.qty, 4_i64),
            ))
            .from(from())
            .order_by(i.id),
            vec![
                (2.4, 2.0, -3),
                (3.6, 4.0, 1),
                (-1.4, -1.0, 3),
                (10.0, 10.0, -2),
                (4.5, 4.0, 0),
            ],
        )
        .await;

        fx.engine.drop_all(&fx.md).await.unwrap();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn quantified_comparisons_custom_operators_and_labels() {
    let engines = common::all_engines().await;
    assert!(!engines.is_empty());
    for engine in engines {
        let fx = Fx::new(engine, "op").await;
        let (i, j) = (Items::alias("i"), Items::alias("j"));
        let group_one = || {
            select(j.qty)
                .from(fx.table.clone().alias("j"))
                .filter(j.grp.eq(1))
        };
        // Group 1's quantities are -3 and 5.
        let above_all = select(i.id)
            .from(fx.items.clone())
            .filter(i.qty.gt(all(group_one())))
            .order_by(i.id);
        let below_any = select(i.id)
            .from(fx.items.clone())
            .filter(i.qty.lt(any(group_one())))
            .order_by(i.id);
        // The same through a SQL fragment marked as one term (unparenthesised).
        let fragment = select(i.id)
            .from(fx.items.clone())
            .filter(
                i.qty.gt(quarry::sql(format!(
                    "ALL (SELECT qty FROM {} WHERE grp = :g)",
                    fx.table.name
                ))
                .bind("g", 1_i64)
                .term()),
            )
            .order_by(i.id);
        if fx.engine.dialect().features().quantified_subquery {
            fx.rows("> ALL", above_all, vec![3]).await;
            fx.rows("< ANY", below_any, vec![1, 4, 5]).await;
            fx.rows("> ALL (fragment)", fragment, vec![3]).await;
        } else {
            for q in [above_all, below_any] {
                let err = q.fetch_all(&fx.engine).await.unwrap_err();
                assert_eq!(err.kind(), quarry::ErrorKind::Unsupported, "{err}");
                assert!(
                    err.to_string().contains("instead"),
                    "names the rewrite: {err}"
                );
            }
        }

        // `&` is bitwise AND on all three; a sum as its operand is parenthesised.
        fx.rows(
            "custom operators",
            select((
                i.id,
                i.qty.op("&", 1_i64).retype::<i64>(),
                (i.qty + 1_i64).op("&", 1_i64).retype::<i64>(),
            ))
            .from(fx.items.clone())
            .filter(i.qty.bool_op("<>", 7_i64))
            .order_by(i.id),
            vec![(1, 1, 0), (2, 1, 0), (4, 0, 1), (5, 0, 1)],
        )
        .await;
        // Literals in the SQL text, and a bound &str as a typed expression.
        fx.rows(
            "lit and val(&str)",
            select((lit(1_i64), lit(true), lower(val("ABC"))))
                .from(fx.items.clone())
                .filter(exists(
                    select(lit(1_i64))
                        .from(fx.table.clone().alias("j"))
                        .filter(j.id.eq(i.id).and(j.qty.gt(lit(6_i64)))),
                )),
            vec![(1, true, "abc".to_owned())],
        )
        .await;

        // Joined in the order asked for; the separator's quote survives the MySQL family's
        // literal.
        fx.rows(
            "string_agg",
            select((i.grp, string_agg(i.name, "'|").order_by(i.id.desc())))
                .from(fx.items.clone())
                .group_by(i.grp)
                .order_by(i.grp),
            vec![
                (1, Some("bob-x'|  ann ".to_owned())),
                (2, Some("eve'|dee-dee'|cy".to_owned())),
            ],
        )
        .await;

        // A group's values as a JSON array, in the order asked for (spacing differs by
        // database, so compared without whitespace).
        let arrays = select((i.grp, json_agg(i.name).order_by(i.id.desc())))
            .from(fx.items.clone())
            .group_by(i.grp)
            .order_by(i.grp)
            .fetch_all(&fx.engine)
            .await
            .unwrap_or_else(|e| panic!("{}: {e}", fx.engine.dialect().name()));
        let squeezed: Vec<(i64, String)> = arrays
            .into_iter()
            .map(|(g, j)| {
                let text = j.expect("an array").0;
                (g, text.chars().filter(|c| !c.is_whitespace()).collect())
            })
            .collect();
        assert_eq!(
            squeezed,
            vec![
                (1, r#"["bob-x","ann"]"#.to_owned()),
                (2, r#"["eve","dee-dee","cy"]"#.to_owned())
            ],
            "{}",
            fx.engine.dialect().name()
        );

        // ORDER BY inside another aggregate: only where the dialect has it.
        let ordered_max = select(max(i.qty).order_by(i.id)).from(fx.items.clone());
        if fx.engine.dialect().features().aggregate_order_by {
            fx.rows("max(… ORDER BY …)", ordered_max, vec![Some(7)])
                .await;
        } else {
            let err = ordered_max.fetch_all(&fx.engine).await.unwrap_err();
            assert_eq!(err.kind(), quarry::ErrorKind::Unsupported, "{err}");
        }

        // Row values.
        let ids = |cond: TypedExpr<bool>| {
            select(i.id)
                .from(fx.items.clone())
                .filter(cond)
                .order_by(i.id)
        };
        fx.rows(
            "(a, b) IN ((…), …)",
            ids(tuple((i.grp, i.qty)).in_list([(1_i64, 5_i64), (2, 0), (3, 3)])),
            vec![2, 5],
        )
        .await;
        fx.rows(
            "(a, b) NOT IN ((…), …)",
            ids(tuple((i.grp, i.qty)).not_in_list([(1_i64, 5_i64), (2, 0)])),
            vec![1, 3, 4],
        )
        .await;
        fx.rows(
            "(a, b) = (x, y)",
            ids(tuple((i.grp, i.name)).eq((2_i64, "cy"))),
            vec![3],
        )
        .await;
        fx.rows(
            "(a, b) > (x, y)",
            ids(tuple((i.grp, i.id)).gt((1_i64, 2_i64))),
            vec![3, 4, 5],
        )
        .await;
        fx.rows(
            "(a, b) IN (SELECT …)",
            ids(tuple((i.grp, i.qty)).in_query(
                select((j.grp, j.qty))
                    .from(fx.table.clone().alias("j"))
                    .filter(j.qty.gt(4_i64)),
            )),
            vec![2, 3],
        )
        .await;

        // GROUP BY with subtotals; its keys are NULL on the subtotal rows, so selected as
        // Option. Sorted here: MariaDB takes no ORDER BY beside WITH ROLLUP.
        let rollup = select((i.grp.nullable(), count_star()))
            .from(fx.items.clone())
            .group_by_rollup(i.grp);
        let features = fx.engine.dialect().features();
        if features.rollup == quarry::dialect::RollupStyle::None {
            let err = rollup.fetch_all(&fx.engine).await.unwrap_err();
            assert_eq!(err.kind(), quarry::ErrorKind::Unsupported, "{err}");
        } else {
            let mut got = rollup.fetch_all(&fx.engine).await.unwrap();
            got.sort();
            assert_eq!(got, vec![(None, 5), (Some(1), 2), (Some(2), 3)], "rollup");
            let ordered = rollup.clone().order_by(i.grp);
            let ordered_ok = !matches!(
                features.rollup,
                quarry::dialect::RollupStyle::WithRollup { order_by: false }
            );
            assert_eq!(ordered.fetch_all(&fx.engine).await.is_ok(), ordered_ok);
        }
        let with_grouping = select((i.grp.nullable(), grouping(i.grp), count_star()))
            .from(fx.items.clone())
            .group_by_rollup(i.grp);
        if features.grouping_function {
            let mut got = with_grouping.fetch_all(&fx.engine).await.unwrap();
            got.sort();
            assert_eq!(got, vec![(None, 1, 5), (Some(1), 0, 2), (Some(2), 0, 3)]);
        } else {
            let err = with_grouping.fetch_all(&fx.engine).await.unwrap_err();
            assert_eq!(err.kind(), quarry::ErrorKind::Unsupported, "{err}");
        }

        // LIMIT and OFFSET bound: every page is one statement text.
        let page = |n: u64| {
            select(i.id)
                .from(fx.items.clone())
                .order_by(i.id)
                .limit(2)
                .offset(2 * n)
        };
        let dialect = fx.engine.dialect();
        let texts: Vec<String> = (0..3)
            .map(|n| page(n).compile(dialect).unwrap().sql)
            .collect();
        assert!(texts.iter().all(|t| *t == texts[0]), "{texts:?}");
        for (n, want) in [(0, vec![1, 2]), (1, vec![3, 4]), (2, vec![5])] {
            fx.rows("a page", page(n), want).await;
        }

        // Aggregates of dynamic columns are dynamic: labelled, selected, decoded.
        let (qty, name) = (
            quarry::DynColumn::new("i", "qty"),
            quarry::DynColumn::new("i", "name"),
        );
        let (total, last): (Option<quarry::Value>, quarry::Value) =
            select((sum(qty).label("total"), max(name).label("last")))
                .from(fx.items.clone())
                .fetch_one(&fx.engine)
                .await
                .unwrap();
        assert!(total.is_some_and(|v| !v.is_null()));
        assert_eq!(last, quarry::Value::Text("eve".into()));

        // Literal rows as a table: a CTE of VALUES, joined.
        let v = quarry::Cte::values("v", ["id", "label"], [(1_i64, "one"), (3, "three")]);
        let (vid, vlabel) = (
            quarry::Column::<i64>::new("v", "id"),
            quarry::Column::<String>::new("v", "label"),
        );
        fx.rows(
            "a CTE of VALUES",
            select((i.id, vlabel))
                .with(v.clone())
                .from(fx.items.clone())
                .join(&v)
                .on(i.id.eq(vid))
                .order_by(i.id),
            vec![(1, "one".to_owned()), (3, "three".to_owned())],
        )
        .await;

        // A labelled item as its own ordering key.
        let n = count(i.id).label("n");
        fx.rows(
            "order by a label",
            select((i.grp, n.clone()))
                .from(fx.items.clone())
                .group_by(i.grp)
                .order_by(n.desc()),
            vec![(2, 3), (1, 2)],
        )
        .await;

        let bad = select(i.id)
            .from(fx.items.clone())
            .filter(i.qty.bool_op("= 1; DROP TABLE x", 1_i64));
        let err = bad.fetch_all(&fx.engine).await.unwrap_err();
        assert_eq!(err.kind(), quarry::ErrorKind::InvalidStatement, "{err}");

        fx.engine.drop_all(&fx.md).await.unwrap();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn decimals_compute_and_decode_on_every_backend() {
    use quarry::value::Decimal;
    let dec = |s: &str| s.parse::<Decimal>().unwrap();
    let engines = common::all_engines().await;
    assert!(!engines.is_empty());
    for engine in engines {
        let name = engine.dialect().name();
        eprintln!("live_functions (decimals) on {name}");
        let table = format!("qf_{}_prices", engine.backend_name());
        let t = Table::new(table.clone())
            .column(ColumnDef::new("id", SqlType::BigInt).primary_key())
            .column(ColumnDef::new(
                "price",
                SqlType::Numeric {
                    precision: 10,
                    scale: 2,
                },
            ))
            .column(ColumnDef::new("qty", SqlType::Integer).not_null());
        let md = MetaData::new().with(t.clone());
        engine.drop_all(&md).await.unwrap();
        engine.create_all(&md).await.unwrap();
        let price = quarry::Column::<Option<Decimal>>::new("p", "price");
        let id = quarry::Column::<i64>::new("p", "id");
        let from = || TableRef::new(&t).alias("p");
        insert(TableRef::new(&t))
            .rows([(1_i64, "0.10", 3_i32), (2, "0.20", 1)].map(|(i, p, q)| {
                (
                    quarry::Assign::new("id", i),
                    quarry::Assign::new("price", dec(p)),
                    quarry::Assign::new("qty", q),
                )
            }))
            .execute(&engine)
            .await
            .unwrap();

        // 0.1 + 0.2, bound: exact where the database computes in DECIMAL.
        let sum_of_bound = select(val(dec("0.1")) + dec("0.2"))
            .fetch_one(&engine)
            .await
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        // sum() of the column, and a comparison with a bound decimal and an integer literal.
        let total = select(sum(price))
            .from(from())
            .fetch_one(&engine)
            .await
            .unwrap_or_else(|e| panic!("{name}: {e}"))
            .expect("a sum");
        let matching = select(id)
            .from(from())
            .filter(price.eq(dec("0.20")).and(price.lt(1)))
            .fetch_all(&engine)
            .await
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(matching, vec![2], "{name}");
        let doubled = select(price * 2)
            .from(from())
            .filter(id.eq(1))
            .fetch_one(&engine)
            .await
            .unwrap_or_else(|e| panic!("{name}: {e}"))
            .expect("a price");
        // A decimal column times an integer column is a decimal.
        let qty = quarry::Column::<i32>::new("p", "qty");
        let line_totals: Vec<Decimal> = select(price * qty)
            .from(from())
            .order_by(id)
            .fetch_all(&engine)
            .await
            .unwrap_or_else(|e| panic!("{name}: {e}"))
            .into_iter()
            .flatten()
            .collect();
        assert_eq!(line_totals.len(), 2, "{name}");
        // Exact on every backend: PostgreSQL and the MySQL family compute in DECIMAL; SQLite
        // in REAL, decoded at the scale the metadata and the values give (`Plan::Scaled`).
        assert_eq!(sum_of_bound.as_str(), "0.3", "{name}");
        assert_eq!(total.as_str(), "0.30", "{name}");
        assert_eq!(doubled.as_str(), "0.20", "{name}");
        let texts: Vec<&str> = line_totals.iter().map(Decimal::as_str).collect();
        assert_eq!(texts, ["0.30", "0.20"], "{name}");
        // round_to keeps the decimal type (the scale of the result is the database's).
        let rounded: Vec<f64> = select(quarry::functions::round_to(price, 1))
            .from(from())
            .order_by(id)
            .fetch_all(&engine)
            .await
            .unwrap_or_else(|e| panic!("{name}: {e}"))
            .into_iter()
            .flatten()
            .map(|d: Decimal| d.as_str().parse().unwrap())
            .collect();
        assert_eq!(rounded, [0.1, 0.2], "{name}");
        // Running totals, a COALESCE, a subquery's sum summed again, a CASE, and a stream.
        let running = select((
            sum(price).over(quarry::Window::new().order_by(id)),
            quarry::functions::coalesce(price, dec("0.00")) - dec("0.10"),
            quarry::case_when(id.eq(1), price + dec("0.01")).otherwise(dec("0.00")),
        ))
        .from(from())
        .order_by(id)
        .fetch_all(&engine)
        .await
        .unwrap_or_else(|e| panic!("{name}: {e}"));
        let texts: Vec<[String; 3]> = running
            .into_iter()
            .map(|(a, b, c)| {
                [a, Some(b), Some(c)]
                    .map(|d: Option<Decimal>| d.map_or("NULL".into(), |d| d.to_string()))
            })
            .collect();
        assert_eq!(
            texts,
            [["0.10", "0.00", "0.11"], ["0.30", "0.10", "0.00"]],
            "{name}"
        );
        let total_label = sum(price).label("total");
        let inner = select((id, total_label.clone()))
            .from(from())
            .group_by(id)
            .subquery("s");
        let again = select(sum(inner.col(&total_label)) * 3)
            .from(&inner)
            .fetch_one(&engine)
            .await
            .unwrap_or_else(|e| panic!("{name}: {e}"))
            .expect("a total");
        assert_eq!(again.as_str(), "0.90", "{name}");
        let mut stream = engine
            .stream(select(sum(price) + dec("0.1")).from(from()))
            .await
            .unwrap();
        let row = stream.next().await.unwrap().unwrap();
        assert_eq!(row.get::<Decimal>(0).unwrap().as_str(), "0.40", "{name}");
        drop(stream);
        engine.drop_all(&md).await.unwrap();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn upsert_on_a_table_known_by_name_only() {
    let engines = common::all_engines().await;
    assert!(!engines.is_empty());
    for engine in engines {
        let fx = Fx::new(engine, "up").await;
        let name = fx.engine.dialect().name();
        // By name only: quarry cannot see the table's unique keys.
        let upsert = || {
            insert(fx.table.name.to_string())
                .values((
                    quarry::Assign::new("id", 1_i64),
                    quarry::Assign::new("grp", 9_i64),
                    quarry::Assign::new("name", "new"),
                    quarry::Assign::new("score", 0.0_f64),
                    quarry::Assign::new("qty", 0_i64),
                ))
                .on_conflict("id")
                .do_update(["name"])
        };
        let needs_assumption = !matches!(
            fx.engine.dialect().features().upsert,
            quarry::dialect::UpsertStyle::OnConflict
        );
        let plain = upsert().execute(&fx.engine).await;
        if needs_assumption {
            let err = plain.unwrap_err();
            assert_eq!(err.kind(), quarry::ErrorKind::Unsupported, "{name}: {err}");
            assert!(err.to_string().contains("assume_only_key"), "{name}: {err}");
        } else {
            plain.unwrap_or_else(|e| panic!("{name}: {e}"));
        }
        upsert()
            .assume_only_key()
            .execute(&fx.engine)
            .await
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        let i = Items::alias("i");
        fx.rows(
            "the row updated, not added",
            select((i.id, i.grp, i.name))
                .from(fx.items.clone())
                .filter(i.id.eq(1)),
            vec![(1, 1, "new".to_owned())],
        )
        .await;
        fx.engine.drop_all(&fx.md).await.unwrap();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dates_and_math_on_every_backend() {
    use quarry::functions::{ceil, days_between, extract, floor, power, DatePart};
    use quarry::value::{Date, Timestamp};
    let engines = common::all_engines().await;
    assert!(!engines.is_empty());
    for engine in engines {
        let name = engine.dialect().name();
        eprintln!("live_functions (dates, math) on {name}");
        let table = format!("qf_{}_events", engine.backend_name());
        let t = Table::new(table.clone())
            .column(ColumnDef::new("id", SqlType::BigInt).primary_key())
            .column(ColumnDef::new("day", SqlType::Date).not_null())
            .column(ColumnDef::new("at", SqlType::Timestamp).not_null())
            .column(ColumnDef::new("x", SqlType::Double).not_null());
        let md = MetaData::new().with(t.clone());
        engine.drop_all(&md).await.unwrap();
        engine.create_all(&md).await.unwrap();
        let rows = [
            (1_i64, "2024-02-28", "2024-02-28 13:45:07", 2.5_f64),
            (2, "2024-03-01", "2023-12-31 23:59:59", -2.5),
        ];
        insert(TableRef::new(&t))
            .rows(rows.map(|(id, day, at, x)| {
                (
                    quarry::Assign::new("id", id),
                    quarry::Assign::new("day", day.parse::<Date>().unwrap()),
                    quarry::Assign::new("at", at.parse::<Timestamp>().unwrap()),
                    quarry::Assign::new("x", x),
                )
            }))
            .execute(&engine)
            .await
            .unwrap();
        let id = quarry::Column::<i64>::new("e", "id");
        let day = quarry::Column::<Date>::new("e", "day");
        let at = quarry::Column::<Timestamp>::new("e", "at");
        let x = quarry::Column::<f64>::new("e", "x");
        let from = || TableRef::new(&t).alias("e");
        let parts = select((
            extract(DatePart::Year, at),
            extract(DatePart::Month, at),
            extract(DatePart::Day, at),
            extract(DatePart::Hour, at),
            extract(DatePart::Minute, at),
            extract(DatePart::Second, at),
            days_between(day, at),
        ))
        .from(from())
        .order_by(id)
        .fetch_all(&engine)
        .await
        .unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(
            parts,
            vec![(2024, 2, 28, 13, 45, 7, 0), (2023, 12, 31, 23, 59, 59, -61)],
            "{name}"
        );
        let rounded = select((floor(x), ceil(x)))
            .from(from())
            .order_by(id)
            .fetch_all(&engine)
            .await
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(rounded, vec![(2.0, 3.0), (-3.0, -2.0)], "{name}");
        let squared = select(power(x, 2.0)).from(from()).order_by(id);
        if engine.dialect().features().math_functions {
            let got = squared.fetch_all(&engine).await.unwrap();
            assert_eq!(got, vec![6.25, 6.25], "{name}");
        } else {
            let err = squared.fetch_all(&engine).await.unwrap_err();
            assert_eq!(err.kind(), quarry::ErrorKind::Unsupported, "{name}: {err}");
        }
        engine.drop_all(&md).await.unwrap();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn derived_tables_keep_their_types_on_every_backend() {
    let engines = common::all_engines().await;
    assert!(!engines.is_empty());
    for engine in engines {
        let fx = Fx::new(engine, "derived").await;
        let i = Items::alias("i");
        let name = fx.engine.dialect().name();
        // A subquery's columns typed from its select-list items: compared, ordered, decoded.
        let total = sum(i.qty).label("total");
        let best = max(i.score).label("best");
        let s = select((i.grp, total.clone(), best.clone()))
            .from(fx.items.clone())
            .group_by(i.grp)
            .subquery("s");
        fx.rows(
            "typed subquery columns",
            select((s.col(&i.grp), s.col(&total), s.col(&best)))
                .from(&s)
                .filter(s.col(&total).gt(0))
                .order_by(s.col(&i.grp)),
            vec![(1, Some(2), Some(3.6)), (2, Some(5), Some(10.0))],
        )
        .await;
        // A checked name; an unknown one is refused before the database.
        let x = s.try_c("best").unwrap();
        fx.rows(
            "max of a checked dynamic column",
            select(max(x)).from(&s),
            vec![quarry::Value::F64(10.0)],
        )
        .await;
        let err = s.try_c("nope").unwrap_err();
        assert_eq!(err.kind(), quarry::ErrorKind::InvalidStatement, "{name}");
        assert!(
            err.to_string().contains("grp, total, best"),
            "{name}: {err}"
        );
        // A CTE used twice under two aliases, its columns typed from the CTE's items.
        let c = select((i.id, i.grp))
            .from(fx.items.clone())
            .filter(i.qty.ge(0))
            .cte("c");
        let (a, b) = (c.alias("a"), c.alias("b"));
        let pairs = select((a.c("id"), b.c("id")))
            .with(c.clone())
            .from(a.clone())
            .join(b.clone())
            .on(b.c("grp").eq(a.c("grp")).and(b.c("id").gt(a.c("id"))))
            .order_by((a.c("id"), b.c("id")));
        use quarry::Value::I64;
        fx.rows("a CTE under two aliases", pairs, vec![(I64(3), I64(5))])
            .await;
        let ids = select(c.col(&i.id))
            .with(c.clone())
            .from(&c)
            .filter(c.col(&i.grp).eq(2))
            .order_by(c.col(&i.id));
        fx.rows("typed CTE column", ids, vec![3, 5]).await;
        fx.engine.drop_all(&fx.md).await.unwrap();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn integer_division_remainders_arrays_and_clocks_on_every_backend() {
    use quarry::functions::{array_agg, current_date, current_timestamp};
    let engines = common::all_engines().await;
    assert!(!engines.is_empty());
    for engine in engines {
        let fx = Fx::new(engine, "intdiv").await;
        let i = Items::alias("i");
        let name = fx.engine.dialect().name();
        // Integers divide into integers, truncating toward zero (MySQL's `/` would give 2.3333).
        fx.rows(
            "integer division and remainder",
            select((i.id, i.qty / 3, i.qty % 3, i.qty / i.id, i.score / 2.0))
                .from(fx.items.clone())
                .order_by(i.id),
            vec![
                (1, -1, 0, -3, 1.2),
                (2, 1, 2, 2, 1.8),
                (3, 2, 1, 2, -0.7),
                (4, 0, -2, 0, 5.0),
                (5, 0, 0, 0, 2.245),
            ],
        )
        .await;
        // A NULL on the right makes the result NULL: typed Option from either side.
        let previous = lag(i.qty).over(quarry::Window::new().order_by(i.id));
        fx.rows(
            "nullable right operand",
            select(i.qty + previous)
                .from(fx.items.clone())
                .order_by(i.id),
            vec![None, Some(2), Some(12), Some(5), Some(-2)],
        )
        .await;
        // array_agg: PostgreSQL's arrays, refused elsewhere naming the portable aggregates.
        let arrays = select((i.grp, array_agg(i.name).order_by(i.id.desc())))
            .from(fx.items.clone())
            .group_by(i.grp)
            .order_by(i.grp);
        if fx.engine.dialect().features().array_agg {
            let got = arrays.fetch_all(&fx.engine).await.unwrap();
            let names = |v: &[&str]| Some(v.iter().map(|s| s.to_string()).collect::<Vec<_>>());
            assert_eq!(
                got,
                vec![
                    (1, names(&["bob-x", "  ann "])),
                    (2, names(&["eve", "dee-dee", "cy"]))
                ],
                "{name}"
            );
        } else {
            let err = arrays.fetch_all(&fx.engine).await.unwrap_err();
            assert!(
                err.is_unsupported() && err.to_string().contains("json_agg"),
                "{name}: {err}"
            );
        }
        // The clocks decode as a date and a timestamp, today's (give or take a time zone).
        let (today, now) = select((current_date(), current_timestamp()))
            .fetch_one(&fx.engine)
            .await
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        let epoch_days = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_secs() as i64
            / 86_400;
        for (what, days) in [
            ("current_date", today.days_since_epoch()),
            (
                "current_timestamp",
                now.micros_since_epoch().div_euclid(86_400_000_000),
            ),
        ] {
            assert!(
                (days - epoch_days).abs() <= 1,
                "{name}: {what} is {days} days after 1970, not about {epoch_days}"
            );
        }
        fx.engine.drop_all(&fx.md).await.unwrap();
    }
}
