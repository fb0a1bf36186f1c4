//! Statements as plain data. DDL lives in [`ddl`]; SELECT and DML build on the same compiler.

pub mod clauses;
mod compound;
pub mod ddl;
pub mod delete;
mod from;
pub mod insert;
mod items;
pub mod select;
mod table_macro;
pub mod text;
pub mod tx;
pub mod update;

/// Appends the value `make` returns, made where it goes in `v`.
///
/// Unlike `v.push(make())`, the value is written in its place rather than built on the stack
/// and copied (faster in the build + compile bench). For builders' items made on every call
/// (SET items, RETURNING columns).
#[inline(always)]
pub(crate) fn push_made<T>(v: &mut Vec<T>, make: impl FnOnce() -> T) {
    v.extend(std::iter::once_with(make));
}
