//! Build + compile benchmarks for DDL (no database). Statement benchmarks against sea-query and
//! executor benchmarks against the raw drivers come with the SELECT and executor work.

use criterion::{black_box, criterion_group, criterion_main, Criterion};
use quarry::{
    Check, ColumnDef, Dialect, FkAction, ForeignKey, Index, MetaData, MySql, Postgres, SqlType,
    Sqlite, Table,
};

/// The reference schema of BENCH.md (users, orders).
fn schema() -> MetaData {
    MetaData::new()
        .with(
            Table::new("orders")
                .column(ColumnDef::new("id", SqlType::BigInt).primary_key())
                .column(ColumnDef::new("user_id", SqlType::BigInt).not_null())
                .column(ColumnDef::new("total", SqlType::numeric(10, 2)))
                .column(ColumnDef::new("created_at", SqlType::Timestamp).not_null())
                .foreign_key(
                    ForeignKey::new(["user_id"], "users", ["id"]).on_delete(FkAction::Cascade),
                )
                .check(Check::new("total >= 0"))
                .index(Index::on("ix_orders_user", ["user_id"])),
        )
        .with(
            Table::new("users")
                .column(ColumnDef::new("id", SqlType::BigInt).primary_key())
                .column(ColumnDef::new("name", SqlType::Text).not_null())
                .column(ColumnDef::new("email", SqlType::Text).not_null())
                .column(ColumnDef::new("active", SqlType::Boolean).not_null())
                .column(ColumnDef::new("created_at", SqlType::Timestamp).not_null()),
        )
}

fn create_all(c: &mut Criterion) {
    for d in [&Postgres as &dyn Dialect, &MySql, &Sqlite] {
        c.bench_function(&format!("create_all_ddl/{}", d.name()), |b| {
            b.iter(|| black_box(schema()).create_all_ddl(d).unwrap())
        });
    }
}

criterion_group!(benches, create_all);
criterion_main!(benches);
