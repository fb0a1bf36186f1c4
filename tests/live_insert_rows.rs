//! `insert_rows`: rows bound by reference, on SQLite, PostgreSQL and MariaDB (those
//! configured). Values of every common type land as given (client defaults filled in, server
//! defaults applied); a load larger than one statement lands whole in one transaction, and one
//! that fails partway, or whose iterator misreports its length, leaves nothing — also inside
//! an outer transaction, which stays usable.
//!
//! Every test uses tables of its own (`qrows_<test>`), so tests run side by side.

mod common;

use quarry::prelude::*;
use quarry::value::Timestamp;
use quarry::{Engine, ErrorKind, MetaData, SqlType};

fn be(engine: &Engine) -> &'static str {
    engine.dialect().name()
}

async fn fresh(engine: &Engine, md: &MetaData) {
    engine.drop_all(md).await.unwrap();
    engine.create_all(md).await.unwrap();
}

quarry::table! {
    pub struct Typed("qrows_typed") {
        id: i64 => primary_key(),
        name: String => sql_type(SqlType::Varchar(100)),
        note: Option<String> => sql_type(SqlType::Varchar(100)),
        active: bool,
        score: f64,
        small: i32,
        data: Option<Vec<u8>>,
        at: Timestamp,
        kind: String => sql_type(SqlType::Varchar(20)).default("client"),
        qty: i32 => server_default(7_i32),
    }
}

/// The test's own data, as an application would hold it.
struct Person {
    id: i64,
    name: String,
    note: Option<String>,
    active: bool,
    score: f64,
    small: i32,
    data: Option<Vec<u8>>,
    at: Timestamp,
}

type TypedRow = (
    i64,
    String,
    Option<String>,
    bool,
    f64,
    i32,
    Option<Vec<u8>>,
    Timestamp,
    String,
    i32,
);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rows_by_reference_land_as_given_with_defaults() {
    for engine in common::all_engines().await {
        let b = be(&engine);
        eprintln!("live_insert_rows::rows_by_reference_land_as_given_with_defaults on {b}");
        let md = MetaData::new().with(Typed::table());
        fresh(&engine, &md).await;
        let t = Typed::new();
        let at: Timestamp = "2024-02-29 23:59:58.123456".parse().unwrap();
        let people = [
            Person {
                id: i64::MIN + 1,
                name: "Ann".into(),
                note: None,
                active: true,
                score: -1.5,
                small: i32::MAX,
                data: Some(vec![0, 1, 255]),
                at,
            },
            Person {
                id: 2,
                name: "Zoë 🦀 'quoted'".into(),
                note: Some("".into()),
                active: false,
                score: 1e300,
                small: i32::MIN,
                data: None,
                at: "1900-01-01 00:00:00".parse().unwrap(),
            },
            Person {
                id: i64::MAX,
                name: String::new(),
                note: Some("x".repeat(100)),
                active: true,
                score: 0.0,
                small: 0,
                data: Some(Vec::new()),
                at: "9999-12-31 23:59:59.999999".parse().unwrap(),
            },
        ];
        let n = engine
            .insert_rows(
                t,
                (
                    t.id, t.name, t.note, t.active, t.score, t.small, t.data, t.at,
                ),
                people.iter().map(|p| {
                    (
                        p.id,
                        p.name.as_str(),
                        p.note.as_deref(),
                        p.active,
                        p.score,
                        p.small,
                        p.data.as_deref(),
                        p.at,
                    )
                }),
            )
            .await
            .unwrap();
        assert_eq!(n, 3, "{b}");
        let got: Vec<TypedRow> = select((
            t.id, t.name, t.note, t.active, t.score, t.small, t.data, t.at, t.kind, t.qty,
        ))
        .from(t)
        .order_by(t.id)
        .fetch_all(&engine)
        .await
        .unwrap();
        let want: Vec<TypedRow> = people
            .iter()
            .map(|p| {
                (
                    p.id,
                    p.name.clone(),
                    p.note.clone(),
                    p.active,
                    p.score,
                    p.small,
                    p.data.clone(),
                    p.at,
                    "client".to_owned(),
                    7,
                )
            })
            .collect();
        assert_eq!(got, want, "{b}");

        // Owned values, references to them and `Option`s of either are rows too.
        let n = engine
            .insert_rows(
                t,
                (t.id, t.name, t.active, t.score, t.small, t.at),
                vec![(10_i64, "owned".to_owned(), true, 1.0, 1, at)],
            )
            .await
            .unwrap();
        assert_eq!(n, 1, "{b}");
        let name = String::from("borrowed");
        let n = engine
            .insert_rows(
                t,
                (t.id, t.name, t.note, t.active, t.score, t.small, t.at),
                [(11_i64, &name, Some(&name), false, 2.0, 2, at)],
            )
            .await
            .unwrap();
        assert_eq!(n, 1, "{b}");
        let names: Vec<(String, Option<String>)> = select((t.name, t.note))
            .from(t)
            .filter(t.id.between(10, 11))
            .order_by(t.id)
            .fetch_all(&engine)
            .await
            .unwrap();
        assert_eq!(
            names,
            [
                ("owned".to_owned(), None),
                ("borrowed".to_owned(), Some("borrowed".to_owned()))
            ],
            "{b}"
        );

        // No rows: nothing sent, nothing written.
        let none: Vec<(i64, &str, bool, f64, i32, Timestamp)> = Vec::new();
        let n = engine
            .insert_rows(t, (t.id, t.name, t.active, t.score, t.small, t.at), none)
            .await
            .unwrap();
        assert_eq!(n, 0, "{b}");

        // A NOT NULL column without a default left out: refused before the database.
        let r = engine
            .insert_rows(t, (t.id, t.name), [(20_i64, "no active")])
            .await;
        assert_eq!(r.unwrap_err().kind(), ErrorKind::InvalidStatement, "{b}");
        engine.drop_all(&md).await.unwrap();
    }
}

quarry::table! {
    pub struct Load("qrows_load") {
        id: i64 => primary_key(),
        name: String => sql_type(SqlType::Varchar(40)),
        email: String => sql_type(SqlType::Varchar(60)),
        active: bool,
        at: Timestamp,
    }
}

struct LoadRow {
    id: i64,
    name: String,
    email: String,
    active: bool,
    at: Timestamp,
}

fn load_rows(ids: std::ops::Range<i64>) -> Vec<LoadRow> {
    let base: Timestamp = "2024-01-01 00:00:00".parse().unwrap();
    ids.map(|id| LoadRow {
        id,
        name: format!("user {id}"),
        email: format!("user{id}@example.com"),
        active: id % 3 != 0,
        at: Timestamp::from_micros_since_epoch(base.micros_since_epoch() + id * 1_000_123).unwrap(),
    })
    .collect()
}

async fn load_count(engine: &Engine) -> i64 {
    engine
        .fetch_scalar("SELECT COUNT(*) FROM qrows_load")
        .await
        .unwrap()
}

/// Inserts `rows` into `qrows_load` through `conn`.
async fn load(conn: &mut quarry::Connection, rows: &[LoadRow]) -> quarry::Result<u64> {
    let t = Load::new();
    conn.insert_rows(
        t,
        (t.id, t.name, t.email, t.active, t.at),
        rows.iter()
            .map(|r| (r.id, &r.name, r.email.as_str(), r.active, r.at)),
    )
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_large_load_lands_whole_or_not_at_all() {
    // 40 000 rows of 5 values: 200 000 values, several statements on every backend that
    // splits (SQLite: 32 766 values a statement, MariaDB: 65 535).
    const N: i64 = 40_000;
    for engine in common::all_engines().await {
        let b = be(&engine);
        eprintln!("live_insert_rows::a_large_load_lands_whole_or_not_at_all on {b}");
        let md = MetaData::new().with(Load::table());
        fresh(&engine, &md).await;
        let rows = load_rows(0..N);
        let mut conn = engine.acquire().await.unwrap();
        assert_eq!(load(&mut conn, &rows).await.unwrap(), N as u64, "{b}");
        assert_eq!(load_count(&engine).await, N, "{b}");
        let t = Load::new();
        let last: (i64, String, String, bool, Timestamp) =
            select((t.id, t.name, t.email, t.active, t.at))
                .from(t)
                .filter(t.id.eq(N - 1))
                .fetch_one(&engine)
                .await
                .unwrap();
        let r = &rows[(N - 1) as usize];
        assert_eq!(
            last,
            (r.id, r.name.clone(), r.email.clone(), r.active, r.at),
            "{b}"
        );

        // A duplicate key near the end: the whole load fails with the typed error and
        // nothing of it stays.
        let mut more = load_rows(N..2 * N);
        more[(N - 10) as usize].id = 5;
        let e = load(&mut conn, &more).await.unwrap_err();
        assert_eq!(e.kind(), ErrorKind::UniqueViolation, "{b}: {e}");
        assert_eq!(load_count(&engine).await, N, "{b}");

        // Inside a transaction: a failed load leaves the transaction usable (a savepoint),
        // and a load rolled back with it leaves nothing.
        let mut tx = conn.begin().await.unwrap();
        let e = load(&mut tx, &more).await.unwrap_err();
        assert_eq!(e.kind(), ErrorKind::UniqueViolation, "{b}: {e}");
        let ok = load_rows(N..N + 100);
        assert_eq!(load(&mut tx, &ok).await.unwrap(), 100, "{b}");
        tx.rollback().await.unwrap();
        assert_eq!(load_count(&engine).await, N, "{b}");
        let mut tx = conn.begin().await.unwrap();
        assert_eq!(load(&mut tx, &ok).await.unwrap(), 100, "{b}");
        tx.commit().await.unwrap();
        assert_eq!(load_count(&engine).await, N + 100, "{b}");
        // The connection is clean afterwards.
        assert!(!common::in_transaction(&mut conn).await, "{b}");
        drop(conn);
        engine.drop_all(&md).await.unwrap();
    }
}

/// An iterator whose `len()` is not the number of rows it gives.
struct Lying<I> {
    inner: I,
    claimed: usize,
}

impl<I: Iterator> Iterator for Lying<I> {
    type Item = I::Item;
    fn next(&mut self) -> Option<I::Item> {
        self.inner.next()
    }
    fn size_hint(&self) -> (usize, Option<usize>) {
        (self.claimed, Some(self.claimed))
    }
}

impl<I: Iterator> ExactSizeIterator for Lying<I> {}

quarry::table! {
    pub struct Lied("qrows_lied") {
        id: i64 => primary_key(),
        name: String => sql_type(SqlType::Varchar(40)),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_iterator_of_the_wrong_length_leaves_nothing() {
    for engine in common::all_engines().await {
        let b = be(&engine);
        eprintln!("live_insert_rows::an_iterator_of_the_wrong_length_leaves_nothing on {b}");
        let md = MetaData::new().with(Lied::table());
        fresh(&engine, &md).await;
        let t = Lied::new();
        for (claimed, given) in [(10, 5), (3, 5), (40_000, 39_999)] {
            let rows = (0..given as i64).map(|i| (i, "n"));
            let r = engine
                .insert_rows(
                    t,
                    (t.id, t.name),
                    Lying {
                        inner: rows,
                        claimed,
                    },
                )
                .await;
            let e = r.unwrap_err();
            assert_eq!(e.kind(), ErrorKind::InvalidStatement, "{b}: {e}");
            let count: i64 = engine
                .fetch_scalar("SELECT COUNT(*) FROM qrows_lied")
                .await
                .unwrap();
            assert_eq!(count, 0, "{b}: claimed {claimed}");
        }
        // An iterator that does not know its length (a filter) is collected first.
        let n = engine
            .insert_rows(
                t,
                (t.id, t.name),
                (0..10_i64).filter(|i| i % 2 == 0).map(|i| (i, "even")),
            )
            .await
            .unwrap();
        assert_eq!(n, 5, "{b}");
        engine.drop_all(&md).await.unwrap();
    }
}

/// SQLite binds the rows in place only where it may block (`executor=auto` or
/// `block_in_place` on a multi-threaded runtime); elsewhere the rows go through the
/// connection's thread as values. Both land the same rows, atomically.
#[tokio::test(flavor = "current_thread")]
async fn sqlite_rows_go_through_every_executor() {
    common::install();
    for url in [
        "sqlite::memory:",
        "sqlite::memory:?executor=thread",
        "sqlite::memory:?executor=spawn_blocking",
    ] {
        let engine = Engine::connect(url).await.unwrap();
        let md = MetaData::new().with(Load::table());
        fresh(&engine, &md).await;
        let rows = load_rows(0..7_000);
        let mut conn = engine.acquire().await.unwrap();
        assert_eq!(load(&mut conn, &rows).await.unwrap(), 7_000, "{url}");
        let mut dup = load_rows(7_000..14_000);
        dup[6_999].id = 1;
        let e = load(&mut conn, &dup).await.unwrap_err();
        assert_eq!(e.kind(), ErrorKind::UniqueViolation, "{url}: {e}");
        drop(conn);
        assert_eq!(load_count(&engine).await, 7_000, "{url}");
    }
}

quarry::table! {
    pub struct Narrow("qrows_narrow") {
        id: i64 => primary_key(),
        n: i64 => sql_type(SqlType::Integer),
    }
}

/// A value the column's type cannot hold fails the whole load (PostgreSQL names the row and
/// column it found while writing the COPY data; MariaDB refuses it in strict mode); SQLite's
/// INTEGER holds any 64-bit integer.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_value_the_column_cannot_hold_fails_the_load() {
    for engine in common::all_engines().await {
        let b = be(&engine);
        eprintln!("live_insert_rows::a_value_the_column_cannot_hold_fails_the_load on {b}");
        let md = MetaData::new().with(Narrow::table());
        fresh(&engine, &md).await;
        let t = Narrow::new();
        let r = engine
            .insert_rows(t, (t.id, t.n), [(1_i64, 5_i64), (2, i64::MAX)])
            .await;
        let count: i64 = engine
            .fetch_scalar("SELECT COUNT(*) FROM qrows_narrow")
            .await
            .unwrap();
        match b {
            "sqlite" => {
                assert_eq!(r.unwrap(), 2, "{b}");
                assert_eq!(count, 2, "{b}");
            }
            _ => {
                let e = r.unwrap_err();
                if b == "postgresql" {
                    assert_eq!(e.code(), Some("22003"), "{b}: {e}");
                    assert!(e.to_string().contains("row 2, column 2"), "{b}: {e}");
                }
                assert_eq!(count, 0, "{b}: {e}");
            }
        }
        engine.drop_all(&md).await.unwrap();
    }
}

quarry::table! {
    pub struct Wide("qrows_wide") {
        id: i64 => primary_key(),
        body: String,
    }
}

/// Rows of 60 000-byte texts, 18 MB in all: every row lands whole. (On MariaDB the rows are
/// sent as statements of under 8 MiB, a row that would pass it starting the next one; the
/// split itself is checked by a unit test of `InsertRows::next_statement`, since the server
/// takes larger statements too: mysql_async sends long values apart.)
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn long_rows_split_by_size_and_land_whole() {
    for engine in common::all_engines().await {
        let b = be(&engine);
        eprintln!("live_insert_rows::long_rows_split_by_size_and_land_whole on {b}");
        let md = MetaData::new().with(Wide::table());
        fresh(&engine, &md).await;
        let t = Wide::new();
        let bodies: Vec<String> = (0..300)
            .map(|i| char::from(b'a' + (i % 26) as u8).to_string().repeat(60_000))
            .collect();
        let n = engine
            .insert_rows(
                t,
                (t.id, t.body),
                bodies.iter().enumerate().map(|(i, s)| (i as i64, s)),
            )
            .await
            .unwrap();
        assert_eq!(n, 300, "{b}");
        let got: Vec<(i64, String)> = select((t.id, t.body))
            .from(t)
            .order_by(t.id)
            .fetch_all(&engine)
            .await
            .unwrap();
        assert_eq!(got.len(), 300, "{b}");
        for (i, (id, body)) in got.iter().enumerate() {
            assert_eq!(*id, i as i64, "{b}");
            assert!(*body == bodies[i], "{b}: row {i} differs");
        }
        engine.drop_all(&md).await.unwrap();
    }
}

quarry::table! {
    pub struct Cut("qrows_cut") {
        id: i64 => primary_key(),
        name: String => sql_type(SqlType::Varchar(40)),
    }
}

/// A load whose future is dropped at some point (deadlines spread over a whole load's time, on
/// a pool of one connection so that the same connection comes back): the table holds all the
/// rows or none of them, and the connection the pool hands out next is outside any transaction
/// and answers. Loads must actually be cut, some after a third of their time.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_load_dropped_midway_leaves_all_or_nothing_and_a_clean_connection() {
    common::install();
    // SQLite on a thread of its own: its default executor runs a load to its end within the
    // first poll, where no deadline can cut it.
    let mut urls = vec!["sqlite::memory:?pool_max_size=1&executor=thread".to_owned()];
    for var in ["QUARRY_TEST_POSTGRES_URL", "QUARRY_TEST_MYSQL_URL"] {
        if let Some(u) = common::url(var) {
            let sep = if u.contains('?') { '&' } else { '?' };
            urls.push(format!("{u}{sep}pool_max_size=1"));
        }
    }
    const N: i64 = 20_000;
    let names: Vec<String> = (0..N).map(|i| format!("name {i}")).collect();
    for url in urls {
        let engine = Engine::connect(&url).await.unwrap();
        let b = be(&engine);
        eprintln!("live_insert_rows::a_load_dropped_midway… on {b}");
        let md = MetaData::new().with(Cut::table());
        fresh(&engine, &md).await;
        let t = Cut::new();
        let load = || {
            engine.insert_rows(
                t,
                (t.id, t.name),
                names.iter().enumerate().map(|(i, n)| (i as i64, n)),
            )
        };
        // How long a whole load takes here (the fastest of three): the deadlines below cut
        // loads at fractions of it, so that most are dropped while their rows are on the way.
        let mut full = std::time::Duration::MAX;
        for _ in 0..3 {
            let start = std::time::Instant::now();
            assert_eq!(load().await.unwrap(), N as u64, "{b}");
            full = full.min(start.elapsed());
            engine
                .execute_script("DELETE FROM qrows_cut")
                .await
                .unwrap();
        }
        let (mut whole, mut none, mut cut, mut cut_late) = (0, 0, 0, 0);
        for step in 0..12_u32 {
            let deadline = full * (step + 1) / 16;
            let load = load();
            let r = tokio::time::timeout(deadline, load).await;
            let mut conn = engine.acquire().await.unwrap();
            assert!(!common::in_transaction(&mut conn).await, "{b}: step {step}");
            let count: i64 = conn
                .fetch_scalar("SELECT COUNT(*) FROM qrows_cut")
                .await
                .unwrap();
            match r {
                Ok(Ok(n)) => {
                    assert_eq!((n, count), (N as u64, N), "{b}: step {step}");
                    whole += 1;
                }
                Ok(Err(e)) => panic!("{b}: step {step}: {e}"),
                Err(tokio::time::error::Elapsed { .. }) => {
                    cut += 1;
                    if step >= 5 {
                        cut_late += 1;
                    }
                    assert!(count == 0 || count == N, "{b}: step {step}: {count} rows");
                    if count == 0 {
                        none += 1;
                    } else {
                        whole += 1;
                    }
                }
            }
            conn.execute_script("DELETE FROM qrows_cut").await.unwrap();
        }
        eprintln!(
            "  {b}: a load takes {full:?}; {whole} landed whole, {none} left nothing \
             ({cut} cut, {cut_late} after a third of its time)"
        );
        // Loads were cut, and cut mid-way: past a third of a whole load's time.
        assert!(cut > 0, "{b}: no load was dropped before it finished");
        assert!(
            cut_late > 0,
            "{b}: no load was cut after a third of its time"
        );
        assert!(none > 0, "{b}: no cut load left nothing");
        engine.drop_all(&md).await.unwrap();
    }
}

quarry::table! {
    pub struct Ups("qrows_ups") {
        id: i64 => primary_key(),
        n: i64,
    }
}

/// An INSERT built with `insert(..).rows(..)` that needs several statements runs through the
/// backend's own row path when executed (not fetched): with an upsert clause and with
/// RETURNING, every row lands once, updates count as each backend counts them, and the
/// RETURNING rows are read and dropped (and counted as the rows affected, which MariaDB does
/// not report for a statement that returns rows).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn split_inserts_with_an_upsert_or_returning_run_as_rows() {
    const N: i64 = 40_000;
    for engine in common::all_engines().await {
        let b = be(&engine);
        eprintln!("live_insert_rows::split_inserts_with_an_upsert_or_returning_run_as_rows on {b}");
        let md = MetaData::new().with(Ups::table());
        fresh(&engine, &md).await;
        let t = Ups::new();
        // The first half exists.
        let n = engine
            .insert_rows(t, (t.id, t.n), (0..N / 2).map(|i| (i, 1_i64)))
            .await
            .unwrap();
        assert_eq!(n, (N / 2) as u64, "{b}");
        let q = insert(t)
            .rows((0..N).map(|i| (t.id.set(i), t.n.set(2))))
            .on_conflict(t.id)
            .do_update([t.n]);
        let parts = q.compile_batches(engine.dialect()).unwrap().len();
        assert!(parts > 1, "{b}: {parts} statements");
        let n = q.execute(&engine).await.unwrap();
        // The MySQL family counts an updated row twice.
        let updated = if matches!(b, "mariadb" | "mysql") {
            2
        } else {
            1
        };
        assert_eq!(n, (N / 2 + updated * N / 2) as u64, "{b}");
        let (count, twos): (i64, i64) = engine
            .fetch_one_as("SELECT COUNT(*), COUNT(CASE WHEN n = 2 THEN 1 END) FROM qrows_ups")
            .await
            .unwrap();
        assert_eq!((count, twos), (N, N), "{b}");

        if b != "mysql" {
            // One statement with RETURNING, executed: its rows count as the rows affected.
            let q = insert(t)
                .values((t.id.set(-1), t.n.set(0)))
                .values((t.id.set(-2), t.n.set(0)))
                .returning(t.id);
            assert_eq!(q.execute(&engine).await.unwrap(), 2, "{b}");
            let q = delete(t).filter(t.id.lt(0)).returning(t.id);
            assert_eq!(q.execute(&engine).await.unwrap(), 2, "{b}");
            let q = insert(t)
                .rows((N..2 * N).map(|i| (t.id.set(i), t.n.set(3))))
                .returning(t.id);
            assert!(
                q.compile_batches(engine.dialect()).unwrap().len() > 1,
                "{b}"
            );
            assert_eq!(q.execute(&engine).await.unwrap(), N as u64, "{b}");
            let count: i64 = engine
                .fetch_scalar("SELECT COUNT(*) FROM qrows_ups")
                .await
                .unwrap();
            assert_eq!(count, 2 * N, "{b}");
        }
        engine.drop_all(&md).await.unwrap();
    }
}
