//! INSERT, UPDATE, DELETE and upsert executed on SQLite, PostgreSQL and MariaDB (those
//! configured): rows affected, RETURNING rows and the table's contents afterwards, per backend.
//! Also constraint violations (typed errors, data unchanged), statements refused before the
//! database, bulk inserts split under the bound-parameter limit (atomic, also inside an outer
//! transaction) and IN lists long enough to travel as one parameter.
//!
//! Every test uses tables of its own (`qdml_<test>_…`), so tests run side by side; each backend
//! is a database of its own, so the same names serve every backend.

mod common;

use quarry::prelude::*;
use quarry::value::{Date, Timestamp};
use quarry::{Assign, Check, Engine, ErrorKind, MetaData, SqlType, Value, ValueType};
use std::fmt::Debug;
use std::time::Instant;

// ---------------------------------------------------------------------------------------------
// helpers

/// The dialect's name: `sqlite`, `postgresql` or `mariadb`.
fn be(engine: &Engine) -> &'static str {
    engine.dialect().name()
}

fn is_mysql_family(engine: &Engine) -> bool {
    matches!(be(engine), "mariadb" | "mysql")
}

fn is_pg(engine: &Engine) -> bool {
    be(engine) == "postgresql"
}

/// Drops then creates the tables of `md`.
async fn fresh(engine: &Engine, md: &MetaData) {
    engine.drop_all(md).await.unwrap();
    engine.create_all(md).await.unwrap();
}

/// Rows affected by an upsert that updates `updated` existing rows and inserts `inserted`
/// new ones: the MySQL family counts 2 per updated row.
fn upsert_count(engine: &Engine, inserted: u64, updated: u64) -> u64 {
    if is_mysql_family(engine) {
        inserted + 2 * updated
    } else {
        inserted + updated
    }
}

/// Rows affected by an insert-or-ignore that inserts `inserted` rows and skips `skipped`.
///
/// PostgreSQL and SQLite count 0 for a skipped row; the MySQL family counts 1, as quarry's
/// connections report rows matched (`CLIENT_FOUND_ROWS`), as documented on
/// `Insert::on_conflict_do_nothing`.
fn do_nothing_count(engine: &Engine, inserted: u64, skipped: u64) -> u64 {
    if is_mysql_family(engine) {
        inserted + skipped
    } else {
        inserted
    }
}

/// Asserts that `r` failed with `kind`, printing the error otherwise.
fn expect_kind<T: Debug>(engine: &Engine, what: &str, r: quarry::Result<T>, kind: ErrorKind) {
    match r {
        Ok(v) => panic!("{}: {what}: expected {kind:?}, got Ok({v:?})", be(engine)),
        Err(e) => assert_eq!(e.kind(), kind, "{}: {what}: {e}", be(engine)),
    }
}

// ---------------------------------------------------------------------------------------------
// 1. INSERT

quarry::table! {
    pub struct Items("qdml_ins_items") {
        id: i64 => primary_key().autoincrement(),
        name: String => sql_type(SqlType::Varchar(50)),
        qty: i32 => server_default(7_i32),
        note: Option<String> => sql_type(SqlType::Varchar(50)),
        kind: String => sql_type(SqlType::Varchar(20)).default("client"),
    }
}

quarry::table! {
    pub struct Archive("qdml_ins_archive") {
        id: i64 => primary_key(),
        name: String => sql_type(SqlType::Varchar(50)),
        qty: Option<i32>,
    }
}

type ItemRow = (i64, String, i32, Option<String>, String);

fn item(id: i64, name: &str, qty: i32, note: Option<&str>, kind: &str) -> ItemRow {
    (id, name.into(), qty, note.map(Into::into), kind.into())
}

async fn items(engine: &Engine) -> Vec<ItemRow> {
    let t = Items::new();
    select((t.id, t.name, t.qty, t.note, t.kind))
        .from(t)
        .order_by(t.id)
        .fetch_all(engine)
        .await
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn insert_rows_defaults_returning_and_select() {
    for engine in common::all_engines().await {
        let b = be(&engine);
        eprintln!("live_dml::insert_rows_defaults_returning_and_select on {b}");
        let md = MetaData::new().with(Items::table()).with(Archive::table());
        fresh(&engine, &md).await;
        let t = Items::new();

        // One row: id (autoincrement), qty (server default), note (nullable) and kind (client
        // default) left out.
        let n = engine
            .execute(insert(t).values(t.name.set("one")))
            .await
            .unwrap();
        assert_eq!(n, 1, "{b}");
        assert_eq!(
            items(&engine).await,
            [item(1, "one", 7, None, "client")],
            "{b}"
        );
        // The same through untyped rows.
        let rows = engine
            .fetch_all(select((t.id, t.qty, t.note, t.kind)).from(t))
            .await
            .unwrap();
        assert_eq!(rows.len(), 1, "{b}");
        assert_eq!(rows[0].get::<i64>("id").unwrap(), 1, "{b}");
        assert_eq!(rows[0].get::<i32>("qty").unwrap(), 7, "{b}");
        assert_eq!(rows[0].get::<Option<String>>("note").unwrap(), None, "{b}");
        assert_eq!(rows[0].get::<String>("kind").unwrap(), "client", "{b}");

        // Many rows in one multi-row VALUES, every column but the id given.
        let q = insert(t).rows((2..=4).map(|i: i32| {
            (
                t.name.set(format!("n{i}")),
                t.qty.set(i * 10),
                t.note.set(format!("note{i}")),
                t.kind.set("explicit"),
            )
        }));
        assert_eq!(q.compile_batches(engine.dialect()).unwrap().len(), 1, "{b}");
        assert_eq!(q.execute(&engine).await.unwrap(), 3, "{b}");

        // DEFAULT in some rows only (SQLite: the compiler writes the declared default), columns
        // left out of some rows, and a client default asked for explicitly.
        let q = insert(t)
            .values((t.name.set("d1"), t.qty.set(DEFAULT), t.note.set("x")))
            .values((t.name.set("d2"), t.qty.set(100), t.note.set(DEFAULT)))
            .values(t.name.set("d3"))
            .values((t.name.set("d4"), t.kind.set(DEFAULT), t.note.set(None)));
        assert_eq!(engine.execute(&q).await.unwrap(), 4, "{b}");
        assert_eq!(
            items(&engine).await,
            [
                item(1, "one", 7, None, "client"),
                item(2, "n2", 20, Some("note2"), "explicit"),
                item(3, "n3", 30, Some("note3"), "explicit"),
                item(4, "n4", 40, Some("note4"), "explicit"),
                item(5, "d1", 7, Some("x"), "client"),
                item(6, "d2", 100, None, "client"),
                item(7, "d3", 7, None, "client"),
                item(8, "d4", 7, None, "client"),
            ],
            "{b}"
        );

        // RETURNING of generated ids and defaults (PostgreSQL, SQLite and MariaDB).
        let got: Vec<(i64, String, i32, String)> = insert(t)
            .rows(["r1", "r2"].map(|n| t.name.set(n)))
            .returning((t.id, t.name, t.qty, t.kind))
            .fetch_all(&engine)
            .await
            .unwrap();
        assert_eq!(
            got,
            [
                (9, "r1".to_string(), 7, "client".to_string()),
                (10, "r2".to_string(), 7, "client".to_string())
            ],
            "{b}"
        );
        let one: i64 = insert(t)
            .values((t.name.set("r3"), t.qty.set(3)))
            .returning(t.id)
            .fetch_one(&engine)
            .await
            .unwrap();
        assert_eq!(one, 11, "{b}");

        // last_insert_id: SQLite and MariaDB report it, PostgreSQL uses RETURNING.
        let r = engine
            .execute_result(insert(t).values(t.name.set("li")))
            .await
            .unwrap();
        assert_eq!(r.rows_affected, 1, "{b}");
        if is_pg(&engine) {
            assert_eq!(r.last_insert_id, None, "{b}");
        } else {
            assert_eq!(r.last_insert_id, Some(12), "{b}");
        }
        // On a multi-row insert the two backends differ: MariaDB's LAST_INSERT_ID() is the
        // FIRST id generated by the statement, SQLite's last_insert_rowid() the LAST.
        let r = engine
            .execute_result(insert(t).rows(["m1", "m2", "m3"].map(|n| t.name.set(n))))
            .await
            .unwrap();
        assert_eq!(r.rows_affected, 3, "{b}");
        match b {
            "postgresql" => assert_eq!(r.last_insert_id, None),
            "sqlite" => assert_eq!(r.last_insert_id, Some(15), "{b}"),
            _ => assert_eq!(r.last_insert_id, Some(13), "{b}"),
        }
        let rows = items(&engine).await;
        assert_eq!(rows.len(), 15, "{b}");
        assert_eq!(rows[11], item(12, "li", 7, None, "client"), "{b}");
        assert_eq!(rows[14], item(15, "m3", 7, None, "client"), "{b}");

        // INSERT … SELECT, every column, then leaving a nullable column out.
        let a = Archive::new();
        let n = insert(a)
            .columns((a.id, a.name, a.qty))
            .from_select(select((t.id, t.name, t.qty)).from(t).filter(t.qty.gt(7)))
            .execute(&engine)
            .await
            .unwrap();
        assert_eq!(n, 4, "{b}"); // n2, n3, n4, d2
        let n = insert(a)
            .columns((a.id, a.name))
            .from_select(
                select((t.id, t.name))
                    .from(t)
                    .filter(t.name.like("d%").and(t.qty.eq(7))),
            )
            .execute(&engine)
            .await
            .unwrap();
        assert_eq!(n, 3, "{b}"); // d1, d3, d4
        let got: Vec<(i64, String, Option<i32>)> = select((a.id, a.name, a.qty))
            .from(a)
            .order_by(a.id)
            .fetch_all(&engine)
            .await
            .unwrap();
        let want: Vec<(i64, String, Option<i32>)> = vec![
            (2, "n2".into(), Some(20)),
            (3, "n3".into(), Some(30)),
            (4, "n4".into(), Some(40)),
            (5, "d1".into(), None),
            (6, "d2".into(), Some(100)),
            (7, "d3".into(), None),
            (8, "d4".into(), None),
        ];
        assert_eq!(got, want, "{b}");
        // An INSERT … SELECT that selects nothing inserts nothing.
        let n = insert(a)
            .columns((a.id, a.name))
            .from_select(select((t.id, t.name)).from(t).filter(t.id.gt(1000)))
            .execute(&engine)
            .await
            .unwrap();
        assert_eq!(n, 0, "{b}");

        // UPDATE … SET col = DEFAULT: a server default (SQLite: the compiler writes the declared
        // default), then a client-side default.
        let n = update(t)
            .set(t.qty, DEFAULT)
            .filter(t.id.eq(2))
            .execute(&engine)
            .await
            .unwrap();
        assert_eq!(n, 1, "{b}");
        assert_eq!(
            items(&engine).await[1],
            item(2, "n2", 7, Some("note2"), "explicit"),
            "{b}"
        );
        // `DEFAULT` in UPDATE SET applies a client-side default, as INSERT does.
        let r = update(t)
            .set(t.kind, DEFAULT)
            .filter(t.id.eq(2))
            .execute(&engine)
            .await;
        assert_eq!(r.unwrap(), 1, "{b}");
        assert_eq!(
            items(&engine).await[1],
            item(2, "n2", 7, Some("note2"), "client"),
            "{b}"
        );

        // RETURNING across an insert split in several statements: every generated id, once.
        let many = 40_000_i64; // 40k rows x 2 values: more than one statement everywhere
        let q = insert(t)
            .rows((0..many).map(|i| t.name.set(format!("bulk{i}"))))
            .returning((t.id, t.name));
        let parts = q.compile_batches(engine.dialect()).unwrap().len();
        assert!(parts > 1, "{b}: {parts} statements");
        let got: Vec<(i64, String)> = q.fetch_all(&engine).await.unwrap();
        assert_eq!(got.len() as i64, many, "{b}");
        let mut ids: Vec<i64> = got.iter().map(|r| r.0).collect();
        ids.sort_unstable();
        assert_eq!(ids, (16..16 + many).collect::<Vec<_>>(), "{b}");
        assert!(
            got.iter().all(|(id, n)| *n == format!("bulk{}", id - 16)),
            "{b}: RETURNING rows pair ids and names"
        );
        let total: i64 = select(count_star())
            .from(t)
            .fetch_one(&engine)
            .await
            .unwrap();
        assert_eq!(total, 15 + many, "{b}");

        engine.drop_all(&md).await.unwrap();
    }
}

// ---------------------------------------------------------------------------------------------
// 2. Upsert

quarry::table! {
    pub struct Counters("qdml_ups_counters") {
        id: i64 => primary_key(),
        name: String => sql_type(SqlType::Varchar(50)),
        hits: i64,
    }
}

quarry::table! {
    /// Two unique keys: the primary key and `email`.
    pub struct Accounts("qdml_ups_accounts") {
        id: i64 => primary_key(),
        email: String => sql_type(SqlType::Varchar(100)).unique(),
        name: String => sql_type(SqlType::Varchar(50)),
    }
}

type CounterRow = (i64, String, i64);

async fn counters(engine: &Engine) -> Vec<CounterRow> {
    let c = Counters::new();
    select((c.id, c.name, c.hits))
        .from(c)
        .order_by(c.id)
        .fetch_all(engine)
        .await
        .unwrap()
}

fn cr(id: i64, name: &str, hits: i64) -> CounterRow {
    (id, name.into(), hits)
}

fn counter(id: i64, name: &str, hits: i64) -> (Assign, Assign, Assign) {
    let c = Counters::new();
    (c.id.set(id), c.name.set(name.to_owned()), c.hits.set(hits))
}

async fn accounts(engine: &Engine) -> Vec<(i64, String, String)> {
    let a = Accounts::new();
    select((a.id, a.email, a.name))
        .from(a)
        .order_by(a.id)
        .fetch_all(engine)
        .await
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn upsert_nothing_update_expression_and_where() {
    for engine in common::all_engines().await {
        let b = be(&engine);
        eprintln!("live_dml::upsert_nothing_update_expression_and_where on {b}");
        let md = MetaData::new()
            .with(Counters::table())
            .with(Accounts::table());
        fresh(&engine, &md).await;
        let c = Counters::new();
        let n = insert(c)
            .values(counter(1, "a", 1))
            .values(counter(2, "b", 1))
            .execute(&engine)
            .await
            .unwrap();
        assert_eq!(n, 2, "{b}");

        // DO NOTHING on the key: the new row lands, the conflicting one is skipped (0 rows).
        let n = insert(c)
            .values(counter(1, "zzz", 99))
            .values(counter(3, "c", 1))
            .on_conflict(c.id)
            .do_nothing()
            .execute(&engine)
            .await
            .unwrap();
        // MariaDB counts a skipped row 1 (see `do_nothing_count`).
        assert_eq!(
            n,
            do_nothing_count(&engine, 1, 1),
            "{b}: do nothing counts the inserted row only"
        );
        assert_eq!(
            counters(&engine).await,
            [cr(1, "a", 1), cr(2, "b", 1), cr(3, "c", 1)],
            "{b}"
        );
        // Without a target: nothing changes, 0 rows.
        let n = insert(c)
            .values(counter(2, "q", 5))
            .on_conflict_do_nothing()
            .execute(&engine)
            .await
            .unwrap();
        // MariaDB counts a skipped row 1 (see `do_nothing_count`).
        assert_eq!(
            n,
            do_nothing_count(&engine, 0, 1),
            "{b}: insert-or-ignore of an existing row"
        );
        assert_eq!(
            counters(&engine).await,
            [cr(1, "a", 1), cr(2, "b", 1), cr(3, "c", 1)],
            "{b}"
        );

        // DO UPDATE from the proposed row.
        let n = insert(c)
            .values(counter(1, "A2", 5))
            .on_conflict(c.id)
            .do_update((c.name, c.hits))
            .execute(&engine)
            .await
            .unwrap();
        assert_eq!(n, upsert_count(&engine, 0, 1), "{b}");
        assert_eq!(counters(&engine).await[0], cr(1, "A2", 5), "{b}");

        // DO UPDATE SET with an expression over the existing and the proposed row; one row
        // conflicts, one is new.
        let n = insert(c)
            .values(counter(2, "ignored", 10))
            .values(counter(4, "d", 4))
            .on_conflict(c.id)
            .do_update_set(c.hits, c.hits + excluded(c.hits))
            .execute(&engine)
            .await
            .unwrap();
        assert_eq!(n, upsert_count(&engine, 1, 1), "{b}");
        assert_eq!(
            counters(&engine).await,
            [cr(1, "A2", 5), cr(2, "b", 11), cr(3, "c", 1), cr(4, "d", 4)],
            "{b}"
        );

        // Upsert with RETURNING (the updated row's new values).
        let got: Vec<(i64, i64)> = insert(c)
            .values(counter(4, "d", 1))
            .on_conflict(c.id)
            .do_update_set(c.hits, c.hits + excluded(c.hits))
            .returning((c.id, c.hits))
            .fetch_all(&engine)
            .await
            .unwrap();
        assert_eq!(got, [(4, 5)], "{b}");

        // DO UPDATE … WHERE: PostgreSQL and SQLite; Unsupported on MariaDB.
        let guarded = |hits: i64| {
            insert(c)
                .values(counter(1, "x", hits))
                .on_conflict(c.id)
                .do_update([c.hits])
                .do_update_where(c.hits.lt(excluded(c.hits)))
        };
        if is_mysql_family(&engine) {
            expect_kind(
                &engine,
                "do_update_where",
                guarded(100).execute(&engine).await,
                ErrorKind::Unsupported,
            );
        } else {
            assert_eq!(guarded(100).execute(&engine).await.unwrap(), 1, "{b}");
            assert_eq!(counters(&engine).await[0], cr(1, "A2", 100), "{b}");
            // The condition is false: nothing is updated.
            assert_eq!(guarded(0).execute(&engine).await.unwrap(), 0, "{b}");
        }
        let want_first = if is_mysql_family(&engine) { 5 } else { 100 };
        assert_eq!(
            counters(&engine).await,
            [
                cr(1, "A2", want_first),
                cr(2, "b", 11),
                cr(3, "c", 1),
                cr(4, "d", 5)
            ],
            "{b}"
        );

        // A conflict target that is not the table's only unique key: fine on PostgreSQL and
        // SQLite, Unsupported on MariaDB (ON DUPLICATE KEY UPDATE fires on any unique key).
        let a = Accounts::new();
        insert(a)
            .values((a.id.set(1), a.email.set("a@x.org"), a.name.set("A")))
            .execute(&engine)
            .await
            .unwrap();
        let by_email = insert(a)
            .values((a.id.set(2), a.email.set("a@x.org"), a.name.set("A2")))
            .on_conflict(a.email)
            .do_update([a.name]);
        let by_email_nothing = insert(a)
            .values((a.id.set(2), a.email.set("a@x.org"), a.name.set("A3")))
            .on_conflict(a.email)
            .do_nothing();
        if is_mysql_family(&engine) {
            expect_kind(
                &engine,
                "target email (not the only key)",
                by_email.execute(&engine).await,
                ErrorKind::Unsupported,
            );
            expect_kind(
                &engine,
                "target email, do nothing",
                by_email_nothing.execute(&engine).await,
                ErrorKind::Unsupported,
            );
            assert_eq!(
                accounts(&engine).await,
                [(1, "a@x.org".to_string(), "A".to_string())],
                "{b}"
            );
        } else {
            assert_eq!(by_email.execute(&engine).await.unwrap(), 1, "{b}");
            assert_eq!(by_email_nothing.execute(&engine).await.unwrap(), 0, "{b}");
            assert_eq!(
                accounts(&engine).await,
                [(1, "a@x.org".to_string(), "A2".to_string())],
                "{b}"
            );
        }
        // Insert-or-ignore without a target works everywhere, whichever key conflicts.
        let n = insert(a)
            .values((
                a.id.set(1),
                a.email.set("other@x.org"),
                a.name.set("dup id"),
            ))
            .values((a.id.set(3), a.email.set("c@x.org"), a.name.set("C")))
            .on_conflict_do_nothing()
            .execute(&engine)
            .await
            .unwrap();
        // MariaDB counts a skipped row 1 (see `do_nothing_count`).
        assert_eq!(n, do_nothing_count(&engine, 1, 1), "{b}");
        let got = accounts(&engine).await;
        assert_eq!(got.len(), 2, "{b}");
        assert_eq!(got[0].1, "a@x.org", "{b}");
        assert_eq!(got[1], (3, "c@x.org".into(), "C".into()), "{b}");

        engine.drop_all(&md).await.unwrap();
    }
}

// ---------------------------------------------------------------------------------------------
// 3. UPDATE and 4. DELETE

quarry::table! {
    pub struct Stock("qdml_upd_stock") {
        id: i64 => primary_key(),
        name: String => sql_type(SqlType::Varchar(50)),
        n: i64,
        price: Option<f64>,
    }
}

quarry::table! {
    pub struct Prices("qdml_upd_prices") {
        stock_id: i64 => primary_key(),
        price: f64,
    }
}

type StockRow = (i64, String, i64, Option<f64>);

async fn stock(engine: &Engine) -> Vec<StockRow> {
    let s = Stock::new();
    select((s.id, s.name, s.n, s.price))
        .from(s)
        .order_by(s.id)
        .fetch_all(engine)
        .await
        .unwrap()
}

fn sr(id: i64, name: &str, n: i64, price: Option<f64>) -> StockRow {
    (id, name.into(), n, price)
}

async fn seed_stock(engine: &Engine, ids: std::ops::RangeInclusive<i64>) {
    let s = Stock::new();
    insert(s)
        .rows(ids.map(|i| {
            (
                s.id.set(i),
                s.name.set(format!("s{i}")),
                s.n.set(i * 10),
                s.price.set(None),
            )
        }))
        .execute(engine)
        .await
        .unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn update_values_expressions_from_and_returning() {
    for engine in common::all_engines().await {
        let b = be(&engine);
        eprintln!("live_dml::update_values_expressions_from_and_returning on {b}");
        let md = MetaData::new().with(Stock::table()).with(Prices::table());
        fresh(&engine, &md).await;
        let (s, p) = (Stock::new(), Prices::new());
        seed_stock(&engine, 1..=5).await;
        insert(p)
            .rows(
                [(2, 2.5), (4, 4.5), (9, 9.5)]
                    .map(|(id, pr)| (p.stock_id.set(id), p.price.set(pr))),
            )
            .execute(&engine)
            .await
            .unwrap();

        // Values, WHERE.
        let q = update(s)
            .set(s.name, "first")
            .set(s.price, Some(1.5))
            .filter(s.id.eq(1));
        assert_eq!(q.execute(&engine).await.unwrap(), 1, "{b}");
        // The same values again: matched rows are counted on every backend.
        assert_eq!(
            q.execute(&engine).await.unwrap(),
            1,
            "{b}: matched, not changed"
        );
        // No row matches.
        let n = update(s)
            .set(s.n, 0)
            .filter(s.id.eq(99))
            .execute(&engine)
            .await
            .unwrap();
        assert_eq!(n, 0, "{b}");
        // An expression over the row.
        let n = update(s)
            .set(s.n, s.n + 1)
            .filter(s.id.ge(3))
            .execute(&engine)
            .await
            .unwrap();
        assert_eq!(n, 3, "{b}");
        // Every row, several SET items at once, one of them back to NULL.
        let n = update(s)
            .values((s.n.set(s.n * 2), s.price.set(None)))
            .filter(s.id.ne(1))
            .execute(&engine)
            .await
            .unwrap();
        assert_eq!(n, 4, "{b}");
        assert_eq!(
            stock(&engine).await,
            [
                sr(1, "first", 10, Some(1.5)),
                sr(2, "s2", 40, None),
                sr(3, "s3", 62, None),
                sr(4, "s4", 82, None),
                sr(5, "s5", 102, None),
            ],
            "{b}"
        );

        // FROM another table (UPDATE … FROM / UPDATE … JOIN on MariaDB).
        let n = update(s)
            .set(s.price, p.price)
            .from(p)
            .filter(p.stock_id.eq(s.id))
            .execute(&engine)
            .await
            .unwrap();
        assert_eq!(n, 2, "{b}");
        let n = update(s)
            .set(s.n, s.n + 1000)
            .from(p)
            .filter(p.stock_id.eq(s.id).and(p.price.gt(3.0)))
            .execute(&engine)
            .await
            .unwrap();
        assert_eq!(n, 1, "{b}");
        assert_eq!(
            stock(&engine).await,
            [
                sr(1, "first", 10, Some(1.5)),
                sr(2, "s2", 40, Some(2.5)),
                sr(3, "s3", 62, None),
                sr(4, "s4", 1082, Some(4.5)),
                sr(5, "s5", 102, None),
            ],
            "{b}"
        );
        let before = stock(&engine).await;

        // RETURNING: PostgreSQL and SQLite; Unsupported on MariaDB (data unchanged).
        let q = update(s)
            .set(s.n, s.n + 100)
            .filter(s.id.le(2))
            .returning((s.id, s.n));
        let q_from = update(s)
            .set(s.name, "priced")
            .from(p)
            .filter(p.stock_id.eq(s.id))
            .returning((s.id, s.name));
        if is_mysql_family(&engine) {
            expect_kind(
                &engine,
                "update returning",
                q.fetch_all(&engine).await,
                ErrorKind::Unsupported,
            );
            expect_kind(
                &engine,
                "update join returning",
                q_from.fetch_all(&engine).await,
                ErrorKind::Unsupported,
            );
            assert_eq!(stock(&engine).await, before, "{b}");
        } else {
            let mut got = q.fetch_all(&engine).await.unwrap();
            got.sort();
            assert_eq!(got, [(1, 110), (2, 140)], "{b}");
            let mut got = q_from.fetch_all(&engine).await.unwrap();
            got.sort();
            assert_eq!(
                got,
                [(2, "priced".to_string()), (4, "priced".to_string())],
                "{b}"
            );
            assert_eq!(
                stock(&engine).await,
                [
                    sr(1, "first", 110, Some(1.5)),
                    sr(2, "priced", 140, Some(2.5)),
                    sr(3, "s3", 62, None),
                    sr(4, "priced", 1082, Some(4.5)),
                    sr(5, "s5", 102, None),
                ],
                "{b}"
            );
        }

        engine.drop_all(&md).await.unwrap();
    }
}

quarry::table! {
    pub struct DelStock("qdml_del_stock") {
        id: i64 => primary_key(),
        name: String => sql_type(SqlType::Varchar(50)),
    }
}

quarry::table! {
    pub struct Bans("qdml_del_bans") {
        stock_id: i64 => primary_key(),
    }
}

async fn del_ids(engine: &Engine) -> Vec<i64> {
    let s = DelStock::new();
    select(s.id)
        .from(s)
        .order_by(s.id)
        .fetch_all(engine)
        .await
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn delete_where_using_and_returning() {
    for engine in common::all_engines().await {
        let b = be(&engine);
        eprintln!("live_dml::delete_where_using_and_returning on {b}");
        let md = MetaData::new().with(DelStock::table()).with(Bans::table());
        fresh(&engine, &md).await;
        let (s, x) = (DelStock::new(), Bans::new());
        insert(s)
            .rows((1..=8).map(|i| (s.id.set(i), s.name.set(format!("s{i}")))))
            .execute(&engine)
            .await
            .unwrap();
        insert(x)
            .rows([2, 3, 99].map(|i| x.stock_id.set(i)))
            .execute(&engine)
            .await
            .unwrap();

        // WHERE.
        let n = delete(s).filter(s.id.eq(1)).execute(&engine).await.unwrap();
        assert_eq!(n, 1, "{b}");
        let n = delete(s)
            .filter(s.id.gt(100))
            .execute(&engine)
            .await
            .unwrap();
        assert_eq!(n, 0, "{b}");
        assert_eq!(del_ids(&engine).await, [2, 3, 4, 5, 6, 7, 8], "{b}");

        // USING another table (MariaDB: multi-table DELETE; SQLite: correlated EXISTS).
        let n = delete(s)
            .using(x)
            .filter(x.stock_id.eq(s.id))
            .execute(&engine)
            .await
            .unwrap();
        assert_eq!(n, 2, "{b}");
        assert_eq!(del_ids(&engine).await, [4, 5, 6, 7, 8], "{b}");
        // The other table is untouched.
        let bans: Vec<i64> = select(x.stock_id)
            .from(x)
            .order_by(x.stock_id)
            .fetch_all(&engine)
            .await
            .unwrap();
        assert_eq!(bans, [2, 3, 99], "{b}");

        // RETURNING on a single-table DELETE: every backend.
        let mut got: Vec<(i64, String)> = delete(s)
            .filter(s.id.in_list([4, 5]))
            .returning((s.id, s.name))
            .fetch_all(&engine)
            .await
            .unwrap();
        got.sort();
        assert_eq!(got, [(4, "s4".to_string()), (5, "s5".to_string())], "{b}");
        assert_eq!(del_ids(&engine).await, [6, 7, 8], "{b}");

        // RETURNING with USING: PostgreSQL and SQLite; Unsupported on MariaDB's multi-table
        // DELETE (data unchanged).
        insert(x)
            .values(x.stock_id.set(7))
            .execute(&engine)
            .await
            .unwrap();
        let q = delete(s)
            .using(x)
            .filter(x.stock_id.eq(s.id))
            .returning((s.id, s.name));
        if is_mysql_family(&engine) {
            expect_kind(
                &engine,
                "multi-table delete returning",
                q.fetch_all(&engine).await,
                ErrorKind::Unsupported,
            );
            assert_eq!(del_ids(&engine).await, [6, 7, 8], "{b}");
        } else {
            let got = q.fetch_all(&engine).await.unwrap();
            assert_eq!(got, [(7, "s7".to_string())], "{b}");
            assert_eq!(del_ids(&engine).await, [6, 8], "{b}");
        }

        // Everything.
        let left = del_ids(&engine).await.len() as u64;
        assert_eq!(delete(s).execute(&engine).await.unwrap(), left, "{b}");
        assert!(del_ids(&engine).await.is_empty(), "{b}");

        engine.drop_all(&md).await.unwrap();
    }
}

quarry::table! {
    pub struct RetItems("qdml_ret_items") {
        id: i64 => primary_key(),
        name: String => sql_type(SqlType::Varchar(50)),
        price: Option<f64>,
    }
}

quarry::table! {
    /// Shares the column names `id` and `price` with `RetItems`.
    pub struct RetPrices("qdml_ret_prices") {
        id: i64 => primary_key(),
        price: f64,
    }
}

/// RETURNING of UPDATE … FROM and DELETE … USING names the target's columns; the other table
/// has columns of the same names, so they must not be ambiguous (PostgreSQL and SQLite; MariaDB
/// has neither form with RETURNING).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn returning_with_a_joined_table_sharing_column_names() {
    for engine in common::all_engines().await {
        let b = be(&engine);
        eprintln!("live_dml::returning_with_a_joined_table_sharing_column_names on {b}");
        let md = MetaData::new()
            .with(RetItems::table())
            .with(RetPrices::table());
        fresh(&engine, &md).await;
        let (t, p) = (RetItems::new(), RetPrices::new());
        insert(t)
            .rows((1..=4).map(|i| (t.id.set(i), t.name.set(format!("i{i}")), t.price.set(None))))
            .execute(&engine)
            .await
            .unwrap();
        insert(p)
            .rows([(2, 2.5), (3, 3.5)].map(|(id, pr)| (p.id.set(id), p.price.set(pr))))
            .execute(&engine)
            .await
            .unwrap();
        let upd = update(t)
            .set(t.price, p.price)
            .from(p)
            .filter(p.id.eq(t.id))
            .returning((t.id, t.price));
        let del = delete(t)
            .using(p)
            .filter(p.id.eq(t.id))
            .returning((t.id, t.name, t.price));
        if is_mysql_family(&engine) {
            expect_kind(
                &engine,
                "update from returning",
                upd.fetch_all(&engine).await,
                ErrorKind::Unsupported,
            );
            expect_kind(
                &engine,
                "delete using returning",
                del.fetch_all(&engine).await,
                ErrorKind::Unsupported,
            );
        } else {
            {
                let mut got = upd.fetch_all(&engine).await.unwrap();
                got.sort_by_key(|r| r.0);
                assert_eq!(got, [(2, Some(2.5)), (3, Some(3.5))], "{b}");
                let mut got = del.fetch_all(&engine).await.unwrap();
                got.sort_by_key(|r| r.0);
                assert_eq!(
                    got,
                    [
                        (2, "i2".to_string(), Some(2.5)),
                        (3, "i3".to_string(), Some(3.5))
                    ],
                    "{b}"
                );
                let left: Vec<i64> = select(t.id)
                    .from(t)
                    .order_by(t.id)
                    .fetch_all(&engine)
                    .await
                    .unwrap();
                assert_eq!(left, [1, 4], "{b}");
            }
        }
        engine.drop_all(&md).await.unwrap();
    }
}

// ---------------------------------------------------------------------------------------------
// 5. Constraint violations and 6. statements refused before the database

quarry::table! {
    pub struct Parents("qdml_cv_parents") {
        id: i64 => primary_key(),
        code: String => sql_type(SqlType::Varchar(20)).unique(),
    }
}

quarry::table! {
    pub struct Children("qdml_cv_children") {
        id: i64 => primary_key(),
        parent_id: i64 => references("qdml_cv_parents", "id"),
        qty: i32,
    }
    with {
        check(Check::new("qty >= 0").named("qdml_cv_children_qty")),
    }
}

type Snapshot = (Vec<(i64, String)>, Vec<(i64, i64, i32)>);

async fn cv_snapshot(engine: &Engine) -> Snapshot {
    let (p, c) = (Parents::new(), Children::new());
    let parents = select((p.id, p.code))
        .from(p)
        .order_by(p.id)
        .fetch_all(engine)
        .await
        .unwrap();
    let children = select((c.id, c.parent_id, c.qty))
        .from(c)
        .order_by(c.id)
        .fetch_all(engine)
        .await
        .unwrap();
    (parents, children)
}

fn child(id: i64, parent: i64, qty: i32) -> (Assign, Assign, Assign) {
    let c = Children::new();
    (c.id.set(id), c.parent_id.set(parent), c.qty.set(qty))
}

/// Asserts the error kind, its predicate, that the native code is kept, and that the data is
/// unchanged.
async fn violation<T: Debug>(
    engine: &Engine,
    what: &str,
    r: quarry::Result<T>,
    kind: ErrorKind,
    before: &Snapshot,
) {
    let b = be(engine);
    let e = match r {
        Ok(v) => panic!("{b}: {what}: expected {kind:?}, got Ok({v:?})"),
        Err(e) => e,
    };
    assert_eq!(e.kind(), kind, "{b}: {what}: {e}");
    let predicate = match kind {
        ErrorKind::UniqueViolation => e.is_unique_violation(),
        ErrorKind::ForeignKeyViolation => e.is_foreign_key_violation(),
        ErrorKind::NotNullViolation => e.is_not_null_violation(),
        ErrorKind::CheckViolation => e.is_check_violation(),
        _ => unreachable!(),
    };
    assert!(predicate, "{b}: {what}: predicate");
    assert!(
        e.code().is_some_and(|c| !c.is_empty()),
        "{b}: {what}: native code kept: {e}"
    );
    assert!(e.sql().is_some(), "{b}: {what}: SQL kept: {e}");
    assert_eq!(
        &cv_snapshot(engine).await,
        before,
        "{b}: {what}: data unchanged"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn constraint_violations_are_typed_and_change_nothing() {
    for engine in common::all_engines().await {
        let b = be(&engine);
        eprintln!("live_dml::constraint_violations_are_typed_and_change_nothing on {b}");
        let md = MetaData::new()
            .with(Parents::table())
            .with(Children::table());
        fresh(&engine, &md).await;
        let (p, c) = (Parents::new(), Children::new());
        insert(p)
            .values((p.id.set(1), p.code.set("a")))
            .values((p.id.set(2), p.code.set("b")))
            .execute(&engine)
            .await
            .unwrap();
        insert(c)
            .values(child(10, 1, 5))
            .execute(&engine)
            .await
            .unwrap();
        let before = cv_snapshot(&engine).await;
        assert_eq!(
            before,
            (
                vec![(1, "a".to_string()), (2, "b".to_string())],
                vec![(10, 1, 5)]
            ),
            "{b}"
        );
        use ErrorKind::*;

        // UNIQUE and PRIMARY KEY.
        let r = insert(p)
            .values((p.id.set(3), p.code.set("a")))
            .execute(&engine)
            .await;
        violation(&engine, "unique column", r, UniqueViolation, &before).await;
        let r = insert(p)
            .values((p.id.set(1), p.code.set("z")))
            .execute(&engine)
            .await;
        violation(&engine, "primary key", r, UniqueViolation, &before).await;
        let r = update(p)
            .set(p.code, "b")
            .filter(p.id.eq(1))
            .execute(&engine)
            .await;
        violation(&engine, "unique by update", r, UniqueViolation, &before).await;

        // FOREIGN KEY: a dangling reference, and deleting a referenced row.
        let r = insert(c).values(child(11, 999, 1)).execute(&engine).await;
        violation(&engine, "fk insert", r, ForeignKeyViolation, &before).await;
        let r = update(c)
            .set(c.parent_id, 999)
            .filter(c.id.eq(10))
            .execute(&engine)
            .await;
        violation(&engine, "fk update", r, ForeignKeyViolation, &before).await;
        let r = delete(p).filter(p.id.eq(1)).execute(&engine).await;
        violation(&engine, "fk delete parent", r, ForeignKeyViolation, &before).await;

        // NOT NULL: an explicit NULL (a typed i32 column takes no NULL, so dynamically).
        let r = insert(c)
            .values((
                c.id.set(12),
                c.parent_id.set(1),
                Assign::new("qty", Value::Null(ValueType::I32)),
            ))
            .execute(&engine)
            .await;
        violation(&engine, "not null insert", r, NotNullViolation, &before).await;
        let r = update(c)
            .set("qty", Value::Null(ValueType::I32))
            .filter(c.id.eq(10))
            .execute(&engine)
            .await;
        violation(&engine, "not null update", r, NotNullViolation, &before).await;

        // CHECK.
        let r = insert(c).values(child(13, 1, -1)).execute(&engine).await;
        violation(&engine, "check insert", r, CheckViolation, &before).await;
        let r = update(c)
            .set(c.qty, c.qty - 100)
            .filter(c.id.eq(10))
            .execute(&engine)
            .await;
        violation(&engine, "check update", r, CheckViolation, &before).await;

        // A multi-row insert where one row violates leaves nothing.
        let r = insert(p)
            .values((p.id.set(3), p.code.set("c")))
            .values((p.id.set(4), p.code.set("a")))
            .values((p.id.set(5), p.code.set("e")))
            .execute(&engine)
            .await;
        violation(&engine, "multi-row unique", r, UniqueViolation, &before).await;
        let r = insert(c)
            .values(child(20, 1, 1))
            .values(child(21, 2, 1))
            .values(child(22, 777, 1))
            .execute(&engine)
            .await;
        violation(&engine, "multi-row fk", r, ForeignKeyViolation, &before).await;
        let r = insert(c)
            .values(child(20, 1, 1))
            .values(child(21, 2, -3))
            .execute(&engine)
            .await;
        violation(&engine, "multi-row check", r, CheckViolation, &before).await;
        // A multi-row UPDATE where one row violates changes none.
        insert(c)
            .values(child(11, 2, 0))
            .execute(&engine)
            .await
            .unwrap();
        let before = cv_snapshot(&engine).await;
        let r = update(c).set(c.qty, c.qty - 1).execute(&engine).await;
        violation(
            &engine,
            "multi-row update check",
            r,
            CheckViolation,
            &before,
        )
        .await;

        // The engine still works after all these errors.
        let n = insert(p)
            .values((p.id.set(3), p.code.set("c")))
            .execute(&engine)
            .await
            .unwrap();
        assert_eq!(n, 1, "{b}");

        engine.drop_all(&md).await.unwrap();
    }
}

quarry::table! {
    /// Declared but never created: a statement refused before the database cannot fail on
    /// the missing table.
    pub struct NeverCreated("qdml_never_created") {
        id: i64 => primary_key(),
        required: String,
        note: Option<String>,
        with_default: i32 => server_default(1_i32),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn not_null_column_left_out_is_invalid_statement_before_the_database() {
    for engine in common::all_engines().await {
        let b = be(&engine);
        eprintln!(
            "live_dml::not_null_column_left_out_is_invalid_statement_before_the_database on {b}"
        );
        let t = NeverCreated::new();
        let cases = [
            ("left out", insert(t).values((t.id.set(1), t.note.set("x")))),
            (
                "DEFAULT",
                insert(t).values((t.id.set(1), t.required.set(DEFAULT))),
            ),
            (
                "left out in one row of several",
                insert(t)
                    .values((t.id.set(1), t.required.set("r")))
                    .values((t.id.set(2), t.with_default.set(3))),
            ),
            (
                "INSERT … SELECT",
                insert(t)
                    .columns((t.id, t.note))
                    .from_select(select((t.id, t.note)).from(t)),
            ),
        ];
        for (what, q) in cases {
            let e = q.compile(engine.dialect()).unwrap_err();
            assert_eq!(e.kind(), ErrorKind::InvalidStatement, "{b}: {what}: {e}");
            assert!(
                e.to_string().contains("NOT NULL column required"),
                "{b}: {what}: {e}"
            );
            expect_kind(
                &engine,
                what,
                engine.execute(&q).await,
                ErrorKind::InvalidStatement,
            );
            expect_kind(
                &engine,
                what,
                q.execute(&engine).await,
                ErrorKind::InvalidStatement,
            );
        }
        // A column absent from the table's metadata is refused too.
        let e = insert(t)
            .values((t.id.set(1), t.required.set("r"), Assign::new("nope", 1_i64)))
            .execute(&engine)
            .await
            .unwrap_err();
        assert_eq!(e.kind(), ErrorKind::InvalidStatement, "{b}: {e}");
        assert!(
            !engine.has_table(None, NeverCreated::NAME).await.unwrap(),
            "{b}"
        );
    }
}

// ---------------------------------------------------------------------------------------------
// 7. Bulk inserts

const BULK_ROWS: i64 = 100_000;

type BulkRow = (i64, String, Option<String>, bool, f64, Timestamp, Date, i32);

fn bulk_row(i: i64) -> BulkRow {
    (
        i,
        format!("name-{i:06}"),
        (i % 3 != 0).then(|| format!("n{i}")),
        i % 2 == 0,
        i as f64 * 0.25,
        Timestamp::from_micros_since_epoch(1_600_000_000_000_000 + i * 1_000_000).unwrap(),
        Date::from_days_since_epoch(18_000 + i % 1000).unwrap(),
        (i % 1000) as i32 - 500,
    )
}

/// Declares a bulk table (eight columns of mixed types) with a row builder and readers.
macro_rules! bulk_table {
    ($name:ident, $sql:literal) => {
        quarry::table! {
            pub struct $name($sql) {
                id: i64 => primary_key(),
                name: String => sql_type(SqlType::Varchar(40)),
                note: Option<String> => sql_type(SqlType::Varchar(40)),
                flag: bool,
                score: f64,
                at: Timestamp,
                day: Date,
                qty: i32,
            }
        }

        #[allow(dead_code)]
        impl $name {
            /// Row `i` of the load, stored under primary key `id`.
            fn row(self, id: i64, i: i64) -> [Assign; 8] {
                let r = bulk_row(i);
                [
                    self.id.set(id),
                    self.name.set(r.1),
                    self.note.set(r.2),
                    self.flag.set(r.3),
                    self.score.set(r.4),
                    self.at.set(r.5),
                    self.day.set(r.6),
                    self.qty.set(r.7),
                ]
            }

            /// An INSERT of rows 1..=n; row `bad` (if any) reuses primary key 5.
            fn load(self, n: i64, bad: Option<i64>) -> quarry::Insert {
                insert(self)
                    .rows((1..=n).map(move |i| self.row(if Some(i) == bad { 5 } else { i }, i)))
            }

            async fn count(self, engine: &Engine) -> i64 {
                select(count_star())
                    .from(self)
                    .fetch_one(engine)
                    .await
                    .unwrap()
            }

            async fn count_in(self, conn: &mut quarry::Connection) -> i64 {
                select(count_star())
                    .from(self)
                    .fetch_all(conn)
                    .await
                    .unwrap()[0]
            }

            async fn rows_with_ids(self, engine: &Engine, ids: &[i64]) -> Vec<BulkRow> {
                let t = self;
                select((t.id, t.name, t.note, t.flag, t.score, t.at, t.day, t.qty))
                    .from(t)
                    .filter(t.id.in_list(ids.iter().copied()))
                    .order_by(t.id)
                    .fetch_all(engine)
                    .await
                    .unwrap()
            }
        }
    };
}

bulk_table!(BulkOk, "qdml_bulk_ok");
bulk_table!(BulkFail, "qdml_bulk_fail");
bulk_table!(BulkTx, "qdml_bulk_tx");

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bulk_insert_100k_rows_lands_completely() {
    for engine in common::all_engines().await {
        let b = be(&engine);
        eprintln!("live_dml::bulk_insert_100k_rows_lands_completely on {b}");
        let md = MetaData::new().with(BulkOk::table());
        let t = BulkOk::new();
        let n = BULK_ROWS;
        // Plain: the executor's bulk path where the backend has one (COPY on PostgreSQL), else
        // split INSERTs. With RETURNING: split multi-row INSERTs on every backend.
        for returning in [false, true] {
            fresh(&engine, &md).await;
            let started = Instant::now();
            let q = t.load(n, None);
            let built = started.elapsed();
            let parts = q.compile_batches(engine.dialect()).unwrap().len();
            assert!(parts > 1, "{b}: {parts}");
            let started = Instant::now();
            let affected = if returning {
                let ids = q.returning(t.id).fetch_all(&engine).await.unwrap();
                let mut sorted = ids.clone();
                sorted.sort_unstable();
                assert_eq!(
                    sorted,
                    (1..=n).collect::<Vec<_>>(),
                    "{b}: RETURNING every id"
                );
                ids.len() as u64
            } else {
                engine.execute(q).await.unwrap()
            };
            let took = started.elapsed();
            eprintln!(
            "TIMING {b}: bulk insert {n} rows x 8 columns (RETURNING: {returning}): {took:?} (rows built in {built:?}; {parts} statements when split)"
        );
            assert_eq!(affected, n as u64, "{b}");

            // Count and aggregates over every column.
            assert_eq!(t.count(&engine).await, n, "{b}");
            let (ids, names, notes, score, qty): (
                Option<i64>,
                Option<i64>,
                i64,
                Option<f64>,
                Option<i64>,
            ) = select((
                sum(t.id),
                sum(length(t.name)),
                count(t.note),
                sum(t.score),
                sum(t.qty),
            ))
            .from(t)
            .fetch_one(&engine)
            .await
            .unwrap();
            let rows: Vec<BulkRow> = (1..=n).map(bulk_row).collect();
            assert_eq!(ids, Some(n * (n + 1) / 2), "{b}: sum(id)");
            assert_eq!(names, Some(11 * n), "{b}: sum(length(name))");
            assert_eq!(
                notes,
                rows.iter().filter(|r| r.2.is_some()).count() as i64,
                "{b}: count(note)"
            );
            assert_eq!(
                score,
                Some(rows.iter().map(|r| r.4).sum::<f64>()),
                "{b}: sum(score)"
            );
            assert_eq!(
                qty,
                Some(rows.iter().map(|r| r.7 as i64).sum::<i64>()),
                "{b}: sum(qty)"
            );
            let flags: i64 = select(count_star())
                .from(t)
                .filter(t.flag)
                .fetch_one(&engine)
                .await
                .unwrap();
            assert_eq!(flags, n / 2, "{b}: count(flag)");
            let nulls: i64 = select(count_star())
                .from(t)
                .filter(t.note.is_null())
                .fetch_one(&engine)
                .await
                .unwrap();
            assert_eq!(nulls, n / 3, "{b}: note IS NULL");
            let (min_at, max_at, min_day, max_day): (
                Option<Timestamp>,
                Option<Timestamp>,
                Option<Date>,
                Option<Date>,
            ) = select((min(t.at), max(t.at), min(t.day), max(t.day)))
                .from(t)
                .fetch_one(&engine)
                .await
                .unwrap();
            assert_eq!(min_at, Some(rows[0].5), "{b}: min(at)");
            assert_eq!(max_at, Some(rows[n as usize - 1].5), "{b}: max(at)");
            assert_eq!(
                min_day,
                Some(Date::from_days_since_epoch(18_000).unwrap()),
                "{b}"
            );
            assert_eq!(
                max_day,
                Some(Date::from_days_since_epoch(18_999).unwrap()),
                "{b}"
            );

            // Spot checks, every column.
            let spots = [1, 2, 3, 4095, 4096, 8191, 8192, 50_000, 99_999, n];
            let got = t.rows_with_ids(&engine, &spots).await;
            let want: Vec<BulkRow> = spots.iter().map(|&i| bulk_row(i)).collect();
            assert_eq!(got, want, "{b}");
        }

        engine.drop_all(&md).await.unwrap();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bulk_insert_with_a_violation_near_the_end_leaves_nothing() {
    for engine in common::all_engines().await {
        let b = be(&engine);
        eprintln!("live_dml::bulk_insert_with_a_violation_near_the_end_leaves_nothing on {b}");
        let md = MetaData::new().with(BulkFail::table());
        fresh(&engine, &md).await;
        let t = BulkFail::new();
        let n = BULK_ROWS;
        let q = t.load(n, Some(n - 10));
        let parts = q.compile_batches(engine.dialect()).unwrap().len();
        assert!(
            parts > 1,
            "{b}: the load must be split to prove atomicity ({parts})"
        );
        if b == "sqlite" {
            // 800k values under SQLite's 32766 limit.
            assert!(parts >= 25, "{b}: {parts}");
        }

        // By reference, then by value: split statements in one transaction, or the backend's
        // bulk path (COPY on PostgreSQL, either way).
        for by_value in [false, true] {
            let started = Instant::now();
            let r = if by_value {
                engine.execute(q.clone()).await
            } else {
                engine.execute(&q).await
            };
            eprintln!(
                "TIMING {b}: failing bulk insert (by value: {by_value}; {parts} statements when split): {:?}",
                started.elapsed()
            );
            let e = r.unwrap_err();
            assert!(e.is_unique_violation(), "{b}: {e}");
            assert_eq!(
                t.count(&engine).await,
                0,
                "{b}: a failed bulk insert leaves nothing (by value: {by_value})"
            );
        }

        // With RETURNING: split statements on every backend (never COPY).
        let started = Instant::now();
        let e = q
            .clone()
            .returning(t.id)
            .fetch_all(&engine)
            .await
            .unwrap_err();
        eprintln!(
            "TIMING {b}: failing bulk insert with RETURNING ({parts} statements): {:?}",
            started.elapsed()
        );
        assert!(e.is_unique_violation(), "{b}: {e}");
        assert_eq!(
            t.count(&engine).await,
            0,
            "{b}: split RETURNING insert is atomic"
        );

        // Every pooled connection is usable and outside a transaction afterwards.
        for i in 0..4 {
            let mut conn = engine.acquire().await.unwrap();
            assert!(!common::in_transaction(&mut conn).await, "{b}: conn {i}");
        }
        assert_eq!(
            insert(t)
                .values(t.row(1, 1))
                .execute(&engine)
                .await
                .unwrap(),
            1,
            "{b}"
        );
        assert_eq!(t.count(&engine).await, 1, "{b}");

        engine.drop_all(&md).await.unwrap();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bulk_insert_inside_an_outer_transaction() {
    for engine in common::all_engines().await {
        let b = be(&engine);
        eprintln!("live_dml::bulk_insert_inside_an_outer_transaction on {b}");
        let md = MetaData::new().with(BulkTx::table());
        fresh(&engine, &md).await;
        let t = BulkTx::new();
        let n = BULK_ROWS;

        // A complete load inside a transaction, rolled back: nothing remains. By reference
        // (split statements, a savepoint inside the transaction) then by value (COPY on
        // PostgreSQL).
        for by_value in [false, true] {
            let mut tx = engine.begin().await.unwrap();
            let started = Instant::now();
            let affected = if by_value {
                tx.execute(t.load(n, None)).await.unwrap()
            } else {
                t.load(n, None).execute(&mut tx).await.unwrap()
            };
            eprintln!(
                "TIMING {b}: bulk insert in a transaction (by value: {by_value}): {:?}",
                started.elapsed()
            );
            assert_eq!(affected, n as u64, "{b}");
            assert_eq!(t.count_in(&mut tx).await, n, "{b}: visible inside");
            tx.rollback().await.unwrap();
            assert_eq!(
                t.count(&engine).await,
                0,
                "{b}: rolled back (by value: {by_value})"
            );
        }

        // A failing load inside a transaction, under the caller's own savepoint (the portable
        // way to go on after an error, since PostgreSQL aborts a transaction on any failed
        // statement): an error, none of its rows, and the transaction goes on.
        let mut tx = engine.begin().await.unwrap();
        t.load(1, None).execute(&mut tx).await.unwrap();
        for by_value in [false, true] {
            let mut sp = tx.begin().await.unwrap();
            let r = if by_value {
                sp.execute(t.load(n, Some(n - 10))).await
            } else {
                t.load(n, Some(n - 10)).execute(&mut sp).await
            };
            let e = r.unwrap_err();
            assert!(e.is_unique_violation(), "{b}: {e}");
            sp.rollback().await.unwrap();
            assert_eq!(
                t.count_in(&mut tx).await,
                1,
                "{b}: only the row before (by value: {by_value})"
            );
        }
        // A split INSERT (RETURNING: never COPY) runs its parts under a savepoint of its own:
        // when it fails, none of its parts remain and the transaction goes on, on every
        // backend (PostgreSQL included).
        let e = t
            .load(n, Some(n - 10))
            .returning(t.id)
            .fetch_all(&mut tx)
            .await
            .unwrap_err();
        assert!(e.is_unique_violation(), "{b}: {e}");
        assert_eq!(
            t.count_in(&mut tx).await,
            1,
            "{b}: the transaction goes on after a failed split insert"
        );
        insert(t)
            .values(t.row(2, 2))
            .execute(&mut tx)
            .await
            .unwrap();
        tx.commit().await.unwrap();
        let ids: Vec<i64> = select(t.id)
            .from(t)
            .order_by(t.id)
            .fetch_all(&engine)
            .await
            .unwrap();
        assert_eq!(ids, [1, 2], "{b}");

        // A failing plain bulk load straight inside a transaction, then rolled back: nothing
        // of it remains, and the transaction goes on after the failure on every backend (on
        // PostgreSQL the COPY runs under a savepoint of its own, as split INSERTs do).
        let mut tx = engine.begin().await.unwrap();
        let e = tx.execute(t.load(n, Some(n - 10))).await.unwrap_err();
        assert!(e.is_unique_violation(), "{b}: {e}");
        let after = select(count_star()).from(t).fetch_all(&mut tx).await;
        assert_eq!(after.unwrap(), [2], "{b}: the transaction goes on");
        tx.rollback().await.unwrap();
        assert_eq!(t.count(&engine).await, 2, "{b}");

        engine.drop_all(&md).await.unwrap();
    }
}

// ---------------------------------------------------------------------------------------------
// 8. Large IN lists

quarry::table! {
    pub struct InTable("qdml_in_rows") {
        id: i64 => primary_key(),
        code: String => sql_type(SqlType::Varchar(40)),
        grp: i32,
    }
}

const IN_ROWS: i64 = 120_000;

/// Codes, a few with characters JSON must escape.
fn code(i: i64) -> String {
    match i {
        60_001 => "he said \"hi\"".into(),
        60_002 => "back\\slash".into(),
        60_003 => "zoë ✓ 'quoted'".into(),
        60_004 => "tab\there\nnewline".into(),
        _ => format!("c{i}"),
    }
}

fn grp(i: i64) -> i32 {
    (i % 5000) as i32
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn large_in_lists_integer_and_text() {
    for engine in common::all_engines().await {
        let b = be(&engine);
        eprintln!("live_dml::large_in_lists_integer_and_text on {b}");
        let md = MetaData::new().with(InTable::table());
        fresh(&engine, &md).await;
        let t = InTable::new();
        let n = insert(t)
            .rows((1..=IN_ROWS).map(|i| (t.id.set(i), t.code.set(code(i)), t.grp.set(grp(i)))))
            .execute(&engine)
            .await
            .unwrap();
        assert_eq!(n, IN_ROWS as u64, "{b}");

        let eng = &engine;
        let count = |cond: TypedExpr<bool>| async move {
            let q = select(count_star()).from(t).filter(cond);
            let c = q.compile(eng.dialect()).unwrap();
            let started = Instant::now();
            let got: i64 = q
                .fetch_one(eng)
                .await
                .unwrap_or_else(|e| panic!("{}: {e}\n{}", be(eng), &c.sql[..c.sql.len().min(300)]));
            (got, c.params.len(), started.elapsed())
        };

        // 100k integers, half of them present: 50_001..=150_000 hits 50_001..=120_000.
        let ids: Vec<i64> = (50_001..=150_000).collect();
        let (got, params, took) = count(t.id.in_list(ids.clone())).await;
        eprintln!("TIMING {b}: id IN (100k values): {took:?}");
        assert_eq!(params, 1, "{b}: one parameter");
        assert_eq!(got, 70_000, "{b}: IN integers");
        let (got, params, took) = count(t.id.not_in_list(ids.clone())).await;
        eprintln!("TIMING {b}: id NOT IN (100k values): {took:?}");
        assert_eq!(params, 1, "{b}");
        assert_eq!(got, 50_000, "{b}: NOT IN integers");
        // The sum proves which rows matched, not only how many.
        let s: Option<i64> = select(sum(t.id))
            .from(t)
            .filter(t.id.in_list(ids.clone()))
            .fetch_one(&engine)
            .await
            .unwrap();
        assert_eq!(s, Some((50_001..=120_000).sum::<i64>()), "{b}");

        // 100k texts, including quotes, backslashes, non-ASCII and control characters.
        //
        // (On MariaDB the JSON_TABLE column is a VARCHAR sized to the longest value: a LONGTEXT
        // one cannot be materialized and made this quadratic, 565 s over 120k rows.)
        {
            let codes: Vec<String> = (50_001..=150_000).map(code).collect();
            let (got, params, took) = count(t.code.in_list(codes.clone())).await;
            eprintln!("TIMING {b}: code IN (100k values): {took:?}");
            assert_eq!(params, 1, "{b}");
            assert_eq!(got, 70_000, "{b}: IN texts");
            let (got, _, took) = count(t.code.not_in_list(codes.clone())).await;
            eprintln!("TIMING {b}: code NOT IN (100k values): {took:?}");
            assert_eq!(got, 50_000, "{b}: NOT IN texts");
        }
        // The special codes match themselves exactly.
        let special: Vec<String> = (60_001..=60_004)
            .map(code)
            .chain((0..1000).map(|i| format!("absent{i}")))
            .collect();
        let started = Instant::now();
        let got: Vec<i64> = select(t.id)
            .from(t)
            .filter(t.code.in_list(special))
            .order_by(t.id)
            .fetch_all(&engine)
            .await
            .unwrap();
        eprintln!(
            "TIMING {b}: code IN (1004 values, escaped texts): {:?}",
            started.elapsed()
        );
        assert_eq!(got, [60_001, 60_002, 60_003, 60_004], "{b}: escaped texts");

        // An i32 column against 1500 i32 values.
        let groups: Vec<i32> = (0..1500).collect();
        let want = (1..=IN_ROWS).filter(|&i| grp(i) < 1500).count() as i64;
        let (got, params, _) = count(t.grp.in_list(groups.clone())).await;
        assert_eq!(params, 1, "{b}");
        assert_eq!(got, want, "{b}: IN i32");
        let (got, _, _) = count(t.grp.not_in_list(groups)).await;
        assert_eq!(got, IN_ROWS - want, "{b}: NOT IN i32");

        // A NULL in the list: IN still finds the others, NOT IN finds nothing (SQL's rule).
        let with_null: Vec<Expr> = (1..=2000_i64)
            .map(|i| Expr::Value(Value::I64(i)))
            .chain([Expr::Value(Value::Null(ValueType::I64))])
            .collect();
        let (got, _, _) = count(t.id.in_list(with_null.clone())).await;
        assert_eq!(got, 2000, "{b}: IN with NULL");
        let (got, _, _) = count(t.id.not_in_list(with_null)).await;
        assert_eq!(got, 0, "{b}: NOT IN with NULL");

        // Just over and just under the threshold agree.
        for len in [
            quarry::dialect::LARGE_IN_LIST,
            quarry::dialect::LARGE_IN_LIST + 1,
        ] {
            let list: Vec<i64> = (1..=len as i64).map(|i| i * 3).collect();
            let want = list.iter().filter(|&&i| i <= IN_ROWS).count() as i64;
            let (got, params, _) = count(t.id.in_list(list)).await;
            assert_eq!(got, want, "{b}: {len} values");
            let one = len > quarry::dialect::LARGE_IN_LIST;
            assert_eq!(params == 1, one, "{b}: {len} values, {params} params");
        }

        engine.drop_all(&md).await.unwrap();
    }
}

quarry::table! {
    pub struct SkipTarget("qdml_skip_target") {
        id: i64 => primary_key(),
        name: String => sql_type(SqlType::Varchar(20)),
    }
}

quarry::table! {
    pub struct SkipSource("qdml_skip_source") {
        id: i64 => primary_key(),
        name: String => sql_type(SqlType::Varchar(20)),
    }
}

/// Found by the statement generator: an insert-or-skip from a SELECT wrote the MySQL family's
/// no-op update as `id = id`, ambiguous with the source table's `id` (MariaDB error 1052).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn regression_insert_select_or_skip_names_the_target_column() {
    for engine in common::all_engines().await {
        let b = be(&engine);
        let md = MetaData::new()
            .with(SkipTarget::table())
            .with(SkipSource::table());
        fresh(&engine, &md).await;
        let (t, s) = (SkipTarget::new(), SkipSource::new());
        engine
            .execute(insert(t).values((t.id.set(1), t.name.set("kept"))))
            .await
            .unwrap();
        for (id, name) in [(1_i64, "dup"), (2, "new")] {
            engine
                .execute(insert(s).values((s.id.set(id), s.name.set(name))))
                .await
                .unwrap();
        }
        engine
            .execute(
                insert(t)
                    .columns((t.id, t.name))
                    .from_select(select((s.id, s.name)).from(s))
                    .on_conflict_do_nothing(),
            )
            .await
            .unwrap_or_else(|e| panic!("{b}: {e}"));
        let rows: Vec<(i64, String)> = select((t.id, t.name))
            .from(t)
            .order_by(t.id)
            .fetch_all(&engine)
            .await
            .unwrap();
        assert_eq!(rows, [(1, "kept".to_owned()), (2, "new".to_owned())], "{b}");
        engine.drop_all(&md).await.unwrap();
    }
}
