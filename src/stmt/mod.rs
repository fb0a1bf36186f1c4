//! Statements as plain data: SELECT (with its FROM items, joins, CTEs, set operations and row
//! locks), INSERT, UPDATE, DELETE, DDL, raw SQL fragments and transaction options. The
//! builders most code uses are at the crate root ([`crate::select`], [`crate::insert`], …);
//! this module holds the parts a statement is made of.

pub(crate) mod alter;
pub(crate) mod clauses;
mod compound;
pub(crate) mod ddl;
pub(crate) mod delete;
mod derived;
pub(crate) mod diff;
mod from;
pub(crate) mod insert;
mod items;
pub(crate) mod select;
mod table_macro;
pub(crate) mod text;
pub(crate) mod tx;
pub(crate) mod update;

pub use alter::{AlterOp, AlterTable, Constraint};
pub use clauses::{excluded, Assign, Assignments, ColumnNames, DefaultValue, SetTarget, DEFAULT};
pub use ddl::{CreateIndex, CreateTable, CreateType, DropIndex, DropTable, DropType};
pub use delete::{delete, Delete, DeleteStmt};
pub use derived::OutputColumn;
pub use insert::{insert, ConflictAction, Insert, InsertStmt, OnConflict};
pub use select::{
    select, Compound, CompoundStmt, Cte, DecodeRow, Distinct, ExprList, FromItem, FromItems,
    IntoOrderBy, Join, JoinKind, Labeled, LockStrength, LockWait, Query, RowLock, Select,
    SelectItem, SelectStmt, Selection, SetOp, Subquery, TableMeta, TableRef, TableSource,
    ValuesStmt,
};
pub use text::{sql, Sql};
pub use tx::{IsolationLevel, TxOptions};
pub use update::{update, Update, UpdateStmt};

/// Appends the value `make` returns, made where it goes in `v`.
///
/// Unlike `v.push(make())`, the value is written in its place rather than built on the stack
/// and copied (faster in the build + compile bench). For builders' items made on every call
/// (SET items, RETURNING columns).
#[inline(always)]
pub(crate) fn push_made<T>(v: &mut Vec<T>, make: impl FnOnce() -> T) {
    v.extend(std::iter::once_with(make));
}
