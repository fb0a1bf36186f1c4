//! Schema diff (no database): two schemas of 500 tables (8 columns each, primary key, foreign
//! key, unique constraint, index) that differ in about 10 % of the tables. Target: ≤ 50 ms.

use criterion::{black_box, criterion_group, criterion_main, Criterion};
use quarry::migrate::{diff, Diff};
use quarry::{ColumnDef, ForeignKey, Index, MetaData, SqlType, Table, Unique};

const TABLES: usize = 500;

fn table(i: usize, changed: bool, fk: bool) -> Table {
    let name = format!("t{i:03}");
    let mut t = Table::new(&name)
        .column(
            ColumnDef::new("id", SqlType::BigInt)
                .primary_key()
                .autoincrement(),
        )
        .column(ColumnDef::new("parent_id", SqlType::BigInt))
        .column(ColumnDef::new("name", SqlType::Varchar(100)).not_null())
        .column(ColumnDef::new("email", SqlType::Varchar(200)).not_null())
        .column(ColumnDef::new(
            "amount",
            SqlType::numeric(if changed { 14 } else { 12 }, 2),
        ))
        .column(
            ColumnDef::new("created_at", SqlType::Timestamp)
                .not_null()
                .server_default_expr("CURRENT_TIMESTAMP"),
        )
        .column(ColumnDef::new("flag", SqlType::Boolean).not_null())
        .unique(Unique::new(["email"]).named(format!("uq_{name}_email")))
        .index(if changed {
            Index::on(format!("ix_{name}_name"), ["name", "created_at"])
        } else {
            Index::on(format!("ix_{name}_name"), ["name"])
        });
    t = if changed {
        t.column(ColumnDef::new("extra", SqlType::Text))
    } else {
        t.column(ColumnDef::new("note", SqlType::Text))
    };
    if i > 0 && fk {
        t = t.foreign_key(
            ForeignKey::new(["parent_id"], format!("t{:03}", i - 1), ["id"])
                .named(format!("fk_{name}_parent")),
        );
    }
    t
}

/// The old schema, and the new one: every tenth table altered (a column dropped, one added, a
/// type widened, an index changed), every hundredth dropped (with the foreign key to it) and a
/// new table in its place.
fn schemas() -> (MetaData, MetaData) {
    let old = (0..TABLES).fold(MetaData::new(), |md, i| md.with(table(i, false, true)));
    let dropped = |i: usize| i % 100 == 7;
    let mut new = MetaData::new();
    for i in 0..TABLES {
        if dropped(i) {
            new = new.with(table(1000 + i, false, false));
            continue;
        }
        new = new.with(table(i, i % 10 == 3, !dropped(i.wrapping_sub(1))));
    }
    (old, new)
}

fn bench(c: &mut Criterion) {
    let (old, new) = schemas();
    let changes = diff(&old, &new).unwrap();
    assert!(changes.len() > 50, "{}", changes.len());
    c.bench_function("diff/500_tables_10pct_changed", |b| {
        b.iter(|| diff(black_box(&old), black_box(&new)).unwrap())
    });
    c.bench_function("diff/500_tables_equal", |b| {
        b.iter(|| diff(black_box(&old), black_box(&old)).unwrap())
    });
    c.bench_function("diff/500_tables_with_renames", |b| {
        b.iter(|| {
            Diff::new(black_box(&old), black_box(&new))
                .rename_column("t003", "note", "extra")
                .changes()
                .unwrap()
        })
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
