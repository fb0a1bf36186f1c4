//! Statements as plain data. DDL lives in [`ddl`]; SELECT and DML build on the same compiler.

pub mod clauses;
pub mod ddl;
pub mod delete;
pub mod insert;
pub mod select;
pub mod text;
pub mod update;
