//! Statements as plain data. DDL lives in [`ddl`]; SELECT and DML build on the same compiler.

pub mod clauses;
pub mod ddl;
pub mod delete;
pub mod insert;
pub mod select;
pub mod text;
pub mod update;

/// Appends the value `make` returns, made where it goes in `v`.
///
/// `v.push(make())` composes a freshly built value on the stack and copies it into the
/// vector at once, with wider loads than the stores that wrote it, which stalls on store
/// forwarding. Through `extend`, the vector makes room first and the value is written in
/// its place. For builders' items made on every call (SET items, RETURNING columns).
#[inline(always)]
pub(crate) fn push_made<T>(v: &mut Vec<T>, make: impl FnOnce() -> T) {
    v.extend(std::iter::once_with(make));
}
