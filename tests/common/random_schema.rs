//! Proptest strategies for random schemas: names with reserved words, mixed case, spaces and
//! quote characters; random types and foreign-key graphs, cycles included. Shared by
//! tests/live_ddl_prop.rs and tests/live_reflect_prop.rs.

use proptest::prelude::*;
use quarry::{ColumnDef, ForeignKey, MetaData, SqlType, Table};

pub const RESERVED: &[&str] = &[
    "select",
    "order",
    "group",
    "key",
    "table",
    "user",
    "from",
    "where",
    "index",
    "check",
    "default",
    "limit",
    "offset",
    "returning",
    "values",
    "column",
    "Primary",
    "desc",
];

pub fn ident() -> impl Strategy<Value = String> {
    prop_oneof![
        prop::sample::select(RESERVED).prop_map(str::to_owned),
        "[a-z][a-z0-9_]{0,10}",
        "[A-Za-z][A-Za-z0-9_ ]{0,12}[A-Za-z0-9]",
        "[a-z][a-z0-9 \"`'$é-]{0,10}[a-z]",
    ]
}

pub fn key_type() -> impl Strategy<Value = SqlType> {
    prop_oneof![
        Just(SqlType::Integer),
        Just(SqlType::BigInt),
        Just(SqlType::SmallInt),
        (1u32..40).prop_map(SqlType::Varchar),
    ]
}

pub fn any_type() -> impl Strategy<Value = SqlType> {
    prop_oneof![
        key_type(),
        Just(SqlType::Boolean),
        Just(SqlType::Real),
        Just(SqlType::Double),
        (1u16..30, 0u16..10).prop_map(|(p, s)| SqlType::numeric(p.max(s).max(1), s)),
        (1u32..10).prop_map(SqlType::Char),
        Just(SqlType::Text),
        Just(SqlType::Blob),
        Just(SqlType::Date),
        Just(SqlType::Time),
        Just(SqlType::Timestamp),
        Just(SqlType::TimestampTz),
        Just(SqlType::Uuid),
        Just(SqlType::Json),
    ]
}

/// Names unique without regard to case (MySQL and SQLite compare them so).
pub fn unique_names(raw: Vec<String>, prefix: &str) -> Vec<String> {
    let mut seen = std::collections::HashSet::new();
    raw.into_iter()
        .enumerate()
        .map(|(i, n)| {
            let mut name = format!("{prefix}{n}");
            if !seen.insert(name.to_lowercase()) {
                name = format!("{prefix}{n}{i}");
                seen.insert(name.to_lowercase());
            }
            name
        })
        .collect()
}

#[derive(Clone, Debug)]
pub struct Spec {
    pub key_type: SqlType,
    pub columns: Vec<(String, SqlType, bool)>,
    /// Foreign keys to other tables (by index), nullable so cycles can be created.
    pub fks: Vec<usize>,
}

pub fn schema() -> impl Strategy<Value = Vec<(String, Spec)>> {
    (1usize..5).prop_flat_map(|n| {
        let table = (
            ident(),
            key_type(),
            prop::collection::vec((ident(), any_type(), any::<bool>()), 0..5),
            prop::collection::vec(0..n, 0..3),
        );
        prop::collection::vec(table, n).prop_map(|tables| {
            tables
                .into_iter()
                .map(|(name, key_type, columns, fks)| {
                    (
                        name,
                        Spec {
                            key_type,
                            columns,
                            fks,
                        },
                    )
                })
                .collect()
        })
    })
}

pub fn build(specs: &[(String, Spec)], prefix: &str) -> MetaData {
    let names = unique_names(specs.iter().map(|s| s.0.clone()).collect(), prefix);
    let mut md = MetaData::new();
    for (i, (_, spec)) in specs.iter().enumerate() {
        let cols = unique_names(spec.columns.iter().map(|c| c.0.clone()).collect(), "c ");
        assert_eq!(cols.len(), spec.columns.len(), "a name for every column");
        let mut t = Table::new(names[i].clone())
            .column(ColumnDef::new("id", spec.key_type.clone()).primary_key());
        for ((_, ty, nullable), name) in spec.columns.iter().zip(cols) {
            t = t.column(ColumnDef::new(name, ty.clone()).nullable(*nullable));
        }
        for (k, &target) in spec.fks.iter().enumerate() {
            let col = format!("fk {k}");
            t = t
                .column(ColumnDef::new(
                    col.clone(),
                    specs[target].1.key_type.clone(),
                ))
                .foreign_key(ForeignKey::new([col], names[target].clone(), ["id"]));
        }
        md = md.with(t);
    }
    md
}
