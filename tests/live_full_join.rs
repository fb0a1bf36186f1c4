//! FULL JOIN runs on SQLite and PostgreSQL natively and on MariaDB emulated (LEFT JOIN UNION
//! ALL the right side's unmatched rows): every backend must return the same rows, written out
//! here — matched pairs, unmatched rows of either side, NULL data columns, a WHERE with bound
//! values under three-valued logic, joins after the FULL JOIN, ORDER BY with LIMIT / OFFSET.

mod common;

use quarry::dialect::FullJoinStyle;
use quarry::prelude::*;
use quarry::stmt::DecodeRow;
use quarry::{ColumnDef, Engine, ErrorKind, MetaData, SqlType, Table};
use std::fmt::Debug;

quarry::table! { pub struct L("l") { id: i64 => primary_key(), k: Option<i64>, label: String, v: Option<i64> } }
quarry::table! { pub struct R("r") { id: i64 => primary_key(), k: Option<i64>, note: Option<String> } }
quarry::table! { pub struct X("x") { id: i64 => primary_key(), r_id: i64, tag: String } }

/// `SELECT *`'s l.id, l.label, r.id and r.note.
type StarPick = (Option<i64>, Option<String>, Option<i64>, Option<String>);

struct Fx {
    engine: Engine,
    md: MetaData,
    /// The prefixed tables, aliased `l`, `r`, `x` as the typed columns are.
    l: TableRef,
    r: TableRef,
    x: TableRef,
}

impl Fx {
    async fn new(engine: Engine) -> Fx {
        let p = format!("qfj_{}_", engine.backend_name());
        eprintln!("live_full_join on {}", engine.dialect().name());
        let id = || ColumnDef::new("id", SqlType::BigInt).primary_key();
        let l = Table::new(format!("{p}l"))
            .column(id())
            .column(ColumnDef::new("k", SqlType::BigInt))
            .column(ColumnDef::new("label", SqlType::Varchar(10)).not_null())
            .column(ColumnDef::new("v", SqlType::BigInt));
        let r = Table::new(format!("{p}r"))
            .column(id())
            .column(ColumnDef::new("k", SqlType::BigInt))
            .column(ColumnDef::new("note", SqlType::Varchar(10)));
        let x = Table::new(format!("{p}x"))
            .column(id())
            .column(ColumnDef::new("r_id", SqlType::BigInt).not_null())
            .column(ColumnDef::new("tag", SqlType::Varchar(10)).not_null());
        let md = MetaData::new()
            .with(l.clone())
            .with(r.clone())
            .with(x.clone());
        engine.drop_all(&md).await.unwrap();
        engine.create_all(&md).await.unwrap();
        let (lt, rt, xt) = (TableRef::new(&l), TableRef::new(&r), TableRef::new(&x));
        let (lc, rc, xc) = (L::new(), R::new(), X::new());
        let l_rows = [
            (1_i64, Some(10_i64), "a", Some(5_i64)),
            (2, Some(20), "b", None),
            (3, None, "c", Some(7)),
            (4, Some(40), "d", Some(1)),
        ];
        insert(lt.clone())
            .rows(l_rows.map(|(id, k, label, v)| {
                (lc.id.set(id), lc.k.set(k), lc.label.set(label), lc.v.set(v))
            }))
            .execute(&engine)
            .await
            .unwrap();
        let r_rows = [
            (1_i64, Some(10_i64), Some("r1")),
            (2, Some(10), None),
            (3, Some(30), Some("r3")),
            (4, None, Some("r4")),
            (5, Some(40), Some("r5")),
        ];
        insert(rt.clone())
            .rows(r_rows.map(|(id, k, note)| {
                (
                    rc.id.set(id),
                    rc.k.set(k),
                    rc.note.set(note.map(str::to_owned)),
                )
            }))
            .execute(&engine)
            .await
            .unwrap();
        let x_rows = [
            (1_i64, 3_i64, "x3"),
            (2, 1, "x1"),
            (3, 1, "x1b"),
            (4, 99, "none"),
        ];
        insert(xt.clone())
            .rows(x_rows.map(|(id, r_id, tag)| (xc.id.set(id), xc.r_id.set(r_id), xc.tag.set(tag))))
            .execute(&engine)
            .await
            .unwrap();
        Fx {
            engine,
            md,
            l: lt.alias("l"),
            r: rt.alias("r"),
            x: xt.alias("x"),
        }
    }

    /// Runs `q` and checks its rows, sorted when `sort`, against `want`.
    async fn rows<R: DecodeRow + PartialEq + Debug + Ord>(
        &self,
        what: &str,
        q: quarry::Select<R>,
        sort: bool,
        want: Vec<R>,
    ) {
        let d = self.engine.dialect();
        let sql = q.compile(d).map(|c| c.sql);
        let mut got = q
            .fetch_all(&self.engine)
            .await
            .unwrap_or_else(|e| panic!("{}: {what}: {e}\n{sql:?}", d.name()));
        if sort {
            got.sort();
        }
        assert_eq!(got, want, "{}: {what}\n{sql:?}", d.name());
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn full_join_gives_the_same_rows_on_every_backend() {
    let engines = common::all_engines().await;
    assert!(!engines.is_empty());
    for engine in engines {
        let fx = Fx::new(engine).await;
        let style = fx.engine.dialect().features().full_join;
        assert_ne!(style, FullJoinStyle::Unsupported);
        let (l, r, x) = (L::new(), R::new(), X::new());
        let on = || r.k.eq(l.k);
        let full = || fx.r.clone();

        // Matched pairs (l 1 twice), unmatched left rows (a key matching nothing, a NULL key),
        // unmatched right rows (likewise), NULL data columns on both sides.
        fx.rows(
            "plain",
            select((
                l.id.nullable(),
                l.label.nullable(),
                l.v,
                r.id.nullable(),
                r.note,
            ))
            .from(fx.l.clone())
            .full_join(full())
            .on(on()),
            true,
            vec![
                (None, None, None, Some(3), Some("r3".to_owned())),
                (None, None, None, Some(4), Some("r4".to_owned())),
                (
                    Some(1),
                    Some("a".into()),
                    Some(5),
                    Some(1),
                    Some("r1".into()),
                ),
                (Some(1), Some("a".into()), Some(5), Some(2), None),
                (Some(2), Some("b".into()), None, None, None),
                (Some(3), Some("c".into()), Some(7), None, None),
                (
                    Some(4),
                    Some("d".into()),
                    Some(1),
                    Some(5),
                    Some("r5".into()),
                ),
            ],
        )
        .await;

        // WHERE with bound values, NULL (unknown) for some rows of either half: those drop.
        fx.rows(
            "where",
            select((l.id.nullable(), r.id.nullable()))
                .from(fx.l.clone())
                .full_join(full())
                .on(on())
                .filter(l.v.gt(2_i64).or(r.id.gt(3_i64))),
            true,
            vec![
                (None, Some(4)),
                (Some(1), Some(1)),
                (Some(1), Some(2)),
                (Some(3), None),
                (Some(4), Some(5)),
            ],
        )
        .await;

        // A condition in ON only pairs fewer rows: the others stay, unmatched.
        fx.rows(
            "on with a bound value",
            select((l.id.nullable(), r.id.nullable()))
                .from(fx.l.clone())
                .full_join(full())
                .on(on().and(r.id.ne(2_i64))),
            true,
            vec![
                (None, Some(2)),
                (None, Some(3)),
                (None, Some(4)),
                (Some(1), Some(1)),
                (Some(2), None),
                (Some(3), None),
                (Some(4), Some(5)),
            ],
        )
        .await;

        // Joins after the FULL JOIN apply to the unmatched right rows too.
        fx.rows(
            "left join after",
            select((l.id.nullable(), r.id.nullable(), x.tag.nullable()))
                .from(fx.l.clone())
                .full_join(full())
                .on(on())
                .left_join(fx.x.clone())
                .on(x.r_id.eq(r.id)),
            true,
            vec![
                (None, Some(3), Some("x3".to_owned())),
                (None, Some(4), None),
                (Some(1), Some(1), Some("x1".into())),
                (Some(1), Some(1), Some("x1b".into())),
                (Some(1), Some(2), None),
                (Some(2), None, None),
                (Some(3), None, None),
                (Some(4), Some(5), None),
            ],
        )
        .await;
        fx.rows(
            "inner join after",
            select((l.id.nullable(), r.id.nullable(), x.tag))
                .from(fx.l.clone())
                .full_join(full())
                .on(on())
                .join(fx.x.clone())
                .on(x.r_id.eq(r.id)),
            true,
            vec![
                (None, Some(3), "x3".to_owned()),
                (Some(1), Some(1), "x1".into()),
                (Some(1), Some(1), "x1b".into()),
            ],
        )
        .await;

        // ORDER BY select-list items (NULLs placed alike everywhere), LIMIT and OFFSET.
        fx.rows(
            "order by, limit, offset",
            select((l.id.nullable(), r.id.nullable()))
                .from(fx.l.clone())
                .full_join(full())
                .on(on())
                .order_by((r.id.desc().nulls_last(), l.id.asc().nulls_first()))
                .limit(4)
                .offset(1),
            false,
            vec![
                (None, Some(4)),
                (None, Some(3)),
                (Some(1), Some(2)),
                (Some(1), Some(1)),
            ],
        )
        .await;
        let lid = l.id.nullable().label("lid");
        fx.rows(
            "order by a label, with a WHERE",
            select((lid.clone(), r.id.nullable()))
                .from(fx.l.clone())
                .full_join(full())
                .on(on())
                .filter(r.note.ne("r5").or(r.note.is_null()))
                .order_by((lid.desc().nulls_last(), r.id.desc().nulls_last()))
                .limit(3),
            false,
            vec![(Some(3), None), (Some(2), None), (Some(1), Some(2))],
        )
        .await;

        // `SELECT *`: the left table's columns, then the right's, in both halves.
        let star = quarry::Select::new()
            .from(fx.l.clone())
            .full_join(full())
            .on(on())
            .fetch_all(&fx.engine)
            .await
            .unwrap();
        let mut pairs: Vec<StarPick> = star
            .iter()
            .map(|row| {
                assert_eq!(row.len(), 7);
                (
                    row.get(0).unwrap(),
                    row.get(2).unwrap(),
                    row.get(4).unwrap(),
                    row.get(6).unwrap(),
                )
            })
            .collect();
        pairs.sort();
        assert_eq!(
            pairs,
            vec![
                (None, None, Some(3), Some("r3".to_owned())),
                (None, None, Some(4), Some("r4".into())),
                (Some(1), Some("a".into()), Some(1), Some("r1".into())),
                (Some(1), Some("a".into()), Some(2), None),
                (Some(2), Some("b".into()), None, None),
                (Some(3), Some("c".into()), None, None),
                (Some(4), Some("d".into()), Some(5), Some("r5".into())),
            ],
            "{}: select *",
            fx.engine.dialect().name()
        );

        // Aggregating the halves apart would be wrong: refused where emulated.
        let n = select(count_star())
            .from(fx.l.clone())
            .full_join(full())
            .on(on());
        match style {
            FullJoinStyle::EmulatedUnion => {
                let err = n.fetch_one(&fx.engine).await.unwrap_err();
                assert_eq!(err.kind(), ErrorKind::Unsupported, "{err}");
                assert!(err.to_string().contains("UNION ALL"), "{err}");
            }
            _ => assert_eq!(n.fetch_one(&fx.engine).await.unwrap(), 7),
        }

        // … and counted outside a subquery holding the FULL JOIN instead, on every backend.
        let fj = select((l.id.nullable().label("a"), r.id.nullable().label("b")))
            .from(fx.l.clone())
            .full_join(full())
            .on(on())
            .subquery("fj");
        let n = select(count_star()).from(fj);
        assert_eq!(n.fetch_one(&fx.engine).await.unwrap(), 7, "{style:?}");
        // As a compound member: parenthesized where emulated, so INTERSECT applies to it all.
        let both = select(l.id.nullable())
            .from(fx.l.clone())
            .full_join(full())
            .on(on())
            .intersect(
                select(l.id.nullable())
                    .from(fx.l.clone())
                    .filter(l.id.le(2_i64)),
            );
        let mut got = both.fetch_all(&fx.engine).await.unwrap();
        got.sort();
        assert_eq!(got, vec![Some(1), Some(2)], "{style:?}");

        fx.engine.drop_all(&fx.md).await.unwrap();
    }
}
